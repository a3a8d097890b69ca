"""Where each key of a TOML file is written: its line, for errors that name `file:line`.

tomllib gives values, not positions. This reads the text once more, as a TOML lexer
would, enough to know where each table header and each `key =` starts: strings (basic,
literal and multi-line, whose lines are not keys), comments, arrays and inline tables
spanning lines, dotted and quoted keys. A key inside an inline table or an array of
tables is placed at the line of its table's key. The text has already parsed as TOML.
"""

from __future__ import annotations

import re
import sys

from ..errors import Location, Problem

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def key_lines(text: str) -> dict[str, int]:
    """{dotted key path: its 1-based line}: "guide.title", "editions.partners",
    "formats.pdf.crisis_line". A table's own path is the line of its header."""
    lines: dict[str, int] = {}
    table: list[str] = []
    depth = 0  # inside brackets or braces of a value that spans lines
    pending = ""  # the quote that closes a multi-line string, while inside one
    for number, line in enumerate(text.split("\n"), 1):
        rest, pending = _resume(line, pending)
        if rest is None:
            continue
        if depth == 0:
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


def _resume(line: str, pending: str) -> tuple[str | None, str]:
    """(what of `line` is TOML outside a multi-line string, the quote still awaited): None
    while the string closed by `pending` goes on past the line."""
    if not pending:
        return line, ""
    end = line.find(pending)
    return (None, pending) if end < 0 else (line[end + 3:], "")


def item_lines(text: str, start: int | None, key: str) -> dict[str, int]:
    """{"key[item]": its line} for each one-line string of the array that is `key`'s value,
    written at line `start` (one a line, or all on the key's line)."""
    out: dict[str, int] = {}
    if not start:
        return out
    depth = 0
    for number, line in enumerate(text.split("\n")[start - 1:], start):
        rest = line.split("=", 1)[1] if number == start and "=" in line else line
        i = 0
        while i < len(rest) and rest[i] != "#":
            c = rest[i]
            if c in "\"'":
                end = i + 1
                while end < len(rest) and rest[end] != c:
                    end += 2 if c == '"' and rest[end] == "\\" else 1
                out.setdefault(f"{key}[{rest[i + 1:end]}]", number)
                i = end
            elif c == "[":
                depth += 1
            elif c == "]":
                depth -= 1
                if depth <= 0:
                    return out
            i += 1
    return out


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


_NUMBER = re.compile(r"[+-]?[0-9][0-9_]*")


def long_integer_problem(text: str, path: str) -> Problem:
    """The problem of a TOML text that tomllib could not read because an integer in it has
    more digits than Python converts (4,300: sys.get_int_max_str_digits), at its line and
    key when they are found."""
    limit = sys.get_int_max_str_digits() or 4300
    line = long_integer_line(text, limit)
    message = (f"a number with more than {limit:,} digits: no setting needs one; write a "
               "smaller number")
    if line is None:
        return Problem(Location(path), message)
    return Problem(Location(path, line, key_at_line(text, line)), message)


def long_integer_line(text: str, limit: int) -> int | None:
    """The line of the first decimal integer of more than `limit` digits in a TOML value
    (not in a string or a comment, not a float's digits), or None."""
    depth, pending = 0, ""
    for number, line in enumerate(text.split("\n"), 1):
        rest, pending = _resume(line, pending)
        if rest is None:
            continue
        stripped = rest.strip()
        if depth == 0 and stripped.startswith("["):
            continue
        key, after = _key(stripped)
        rest = after if key else rest
        if _has_long_integer(_outside_strings(rest), limit):
            return number
        depth, pending = _scan_value(rest, depth)
    return None


def _outside_strings(text: str) -> str:
    """`text` with its strings and comment blanked out (a string still open at the end of
    the line is blanked to the end)."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "#":
            break
        if c in "\"'":
            quote = text[i:i + 3] if text.startswith(c * 3, i) else c
            end = i + len(quote)
            while end < len(text) and not text.startswith(quote, end):
                end += 2 if c == '"' and text[end] == "\\" else 1
            out.append(" ")
            i = end + len(quote)
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _has_long_integer(text: str, limit: int) -> bool:
    for m in _NUMBER.finditer(text):
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        if before.isalnum() or before in "._" or after in ".eE":  # hex, a float, a key
            continue
        if len(m.group(0).lstrip("+-").replace("_", "")) > limit:
            return True
    return False


def key_at_line(text: str, line: int) -> str:
    """The dotted key written last at or before `line`: the key whose value is there."""
    best, best_line = "", 0
    for key, number in key_lines(text).items():
        if best_line <= number <= line:  # the deepest of a line's keys comes last
            best, best_line = key, number
    return best
