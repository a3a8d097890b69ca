"""Ids in content: each used once in an edition, and none of the ids careprint gives to its
own parts (docs/security.md, "Hostile text").

A PDF's cross-references, its "(page N)" and the EPUB's and web edition's links go to the
first element with an id. A second `{: #glossary-grounding }` in a chapter took the
glossary's own id, and every "grounding" link then led to the impostor; WeasyPrint only
warned ("Anchor defined twice"). So, before anything is rendered, every id a source gives
(`{: #id }` attribute lists and raw HTML `id=`, code left out) is read with its line, per
edition (what `::: only` keeps, with what a `::: handout` block holds), and each is an
error naming `file:line`:

- an id that another place in the same edition gives, naming that first place;
- an id careprint makes for a chapter, a worksheet, a glossary entry or an edition
  (`chapter-SLUG`, `title-SLUG`, `h-SLUG`, `worksheet-ID`, `h-ws-ID`, `h-ID`,
  `glossary-ID`, `edition-ID`), and any id starting `fn-` or `fnref-` (footnotes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..errors import Problem, at
from ..guard.rawhtml import ATTR_LIST_ID_RE, ATTR_RE, START_TAG_RE, _attr_value, _comments, _Scan
from .markup import Line, Source, filter_edition

FOOTNOTE_PREFIXES = ("fn-", "fnref-")


def content_ids(lines: Iterable[Line], path: str) -> list[tuple[int, str]]:
    """(line, id) of each id the Markdown `lines` give, outside code and comments."""
    scan = _Scan(lines, path)
    text = scan.text
    for start, end in _comments(text):
        end = len(text) if end < 0 else end
        text = text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]
    found = [(m.start(1), m.group(1)) for m in ATTR_LIST_ID_RE.finditer(text)]
    for m in START_TAG_RE.finditer(text):
        for a in ATTR_RE.finditer(m.group(2)):
            if a.group(1).lower() == "id":
                found.append((m.start(), _attr_value(a.group(2), "id")))
    return [(scan.line(offset), ident) for offset, ident in sorted(found)]


def own_ids(guide_parts) -> dict[str, str]:
    """The ids careprint makes, each with what it names: {id: "chapter 'start'"}."""
    chapters, worksheets, glossary, editions = guide_parts
    own: dict[str, str] = {}
    for c in chapters:
        what = f"the chapter {c.slug!r}"
        own |= {f"chapter-{c.slug}": what, f"title-{c.slug}": what, f"h-{c.slug}": what}
    for w in worksheets:
        what = f"the worksheet {w.id!r}"
        own |= {f"worksheet-{w.id}": what, f"h-ws-{w.id}": what, f"h-{w.id}": what}
    own |= {f"glossary-{g.id}": f"the glossary entry {g.id!r}" for g in glossary}
    own |= {f"edition-{e}": f"the edition {e!r}" for e in editions}
    return own


def _sources(chapters, worksheets, eid: str) -> list[Source]:
    out = [Source(c.body, c.path, c.body_line) for c in chapters
           if c.editions is None or eid in c.editions]
    for w in worksheets:
        if w.editions is None or eid in w.editions:
            out += [Source(w.instructions, w.path, w.instructions_line),
                    Source(w.closing, w.path, w.closing_line)]
    return out


def duplicate_id_problems(chapters, worksheets, glossary, editions) -> list[Problem]:
    """An error for each id given twice in an edition, or taken from careprint."""
    own = own_ids((chapters, worksheets, glossary, editions))
    problems: dict[tuple[str, str], Problem] = {}
    for eid in editions:
        first: dict[str, str] = {}
        for src in _sources(chapters, worksheets, eid):
            if not src.text:
                continue
            for n, ident in content_ids(filter_edition(src, eid, handout=True), src.path):
                where = at(src.path, n)
                if ident in own or ident.startswith(FOOTNOTE_PREFIXES):
                    what = own.get(ident, "a footnote")
                    problems.setdefault((where, ident), Problem(where, (
                        f"id {ident!r} is careprint's own: it names {what}, and links and "
                        f"page references to {what} would lead here instead. Give this "
                        "element another id")))
                elif first.setdefault(ident, where) != where:
                    problems.setdefault((where, ident), Problem(where, (
                        f"id {ident!r} is already given at {first[ident]}: links and page "
                        "references would lead to only one of the two. Give this element "
                        "another id")))
    return list(problems.values())
