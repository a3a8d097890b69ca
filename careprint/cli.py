"""The `careprint` command. Click only: parse, call one library function, report."""

from __future__ import annotations

import json
import shlex
import signal
import sys
import traceback
from pathlib import Path

import click

from . import __version__


class FormatChoice(click.Choice):
    """The registered formats (careprint/render/registry.py), read when they are needed:
    a format registered after this module was imported is a choice too."""

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        from .render import registry

        return registry.names()

    @choices.setter
    def choices(self, value) -> None:  # click.Choice.__init__ sets it
        pass


def _project_dir(ctx, param, value: Path | None) -> Path:
    """PROJECT_DIR as given, or else the folder from here upward that holds careprint.toml
    (careprint/commands/projectroot.py); none is an error that names the folders looked in."""
    if value is not None:
        return value
    from .commands.projectroot import CONFIG_NAME, find_project, not_found
    from .errors import Problem, ProjectError

    found = find_project()
    if found is None:  # said here, where the folders looked in are known
        raise ProjectError(Problem(CONFIG_NAME, not_found()),
                           writes=ctx.info_name not in ("list", "check"))
    return found


PROJECT = click.argument("project_dir", required=False, default=None, callback=_project_dir,
                         type=click.Path(file_okay=False, path_type=Path))


def _reads_only(fn):
    """For a command that never writes (list, check, docs): its project errors do not say
    "nothing was written"."""
    import functools

    from .errors import ProjectError

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ProjectError as exc:
            raise ProjectError(exc.problems, writes=False) from None
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="careprint",
                      message="%(prog)s %(version)s")
def main() -> None:
    """careprint: build a trauma-informed guide into PDFs, handouts, EPUBs and worksheets."""


@main.command()
@PROJECT
@click.option("--edition", "-e", "editions", multiple=True, metavar="NAME",
              help="Build only this edition (repeatable). Default: every edition.")
@click.option("--format", "-f", "formats", multiple=True, type=FormatChoice(),
              help="Build only this format (repeatable). Default: every format.")
@click.option("--only", "only", multiple=True, metavar="NAME",
              help="Build only the outputs of this chapter (its slug, e.g. safety-first) or "
              "worksheet (its id) (repeatable): its handouts and the whole chapter, or the "
              "worksheet alone.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default=None,
              help="Paper size of the PDFs. Default: each size of [paper] size in "
              "careprint.toml, or a4.")
@click.option("--region", "-r", "regions", multiple=True, metavar="CODE",
              help="Build for the readers of one region, an ISO 3166 code such as US or "
              "GB-SCT (repeatable; `all`: every region the guide serves), into "
              "OUT/regions/<code>/: its support page, handouts and footers list that "
              "region's services. Default: one guide listing every region.")
@click.option("--imprint", "-i", "imprints", multiple=True, metavar="ID",
              help="Build the guide stamped for a clinic, imprints/ID.toml (repeatable; "
              "`all`: every imprint), into OUT/imprints/ID/: its name and logo on the title "
              "page and handouts, its local services first, its region's services. "
              "Default: no clinic.")
@click.option("--language", "-l", "languages", multiple=True, metavar="CODE",
              help="Build the guide in a translation, a [languages.CODE] of careprint.toml "
              "(repeatable; `all`: every translation), into OUT/languages/CODE/: each "
              "translated file in place of its source. Default: the guide's own language.")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Folder to write the outputs to. Default: PROJECT_DIR/build.")
@click.option("--force", is_flag=True,
              help="Rebuild every output, even those unchanged since the last build.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Render in N worker processes. Default: one a CPU core, no more than the "
              "memory available holds at 1.5 GB each (at least one).")
@click.option("--shard", metavar="K/N", default=None,
              help="Build only the K-th of N deterministic shares of the outputs (for CI).")
@click.option("--keep-html", is_flag=True,
              help="Also write the exact HTML given to WeasyPrint, next to each PDF.")
@click.option("--strict", is_flag=True,
              help="Fail, writing nothing, on any warning (WeasyPrint, CSS, templates).")
@click.option("--bleed", metavar="LENGTH", default=None,
              help="Print-shop bleed around every PDF page, e.g. 3mm.")
@click.option("--marks", is_flag=True, help="Print-shop crop marks on every PDF page.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors and the final summary.")
@click.option("--verbose", "-v", is_flag=True, help="Also print how long each output took.")
def build(project_dir, editions, formats, only, paper, regions, imprints, languages, out,
          force, jobs, shard, keep_html, strict, bleed, marks, quiet, verbose):
    """Render the guide into every edition and format."""
    from .commands.asked import builds_asked, check_errors
    from .commands.progress import BuildProgress
    from .pipeline.build import build as run

    for imprint, region, language in builds_asked(project_dir, regions, imprints, languages):
        if imprint or region or language:
            what = " in ".join(filter(None, (imprint, region)))
            click.echo(f"Building {f'for {what} ' if what else ''}"
                       f"{f'in {language}' if language else ''}".rstrip() + ":", err=True)
        with BuildProgress(quiet=quiet, verbose=verbose, hold=strict) as progress:
            report = run(project_dir, editions=editions, formats=formats, paper=paper,
                         out=out, force=force, jobs=jobs, shard=shard, keep_html=keep_html,
                         strict=strict, bleed=bleed, marks=marks, progress=progress,
                         only=only, count_check=check_errors, region=region, imprint=imprint,
                         language=language)
        progress.summary(report)


@main.command("list")
@PROJECT
@click.option("--edition", "-e", "editions", multiple=True, metavar="NAME",
              help="List only this edition (repeatable). Default: every edition.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default=None,
              help="Name the PDFs of this paper size. Default: each size of [paper] size.")
@click.option("--region", "-r", metavar="CODE", default=None,
              help="Name the outputs of the build for this region (an ISO 3166 code, as "
              "`build --region`). Default: the build for every region.")
@click.option("--language", "-l", metavar="CODE", default=None,
              help="Name the outputs of the build in this translation (as `build "
              "--language`). Default: the guide's own language.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="List as text, or as JSON (schema in docs/building.md).")
@_reads_only
def list_(project_dir, editions, paper, region, language, fmt):
    """Show each edition, its chapters and worksheets, and the outputs it would produce."""
    from .commands.asked import builds_asked
    from .commands.listing import listing, to_text

    build = builds_asked(project_dir, (region,) if region else (), (),
                         (language,) if language else ())[0]
    found = listing(project_dir, editions, paper, build[1], build[2])
    click.echo(json.dumps(found, indent=2, ensure_ascii=False) if fmt == "json"
               else to_text(found))


@main.command()
@click.argument("shard_dirs", nargs=-1, required=True, metavar="SHARD_DIR...",
                type=click.Path(path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the joined build to: new, empty, or a careprint build "
              "folder.")
@click.option("--project", "project_dir", default=".", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="The guide project the shards were built from (for the library page).")
def join(shard_dirs, out, project_dir):
    """Join the build folders of the shards of one build (`build --shard K/N`) into one:
    every output, each edition's SHA256SUMS over all of them, one library page."""
    from .pipeline.join import join as run

    report = run(project_dir, shard_dirs, out,
                 progress=lambda message, *_: click.echo(message, err=True))
    for path in report.foreign:
        click.echo(f"note: {path} was not written by careprint; left in place and not "
                   "listed in SHA256SUMS", err=True)
    for line in report.lines():
        click.echo(line)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default=None, help="The guide's title. Default: from DIRECTORY's name.")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.option("--with-templates", is_flag=True,
              help="Also copy every default template into templates/ to edit.")
@click.option("--language", default="en", metavar="CODE", show_default=True,
              help="The language of the new guide: its example text and every word "
              "careprint prints (en, es).")
def init(directory, title, force, with_templates, language):
    """Create a new guide project in DIRECTORY, ready to build."""
    from .commands.scaffold import init_project

    written = init_project(directory, title=title, force=force, with_templates=with_templates,
                           language=language)
    for path in written:
        click.echo(f"created {path}")
    click.echo(f"Next: {command('build', directory)}")


@main.command()
@PROJECT
@click.option("--edition", "-e", metavar="NAME", default=None,
              help="The edition to preview. Default: the first in careprint.toml.")
@click.option("--host", default="127.0.0.1", metavar="ADDRESS",
              help="Address to listen on. Default: 127.0.0.1, where only this computer can "
              "open the preview. On another (0.0.0.0: every network this computer is on), "
              "anyone who can reach it can read the guide while the preview runs.")
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8000,
              help="Port to serve on (0: any free port). Default: 8000.")
@click.option("--open", "open_browser", is_flag=True,
              help="Open the preview in the default web browser once it is ready.")
def serve(project_dir, edition, host, port, open_browser):
    """Preview the web edition in a browser, and the handout and the chapter PDF of the
    chapter you edit (at /__careprint/print/), rebuilding them each time you save."""
    from .commands.serve import serve as run

    try:
        run(project_dir, edition, port, announce=lambda m: click.echo(m, err=True),
            host=host, open_browser=open_browser)
    except KeyboardInterrupt:
        click.echo("Stopped the preview.", err=True)
    except OSError as exc:
        import errno

        hint = "; serve on another port with --port N, or on any free one with --port 0" \
            if exc.errno == errno.EADDRINUSE else ""
        raise click.ClickException(f"cannot serve on {host}:{port}: "
                                   f"{exc.strerror or exc}{hint}") from None


@main.command()
@PROJECT
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Report as text, or as JSON (schema in "
              "docs/building.md).")
def doctor(project_dir, fmt):
    """Report every tool careprint uses (WeasyPrint, Pango, HarfBuzz, Java and EPUBCheck,
    Node.js, Chromium and Ace, fonts for the guide's language) and how to install what is
    missing. Exits 1 when a tool `careprint build` needs is missing."""
    from .commands.doctor import report, to_json, to_text

    rows = report(project_dir)
    click.echo(to_json(rows) if fmt == "json" else to_text(rows))
    if any(r.required and not r.ok for r in rows):
        sys.exit(1)


@main.command()
@PROJECT
@click.option("--edition", "-e", "editions", multiple=True, metavar="NAME",
              help="Check only this edition (repeatable). Default: every edition.")
@click.option("--strict", is_flag=True,
              help="Fail (exit 1) on warnings too, not only on errors.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True,
              help="Report as text grouped by file, or as JSON (schema in docs/checks.md). "
              "No short form: `-f` names a format of the guide in `build`.")
@click.option("--outputs", is_flag=True,
              help="Also check the built files: EPUBCheck, Ace by DAISY, PDF tags and "
              "worksheet form fields (run `careprint build` first).")
@click.option("--build-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the outputs were built, for --outputs. Default: PROJECT_DIR/build.")
@click.option("--output-format", "output_formats", multiple=True,
              type=FormatChoice(),
              help="With --outputs, check only this built format (repeatable). Default: "
              "every format.")
@click.option("--stats", is_flag=True,
              help="Also print each chapter's readability figures (text format).")
@click.option("--language", "-l", metavar="CODE", default=None,
              help="Check the guide in this translation (a [languages.CODE]), and with "
              "--outputs its build in BUILD_DIR/languages/CODE/. Default: the guide's own "
              "language.")
@click.option("--translations", "list_translations", is_flag=True,
              help="List the state of every translation (up to date, source changed, "
              "missing, no source, not marked), and exit 1 unless all are up to date.")
@_reads_only
def check(project_dir, editions, strict, fmt, outputs, build_dir, output_formats, stats,
          language, list_translations):
    """Check that the guide is fit to hand out: plain language, trauma-informed wording and
    accessibility. Exits 1 on errors (and on warnings with --strict)."""
    from .check import CheckFailed, failed_report, run_checks
    from .errors import CareprintError

    if list_translations:
        from .commands.translations import listing

        text, ok = listing(project_dir, language, fmt)
        click.echo(text)
        if not ok:
            raise CheckFailed(1)
        return
    try:
        report = run_checks(project_dir, editions, outputs=outputs, strict=strict,
                            build_dir=build_dir, output_formats=output_formats,
                            progress=lambda line: click.echo(line, err=True),
                            language=language or "")
    except CareprintError as exc:
        if fmt != "json":
            raise
        # a program reading the JSON gets a report, whatever went wrong
        report = failed_report(project_dir, editions, exc, strict=strict, outputs=outputs)
    click.echo(report.to_json_text() if fmt == "json" else report.to_text(stats=stats))
    if report.exit_status:
        raise CheckFailed(report.exit_status)


@main.group()
def translations():
    """Keep the translations in content/translations/ in step with their sources."""


@translations.command("mark")
@click.argument("files", nargs=-1, metavar="FILE...")
@click.option("--project", "project_dir", default=None, callback=_project_dir,
              type=click.Path(file_okay=False, path_type=Path),
              help="The guide project. Default: the one this folder is in.")
@click.option("--all", "every", is_flag=True,
              help="Mark every translation of every language.")
def mark(files, project_dir, every):
    """Record that each translation FILE translates its source as it is now: its
    source_digest, and a copy of the source in content/translations/CODE/.sources/, so
    that `careprint check` can name the lines of the source that change later."""
    from .commands.translations import mark_files

    for path in mark_files(project_dir, files, every):
        click.echo(f"wrote {path}")


def command(*words) -> str:
    """A careprint command to paste into a shell: each word quoted as the shell needs
    (`careprint build 'My Guide 2'`)."""
    return " ".join(["careprint", *(shlex.quote(str(w)) for w in words)])


@main.command()
@click.argument("topic", required=False)
@click.option("--path", "path_only", is_flag=True,
              help="Print only where the page (or, with no TOPIC, the folder) is.")
@click.option("--open", "open_it", is_flag=True,
              help="Open the page (or the folder) in this computer's viewer for it.")
def docs(topic, path_only, open_it):
    """careprint's documentation, from this computer (no network). With no TOPIC, list the
    pages and where they are; with one (e.g. `careprint docs content-format`), print it."""
    from .commands import docspages

    where = docspages.page(topic) if topic else docspages.folder()
    if open_it:
        click.launch(str(where))
    if path_only or open_it:
        click.echo(str(where))
    elif topic:
        click.echo(where.read_text("utf-8"), nl=False)
    else:
        click.echo(f"careprint's documentation is in {where}:")
        for name, title in docspages.topics():
            click.echo(f"    {name:16s} {title}")
        click.echo(f"Read one with: {command('docs', 'content-format')}")


def _terminated(signum, frame):
    raise KeyboardInterrupt


def run() -> None:
    """Console-script entry point: user errors exit 1, Ctrl-C 130, careprint bugs 70.

    SIGTERM is handled like Ctrl-C, so temporary files are removed on the way out.
    """
    signal.signal(signal.SIGTERM, _terminated)
    try:
        main.main(standalone_mode=False, prog_name="careprint")
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
