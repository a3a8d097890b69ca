"""The `careprint` command line: version, help, list, option errors and a small build."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import run_careprint

from careprint import __version__
from careprint.cli import main


def invoke(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="careprint", **kw)


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"careprint {__version__}"
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", __version__)


def test_version_through_the_console_path():
    proc = run_careprint("--version")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"careprint {__version__}"


@pytest.mark.parametrize("command", [[], ["build"], ["list"], ["join"]],
                         ids=["main", "build", "list", "join"])
def test_help_documents_every_option(command):
    result = invoke(*command, "--help")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: careprint {' '.join(command)}".rstrip() + " [")
    cmd = main if not command else main.commands[command[0]]
    flat = " ".join(result.output.split())
    assert cmd.help and " ".join(cmd.help.split()) in flat
    options = [p for p in cmd.params if isinstance(p, click.Option)]
    for opt in options:
        assert opt.help, f"option {opt.opts} of {command or 'main'} has no help text"
        assert opt.opts[0] in result.output
        # the first words of the help text are shown (Click may wrap the rest)
        first_words = " ".join(opt.help.split()[:3])
        assert first_words in flat, (opt.opts, result.output)
    # --help itself is listed
    assert "--help" in result.output


def test_main_help_lists_the_commands():
    result = invoke("--help")
    assert result.exit_code == 0
    commands = result.output.split("Commands:", 1)[1]
    assert re.search(r"^\s+build\s+\S", commands, re.M)
    assert re.search(r"^\s+list\s+\S", commands, re.M)
    assert re.search(r"^\s+join\s+\S", commands, re.M)


def test_build_help_names_the_formats_and_papers():
    out = invoke("build", "--help").output
    for name in ("--edition", "--format", "--paper", "--out"):
        assert name in out
    for fmt in ("pdf", "handouts", "epub", "worksheets", "a4", "letter"):
        assert fmt in out


def test_list_two_editions(fixture_project):
    project = fixture_project("two-editions")
    result = invoke("list", project)
    assert result.exit_code == 0, result.output
    out = result.output
    # both editions, with title and audience, in config order
    assert out.index("a: Edition A (Readers of A)") < out.index("b: Edition B (Readers of B)")
    part_a, part_b = out.split("b: Edition B (Readers of B)")
    # chapters, with their number in the edition and the slug --only takes: a leaves out
    # 03-b-extra, b keeps it
    for part in (part_a, part_b):
        assert re.search(r"^\s+1\s+start\s+Getting started$", part, re.M)
        assert re.search(r"^\s+2\s+second-steps\s+Second steps$", part, re.M)
    assert "b-extra" not in part_a
    assert re.search(r"^\s+3\s+b-extra\s+Extra for B$", part_b, re.M)
    # outputs
    assert "[pdf] build/a/twin-a-a4.pdf" in part_a
    assert "[epub] build/a/twin-a.epub" in part_a
    assert "[handouts] build/a/handouts/twin-a-ch01-start-a4.pdf" in part_a
    assert "[handouts] build/a/handouts/twin-a-ch02-second-steps-a4.pdf" in part_a
    assert "[pdf] build/b/twin-b-a4.pdf" in part_b
    assert "[epub] build/b/twin-b.epub" in part_b
    assert "[handouts] build/b/handouts/twin-b-ch03-b-extra-a4.pdf" in part_b
    # `list` renders nothing
    assert not (project / "build").exists()


def test_list_bad_project_exits_1(fixture_project):
    result = invoke("list", fixture_project("unknown-key"))
    assert result.exit_code == 1
    assert "content/chapters/01-extra-key.md:3" in result.output


def test_unknown_edition_lists_valid_names(fixture_project):
    project = fixture_project("two-editions")
    result = invoke("build", project, "--edition", "zzz")
    assert result.exit_code == 1, result.output
    assert "'zzz'" in result.output
    assert "valid editions: a, b" in result.output
    assert "Traceback" not in result.output
    assert not (project / "build").exists()


def test_unknown_edition_through_the_console_path(fixture_project):
    project = fixture_project("two-editions")
    proc = run_careprint("build", project, "--edition", "zzz")
    assert proc.returncode == 1, proc.stderr
    assert "valid editions: a, b" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_unknown_format_is_a_usage_error(fixture_project):
    project = fixture_project("minimal")
    result = invoke("build", project, "--format", "docx")
    assert result.exit_code == 2, result.output
    assert "docx" in result.output
    for name in ("pdf", "handouts", "epub", "worksheets"):
        assert name in result.output.split("docx", 1)[1], result.output
    assert not (project / "build").exists()


def test_unknown_format_through_the_console_path(fixture_project):
    proc = run_careprint("build", fixture_project("minimal"), "--format", "docx")
    assert proc.returncode == 2, proc.stderr
    assert "Usage:" in proc.stderr
    assert "'docx' is not one of" in proc.stderr
    for name in ("'pdf'", "'handouts'", "'epub'", "'worksheets'"):
        assert name in proc.stderr


CORE = {"everyone/tiny-everyone-a4.pdf", "everyone/handouts/tiny-everyone-ch01-hello-a4.pdf",
        "everyone/tiny-everyone.epub"}


def _outputs(build: Path, suffixes=(".pdf", ".epub")) -> set[str]:
    """Output documents in the build folder (checksums, lock and cache files are not)."""
    return {p.relative_to(build).as_posix() for p in build.rglob("*")
            if p.is_file() and p.suffix in suffixes and not p.name.startswith(".")}


def _check_core_outputs(build: Path):
    for rel in CORE:
        data = (build / rel).read_bytes()
        assert len(data) > 1000, rel
        if rel.endswith(".pdf"):
            assert data.startswith(b"%PDF-"), rel
        else:
            assert data[:2] == b"PK" and data[30:38] == b"mimetype", rel


def test_build_minimal_default_formats(fixture_project):
    """`careprint build` with no options writes exactly what `careprint list` announces."""
    project = fixture_project("minimal")
    listed = run_careprint("list", project)
    assert listed.returncode == 0, listed.stderr
    announced = {m.group(1) for m in re.finditer(r"^\s+\[[a-z-]+\] build/(\S+)$",
                                                 listed.stdout, re.M)}
    assert CORE <= announced, listed.stdout
    assert not any("worksheets" in a for a in announced)  # minimal has no worksheets
    proc = run_careprint("build", project, cwd=project.parent)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    build = project / "build"
    suffixes = {Path(a).suffix for a in announced}
    assert _outputs(build, tuple(suffixes)) == announced
    _check_core_outputs(build)


def test_build_minimal_reports_what_it_wrote(fixture_project, monkeypatch):
    project = fixture_project("minimal")
    monkeypatch.chdir(project.parent)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    result = invoke("build", project, "--format", "pdf", "--format", "handouts",
                    "--format", "epub")
    assert result.exit_code == 0, result.output
    build = project / "build"
    assert _outputs(build) == CORE
    _check_core_outputs(build)
    lines = result.stdout.strip().splitlines()
    wrote = [ln for ln in lines if ln.startswith("rendered ")]
    shown = {ln.split()[1] for ln in wrote}
    assert shown == {f"minimal/build/{rel}" for rel in CORE}
    for ln in wrote:
        assert re.search(r"\(\d+ (pages?|documents?), \d+(\.\d)? (KiB|MiB)\)$", ln), ln
    handout = next(ln for ln in wrote if "handouts" in ln)
    assert "(1 pages," in handout or "(1 page," in handout
    built = next(ln for ln in lines if ln.startswith("Built "))
    m = re.fullmatch(r"Built (\d+) files? \((\d+(?:\.\d)? (?:KiB|MiB))\) in (\d+\.\d) s\.",
                     built)
    assert m, built
    assert int(m.group(1)) == 3 == len(wrote)


def test_build_out_folder(fixture_project, tmp_path):
    project = fixture_project("minimal")
    out = tmp_path / "elsewhere"
    proc = run_careprint("build", project, "--out", out, "--format", "epub")
    assert proc.returncode == 0, proc.stderr
    assert (out / "everyone" / "tiny-everyone.epub").is_file()
    assert not (project / "build").exists()
    assert re.search(r"^Built 1 file .* in \d+\.\d s\.$", proc.stdout, re.M)
