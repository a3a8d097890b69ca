"""Where each key of a TOML file is written: its line, for errors that name `file:line`.

tomllib gives values, not positions. This reads the text once more, as a TOML lexer
would, enough to know where each table header and each `key =` starts: strings (basic,
literal and multi-line, whose lines are not keys), comments, arrays and inline tables
spanning lines, dotted and quoted keys. A key inside an inline table or an array of
tables is placed at the line of its table's key. The text has already parsed as TOML.
"""

from __future__ import annotations

import re

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def key_lines(text: str) -> dict[str, int]:
    """{dotted key path: its 1-based line}: "guide.title", "editions.partners",
    "formats.pdf.crisis_line". A table's own path is the line of its header."""
    lines: dict[str, int] = {}
    table: list[str] = []
    depth = 0  # inside brackets or braces of a value that spans lines
    pending = ""  # the quote that closes a multi-line string, while inside one
    for number, line in enumerate(text.split("\n"), 1):
        rest = line
        if pending:
            end = rest.find(pending)
            if end < 0:
                continue
            rest, pending = rest[end + 3:], ""
        if depth == 0 and not pending:
            stripped = rest.strip()
            if stripped.startswith("["):
                table = _header(stripped)
                lines.setdefault(".".join(table), number)
                continue
            key, after = _key(stripped)
            if key:
                for i in range(1, len(key) + 1):
                    lines.setdefault(".".join(table + key[:i]), number)
                rest = after
        depth, pending = _scan_value(rest, depth)
    return lines


def _header(text: str) -> list[str]:
    inner = text.lstrip("[").split("]", 1)[0]
    key, _ = _key(inner + "=")
    return key


def _key(text: str) -> tuple[list[str], str]:
    """The parts of a `key = ` at the start of `text`, and the text after the "="."""
    parts, i = [], 0
    while True:
        while i < len(text) and text[i] in " \t":
            i += 1
        if i < len(text) and text[i] in "\"'":
            quote = text[i]
            end = text.find(quote, i + 1)
            while quote == '"' and end > 0 and text[end - 1] == "\\":
                end = text.find(quote, end + 1)
            if end < 0:
                return [], text
            parts.append(text[i + 1:end])
            i = end + 1
        else:
            m = _BARE.match(text, i)
            if not m:
                return [], text
            parts.append(m.group(0))
            i = m.end()
        while i < len(text) and text[i] in " \t":
            i += 1
        if i < len(text) and text[i] == ".":
            i += 1
            continue
        if i < len(text) and text[i] == "=":
            return parts, text[i + 1:]
        return [], text


def _scan_value(text: str, depth: int) -> tuple[int, str]:
    """How deep in brackets a value leaves the line, and the quote of a multi-line string
    it leaves open ("" if none)."""
    i = 0
    while i < len(text):
        c = text[i]
        if c == "#":
            break
        if text.startswith('"""', i) or text.startswith("'''", i):
            quote = text[i:i + 3]
            end = text.find(quote, i + 3)
            if end < 0:
                return depth, quote
            i = end + 3
            continue
        if c in "\"'":
            end = i + 1
            while end < len(text) and text[end] != c:
                end += 2 if c == '"' and text[end] == "\\" else 1
            i = end + 1
            continue
        if c in "[{":
            depth += 1
        elif c in "]}":
            depth = max(depth - 1, 0)
        i += 1
    return depth, ""
