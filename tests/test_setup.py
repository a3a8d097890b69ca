"""Set-up: what `make build` installs, and careprint installed as a tool, away from here."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

from conftest import ROOT, careprint_env
from pypdf import PdfReader


def make_dry_run(target: str, venv) -> str:
    proc = subprocess.run(["make", "-n", "-C", str(ROOT), target, f"VENV={venv}"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_make_build_installs_only_what_building_needs(tmp_path):
    build = make_dry_run("build", tmp_path / "venv")
    assert "pip install -q -e .\n" in build
    assert "[test]" not in build and "install-ace" not in build
    test = make_dry_run("test", tmp_path / "venv")
    assert 'pip install -q -e ".[test]"' in test
    assert "pytest" in test and "ruff check" in test
    # the layers of docs/architecture.md, checked before the tests (issue 26)
    assert test.index("/bin/lint-imports") < test.index("/bin/pytest"), test
    assert test.index("/bin/mypy") < test.index("/bin/pytest"), test  # and the types


def test_the_readme_says_how_to_run_careprint_and_how_long_set_up_takes():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert ". .venv/bin/activate" in readme and ".venv/bin/careprint" in readme
    assert "pipx install ." in readme
    setup = readme.split("## Set up", 1)[1].split("### Running", 1)[0]
    build, test = setup.split("make build", 1)[0], setup.split("make build", 1)[1]
    # each set-up command says how long it takes, in minutes, before it is shown
    assert re.search(r"\((?:about|\w+ to \w+) [\w ]*minutes? on", build), build
    assert re.search(r"\(about \d+ minutes on 2 cores", test.split("make test", 1)[0]), test


def test_a_non_editable_install_builds_a_new_guide_in_any_folder(tmp_path):
    """pip install (not -e) of careprint, offline, then init and build far from the checkout:
    the templates and the scaffold must be in the installed package."""
    src = tmp_path / "src"
    shutil.copytree(ROOT / "careprint", src / "careprint",
                    ignore=shutil.ignore_patterns("__pycache__"))  # follows careprint/docs
    for name in ("pyproject.toml", "setup.cfg", "README.md"):
        shutil.copy(ROOT / name, src / name)
    site = tmp_path / "site"
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                           "--no-build-isolation", "--no-index", "--target", str(site),
                           str(src)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not (src / "build").exists(), "setuptools wrote into build/, careprint's outputs"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = careprint_env(PYTHONPATH=str(site))

    def run(*args):
        proc = subprocess.run(args, cwd=elsewhere, env=env, capture_output=True, text=True,
                              timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc.stdout

    where = run(sys.executable, "-c", "import careprint; print(careprint.__file__)")
    assert where.startswith(str(site)), where  # the installed copy, not this checkout
    careprint = str(site / "bin" / "careprint")
    run(careprint, "init", "my-guide", "--title", "Anywhere")
    assert (elsewhere / "my-guide/.gitignore").is_file()
    run(careprint, "build", "my-guide", "-f", "pdf", "-e", "survivors", "--jobs", "1")
    pdf = elsewhere / "my-guide/build/survivors/anywhere-survivors-a4.pdf"
    assert PdfReader(str(pdf)).metadata.title.startswith("Anywhere")
    # the manual travels with the package (careprint/docs, issue 26): `careprint docs`
    # reads its pages from the installed copy
    page = run(careprint, "docs", "config", "--path").strip()
    assert page == str(site / "careprint/docs/config.md"), page
    assert run(careprint, "docs", "content-format") == \
        (ROOT / "docs/content-format.md").read_text("utf-8")
