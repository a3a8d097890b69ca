"""The part cache: each part of a guide (render/parts.py), laid out and written once, and
kept in the build folder's state (OUT/.careprint/parts/) under a key of what it is made
from: its HTML, careprint and WeasyPrint. Its record also keeps what WeasyPrint read for
it (pictures, stylesheets: careprint/source/reads.py), and a kept part is used only while each of
those gives what it gave. After an edit to one chapter, a guide's other parts are taken
from here, and only the parts whose HTML changed are laid out again (docs/building.md).

The part's PDF is written before its record, each atomically: a record found has its PDF,
and a build killed at any point leaves whole files. What no output of the build folder
uses any more is removed after each build (prune); nothing else in the folder is touched.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

from ..source import reads

KEY_RE = re.compile(r"[0-9a-f]{64}")
PARTS = "parts"  # the folder in the build folder's state (manifest.STATE_DIR)
TMP_RE = re.compile(r"\.[0-9a-f]{64}\.(?:pdfpart|json)\.[^/]+\.tmp")  # _replace's
PDF = ".pdfpart"  # a part's PDF: not a reader's file, and no `*.pdf` search finds it


def part_key(html: str, forms: bool = False) -> str:
    import weasyprint

    from ..source.digests import careprint_digest
    from .keys import digest

    return digest(careprint_digest(), weasyprint.__version__, forms, html)


def render_part(html: str, ctx, where: str) -> tuple[bytes, int, tuple, dict, str, list | None]:
    """(pdf bytes, pages, warnings, {anchor: page index}, key, slots) of one part: kept, or
    laid out and kept. `slots`: where its page numbers go (render/pageslots.py), [] if it
    shows none, None if they cannot be written in. Without a cache folder (a clinic's
    build shares its layouts otherwise: render/shared.py), it is laid out every time."""
    from .weasy import render_pdf

    key = part_key(html)
    folder = Path(ctx.parts) if ctx.parts and not ctx.shared else None
    if folder is not None and ctx.reuse_parts:
        kept = _kept(folder, key, ctx.root)
        if kept is not None:
            return (*kept[:4], key, kept[4])
    laid: list = []
    slotted = 'data-slot="' in html
    with reads.recording() as read:
        data, pages, warnings, anchors = render_pdf(
            html, ctx, where, keep=laid.append if slotted else None)
    reads.replay(read)
    slots = _slots(data, laid) if slotted else []
    if folder is not None:
        _keep(folder, key, data, {"pages": pages, "warnings": list(warnings),
                                  "anchors": anchors, "reads": read, "slots": slots,
                                  "sha256": hashlib.sha256(data).hexdigest()})
    return data, pages, tuple(warnings), anchors, key, slots


def _slots(data: bytes, laid: list) -> list | None:
    """Where the part's page numbers go, if every one of them can be written in."""
    from . import pageslots

    try:
        slots = pageslots.collect(laid[0]) if laid else None
    except pageslots.Unfillable:
        return None
    return slots if slots is not None and pageslots.check(data, slots) else None


def _kept(folder: Path, key: str, root) -> tuple | None:
    try:
        record = json.loads((folder / f"{key}.json").read_text("utf-8"))
        if not reads.Now(root, None).hold(record["reads"]):
            return None
        data = (folder / f"{key}{PDF}").read_bytes()
        if hashlib.sha256(data).hexdigest() != record["sha256"]:
            return None  # damaged, or not careprint's: laid out again
        reads.replay(record["reads"])
        slots = record["slots"]
        if slots is not None and not all(_is_slot(s) for s in slots):
            return None  # not as careprint writes it: laid out again
        return (data, int(record["pages"]), tuple(record["warnings"]),
                {str(k): int(v) for k, v in record["anchors"].items()},
                None if slots is None else [list(s) for s in slots])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _is_slot(slot) -> bool:
    """Whether a kept slot is as render/pageslots.py's collect() makes it: [page index,
    kind, x, y, anchor, width]."""
    from .pageslots import DIGIT_SET, NUMBER

    return isinstance(slot, list) and len(slot) == 6 and \
        all(type(v) is int and 0 <= v < 10_000 for v in (slot[0], slot[5])) and \
        slot[1] in (NUMBER, DIGIT_SET) and all(type(v) in (int, float) for v in slot[2:4]) \
        and type(slot[4]) is str


def _keep(folder: Path, key: str, data: bytes, record: dict) -> None:
    with contextlib.suppress(OSError):  # a part not kept is laid out again next time
        folder.mkdir(parents=True, exist_ok=True)
        _replace(folder / f"{key}{PDF}", data)
        _replace(folder / f"{key}.json", json.dumps(record, sort_keys=True).encode())


def _replace(path: Path, data: bytes) -> None:
    """Write beside `path`, then rename into place: whole or absent after a kill -9. Not
    synced to disk, as the outputs are: a part lost to a power cut is laid out again."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def prune(folder: Path, used: set[str]) -> None:
    """Remove the kept parts no output uses, and what a killed build left half-written:
    careprint's own files only (a 64-hex-digit name with .pdfpart or .json, or _replace's
    temporary file of one), and never through a link."""
    if folder.is_symlink() or not folder.is_dir():
        return
    for path in folder.iterdir():
        ours = path.suffix in (PDF, ".json") and KEY_RE.fullmatch(path.stem) and \
            path.stem not in used
        # ... or one a build killed while writing it left (the build folder is locked:
        # no other build is writing here now)
        ours = bool(ours or TMP_RE.fullmatch(path.name))
        if ours and path.is_file() and not path.is_symlink():
            with contextlib.suppress(OSError):
                path.unlink()
