"""Rules from outside careprint: a package names a module in the entry point group
`careprint.rules`, and importing that module declares its rule with `@rule`, as careprint's
own rules are declared (careprint/check/registry.py). A contributor's new rule is one
module, plus the packaging that names it: nothing in careprint to edit.

The tests "install" a plugin as pip would, without pip: a module and a `*.dist-info`
folder with METADATA and entry_points.txt on the PYTHONPATH of a `careprint` subprocess,
which is how importlib.metadata finds an installed distribution.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, careprint_env

import careprint

CAREPRINT = str(Path(careprint.__file__).resolve().parents[1])  # the careprint under test
CHAPTER = "content/chapters/01-calm-steps.md"

# The whole of a contributor's new rule: one module.
SHOUTING = '''\
"""A rule of its own: no line of a chapter shouts in capitals."""

import re

from careprint.check.registry import ACCESSIBILITY, Opt, rule

CAPITALS_RE = re.compile(r"\\b[A-Z][A-Z' ]*[A-Z]\\b")


@rule("no-shouting", "line", group=ACCESSIBILITY, severity="warning",
      doc="no line is written in capitals, which reads as shouting",
      options={"min_letters": Opt(int, "Fewest capitals in a row to report.", default=12,
                                  lo=2, hi=1000)})
def no_shouting(ctx, path, n, text, eid):
    for m in CAPITALS_RE.finditer(text):
        if sum(c.isalpha() for c in m.group(0)) >= ctx.opt("no-shouting", "min_letters"):
            ctx.add("no-shouting", path, n, f"\\"{m.group(0)}\\" is in capitals, which "
                    "reads as shouting: write it in sentence case", eid)
'''
# ... and its packaging (pip writes the dist-info from the plugin's pyproject.toml:
#     [project.entry-points."careprint.rules"]
#     no-shouting = "careprint_shouting"
# ).
ENTRY_POINTS = "[careprint.rules]\nno-shouting = careprint_shouting\n"


def install(site: Path, module: str, source: str, entry_points: str) -> Path:
    """`pip install` a one-module plugin into `site`, as pip lays it out."""
    site.mkdir(parents=True, exist_ok=True)
    (site / f"{module}.py").write_text(source, "utf-8")
    dist = site / f"{module}-0.1.dist-info"
    dist.mkdir()
    name = module.replace("_", "-")
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n",
                                   "utf-8")
    (dist / "entry_points.txt").write_text(entry_points, "utf-8")
    return site


def project(tmp_path: Path, toml: str = "") -> Path:
    root = tmp_path / "guide"
    shutil.copytree(FIXTURES / "check-clean", root)
    chapter = root / CHAPTER
    text = chapter.read_text("utf-8").rstrip("\n") + "\n\nPLEASE READ THIS NOW, when you like.\n"
    chapter.write_text(text, "utf-8")
    if toml:
        config = root / "careprint.toml"
        config.write_text(config.read_text("utf-8") + "\n" + toml + "\n", "utf-8")
    return root


def shouting_line(root: Path) -> int:
    lines = (root / CHAPTER).read_text("utf-8").splitlines()
    return next(i for i, t in enumerate(lines, 1) if "PLEASE READ" in t)


def careprint_with(site: Path | None, *args, python=(sys.executable,)):
    """`python -m careprint ARGS` with the plugins of `site` installed. Run in CAREPRINT:
    `-m` puts the current folder first on sys.path, before PYTHONPATH."""
    path = f"{site}{os.pathsep}{CAREPRINT}" if site else CAREPRINT
    return subprocess.run([*python, "-m", "careprint", *map(str, args)],
                          env=careprint_env(PYTHONPATH=path), cwd=CAREPRINT,
                          capture_output=True, text=True, timeout=120)


def check_json(site: Path | None, root: Path) -> tuple[int, dict]:
    proc = careprint_with(site, "check", root, "--format", "json")
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def test_an_installed_plugin_rule_reports_at_file_line_and_is_listed(tmp_path):
    site = install(tmp_path / "site", "careprint_shouting", SHOUTING, ENTRY_POINTS)
    assert sorted(p.name for p in site.iterdir()) == ["careprint_shouting-0.1.dist-info",
                                                      "careprint_shouting.py"]
    root = project(tmp_path)
    status, report = check_json(site, root)
    assert "no-shouting" in report["rules"]  # the rules that ran, listed by the report
    found = [f for f in report["findings"] if f["rule"] == "no-shouting"]
    assert [(f["file"], f["line"], f["severity"]) for f in found] == \
        [(CHAPTER, shouting_line(root), "warning")]
    assert found[0]["message"].startswith('"PLEASE READ THIS NOW" is in capitals')
    assert status == 0  # a warning
    # the text report names it at file:line, as every rule's finding
    proc = careprint_with(site, "check", root)
    assert f"{CHAPTER}:{shouting_line(root)}: warning: no-shouting: " in proc.stdout


def test_a_plugin_rule_takes_its_options_from_careprint_toml(tmp_path):
    site = install(tmp_path / "site", "careprint_shouting", SHOUTING, ENTRY_POINTS)
    root = project(tmp_path, '[check.no-shouting]\nmin_letters = 40\n')
    _, report = check_json(site, root)
    assert not [f for f in report["findings"] if f["rule"] == "no-shouting"]

    root = project(tmp_path / "b", '[check.no-shouting]\nmin_letters = 5\nseverity = "error"\n')
    status, report = check_json(site, root)
    assert [(f["rule"], f["severity"]) for f in report["findings"]] == [("no-shouting",
                                                                         "error")]
    assert status == 1

    root = project(tmp_path / "c", '[check.no-shouting]\nmin_leters = 5\n')
    status, report = check_json(site, root)
    assert status == 1
    wrong = [f for f in report["findings"] if f["rule"] == "project"]
    assert wrong and wrong[0]["file"] == "careprint.toml"
    assert "check.no-shouting.min_leters: unknown key;" in wrong[0]["message"]
    assert "min_letters" in wrong[0]["message"]


def test_a_marker_silences_a_plugin_rule(tmp_path):
    site = install(tmp_path / "site", "careprint_shouting", SHOUTING, ENTRY_POINTS)
    root = project(tmp_path)
    chapter = root / CHAPTER
    chapter.write_text(chapter.read_text("utf-8").replace(
        "PLEASE READ", "<!-- careprint: allow no-shouting: a quoted sign -->\nPLEASE READ"),
        "utf-8")
    status, report = check_json(site, root)
    assert not [f for f in report["findings"] if f["rule"] in ("no-shouting", "allow-marker")]
    assert report["summary"]["silenced"] == 1


def test_without_the_plugin_its_table_is_an_unknown_rule(tmp_path):
    root = project(tmp_path, '[check.no-shouting]\nmin_letters = 5\n')
    status, report = check_json(None, root)
    assert status == 1
    assert "no-shouting" not in report["rules"]
    assert any(f["message"].startswith("check.no-shouting: unknown rule")
               for f in report["findings"])


def test_a_plugin_that_cannot_be_imported_is_named_without_a_traceback(tmp_path):
    site = install(tmp_path / "site", "careprint_broken", "import no_such_module_here\n",
                   "[careprint.rules]\nbroken = careprint_broken\n")
    proc = careprint_with(site, "check", project(tmp_path))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "'broken' (careprint_broken)" in proc.stderr
    assert "'careprint-broken'" in proc.stderr and "careprint.rules" in proc.stderr


def test_a_plugin_may_not_take_a_built_in_rule_id_even_under_python_O(tmp_path):
    """A declaration is checked by code, not `assert`: `python -O` checks it too."""
    clash = SHOUTING.replace('"no-shouting", "line"', '"jargon", "line"')
    site = install(tmp_path / "site", "careprint_shouting", clash, ENTRY_POINTS)
    proc = careprint_with(site, "check", project(tmp_path), python=(sys.executable, "-O"))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    plugin = site / "careprint_shouting.py"
    # both are named: the plugin's declaration, and careprint's rule it clashes with
    builtin = Path(CAREPRINT, "careprint", "check", "rules_structure.py")
    assert f"{plugin}:10: the rule 'jargon': careprint has a rule of this id (declared at " \
        f"{builtin}:" in proc.stderr
    assert "give this rule another id" in proc.stderr


def test_a_function_of_an_undeclared_rule_is_an_error_under_python_O(tmp_path):
    """Before, `@rule` on an id missing from RULES was an `assert`: gone under -O, and the
    function silently never ran."""
    stray = ("from careprint.check.registry import rule\n\n\n"
             "@rule('no-shouting', 'line')\ndef f(ctx, path, n, text, eid):\n    pass\n")
    site = install(tmp_path / "site", "careprint_shouting", stray, ENTRY_POINTS)
    proc = careprint_with(site, "check", project(tmp_path), python=(sys.executable, "-O"))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert f"{site / 'careprint_shouting.py'}:4: 'no-shouting' is no rule: declare it once" \
        in proc.stderr


def test_a_contributor_adds_a_rule_to_careprint_in_one_file(tmp_path):
    """Issue 26's trial: a new rule of careprint's own is one new file, with nothing else to
    edit. In a copy of careprint with the module SHOUTING added as check/rules_shouting.py,
    the rule is in RULES, has its [check.no-shouting] options, is in both generated docs
    (docs/config.md and the table of docs/checks.md) and runs in `careprint check`."""
    src = tmp_path / "src"
    shutil.copytree(Path(CAREPRINT, "careprint"), src / "careprint",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (src / "careprint" / "check" / "rules_shouting.py").write_text(SHOUTING, "utf-8")
    script = ("import json\n"
              "from careprint.check.rules import RULES\n"
              "from careprint.check.registry import check_options\n"
              "from careprint.commands.config_docs import checks_doc, render, rules_table\n"
              f"checks = open({str(Path(CAREPRINT, 'docs', 'checks.md'))!r}).read()\n"
              "print(json.dumps({'rules': list(RULES), 'table': rules_table(),\n"
              "    'options': list(check_options()['no-shouting']), 'config': render(),\n"
              "    'checks': checks_doc(checks)}))\n")
    # cwd: `python -c` and `-m` put the current folder first on sys.path
    proc = subprocess.run([sys.executable, "-c", script], env=careprint_env(PYTHONPATH=str(src)),
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout)
    assert seen["rules"][seen["rules"].index("language") + 1] == "no-shouting"  # its group
    assert seen["options"] == ["enabled", "severity", "min_letters"]
    doc = "no line is written in capitals, which reads as shouting"
    assert f"| [`no-shouting`](#no-shouting) | accessibility | warning | any | {doc} |" \
        in seen["table"].splitlines()
    config = seen["config"]
    assert f"| `no-shouting` | warning | {doc} | `min_letters` |" in config.splitlines()
    section = config.split("### `[check.no-shouting]`\n", 1)[1].split("\n### ", 1)[0]
    assert "`min_letters`" in section and "Fewest capitals in a row to report." in section
    # docs/checks.md: a section of its own, made from the declaration
    section = seen["checks"].split("#### `no-shouting`\n", 1)[1].split("\n#### ", 1)[0]
    assert f"**Checks** that {doc}. Default: **warning**." in section
    assert "careprint: allow no-shouting" in section and "[check.no-shouting]" in section

    root = project(tmp_path, '[check.no-shouting]\nseverity = "error"\n')
    proc = subprocess.run([sys.executable, "-m", "careprint", "check", str(root)],
                          env=careprint_env(PYTHONPATH=str(src)), cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert f"{CHAPTER}:{shouting_line(root)}: error: no-shouting: " in proc.stdout


def test_a_wrong_declaration_is_an_error_at_its_line():
    """Each mistake in an @rule is a RuleError naming the declaration's file:line, raised by
    code (not `assert`), before anything is registered."""
    import pytest

    from careprint.check.registry import RULES, Opt, RuleError, rule

    here = Path(__file__).resolve()
    cases = [
        (dict(subject="lines"), "which is no subject; use one of: chapter, text"),
        # careprint runs the rules of built files itself: another package's would never run
        (dict(subject="outputs"), "looks at 'outputs', which is no subject; use one of: "),
        (dict(severity="fatal"), "severity 'fatal' is not one of: error, warning"),
        (dict(rule_id="No_Shouting"), "a rule id is lower-case letters and digits"),
        (dict(group=""), "give its group"),
        (dict(doc="two\nlines"), "`doc` says in one line what it checks"),
        (dict(options={"enabled": Opt(bool, "x", default=True)}), "its option 'enabled'"),
        (dict(rule_id="project"), "this id is careprint's own"),
    ]
    for wrong, message in cases:
        given = dict(rule_id="no-shouting-test", subject="line", group="accessibility",
                     doc="lines in capitals", severity="warning", options={}) | wrong
        rule_id, subject = given.pop("rule_id"), given.pop("subject")
        with pytest.raises(RuleError) as err:
            rule(rule_id, subject, **given)
        line = err.traceback[0].lineno + 1  # the traceback's lines count from 0
        assert str(err.value.message).startswith(f"{here}:{line}: "), err.value.message
        assert message in err.value.message
    assert "no-shouting-test" not in RULES
