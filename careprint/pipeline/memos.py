"""What a build learnt that the next one need not learn again, kept in its folder's state:

- OUT/.careprint/markdown.json: the XHTML Python-Markdown made of each text the build read,
  by the text's digest (careprint/source/mdmemo.py);
- OUT/.careprint/drawn.json: whether WeasyPrint can draw each SVG picture, by the
  picture's digest (careprint/guard/svgguard.py).

A build reads them before it reads the project, and keeps what it used once its outputs
are committed, so an edit to one chapter converts that chapter alone, and draws no picture
to test it. `careprint list` and `careprint check` read them and never write them. Each
is stamped with careprint's code and the library's version; a file with another stamp,
or one that cannot be read, is passed over, and everything is done again.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import stat
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

from ..atomic import write_atomic
from ..guard import svgguard
from ..source import mdmemo
from ..source.digests import careprint_digest
from .manifest import STATE_DIR

NAME = "markdown.json"
DRAWN = "drawn.json"
MAX_BYTES = 128 * 2**20  # the bundled guide's markdown.json is 0.7 MB


@functools.cache
def _stamp(library: str) -> str:
    return f"{careprint_digest()} {library} {version(library)}"


def _read(out_dir: Path, name: str, library: str) -> dict:
    """The entries of one memo, or {} if it cannot be used. The build folder is part of a
    downloaded project too, and `list` reads it: a memo that is a link, or in a linked
    folder (to a file outside the project, to /dev/zero), or not a plain file, or larger
    than MAX_BYTES is never read."""
    path = out_dir / STATE_DIR / name
    try:
        if out_dir.is_symlink() or path.parent.is_symlink():
            return {}
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_BYTES:
                return {}
            data = json.loads(fh.read(MAX_BYTES + 1))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("stamp") != _stamp(library) or \
            not isinstance(entries := data.get("entries"), dict):
        return {}
    return entries


def seed(out_dir: Path) -> None:
    """Take what the build in `out_dir` kept, if it was made by this careprint."""
    mdmemo.remember({k: v for k, v in _read(out_dir, NAME, "markdown").items()
                     if isinstance(k, str) and isinstance(v, str)})
    svgguard.remember({k: v for k, v in _read(out_dir, DRAWN, "weasyprint").items()
                       if isinstance(k, str) and (v is None or isinstance(v, str))})


@contextlib.contextmanager
def recorded(out_dir: Path, force: bool = False) -> Iterator[set[str]]:
    """The texts the build converts or finds, for keep(); seeded from `out_dir` unless the
    build is `--force`d, which converts every text and draws every picture afresh."""
    if not force:
        seed(out_dir)
    with mdmemo.recording() as converted:
        yield converted


def keep(out_dir: Path, converted: set[str]) -> None:
    """Keep what the build used, and nothing older (each file written whole, or not at
    all); the process, too, keeps only that of Markdown's (a long `careprint serve`)."""
    mdmemo.forget_all_but(converted)
    for name, library, entries in ((NAME, "markdown", mdmemo.entries(converted)),
                                   (DRAWN, "weasyprint", svgguard.drawn())):
        write_atomic(out_dir / STATE_DIR / name, json.dumps(
            {"stamp": _stamp(library), "entries": entries}, ensure_ascii=False).encode("utf-8"))
