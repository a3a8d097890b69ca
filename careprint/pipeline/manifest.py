"""OUT/.careprint/manifest.json: what each output depends on, and every file careprint wrote.

Each target's entry holds its key (build.py: what it depends on), the size and modification
time the build left it with, its page count, its warnings, and the HTML kept beside it
(`--keep-html`), with the same stamps (size, modification time and SHA-256). That record
is the only list of what careprint wrote: a build removes or replaces only files it names
and finds as careprint left them (the same bytes), and each edition's SHA256SUMS lists
only those. A file someone else put in an output folder, or an output changed since
careprint wrote it (a client's worksheet, filled in and saved in place), is left as it
is, and the build says so. Its `build` entry
records what the build was made from, with which options, and which shard it was
(buildrecord.py): what `careprint join` checks.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .. import __version__
from ..atomic import write_atomic

STATE_DIR = ".careprint"
CHECKSUMS = "SHA256SUMS"
# the SHA-256 of each file a build is about to rename into place, written before the first
# rename and removed once the manifest records them: after a build killed in between, a
# file it placed is still known as careprint's, not taken for one someone changed
PENDING = "pending.json"


def read_manifest(out_dir: Path) -> dict:
    """The last build's record; {} if there is none. Another careprint version's keys mean
    nothing to this one, but the files it wrote are still careprint's to remove."""
    try:
        data = json.loads((out_dir / STATE_DIR / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("targets"), dict):
        return {}
    if data.get("careprint") == __version__:
        return data
    return {"targets": {rel: {k: e[k] for k in ("size", "mtime_ns", "sha256", "kept") if k in e}
                        for rel, e in data["targets"].items() if isinstance(e, dict)}}


@dataclass(frozen=True)
class Manifest:
    """The last build's record (read_manifest's dict), and what a build asks of it."""

    data: dict = field(default_factory=dict)

    @classmethod
    def read(cls, out_dir: Path) -> Manifest:
        data = read_manifest(out_dir)
        pending = read_pending(out_dir)
        return cls({**data, "pending": pending} if pending else data)

    @property
    def pending(self) -> dict[str, str]:
        """{relpath: SHA-256} of the files a build killed while it renamed them placed."""
        return self.data.get("pending", {})

    @property
    def targets(self) -> dict:
        return self.data.get("targets", {})

    @property
    def inputs(self) -> str | None:
        """The input digest of the last build (build.py: the fast no-op)."""
        return self.data.get("fast", {}).get("inputs")

    @property
    def outputs(self) -> list[str]:
        """What the last build was asked to make."""
        return self.data.get("fast", {}).get("outputs", [])

    def fresh(self, out_dir: Path, rel: str, key: str) -> bool:
        """Whether the output `rel` was made with `key` and is as the build left it."""
        entry = self.targets.get(rel)
        return bool(entry and entry.get("key") == key and unchanged(out_dir / rel, entry))

    @property
    def warnings(self) -> list[str]:
        """The last build's warnings about the project as a whole (resources left out)."""
        return list(self.data.get("fast", {}).get("warnings", []))

    @staticmethod
    def write(out_dir: Path, inputs: str, outputs: list[str], targets: dict,
              warnings: Sequence[str] = (), record: dict | None = None) -> None:
        data = {"careprint": __version__,
                "fast": {"inputs": inputs, "outputs": sorted(outputs),
                         "warnings": list(warnings)},
                "targets": dict(sorted(targets.items()))}
        if record is not None:
            data["build"] = record
        write_manifest(out_dir, data)


def write_manifest(out_dir: Path, manifest: dict) -> None:
    write_atomic(out_dir / STATE_DIR / "manifest.json",
                 json.dumps(manifest, indent=1, sort_keys=True).encode())


def read_pending(out_dir: Path) -> dict[str, str]:
    try:
        data = json.loads((out_dir / STATE_DIR / PENDING).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def write_pending(out_dir: Path, pending: dict[str, str]) -> None:
    write_atomic(out_dir / STATE_DIR / PENDING, json.dumps(pending, sort_keys=True).encode())


def clear_pending(out_dir: Path) -> None:
    (out_dir / STATE_DIR / PENDING).unlink(missing_ok=True)


def stamp(path: Path, digest: str | None = None) -> dict:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns,
            "sha256": digest or sha256(path)}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def unchanged(path: Path, entry: dict) -> bool:
    """Whether `path` is a regular file with the size and mtime `entry` recorded."""
    try:
        st = path.lstat()
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and st.st_size == entry.get("size") and \
        st.st_mtime_ns == entry.get("mtime_ns")


def as_written(path: Path, entry: dict | None, also: str | None = None) -> bool:
    """Whether `path` holds the bytes careprint wrote there (`entry` its record): the size
    and mtime it recorded, or else (a copy, a `touch`) the SHA-256, or `also` (PENDING's).
    Only a file that has changed is hashed."""
    entry = entry if isinstance(entry, dict) else {}
    if entry and unchanged(path, entry):
        return True
    hashes = {h for h in (entry.get("sha256"), also) if isinstance(h, str)}
    if not hashes or not path.is_file() or path.is_symlink():
        return False
    try:
        return sha256(path) in hashes
    except OSError:
        return False


def changed_since(path: Path, entry: dict | None, also: str | None = None) -> bool:
    """Whether something is at `path` that careprint did not write there, or changed since
    it did (a worksheet filled in and saved in place): careprint never replaces it."""
    return os.path.lexists(path) and not as_written(path, entry, also)


def changed_note(path: Path) -> str:
    """What a build says of an output it kept because someone changed it (`path` from the
    current folder, when it is in it)."""
    with contextlib.suppress(OSError, ValueError):
        path = path.relative_to(Path.cwd())
    return (f"{path}: changed since careprint wrote it (filled in?); it was kept as it is, "
            "not rebuilt, and is not listed in SHA256SUMS. To keep it, move it out of the "
            "build folder; to have careprint make it again, delete it and build again")


def target_entry(out_dir: Path, rel: str, key: str, res, digests: dict) -> dict:
    """The record of a target this build wrote (renamed into place), with its kept HTML;
    `res` is its results.Rendered, `digests` the SHA-256 of each file placed, by path."""
    entry = {"key": key, **stamp(out_dir / rel, digests.get(rel)), "pages": res.pages,
             "warnings": list(res.warnings)}
    if res.layout:
        entry["layout"] = res.layout
    if res.reads is not None:  # what it read, to ask the next build (careprint/source/reads.py)
        entry["reads"] = dict(sorted(res.reads.items()))
    if res.parts:  # the kept parts of a guide: pruned when no entry names them
        entry["parts"] = list(res.parts)
    kept = {Path(final).relative_to(out_dir).as_posix() for _, final in res.files} - {rel}
    if kept:
        entry["kept"] = {k: stamp(out_dir / k, digests.get(k)) for k in sorted(kept)}
    return entry


def written_files(targets: dict) -> dict[str, dict]:
    """Every file the record says careprint wrote: {relpath: its entry or stamp}."""
    files = {}
    for rel, entry in targets.items():
        files[rel] = entry
        kept = entry.get("kept")
        if isinstance(kept, dict):
            files.update((k, v) for k, v in kept.items() if isinstance(v, dict))
    return files


def _inside(out_dir: Path, rel: str) -> bool:
    """Whether `rel` names a file in the output folder (a damaged or hand-made manifest
    cannot point careprint at a file elsewhere)."""
    parts = PurePosixPath(rel).parts
    if not parts or PurePosixPath(rel).is_absolute() or ".." in parts:
        return False
    return (out_dir / rel).parent.resolve().is_relative_to(out_dir.resolve())


def remove_written(out_dir: Path, files: dict[str, dict]) -> None:
    """Remove each of `files` that is as careprint left it; leave any changed since."""
    for rel, entry in files.items():
        path = out_dir / rel
        if _inside(out_dir, rel) and as_written(path, entry):
            path.unlink(missing_ok=True)


def drop_old_kept(out_dir: Path, old: dict | None, new: dict) -> None:
    """A target written again keeps no HTML but what this build wrote beside it: kept HTML
    always matches its PDF (the parts of a guide no longer split, the HTML of a PDF
    rebuilt without --keep-html)."""
    kept = (old or {}).get("kept")
    if isinstance(kept, dict):
        remove_written(out_dir, {k: v for k, v in kept.items()
                                 if k not in new.get("kept", {}) and isinstance(v, dict)})


def settle(out_dir: Path, targets: dict, every: set[str], editions: list[str],
           changed: list[Path] | None = None) -> list[Path]:
    """After a build of `editions`: remove what an earlier build wrote there that the
    project no longer makes (`every` is all it makes, in every format), write each
    edition's SHA256SUMS, and return the files in those folders careprint did not write.
    `targets` (the manifest's) loses the entries of the removed files; `changed` gains the
    outputs changed since careprint wrote them."""
    for rel in [r for r in targets if _edition(r) in editions and r not in every]:
        entry = targets.pop(rel)
        remove_written(out_dir, written_files({rel: entry}))
    ours = written_files(targets)
    changed = [] if changed is None else changed
    for edition in editions:
        write_checksums(out_dir, edition, ours, changed)
    return foreign_files(out_dir, ours, editions)


def _edition(rel: str) -> str:
    return rel.split("/", 1)[0]


def write_checksums(out_dir: Path, edition: str, ours: dict,
                    changed: list[Path] | None = None) -> None:
    """OUT/<edition>/SHA256SUMS: `sha256sum -c` verifies every file careprint wrote there,
    as it wrote it; one changed since (filled in) is left out, and added to `changed`."""
    folder = out_dir / edition
    if not folder.is_dir():
        return
    lines = []
    for rel in sorted((r for r in ours if _edition(r) == edition), key=lambda r: r.split("/")):
        path = out_dir / rel
        if not _inside(out_dir, rel) or not os.path.lexists(path):
            continue
        if not as_written(path, ours[rel]):
            if changed is not None:
                changed.append(path)
            continue
        recorded = ours[rel].get("sha256")  # the bytes careprint wrote: hashed once
        digest = recorded if isinstance(recorded, str) and unchanged(path, ours[rel]) \
            else sha256(path)
        lines.append(f"{digest}  {rel.split('/', 1)[1]}\n")
    write_atomic(folder / CHECKSUMS, "".join(lines).encode())


def foreign_files(out_dir: Path, ours: dict, editions) -> list[Path]:
    """The files in the folders of `editions` that careprint did not write (hidden files,
    such as temporary ones, aside)."""
    found = []
    for edition in editions:
        folder = out_dir / edition
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            rel = path.relative_to(out_dir)
            if path.is_dir() and not path.is_symlink() or \
                    any(p.startswith(".") for p in rel.parts):
                continue
            if rel.as_posix() not in ours and rel.as_posix() != f"{edition}/{CHECKSUMS}":
                found.append(path)
    return found
