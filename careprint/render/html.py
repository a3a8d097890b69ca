"""The web edition: a static, accessible site per edition, build/<edition>/html/.

One page per chapter and worksheet, with previous/next/contents navigation, a skip link,
a print stylesheet and no external requests. `careprint serve` shows it.
"""

from __future__ import annotations

import hashlib

from ..editions import EditionGuide
from . import (
    Artifact,
    BuildContext,
    Job,
    chapter_fingerprint,
    digest,
    render_template,
    worksheet_fingerprint,
)
from .common import base_context
from .epub import link_targets, page_body_html, pages
from .printables import printables


def folder(eg: EditionGuide) -> str:
    return f"{eg.edition.id}/html"


def jobs(eg: EditionGuide) -> list[Job]:
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
        css = render_template(ctx.root, "web.css", **base_context(eg, ctx))
        return Artifact(job.relpath, css.encode("utf-8"), 1)
    if job.item == QUICK_EXIT:
        return Artifact(job.relpath, render_template(ctx.root, QUICK_EXIT).encode("utf-8"), 1)
    if job.item.startswith("image:"):
        src = job.item.removeprefix("image:")
        image = next(i for v in eg.chapters for i in v.images if i.src == src)
        return Artifact(job.relpath, image.path.read_bytes(), 1)
    html = page_html(eg, ctx, job.item)
    return Artifact(job.relpath, html.encode("utf-8"), 1)


def page_html(eg: EditionGuide, ctx: BuildContext, file: str, live_reload: str = "") -> str:
    """One page of the web edition. `live_reload` is a script URL `careprint serve` adds."""
    all_pages = pages(eg, "html")
    i = next(n for n, p in enumerate(all_pages) if p["file"] == file)
    images = {img.src: image_name(img) for v in eg.chapters for img in v.images}
    body = page_body_html(all_pages[i], link_targets(eg, "html"), images)
    return render_template(ctx.root, eg.config.fmt("html", "template"), "formats.html.template",
                           **base_context(eg, ctx), page=all_pages[i],
                           body=body, pages=all_pages,
                           previous=all_pages[i - 1] if i > 0 else None,
                           next=all_pages[i + 1] if i + 1 < len(all_pages) else None,
                           chapters=eg.chapters, worksheets=eg.worksheets,
                           printables=printables(eg, folder(eg)),
                           quick_exit_url=eg.config.fmt("html", "quick_exit_url"),
                           quick_exit_script=QUICK_EXIT, live_reload=live_reload)
