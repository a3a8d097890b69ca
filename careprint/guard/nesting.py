"""How deep a source nests, measured before any parser sees it.

Python-Markdown, PyYAML's constructor, tomllib and WeasyPrint's layout all recurse once (or
more) per level of nesting: a list nested 1000 deep ends the build with a RecursionError,
and one nested 100 deep crashes a PDF worker. Nothing a guide says needs more than a few
levels, so past MAX_DEPTH the source is refused with the line where it goes too deep.
These functions never recurse themselves.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..errors import Problem, at

MAX_DEPTH = 20  # lists and quotes in Markdown, elements of raw HTML, YAML collections
MAX_TOML_DEPTH = 20

# Python-Markdown's fenced_code: an opening fence at the margin, with at most a language
# or an {attribute list}, and a closing line of the very same fence; without one, no code
_FENCE_OPEN_RE = re.compile(r"^(`{3,}|~{3,})[ ]*(?:\{[^\n]*\}|\.?[\w#.+-]*[ ]*)$")
_FENCE_CLOSE_RE = re.compile(r"^(`{3,}|~{3,})[ ]*$")
_QUOTE_RE = re.compile(r"[ \t]*>[ \t]?")
_ITEM_RE = re.compile(r"([ \t]*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
_HR_RE = re.compile(r"^[ \t]*((\*[ \t]*){3,}|(-[ \t]*){3,}|(_[ \t]*){3,})$")


def fenced(texts: list[str]) -> list[bool]:
    """For each line, whether it belongs to a fenced code block (fences included), as
    Python-Markdown's fenced_code finds them. In one pass, however many fences open."""
    closers: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        m = _FENCE_CLOSE_RE.match(text)
        if m:
            closers.setdefault(m.group(1), []).append(i)
    out = [False] * len(texts)
    i = 0
    while i < len(texts):
        m = _FENCE_OPEN_RE.match(texts[i])
        ends = closers.get(m.group(1), []) if m else []
        j = bisect_right(ends, i)
        if m and j < len(ends):
            out[i:ends[j] + 1] = [True] * (ends[j] + 1 - i)
            i = ends[j] + 1
        else:
            i += 1
    return out


def _markers(text: str, pos: int = 0) -> tuple[int, int, int | None]:
    """(quote markers, list markers, column of the first list marker when the line starts
    with one) from `pos` on: `- > 1. x` has one quote and two list markers."""
    quotes = items = 0
    first = None
    while True:
        m = _QUOTE_RE.match(text, pos)
        if m:
            quotes, pos = quotes + 1, m.end()
            continue
        m = _ITEM_RE.match(text, pos)
        if m and not _HR_RE.match(text, pos):
            if first is None and items == 0 and quotes == 0:
                first = pos + len(m.group(1))
            items, pos = items + 1, m.end()
            continue
        return quotes, items, first


def _leading_quotes(text: str) -> tuple[int, int]:
    """(the `>` markers a line starts with, where the text after them starts)."""
    count = pos = 0
    while m := _QUOTE_RE.match(text, pos):
        count, pos = count + 1, m.end()
    return count, pos


def markdown_nesting(lines, path: str, limit: int = MAX_DEPTH) -> list[Problem]:
    """A Problem at the first line whose lists and block quotes nest deeper than `limit`.

    A line's depth is its leading `>` markers, plus the list items still open around it at
    that quote level (an item indented further than an earlier one is inside it, whatever
    the indentation step), plus the markers that start its own text (`- - x` nests too).
    """
    open_items: dict[int, list[int]] = {}  # quote level -> columns of the open list items
    blank = False
    lines = list(lines)
    code = fenced([t for _, t in lines])
    for (n, text), in_code in zip(lines, code, strict=True):
        if in_code:
            continue
        text = text.expandtabs(4)
        if not text.strip():
            blank = True
            continue
        level, pos = _leading_quotes(text)
        quotes, items, first = _markers(text, pos)
        indent = len(text) - len(text[pos:].lstrip())
        stack = open_items.setdefault(level, [])
        if first is not None:
            while stack and stack[-1] >= first:
                stack.pop()
            depth = level + len(stack) + items
            stack.append(first)
        else:
            if blank and indent == pos and items == 0:  # a paragraph after the lists
                for q in [q for q in open_items if q >= level]:
                    open_items[q] = []
                stack = open_items[level]
            depth = level + sum(1 for col in stack if col < indent) + quotes + items
        blank = False
        if depth > limit:
            return [Problem(at(path, n), f"lists and block quotes nested more than {limit} "
                            "deep here; no reader can follow that many levels: flatten them")]
    return []


# ---------------------------------------------------------------- YAML and TOML


def yaml_too_deep(node, limit: int = MAX_DEPTH):
    """The first YAML node (of a composed document) nested deeper than `limit`, or None."""
    import yaml  # yamlload imports this module

    stack, seen = [(node, 1)], set()
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        else:
            continue
        if depth > limit:
            return node
        stack.extend((child, depth + 1) for child in children)
    return None


_TOML_TOKEN_RE = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"'
                            r"|'[^'\n]*'|#[^\n]*|[\[\]{}\n]")


def toml_nesting_line(text: str, limit: int = MAX_TOML_DEPTH) -> int | None:
    """The line where TOML arrays and inline tables first nest deeper than `limit`."""
    depth, line = 0, 1
    for m in _TOML_TOKEN_RE.finditer(text):
        tok = m.group(0)
        if tok in "[{":
            depth += 1
            if depth > limit:
                return line
        elif tok in "]}":
            depth = max(0, depth - 1)
        line += tok.count("\n")
    return None
