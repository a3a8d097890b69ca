"""What a target depends on: the keys that decide whether an output is made again.

A target's key hashes careprint's version and code, the guide's and the edition's own
settings, the edition-filtered content it includes (Job.content) and the build options.
The config values, templates and files a render reads are not listed here: they are
recorded as it reads them (careprint/reads.py), and the next build asks whether each
still gives what it gave. The input digest hashes every file a build could read: the fast
no-op's key. `check --outputs` compares a target's source key (the key without the
build's options) and its reads with the project as it is now (check/stale.py).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
from pathlib import Path

from . import __version__
from .config import Config
from .editions import EditionGuide
from .render import PACKAGE_TEMPLATES, BuildContext, Job, digest, registry


@functools.cache
def careprint_digest() -> str:
    """careprint's version, its own code and the typefaces it sets every PDF in
    (careprint/fonts/): an edited renderer or a new font invalidates what it made."""
    h = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent
    for path in [*sorted(package.rglob("*.py")), *sorted((package / "fonts").glob("*"))]:
        h.update(path.read_bytes())
    return h.hexdigest()


def project_files(root: Path) -> list[Path]:
    """Every file of the project at `root` that a build could read."""
    files = [root / "careprint.toml"]
    for folder in (root / "content", root / "templates", root / "imprints"):
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


def config_values(config: Config, edition: str) -> tuple:
    """The settings every output of `edition` is made with: the guide's (its title,
    language, date...), the edition's, the papers and the review dates. The values of the
    [formats] tables a render reads are recorded as it reads them (careprint/reads.py)."""
    return (config.guide, config.edition(edition), config.papers, dict(config.review))


def target_keys(config: Config, views: list[EditionGuide], jobs: list[Job],
                ctx: BuildContext, keep_html: bool) -> dict[str, str]:
    imprint = _imprint(views)
    return {j.relpath: digest(careprint_digest(), config_values(config, j.edition),
                              j.content, j.paper, ctx.source_date, ctx.bleed, ctx.marks,
                              keep_html and registry.get(j.fmt).keeps_html, j.relpath,
                              *imprint)
            for j in jobs}


def _imprint(views: list[EditionGuide]) -> tuple:
    """The clinic a build is stamped for, and its logo's bytes: part of every key."""
    imprint = views[0].guide.imprint if views else None
    if imprint is None:
        return ()
    logo = (Path(views[0].config.root) / imprint.logo) if imprint.logo else None
    return (imprint, hashlib.sha256(logo.read_bytes()).hexdigest() if logo else "")


def source_keys(config: Config, views: list[EditionGuide], jobs: list[Job],
                root: Path) -> dict[str, str]:
    """What each target was made from, without the build's options: `check --outputs`
    compares it, and the target's recorded reads, with the project as it is now
    (check/stale.py)."""
    imprint = _imprint(views)
    return {j.relpath: digest(careprint_digest(), config_values(config, j.edition),
                              j.content, j.relpath, *imprint)
            for j in jobs}
