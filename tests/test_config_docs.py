"""docs/config.md is generated from the schema of careprint.toml and must agree with it."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT

from careprint.check.registry import builtin_rules
from careprint.commands.config_docs import DOC_PATH, render
from careprint.source.config import load_config
from careprint.source.config_schema import EDITION_OPTS, GUIDE_OPTS, PAPER_OPTS, format_opts

DOC = ROOT / DOC_PATH


def test_docs_config_md_is_what_the_schema_generates():
    assert DOC.is_file(), f"{DOC_PATH} is missing: run python scripts/gen-config-docs.py"
    assert DOC.read_text("utf-8") == render(), \
        f"{DOC_PATH} is out of date: run python scripts/gen-config-docs.py"
    assert "do not edit" in DOC.read_text("utf-8").splitlines()[0]


def _section(text: str, heading: str) -> str:
    start = text.index(f"`{heading}`\n")
    end = text.find("\n#", start)
    return text[start:end if end > 0 else None]


def test_every_key_is_documented_with_its_type_default_and_meaning():
    text = render()
    tables = {"[guide]": GUIDE_OPTS, "[editions.<name>]": EDITION_OPTS, "[paper]": PAPER_OPTS,
              **{f"[formats.{f}]": opts for f, opts in format_opts().items()}}
    for rule in builtin_rules().values():
        if rule.options:
            tables[f"[check.{rule.id}]"] = rule.options
        assert re.search(rf"^\| `{rule.id}` \| {rule.severity} \|", text, re.M), rule.id
    common = builtin_rules()["jargon"].option_table()
    tables["[check.<rule>]"] = {k: common[k] for k in ("enabled", "severity")}
    for heading, opts in tables.items():
        section = _section(text, heading)
        for key, opt in opts.items():
            row = re.search(rf"^\| `{re.escape(key)}` \| ([^|]+) \| ([^|]+) \| (.+) \|$",
                            section, re.M)
            assert row, f"{heading} {key}: no row"
            assert " ".join(opt.doc.split()) in row.group(3), f"{heading} {key}: meaning"
            if opt.required:
                assert row.group(2) == "required", f"{heading} {key}"


def test_the_example_in_the_docs_loads(tmp_path):
    example = re.search(r"```toml\n(.*?)```", DOC.read_text("utf-8"), re.S).group(1)
    (tmp_path / "careprint.toml").write_text(example, "utf-8")
    config = load_config(tmp_path)
    assert config.guide.slug == "safe-to-feel"


def test_the_docs_that_config_files_cite_exist():
    for rel in ("careprint.toml", "careprint/scaffold/careprint.toml", "README.md"):
        cited = re.findall(r"docs/[\w-]+\.md", (ROOT / rel).read_text("utf-8"))
        assert "docs/config.md" in cited, rel
        for doc in cited:
            assert (ROOT / doc).is_file(), f"{rel} cites {doc}, which does not exist"


def test_the_generator_script_checks_the_committed_file():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts/gen-config-docs.py"),
                           "--check"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_the_table_of_rules_in_checks_md_is_what_the_rules_declare():
    """docs/checks.md's table of rules is generated from each rule's @rule, as config.md is:
    one row per rule of careprint's, with its group, default severity, languages and doc."""
    from careprint.commands.config_docs import CHECKS_DOC_PATH, checks_doc, rules_table

    doc = (ROOT / CHECKS_DOC_PATH).read_text("utf-8")
    assert doc == checks_doc(doc), \
        f"{CHECKS_DOC_PATH} is out of date: run python scripts/gen-config-docs.py"
    rules = builtin_rules()
    rows = [line for line in rules_table().splitlines()[2:]]
    assert len(rows) == len(rules) >= 28
    for row, rule in zip(rows, rules.values(), strict=True):
        languages = ", ".join(f"`{c}`" for c in rule.languages) if rule.languages else "any"
        assert row == (f"| [`{rule.id}`](#{rule.id}) | {rule.group} | {rule.severity} | "
                       f"{languages} | {rule.doc} |")
        assert row in doc
