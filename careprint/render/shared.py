"""The PDFs of a build for many clinics, laid out once for all of them.

A clinic's build (`careprint build --imprint ID`) lays out each PDF with an empty picture
where the clinic's blocks go (render/stamps.py), keeps that *base* in a folder shared by
every clinic's build, OUT/imprints/.shared/, and sets the clinic's blocks into a copy of
it. The next clinic whose base has the same HTML (the same blocks' sizes, the same local
services listed elsewhere on the page) only sets its blocks: no layout. A base is found by
the SHA-256 of its HTML and of everything else a layout reads (every file of the project
but the clinics' own, and careprint's: digests.layout_digest), so an edit anywhere makes new
bases; a base not used for KEEP_DAYS days is removed by the next clinic's build.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

from ..atomic import write_atomic as atomic_write
from ..source import reads
from . import PACKAGE_TEMPLATES, BuildContext, stamp_pdf, stamps

KEEP_DAYS = 30
PICTURE = (PACKAGE_TEMPLATES / "slot.svg").as_uri()
CACHEDIR_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
                "# careprint's PDFs shared by clinics' builds: safe to delete "
                "(careprint/render/shared.py)\n")
_STAMPS: dict[str, tuple] = {}  # this process's stamps, by their HTML's digest


def render_shared(html: str, ctx: BuildContext, where: str, *, forms: bool, write: bool,
                  accept):
    """render_pdf's answer for a clinic's build: the base's layout, the clinic's blocks."""
    from .weasy import anchor_pages, weasy

    if not stamps.consistent(html):
        return _whole(html, ctx, where, forms, write, accept)
    marks = [_stamp(stamps.stamp_html(html, i), ctx, where) for i in range(stamps.count(html))]
    if any(m[0] is None for m in marks):
        return _whole(html, ctx, where, forms, write, accept)
    more = tuple(w for _, ws in marks for w in ws)
    base_html = stamps.slotted(html, [m for m, _ in marks], PICTURE)
    if not write:  # a layout alone (a guide in parts): the base's
        _, document, warnings = weasy(base_html, ctx, where, forms=forms, write=False)
        return b"", len(document.pages), _once(warnings + more), anchor_pages(document)
    data, pages, warnings, anchors, placed = _base(base_html, ctx, where, forms)
    if accept is not None and not accept(pages, anchors):
        data = b""
    elif marks:
        try:
            if placed is None or len(placed) != len(marks):
                raise stamp_pdf.Misfit("a picture fell on two pages, or on none")
            data = stamp_pdf.apply(data, placed, [m for m, _ in marks])
        except stamp_pdf.Misfit:
            return _whole(html, ctx, where, forms, write, accept)
    return data, pages, _once(warnings + more), anchors


def _once(warnings: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(warnings))


def _whole(html, ctx, where, forms, write, accept):
    """The clinic's own HTML laid out whole, as in a build for no clinic."""
    from .weasy import anchor_pages, weasy

    data, document, warnings = weasy(html, ctx, where, forms=forms, write=write,
                                     accept=accept)
    return data, len(document.pages), warnings, anchor_pages(document)


def _stamp(html: str, ctx: BuildContext, where: str) -> tuple:
    """(Stamp or None, warnings) of a stamp_html document: laid out once per process, and
    kept for the build's other workers (its logo is in its key: imprints/ is not in
    layout_digest)."""
    k = stamps.key(f"{ctx.shared_key}\0{ctx.stamp_key}\0{html}")
    if k not in _STAMPS:
        meta = Path(ctx.shared) / "stamps" / f"{k}.json"
        try:
            record, data = _read(meta)
            box = record["stamp"]
            # box[:6] is the six numbers; mypy lets a star take every field: [call-arg]
            _STAMPS[k] = (None if box is None else stamps.Stamp(
                data, *box[:6], tuple(tuple(b) for b in box[6])), tuple(record["warnings"]))  # type: ignore[call-arg]
            reads.replay(record["reads"])  # what laying it out read (careprint/source/reads.py)
        except (OSError, ValueError, KeyError, TypeError):
            from .weasy import weasy

            measured = []
            with reads.recording() as read:
                _, _, warnings = weasy(html, ctx, where, write=False,
                                       keep=lambda d: measured.append(stamps.measure(d)))
            reads.replay(read)
            found = measured[0]
            _write(ctx, meta, None if found is None else found.data, {
                "reads": read, "warnings": list(warnings), "stamp": None if found is None else [
                    found.x, found.y, found.width, found.height, found.margin_top,
                    found.margin_bottom, found.bookmarks]})
            _STAMPS[k] = (found, warnings)
    return _STAMPS[k]


def _base(html: str, ctx: BuildContext, where: str, forms: bool) -> tuple:
    """(pdf bytes, pages, warnings, anchors, placements) of a base: kept, or laid out and
    kept."""
    k = stamps.key(f"{ctx.shared_key}\0{forms}\0{ctx.source_date.isoformat()}\0{html}")
    meta = Path(ctx.shared) / k[:2] / f"{k}.json"
    try:
        record, data = _read(meta)
        placed = record["placements"]
        reads.replay(record["reads"])  # what laying it out read (careprint/source/reads.py)
        return (data, record["pages"], tuple(record["warnings"]), record["anchors"],
                None if placed is None else [stamps.Placement(*p) for p in placed])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    from .weasy import anchor_pages, weasy

    found = []
    with reads.recording() as read:
        data, document, warnings = weasy(html, ctx, where, forms=forms,
                                         keep=lambda d: found.append(stamps.placements(d)))
    reads.replay(read)
    placed, anchors = found[0], anchor_pages(document)
    _write(ctx, meta, data, {
        "reads": read, "pages": len(document.pages), "warnings": list(warnings), "anchors": anchors,
        "placements": None if placed is None else [
            [p.index, p.page, p.x, p.y] for p in placed]})
    return data, len(document.pages), warnings, anchors, placed


def _read(meta: Path) -> tuple[dict, bytes]:
    """A kept record and its PDF (b"" if it has none), now used; OSError if not kept."""
    record = json.loads(meta.read_text("utf-8"))
    data = meta.with_suffix(".pdf").read_bytes() if record["pdf"] else b""
    os.utime(meta)  # used: kept another KEEP_DAYS
    return record, data


def _write(ctx: BuildContext, meta: Path, data: bytes | None, record: dict) -> None:
    """Keep `record` and its PDF: the PDF first, so that a record found has its PDF."""
    tag = Path(ctx.shared) / "CACHEDIR.TAG"
    if not tag.exists():
        atomic_write(tag, CACHEDIR_TAG.encode())
    if data is not None:
        atomic_write(meta.with_suffix(".pdf"), data)
    atomic_write(meta, json.dumps({**record, "pdf": data is not None}).encode())


def prune(shared: Path, now: float | None = None) -> int:
    """Remove the bases and stamps no clinic's build has used for KEEP_DAYS days; return
    how many. Only careprint's own: a <64 hex digits>.json, and its .pdf, in a folder of
    two hex digits or stamps/."""
    now = time.time() if now is None else now
    if not shared.is_dir():
        return 0
    gone = 0
    for meta in [*shared.glob("[0-9a-f][0-9a-f]/*.json"), *shared.glob("stamps/*.json")]:
        if re.fullmatch(r"[0-9a-f]{64}", meta.stem) and \
                now - meta.stat().st_mtime > KEEP_DAYS * 86400:
            meta.with_suffix(".pdf").unlink(missing_ok=True)
            meta.unlink(missing_ok=True)
            gone += 1
    return gone
