"""The text a reader gets, normalised, for the rules that look for words (pressure-words).

A phrase hidden by a second spelling reads the same to a reader: "you m&shy;ust" (a soft
hyphen), "you muѕt" (a Cyrillic ѕ), "ｙｏｕ ｍｕｓｔ" (full-width letters). `normalise`
undoes each: NFKC (full-width, ligatures, mathematical letters), format characters
removed (soft hyphen, zero-width characters), typographic apostrophes made plain, and the
confusable letters of CONFUSABLES mapped to the Latin letters they look like.

CONFUSABLES (careprint/guard/confusables.py) is a small table, not all of Unicode's
confusables.txt (UTS #39). It is used only to find phrases, never to change the text.

Text a reader gets that is not running prose is found too, by `hidden_texts`: the alt
text of images and the `title=`, `alt=` and `aria-label=` of raw HTML (screen readers
read them; a title shows on hover), and the words of raw HTML blocks such as
`<details><summary>...</summary>`. HTML comments are left out: no reader gets them
(outputs carry no comments, issue 22 item 9), and editors write notes to each other in
them.
"""

from __future__ import annotations

import html
import re
import unicodedata

from ..guard.confusables import CONFUSABLES
from ..source.markup import Line
from .text import COMMENT_RE, plain

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\uff07": "'"})


def normalise(text: str) -> str:
    """`text` as the words it shows: NFKC, no format characters, confusables as Latin."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return text.translate(_APOSTROPHES).translate(CONFUSABLES)


_ATTR_TEXT_RE = re.compile(
    r"""\b(?:alt|title|aria-label)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_MD_ALT_RE = re.compile(r"!\[([^\]]*)\]")
_MD_TITLE_RE = re.compile(r"""\]\([^)\s]*\s+(?:"([^"]*)"|'([^']*)')\s*\)""")


def hidden_texts(kind: str, lines: list[Line]) -> list[tuple[int, str]]:
    """(line, text) of what a reader gets from a block besides its running text: alt
    text, titles, and the words of a raw HTML block. Comments are left out."""
    out = []
    for n, line in _without_comments(lines):
        for rx in (_ATTR_TEXT_RE, _MD_ALT_RE, _MD_TITLE_RE):
            for m in rx.finditer(line):
                words = next((g for g in m.groups() if g), "")
                if words.strip():
                    out.append((n, html.unescape(words)))
        if kind == "html":
            words = plain(line)
            if words:
                out.append((n, words))
    return out


def _without_comments(lines: list[Line]) -> list[Line]:
    """The lines with their HTML comments blanked, also those that span lines."""
    out, open_comment = [], False
    for n, line in lines:
        if open_comment:
            end = line.find("-->")
            if end < 0:
                out.append((n, ""))
                continue
            line, open_comment = line[end + 3:], False
        line = COMMENT_RE.sub(" ", line)
        start = line.find("<!--")
        if start >= 0:
            line, open_comment = line[:start], True
        out.append((n, line))
    return out
