"""Variants: the guide and each handout again, as other files made from the same content.

Large print (render/large_print.py) renders them with extra template context; booklets
(render/booklet.py) impose them. Each variant has the same jobs as the guide and the
handouts, with the same dependencies.
"""

from __future__ import annotations

from ..source.editions import EditionGuide
from . import BuildContext, Job
from . import handouts as _handouts
from . import pdf as _pdf
from .common import chapter_name, guide_name


def variant_jobs(eg: EditionGuide, fmt: str, variant: str, paper: str) -> list[Job]:
    """The guide and the handouts again, as `variant` files, with the same dependencies."""
    guide = _pdf.jobs(eg, paper)[0]
    out = [Job(fmt, eg.edition.id, "", guide_name(eg, "pdf", variant, paper),
               guide.weight * 2, guide.content, paper)]
    for view, h in zip(eg.chapters, _handouts.jobs(eg, paper), strict=True):
        out.append(Job(fmt, eg.edition.id, h.item, chapter_name(eg, view, paper, variant),
                       h.weight * 2, h.content, paper))
    return out


def variant_checks(pdf: str):
    """What `careprint check --outputs` checks in a variant's files: `pdf` (a booklet is
    printed only, and not tagged), phone numbers, and the guide's resources or, on a
    handout, the crisis lines (render/registry.py: CHECKS)."""
    def checks(job: Job) -> tuple[str, ...]:
        return (pdf, "phone-split", "crisis-lines" if job.item else "crisis-resources")
    return checks


def render_variant(eg: EditionGuide, ctx: BuildContext, job: Job, **extra):
    """(pdf bytes, pages, warnings, html, layout, part keys) of the guide or a handout,
    with `extra` context; a handout has no layout (render/pdf.py: render_guide) or parts."""
    from .weasy import html_to_pdf

    if not job.item:
        return _pdf.render_guide(eg, ctx, job.layout, **extra)
    view = eg.chapter(job.item)
    html = _handouts.handout_html(eg, view, ctx, **extra)
    data, pages, warnings = html_to_pdf(html, ctx, view.chapter.path)
    return data, pages, warnings, html, None, ()
