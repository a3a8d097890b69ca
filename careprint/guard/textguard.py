"""Characters a reader cannot see: refused with file:line (addresses: careprint.guard.urls).

A U+202E RIGHT-TO-LEFT OVERRIDE inside "Call 116 123" prints the number reversed, and a
zero-width space inside it breaks dialling from a screen and searching; neither shows in
an editor. So every source file (chapters, worksheets, resources, the glossary and
careprint.toml) is scanned for:

- the bidirectional controls (U+202A to U+202E, U+2066 to U+2069, U+200E, U+200F,
  U+061C): right-to-left text takes its direction from its language (`::: lang CODE`,
  careprint.source.langblocks), never from controls or `dir=` in content
  (careprint.guard.htmlpolicy);
- every other invisible format character (Unicode category Cf: U+200B, U+2060, a U+FEFF
  inside the text, the tag characters...), the C0 control characters but tab and line
  breaks (a VT or a form feed glues the words on either side together), the C1 control
  characters (U+0080 to U+009F, the trace of text decoded with the wrong encoding) and
  the noncharacters (U+FFFE, U+FDD0, U+10FFFF...), which no XHTML may hold;
- the characters no font draws: U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR and
  the private-use code points (careprint.guard.glyphs finds unassigned ones and those no
  installed font covers).

Each is found however it is written: as itself, as a character reference (`&#x202E;`,
`&#8238;`, `&lrm;`) and, in YAML and TOML, as a backslash escape (`"\\u202e"`, `"\\v"`):
careprint.guard.charrefs decodes them, and the finding names the spelling and its column.

Three format characters do real work in text and are harmless where they do it, so they
pass there and nowhere else:

- U+00AD SOFT HYPHEN between two letters (a hyphenation hint; it cannot split a number);
- U+200C ZERO WIDTH NON-JOINER and U+200D ZERO WIDTH JOINER between two letters, marks or
  symbols that are not ASCII (Persian and Indic words, emoji sequences such as a family
  or a rainbow flag); never next to a digit or an ASCII character, where they could only
  hide inside a number, a word or an address;
- tag characters in a subdivision flag emoji (U+1F3F4 then tags then U+E007F).
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import Problem, at
from .charrefs import NOT_A_CHARACTER, decode_line

BIDI_CONTROLS = frozenset([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F),
                           *range(0x2066, 0x206A)])
SOFT_HYPHEN, ZWNJ, ZWJ = "\u00ad", "\u200c", "\u200d"
_FLAG_TAGS_RE = re.compile("\U0001F3F4([\U000E0020-\U000E007E]+\U000E007F)")
_JOINABLE = ("L", "M", "So", "Sk")  # category prefixes a joiner may stand between


_C0_NAMES = {0x0B: "LINE TABULATION (VT)", 0x0C: "FORM FEED (FF)", 0x7F: "DELETE"}


def _name(ch: str) -> str:
    fallback = "CONTROL CHARACTER" if unicodedata.category(ch) == "Cc" else ""
    name = unicodedata.name(ch, _C0_NAMES.get(ord(ch), fallback))
    return f"U+{ord(ch):04X} {name}".rstrip()


def _harmless(line: str, i: int, allowed: set[int]) -> bool:
    """Whether the format character at line[i] does its job where it stands."""
    if i in allowed:
        return True
    ch = line[i]
    before = line[i - 1] if i > 0 else ""
    after = line[i + 1] if i + 1 < len(line) else ""
    if not before or not after:
        return False
    if ch == SOFT_HYPHEN:
        return before.isalpha() and after.isalpha()
    if ch in (ZWNJ, ZWJ):
        return all(not c.isascii() and unicodedata.category(c).startswith(_JOINABLE)
                   for c in (before, after))
    return False


def _why(ch: str, column: int, written: str) -> str | None:
    code = ord(ch)
    what = f"{_name(ch)} at column {column}"
    if written != ch:
        what = f"{_name(ch)}, written {written}, at column {column}"
    if code in BIDI_CONTROLS:
        return (f"invisible text-direction control {what}: it changes the order in which "
                "the text around it is shown (a phone number can print reversed); delete it "
                "(a passage in a language written right to left takes its direction from "
                "`::: lang CODE`: docs/content-format.md)")
    if (code & 0xFFFE) == 0xFFFE or 0xFDD0 <= code <= 0xFDEF:
        return (f"{what} is not a character (a Unicode noncharacter, which XHTML refuses): "
                "delete it")
    if ch == NOT_A_CHARACTER and written != ch:
        return f"{written} at column {column} names no character: delete it"
    return _why_category(ch, what)


def _why_category(ch: str, what: str) -> str | None:
    category = unicodedata.category(ch)
    if category == "Cf":
        return (f"invisible character {what}: readers cannot see it, and it breaks search, "
                "copying and dialling; delete it")
    if category == "Cc" and ord(ch) < 0x80:
        return (f"control character {what}: it prints as nothing and glues the words "
                "around it together; put a space or a line break there instead")
    if category == "Cc":
        return (f"control character {what}: is the file saved in another encoding? Save it "
                "as UTF-8 and delete the character")
    if category in ("Zl", "Zp"):
        return (f"{what}: no font draws it, and readers get an empty box or words run "
                "together; start a new line (or a new paragraph) instead")
    if category == "Co":
        return (f"private-use character {what}: it means nothing outside one font, so it "
                "prints as an empty box and screen readers cannot read it; write the "
                "character you mean, or delete it")
    return None


def _suspect(line: str) -> bool:
    """Whether `line` can hold anything invisible: a character outside printable ASCII,
    or a character reference."""
    return not line.isascii() or "&" in line or "\\" in line or not line.isprintable()


def _escaped_lines(text: str, path: str) -> int:
    """How many lines from the first of `text` are YAML or TOML, where a backslash escape
    is a character: all of a .yaml or .toml file, a chapter's front matter."""
    if path.endswith((".yaml", ".yml", ".toml")):
        return len(text)
    if path.endswith(".md") and text.startswith("---"):
        end = text.find("\n---", 3)
        return text.count("\n", 0, end) + 1 if end > 0 else 0
    return 0


def invisible_characters(text: str, path: str, first_line: int = 1) -> list[Problem]:
    """One Problem per line and character for each invisible character in `text`, as
    written or as a character reference (careprint.guard.charrefs)."""
    problems = []
    escaped = _escaped_lines(text, path)
    for i, line in enumerate(text.split("\n")):
        n = first_line + i
        if not _suspect(line):
            continue
        chars = decode_line(line, escapes=i < escaped)
        decoded = "".join(c for c, _, _ in chars)
        allowed = {i for m in _FLAG_TAGS_RE.finditer(decoded) for i in range(*m.span(1))}
        seen = set()
        for i, (ch, column, written) in enumerate(chars):
            if ch in "\t\r\n" or (ch, written) in seen:
                continue
            if ch.isprintable() and not (ch == NOT_A_CHARACTER and written != ch):
                continue
            why = _why(ch, column, written)
            if why is None or _harmless(decoded, i, allowed):
                continue
            seen.add((ch, written))
            problems.append(Problem(at(path, n), why))
    return problems
