"""Booklets: the guide and each handout imposed for saddle-stitch printing.

Pages are placed two-up on landscape sheets in folding order, padded with blank pages to
a multiple of four, so that a group can photocopy double-sided, fold and staple.
build/<edition>/<slug>-<edition>-booklet.pdf and .../handouts/<NN-slug>-booklet.pdf.
"""

from __future__ import annotations

import io

from ..editions import EditionGuide
from . import Artifact, BuildContext, Job
from .large_print import render_variant, variant_jobs

VARIANT = "booklet"


def jobs(eg: EditionGuide) -> list[Job]:
    return variant_jobs(eg, "booklet", VARIANT)


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

    Each page becomes a form XObject drawn on its sheet, so no content stream is parsed
    (pypdf's merge_transformed_page took eight times as long). The document keeps its
    title, metadata and language; the tags, outline and links of the single pages are
    dropped, since the pages are no longer in reading order.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        BooleanObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
    )

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    pages = list(writer.pages)
    w, h = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    forms = []
    for page in pages:
        form = DecodedStreamObject()
        form.set_data(page.get_contents().get_data())
        form.update({NameObject("/Type"): NameObject("/XObject"),
                     NameObject("/Subtype"): NameObject("/Form"),
                     NameObject("/BBox"): ArrayObject(FloatObject(v) for v in page.mediabox),
                     NameObject("/Resources"): page["/Resources"]})
        forms.append(writer._add_object(form.flate_encode()))
    root = writer.root_object
    for key in ("/StructTreeRoot", "/MarkInfo", "/Outlines", "/AcroForm", "/PageLabels"):
        if key in root:
            del root[NameObject(key)]
    root[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)})
    for i in reversed(range(len(pages))):
        writer.remove_page(i)
    for left, right in booklet_order(len(pages)):
        sheet = writer.add_blank_page(width=2 * w, height=h)
        xobjects, ops = DictionaryObject(), []
        for name, number, dx in (("/L", left, 0.0), ("/R", right, w)):
            if number is not None:
                xobjects[NameObject(name)] = forms[number - 1]
                ops.append(f"q 1 0 0 1 {dx:.4f} 0 cm {name} Do Q")
        sheet[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
        content = DecodedStreamObject()
        content.set_data(" ".join(ops).encode())
        sheet[NameObject("/Contents")] = writer._add_object(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


def render(eg: EditionGuide, ctx: BuildContext, job: Job) -> Artifact:
    data, _, warnings, html = render_variant(eg, ctx, job)
    imposed, sides = impose(data)
    return Artifact(job.relpath, imposed, sides, warnings, html)
