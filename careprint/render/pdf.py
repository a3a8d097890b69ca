"""The full-guide PDF of one edition: build/<edition>/<slug>-<edition>-<paper>.pdf."""

from __future__ import annotations

import re

from ..source.config_schema import Opt
from ..source.editions import EditionGuide
from . import (
    Artifact,
    BuildContext,
    Job,
    chapter_fingerprint,
    decorative_as_background,
    digest,
    entries,
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
    data, pages, warnings, html, layout, keys = render_guide(eg, ctx, job.layout)
    return Artifact(job.relpath, data, pages, warnings, html, layout, keys)


def _template(eg: EditionGuide) -> str:
    return eg.config.fmt("pdf", "template")


def render_guide(eg: EditionGuide, ctx: BuildContext, layout=None, **extra):
    """(pdf bytes, pages, warnings, part HTMLs, layout, part keys) of the whole guide.

    The guide is laid out a chapter at a time, each part kept (render/parts.py), with a
    slot for each page number it shows, filled as the parts are joined
    (render/pageslots.py); "Page N of M" is drawn on the joined guide
    (render/folio.py). `layout` is where the pages fell the last time (Job.layout): the
    numbers to start from. Either way the PDF depends on the sources alone: a rebuilt
    guide is the same, byte for byte, as a fresh build (tests/test_rebuild_numbers.py).
    """
    from . import parts
    from .folio import add_folios
    from .partcache import render_part
    from .partjoin import join

    where = f"templates/{_template(eg)}"
    datas, pages, warnings, html, layout, keys, fill = parts.render_in_parts(
        parts.plan(eg), lambda part: guide_html(eg, ctx, part, **extra), ctx, where,
        seed=layout, booklet=bool(extra.get("booklet")))
    # the page numbers, kept like a part: the same while the guide's length is
    folios, _, notes, _, key, _ = render_part(
        guide_html(eg, ctx, folio_pages=pages, **extra), ctx, where)
    data = join(datas, finish=lambda pdf: add_folios(pdf, folios), fill=fill)
    return (data, pages, tuple(dict.fromkeys(warnings + tuple(notes))), html, layout,
            (*keys, key))


_XREF_RE = re.compile(r'<a class="xref xref-chapter[^"]*" href="#([^"]+)"')


def guide_html(eg: EditionGuide, ctx: BuildContext, part=None, **extra) -> str:
    """The exact HTML that WeasyPrint renders for one `part` of the guide, or, with
    `folio_pages=N`, for its page numbers alone (render/folio.py)."""
    targets = {f"chapter-{v.chapter.slug}": f"#chapter-{v.chapter.slug}" for v in eg.chapters}
    targets |= {f"worksheet-{w.worksheet.id}": f"#worksheet-{w.worksheet.id}"
                for w in eg.worksheets}
    targets |= {f"glossary-{g.id}": f"#glossary-{g.id}" for g in eg.glossary}
    targets[RESOURCES_ID] = f"#{RESOURCES_ID}"  # [[help:role]] in a build for every region
    shown = [] if "folio_pages" in extra else \
        [v for v in eg.chapters if part is None or v.chapter.slug in part.chapters]
    bodies = {v.chapter.slug: decorative_as_background(retarget_links(v.html, targets),
                                                       v.images) for v in shown}
    if part is not None:  # the page a cross-reference leads to, written in
        bodies = {slug: _XREF_RE.sub(lambda m: f'{m.group(0)} data-page="{part.page(m.group(1))}"',
                                     body) for slug, body in bodies.items()}
    return render_template(ctx.root, _template(eg), "formats.pdf.template",
                           **(base_context(eg, ctx) | extra), chapters=eg.chapters,
                           worksheets=eg.worksheets, bodies=bodies, part=part)


# [formats.pdf] in careprint.toml (docs/config.md)
OPTIONS = {
    "template": Opt(str, "Template of the full-guide PDF.", default="guide.html"),
    "crisis_line": Opt(str, "One line with crisis numbers, printed in the footer of every "
                       "page of the guide and the handouts and on the page after the title "
                       "page, in a build for every region. A build for one region "
                       "(`--region`) makes its own line from that region's crisis lines "
                       "(content/resources/) instead. Keep it short enough for one line "
                       "(about 84 characters), each sentence under about 54 (large print "
                       "gives each its own line); `careprint check` warns past these.",
                       default=""),
    "part_words": Opt(int, "No longer used: every guide is laid out a chapter at a "
                      "time (docs/building.md). Still accepted, so that a careprint.toml "
                      "written for an earlier careprint loads.", default=25000, lo=1,
                      hi=10_000_000),
}

FORMAT = Format("pdf", jobs, render, order=10, options=OPTIONS,
                library=entries.guide_or_handout(),
                checks=("pdf-accessibility", "phone-split", "crisis-resources"))
