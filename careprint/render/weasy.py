"""HTML -> PDF through WeasyPrint, with careprint's sandboxed fetcher.

Imported only by the PDF renderers, so that `careprint --help` and `careprint list`
never pay for importing WeasyPrint.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ..errors import Problem, ProjectError
from ..guard.imagestrip import stripped
from ..source.reads import note_file
from ..source.typefaces import use_bundled_fonts
from . import PACKAGE_TEMPLATES, BuildContext, sheetcache
from .mirror import mirrored_html

ATTACHMENT_RE = re.compile(r"<(?:a|link)\b[^>]*\brel\s*=\s*[\"']?[^\"'>]*\battachment", re.I)


IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg")
IMAGE_FAILURES = ("Failed to load image", "Failed to render SVG image")
NO_ALT_RE = re.compile(r'Image ".*" has no required alt description$')


class SandboxRefusal(FatalURLFetchingError):
    """A document asked for a resource outside the sandbox; the render stops."""


RASTER_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")


def _refuse_too_many_pixels(path: Path) -> None:
    """Refuse an image past careprint.source.assets.MAX_IMAGE_PIXELS before WeasyPrint decodes it
    (a chapter's images were checked at load; a template's are checked here)."""
    from ..source.assets import pixel_problem

    try:
        why = pixel_problem(path)
    except Exception:  # not an image Pillow reads: WeasyPrint says so, and that stops it
        return
    if why:
        raise SandboxRefusal(f"image {path.name!r} is {why}")


class SandboxFetcher(URLFetcher):
    """Fetches local files inside the project's content/ and templates/ and careprint's
    bundled templates. Everything else (network, file: URLs elsewhere, `..`, symbolic links
    that leave the project) is refused, and the refusal stops the build."""

    def __init__(self, root: Path, figure_font: str | None = None):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)
        root = self.root = Path(root).resolve()
        # imprints/: a clinic's logo (careprint/source/imprints.py)
        self.allowed = (root / "content", root / "templates", root / "imprints",
                        PACKAGE_TEMPLATES)
        self.figure_font = figure_font

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise SandboxRefusal(f"refused to load {url[:80]!r}: only files inside the "
                                 "project's content/ and templates/ may be loaded")
        path = Path(unquote(parts.path))
        real = path.resolve()
        if ".." in path.parts or not any(real.is_relative_to(a) for a in self.allowed):
            raise SandboxRefusal(f"refused to load {path}: it is outside the project's "
                                 "content/ and templates/ folders")
        if real.suffix.lower() in RASTER_SUFFIXES:  # a template's image: not checked at load
            _refuse_too_many_pixels(real)
        response = super().fetch(url, headers)
        note_file(self.root, path)  # a render that draws it depends on it (reads.py)
        suffix = path.suffix.lower()
        if suffix not in IMAGE_SUFFIXES:
            return response
        try:  # an image goes in without the camera's metadata (careprint/guard/imagestrip.py)
            data = stripped(response.read())
        finally:
            response.close()
        if self.figure_font and suffix == ".svg":
            data = with_font(data, self.figure_font)
        return _Stripped(response.url, data, response.headers, response.status)


class _Stripped(URLFetcherResponse):
    """A picture's bytes as fetched, stripped: with no path, WeasyPrint embeds these
    bytes rather than reading the file again (weasyprint/images.py, LazyLocalImage)."""

    path = None


# A document that sets its figures' words in one family says so in its head (large print:
# templates/_parts.html); a family name is letters, digits, spaces and hyphens.
FIGURE_FONT_RE = re.compile(r'<meta name="careprint-figure-font" content="([\w -]{1,60})"/?>')
# the root element's start tag (its attribute values may hold a ">")
_SVG_ROOT_RE = re.compile(rb"""<svg\b(?:[^>"']|"[^"]*"|'[^']*')*>""")


def with_font(svg: bytes, family: str) -> bytes:
    """`svg` with its words set in `family`: a style rule first in the picture, which
    outweighs its font-family attributes and rules (only an inline `!important` keeps
    its own). Its shapes, sizes and colours are as drawn."""
    m = _SVG_ROOT_RE.search(svg)
    if not m or m.group(0).endswith(b"/>"):
        return svg
    rule = f'<style>* {{ font-family: "{family}", sans-serif !important; }}</style>'
    return svg[:m.end()] + rule.encode() + svg[m.end():]


# fontTools notes harmless details of the fonts it embeds ("'created' timestamp seems very
# low"); they say nothing about the guide, so only its errors are kept.
logging.getLogger("fontTools").setLevel(logging.ERROR)


_FONTS: dict = {}
# what may bring fonts of a document's own: they would stay in a shared configuration
OWN_FONTS_RE = re.compile(r"@font-face|@import|<link\b[^>]*\bstylesheet", re.I)


def font_config(html: str):
    """One FontConfiguration per process, shared by the documents it renders that use
    only the system's fonts; None (a new one, as bare WeasyPrint makes) for a document
    that may bring its own, since the fonts it adds would stay for the documents after it,
    and a worker's output would depend on what it rendered before.

    Bare WeasyPrint makes a new one per document, and with it a new Pango font map that
    finds, loads and shapes each font again: sharing one made handouts render 6-8% faster,
    to the same bytes. Per process id, so a forked worker never uses its parent's.
    """
    if OWN_FONTS_RE.search(html):
        return None
    if _FONTS.get("pid") != os.getpid() or _FONTS.get("conf") != os.environ["FONTCONFIG_FILE"]:
        from weasyprint.text.fonts import FontConfiguration

        _FONTS.update(pid=os.getpid(), config=FontConfiguration(),
                      conf=os.environ["FONTCONFIG_FILE"])
        sheetcache.install(_FONTS["config"])  # its documents' sheets are parsed once
    return _FONTS["config"]


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _figure_font(html: str) -> str | None:
    m = FIGURE_FONT_RE.search(html)
    return m[1] if m else None


def html_to_pdf(html: str, ctx: BuildContext, where: str, *, forms: bool = False):
    """Render `html`; return (pdf bytes, page count, warnings). `where` names the source."""
    data, pages, warnings, _ = render_pdf(html, ctx, where, forms=forms)
    return data, pages, warnings


def render_pdf(html: str, ctx: BuildContext, where: str, *, forms: bool = False,
               write: bool = True, accept=None, keep=None):
    """(pdf bytes, page count, warnings, {anchor: page index}) of `html`.

    With write=False the document is only laid out (no PDF is made, bytes are b""): what a
    guide rendered in parts needs to learn where its pages fall. `accept(pages, anchors)`,
    if given, decides after the layout whether the PDF is worth writing (b"" if not).
    In a clinic's build, the PDF is made from one laid out for every clinic
    (render/shared.py). `keep(document)`: as weasy()'s, in a build for no clinic.
    """
    if ctx.shared:
        from .shared import render_shared

        return render_shared(html, ctx, where, forms=forms, write=write, accept=accept)
    data, document, warnings = weasy(html, ctx, where, forms=forms, write=write,
                                     accept=accept, keep=keep)
    return data, len(document.pages), warnings, anchor_pages(document)


def anchor_pages(document) -> dict[str, int]:
    anchors: dict[str, int] = {}
    for i, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, i)
    return anchors


def weasy(html: str, ctx: BuildContext, where: str, *, forms: bool = False,
          write: bool = True, accept=None, keep=None):
    """(pdf bytes, WeasyPrint's laid-out document, warnings) of `html`, in the sandbox.
    `keep(document)`, if given, is called after the layout, before the PDF is written."""
    if ATTACHMENT_RE.search(html):
        raise ProjectError(Problem(where, "rel=\"attachment\" would embed a file in the PDF; "
                                   "attachments are not allowed (see docs/security.md)"))
    use_bundled_fonts()  # careprint's typefaces, and no other copy of them
    html = mirrored_html(html)  # a right-to-left document's page layout (render/mirror.py)
    log = logging.getLogger("weasyprint")
    collect = _Collect()
    log.addHandler(collect)
    try:
        base = (Path(ctx.root).resolve() / "content" / "chapters").as_uri() + "/"
        document = weasyprint.HTML(string=html, base_url=base,
                                   url_fetcher=SandboxFetcher(ctx.root, _figure_font(html))).render(
            font_config=font_config(html), pdf_variant="pdf/ua-1", pdf_forms=forms)
        if keep is not None:
            keep(document)
        data = b""
        if write and (accept is None or accept(len(document.pages), anchor_pages(document))):
            data = document.write_pdf(pdf_variant="pdf/ua-1", pdf_forms=forms,
                                      pdf_identifier=None)
    except SandboxRefusal as exc:
        raise ProjectError(Problem(where, str(exc))) from None
    finally:
        log.removeHandler(collect)
    missing = [m for m in collect.messages if m.startswith(IMAGE_FAILURES)]
    if missing:  # WeasyPrint leaves the image out and goes on: the reader would miss it
        raise ProjectError([Problem(where, f"an image cannot be drawn: {m}") for m in missing])
    # a picture with no alt text is a warning once, at its chapter's line (assets.py)
    kept = tuple(m for m in collect.messages if not NO_ALT_RE.match(m))
    return data, document, kept
