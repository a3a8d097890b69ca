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
    """Two-up saddle-stitch imposition of a finished PDF; returns (bytes, sheet sides)."""
    from pypdf import PdfReader, PdfWriter, Transformation
    from pypdf.generic import BooleanObject, DictionaryObject, NameObject, TextStringObject

    reader = PdfReader(io.BytesIO(data))
    first = reader.pages[0].mediabox
    w, h = float(first.width), float(first.height)
    writer = PdfWriter()
    for left, right in booklet_order(len(reader.pages)):
        sheet = writer.add_blank_page(width=2 * w, height=h)
        for number, dx in ((left, 0), (right, w)):
            if number is not None:
                sheet.merge_transformed_page(reader.pages[number - 1],
                                             Transformation().translate(tx=dx, ty=0))
    if reader.metadata:
        writer.add_metadata({k: v for k, v in reader.metadata.items()})
    # a print imposition cannot keep the tags (the pages are out of reading order), but it
    # keeps the language and shows the title, not the file name
    source = reader.trailer["/Root"]
    if "/Lang" in source:
        writer.root_object[NameObject("/Lang")] = TextStringObject(str(source["/Lang"]))
    writer.root_object[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


def render(eg: EditionGuide, ctx: BuildContext, job: Job) -> Artifact:
    data, _, warnings, html = render_variant(eg, ctx, job)
    imposed, sides = impose(data)
    return Artifact(job.relpath, imposed, sides, warnings, html)
