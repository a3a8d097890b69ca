"""Where `careprint join` writes (join.py): OUT checked, then the joined build written.

OUT is new, empty, or a careprint build folder (it has a manifest); no file that careprint
did not write there, or that has changed since, is ever replaced. The shards' files are
copied to temporary files beside their places, checked against the checksums join read,
and only then renamed into place. Then come what a build of every shard at once would
write: each edition's SHA256SUMS (and the pruning of what the project no longer makes,
manifest.settle), the manifest, with the record of the whole build, and the library page.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import CareprintError, OutputError
from ..source.digests import input_digest
from . import library
from .lock import LOCK_NAME, TEMP_RE
from .manifest import (
    CHECKSUMS,
    STATE_DIR,
    Manifest,
    as_written,
    drop_old_kept,
    read_manifest,
    settle,
    stamp,
    written_files,
)

MANIFEST = f"{STATE_DIR}/manifest.json"
SHOWN = 3  # the files a refusal names before "and N more"


@dataclass
class JoinReport:
    """What join wrote: OUT, the shards, the outputs, how many files (outputs and their
    kept HTML) it copied of how many, the editions' folders, and the files in them
    careprint did not write."""

    out_dir: Path
    shards: list[str]
    outputs: list[str]
    files: int
    copied: int
    editions: list[str]
    foreign: list[Path]

    def lines(self) -> list[str]:
        """What `careprint join` prints."""
        out, n, there = _shown(self.out_dir), len(self.outputs), self.files - self.copied
        lines = [f"Joined {', '.join(self.shards)} into {out}/: {n} output"
                 f"{'' if n == 1 else 's'}, {self.copied} file{'' if self.copied == 1 else 's'}"
                 " copied" + (f", {there} already there" if there else "") + "."]
        lines += [f"Checksums of every output: {_shown(self.out_dir / e / CHECKSUMS)}"
                  for e in self.editions]
        lines.append(f"To pick a file and print it, open {_shown(self.out_dir / library.PAGE)}.")
        return lines


def _shown(path: Path) -> str:
    cwd = Path.cwd()
    return str(path.relative_to(cwd) if path.is_relative_to(cwd) else path)


def check_out(out_dir: Path, shards, claims: dict) -> set[str]:
    """OUT is a folder of its own, new, empty or careprint's, and no file careprint did not
    write there (or changed since) would be replaced. `claims`: each file to join -> its
    shard (join.Shard). Returns the files already there with the bytes to join (careprint's,
    unchanged): they are left as they are."""
    for shard in shards:
        if out_dir == shard.path or out_dir.is_relative_to(shard.path) or \
                shard.path.is_relative_to(out_dir):
            raise CareprintError(f"--out {out_dir}: {shard.label} is there: join into a "
                                 "folder of its own")
    if not out_dir.exists():
        return set()
    if not out_dir.is_dir():
        raise CareprintError(f"--out {out_dir} is not a folder")
    if not (out_dir / MANIFEST).is_file():
        if _holds_files(out_dir):
            raise CareprintError(f"--out {out_dir} is not empty, and is no careprint build "
                                 f"folder (it has no {MANIFEST}): join into a new or empty "
                                 "folder, so that no file careprint did not write is replaced")
        return set()
    problems, same = _replaced(out_dir, claims)
    if problems:
        more = f" (and {len(problems) - SHOWN} more)" if len(problems) > SHOWN else ""
        them = "it" if len(problems) == 1 else "them"
        raise CareprintError("; ".join(problems[:SHOWN]) + more + f": move {them} away, or "
                             "join into another folder")
    return same


def _replaced(out_dir: Path, claims: dict) -> tuple[list[str], set[str]]:
    """In an OUT with a manifest: the files join may not replace, and those it need not."""
    ours, problems, same = written_files(read_manifest(out_dir).get("targets", {})), [], set()
    for rel, shard in claims.items():
        path = out_dir / rel
        if not path.parent.resolve().is_relative_to(out_dir):
            problems.append(f"{path}: a folder on its way leads out of {out_dir}")
        elif not os.path.lexists(path):
            continue
        elif rel not in ours or not as_written(path, ours[rel]):
            why = "careprint did not write it" if rel not in ours else \
                "it has changed since careprint wrote it"
            problems.append(f"{path}: {why}, and join would replace it")
        elif sha256(path) == shard.files[rel]:
            same.add(rel)
    return problems, same


def _holds_files(folder: Path) -> bool:
    """Whether `folder` holds a file (empty folders, the build lock and the temporary files
    of an interrupted build or join aside)."""
    for path in folder.rglob("*"):
        if path.is_dir() and not path.is_symlink():
            continue
        if path.name == LOCK_NAME and path.parent == folder or TEMP_RE.match(path.name):
            continue
        return True
    return False


def write_joined(root: Path, out_dir: Path, shards, claims: dict, same: set[str], guide,
                 views) -> JoinReport:
    """Copy what is not there yet, then write the checksums, the manifest and the library
    page, as a build of every shard at once into OUT would have."""
    from ..source.region_view import today
    from .buildrecord import shard_of
    from .plan import every_output

    place({rel: shard for rel, shard in claims.items() if rel not in same}, out_dir)
    old = Manifest.read(out_dir).targets
    targets, outputs = dict(old), []
    for shard in shards:
        for rel in shard.data["fast"]["outputs"]:
            if claims[rel] is not shard:  # the same bytes in two shards: joined once
                continue
            entry = {**shard.data["targets"][rel], **stamp(out_dir / rel)}
            if isinstance(entry.get("kept"), dict):
                entry["kept"] = {k: stamp(out_dir / k) for k in entry["kept"]}
            drop_old_kept(out_dir, old.get(rel), entry)
            targets[rel] = entry
            outputs.append(rel)
    editions = [eg.edition.id for eg in views]
    foreign = settle(out_dir, targets, every_output(views), editions)
    record = {**shards[0].record, "shard": None}  # a whole build now
    options = {**record["options"], "shard": None, "today": today().isoformat()}
    warnings = list(dict.fromkeys(w for s in shards for w in s.data["fast"].get("warnings", [])))
    Manifest.write(out_dir, input_digest(root, options), outputs, targets, warnings, record)
    library.write(out_dir, guide, targets)
    shown = [s.label for s in sorted(shards, key=lambda s: shard_of(s.record))]
    return JoinReport(out_dir, shown, sorted(outputs), len(claims), len(claims) - len(same),
                      [e for e in editions if (out_dir / e).is_dir()], foreign)


def place(files: dict, out_dir: Path) -> None:
    """Copy each file (relpath -> its join.Shard) to a temporary file beside its place in
    OUT; once all are copied, rename them into place. A copy that fails leaves OUT as it
    was."""
    done: list[tuple[Path, Path]] = []
    try:
        for rel, shard in sorted(files.items()):
            done.append((_copy(shard.path / rel, out_dir / rel, shard.files[rel]),
                         out_dir / rel))
    except BaseException:
        for tmp, _ in done:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, final in done:
        try:
            os.replace(tmp, final)
        except OSError as exc:
            raise OutputError(f"cannot write {final}: {exc.strerror or exc}") from None


def _copy(src: Path, dest: Path, digest: str) -> Path:
    """`src` copied to a temporary file beside `dest`, its bytes checked again."""
    tmp = None
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
        h = hashlib.sha256()
        with os.fdopen(fd, "wb") as out, src.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
    except OSError as exc:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot copy {src} to {dest}: {exc.strerror or exc}") from None
    if h.hexdigest() != digest:
        Path(tmp).unlink(missing_ok=True)
        raise CareprintError(f"{src} changed while it was being joined: join again")
    return Path(tmp)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
