"""The build folder (`--out`, default PROJECT/build) is careprint's own, or refused.

A build writes an index.html, SHA256SUMS and a folder per edition into it, and replaces
what an earlier build wrote there. So, before anything is written:

- `--out` names a folder: an empty one is refused;
- the folder is not the project, does not hold it or another project (a careprint.toml),
  and is not inside the project's content/ or templates/;
- it is new, empty, or a careprint build folder (it has .careprint/manifest.json): a
  folder holding other files (an existing web site) is refused, so none of them is
  replaced;
- careprint never writes through a symbolic link: the build folder, the folders of its
  regions and imprints, its state folder and each edition's folder (and the folders in
  it) must be real folders, not links to somewhere else.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from ..errors import CareprintError
from ..source.languages import LANGUAGES_FOLDER
from ..source.region_view import IMPRINTS_FOLDER, REGIONS_FOLDER
from .lock import LOCK_NAME, TEMP_RE
from .manifest import STATE_DIR

MANIFEST = f"{STATE_DIR}/manifest.json"
SOURCES = ("content", "templates")  # the project's folders a build reads
SHOWN = 3  # files named in a refusal


def out_folder(root: Path, out) -> Path:
    """The build folder `--out` names (`out`; None: PROJECT/build), as an absolute path
    whose folders are resolved but not its own name, so that a link there is seen (and
    refused: check_out)."""
    if out is None:
        return root / "build"
    if not str(out).strip():
        raise CareprintError("--out is empty: name the folder to write the outputs to, "
                             "such as build (the default)")
    given = Path(os.path.abspath(os.path.expanduser(str(out))))
    return given.parent.resolve() / given.name


def check_out(root: Path, given: Path, out_dir: Path) -> None:
    """Refuse a build folder that is not careprint's (module docstring); `given` is the
    folder `--out` names (out_folder), `out_dir` the one this build writes to (given, or a
    region's or a clinic's folder in it)."""
    inner = PurePosixPath(out_dir.relative_to(given).as_posix(), "x")
    refuse_links(given, [inner], name="--out")
    for place in (given, out_dir):
        _not_the_project(root, place)
        if place.exists() and not place.is_dir():
            raise CareprintError(f"--out {place} is a file, not a folder: name a folder for "
                                 "the outputs")
    for place in {given, out_dir}:  # a region's or a clinic's build: the whole build's too
        _careprints(place)


def _careprints(real: Path) -> None:
    """Refuse a folder with files in it and no careprint manifest (the folders of the
    builds for a region or a clinic aside, which have their own)."""
    if real.is_dir() and not (real / MANIFEST).is_file():
        held = _held(real, (REGIONS_FOLDER, IMPRINTS_FOLDER, LANGUAGES_FOLDER))
        if held:
            names = ", ".join(p.relative_to(real).as_posix() for p in held[:SHOWN])
            more = ", ..." if len(held) > SHOWN else ""
            raise CareprintError(
                f"--out {real} is not a careprint build folder (it has no {MANIFEST}) and "
                f"is not empty: it holds {names}{more}. A build would replace its files "
                "(index.html, SHA256SUMS); build into a new or empty folder, or into the "
                "build folder of an earlier build")


def _not_the_project(root: Path, place: Path) -> None:
    if place == root or root.is_relative_to(place):
        raise CareprintError(f"--out {place} is the project folder, or holds it: a build "
                             "would write among its files. Build into a folder of its "
                             "own, such as build (the default)")
    if (place / "careprint.toml").exists():
        raise CareprintError(f"--out {place} holds a careprint.toml: it is a project, not "
                             "a build folder. Build into a folder of its own")
    for name in SOURCES:
        if place.is_relative_to(root / name):
            raise CareprintError(f"--out {place} is in the project's {name}/ folder, which "
                                 "the build reads. Build into a folder of its own, such "
                                 "as build (the default)")


def _held(folder: Path, skip: tuple[str, ...] = (), most: int = 100) -> list[Path]:
    """Up to `most` of the files in `folder`, sorted (a careprint build's state, its lock,
    the temporary files of an interrupted build and the folders in `skip` aside; empty
    folders too). Links are not followed."""
    found = []
    for here, dirs, names in os.walk(folder):
        if Path(here) == folder:
            dirs[:] = [d for d in dirs if d not in (STATE_DIR, *skip)]
            names = [n for n in names if n != LOCK_NAME]
        dirs.sort()
        found += [Path(here, n) for n in sorted(names) if not TEMP_RE.match(n)]
        found += [Path(here, d) for d in dirs if Path(here, d).is_symlink()]
        if len(found) >= most:
            break
    return sorted(found)


def refuse_links(out_dir: Path, rels: Iterable, name: str = "") -> None:
    """Refuse when `out_dir`, or a folder between it and any of `rels` (paths of outputs in
    it, or of folders), is a symbolic link: careprint never writes through one."""
    seen: set[Path] = set()
    for rel in [PurePosixPath(STATE_DIR, "x"), *map(PurePosixPath, rels)]:
        folders = [out_dir.joinpath(*rel.parts[:n]) for n in range(len(rel.parts))]
        for folder in folders:
            if folder in seen:
                continue
            seen.add(folder)
            if folder.is_symlink():
                where = f"{name} {folder}" if name and folder == out_dir else str(folder)
                raise CareprintError(
                    f"{where} is a symbolic link (to {os.readlink(folder)}); careprint never "
                    "writes through one. Make it a real folder, or build with --out into a "
                    "folder of its own")
