"""docs/security.md lists every guarantee with the test that checks it: each test it names
must exist, so a renamed or deleted test cannot leave a promise unchecked."""

from __future__ import annotations

import ast
import re

from conftest import ROOT

DOC = ROOT / "docs" / "security.md"


def named_tests() -> list[tuple[str, str]]:
    """(file, name) of every test the guarantee table names; `::name` continues a file."""
    section = DOC.read_text("utf-8").split("## Every guarantee", 1)[1]
    found = []
    for row in section.splitlines():
        if not row.startswith("| "):
            continue
        current = None
        for ref in re.findall(r"`([^`]*::[^`]+)`", row):
            file, _, name = ref.partition("::")
            current = file or current
            found.append((current, name))
    return found


def defined(path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


def test_every_test_the_security_page_names_exists():
    refs = named_tests()
    assert len(refs) >= 40, refs
    missing = [f"{file}::{name}" for file, name in refs
               if name not in defined(ROOT / file)]
    assert not missing, f"docs/security.md names tests that do not exist: {missing}"


def test_the_table_reads_the_files_it_names():
    """The parser above is not vacuous: a made-up name is reported missing."""
    assert ("tests/test_sandbox.py", "test_a_template_cannot_reach_python") in named_tests()
    assert "test_no_such_thing" not in defined(ROOT / "tests" / "test_sandbox.py")
