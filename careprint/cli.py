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
def build(project_dir, editions, formats, paper, out):
    """Render the guide into every edition and format."""
    from .build import build as run

    report = run(project_dir, editions=editions, formats=formats, paper=paper, out=out)
    cwd = Path.cwd()
    for w in report.written:
        shown = w.path.relative_to(cwd) if w.path.is_relative_to(cwd) else w.path
        pages = f"{w.pages} pages" if w.path.suffix == ".pdf" else f"{w.pages} documents"
        click.echo(f"wrote {shown}  ({pages}, {_size(w.size)})")
    for message in report.warnings:
        click.echo(f"warning: {message}", err=True)
    total = sum(w.size for w in report.written)
    click.echo(f"Built {len(report.written)} files ({_size(total)}) in {report.seconds:.1f} s.")


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
