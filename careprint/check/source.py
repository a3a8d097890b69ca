"""The source rules: health literacy, trauma-informed language and accessibility.

SourceChecks walks a guide, edition by edition, and hands what it meets (a chapter, a line
of text, a sentence, a paragraph, a block, a source line) to the rules that look at it:
the units registered in careprint.check.registry, written in the rules_*.py modules.

Every rule reads the edition-filtered Markdown lines (careprint.source.markup.filter_edition), so
that each finding names the exact `file:line` and the editions it applies to. The lines of
front-matter keys and YAML values come from the model (careprint.source.model.KeyLines): no
source file is read or parsed again here.
"""

from __future__ import annotations

import datetime as _dt

from ..source.editions import ChapterView, EditionGuide
from ..source.markup import Source, filter_edition
from ..source.model import Chapter, Guide
from ..source.xref import parse
from .registry import Context
from .report import Readability
from .rules_text import PROSE
from .text import Block, Text, blocks, plain, sentences


class SourceChecks:
    """Runs the source rules over every requested edition of a guide."""

    def __init__(self, guide: Guide, sink, today: _dt.date):
        self.guide = guide
        self.ctx = Context(guide, sink, today)

    @property
    def readability(self) -> list[Readability]:
        return self.ctx.readability

    def run(self, views: list[EditionGuide]) -> None:
        for eg in views:
            eid = eg.edition.id
            xref = _xref_labels(eg)
            for view in eg.chapters:
                self.chapter(view, eid, xref)
            for wv in eg.worksheets:
                self.worksheet(wv.worksheet, eid, xref)
        self.glossary()
        self.ctx.each("guide")

    def chapter(self, view: ChapterView, eid: str, xref) -> None:
        c = view.chapter
        # what a handout alone prints is read too (`::: handout`)
        bl = blocks(filter_edition(Source(c.body, c.path, c.body_line), eid, handout=True))
        self.ctx.each("chapter", c, bl, eid, xref)
        self.front_matter(c, eid)
        self.text(c.path, bl, eid, xref)

    def front_matter(self, c: Chapter, eid: str) -> None:
        lines = c.key_lines
        title = lines.of("title")
        items = [(title, c.title), (lines.of("summary"), c.summary)]
        items += list(zip(lines.items_of("key_points") or [title] * len(c.key_points),
                          c.key_points, strict=False))
        items.append((lines.of("content_note"), c.content_note))
        for line, text in items:
            if text:
                self.words(c.path, line, text, eid)

    def words(self, path: str, line: int, text: str, eid) -> None:
        """A piece of plain text on one line: its pressure words and long sentences."""
        self.ctx.each("text", path, line, text, eid)
        for s in sentences(Text(text, [0], [line])):
            self.ctx.each("sentence", path, s, eid)

    def text(self, path: str, bl: list[Block], eid: str, xref) -> None:
        """Sentences, paragraphs, pressure words, images, links and tables of some blocks."""
        each = self.ctx.each
        for b in bl:
            if b.kind in ("code", "hr"):
                continue
            if b.kind in PROSE or b.kind in ("heading", "table"):
                for n, t in b.content_lines():
                    each("text", path, n, plain(t, xref), eid)
            if b.kind in PROSE:
                ss = sentences(Text.of(b.content_lines(), xref))
                for s in ss:
                    each("sentence", path, s, eid)
                if b.kind == "paragraph":
                    each("paragraph", path, b, ss, eid)
            each("block", path, b, eid)
            for n, t in b.lines:
                each("line", path, n, t, eid)

    def worksheet(self, w, eid: str, xref) -> None:
        each = self.ctx.each
        each("text", w.path, w.key_lines.of("title"), w.title, eid)
        self.words(w.path, w.key_lines.of("purpose"), w.purpose, eid)
        for f in w.fields:
            each("text", w.path, f.key_lines.of("label"), f.label, eid)
            for o in f.options:
                each("text", w.path, f.key_lines.of("options"), o, eid)
        for text, first in ((w.instructions, w.instructions_line),
                            (w.closing, w.closing_line)):
            if text:
                lines = filter_edition(Source(text, w.path, first), eid)
                self.text(w.path, blocks(lines), eid, xref)

    def glossary(self) -> None:
        for g in self.guide.glossary:
            self.words(g.path, g.key_lines.of("definition"), g.definition, None)


def _xref_labels(eg: EditionGuide):
    labels = {("chapter", v.chapter.slug): v.chapter.title for v in eg.chapters}
    labels |= {("worksheet", w.worksheet.id): w.worksheet.title for w in eg.worksheets}
    labels |= {("glossary", g.id): g.term for g in eg.glossary}

    def label(inner: str) -> str:
        ref = parse(inner)
        return ref.text or labels.get((ref.kind, ref.ident), ref.ident)
    return label


__all__ = ["SourceChecks"]
