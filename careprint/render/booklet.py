"""Booklets: the guide and each handout imposed for saddle-stitch printing.

Pages are placed two-up on landscape sheets in folding order, padded with blank pages to
a multiple of four, so that a group can photocopy double-sided, fold and staple.
build/<edition>/<slug>-<edition>-booklet-<paper>.pdf and
.../handouts/<slug>-<edition>-chNN-<chapter>-booklet-<paper>.pdf.
"""

from __future__ import annotations

import io

from ..editions import EditionGuide
from . import Artifact, BuildContext, Job, pdf_bytes
from .registry import Format
from .variants import render_variant, variant_jobs

VARIANT = "booklet"


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


def impose(data: bytes) -> tuple[bytes, int]:
    """Two-up saddle-stitch imposition of a finished PDF; returns (bytes, sheet sides).

    Each page becomes a form XObject drawn on its sheet, so no content stream is parsed.
    The document keeps its title, document information and language; the tags, outline,
    links and the XMP claim of PDF/UA of the single pages are dropped, since the pages are
    no longer in reading order. pikepdf (qpdf) copies only what the pages draw: pypdf
    copied the whole document first, which for a very long guide took hundreds of MB.
    """
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    src = pikepdf.Pdf.open(io.BytesIO(data))
    out = pikepdf.Pdf.new()
    box = [float(v) for v in src.pages[0].mediabox]
    w, h = box[2] - box[0], box[3] - box[1]
    forms = [out.copy_foreign(page.as_form_xobject()) for page in src.pages]
    for left, right in booklet_order(len(forms)):
        xobjects, ops = Dictionary(), []
        for name, number, dx in (("/L", left, 0.0), ("/R", right, w)):
            if number is not None:
                xobjects[name] = forms[number - 1]
                ops.append(f"q 1 0 0 1 {dx:.4f} 0 cm {name} Do Q")
        out.pages.append(pikepdf.Page(Dictionary(
            Type=Name.Page, MediaBox=Array([0, 0, 2 * w, h]),
            Resources=Dictionary(XObject=xobjects),
            Contents=out.make_stream(" ".join(ops).encode()))))
    if Name.Lang in src.Root:
        out.Root.Lang = pikepdf.String(str(src.Root.Lang))
    out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    out.docinfo = out.copy_foreign(src.docinfo)
    return pdf_bytes(out), len(out.pages)


def render(eg: EditionGuide, ctx: BuildContext, job: Job) -> Artifact:
    data, _, warnings, html, layout = render_variant(eg, ctx, job)
    imposed, sides = impose(data)
    return Artifact(job.relpath, imposed, sides, warnings, html, layout)


FORMAT = Format("booklet", jobs, render, order=70, based_on=("pdf", "handouts"),
                variant=VARIANT, from_base=impose)
