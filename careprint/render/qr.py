"""A QR code as vector graphics, made here with segno: no network, no image file.

A handout or a chapter printed alone carries the address of its chapter's page in the web
edition (render/common.py, web_page_url) as a QR code; the template draws it as an inline
<svg> of one path, with the words of its <title> (WeasyPrint makes the title the /Alt of
the Figure it tags, so the PDF stays tagged). An inline SVG, not an <img> of a data: URI:
careprint's fetcher loads only the project's files (render/weasy.py), and an <svg> in the
page is drawn as vectors with nothing loaded.

The size: the symbol (without its quiet zone) is 20 mm wide, and wider when the address
needs so many modules that one would be under 0.5 mm. A phone scans a code from up to
about ten times its width: 20 mm scans from a handout held at 20 cm, and 0.5 mm modules
are what print guidance gives as the least a phone camera resolves reliably there. Error
correction level M at least (15 % of the code can be lost: a crease, a smudge, a staple
hole), and higher where the same number of modules holds it.
"""

from __future__ import annotations

from dataclasses import dataclass

SYMBOL_MM = 20.0  # the symbol's width, quiet zone excluded
MIN_MODULE_MM = 0.5  # never a module narrower than this: a wider symbol instead
QUIET = 4  # modules of light margin on every side (ISO/IEC 18004)


@dataclass(frozen=True)
class QRCode:
    """What a template needs to draw a code: `size` modules square (quiet zone included),
    the SVG `path` of its dark modules (one unit a module), `width_mm` to draw it at, and
    `quiet_mm`, the width of its quiet zone there."""

    text: str
    size: int
    path: str
    width_mm: float
    quiet_mm: float


def qr_code(text: str) -> QRCode:
    """`text` (an address) as a QR code: error correction M or better, never a Micro QR."""
    import segno

    code = segno.make(text, error="m", micro=False)
    rows = [[bool(m) for m in row] for row in code.matrix_iter(border=QUIET)]
    modules = len(rows) - 2 * QUIET
    symbol = max(SYMBOL_MM, modules * MIN_MODULE_MM)
    module = symbol / modules
    return QRCode(text, len(rows), _path(rows), round(module * len(rows), 2),
                  round(module * QUIET, 2))


def _path(rows: list[list[bool]]) -> str:
    """One rectangle a run of dark modules in a row: `M x y h n v 1 h -n z`."""
    out = []
    for y, row in enumerate(rows):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            out.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    return "".join(out)
