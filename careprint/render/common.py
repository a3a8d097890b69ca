"""What the PDF-family renderers share: the template context and output names."""

from __future__ import annotations

from .. import __version__
from ..editions import EditionGuide
from . import BuildContext


def base_context(eg: EditionGuide, ctx: BuildContext) -> dict:
    """Variables every template receives (documented in docs/templates.md)."""
    meta = eg.meta
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
        "pack_name": pack_name(eg),
        "bleed": ctx.bleed,
        "marks": ctx.marks,
        "large_print": False,
    }


def guide_name(eg: EditionGuide, ext: str, variant: str = "") -> str:
    """`<edition>/<slug>-<edition>[-variant].<ext>`."""
    suffix = f"-{variant}" if variant else ""
    return f"{eg.edition.id}/{eg.meta.slug}-{eg.edition.id}{suffix}.{ext}"


def pack_name(eg: EditionGuide) -> str:
    return f"{eg.meta.slug}-worksheets-{eg.edition.id}.pdf"
