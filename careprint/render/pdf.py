"""The full-guide PDF of one edition: build/<edition>/<slug>-<edition>-<paper>.pdf."""

from __future__ import annotations

import re

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
from .common import RESOURCES_ID, base_context, guide_name
from .registry import Format


def jobs(eg: EditionGuide, paper: str) -> list[Job]:
    # the guide lists the worksheets (number, title, purpose); their fields are in the pack
    listed = [(w.number, w.worksheet.id, w.worksheet.title, w.worksheet.purpose)
              for w in eg.worksheets]
    content = digest([chapter_fingerprint(v) for v in eg.chapters], listed, eg.glossary,
                     eg.resources)
    weight = 40 + sum(len(v.html) for v in eg.chapters) // 2000
    return [Job("pdf", eg.edition.id, "", guide_name(eg, "pdf", paper=paper), weight, content,
                paper)]


def render(eg: EditionGuide, ctx: BuildContext, job: Job) -> Artifact:
    data, pages, warnings, html, layout = render_guide(eg, ctx, job.layout)
    return Artifact(job.relpath, data, pages, warnings, html, layout)


def _template(eg: EditionGuide) -> str:
    return eg.config.fmt("pdf", "template")


def render_guide(eg: EditionGuide, ctx: BuildContext, layout=None, **extra):
    """(pdf bytes, pages, warnings, html, layout) of the whole guide.

    The guide is always rendered with its page numbers written in (the contents, "(page
    N)" after a cross-reference, "Page N of M"), never with WeasyPrint's target-counter():
    the PDF is then a function of the sources and those numbers alone. (It was not so:
    a guide laid out with target-counter() sized a table's columns around a number not yet
    known, and one rebuilt with the numbers written in did not, so a rebuilt guide differed
    from a fresh one: issue 23.) The numbers come from a first layout, or, after an edit,
    from where the pages fell the last time (`layout`, Job.layout), which saves that
    layout when they held; either way the guide is rendered again until they settle, so
    both end at the same numbers and the same bytes (tests/test_rebuild_numbers.py).
    A very long guide is laid out in several parts (careprint.render.parts); `html` is
    then the tuple of the parts' HTML.
    """
    from . import parts

    where = f"templates/{_template(eg)}"
    groups = parts.plan(eg) or [[v.chapter.slug for v in eg.chapters]]
    return parts.render_in_parts(groups, lambda part: guide_html(eg, ctx, part, **extra),
                                 ctx, where, seed=layout)


_XREF_RE = re.compile(r'<a class="xref xref-chapter[^"]*" href="#([^"]+)"')


def guide_html(eg: EditionGuide, ctx: BuildContext, part=None, **extra) -> str:
    """The exact HTML that WeasyPrint renders for the guide, or for one `part` of it."""
    targets = {f"chapter-{v.chapter.slug}": f"#chapter-{v.chapter.slug}" for v in eg.chapters}
    targets |= {f"worksheet-{w.worksheet.id}": f"#worksheet-{w.worksheet.id}"
                for w in eg.worksheets}
    targets |= {f"glossary-{g.id}": f"#glossary-{g.id}" for g in eg.glossary}
    targets[RESOURCES_ID] = f"#{RESOURCES_ID}"  # [[help:role]] in a build for every region
    shown = [v for v in eg.chapters if part is None or v.chapter.slug in part.chapters]
    bodies = {v.chapter.slug: decorative_as_background(retarget_links(v.html, targets),
                                                       v.images) for v in shown}
    if part is not None:  # the page a cross-reference leads to, written in
        bodies = {slug: _XREF_RE.sub(lambda m: f'{m.group(0)} data-page="{part.page(m.group(1))}"',
                                     body) for slug, body in bodies.items()}
    return render_template(ctx.root, _template(eg), "formats.pdf.template",
                           **(base_context(eg, ctx) | extra), chapters=eg.chapters,
                           worksheets=eg.worksheets, bodies=bodies, part=part)


FORMAT = Format("pdf", jobs, render, order=10)
