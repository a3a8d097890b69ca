"""YAML with line numbers: every mapping remembers the line of each key.

Duplicate keys are errors (PyYAML silently keeps the last one). Every failure is a
careprint.errors.YamlError that names its line.
"""

from __future__ import annotations

import yaml

from ..errors import YamlError
from ..guard.bounds import long_word, long_word_message
from ..guard.nesting import MAX_DEPTH, yaml_too_deep


class LineDict(dict):
    """A dict that knows the 1-based line of itself and of each of its keys."""

    line: int = 0
    key_lines: dict

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    line: int = 0
    item_lines: list


class DuplicateKey(yaml.YAMLError):
    def __init__(self, key, line):
        super().__init__(f"duplicate key {key!r}")
        self.key = key
        self.line = line


# libyaml's parser where PyYAML was built with it (the wheels are): a project's YAML loads
# several times faster; the constructors, and so the checks and line numbers, are ours
# (a base chosen at run time: mypy cannot follow it, and checks the methods against Any)
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    def get_single_data(self):
        """Compose, refuse a document nested deeper than MAX_DEPTH (constructing it would
        recurse past Python's limit), then construct."""
        node = self.get_single_node()
        if node is None:
            return None
        deep = yaml_too_deep(node)
        if deep is not None:
            raise YamlError(deep.start_mark.line + 1, f"lists and mappings nested more than "
                            f"{MAX_DEPTH} deep here; flatten them")
        return self.construct_document(node)


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = _construct(loader, key_node)
        try:
            hash(key)
        except TypeError:
            raise ValueError_(key_node, "a key must be a plain word, not a list or a "
                              "mapping") from None
        if key in out.key_lines:
            raise DuplicateKey(key, key_node.start_mark.line + 1)
        try:
            out[key] = _construct(loader, value_node)
        except ValueError_ as exc:
            if not exc.message.startswith(f"{key}: "):
                exc.message = f"{key}: {exc.message}"
            raise
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


class ValueError_(yaml.YAMLError):  # a YAML value that cannot be built
    def __init__(self, node, message):
        super().__init__(message)
        self.line = node.start_mark.line + 1
        self.message = message


def _construct(loader, node):
    """Build one value; a value YAML parses but cannot build (a date like 2025-02-30, a
    `!!int abc`) becomes an error with its line instead of a crash."""
    try:
        return loader.construct_object(node, deep=True)
    except ValueError_:
        raise
    except (ValueError, TypeError, IndexError, KeyError, OverflowError) as exc:
        raise ValueError_(node, f"cannot read this value ({exc})") from None


def _construct_sequence(loader, node):
    out = LineList(_construct(loader, child) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(text: str, first_line: int = 1):
    """Parse YAML that starts at `first_line` of its file.

    Every line number (in LineDict/LineList, and in YamlError) is a line of the file.
    """
    padded = "\n" * (first_line - 1) + text
    try:
        _refuse_aliases(padded)
        data = yaml.load(padded, Loader=_Loader)  # a SafeLoader subclass: safe
        _refuse_long_word(padded)  # after the YAML's own errors: a word there is found too
        return data
    except (DuplicateKey, _Refused) as exc:
        raise YamlError(exc.line, str(exc)) from None
    except ValueError_ as exc:
        raise YamlError(exc.line, f"invalid YAML value: {exc.message}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else first_line
        what = exc.problem or str(exc)
        raise YamlError(line, f"invalid YAML: {what}") from None
    except yaml.YAMLError as exc:
        raise YamlError(first_line, f"invalid YAML: {exc}") from None
    except RecursionError:  # composing, without libyaml: refused like the check above
        raise YamlError(first_line, f"lists and mappings nested more than {MAX_DEPTH} "
                        "deep; flatten them") from None
    except (ValueError, TypeError, IndexError, KeyError, OverflowError) as exc:
        raise YamlError(first_line, f"invalid YAML value: {exc}") from None



class _Refused(yaml.YAMLError):  # YAML careprint does not read, at its line
    def __init__(self, line, message):
        super().__init__(message)
        self.line = line


def _refuse_aliases(text: str) -> None:
    """Refuse an anchor (`&name`) or alias (`*name`): a 90 KB worksheet of aliases of
    aliases expanded to 20,000 labels of 10 KB each (3.4 GB, then a hang), and nothing
    careprint reads needs one. The events are read (by libyaml, fast) only when the text
    has a `&` or a `*`."""
    if "&" not in text and "*" not in text:
        return
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            assert event.start_mark is not None  # a parsed event has its place
            raise _Refused(event.start_mark.line + 1, "YAML anchors and aliases (`&name`, "
                           "`*name`) are not allowed here: write each value out in full")


def _refuse_long_word(text: str) -> None:
    """Refuse a word longer than careprint.guard.bounds.MAX_WORD, at its line."""
    found = long_word(text)
    if found:
        raise _Refused(found[0], long_word_message(found[1]))
