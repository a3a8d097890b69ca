"""Reading one source file: text checked for size, encoding and hidden characters, and a
chapter's front matter split from its body."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import Problem, ProjectError, at
from ..guard.confine import IMAGE_SUFFIXES  # noqa: F401  (load.py reads it here)
from ..guard.textguard import invisible_characters

MAX_SOURCE_BYTES = 2 * 1024 * 1024


def read_text(path: Path, rel: str) -> str:
    """Read a UTF-8 file (a BOM and CRLF line endings are fine). Raise ProjectError if not."""
    try:  # never more than the limit, and a byte, in memory: a 300 MiB file took 600 MB
        with path.open("rb") as fh:
            data = fh.read(MAX_SOURCE_BYTES + 1)
            size = os.fstat(fh.fileno()).st_size
    except OSError as exc:
        raise ProjectError(Problem(rel, f"cannot be read: {exc.strerror or exc}")) from None
    if len(data) > MAX_SOURCE_BYTES:
        kib = max(size, len(data)) // 1024
        raise ProjectError(Problem(rel, f"file is {kib} KiB; the limit for one "
                                   f"source file is {MAX_SOURCE_BYTES // 1024} KiB: split it"))
    if b"\0" in data[:8192]:
        raise ProjectError(Problem(rel, "this is a binary file, not text; remove it from content/"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProjectError(Problem(rel, f"not UTF-8: invalid byte at offset {exc.start}; "
                              "save the file as UTF-8")) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # a control character (a form feed, VT...) is refused, not dropped: dropped, it glued
    # the words on either side of it together (careprint.guard.textguard)
    hidden = invisible_characters(text, rel)
    if hidden:
        raise ProjectError(hidden)
    return text


def split_front_matter(text: str, rel: str) -> tuple[str, int, str, int]:
    """Return (front matter, its first line, body, the body's first line)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ProjectError(Problem(at(rel, 1), "no front matter: a chapter starts with a line "
                                   "`---`, then `title: ...`, then a closing `---`"))
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "\n".join(lines[1:i]), 2, "\n".join(lines[i + 1:]), i + 2
    raise ProjectError(Problem(at(rel, 1), "front matter opened here is never closed with `---`"))


def rel_path(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def files_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))

