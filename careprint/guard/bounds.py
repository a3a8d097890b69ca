"""How much a guide may ask careprint to expand, decode and lay out, checked at load time.

A source file's size (careprint.source.sourcefile) bounds what is read, not what is laid out: a
2 MiB chapter of 10,000 footnotes took 184 s and 1.8 GB to print, 2,000 small chapters
153 s and 1.5 GB, a 1.9 MB "word" was clipped without a word. Each count below is far
above what a real guide uses (the bundled guide has 16 chapters, no footnote, tables of at
most 3 columns, no word longer than 147 characters) and far below the pathological; each
is documented, with its message, in docs/content-format.md ("Limits").
"""

from __future__ import annotations

import re

from ..errors import Problem, at
from .nesting import fenced

# The longest run of characters without a space, in any source. The longest English
# words have about 45 letters, and a real web address seldom passes 200 (the bundled
# guide's longest is 147); a printed line holds about 90 characters, so anything longer
# is broken across lines or clipped, and a reader could not type it in anyway.
MAX_WORD = 300
MAX_CHAPTERS = 300  # a guide of 20 chapters is long; 10 such guides in one
MAX_CHAPTERS_KIB = 8 * 1024  # all chapters together: about 1.3 million words
MAX_FOOTNOTES = 200  # footnotes defined in one chapter
MAX_FOOTNOTE_REFS = 500  # references to footnotes in one chapter
MAX_TABLE_COLUMNS = 20  # a Markdown table, or a worksheet's table: 5% of a page each
MAX_TABLE_ROWS = 500  # rows of a Markdown table: some 15 printed pages
MAX_GLOSSARY = 1000  # glossary entries
MAX_RESOURCES = 1000  # services, in all resources files together (the bundled guide: 57)
MAX_WORKSHEETS = 200
MAX_FIELDS = 60  # fields of one worksheet (it prints on at most 20 pages)
MAX_OPTIONS = 100  # options of one checklist

_LONG_WORD_RE = re.compile(rf"\S{{{MAX_WORD + 1},}}")
_FOOTNOTE_DEF_RE = re.compile(r"^ {0,3}\[\^[^\]\n]*\]:")
_FOOTNOTE_REF_RE = re.compile(r"\[\^[^\]\n]*\](?!:)")
# a pipe table's delimiter row, as Python-Markdown's tables extension finds it
_TABLE_RULE_RE = re.compile(r"^ {0,3}\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")


def long_word(text: str, first_line: int = 1) -> tuple[int, int] | None:
    """(line, length) of the first run of more than MAX_WORD characters without a space
    in `text` (which starts at `first_line` of its file), or None. Linear in the text."""
    m = _LONG_WORD_RE.search(text)
    if m is None:
        return None
    end = m.end()
    while end < len(text) and not text[end].isspace():
        end += 1
    return first_line + text.count("\n", 0, m.start()), end - m.start()


def long_word_message(length: int) -> str:
    return (f"a word of {length} characters without a space; the limit is {MAX_WORD}: "
            "break it up, or link to a long address with words ([the leaflet](...))")


def markdown_problems(body: str, rel: str, first_line: int) -> list[Problem]:
    """A chapter body's long word, footnotes and table columns past their limits, each at
    its line (fenced code counts too: it is laid out as well)."""
    found = long_word(body, first_line)
    if found:
        return [Problem(at(rel, found[0]), long_word_message(found[1]))]
    out = []
    texts = body.split("\n")
    defs = refs = 0
    rows = None  # the rows of the table being read, or None outside a table
    code = fenced(texts)
    for n, (text, in_code) in enumerate(zip(texts, code, strict=True), first_line):
        if in_code:
            continue
        if rows is not None:  # a table's rows run to the first blank line
            rows = rows + 1 if text.strip() else None
            if rows == MAX_TABLE_ROWS + 1:
                out.append(Problem(at(rel, n), f"a table of more than {MAX_TABLE_ROWS} rows: "
                                   "no reader can use a table that long; split it"))
        if _FOOTNOTE_DEF_RE.match(text):
            defs += 1
            if defs == MAX_FOOTNOTES + 1:
                out.append(Problem(at(rel, n), f"more than {MAX_FOOTNOTES} footnotes in one "
                                   "chapter: fold some into the text, or split the chapter"))
        refs += len(_FOOTNOTE_REF_RE.findall(text))
        if refs > MAX_FOOTNOTE_REFS:
            out.append(Problem(at(rel, n), f"more than {MAX_FOOTNOTE_REFS} references to "
                               "footnotes in one chapter: fold some into the text, or split "
                               "the chapter"))
            refs = -10 ** 9  # reported once
        if rows is None and "-" in text and _TABLE_RULE_RE.match(text):
            rows = 0 if "|" in text else None  # `---` alone is a rule, not a table
            columns = _columns(text)
            if columns > MAX_TABLE_COLUMNS:
                out.append(Problem(at(rel, n), f"a table of {columns} columns; the limit is "
                                   f"{MAX_TABLE_COLUMNS}: no page can print more legibly; "
                                   "split it, or turn it into a list"))
    return out


def _columns(rule: str) -> int:
    cells = rule.strip()
    if cells.startswith("|"):
        cells = cells[1:]
    if cells.endswith("|"):
        cells = cells[:-1]
    return cells.count("|") + 1


def count_problem(count: int, limit: int, where, what: str, advice: str) -> list[Problem]:
    """A Problem when `count` things pass `limit`."""
    if count <= limit:
        return []
    return [Problem(where, f"{count} {what}; the limit is {limit}: {advice}")]
