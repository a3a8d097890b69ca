"""What `careprint build` shows while it works.

On a terminal: a progress bar (rich) naming each target as it finishes, how many remain,
and the elapsed time. Elsewhere (CI, a pipe): one plain line per finished target.
`quiet` keeps only the final summary; `verbose` adds each target's render time; `hold`
(--strict) keeps the lines until the build has written its files, since a strict build
that fails writes nothing. The summary ends with where the outputs are.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..render.names import is_booklet
from ..render.printing import instructions

if TYPE_CHECKING:  # rich is imported only on a terminal
    from rich.progress import Progress, TaskID


def _shown(path: Path) -> Path:
    cwd = Path.cwd()
    return path.relative_to(cwd) if path.is_relative_to(cwd) else path


def size(n: int) -> str:
    return f"{n / 1024:.0f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MiB"


def describe(w) -> str:
    unit = "page" if w.path.suffix == ".pdf" else "document"
    plural = "" if w.pages == 1 else "s"
    return f"{_shown(w.path)}  ({w.pages} {unit}{plural}, {size(w.size)})"


class BuildProgress:
    def __init__(self, quiet: bool = False, verbose: bool = False, stream=None,
                 hold: bool = False):
        self.quiet, self.verbose, self.hold = quiet, verbose, hold
        self.stream = stream or sys.stdout
        self.bar: Progress | None = None
        self.task: TaskID | None = None
        self.lines: list[str] = []  # what the terminal bar will list at the end

    def __enter__(self):
        if not self.quiet and self.stream.isatty():
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                MofNCompleteColumn(), TextColumn("remaining: {task.fields[left]}"),
                                TimeElapsedColumn(), transient=True)
            self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)
        return False

    def __call__(self, message: str, written, done: int, total: int) -> None:
        if written is None:  # a notice, e.g. waiting for another build's lock
            click.echo(message, err=True)
            return
        line = f"rendered {describe(written)}"
        if self.verbose:
            line += f" in {written.seconds:.2f} s"
        if self.bar is not None:
            if self.task is None:
                self.task = self.bar.add_task("rendering", total=total, left=total)
            self.bar.update(self.task, completed=done, left=total - done,
                            description=f"{_shown(written.path)}")
            self.lines.append(line)
        elif self.hold and not self.quiet:
            self.lines.append(line)
        elif not self.quiet:
            click.echo(line)

    def summary(self, report) -> None:
        for line in self.lines:
            click.echo(line)
        for message in report.warnings:
            click.echo(f"warning: {message}", err=True)
        for path in report.foreign:
            click.echo(f"note: {_shown(path)} was not written by careprint; left in place "
                       "and not listed in SHA256SUMS", err=True)
        total = sum(w.size for w in report.rendered)
        skipped = len(report.skipped)
        tail = f"; {skipped} unchanged outputs skipped" if skipped else ""
        n = len(report.rendered)
        for note in report.notes:
            click.echo(note, err=True)
        if report.check_errors:
            from ..pipeline.checknote import note

            click.echo(note(report.check_errors), err=True)
        click.echo(f"Built {n} file{'' if n == 1 else 's'} ({size(total)}) in "
                   f"{report.seconds:.1f} s{tail}.")
        for line in where(report):
            click.echo(line)
        for line in instructions(report.rendered, is_booklet):  # a booklet made now
            click.echo(line)


def where(report) -> list[str]:
    """Where the outputs are: with --only, each of them; else their folders; then the
    library page."""
    out = report.out_dir
    if out is None:
        return []
    if report.only:
        lines = [f"The outputs of {', '.join(report.only)}:"]
        lines += [f"  {_shown(w.path)}" for w in report.written]
    else:
        folders = sorted({w.path.relative_to(out).parts[0] for w in report.written
                          if w.path.is_relative_to(out)})
        shown = ", ".join(f"{_shown(out / f)}/" for f in folders)
        lines = [f"The outputs are in {shown}." if shown else f"The outputs are in {_shown(out)}/."]
    library = out / "index.html"
    if library.is_file():
        lines.append(f"To pick a file and print it, open {_shown(library)}.")
    return lines
