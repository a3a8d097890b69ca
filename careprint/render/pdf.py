"""The full-guide PDF of one edition: build/<edition>/<slug>-<edition>.pdf."""

from __future__ import annotations

from ..editions import EditionGuide
from . import Artifact, BuildContext, render_template, retarget_links
from .common import base_context, guide_name


def render(eg: EditionGuide, ctx: BuildContext) -> list[Artifact]:
    from .weasy import html_to_pdf

    html = guide_html(eg, ctx)
    data, pages, warnings = html_to_pdf(html, ctx, f"templates/{_template(eg)}")
    return [Artifact(guide_name(eg, "pdf"), data, pages, warnings)]


def _template(eg: EditionGuide) -> str:
    return eg.config.fmt("pdf", "template")


def guide_html(eg: EditionGuide, ctx: BuildContext) -> str:
    """The exact HTML that WeasyPrint renders for the guide."""
    targets = {f"chapter-{v.chapter.slug}": f"#chapter-{v.chapter.slug}" for v in eg.chapters}
    targets |= {f"worksheet-{w.worksheet.id}": f"#worksheet-{w.worksheet.id}"
                for w in eg.worksheets}
    targets |= {f"glossary-{g.id}": f"#glossary-{g.id}" for g in eg.glossary}
    bodies = {v.chapter.slug: retarget_links(v.html, targets) for v in eg.chapters}
    return render_template(ctx.root, _template(eg), "formats.pdf.template",
                           **base_context(eg, ctx), chapters=eg.chapters,
                           worksheets=eg.worksheets, bodies=bodies)
