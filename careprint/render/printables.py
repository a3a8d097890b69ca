"""Where the printable worksheet PDFs of an edition are: the worksheet renderer's own jobs,
so that the web edition's links and the EPUB's file names follow any change of name."""

from __future__ import annotations

import posixpath

from ..source.editions import EditionGuide
from . import worksheets
from .common import published_url


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


def published_printables(eg: EditionGuide) -> dict[str, list[dict]]:
    """{worksheet id or "pack": [{"paper", "url"}, one for each paper of [paper] size]}: the
    addresses of the printable PDFs on the published site ([guide] url), where the web
    edition and the EPUB link to them; {} without [guide] url."""
    out: dict[str, list[dict]] = {}
    for paper in eg.config.papers or (eg.config.paper,):
        for job in worksheets.jobs(eg, paper):
            url = published_url(eg, job.relpath)
            if url is None:
                return {}
            out.setdefault(job.item, []).append({"paper": paper, "url": url})
    return out
