"""Markdown source lines -> blocks of plain text that remember their lines.

The checks read the edition-filtered source (careprint.source.markup.filter_edition keeps each
line's number in the file), so that a finding names the exact `file:line`. This module
splits those lines into blocks (headings, paragraphs, list items, quotes, tables, code,
raw HTML), turns inline Markdown into the words a reader sees, and splits text into
sentences and words.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from ..source.markup import Line
from ..source.xref import XREF_RE, parse

ATX_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
SETEXT_RE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
FENCE_RE = re.compile(r"^ {0,3}(```|~~~)")
LIST_RE = re.compile(r"^( {0,3})([-*+]|\d{1,9}[.)])([ \t]+|$)")
QUOTE_RE = re.compile(r"^ {0,3}> ?")
HR_RE = re.compile(r"^ {0,3}((\*[ \t]*){3,}|(-[ \t]*){3,}|(_[ \t]*){3,})$")
TABLE_DELIM_RE = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
HTML_BLOCK_RE = re.compile(r"^ {0,3}<(/?[A-Za-z][A-Za-z0-9-]*|!--)")
ONLY_RE = re.compile(r"^\s*:::")
COMMENT_RE = re.compile(r"<!--.*?-->")

IMAGE_RE = re.compile(r"!\[([^\]]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)(\{[^}]*\})?")
LINK_RE = re.compile(r"(?<!!)\[([^\]]+)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)(\{[^}]*\})?")
REF_LINK_RE = re.compile(r"(?<!!)\[([^\]]+)\]\[[^\]]*\]")
AUTOLINK_RE = re.compile(r"<((?:https?|mailto|ftp):[^>\s]+)>")
ATTR_LIST_RE = re.compile(r"\{:?[ \t]*[#.][^}]*\}|\{:[^}]*\}")
FOOTNOTE_REF_RE = re.compile(r"\[\^[^\]]+\]")
TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>")
EMPHASIS_RE = re.compile(r"(\*{1,3}|(?<![A-Za-z0-9])_{1,3}|_{1,3}(?![A-Za-z0-9])|`+)")
WORD_RE = re.compile(r"[A-Za-z0-9\u00C0-\u024F][A-Za-z0-9\u00C0-\u024F'\u2019-]*")

ABBREVIATIONS = frozenset("""
e.g i.e etc vs dr mr mrs ms st no nos vol pp p ed eds al approx cf fig dept univ jr sr prof
sra dra srta ej núm pág aprox
""".split())


@dataclass
class Block:
    """A run of source lines that forms one block of the rendered page."""

    kind: str  # heading, paragraph, item, quote, table, code, html, hr, comment
    lines: list[Line]
    level: int = 0  # heading level, 1-6

    @property
    def line(self) -> int:
        return self.lines[0][0]

    @property
    def raw(self) -> str:
        return "\n".join(t for _, t in self.lines)

    def content_lines(self) -> list[Line]:
        """The lines without their block markup (`#`, `- `, `> `)."""
        out = []
        for i, (n, t) in enumerate(self.lines):
            if self.kind == "heading":
                m = ATX_RE.match(t)
                t = (m.group(2) or "") if m else ("" if SETEXT_RE.match(t) and i else t)
            elif self.kind == "item" and i == 0:
                t = LIST_RE.sub("", t, count=1)
            elif self.kind == "quote":
                t = QUOTE_RE.sub("", t, count=1)
            out.append((n, t.strip()))
        return [(n, t) for n, t in out if t]


def blocks(lines: list[Line]) -> list[Block]:
    """Split Markdown lines into blocks. `::: only` lines must already be filtered out."""
    splitter = _Splitter()
    for n, text in lines:
        splitter.feed(n, text)
    for b in splitter.out:
        if b.kind == "item-ended":
            b.kind = "item"
    return splitter.out


class _Splitter:
    """blocks(), one line at a time: `cur` is the open block that a line may continue."""

    def __init__(self) -> None:
        self.out: list[Block] = []
        self.cur: Block | None = None
        self.fence: str | None = None

    def open(self, kind: str, line: Line | None, level: int = 0, keep: bool = True) -> None:
        block = Block(kind, [line] if line else [], level=level)
        self.out.append(block)
        self.cur = block if keep else None

    def feed(self, n: int, text: str) -> None:
        if self.fence is not None:
            self._fenced(n, text)
            return
        m = FENCE_RE.match(text)
        if m:
            self.fence = m.group(1)
            self.open("code", (n, text))
            return
        if not text.strip() or ONLY_RE.match(text):
            self._blank()
            return
        if not COMMENT_RE.sub("", text).strip():
            return  # a line holding only a comment (e.g. a careprint: allow marker)
        if self._item_continued(n, text):
            return
        for step in (self._heading, self._setext, self._rule, self._indented_code,
                     self._item, self._quote, self._html, self._table):
            if step(n, text):
                return
        if self.cur is None:
            self.open("paragraph", None)
        assert self.cur is not None  # open() made it
        self.cur.lines.append((n, text))

    def _fenced(self, n: int, text: str) -> None:
        assert self.cur is not None and self.fence is not None  # feed(): a fence is open
        self.cur.lines.append((n, text))
        if FENCE_RE.match(text) and text.strip().startswith(self.fence):
            self.fence, self.cur = None, None

    def _blank(self) -> None:
        if self.cur is not None and self.cur.kind == "item":
            self.cur.kind = "item-ended"  # a blank line: what follows may still belong to it
        elif self.cur is not None:
            self.cur = None

    def _item_continued(self, n: int, text: str) -> bool:
        cur = self.cur
        if cur is None or cur.kind != "item-ended":
            return False
        cur.kind = "item"
        if text.startswith(("  ", "\t")) and not LIST_RE.match(text):
            cur.lines.append((n, text))
            return True
        self.cur = None
        return False

    def _heading(self, n: int, text: str) -> bool:
        h = ATX_RE.match(text)
        if h:
            self.open("heading", (n, text), level=len(h.group(1)), keep=False)
        return bool(h)

    def _setext(self, n: int, text: str) -> bool:
        cur = self.cur
        if cur is None or cur.kind != "paragraph" or not SETEXT_RE.match(text) \
                or len(cur.lines) != 1:
            return False
        cur.kind, cur.level = "heading", 1 if text.strip()[0] == "=" else 2
        cur.lines.append((n, text))
        self.cur = None
        return True

    def _rule(self, n: int, text: str) -> bool:
        if HR_RE.match(text):
            self.open("hr", (n, text), keep=False)
            return True
        return False

    def _indented_code(self, n: int, text: str) -> bool:
        if self.cur is None and text.startswith(("    ", "\t")):
            self.open("code", (n, text))
            return True
        return False

    def _item(self, n: int, text: str) -> bool:
        if LIST_RE.match(text):
            self.open("item", (n, text))
            return True
        return False

    def _quote(self, n: int, text: str) -> bool:
        if not QUOTE_RE.match(text):
            return False
        if self.cur is None or self.cur.kind != "quote":
            self.open("quote", None)
        assert self.cur is not None  # open() made it
        self.cur.lines.append((n, text))
        return True

    def _html(self, n: int, text: str) -> bool:
        if self.cur is None and HTML_BLOCK_RE.match(text):
            self.open("html", (n, text))
            return True
        return False

    def _table(self, n: int, text: str) -> bool:
        cur = self.cur
        if cur is not None and cur.kind == "paragraph" and TABLE_DELIM_RE.match(text) \
                and "|" in cur.lines[-1][1] and len(cur.lines) == 1:
            cur.kind = "table"
            cur.lines.append((n, text))
            return True
        return False


# ---------------------------------------------------------------- inline Markdown -> text


def plain(text: str, xref: Callable[[str], str] | None = None) -> str:
    """The words a reader sees for one line of inline Markdown."""
    text = COMMENT_RE.sub("", text)
    text = XREF_RE.sub(lambda m: xref(m.group(1)) if xref else _xref_text(m.group(1)), text)
    text = IMAGE_RE.sub("", text)
    text = LINK_RE.sub(lambda m: m.group(1), text)
    text = REF_LINK_RE.sub(lambda m: m.group(1), text)
    text = AUTOLINK_RE.sub(lambda m: m.group(1), text)
    text = ATTR_LIST_RE.sub("", text)
    text = FOOTNOTE_REF_RE.sub("", text)
    text = TAG_RE.sub("", text)
    text = EMPHASIS_RE.sub("", text)
    text = text.replace("\\", "")
    return html.unescape(text).strip()


def _xref_text(inner: str) -> str:
    ref = parse(inner)
    return ref.text or ref.ident.replace("-", " ")


@dataclass
class Text:
    """Plain text joined from several source lines, mapping offsets back to lines."""

    text: str
    starts: list[int]  # offset where each source line's text starts
    numbers: list[int]  # its line number

    @classmethod
    def of(cls, lines: list[Line], xref=None) -> Text:
        parts, starts, numbers, pos = [], [], [], 0
        for n, t in lines:
            p = plain(t, xref)
            if not p:
                continue
            starts.append(pos)
            numbers.append(n)
            parts.append(p)
            pos += len(p) + 1
        return cls(" ".join(parts), starts, numbers)

    def line_at(self, offset: int) -> int:
        i = bisect_right(self.starts, offset) - 1
        return self.numbers[max(i, 0)] if self.numbers else 0


@dataclass(frozen=True)
class Sentence:
    text: str
    line: int
    words: int


def clip(text: str, n: int = 60) -> str:
    """`text` on one line, cut to `n` characters with an ellipsis: a quote in a finding."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "\u2026"


def words(text: str) -> list[str]:
    return WORD_RE.findall(text)


STARTS = "\"'\u201c\u00ab([\u00bf\u00a1"  # what else may start a sentence: quotes (« too), ¿, ¡
_END_RE = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s|$)")


def sentences(t: Text) -> list[Sentence]:
    """Split `t` into sentences: after . ! or ? that is followed by a space and a capital
    letter, a digit, a quote or Spanish's opening ¿ or ¡, except after abbreviations and
    initials."""
    out: list[Sentence]
    out, start = [], 0
    s = t.text
    for m in _END_RE.finditer(s):
        end = m.end()
        rest = s[end:].lstrip()
        if rest and not (rest[0].isupper() or rest[0].isdigit() or rest[0] in STARTS):
            continue
        if m.group(0).startswith(".") and _abbreviation(s[start:m.start()], rest):
            continue
        _add(out, t, start, end)
        start = end
    if start < len(s):
        _add(out, t, start, len(s))
    return out


# abbreviations that number what follows ("No. 5", "p. 12"): only before a number, since
# "no." ends many a Spanish sentence ("... o ahora no. También ...")
NUMBERING = frozenset("no nos núm p pp pág vol".split())


def _abbreviation(before: str, after: str = "") -> bool:
    last = before.rsplit(None, 1)[-1] if before.split() else ""
    last = last.lstrip("(\"'\u201c\u00ab")
    if len(last) == 1 and last.isalpha() and last.isupper():  # an initial: "W. H. Masters"
        return True
    word = last.lower().rstrip(".")
    if word in NUMBERING:
        return after[:1].isdigit()
    return word in ABBREVIATIONS


def _add(out: list[Sentence], t: Text, start: int, end: int) -> None:
    chunk = t.text[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    chunk = chunk.strip()
    if chunk:
        out.append(Sentence(chunk, t.line_at(start + lead), len(words(chunk))))
