"""Typed values out of a YAML mapping (careprint.source.yamlload.LineDict): each problem names
its file:line, and the lines of the keys are kept for careprint.check."""

from __future__ import annotations

from ..errors import Collector, at
from .config import Config
from .model import KeyLines
from .yamlload import LineDict, LineList


def unknown_keys(data: LineDict, allowed, rel: str, errs: Collector, what: str = "key") -> None:
    """Report each key of `data` that is not in `allowed`, at its line."""
    for key in data:
        if key not in allowed:
            errs.add(at(rel, data.line_of(key)), f"unknown {what} {key!r}; expected one of: "
                     f"{', '.join(allowed)}")


def mappings(items: list, rel: str, errs: Collector, expected: str) -> list[LineDict]:
    """The entries of a YAML list that are mappings; each other one is an error naming its
    place ("entry 3: expected id, term and definition")."""
    out = []
    for i, item in enumerate(items):
        if isinstance(item, LineDict):
            out.append(item)
        else:
            errs.add(rel, f"entry {i + 1}: expected {expected}")
    return out


def key_lines(data: LineDict) -> KeyLines:
    """The lines of the keys of `data`, and of the items of its list values, as data."""
    items = tuple((k, tuple(v.item_lines)) for k, v in data.items() if isinstance(v, LineList))
    return KeyLines(data.line, tuple(data.key_lines.items()), items)


def read_string(meta: LineDict, key, rel, errs, required=False, default="") -> str:
    if key not in meta or meta[key] is None:
        if required:
            errs.add(at(rel, meta.line), f"missing required key {key!r}")
        return default
    value = meta[key]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or (required and not value.strip()):
        errs.add(at(rel, meta.line_of(key)), f"{key}: expected a non-empty string")
        return default
    return value.strip()


def read_string_list(meta: LineDict, key, rel, errs) -> tuple[str, ...]:
    value = meta.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errs.add(at(rel, meta.line_of(key)), f"{key}: expected a list of strings")
        return ()
    return tuple(v.strip() for v in value)


def read_editions(meta: LineDict, rel, config: Config, errs) -> tuple[str, ...] | None:
    if "editions" not in meta:
        return None
    value = meta["editions"]
    line = meta.line_of("editions")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        hint = f" (write `editions: [{value}]`)" if isinstance(value, str) else ""
        errs.add(at(rel, line), f"editions: expected a list of edition names{hint}")
        return None
    for name in value:
        if name not in config.edition_ids:
            errs.add(at(rel, line), f"unknown edition {name!r}; expected one of: "
                     f"{', '.join(config.edition_ids)}")
    if not value:
        errs.add(at(rel, line), "editions: the list is empty; omit the key for every edition")
    return tuple(value)


def field_int(item, key, default, lo, hi, i, rel, errs):
    """A worksheet field's whole number from lo to hi (`default` when it is absent), or None
    when a problem was reported."""
    value = item.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        errs.add(at(rel, item.line_of(key)), f"fields[{i}].{key}: expected a whole number "
                 f"from {lo} to {hi}")
        return None
    return value


def field_strings(item, key, i, rel, errs, required=False):
    """A worksheet field's non-empty list of strings, stripped (() when it is absent and
    not required), or None when a problem was reported."""
    value = item.get(key)
    if value is None and not required:
        return ()
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        what = "missing" if value is None else "expected a non-empty list of strings"
        errs.add(at(rel, item.line_of(key)), f"fields[{i}].{key}: {what}")
        return None
    return tuple(v.strip() for v in value)
