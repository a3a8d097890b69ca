"""Character references (`&#x202E;`, `&#8238;`, `&lrm;`) decoded as a reader's software
decodes them, so that the checks of characters read what will be shown, not what was
typed: `&#x202E;116 123` is a right-to-left override, however it is spelled.

Only the references XHTML keeps are decoded: numeric ones, and the named ones careprint
turns into numeric ones (careprint.source.markup.xhtml_entities, Python's `name2codepoint`).
Any other `&name;` is refused where raw HTML is checked (careprint.guard.rawhtml). A numeric
reference is decoded to its code point as an XML parser does (`&#x85;` is U+0085, not the
`…` that an HTML parser guesses).

In YAML and TOML (worksheets, resources, the glossary, front matter, careprint.toml) a
backslash escape in a double-quoted string is a third spelling (`"\u202e"`, `"\v"`):
decode_line decodes those too when asked. Outside double quotes a backslash is only a
backslash, so this may read more than the parser does, never less.
"""

from __future__ import annotations

import re
from html.entities import name2codepoint

REFERENCE_RE = re.compile(r"&(#[0-9]{1,10}|#[xX][0-9a-fA-F]{1,10}|[A-Za-z][A-Za-z0-9]*);")
ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|[0abtnvfreN_LP])")
_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f",
            "r": "\r", "e": "\x1b", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}
_BOTH_RE = re.compile(rf"{ESCAPE_RE.pattern}|\\\\|{REFERENCE_RE.pattern}")
NOT_A_CHARACTER = "\ufffd"  # what a reference to no code point (&#x110000;) stands for


def referenced(ref: str) -> str | None:
    """The character `&ref;` stands for (ref without & and ;), NOT_A_CHARACTER for a
    numeric reference to no code point, or None for a name XHTML does not know."""
    if ref.startswith("#"):
        code = int(ref[2:], 16) if ref[1:2] in "xX" else int(ref[1:])
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return NOT_A_CHARACTER
        return chr(code)
    point = name2codepoint.get(ref)
    return chr(point) if point else None


def escaped(esc: str) -> str:
    """The character a YAML or TOML escape (without its backslash) stands for."""
    if esc[0] in "uUx":
        code = int(esc[1:], 16)
        return NOT_A_CHARACTER if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF else chr(code)
    return _ESCAPES[esc]


def decode_line(line: str, escapes: bool = False) -> list[tuple[str, int, str]]:
    """(character, its column in `line` from 1, how it is written) for each character
    a reader gets from `line`: a literal character is written as itself, a decoded
    reference as the reference (`&#x202E;`); with `escapes`, a backslash escape as
    itself (`\\u202e`)."""
    out: list[tuple[str, int, str]] = []
    pos = 0
    ch: str | None  # None: a name XHTML does not know
    for m in (_BOTH_RE if escapes else REFERENCE_RE).finditer(line):
        if m.group(0) == "\\\\":
            continue  # a backslash, escaped: what follows is not an escape
        if m.group(0).startswith("\\"):
            ch = escaped(m.group(1))
        else:
            assert m.lastindex  # each kind of reference is one group of the pattern
            ch = referenced(m.group(m.lastindex))
        if ch is None:
            continue
        out.extend((c, i + 1, c) for i, c in enumerate(line[pos:m.start()], pos))
        out.append((ch, m.start() + 1, m.group(0)))
        pos = m.end()
    out.extend((c, i + 1, c) for i, c in enumerate(line[pos:], pos))
    return out


def decode_text(text: str) -> str:
    """`text` with its references decoded, except those that would add a line break, so
    that every character stays on its source line."""
    def sub(m: re.Match) -> str:
        ch = referenced(m.group(1))
        return m.group(0) if ch is None or ch in "\n\r" else ch
    return REFERENCE_RE.sub(sub, text) if "&" in text else text
