"""The renderer registry (careprint/render/registry.py): every format is one Format, and
the CLI, `careprint list`, the build, pruning and the check read them from there. A format
defined here, in the test, is built like any other."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from conftest import careprint_env, copy_fixture, run_careprint

from careprint.cli import main
from careprint.render import Artifact, Job, registry

PLUGINS = Path(__file__).parent / "fixtures" / "plugins"
ROOT = Path(__file__).resolve().parents[1]


def _summary_module():
    """tests/fixtures/plugins/careprint_summary.py: a whole format in one file."""
    spec = importlib.util.spec_from_file_location("careprint_summary",
                                                  PLUGINS / "careprint_summary.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SUMMARY = _summary_module().FORMAT


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="careprint")


def summary_jobs(eg, paper):
    return SUMMARY.jobs(eg, paper)


def summary_render(eg, ctx, job):
    return SUMMARY.render(eg, ctx, job)


def test_the_cli_offers_the_registered_formats_in_their_order():
    """--format of build and --output-format of check are the registry's names, in the
    order builds have always made them (the order of a build's messages and outputs)."""
    built_in = registry.names()
    assert len(built_in) == len(registry.BUILT_IN)
    orders = [registry.get(name).order for name in built_in]
    assert orders == sorted(orders)
    for command, option in (("build", "formats"), ("check", "output_formats")):
        param = next(p for p in main.commands[command].params if p.name == option)
        assert tuple(param.type.choices) == built_in
    with registry.registered(SUMMARY):
        param = next(p for p in main.commands["build"].params if p.name == "formats")
        assert tuple(param.type.choices) == (*built_in, "summary")
    assert "summary" not in registry.names()


def test_every_format_module_of_careprint_is_in_the_built_in_table():
    """careprint's own formats are named in one table (registry.BUILT_IN) and imported by
    name, not found by reading source text: a module of careprint/render/ that ends with
    a FORMAT, annotated or not, and is missing from the table fails here, never silently."""
    import importlib
    import pkgutil

    declared = {}
    for module in pkgutil.iter_modules([str(Path(registry.__file__).parent)]):
        fmt = getattr(importlib.import_module(f"careprint.render.{module.name}"), "FORMAT",
                      None)
        if isinstance(fmt, registry.Format):
            declared[module.name] = fmt.name
    assert sorted(declared) == sorted(registry.BUILT_IN)
    assert set(declared.values()) <= set(registry.names())


def _install(tmp_path, module: str, entry_points: str) -> Path:
    """A plugin package "installed" in a folder of its own, as pip would: the module and
    a .dist-info with its METADATA and entry_points.txt. Put the folder on PYTHONPATH."""
    site = tmp_path / "site"
    (site / "careprint_summary-1.0.dist-info").mkdir(parents=True)
    (site / "careprint_summary.py").write_text(module, "utf-8")
    info = site / "careprint_summary-1.0.dist-info"
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: careprint-summary\n"
                                   "Version: 1.0\n", "utf-8")
    (info / "entry_points.txt").write_text(entry_points, "utf-8")
    return site


def _with_plugins(site: Path) -> dict[str, str]:
    return {"PYTHONPATH": f"{site}{os.pathsep}{ROOT}"}


def test_a_format_from_a_plugin_package_is_built_and_listed(tmp_path):
    """A package that names its format in the entry point group careprint.formats is a
    format like careprint's own: no source text is read, so a `FORMAT: Format = ...` (the
    summary module's, annotated) is found, and `careprint list` imports no WeasyPrint."""
    site = _install(tmp_path, (PLUGINS / "careprint_summary.py").read_text("utf-8"),
                    "[careprint.formats]\nsummary = careprint_summary:FORMAT\n")
    project = copy_fixture("minimal", tmp_path)
    with (project / "careprint.toml").open("a", encoding="utf-8") as toml:
        toml.write('\n[formats.summary]\nheading = "In this guide"\n')
    env = _with_plugins(site)
    run_careprint("build", project, "-f", "summary", "-f", "epub", "-j", "2", env=env,
                  check=True)
    assert (project / "build/everyone/summary.txt").read_text() == \
        "In this guide\n1. Hello there\n"
    listed = run_careprint("list", project, env=env, check=True).stdout
    assert "[summary] build/everyone/summary.txt" in listed
    code = ("import sys; from careprint.render import registry; print(registry.names()[-1], "
            "'weasyprint' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=careprint_env(**env))
    assert proc.stdout.split() == ["summary", "False"], proc.stderr
    # without the plugin, its table is an unknown format, named with its line
    proc = run_careprint("build", project, "-f", "epub")
    assert proc.returncode == 1
    assert "formats.summary" in proc.stderr and "unknown format" in proc.stderr, proc.stderr


def test_a_broken_plugin_is_named_without_a_traceback(tmp_path):
    site = _install(tmp_path, "raise ImportError('no module named careprint_extra')\n",
                    "[careprint.formats]\nsummary = careprint_summary:FORMAT\n")
    project = copy_fixture("minimal", tmp_path)
    proc = run_careprint("build", project, "-f", "epub", env=_with_plugins(site))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "the plugin 'summary' (careprint_summary:FORMAT) of the package " \
        "'careprint-summary'" in proc.stderr, proc.stderr
    assert "Reinstall or update that package, or uninstall it" in proc.stderr
    site = _install(tmp_path / "2", "FORMAT = object()\n",
                    "[careprint.formats]\nsummary = careprint_summary:FORMAT\n")
    proc = run_careprint("list", project, env=_with_plugins(site))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "careprint cannot use the plugin 'summary' (careprint_summary:FORMAT) of the " \
        "package 'careprint-summary', entry point group 'careprint.formats': it names an " \
        "object of type 'object', which is not a format" in proc.stderr, proc.stderr
    site = _install(tmp_path / "3", "from careprint.render.pdf import FORMAT\n",
                    "[careprint.formats]\nsummary = careprint_summary:FORMAT\n")
    proc = run_careprint("list", project, env=_with_plugins(site))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "it names a format called 'pdf', which is already registered. Update that " \
        "package, or uninstall it." in proc.stderr, proc.stderr


def test_a_format_owns_its_options_library_entries_and_checks(tmp_path):
    """The summary format is one file (tests/fixtures/plugins/careprint_summary.py): its
    [formats.summary] table is read, its file is on the library page, and
    `check --outputs` runs its own check, with nothing else changed."""
    project = copy_fixture("check-clean", tmp_path)  # a project the check passes
    out = project / "build"
    with (project / "careprint.toml").open("a", encoding="utf-8") as toml:
        toml.write('\n[formats.summary]\nheading = "Chapters"\n')
    check = ("check", project, "--outputs", "-e", "survivors", "--output-format", "summary")
    with registry.registered(SUMMARY):
        result = invoke("build", project, "-e", "survivors", "-f", "summary", "-j", "1")
        assert result.exit_code == 0, result.output
        summary = out / "survivors/summary.txt"
        assert summary.read_text() == "Chapters\n1. Small steps toward calm\n"
        page = (out / "index.html").read_text()
        assert re.search(r'<a href="survivors/summary.txt">Summary: the chapters. titles, '
                         r'as plain text</a> <span class="facts">TXT, 1 KB</span>', page), page
        result = invoke(*check)
        assert result.exit_code == 0, result.output
        assert "checked build/survivors/summary.txt: the summary format's " \
            "every_chapter_listed" in result.output
        summary.write_text("Chapters\n")
        result = invoke(*check)
        assert result.exit_code == 1
        assert "build/survivors/summary.txt: error: outputs: does not list chapter 1, " \
            "'Small steps toward calm': build it again" in result.output, result.output
        (project / "careprint.toml").write_text(
            (project / "careprint.toml").read_text().replace("heading =", "headline ="))
        result = invoke("build", project, "-f", "summary", "-j", "1")
        assert result.exit_code == 1 and "formats.summary.headline" in result.output, \
            result.output


def test_a_format_defined_in_a_test_is_built_listed_and_pruned(tmp_path):
    project = copy_fixture("minimal", tmp_path)
    out = project / "build"
    with registry.registered(SUMMARY):
        result = invoke("build", project, "-f", "summary", "-j", "1")
        assert result.exit_code == 0, result.output
        assert (out / "everyone/summary.txt").read_text() == "Contents\n1. Hello there\n"
        entry = json.loads((out / ".careprint/manifest.json").read_text())["targets"]
        assert entry["everyone/summary.txt"]["size"] == len("Contents\n1. Hello there\n")
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
    assert "pdf" in registry.names() and len(registry.names()) == len(registry.BUILT_IN)


def test_the_check_does_not_import_the_build(tmp_path):
    """check reads the model, the registry and the manifest; it never reaches into build,
    not even where it compares the outputs with the sources (check/stale.py)."""
    project = copy_fixture("minimal", tmp_path)
    code = """if True:
        import sys
        from careprint.check import run_checks
        from careprint.check.stale import stale_outputs
        from careprint.source.editions import apply_edition
        from careprint.source.load import load_project
        from pathlib import Path
        root = Path(sys.argv[1])
        run_checks(root)
        guide = load_project(root)
        stale_outputs(guide, [apply_edition(guide, "everyone")], root / "build", ("pdf",),
                      str, None)
        assert "careprint.pipeline.build" not in sys.modules, \
            "check imported careprint.pipeline.build"
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


def test_the_check_asks_each_file_what_its_format_names(tmp_path):
    """`check --outputs` checks a file as its format's `checks` say, never by its folder or
    its name: a booklet (printed only, so not tagged) passes "pdf-print-only", and its
    handouts are asked for the crisis lines only."""
    booklet = registry.get("booklet")
    guide, handout = (Job("booklet", "survivors", item, "x.pdf", 1, "") for item in
                      ("", "01-calm-steps"))
    assert booklet.checks_of(guide) == ("pdf-print-only", "phone-split", "crisis-resources")
    assert booklet.checks_of(handout) == ("pdf-print-only", "phone-split", "crisis-lines")
    project = copy_fixture("check-clean", tmp_path)
    run_careprint("build", project, "-e", "survivors", "-f", "booklet", check=True)
    proc = run_careprint("check", project, "--outputs", "-e", "survivors",
                         "--output-format", "booklet", "--format", "json")
    report = json.loads(proc.stdout)
    assert [f for f in report["findings"] if f["rule"] in
            ("pdf-accessibility", "crisis-resources", "outputs")] == [], report["findings"]
    assert {"pdf-accessibility", "phone-split"} <= set(report["rules"])
