"""The web edition: a static, accessible site per edition, build/<edition>/html/.

One page per chapter and worksheet, with previous/next/contents navigation, a skip link,
a print stylesheet and no external requests. `careprint serve` shows it.
"""

from __future__ import annotations

import hashlib
import re

from ..guard.cssguard import checked_stylesheet
from ..guard.imagestrip import stripped
from ..guard.outguard_html import without_comments
from ..source.config_schema import Opt
from ..source.editions import EditionGuide
from . import (
    Artifact,
    BuildContext,
    Job,
    chapter_fingerprint,
    digest,
    entries,
    names,
    render_template,
    stamps,
    worksheet_fingerprint,
)
from .common import base_context
from .pages import link_targets, page_body_html, pages
from .printables import printables, published_printables
from .registry import Format


def folder(eg: EditionGuide) -> str:
    return names.web_folder(eg.edition.id)


def jobs(eg: EditionGuide, paper: str = "") -> list[Job]:
    """The web edition has no paper: one for every paper size."""
    # every page shows the titles of all pages (contents, previous, next) and the crisis
    # line; beyond that, a chapter or worksheet page depends on its own content only
    all_pages = pages(eg, "html")
    frame = digest([(p["file"], p["title"]) for p in all_pages], eg.resources,
                   printables(eg, folder(eg)), eg.config.fmt("html", "quick_exit_url"))
    own = {"chapter": chapter_fingerprint, "worksheet": worksheet_fingerprint}
    targets = link_targets(eg, "html")
    out = []
    for p in all_pages:
        if p["kind"] in own:
            content = digest(frame, own[p["kind"]](p["view"]), targets)
        else:  # glossary, resources and the front pages show guide-wide data
            content = digest(frame, eg.glossary, eg.meta, eg.edition)
        out.append(Job("html", eg.edition.id, p["file"], f"{folder(eg)}/{p['file']}", 1,
                       content))
    out.append(Job("html", eg.edition.id, "style.css", f"{folder(eg)}/style.css", 1, ""))
    out.append(Job("html", eg.edition.id, QUICK_EXIT, f"{folder(eg)}/{QUICK_EXIT}", 1, ""))
    for view in eg.chapters:
        for image in view.images:
            name = image_name(image)
            out.append(Job("html", eg.edition.id, f"image:{image.src}",
                           f"{folder(eg)}/{name}", 1,
                           hashlib.sha256(image.path.read_bytes()).hexdigest()))
    return list({j.relpath: j for j in out}.values())


QUICK_EXIT = "quick-exit.js"  # the quick-exit button's script (web-page.html)


def image_name(image) -> str:
    return f"images/{hashlib.sha256(image.path.read_bytes()).hexdigest()[:12]}" \
           f"{image.path.suffix.lower()}"


def render(eg: EditionGuide, ctx: BuildContext, job: Job) -> Artifact:
    if job.item == "style.css":
        css = checked_stylesheet(render_template(ctx.root, "web.css", **base_context(eg, ctx)),
                                 "web.css", ctx.root)
        return Artifact(job.relpath, css.encode("utf-8"), 1)
    if job.item == QUICK_EXIT:
        return Artifact(job.relpath, render_template(ctx.root, QUICK_EXIT).encode("utf-8"), 1)
    if job.item.startswith("image:"):
        src = job.item.removeprefix("image:")
        image = next(i for v in eg.chapters for i in v.images if i.src == src)
        # published without the camera's metadata (careprint/guard/imagestrip.py)
        return Artifact(job.relpath, stripped(image.path.read_bytes(), image.media_type), 1)
    html = page_html(eg, ctx, job.item)
    return Artifact(job.relpath, html.encode("utf-8"), 1)


def page_html(eg: EditionGuide, ctx: BuildContext, file: str, live_reload: str = "") -> str:
    """One page of the web edition. `live_reload` is a script URL `careprint serve` adds."""
    all_pages = pages(eg, "html")
    i = next(n for n, p in enumerate(all_pages) if p["file"] == file)
    images = {img.src: image_name(img) for v in eg.chapters for img in v.images}
    body = page_body_html(all_pages[i], link_targets(eg, "html"), images)
    from markupsafe import Markup

    # no comment reaches a reader: content's, templates' (careprint/guard/outguard_html.py)
    return with_policy(without_comments(render_template(
        ctx.root, eg.config.fmt("html", "template"), "formats.html.template",
        **(base_context(eg, ctx) | stamps.NO_SLOTS), page=all_pages[i],  # marks: PDFs only
        content_security_policy=Markup(POLICY),
        body=body, pages=all_pages, previous=all_pages[i - 1] if i > 0 else None,
        next=all_pages[i + 1] if i + 1 < len(all_pages) else None,
        chapters=eg.chapters, worksheets=eg.worksheets,
        printables=printables(eg, folder(eg)), printable_urls=published_printables(eg),
        quick_exit_url=eg.config.fmt("html", "quick_exit_url"),
        quick_exit_script=QUICK_EXIT, live_reload=live_reload)))


# Only the edition's own files: no request leaves the site, whatever a page holds. Style
# attributes stay (careprint's worksheet fields use them; content's are checked to load
# nothing, careprint.guard.cssguard); the only script is `careprint serve`'s reload.js.
POLICY = ("default-src 'self'; img-src 'self'; style-src 'self'; "
          "style-src-attr 'unsafe-inline'; script-src 'self'; object-src 'none'; "
          "form-action 'none'; base-uri 'none'")
_HEAD_RE = re.compile(r"<head\b[^>]*>", re.I)
_LOADS_RE = re.compile(r"<(?:link|script|style|img|base|meta\s+http-equiv)\b", re.I)


def with_policy(page: str) -> str:
    """`page` with the Content-Security-Policy as the first thing in its head, also when
    a project's own page template leaves it out (a second policy could only narrow it)."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">'
    at, head_end = page.find(meta), page.lower().find("</head>")
    if 0 <= at < head_end and not _LOADS_RE.search(page, 0, at):
        return page
    m = _HEAD_RE.search(page)
    if m:
        return f"{page[:m.end()]}\n{meta}{page[m.end():]}"
    return f"{meta}\n{page}"


# [formats.html] in careprint.toml (docs/config.md)
OPTIONS = {
    "template": Opt(str, "Template of a page of the web edition.", default="web-page.html"),
    "quick_exit_url": Opt(str, "Where the web edition's quick-exit button (and the Escape "
                          "key) goes: a neutral page that replaces the guide in the "
                          "browser's history.", default="https://www.bbc.co.uk/weather"),
}

FORMAT = Format("html", jobs, render, order=50, paperless=True, options=OPTIONS,
                library=entries.web)
