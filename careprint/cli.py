"""The `careprint` command. Click only: parse, call one library function, report."""

from __future__ import annotations

import signal
import sys
import traceback
from pathlib import Path

import click

from . import __version__

FORMAT_NAMES = ("pdf", "handouts", "epub", "worksheets")  # kept in step with build.FORMATS
PROJECT = click.argument("project_dir", required=False, default=".",
                         type=click.Path(file_okay=False, path_type=Path))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="careprint",
                      message="%(prog)s %(version)s")
def main() -> None:
    """careprint: build a trauma-informed guide into PDFs, handouts, EPUBs and worksheets."""


@main.command()
@PROJECT
@click.option("--edition", "-e", "editions", multiple=True, metavar="NAME",
              help="Build only this edition (repeatable). Default: every edition.")
@click.option("--format", "-f", "formats", multiple=True, type=click.Choice(FORMAT_NAMES),
              help="Build only this format (repeatable). Default: every format.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default=None,
              help="Paper size of the PDFs. Default: [paper] size in careprint.toml, or a4.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write the outputs to. Default: PROJECT_DIR/build.")
@click.option("--force", is_flag=True,
              help="Rebuild every output, even those unchanged since the last build.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Render in N worker processes. Default: the number of CPUs.")
@click.option("--shard", metavar="K/N", default=None,
              help="Build only the K-th of N deterministic shares of the outputs (for CI).")
@click.option("--keep-html", is_flag=True,
              help="Also write the exact HTML given to WeasyPrint, next to each PDF.")
def build(project_dir, editions, formats, paper, out, force, jobs, shard, keep_html):
    """Render the guide into every edition and format."""
    from .build import build as run

    cwd = Path.cwd()

    def shown(path: Path):
        return path.relative_to(cwd) if path.is_relative_to(cwd) else path

    def progress(message, written, done, total):
        if written is None:
            click.echo(message, err=True)

    report = run(project_dir, editions=editions, formats=formats, paper=paper, out=out,
                 force=force, jobs=jobs, shard=shard, keep_html=keep_html, progress=progress)
    for w in report.rendered:
        unit = "pages" if w.path.suffix == ".pdf" else "documents"
        click.echo(f"wrote {shown(w.path)}  ({w.pages} {unit}, {_size(w.size)})")
    for message in report.warnings:
        click.echo(f"warning: {message}", err=True)
    total = sum(w.size for w in report.rendered)
    skipped = len(report.skipped)
    tail = f"; {skipped} unchanged outputs skipped" if skipped else ""
    click.echo(f"Built {len(report.rendered)} files ({_size(total)}) in "
               f"{report.seconds:.1f} s{tail}.")


@main.command("list")
@PROJECT
def list_(project_dir):
    """Show each edition, its chapters and worksheets, and the outputs it would produce."""
    from .build import plan

    for eg, outputs in plan(project_dir):
        e = eg.edition
        click.echo(f"{e.id}: {e.title} ({e.audience})")
        click.echo("  chapters:")
        for v in eg.chapters:
            click.echo(f"    {v.chapter.name}  {v.chapter.title}")
        if eg.worksheets:
            click.echo("  worksheets:")
            for w in eg.worksheets:
                click.echo(f"    {w.worksheet.id}  {w.worksheet.title}")
        click.echo("  outputs:")
        for fmt, paths in outputs.items():
            for p in paths:
                click.echo(f"    [{fmt}] build/{p}")


@main.command()
def doctor():
    """Report the versions of WeasyPrint, Pango and EPUBCheck, and what is missing."""
    from .doctor import report

    for what, finding, ok in report():
        click.echo(f"{'ok ' if ok else '!! '} {what}: {finding}")


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MiB"


def _terminated(signum, frame):
    raise KeyboardInterrupt


def run() -> None:
    """Console-script entry point: user errors exit 1, Ctrl-C 130, careprint bugs 70.

    SIGTERM is handled like Ctrl-C, so temporary files are removed on the way out.
    """
    signal.signal(signal.SIGTERM, _terminated)
    try:
        main.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Interrupted; earlier outputs were left as they were.", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        click.echo("Interrupted; earlier outputs were left as they were.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception:  # a bug in careprint, not in the user's input
        traceback.print_exc()
        click.echo("This is a bug in careprint; please report it with the traceback above.",
                   err=True)
        sys.exit(70)
