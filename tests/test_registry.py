"""The renderer registry (careprint/render/registry.py): every format is one Format, and
the CLI, `careprint list`, the build, pruning and the check read them from there. A format
defined here, in the test, is built like any other."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner
from conftest import copy_fixture

from careprint.cli import main
from careprint.render import Artifact, Job, digest, registry

BUILT_IN = ("pdf", "handouts", "chapters", "epub", "worksheets", "html", "large-print",
            "booklet")


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="careprint")


def summary_jobs(eg, paper):
    titles = [v.chapter.title for v in eg.chapters]
    return [Job("summary", eg.edition.id, "", f"{eg.edition.id}/summary.txt", 1,
                digest(titles))]


def summary_render(eg, ctx, job):
    lines = [f"{v.number}. {v.chapter.title}" for v in eg.chapters]
    return Artifact(job.relpath, ("\n".join(lines) + "\n").encode())


SUMMARY = registry.Format("summary", summary_jobs, summary_render, paperless=True)


def test_the_cli_offers_the_registered_formats_in_their_order():
    """--format of build and --output-format of check are the registry's names, in the
    order builds have always made them (the order of a build's messages and outputs)."""
    assert registry.names() == BUILT_IN
    for command, option in (("build", "formats"), ("check", "output_formats")):
        param = next(p for p in main.commands[command].params if p.name == option)
        assert tuple(param.type.choices) == BUILT_IN
    with registry.registered(SUMMARY):
        param = next(p for p in main.commands["build"].params if p.name == "formats")
        assert tuple(param.type.choices) == (*BUILT_IN, "summary")
    assert "summary" not in registry.names()


def test_a_module_that_declares_a_format_is_a_built_in_format(tmp_path):
    """Adding a format to careprint is adding one module: the registry finds the modules
    of careprint/render/ that declare a FORMAT, without importing the others."""
    (tmp_path / "leaflet.py").write_text('from .registry import Format\n\n'
                                         'FORMAT = Format("leaflet", jobs, render)\n')
    (tmp_path / "poster.py").write_text('from . import registry\n\n'
                                        'FORMAT = registry.Format("poster", j, r)\n')
    (tmp_path / "helper.py").write_text('"""Not a format, though it says\n'
                                        '    FORMAT = Format("x", j, r)\n"""\n')
    (tmp_path / "notes.txt").write_text('FORMAT = Format("notes", j, r)\n')
    assert registry.builtin_modules(tmp_path) == ("leaflet", "poster")
    assert registry.builtin_modules() == ("booklet", "chapters", "epub", "handouts", "html",
                                          "large_print", "pdf", "worksheets")
    code = ("import sys; from careprint.render import registry; registry.names(); "
            "print('weasyprint' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip() == "False", proc.stderr


def test_a_format_defined_in_a_test_is_built_listed_and_pruned(tmp_path):
    project = copy_fixture("minimal", tmp_path)
    out = project / "build"
    with registry.registered(SUMMARY):
        result = invoke("build", project, "-f", "summary", "-j", "1")
        assert result.exit_code == 0, result.output
        assert (out / "everyone/summary.txt").read_text() == "1. Hello there\n"
        entry = json.loads((out / ".careprint/manifest.json").read_text())["targets"]
        assert entry["everyone/summary.txt"]["size"] == len("1. Hello there\n")
        assert "summary.txt" in (out / "everyone/SHA256SUMS").read_text()
        listed = invoke("list", project)
        assert "[summary] build/everyone/summary.txt" in listed.output
        # a build of another format leaves it: the summary format still owns it
        assert invoke("build", project, "-f", "epub", "-j", "1").exit_code == 0
        assert (out / "everyone/summary.txt").is_file()
    # no format makes it any more: the next build removes it, as a deleted chapter's handout
    result = invoke("build", project, "-f", "epub", "-j", "1")
    assert result.exit_code == 0, result.output
    assert not (out / "everyone/summary.txt").exists()
    targets = json.loads((out / ".careprint/manifest.json").read_text())["targets"]
    assert "everyone/summary.txt" not in targets
    assert "summary.txt" not in (out / "everyone/SHA256SUMS").read_text()
    assert invoke("build", project, "-f", "summary").exit_code == 2


def test_a_format_must_have_what_the_build_uses():
    import pytest

    with pytest.raises(TypeError):
        registry.register(object())
    with pytest.raises(ValueError, match="already registered"):
        registry.register(registry.Format("pdf", summary_jobs, summary_render))
    assert registry.names() == BUILT_IN


def test_the_check_does_not_import_the_build(tmp_path):
    """check reads the model, the registry and the manifest; it never reaches into build,
    not even where it compares the outputs with the sources (check/stale.py)."""
    project = copy_fixture("minimal", tmp_path)
    code = """if True:
        import sys
        from careprint.check import run_checks
        from careprint.check.stale import stale_outputs
        from careprint.editions import apply_edition
        from careprint.load import load_project
        from pathlib import Path
        root = Path(sys.argv[1])
        run_checks(root)
        guide = load_project(root)
        stale_outputs(guide, [apply_edition(guide, "everyone")], root / "build", ("pdf",),
                      str, None)
        assert "careprint.build" not in sys.modules, "check imported careprint.build"
    """
    proc = subprocess.run([sys.executable, "-c", code, str(project)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_a_format_made_from_its_bases_pdf_rides_along_with_its_render(tmp_path):
    """A format with `from_base` (as booklets were, imposed from the guide's PDF) is made
    from its base's finished PDF when both are to be rendered: one render, not two."""
    from dataclasses import replace

    project = copy_fixture("minimal", tmp_path)
    pdf = registry.get("pdf")
    alone = []

    def copy_jobs(eg, paper):
        return [replace(j, fmt="copy", relpath=j.relpath.replace(".pdf", "-copy.pdf"))
                for j in pdf.jobs(eg, paper)]

    def copy_render(eg, ctx, job):  # only when its base is not being rendered
        alone.append(job.relpath)  # a real PDF: the output guard opens every one
        base_file = project / "build" / job.relpath.replace("-copy.pdf", ".pdf")
        return Artifact(job.relpath, base_file.read_bytes(), 1)

    copy = registry.Format("copy", copy_jobs, copy_render, based_on=("pdf",),
                           from_base=lambda data: (data, 1))
    with registry.registered(copy):
        result = invoke("build", project, "-f", "pdf", "-f", "copy", "-j", "1")
        assert result.exit_code == 0, result.output
        made = {p.name: p.read_bytes() for p in (project / "build/everyone").glob("*.pdf")}
        base = next(n for n in made if not n.endswith("-copy.pdf"))
        assert made[base.replace(".pdf", "-copy.pdf")] == made[base]
        assert alone == []
        # the base is up to date and the copy's file is gone: the copy renders by itself
        (project / "build/everyone" / base.replace(".pdf", "-copy.pdf")).unlink()
        assert invoke("build", project, "-f", "copy", "-j", "1").exit_code == 0
        assert len(alone) == 1
