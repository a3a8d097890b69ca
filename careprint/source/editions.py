"""Apply an edition to a Guide -> an EditionGuide: only what the edition keeps.

Filtering happens before anything is numbered or listed, so the table of
contents, the EPUB nav, the worksheet index and cross-references see only what
the edition keeps. Markdown becomes XHTML here, once per chapter and edition;
every renderer wraps that same HTML.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Problem, ProjectError, at
from ..guard.links import local_links
from ..guard.rawhtml import normalise_xhtml, xhtml_problem
from . import i18n, langblocks, mdmemo
from .assets import Image, find_images
from .config import EditionConfig
from .markup import (
    Resolver,
    Source,
    Target,
    check_xhtml,
    filter_edition,
    footnote_ids,
    has_handout_block,
    markdown_to_xhtml,
    resolve_xrefs,
    xhtml_entities,
)
from .model import Chapter, GlossaryEntry, Guide, Resource, Worksheet
from .practice import mark_practices
from .region_view import help_for, help_words, printed
from .regions import ROLES


@dataclass(frozen=True)
class ChapterView:
    chapter: Chapter
    number: int  # position in this edition, from 1
    html: str  # XHTML fragment of the edition-filtered body
    source: str  # the edition-filtered Markdown (for checks and cache keys)
    glossary: tuple[GlossaryEntry, ...]  # terms the chapter links to
    images: tuple[Image, ...] = ()  # checked image files the chapter shows
    # the body again with its `::: handout` blocks, which only the handout prints; ""
    # when the chapter has none (render/handout_sections.py)
    handout_html: str = ""
    handout_images: tuple[Image, ...] = ()  # the image files handout_html shows


@dataclass(frozen=True)
class WorksheetView:
    worksheet: Worksheet
    number: int
    instructions_html: str
    closing_html: str


@dataclass(frozen=True)
class EditionGuide:
    guide: Guide
    edition: EditionConfig
    chapters: tuple[ChapterView, ...]
    worksheets: tuple[WorksheetView, ...]
    resources: tuple[Resource, ...]  # what a reader gets: checked, for the build's region
    glossary: tuple[GlossaryEntry, ...]

    @property
    def region(self) -> str:
        return self.guide.region

    @property
    def config(self):
        return self.guide.config

    @property
    def meta(self):
        return self.guide.config.guide

    def chapter(self, name: str) -> ChapterView:
        return next(c for c in self.chapters if c.chapter.name == name)


def apply_edition(guide: Guide, edition_id: str, found: list | None = None) -> EditionGuide:
    """Narrow `guide` to one edition and render its Markdown. Raise ProjectError on problems;
    or, given a list `found` (`careprint check`), add them to it and return the edition as
    it could be read (a dead cross-reference left as its text), never kept for a build.
    careprint's words in it ("(worksheet 2 in the worksheet pack)") are in the guide's
    language (careprint/source/i18n.py)."""
    with i18n.active(i18n.for_config(guide.config)):
        return _apply_edition(guide, edition_id, found)


def _apply_edition(guide: Guide, edition_id: str, found: list | None) -> EditionGuide:
    edition = guide.config.edition(edition_id)
    chapters = [c for c in guide.chapters if c.in_edition(edition_id)]
    worksheets = [w for w in guide.worksheets if w.in_edition(edition_id)]
    resolver = _resolver(guide, edition_id, chapters, worksheets)
    kept = _kept(guide, edition_id, resolver.help)
    if kept is not None:
        return EditionGuide(guide, edition, *kept, printed(guide), guide.glossary)
    problems: list[Problem] = []
    if not chapters:
        problems.append(Problem("content/chapters", "no chapter is in this edition", edition_id))

    render = _renderer(guide, edition_id, resolver, problems)
    with mdmemo.recording() as converted:  # kept with the edition's views (_KEPT)
        views = _chapter_views(guide, chapters, resolver, render)
        ws_views = []
        for i, w in enumerate(worksheets, 1):
            instr = render(Source(w.instructions, w.path, w.instructions_line),
                           f"worksheet-{w.id}")[0]
            closing = render(Source(w.closing, w.path, w.closing_line),
                             f"worksheet-{w.id}-closing")[0]
            ws_views.append(WorksheetView(w, i, instr, closing))
    problems.extend(resolver.problems)
    if problems:  # a chapter with a handout block is read twice: each problem once
        problems = list({(str(p.where), p.message, p.edition): p for p in problems}.values())
        if found is None:
            raise ProjectError(problems)
        found.extend(problems)
        return EditionGuide(guide, edition, tuple(views), tuple(ws_views), printed(guide),
                            guide.glossary)
    for key in [k for k, (src, _, _) in _KEPT.items() if src[0] is not guide.chapters]:
        del _KEPT[key]  # another project's, or an older load's
    _KEPT[(edition_id, tuple(sorted(resolver.help.items())), i18n.current().digest)] = (
        (guide.chapters, guide.worksheets, guide.glossary, guide.config.root),
        (tuple(views), tuple(ws_views)), frozenset(converted))
    return EditionGuide(guide, edition, tuple(views), tuple(ws_views), printed(guide),
                        guide.glossary)


def _resolver(guide: Guide, edition_id: str, chapters: list, worksheets: list) -> Resolver:
    """What the edition's cross-references point to: its chapters and worksheets, numbered
    as it prints them, the glossary, and the [[help:role]] words of the guide's region."""
    return Resolver(
        edition=edition_id,
        chapters={c.slug: Target(c.title, i) for i, c in enumerate(chapters, 1)},
        worksheets={w.id: Target(w.title, i) for i, w in enumerate(worksheets, 1)},
        glossary={g.id: Target(g.term) for g in guide.glossary},
        all_ids={"chapter": {c.slug for c in guide.chapters},
                 "worksheet": {w.id for w in guide.worksheets},
                 "glossary": {g.id for g in guide.glossary}},
        help={role: help_words(help_for(guide.resources, guide.region, role), role)
              for role in ROLES},
    )


def _renderer(guide: Guide, edition_id: str, resolver: Resolver, problems: list[Problem]):
    """What apply_edition renders each source with: its Markdown, narrowed to the edition
    (and to its handout), into XHTML, every problem added to `problems`."""

    def render(src: Source, name: str, handout: bool = False
               ) -> tuple[str, str, tuple[Image, ...]]:
        lines = filter_edition(src, edition_id, handout)
        marked = langblocks.mark_blocks(lines, src.lines())  # `::: lang` passages
        text = resolve_xrefs(marked, src.path, resolver)
        try:
            xhtml = markdown_to_xhtml(text)
        except RecursionError:  # nesting the checks on the source did not foresee
            problems.append(Problem(at(src.path, src.first_line), "this text nests too "
                                    "deep for Markdown: flatten its lists and quotes",
                                    edition_id))
            return "", "", ()
        xhtml = footnote_ids(normalise_xhtml(xhtml_entities(xhtml)), name)
        xhtml = mark_practices(xhtml)  # "Try this" sections as panels (careprint.source.practice)
        xhtml, link_problems = local_links(xhtml, lines, src.path, resolver)
        problems.extend(link_problems)
        bad = xhtml_problem(xhtml, lines, src.path)
        if bad:
            problems.append(Problem(bad.where, bad.message, edition_id))
        problems.extend(check_xhtml(xhtml, lines, src.path))
        images, image_problems = find_images(xhtml, lines, src.path, guide.config.root)
        problems.extend(image_problems)
        xhtml = langblocks.lang_attributes(xhtml, guide.config.guide.language)
        return xhtml, "\n".join(t for _, t in lines), tuple(images)

    return render


# An edition's rendered chapters, kept for the process's next build of the same loaded
# project (load.load_project_kept), edition and [[help:role]] words: a clinic's build
# changes neither (`build --imprint all` builds each clinic in turn)
_KEPT: dict = {}


def _kept(guide: Guide, edition_id: str, help_words: dict
          ) -> tuple[tuple[ChapterView, ...], tuple[WorksheetView, ...]] | None:
    found = _KEPT.get((edition_id, tuple(sorted(help_words.items())), i18n.current().digest))
    if found is None:
        return None
    sources, views, converted = found
    same = (guide.chapters, guide.worksheets, guide.glossary, guide.config.root)
    if not all(a is b for a, b in zip(sources[:3], same[:3], strict=True)) or \
            sources[3] != same[3]:
        return None
    mdmemo.used(converted)  # what the build keeps in its state (pipeline/memos.py)
    return views


def _chapter_views(guide: Guide, chapters: list, resolver: Resolver, render
                   ) -> list[ChapterView]:
    by_id = {g.id: g for g in guide.glossary}
    views = []
    for i, c in enumerate(chapters, 1):
        resolver.used_glossary = []
        body = Source(c.body, c.path, c.body_line)
        html, source, images = render(body, c.slug)
        used = tuple(by_id[g] for g in resolver.used_glossary)
        handout, _, handout_images = (render(body, c.slug, handout=True)
                                      if has_handout_block(body) else ("", "", ()))
        views.append(ChapterView(c, i, html, source, used, images, handout, handout_images))
    return views


def apply_editions(guide: Guide, edition_ids) -> list[EditionGuide]:
    """Every requested edition, or one ProjectError listing the problems of all of them."""
    out, problems = [], []
    for eid in edition_ids:
        try:
            out.append(apply_edition(guide, eid))
        except ProjectError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ProjectError(problems)
    return out
