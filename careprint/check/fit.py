"""The `worksheet-fit` rule (`careprint check --outputs`): every worksheet printed alone fits
the pages it is meant to take (`pages:`, 1 by default) on every paper it was built on.

A worksheet that fits A4 can run onto a second page on US Letter, which is 18 mm shorter:
the build warns about it, but a warning scrolls past in a long build. Here it fails the
check, naming the PDF, its paper and the worksheet's source file.
"""

from __future__ import annotations

from pathlib import Path

from ..source.config import PAPER_SIZES
from ..source.editions import EditionGuide

PAPER_NAMES = {"a4": "A4", "letter": "US Letter"}


def worksheet_fit(eg: EditionGuide, out_dir: Path, show, sink, progress) -> None:
    """Count the pages of each single worksheet PDF of `eg` in `out_dir`, on the papers the
    project asks for and on any other paper a build wrote (`--paper letter`)."""
    from ..pipeline.plan import format_jobs

    sheets = {w.worksheet.id: w.worksheet for w in eg.worksheets}
    papers = tuple(dict.fromkeys(eg.config.papers + PAPER_SIZES))
    for job in format_jobs(eg, "worksheets", papers):
        ws = sheets.get(job.item)
        path = out_dir / job.relpath
        if ws is None or not path.is_file():
            continue
        pages = page_count(path)
        if pages is None:  # an unreadable PDF is reported by pdf-accessibility
            continue
        if pages > ws.pages:
            sink.add("worksheet-fit", show(path), None, too_long(ws, pages, job.paper),
                     eg.edition.id)
        fits = "fits" if pages <= ws.pages else "does not fit"
        progress(f"checked {show(path)}: {fits} its {_pages(ws.pages)}")


def too_long(ws, pages: int, paper: str) -> str:
    meant = _pages(ws.pages)
    return (f"{ws.path}: printed alone on {PAPER_NAMES.get(paper, paper)} paper, this "
            f"worksheet takes {pages} pages, but is meant to fit on {meant}. Shorten its "
            f"instructions or fields, or, if it is meant to be longer, set `pages: {pages}` "
            "in it")


def _pages(n: int) -> str:
    return f"{n} page" + ("s" if n > 1 else "")


def page_count(path: Path) -> int | None:
    from pypdf import PdfReader

    try:
        return len(PdfReader(str(path)).pages)
    except Exception:  # any parse failure means a broken PDF
        return None
