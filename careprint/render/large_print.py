"""Large print: the guide and each handout after the APH large-print guidelines.

build/<edition>/<slug>-<edition>-large-print-<paper>.pdf and
build/<edition>/handouts/<slug>-<edition>-chNN-<chapter>-large-print-<paper>.pdf.
Same content, same editions; the templates add large-print.css.
"""

from __future__ import annotations

from ..editions import EditionGuide
from . import Artifact, BuildContext, Job
from . import handouts as _handouts
from . import pdf as _pdf
from .common import chapter_name, guide_name
from .registry import Format

VARIANT = "large-print"


def jobs(eg: EditionGuide, paper: str) -> list[Job]:
    return variant_jobs(eg, "large-print", VARIANT, paper)


def variant_jobs(eg: EditionGuide, fmt: str, variant: str, paper: str) -> list[Job]:
    """The guide and the handouts again, as `variant` files, with the same dependencies."""
    guide = _pdf.jobs(eg, paper)[0]
    out = [Job(fmt, eg.edition.id, "", guide_name(eg, "pdf", variant, paper),
               guide.weight * 2, guide.content, paper)]
    for view, h in zip(eg.chapters, _handouts.jobs(eg, paper), strict=True):
        out.append(Job(fmt, eg.edition.id, h.item, chapter_name(eg, view, paper, variant),
                       h.weight * 2, h.content, paper))
    return out


def render_variant(eg: EditionGuide, ctx: BuildContext, job: Job, **extra):
    """(pdf bytes, pages, warnings, html, layout) of the guide or a handout, with `extra`
    context; the layout (render/pdf.py: render_guide) is None for a handout."""
    from .weasy import html_to_pdf

    if not job.item:
        return _pdf.render_guide(eg, ctx, job.layout, **extra)
    view = eg.chapter(job.item)
    html = _handouts.handout_html(eg, view, ctx, **extra)
    data, pages, warnings = html_to_pdf(html, ctx, view.chapter.path)
    return data, pages, warnings, html, None


def render(eg: EditionGuide, ctx: BuildContext, job: Job) -> Artifact:
    data, pages, warnings, html, layout = render_variant(eg, ctx, job, large_print=True)
    return Artifact(job.relpath, data, pages, warnings, html, layout)


FORMAT = Format("large-print", jobs, render, order=60, based_on=("pdf", "handouts"),
                variant=VARIANT, templates_extra=("large-print.css",))
