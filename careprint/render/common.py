"""What the PDF-family renderers share: the template context and output names."""

from __future__ import annotations

import html
from pathlib import Path

from markupsafe import Markup

from .. import __version__
from ..source import regions
from ..source.direction import direction
from ..source.editions import EditionGuide
from ..source.region_view import (
    FOOTER_CHARS,
    footer_services,
    handout_services,
    help_for,
    help_phrase,
    help_words,
    local_services,
    site_prefix,
)
from . import BuildContext, names, stamps
from .pages import chapter_file

RESOURCES_ID = "support-and-crisis-resources"  # the support page's id in the guide PDF


def base_context(eg: EditionGuide, ctx: BuildContext) -> dict:
    """Variables every template receives (documented in docs/templates.md)."""
    meta = eg.meta
    papers = eg.config.papers or (eg.config.paper,)
    # a clinic's local services are listed first, in its own block: not again below
    local = {(r.name, r.contact) for r in local_services(eg.guide)}
    resources = tuple(r for r in eg.resources if (r.name, r.contact) not in local)
    return {
        "meta": meta,
        # "rtl" for a guide in a language written right to left (Arabic, Hebrew...): the
        # documents' dir, the mirrored page layout (render/mirror.py); "ltr" otherwise
        "text_dir": direction(meta.language),
        "full_title": f"{meta.title}: {meta.subtitle}" if meta.subtitle else meta.title,
        "edition": eg.edition,
        "paper": ctx.paper,
        # the date the guide says it was published: careprint.toml's, never the build's
        # fixed timestamp (which dates the files: date_iso)
        "date": meta.date,
        "review": eg.config.review,
        "date_iso": ctx.source_date.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "careprint_version": __version__,
        "running_head": f"{meta.title} · {eg.edition.title}",
        "resources": resources,
        # on every handout: the crisis lines, and in a region's build its sexual-violence
        # services too (a region's list is short enough for the sheet's back)
        "crisis_resources": handout_services(resources, eg.region,
                                             eg.config.resources["regions"]),
        # "call {{ emergency }}": the region's number, or "your local emergency number"
        "emergency": Markup(help_words(help_for(eg.resources, eg.region, "emergency"),
                                       "emergency") or help_phrase("emergency")),
        "crisis_line": crisis_line(eg, ctx),
        "region": eg.region,  # "" in a build for every region
        # the clinic a build is stamped for (careprint/source/imprints.py), or None
        "imprint": eg.guide.imprint,
        "imprint_logo": imprint_logo(eg),
        "local_services": local_services(eg.guide),
        # a clinic's blocks, marked where a build for many clinics shares the rest of each
        # PDF (render/stamps.py); empty in every other build
        **(stamps.SLOT_MARKUP if ctx.shared else stamps.NO_SLOTS),
        "region_name": regions.name(eg.region, meta.language) if eg.region else "",
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
        "web_base": web_base(eg),  # [guide] url: where the build folder is published, or ""
    }


def imprint_logo(eg: EditionGuide) -> str:
    """The clinic's logo as a file: URI for the PDFs (their fetcher reads imprints/), or ""."""
    imprint = eg.guide.imprint
    if imprint is None or not imprint.logo:
        return ""
    return (Path(eg.config.root).resolve() / imprint.logo).as_uri()


def crisis_line(eg: EditionGuide, ctx: BuildContext) -> str:
    """The footer's crisis line: [formats.pdf] crisis_line in a build for every region; in
    a region's build, made from its crisis lines by the template crisis-line.txt, with as
    many as fit the footer (about FOOTER_CHARS characters)."""
    if not eg.region:
        return eg.config.fmt("pdf", "crisis_line")
    from .templating import render_template

    line, services = "", footer_services(eg.resources, eg.region)
    for n in range(1, len(services) + 1):
        # a plain line (the templates escape HTML, so its `&` comes back as `&amp;`)
        text = html.unescape(" ".join(render_template(
            ctx.root, "crisis-line.txt", services=services[:n], region=eg.region).split()))
        if line and len(text) > FOOTER_CHARS:
            break
        line = text
    return line


def web_base(eg: EditionGuide) -> str:
    """The address where the build folder is published ([guide] url), or "" if none; a
    clinic that publishes its own copy gives its own (imprints/<id>.toml: url)."""
    imprint = eg.guide.imprint
    return (imprint.url if imprint is not None and imprint.url else "") or eg.meta.url


def published_url(eg: EditionGuide, relpath: str) -> str | None:
    """The address of the output `relpath` (a path in the build folder of `eg`'s region:
    `survivors/html/index.html`) on the published site, or None without [guide] url."""
    base = web_base(eg)
    if not base:
        return None
    prefix = site_prefix(eg.guide)
    imprint = eg.guide.imprint
    if imprint is not None and imprint.url:  # the clinic publishes its own folder
        prefix = prefix.removeprefix(f"imprints/{imprint.id}/")
    return f"{base.rstrip('/')}/{prefix}{relpath}"


def web_page_url(eg: EditionGuide, view) -> str | None:
    """The published address of a chapter's page in the web edition (render/pages.py)."""
    return published_url(eg, f"{names.web_folder(eg.edition.id)}/{chapter_file(view, 'html')}")


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
