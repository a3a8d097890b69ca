"""Booklets: the guide and each handout as A5 booklets on A4 (half-Letter on Letter).

The guide or handout is laid out on pages half its paper's size (the templates add
booklet.css: mirrored margins, the page number and running head on the outer edge), then
imposed two-up in folding order on landscape sheets of the paper itself, so that any
office printer prints it, double-sided, flipping on the short edge. A booklet whose pages
do not fill its sheets ends with notes pages and a back cover of crisis lines
(booklet-back.html) instead of blank pages.
build/<edition>/<slug>-<edition>-booklet-<paper>.pdf and
.../handouts/<slug>-<edition>-chNN-<chapter>-booklet-<paper>.pdf.
"""

from __future__ import annotations

import io

from ..source.direction import RTL, direction
from ..source.editions import EditionGuide
from . import Artifact, BuildContext, Job, entries, pdf_bytes, render_template
from .common import base_context
from .printing import MAX_SHEETS
from .registry import Format
from .variants import render_variant, variant_checks, variant_jobs

VARIANT = "booklet"

# the sheet a booklet is printed on, landscape, in points: two pages side by side
SHEETS = {"a4": (841.8898, 595.2756), "letter": (792.0, 612.0)}
# past MAX_SHEETS (careprint/render/printing.py) the inner sheets stick out at the fore-edge
# (creep): each inner sheet's pages move towards the fold by the paper wrapped round it
CALIPER = 0.1 * 72 / 25.4  # 80 g/m² office paper, about 0.1 mm thick, in points


def jobs(eg: EditionGuide, paper: str) -> list[Job]:
    return variant_jobs(eg, "booklet", VARIANT, paper)


def booklet_order(pages: int) -> list[tuple[int | None, int | None]]:
    """The (left, right) page numbers (1-based; None = blank) of each side of each sheet,
    in printing order: sheet 1 front, sheet 1 back, sheet 2 front..."""
    n = -(-pages // 4) * 4 if pages else 0

    def page(i):  # i is 1-based within the padded booklet
        return i if i <= pages else None

    sides = []
    for s in range(n // 4):
        sides.append((page(n - 2 * s), page(2 * s + 1)))  # front: outer pages
        sides.append((page(2 * s + 2), page(n - 2 * s - 1)))  # back: inner pages
    return sides


def sequence(pages: int) -> list[int]:
    """The booklet's pages, as indexes into the content pages followed by the notes page
    (index `pages`) and the back cover (`pages + 1`): the content, then, if its pages do
    not fill the last sheet, notes pages and the back cover as the last page."""
    pad = -pages % 4
    return list(range(pages)) + [pages] * (pad - 1) + [pages + 1] * (pad > 0)


def impose(data: bytes, sheet: tuple[float, float], end: bytes | None = None,
           rtl: bool = False) -> tuple[bytes, int]:
    """Two-up saddle-stitch imposition of a finished PDF on landscape `sheet`s; returns
    (bytes, sheet sides). `end` is a PDF of two pages, a notes page and a back cover,
    which fill out the last sheet (see sequence()); without it the last pages are blank.

    Each page becomes a form XObject drawn on its sheet, so no content stream is parsed:
    pages meet at the fold, centred across it, and are scaled down only if two do not fit
    on the sheet. The document keeps its title, document information and language; the
    tags, outline, links and the XMP claim of PDF/UA of the single pages are dropped, since
    the pages are no longer in reading order. A booklet of more than MAX_SHEETS sheets is
    compensated for creep: each sheet's pages move towards the fold by the thickness of the
    sheets outside it. pikepdf (qpdf) copies only what the pages
    draw: pypdf copied the whole document first, which for a very long guide took hundreds
    of MB. A right-to-left booklet (`rtl`: Arabic, Hebrew) is bound on the right: each
    side's two pages change places, so that page 1 is the left half of the first sheet
    and the booklet opens from the right.
    """
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    src = pikepdf.Pdf.open(io.BytesIO(data))
    out = pikepdf.Pdf.new()
    forms = [out.copy_foreign(page.as_form_xobject()) for page in src.pages]
    order: list[int] = list(range(len(forms)))
    if end is not None:
        extra = pikepdf.Pdf.open(io.BytesIO(end))
        order = sequence(len(forms))
        forms += [out.copy_foreign(page.as_form_xobject()) for page in extra.pages[:2]]
    box = [float(v) for v in src.pages[0].mediabox]
    w, h = box[2] - box[0], box[3] - box[1]
    width, height = sheet
    scale = min(1.0, width / 2 / w, height / h)
    y = (height - h * scale) / 2
    sides = booklet_order(len(order))
    thick = len(sides) // 2 > MAX_SHEETS
    for side, (left, right) in enumerate(sides):
        if rtl:
            left, right = right, left
        xobjects, ops = Dictionary(), []
        creep = CALIPER * (side // 2) if thick else 0.0  # sheet 0 is the outermost
        for name, number, x in (("/L", left, width / 2 - w * scale + creep),
                                ("/R", right, width / 2 - creep)):
            if number is not None:
                xobjects[name] = forms[order[number - 1]]
                ops.append(f"q {scale:.5f} 0 0 {scale:.5f} {x:.4f} {y:.4f} cm {name} Do Q")
        out.pages.append(pikepdf.Page(Dictionary(
            Type=Name.Page, MediaBox=Array([0, 0, round(width, 4), round(height, 4)]),
            Resources=Dictionary(XObject=xobjects),
            Contents=out.make_stream(" ".join(ops).encode()))))
    if Name.Lang in src.Root:
        out.Root.Lang = pikepdf.String(str(src.Root.Lang))
    out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    out.docinfo = out.copy_foreign(src.docinfo)  # type: ignore[assignment]  # a Dictionary
    return pdf_bytes(out), len(out.pages)


def end_pages(eg: EditionGuide, ctx: BuildContext, job: Job) -> tuple[bytes, tuple[str, ...]]:
    """The notes page and the back cover of the booklet of `job`, as a 2-page PDF, and
    WeasyPrint's warnings."""
    from .weasy import html_to_pdf

    view = eg.chapter(job.item) if job.item else None
    html = render_template(ctx.root, "booklet-back.html",
                           **(base_context(eg, ctx) | {"booklet": True, "view": view}))
    data, _, warnings = html_to_pdf(html, ctx, "templates/booklet-back.html")
    return data, warnings


def render(eg: EditionGuide, ctx: BuildContext, job: Job) -> Artifact:
    data, pages, warnings, html, layout, keys = render_variant(eg, ctx, job, booklet=True)
    end, more = end_pages(eg, ctx, job) if pages % 4 else (None, ())
    imposed, sides = impose(data, SHEETS[ctx.paper], end,
                            rtl=direction(eg.meta.language) == RTL)
    warnings = (*warnings, *more)
    return Artifact(job.relpath, imposed, sides, warnings, html, layout, keys)


# laid out on its own A5 pages (booklet.css), then imposed: no longer made from the A4 PDF
FORMAT = Format("booklet", jobs, render, order=70, based_on=("pdf", "handouts"),
                variant=VARIANT, library=entries.guide_or_handout(VARIANT),
                checks=variant_checks("pdf-print-only"))
