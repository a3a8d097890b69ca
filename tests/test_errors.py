"""Bad input: exit status 1, every problem named by file:line or config key, nothing written."""

from __future__ import annotations

import shutil

import pytest
from conftest import FIXTURES, copy_fixture, run_careprint

# fixture -> the locations that stderr must name (and, for each, a word of the message)
CASES = {
    "bad-yaml": [("content/chapters/01-broken.md:3", "invalid YAML")],
    "unknown-key": [("content/chapters/01-extra-key.md:3", "'colour'")],
    "unknown-edition": [("content/chapters/01-wrong-list.md:3", "'nope'"),
                        ("content/chapters/02-wrong-block.md:6", "'nope'")],
    "unclosed-block": [("content/chapters/01-open.md:6", "never closed")],
    "dangling-ref": [("content/chapters/01-links.md:6", "[[chapter:missing]]"),
                     ("content/chapters/01-links.md:8", "[[chapter:b-only]]")],
    "missing-title": [("content/chapters/01-untitled.md:2", "'title'")],
    "bad-toml": [("careprint.toml:2", "invalid TOML")],
    "bad-config": [("careprint.toml:12: editions.x.title", "expected a string"),
                   ("careprint.toml:13: editions.x.colour", "unknown key")],
}


def problem_lines(stderr: str) -> list[str]:
    """The indented problem lines under 'N problems found; nothing was written:'."""
    return [ln.strip() for ln in stderr.splitlines() if ln.startswith("  ")]


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_fails_cleanly(case, tmp_path):
    project = copy_fixture(case, tmp_path)
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    proc = run_careprint("build", project, cwd=tmp_path)
    assert proc.returncode == 1, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "bug in careprint" not in proc.stderr
    lines = problem_lines(proc.stderr)
    for where, word in CASES[case]:
        matching = [ln for ln in lines if ln.startswith(f"{where}: ")]
        assert matching, f"{where} not named in stderr:\n{proc.stderr}"
        assert any(word in ln for ln in matching), f"{word!r} not in {matching}"
    n = len(lines)
    assert f"{n} problem{'s' if n != 1 else ''} found; nothing was written" in proc.stderr
    assert proc.stdout == ""
    # nothing written: no build folder, in the project or in the working directory
    assert not (project / "build").exists()
    assert not (tmp_path / "build").exists()
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before


def test_missing_title_names_the_key_line_only_once(tmp_path):
    project = copy_fixture("missing-title", tmp_path)
    proc = run_careprint("build", project)
    assert problem_lines(proc.stderr) == [
        "content/chapters/01-untitled.md:2: missing required key 'title'"]


def test_dangling_ref_is_an_error_once_and_per_edition_where_it_is_left_out(tmp_path):
    """[[chapter:missing]] fails in every edition alike: it is named once, for no edition
    in particular. [[chapter:b-only]] fails only in edition a, which leaves b-only out."""
    proc = run_careprint("build", copy_fixture("dangling-ref", tmp_path))
    lines = problem_lines(proc.stderr)
    line6 = [ln for ln in lines if ln.startswith("content/chapters/01-links.md:6: ")]
    line8 = [ln for ln in lines if ln.startswith("content/chapters/01-links.md:8: ")]
    assert len(line6) == 1 and "[edition" not in line6[0], lines
    assert len(line8) == 1 and line8[0].endswith("[edition a]")
    assert "leaves out" in line8[0]
    assert "2 problems found" in proc.stderr


def test_dangling_ref_suggests_the_nearest_slug(tmp_path):
    project = copy_fixture("dangling-ref", tmp_path)
    chapter = project / "content/chapters/01-links.md"
    chapter.write_text(chapter.read_text().replace("[[chapter:missing]]", "[[chapter:b-onyl]]"))
    proc = run_careprint("build", project)
    assert proc.returncode == 1
    assert problem_lines(proc.stderr)[0] == (
        "content/chapters/01-links.md:6: [[chapter:b-onyl]] points to no chapter; no chapter "
        "has the id 'b-onyl': did you mean b-only?")


def test_dangling_ref_in_the_edition_that_keeps_the_target_still_fails(tmp_path):
    """Building only edition b still reports the reference to no chapter at all."""
    proc = run_careprint("build", copy_fixture("dangling-ref", tmp_path), "--edition", "b")
    assert proc.returncode == 1
    lines = problem_lines(proc.stderr)
    assert len(lines) == 1 and lines[0].startswith("content/chapters/01-links.md:6: ")
    assert "no chapter has the id 'missing'" in lines[0]


def test_bad_config_lists_both_problems(tmp_path):
    proc = run_careprint("build", copy_fixture("bad-config", tmp_path))
    lines = problem_lines(proc.stderr)
    assert len(lines) == 2, proc.stderr
    assert "2 problems found" in proc.stderr


def test_all_problems_are_listed_together(tmp_path):
    """Two broken chapters in one project: both are reported, in one run."""
    proc = run_careprint("build", copy_fixture("unknown-edition", tmp_path))
    assert proc.returncode == 1
    lines = problem_lines(proc.stderr)
    assert [ln.split(": ", 1)[0] for ln in lines] == [
        "content/chapters/01-wrong-list.md:3", "content/chapters/02-wrong-block.md:6"]
    assert "2 problems found; nothing was written" in proc.stderr


def test_problems_of_different_kinds_are_listed_together(tmp_path):
    """Chapters broken in different ways (YAML, unknown key, unclosed block, no title)."""
    project = copy_fixture("two-editions", tmp_path)
    chapters = project / "content" / "chapters"
    for case, name, dest in [("bad-yaml", "01-broken.md", "13-broken.md"),
                             ("unknown-key", "01-extra-key.md", "14-extra-key.md"),
                             ("unclosed-block", "01-open.md", "15-open.md"),
                             ("missing-title", "01-untitled.md", "16-untitled.md")]:
        shutil.copy(FIXTURES / case / "content" / "chapters" / name, chapters / dest)
    proc = run_careprint("build", project)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    where = {ln.split(": ", 1)[0] for ln in problem_lines(proc.stderr)}
    assert where == {"content/chapters/13-broken.md:3", "content/chapters/14-extra-key.md:3",
                     "content/chapters/15-open.md:6", "content/chapters/16-untitled.md:2"}
    assert "4 problems found; nothing was written" in proc.stderr
    assert not (project / "build").exists()


def test_previous_outputs_survive_a_failed_build(tmp_path):
    """A broken project fails before any output is touched."""
    project = copy_fixture("minimal", tmp_path)
    out = project / "build" / "everyone"
    out.mkdir(parents=True)
    old = out / "tiny-everyone.pdf"
    old.write_bytes(b"previous output")
    state = project / "build" / ".careprint"  # an earlier build's folder (outdir.py)
    state.mkdir()
    (state / "manifest.json").write_text("{}")
    shutil.copy(FIXTURES / "unknown-key" / "content" / "chapters" / "01-extra-key.md",
                project / "content" / "chapters" / "02-extra-key.md")
    proc = run_careprint("build", project)
    assert proc.returncode == 1
    assert "content/chapters/02-extra-key.md:3" in proc.stderr
    assert old.read_bytes() == b"previous output"
    assert sorted(p.name for p in out.iterdir()) == ["tiny-everyone.pdf"]


def test_fixture_bad_lines_are_where_the_tests_say():
    """Guard the fixtures themselves: the bad line is at the line number the tests expect."""
    def line(case, rel, n):
        return (FIXTURES / case / rel).read_text().split("\n")[n - 1]

    assert line("bad-yaml", "content/chapters/01-broken.md", 3).startswith("summary: this:")
    assert line("unknown-key", "content/chapters/01-extra-key.md", 3) == "colour: blue"
    assert line("unknown-edition", "content/chapters/01-wrong-list.md", 3) == "editions: [nope]"
    assert line("unknown-edition", "content/chapters/02-wrong-block.md", 6) == "::: only nope"
    assert line("unclosed-block", "content/chapters/01-open.md", 6) == "::: only a"
    assert "[[chapter:missing]]" in line("dangling-ref", "content/chapters/01-links.md", 6)
    assert "[[chapter:b-only]]" in line("dangling-ref", "content/chapters/01-links.md", 8)
    assert line("bad-toml", "careprint.toml", 2) == 'title = "Tiny Guide'
    assert line("bad-config", "careprint.toml", 12) == "title = 3"
