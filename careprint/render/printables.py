"""Where the printable worksheet PDFs of an edition are: the worksheet renderer's own jobs,
so that the web edition's links and the EPUB's file names follow any change of name."""

from __future__ import annotations

import posixpath

from ..editions import EditionGuide
from . import worksheets


def printables(eg: EditionGuide, relative_to: str | None = None) -> dict[str, str]:
    """{worksheet id or "pack": path of its PDF on the project's first paper size}: relative
    to the build folder `relative_to` (a link from the web edition), or the file's name alone
    when None."""
    out = {}
    for job in worksheets.jobs(eg, eg.config.paper):
        if relative_to is None:
            out[job.item] = posixpath.basename(job.relpath)
        else:
            out[job.item] = posixpath.relpath(job.relpath, relative_to)
    return out
