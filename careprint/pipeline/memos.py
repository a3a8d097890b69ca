"""OUT/.careprint/markdown.json: the XHTML Python-Markdown made of each text the last build
read, by the text's digest (careprint/source/mdmemo.py).

A build reads it before it reads the project, and keeps what it used once its outputs are
committed, so an edit to one chapter converts that chapter alone. `careprint list` and
`careprint check` read it and never write it. It is stamped with careprint's code and
Python-Markdown's version; a file with another stamp, or one that cannot be read, is
passed over, and everything is converted again.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import markdown

from ..atomic import write_atomic
from ..source import mdmemo
from ..source.digests import careprint_digest
from .manifest import STATE_DIR

NAME = "markdown.json"


def _stamp() -> str:
    return f"{careprint_digest()} markdown {markdown.__version__}"


def seed(out_dir: Path) -> None:
    """Take what the build in `out_dir` kept, if it was made by this careprint."""
    try:
        data = json.loads((out_dir / STATE_DIR / NAME).read_bytes())
    except (OSError, ValueError):
        return
    if not isinstance(data, dict) or data.get("stamp") != _stamp() or \
            not isinstance(texts := data.get("texts"), dict):
        return
    mdmemo.remember({k: v for k, v in texts.items()
                     if isinstance(k, str) and isinstance(v, str)})


@contextlib.contextmanager
def recorded(out_dir: Path, force: bool = False) -> Iterator[set[str]]:
    """The texts the build converts or finds, for keep(); seeded from `out_dir` unless the
    build is `--force`d, which converts every text afresh."""
    if not force:
        seed(out_dir)
    with mdmemo.recording() as converted:
        yield converted


def keep(out_dir: Path, converted: set[str]) -> None:
    """Keep what the build used, and nothing older (written whole, or not at all); the
    process, too, keeps only that (a long `careprint serve`)."""
    mdmemo.forget_all_but(converted)
    write_atomic(out_dir / STATE_DIR / NAME, json.dumps(
        {"stamp": _stamp(), "texts": mdmemo.entries(converted)},
        ensure_ascii=False).encode("utf-8"))
