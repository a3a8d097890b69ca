"""docs/config.md is generated from the schema of careprint.toml and must agree with it."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT

from careprint.config import load_config
from careprint.config_docs import DOC_PATH, render
from careprint.config_schema import (
    CHECK_OPTS,
    EDITION_OPTS,
    FORMAT_OPTS,
    GUIDE_OPTS,
    PAPER_OPTS,
)

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
              **{f"[formats.{f}]": opts for f, opts in FORMAT_OPTS.items()}}
    for rule, opts in CHECK_OPTS.items():
        own = {k: o for k, o in opts.items() if k not in ("enabled", "severity")}
        if own:
            tables[f"[check.{rule}]"] = own
        assert re.search(rf"^\| `{rule}` \| {opts['severity'].default} \|", text, re.M), rule
    tables["[check.<rule>]"] = {k: CHECK_OPTS["jargon"][k] for k in ("enabled", "severity")}
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
