"""What a build reads, as digests: careprint's own code, fonts and templates, and every
file of the project a build could read (the fast no-op's input digest, the build
record's files, a clinic's shared layout). Only files: nothing here knows the renderer,
so loading (load.load_project_kept) and the renderer's part cache use it too
(careprint/pipeline/keys.py has the targets' keys).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
from pathlib import Path

from .. import __version__
from .reads import PACKAGE_TEMPLATES


@functools.cache
def careprint_digest() -> str:
    """careprint's version, its own code, its catalogues of words (careprint/locale/) and
    the typefaces it sets every PDF in (careprint/fonts/): an edited renderer, message or
    font invalidates what it made."""
    h = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parents[1]
    for path in [*sorted(package.rglob("*.py")), *sorted((package / "fonts").glob("*")),
                 *sorted((package / "locale").rglob("*.po"))]:
        h.update(path.read_bytes())
    return h.hexdigest()


def project_files(root: Path) -> list[Path]:
    """Every file of the project at `root` that a build could read."""
    files = [root / "careprint.toml"]
    # locale/: the project's own words for careprint's (careprint/source/i18n.py)
    for folder in (root / "content", root / "templates", root / "imprints", root / "locale"):
        files.extend(_files_in(folder))
    return files


def _files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def layout_digest(root: Path, clinics: bool = False) -> str:
    """Hash of what a clinic's build lays out besides its HTML (render/shared.py): every
    file of the project but the clinics' own (imprints/), and careprint's; with `clinics`,
    the clinics' files alone (their logos)."""
    h = hashlib.sha256(careprint_digest().encode())
    imprints = root / "imprints"
    for path in [*project_files(root), *_files_in(PACKAGE_TEMPLATES)]:
        if path.is_relative_to(imprints) == clinics:
            with contextlib.suppress(OSError):
                _feed(h, path)
    return h.hexdigest()


def _feed(h, path: Path) -> None:
    """h.update(path, NUL, the file's bytes, NUL), reading the file a MiB at a time: a
    50 MiB file dropped into the project is hashed, never held in memory whole."""
    with path.open("rb") as fh:
        h.update(str(path).encode() + b"\0")
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    h.update(b"\0")


def input_digest(root: Path, options: dict) -> str:
    """Hash of every file a build could read, and of the options: the fast no-op's key."""
    h = hashlib.sha256(f"{careprint_digest()}\0{json.dumps(options, sort_keys=True)}".encode())
    for path in [*project_files(root), *_files_in(PACKAGE_TEMPLATES)]:
        with contextlib.suppress(OSError):
            _feed(h, path)
    return h.hexdigest()


def source_files(root: Path) -> dict[str, str]:
    """What a build reads from the project, wherever it sits: each file's path in the
    project and the SHA-256 of its bytes (`careprint join` names a file that differs)."""
    files = {}
    for path in project_files(root):
        with contextlib.suppress(OSError), path.open("rb") as fh:
            files[path.relative_to(root).as_posix()] = hashlib.file_digest(
                fh, "sha256").hexdigest()
    return files


@functools.cache
def careprint_sources() -> str:
    """careprint's version, code and bundled templates: what a build uses besides the
    project's files."""
    h = hashlib.sha256(careprint_digest().encode())
    for path in _files_in(PACKAGE_TEMPLATES):
        h.update(path.relative_to(PACKAGE_TEMPLATES).as_posix().encode() + b"\0"
                 + path.read_bytes() + b"\0")
    return h.hexdigest()
