"""What the stages of a build hand on (careprint/pipeline/build.py): a worker's Rendered result,
each output's Written record, and the BuildReport the CLI prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Rendered:
    """One target rendered by a worker (careprint/pipeline/workers.py) into temporary files."""

    files: tuple[tuple[str, str], ...]  # (temporary file, final path): the output, kept HTML
    pages: int
    size: int
    warnings: tuple[str, ...]
    seconds: float
    layout: list | None = None  # where a guide's pages fell, as the manifest records it
    reads: dict | None = None  # what the render read: {name: digest} (careprint/source/reads.py)
    parts: tuple[str, ...] = ()  # the kept parts of a guide it used (render/partcache.py)
    found: tuple | None = None  # what the output guard found in it (outguard.py), if read


@dataclass(frozen=True)
class Written:
    path: Path
    pages: int
    size: int
    warnings: tuple[str, ...] = ()
    skipped: bool = False  # unchanged since the last build
    seconds: float = 0.0


@dataclass
class BuildReport:
    written: list[Written] = field(default_factory=list)
    seconds: float = 0.0
    foreign: list[Path] = field(default_factory=list)  # in the output folders, not ours
    out_dir: Path | None = None
    only: tuple[str, ...] = ()  # --only: the chapters and worksheets asked for
    notes: list[str] = field(default_factory=list)
    check_errors: int = 0  # what `careprint check` would call errors (pipeline/checknote.py)
    project_warnings: list[str] = field(default_factory=list)  # of no one output (resources)
    changed: list[Path] = field(default_factory=list)  # outputs someone changed: kept as they are

    @property
    def rendered(self) -> list[Written]:
        return [w for w in self.written if not w.skipped]

    @property
    def skipped(self) -> list[Written]:
        return [w for w in self.written if w.skipped]

    @property
    def warnings(self) -> list[str]:
        from .manifest import changed_note

        return self.project_warnings + [changed_note(p) for p in self.changed] + \
            [f"{w.path}: {m}" for w in self.written for m in w.warnings]
