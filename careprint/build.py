"""The build: read and validate everything, render every target, then write atomically.

Nothing is written until every requested output has rendered, and each file is
written to a temporary file beside its target and renamed into place, so a failed
or interrupted build leaves the previous outputs as they were.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .config import PAPER_SIZES
from .editions import EditionGuide, apply_editions
from .errors import CareprintError, OutputError, Problem, ProjectError
from .load import load_project
from .render import Artifact, BuildContext, source_date

FORMATS = ("pdf", "handouts", "epub", "worksheets")


@dataclass(frozen=True)
class Written:
    path: Path
    pages: int
    size: int
    warnings: tuple[str, ...] = ()


@dataclass
class BuildReport:
    written: list[Written] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def warnings(self) -> list[str]:
        return [f"{w.path}: {m}" for w in self.written for m in w.warnings]


def renderer(fmt: str) -> Callable[[EditionGuide, BuildContext], list[Artifact]]:
    """The render function of one format (imported lazily: WeasyPrint and ebooklib are slow)."""
    if fmt == "pdf":
        from .render.pdf import render
    elif fmt == "handouts":
        from .render.handouts import render
    elif fmt == "epub":
        from .render.epub import render
    else:
        from .render.worksheets import render
    return render


def select(names: Sequence[str] | None, valid: Sequence[str], what: str) -> tuple[str, ...]:
    """The requested names in `valid`'s order; all of them when none is requested."""
    if not names:
        return tuple(valid)
    unknown = [n for n in names if n not in valid]
    if unknown:
        raise CareprintError(f"unknown {what} {', '.join(map(repr, unknown))}; "
                             f"valid {what}s: {', '.join(valid)}")
    return tuple(v for v in valid if v in names)


def build(root: Path, editions: Sequence[str] | None = None,
          formats: Sequence[str] | None = None, paper: str | None = None,
          out: Path | None = None, environ=None,
          progress: Callable[[str], None] | None = None) -> BuildReport:
    """Build the requested editions and formats of the project at `root`."""
    started = time.perf_counter()
    root = Path(root).resolve()
    environ = os.environ if environ is None else environ
    guide = load_project(root)
    eds = select(editions, guide.config.edition_ids, "edition")
    fmts = select(formats, FORMATS, "format")
    if paper is not None and paper not in PAPER_SIZES:
        raise CareprintError(f"unknown paper size {paper!r}; valid: {', '.join(PAPER_SIZES)}")
    views = apply_editions(guide, eds)
    ctx = BuildContext(root=root, paper=paper or guide.config.paper,
                       source_date=source_date(guide.config.guide.date, environ))
    out_dir = Path(out).resolve() if out else root / "build"

    artifacts: list[Artifact] = []
    for eg in views:
        for fmt in fmts:
            if progress:
                progress(f"rendering {eg.edition.id} {fmt}")
            artifacts.extend(renderer(fmt)(eg, ctx))

    report = BuildReport()
    with build_lock(out_dir, progress):
        remove_stale_temporaries(out_dir)
        for art in artifacts:
            path = out_dir / art.relpath
            write_atomic(path, art.data)
            report.written.append(Written(path, art.pages, len(art.data), art.warnings))
        written = {out_dir / a.relpath for a in artifacts}
        for eg in views:
            for fmt in set(fmts) & {"handouts", "worksheets"}:
                prune(out_dir / eg.edition.id / fmt, written)
        for eg in views:
            write_checksums(out_dir / eg.edition.id)
    report.seconds = time.perf_counter() - started
    return report


LOCK_NAME = ".careprint.lock"
TEMP_RE = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")


@contextlib.contextmanager
def build_lock(out_dir: Path, progress=None):
    """Hold an exclusive lock on OUT/.careprint.lock; wait while another build holds it."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fh = open(out_dir / LOCK_NAME, "a+")  # noqa: SIM115 - held for the whole block
    except OSError as exc:
        raise OutputError(f"cannot write to {out_dir}: {exc.strerror or exc}") from None
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if progress:
                progress(f"another careprint build is writing to {out_dir}; waiting for it")
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def prune(folder: Path, keep: set[Path]) -> None:
    """Remove PDFs in a handouts/ or worksheets/ folder that this build no longer makes
    (a chapter deleted or moved out of the edition), so no stale handout is handed out."""
    if folder.is_dir():
        for path in folder.glob("*.pdf"):
            if path not in keep:
                path.unlink()


def remove_stale_temporaries(out_dir: Path) -> None:
    """Remove temporary files left by a build that was killed (SIGKILL) while writing."""
    for path in out_dir.rglob(".*.tmp"):
        if TEMP_RE.match(path.name):
            path.unlink(missing_ok=True)


def write_checksums(edition_dir: Path) -> None:
    """OUT/<edition>/SHA256SUMS: `sha256sum -c` verifies every output of the edition."""
    lines = []
    for path in sorted(p for p in edition_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(edition_dir).as_posix()
        if rel == "SHA256SUMS" or path.name.startswith("."):
            continue
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {rel}\n")
    write_atomic(edition_dir / "SHA256SUMS", "".join(lines).encode())


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it into place."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)


def plan(root: Path) -> list[tuple[EditionGuide, dict[str, list[str]]]]:
    """For `careprint list`: each edition and the outputs it would produce (no rendering)."""
    from .render.common import guide_name, pack_name

    guide = load_project(Path(root).resolve())
    out = []
    for eg in apply_editions(guide, guide.config.edition_ids):
        e = eg.edition.id
        outputs = {
            "pdf": [guide_name(eg, "pdf")],
            "handouts": [f"{e}/handouts/{v.chapter.name}.pdf" for v in eg.chapters],
            "epub": [guide_name(eg, "epub")],
            "worksheets": ([f"{e}/worksheets/{pack_name(eg)}"] +
                           [f"{e}/worksheets/{w.worksheet.id}.pdf" for w in eg.worksheets])
            if eg.worksheets else [],
        }
        out.append((eg, outputs))
    return out


__all__ = ["FORMATS", "build", "plan", "write_atomic", "BuildReport", "Problem",
           "ProjectError"]
