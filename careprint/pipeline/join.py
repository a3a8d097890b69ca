"""`careprint join`: the shards of one sharded build, made into one catalogue.

After `careprint build --shard K/N` in N CI jobs, their build folders are downloaded side by
side; each has its own SHA256SUMS and library page, listing that shard's files alone. join
checks them all before it writes anything:

- each folder is a careprint build, whose manifest records what it was made from
  (buildrecord.py), and whose files match its own SHA256SUMS (a damaged download is
  refused);
- the shards are of one build: the same sources (careprint and every project file), the
  same options but --shard, each K of N once, none missing; no two shards hold one file
  with different bytes;
- the project (for the titles of the library page) is the one the shards were built from;
- OUT is new, empty, or a careprint build folder, and no file that careprint did not write
  there, or that has changed since, would be overwritten.

Then it copies each shard's outputs into OUT (to temporary files first, then renamed into
place) and writes what a build of every shard at once would: each edition's SHA256SUMS,
the library page and the manifest, so that `careprint check --outputs --build-dir OUT` and a
later build into OUT treat it as that build.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .. import __version__
from ..errors import CareprintError, Collector
from ..source.digests import careprint_sources, source_files
from . import buildrecord
from .join_out import MANIFEST, JoinReport, check_out, sha256, write_joined
from .lock import build_lock
from .manifest import CHECKSUMS, written_files

__all__ = ["join", "JoinReport"]


@dataclass
class Shard:
    """One build folder given to join, and what its manifest says."""

    path: Path  # resolved
    shown: str  # as it was given
    data: dict  # its manifest
    files: dict[str, str] = field(default_factory=dict)  # each file to join -> its SHA-256

    @property
    def record(self) -> dict:
        return self.data[buildrecord.KEY]

    @property
    def name(self) -> str:
        if self.record["shard"] is None:
            return "the build"
        k, n = buildrecord.shard_of(self.record)
        return f"shard {k}/{n}"

    @property
    def label(self) -> str:
        return f"{self.name} ({self.shown})"


def join(project: Path, shard_dirs, out: Path, progress=None) -> JoinReport:
    """Join the build folders `shard_dirs` of one sharded build of `project` into `out`."""
    root, out_dir = Path(project).resolve(), Path(out).resolve()
    if not shard_dirs:
        raise CareprintError("join needs the build folders of the shards to join")
    shards = read_shards(shard_dirs)
    same_build(shards)
    guide, views = _project(root, shards[0].record)
    claims = shard_files(shards)
    check_out(out_dir, shards, claims)  # refused before OUT is touched
    with build_lock(out_dir, progress):
        same_bytes = check_out(out_dir, shards, claims)  # again, now that OUT is ours
        return write_joined(root, out_dir, shards, claims, same_bytes, guide, views)


# ---------------------------------------------------------------- the shards


def read_shards(dirs) -> list[Shard]:
    """Each folder's manifest, with its build record; every folder that is not a
    careprint build of this careprint is named."""
    found, problems = [], Collector()
    for given in dirs:
        try:
            found.append(read_shard(Path(given)))
        except CareprintError as exc:
            problems.add(str(given), exc.message)
    problems.raise_if_any()
    return found


def read_shard(path: Path) -> Shard:
    if not path.is_dir():
        raise CareprintError("no such folder" if not path.exists() else "not a folder")
    manifest = path / MANIFEST
    if not manifest.is_file():
        raise CareprintError(f"not a careprint build: it has no {MANIFEST}{_hint(path)}")
    try:
        data = json.loads(manifest.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise CareprintError(f"its {MANIFEST} cannot be read: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("targets"), dict) or \
            not isinstance(data.get("fast"), dict) or \
            not isinstance(data["fast"].get("outputs"), list):
        raise CareprintError(f"its {MANIFEST} is not a careprint manifest")
    if data.get("careprint") != __version__:
        raise CareprintError(f"built by careprint {data.get('careprint')}; this is careprint "
                             f"{__version__}: build every shard and join them with one "
                             "careprint")
    if not buildrecord.valid(data.get(buildrecord.KEY)):
        raise CareprintError("its manifest does not record what it was built from (a "
                             "careprint older than `join` built it): build it again")
    return Shard(path.resolve(), str(path), data)


def _hint(path: Path) -> str:
    """Why a folder that looks like a build may have no manifest."""
    if (path / "regions").is_dir() and any((path / "regions").glob(f"*/{MANIFEST}")):
        return f"; its builds for regions are in {path / 'regions'}/<code>/: join those of " \
            "one region"
    if any(path.glob(f"*/{CHECKSUMS}")):
        return ("; its outputs are there without it: copy or upload the whole build folder, "
                "hidden ones included (actions/upload-artifact: include-hidden-files: true)")
    return ""


def same_build(shards: list[Shard]) -> None:
    """The shards are of one build: one N, each K once and none missing, the sources and
    options of the first."""
    seen: dict[int, Shard]
    problems, first, seen = Collector(), shards[0], {}
    n = buildrecord.shard_of(first.record)[1]
    for shard in shards:
        k, its_n = buildrecord.shard_of(shard.record)
        if its_n != n:
            problems.add(shard.shown, f"{shard.label} is {_split(shard)}, but {first.label} "
                         f"is {_split(first)}: join the shards of one build")
            continue
        if k in seen:
            problems.add(shard.shown, f"{shard.name} is given twice: {seen[k].shown} and "
                         f"{shard.shown}")
            continue
        seen[k] = shard
        for message in differences(shard, first):
            problems.add(shard.shown, message)
    missing = [f"{k}/{n}" for k in range(1, n + 1) if k not in seen]
    if missing:
        some = "shard " + missing[0] if len(missing) == 1 else \
            f"shards {', '.join(missing[:-1])} and {missing[-1]}"
        problems.add("", f"{some} {'is' if len(missing) == 1 else 'are'} missing: join needs "
                     f"all {n} shards of the build (given: "
                     f"{', '.join(s.label for s in seen.values())})")
    problems.raise_if_any()


def _split(shard: Shard) -> str:
    """'one of 4 shards', or that it is a whole build."""
    if shard.record["shard"] is None:
        return "a whole build, not a shard (built without --shard)"
    return f"one of {buildrecord.shard_of(shard.record)[1]} shards"


def differences(shard: Shard, first: Shard) -> list[str]:
    """How `shard` was built otherwise than `first`, in words."""
    if shard is first:
        return []
    ours, theirs = shard.record, first.record
    found = []
    if ours["careprint"] != theirs["careprint"]:
        found.append(f"{shard.name} was built by another careprint than {first.label} (its "
                     "code or bundled templates differ): build every shard with one careprint")
    files = buildrecord.file_differences(ours, theirs, shard.name, first.name)
    if files:
        found.append(f"{shard.name} was built from other sources than {first.label}: {files}")
    options = buildrecord.option_differences(ours, theirs, shard.name, first.name)
    if options:
        found.append(f"{shard.name} was built with other options than {first.label}: "
                     + "; ".join(options))
    return found


def _project(root: Path, record: dict):
    """The project the shards were built from (the library page needs its titles), read and
    checked, and the editions they were built in."""
    from ..source.editions import apply_editions
    from ..source.load import load_project
    from ..source.region_view import for_region
    from .plan import select

    if not (root / "careprint.toml").is_file():
        raise CareprintError(f"{root} is no careprint project (no careprint.toml): give the "
                             "project the shards were built from with --project")
    here = {"careprint": careprint_sources(), "files": source_files(root)}
    if here["careprint"] != record["careprint"]:
        raise CareprintError("the shards were built by another careprint than this one (its "
                             "code or bundled templates differ): join them with the careprint "
                             "that built them")
    files = buildrecord.file_differences(here, record, "the project", "the shards")
    if files:
        raise CareprintError(f"the project {root} is not the one the shards were built from: "
                             f"{files}. Join them in a checkout of the sources they were "
                             "built from (--project)")
    guide = load_project(root)
    assert guide is not None  # without a list for its problems, load_project raises them
    region = record["options"].get("region") or ""
    if region:
        guide = for_region(guide, region)
    editions = select(record["options"].get("editions"), guide.config.edition_ids, "edition")
    return guide, apply_editions(guide, editions)


# ---------------------------------------------------------------- their files


def shard_files(shards: list[Shard]) -> dict[str, Shard]:
    """Each file to join (every output the shards were asked to make, with its kept HTML)
    -> the shard it comes from, each checked against its shard's SHA256SUMS."""
    claims: dict[str, Shard]
    problems, claims = Collector(), {}
    for shard in shards:
        for message in _read_files(shard):
            problems.add(shard.shown, message)
        for rel, digest in shard.files.items():
            other = claims.setdefault(rel, shard)
            if other is not shard and other.files[rel] != digest:
                problems.add(shard.shown, f"{rel}: {shard.name} and {other.label} both hold "
                             "this file, with different bytes")
    problems.raise_if_any()
    return claims


def _read_files(shard: Shard) -> list[str]:
    """Fill in `shard.files`; return what is wrong with them."""
    sums: dict  # what _check_file() has read
    problems, sums = [], {}
    targets = shard.data["targets"]
    for rel in shard.data["fast"]["outputs"]:
        entry = targets.get(rel) if isinstance(rel, str) else None
        if not isinstance(entry, dict) or not _safe(rel):
            problems.append(f"its manifest lists {rel!r} as an output, with no record of it")
            continue
        for name in written_files({rel: entry}):
            problem = _check_file(shard, name, sums)
            if problem:
                problems.append(problem)
    return problems


def _check_file(shard: Shard, rel: str, sums: dict) -> str:
    if not _safe(rel):
        return f"its manifest names {rel!r}, which is not a file in the build folder"
    path = shard.path / rel
    if path.is_symlink() or not path.is_file() or \
            not path.parent.resolve().is_relative_to(shard.path):
        return f"{rel} is not there, though its manifest lists it"
    edition, inside = rel.split("/", 1)
    if edition not in sums:
        sums[edition] = _read_sums(shard.path / edition / CHECKSUMS)
    digest = sha256(path)
    listed = sums[edition].get(inside)
    if listed is None:
        return f"{rel} is not listed in {edition}/{CHECKSUMS}"
    if listed != digest:
        return (f"{rel} does not match its checksum in {edition}/{CHECKSUMS}: the folder "
                "was damaged or changed after its build")
    shard.files[rel] = digest
    return ""


def _safe(rel) -> bool:
    """A relative path to a file inside an edition's folder, hidden files aside."""
    parts = PurePosixPath(rel).parts if isinstance(rel, str) else ()
    return len(parts) >= 2 and not PurePosixPath(rel).is_absolute() and \
        not any(p in ("", ".", "..") or p.startswith(".") for p in parts)


def _read_sums(path: Path) -> dict[str, str]:
    """A SHA256SUMS file: name -> digest ({} when there is none)."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, ValueError):
        return {}
    pairs = (line.split("  ", 1) for line in lines)
    return {p[1]: p[0] for p in pairs if len(p) == 2}
