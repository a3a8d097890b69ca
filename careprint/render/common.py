"""What the PDF-family renderers share: the template context and output names."""

from __future__ import annotations

from .. import __version__
from ..editions import EditionGuide
from . import BuildContext, names


def base_context(eg: EditionGuide, ctx: BuildContext) -> dict:
    """Variables every template receives (documented in docs/templates.md)."""
    meta = eg.meta
    papers = eg.config.papers or (eg.config.paper,)
    return {
        "meta": meta,
        "full_title": f"{meta.title}: {meta.subtitle}" if meta.subtitle else meta.title,
        "edition": eg.edition,
        "paper": ctx.paper,
        "date": ctx.source_date.date(),
        "date_iso": ctx.source_date.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "careprint_version": __version__,
        "running_head": f"{meta.title} · {eg.edition.title}",
        "resources": eg.resources,
        "crisis_resources": [r for r in eg.resources if r.crisis] or list(eg.resources),
        "crisis_line": eg.config.fmt("pdf", "crisis_line"),
        "glossary": eg.glossary,
        "pack_name": pack_name(eg, ctx.paper),
        # the EPUB and the web edition have no paper: they name the PDFs of every size
        "pack_names": [pack_name(eg, p) for p in papers],
        "worksheet_pdfs": {w.worksheet.id: [worksheet_name(eg, w, p) for p in papers]
                           for w in eg.worksheets},
        "bleed": ctx.bleed,
        "marks": ctx.marks,
        "large_print": False,
        "booklet": False,  # a booklet's pages (render/booklet.py)
    }


def guide_name(eg: EditionGuide, ext: str, variant: str = "", paper: str = "") -> str:
    """`<edition>/<slug>-<edition>[-variant][-paper].<ext>` (render/names.py)."""
    return names.guide_file(eg.meta.slug, eg.edition.id, ext, variant, paper)


def pack_name(eg: EditionGuide, paper: str) -> str:
    return names.pack_file(eg.meta.slug, eg.edition.id, paper)


def worksheet_name(eg: EditionGuide, view, paper: str) -> str:
    return names.worksheet_file(eg.meta.slug, eg.edition.id, view.number, view.worksheet.id,
                                paper)


def chapter_name(eg: EditionGuide, view, paper: str, variant: str = "") -> str:
    return names.chapter_file(eg.meta.slug, eg.edition.id, view.number, view.chapter.slug,
                              paper, variant)


def full_chapter_name(eg: EditionGuide, view, paper: str) -> str:
    return names.full_chapter_file(eg.meta.slug, eg.edition.id, view.number, view.chapter.slug,
                                   paper)
