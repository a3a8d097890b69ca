"""The full-guide PDF of one edition: build/<edition>/<slug>-<edition>.pdf."""

from __future__ import annotations

from ..editions import EditionGuide
from . import (
    Artifact,
    BuildContext,
    Job,
    chapter_fingerprint,
    decorative_as_background,
    digest,
    render_template,
    retarget_links,
)
from .common import base_context, guide_name


def jobs(eg: EditionGuide) -> list[Job]:
    # the guide lists the worksheets (number, title, purpose); their fields are in the pack
    listed = [(w.number, w.worksheet.id, w.worksheet.title, w.worksheet.purpose)
              for w in eg.worksheets]
    content = digest([chapter_fingerprint(v) for v in eg.chapters], listed, eg.glossary,
                     eg.resources)
    weight = 40 + sum(len(v.html) for v in eg.chapters) // 2000
    return [Job("pdf", eg.edition.id, "", guide_name(eg, "pdf"), weight, content)]


def render(eg: EditionGuide, ctx: BuildContext, job: Job) -> Artifact:
    from .weasy import html_to_pdf

    html = guide_html(eg, ctx)
    data, pages, warnings = html_to_pdf(html, ctx, f"templates/{_template(eg)}")
    return Artifact(job.relpath, data, pages, warnings, html)


def _template(eg: EditionGuide) -> str:
    return eg.config.fmt("pdf", "template")


def guide_html(eg: EditionGuide, ctx: BuildContext, **extra) -> str:
    """The exact HTML that WeasyPrint renders for the guide."""
    targets = {f"chapter-{v.chapter.slug}": f"#chapter-{v.chapter.slug}" for v in eg.chapters}
    targets |= {f"worksheet-{w.worksheet.id}": f"#worksheet-{w.worksheet.id}"
                for w in eg.worksheets}
    targets |= {f"glossary-{g.id}": f"#glossary-{g.id}" for g in eg.glossary}
    bodies = {v.chapter.slug: decorative_as_background(retarget_links(v.html, targets),
                                                       v.images) for v in eg.chapters}
    return render_template(ctx.root, _template(eg), "formats.pdf.template",
                           **(base_context(eg, ctx) | extra), chapters=eg.chapters,
                           worksheets=eg.worksheets, bodies=bodies)
