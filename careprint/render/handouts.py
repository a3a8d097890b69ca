"""One handout per chapter, edition and paper:
build/<edition>/handouts/<slug>-<edition>-chNN-<chapter>-<paper>.pdf (render/names.py).

A handout is one sheet, both sides: the chapter's title, summary and key points, one
practice (render/handout_sections.py), the words it uses, the crisis lines and where the
whole chapter is (render/chapters.py prints that). Printed alone, it links only to what
it contains. A handout longer than two pages is a build warning that names the chapter.
"""

from __future__ import annotations

import html
import re

from ..source.config_schema import Opt
from ..source.editions import ChapterView, EditionGuide
from ..source.i18n import gettext
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
from .common import base_context, chapter_name, full_chapter_name, web_page_url
from .handout_sections import handout_body
from .keys import image_fingerprint
from .qr import qr_code
from .registry import Format

SHEET_PAGES = 2  # one sheet, both sides


def jobs(eg: EditionGuide, paper: str) -> list[Job]:
    return [Job("handouts", eg.edition.id, v.chapter.name, chapter_name(eg, v, paper),
                5 + len(v.html) // 6000,
                # what the chapter's `::: handout` blocks hold is the handout's alone
                digest(chapter_fingerprint(v), v.chapter.handout, eg.resources, v.handout_html,
                       named_chapters(eg, v.html, v.handout_html),
                       image_fingerprint(v.handout_images)),
                paper)
            for v in eg.chapters]


def render(eg: EditionGuide, ctx: BuildContext, job: Job) -> Artifact:
    from .weasy import html_to_pdf

    view = eg.chapter(job.item)
    html = handout_html(eg, view, ctx)
    data, pages, warnings = html_to_pdf(html, ctx, view.chapter.path)
    for place in ({"qr_beside": True}, {"qr_top": True}) if web_page_url(eg, view) else ():
        if pages <= SHEET_PAGES:
            break
        # the QR code's address beside it rather than beneath it: as tall as the code
        # alone; then the code beside the title, where the head has room for it
        html = handout_html(eg, view, ctx, **place)
        data, pages, warnings = html_to_pdf(html, ctx, view.chapter.path)
    if pages > SHEET_PAGES:
        warnings = (*warnings, too_long(view, pages))
    return Artifact(job.relpath, data, pages, warnings, html)


def too_long(view: ChapterView, pages: int) -> str:
    return (f"{view.chapter.path}: the handout takes {pages} pages, more than one sheet "
            f"({SHEET_PAGES} pages): shorten the chapter's summary, key points or practice, "
            "or choose a shorter practice with `handout:` in its front matter "
            "(docs/content-format.md)")


_CHAPTER_REF_RE = re.compile(r'<a class="xref xref-chapter" href="#chapter-([^"]+)">(.*?)</a>',
                             re.S)


def named_chapters(eg: EditionGuide, *fragments: str) -> tuple:
    """The number and title of each chapter `fragments` refer to: what name_chapters
    prints of them, and so part of the key of a chapter printed alone (a chapter moved or
    renamed remakes the handouts that name it: tests/test_incremental_differential.py)."""
    slugs = {m.group(1) for f in fragments for m in _CHAPTER_REF_RE.finditer(f)}
    return tuple((v.chapter.slug, v.number, v.chapter.title) for v in eg.chapters
                 if v.chapter.slug in slugs)


def name_chapters(fragment: str, eg: EditionGuide) -> str:
    """A handout is printed alone: a reference to another chapter names it and its place
    in the full guide, since there is nothing to link to."""
    chapters = {v.chapter.slug: v for v in eg.chapters}

    def sub(m):
        target = chapters.get(m.group(1))
        if target is None:
            return m.group(0)
        label = m.group(2)
        shown = f"\u201c{label}\u201d" if html.unescape(label) == target.chapter.title else label
        place = gettext("(chapter %(n)s of the full guide)") % {"n": target.number}
        return (f'<span class="xref xref-chapter">{shown}</span><span class="xref-place"> '
                f'{html.escape(place, quote=False)}</span>')
    return _CHAPTER_REF_RE.sub(sub, fragment)


def handout_html(eg: EditionGuide, view: ChapterView, ctx: BuildContext, **extra) -> str:
    """The handout: the sections handout_body() chooses, and where the whole chapter is."""
    chosen = handout_body(view)
    return printed_alone_html(eg, view, ctx, chosen.html, chosen.glossary, "handouts",
                              practice=chosen.practice, **extra)


def printed_alone_html(eg: EditionGuide, view: ChapterView, ctx: BuildContext, fragment: str,
                       glossary, fmt: str, **extra) -> str:
    """A chapter's `fragment` in the template of `fmt` (handouts or chapters), printed
    alone: its links lead only to the words it defines. `full_chapter` names the file of
    the whole chapter printed alone, within the edition's folder; `web_page` is the address
    of the chapter's page in the web edition ([guide] url), and `qr` its QR code (or None),
    its address beneath it, beside it with `qr_beside=True`, or the code beside the title
    with `qr_top=True`."""
    targets = {f"glossary-{g.id}": f"#glossary-{g.id}" for g in glossary}
    full_chapter = full_chapter_name(eg, view, ctx.paper).split("/", 1)[1]
    body = retarget_links(name_chapters(fragment, eg), targets)
    body = decorative_as_background(body, view.images + view.handout_images)
    web_page = web_page_url(eg, view)
    return render_template(ctx.root, eg.config.fmt(fmt, "template"), f"formats.{fmt}.template",
                           **(base_context(eg, ctx) | {"qr_beside": False, "qr_top": False}
                              | extra),
                           view=view, body=body,
                           full_chapter=full_chapter,
                           words=glossary, web_page=web_page or "",
                           qr=qr_code(web_page) if web_page else None,
                           handout_template=eg.config.fmt("handouts", "template"))


# [formats.handouts] in careprint.toml (docs/config.md)
OPTIONS = {
    "template": Opt(str, "Template of a chapter handout.", default="handout.html"),
}

FORMAT = Format("handouts", jobs, render, order=20, options=OPTIONS,
                library=entries.guide_or_handout(),
                checks=("pdf-accessibility", "phone-split", "crisis-lines"))
