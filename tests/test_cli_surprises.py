"""A CLI without surprises (issue 26): the project found from a subfolder, `list` that never
says it wrote nothing, `check --format` with no `-f`, doctor's exit status and JSON, `list
--format json`, `init`'s next command quoted, and `careprint docs`."""

from __future__ import annotations

import json
import shlex

from click.testing import CliRunner
from conftest import ROOT, copy_fixture

from careprint.cli import main


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="careprint")


# ------------------------------------------------------- 5: the project from a subfolder


def test_list_and_build_find_careprint_toml_in_a_parent_folder(tmp_path, monkeypatch):
    project = copy_fixture("two-editions", tmp_path)
    monkeypatch.chdir(project / "content" / "chapters")
    result = invoke("list")
    assert result.exit_code == 0, result.output
    assert "a: Edition A (Readers of A)" in result.output
    result = invoke("build", "-f", "epub", "-e", "a", "--jobs", 1)
    assert result.exit_code == 0, result.output
    assert (project / "build/a/twin-a.epub").is_file()
    assert not (project / "content/chapters/build").exists()


def test_the_search_stops_at_a_git_repository_top_folder(tmp_path, monkeypatch):
    """A careprint.toml above a repository of your own is someone else's project."""
    copy_fixture("two-editions", tmp_path)  # tmp_path/two-editions holds careprint.toml
    mine = tmp_path / "two-editions" / "mine"
    (mine / ".git").mkdir(parents=True)
    (mine / "notes").mkdir()
    monkeypatch.chdir(mine / "notes")
    result = invoke("list")
    assert result.exit_code == 1
    # the error names where the search looked, and why it stopped
    assert f"careprint.toml: not found in {mine / 'notes'} or any folder above it up to " \
        f"{mine} (the search stops there: it is the top of a git repository)" in \
        " ".join(result.output.split()), result.output


def test_list_outside_a_project_does_not_say_nothing_was_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("list")
    assert result.exit_code == 1
    assert result.output.startswith("Error: 1 problem found:\n  careprint.toml: not found "), \
        result.output
    assert "nothing was written" not in result.output
    # a build would have written, and still says so
    assert "nothing was written" in invoke("build").output


# ---------------------------------------------------------- 6: check's --format, no -f


def test_check_format_has_no_short_f(fixture_project):
    project = fixture_project("minimal")
    result = invoke("check", project, "-f", "json")
    assert result.exit_code == 2
    assert "Error: No such option '-f'." in result.output, result.output
    result = invoke("check", project, "--format", "json")
    assert json.loads(result.output)["schema"].startswith("careprint-check/")
    fmt = next(p for p in main.commands["check"].params if p.name == "fmt")
    assert fmt.opts == ["--format"] and not fmt.secondary_opts
    for doc in ("docs/checks.md", "README.md"):
        assert "check -f" not in (ROOT / doc).read_text("utf-8"), doc


# ----------------------------------------------------------- 7: doctor and list as JSON


def test_doctor_exits_1_when_a_tool_the_build_needs_is_missing(tmp_path, monkeypatch):
    monkeypatch.setattr("careprint.commands.doctor._dist_version",
                        lambda name: None if name == "ebooklib" else "1.0")
    result = invoke("doctor", copy_fixture("minimal", tmp_path))
    assert result.exit_code == 1, result.output
    assert "!!  ebooklib: missing (pip install ebooklib)" in result.output
    assert result.output.rstrip().endswith(
        "careprint doctor: 1 of what careprint build needs is missing (!! above): install "
        "it, then run careprint doctor again"), result.output
    found = json.loads(invoke("doctor", tmp_path / "minimal", "--format", "json").output)
    assert found["schema"] == "careprint-doctor/1" and found["ok"] is False
    row = next(t for t in found["tools"] if t["what"] == "ebooklib")
    assert row == {"what": "ebooklib", "finding": "missing (pip install ebooklib)",
                   "ok": False, "required": True}


def test_doctor_json_on_a_machine_with_what_the_build_needs(tmp_path):
    result = invoke("doctor", copy_fixture("minimal", tmp_path), "--format", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["ok"] is True
    assert {t["what"] for t in found["tools"]} >= {"careprint", "Python", "ebooklib"}
    assert all(set(t) == {"what", "finding", "ok", "required"} for t in found["tools"])


def test_list_format_json(fixture_project):
    project = fixture_project("two-editions")
    result = invoke("list", project, "--format", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["schema"] == "careprint-list/1"
    a, b = found["editions"]
    assert (a["id"], a["title"], a["audience"]) == ("a", "Edition A", "Readers of A")
    assert [c["slug"] for c in b["chapters"]] == ["start", "second-steps", "b-extra"]
    assert "build/a/twin-a.epub" in a["outputs"]["epub"]
    assert found["library"] == "build/index.html"
    assert not (project / "build").exists()


# --------------------------------------------------------- 8: init's next command, quoted


def test_init_prints_a_next_command_that_pastes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("init", "My Guide 2", "--title", "My Guide")
    assert result.exit_code == 0, result.output
    last = result.output.rstrip().splitlines()[-1]
    assert last == "Next: careprint build 'My Guide 2'", last
    assert shlex.split(last.removeprefix("Next: ")) == ["careprint", "build", "My Guide 2"]


# ---------------------------------------------------------- 9: the docs, on this computer


def test_careprint_docs_lists_and_prints_the_pages():
    result = invoke("docs")
    assert result.exit_code == 0, result.output
    assert "content-format   The content format" in result.output
    assert invoke("docs", "checks").output == (ROOT / "docs/checks.md").read_text("utf-8")
    result = invoke("docs", "chekcs")
    assert result.exit_code == 1
    assert "no page 'chekcs' in careprint's documentation; did you mean 'checks'?" in \
        result.output


def test_a_new_projects_readme_points_to_careprint_docs(tmp_path):
    assert invoke("init", tmp_path / "g", "--title", "G").exit_code == 0
    readme = (tmp_path / "g/README.md").read_text("utf-8")
    assert "`careprint docs content-format`" in readme and "`careprint docs config`" in readme
    assert "docs/content-format.md" not in readme  # a path a pipx user does not have
