"""What a build learnt is kept in its state (careprint/pipeline/memos.py): the Markdown
it converted and whether each SVG can be drawn. The next build, `careprint list` and
`careprint check` convert only the texts that changed and draw no picture again, and what
is kept never changes an output, nor gets past a check."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import run_careprint

from careprint.cli import main
from careprint.guard import svgguard
from careprint.source import editions, load, markup, mdmemo

STATE = "build/.careprint/markdown.json"


def new_process() -> None:
    """Forget what this process read, converted and drew, as the next command's process
    would."""
    mdmemo.forget_all_but(set())
    svgguard._DRAWN.clear()
    load._LAST.clear()
    editions._KEPT.clear()


@pytest.fixture
def counted(monkeypatch):
    """Every text Markdown converts from now on, in this process (nothing remembered)."""
    new_process()
    texts: list[str] = []
    real = markup._convert

    def convert(text):
        texts.append(text)
        return real(text)

    monkeypatch.setattr(markup, "_convert", convert)
    return texts


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def checked(project) -> None:
    """`careprint check PROJECT`, which may find problems but must end as a command does."""
    result = CliRunner().invoke(main, ["check", str(project)])
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception


def test_list_and_check_convert_nothing_a_build_converted(fixture_project, counted):
    project = fixture_project("two-editions")
    listed = run("list", str(project))
    assert counted, "list converted no Markdown without a build folder"
    run("build", str(project), "-q", "-f", "html")
    assert (project / STATE).is_file()
    new_process()  # only the build folder's state is left
    counted.clear()
    assert run("list", str(project)) == listed
    assert counted == []
    new_process()
    checked(project)
    assert counted == []


def test_a_rebuild_converts_only_the_edited_chapter(fixture_project, counted):
    project = fixture_project("two-editions")
    run("build", str(project), "-q", "-f", "html")
    before = json.loads((project / STATE).read_text("utf-8"))["entries"]
    chapter = sorted((project / "content" / "chapters").glob("*.md"))[0]
    chapter.write_text(chapter.read_text("utf-8") + "\nA new closing sentence.\n", "utf-8")
    new_process()
    counted.clear()
    run("build", str(project), "-q", "-f", "html")
    assert counted and all("A new closing sentence." in t for t in counted)
    kept = json.loads((project / STATE).read_text("utf-8"))["entries"]
    new = {mdmemo.key(t) for t in counted}
    assert new <= kept.keys() and not new & before.keys()
    assert len(kept) == len(before)  # each edited text's old XHTML is gone with it


@pytest.mark.parametrize("state", ["{not json", json.dumps([1, 2]),
                                   json.dumps({"stamp": "another careprint", "entries": {}})])
def test_a_state_file_that_cannot_be_used_is_passed_over(fixture_project, counted, state):
    project = fixture_project("two-editions")
    listed = run("list", str(project))
    (project / STATE).parent.mkdir(parents=True)
    (project / STATE).write_text(state, "utf-8")
    new_process()
    counted.clear()
    assert run("list", str(project)) == listed
    assert counted


def test_what_is_kept_is_checked_like_what_markdown_makes_and_force_reads_none(
        fixture_project):
    """A build folder is part of an untrusted project: XHTML put in its state for a text
    meets the same checks as Markdown's, and the output guard refuses what gets past
    them, before anything is written. `--force` converts every text afresh. (Each build
    is a new process, as a user's is.)"""
    project = fixture_project("two-editions")
    run_careprint("build", project, "-q", "-f", "html", check=True)
    path = project / STATE
    data = json.loads(path.read_text("utf-8"))
    data["entries"] = {k: "<p>hello</p><script>alert(1)</script>" for k in data["entries"]}
    path.write_text(json.dumps(data), "utf-8")
    toml = project / "careprint.toml"
    toml.write_text(toml.read_text("utf-8") + "\n", "utf-8")  # not a no-op
    refused = run_careprint("build", project, "-q", "-f", "html")
    assert refused.returncode == 1, refused.stderr
    assert "a <script> that is not careprint's" in refused.stderr
    assert "nothing was written" in refused.stderr and "Traceback" not in refused.stderr
    run_careprint("build", project, "-q", "-f", "html", "--force", check=True)
    assert "<script>" not in path.read_text("utf-8")


def test_a_picture_is_drawn_to_test_it_once_and_not_in_the_next_build(fixture_project,
                                                                       monkeypatch):
    project = fixture_project("small-guide")
    drawn: list[str] = []
    real = svgguard._draw
    monkeypatch.setattr(svgguard, "_draw", lambda path: drawn.append(path.name) or real(path))
    new_process()
    run("build", str(project), "-q", "-f", "html")
    assert drawn == ["traffic-light-card.svg"]
    kept = json.loads((project / "build/.careprint/drawn.json").read_text("utf-8"))["entries"]
    assert list(kept.values()) == [None]  # it can be drawn
    chapter = project / "content/chapters/02-safety-first.md"
    chapter.write_text(chapter.read_text("utf-8") + "\nA new closing sentence.\n", "utf-8")
    new_process()
    drawn.clear()
    run("build", str(project), "-q", "-f", "html")
    new_process()
    checked(project)
    assert drawn == []


@pytest.mark.parametrize("how", ["file-link", "folder-link", "device", "too-large"])
def test_a_memo_that_is_a_link_or_no_plain_file_is_never_read(fixture_project, counted,
                                                               tmp_path, how, monkeypatch):
    """A downloaded project's build folder may hold anything: `list` reads no memo that is
    a link (to a file outside the project, to /dev/zero), or lies in a linked folder, or
    is larger than its limit; it converts the Markdown itself, and lists the same."""
    from careprint.pipeline import memos

    project = fixture_project("two-editions")
    expected = run("list", str(project))
    run("build", str(project), "-q", "-f", "html")
    state = project / "build/.careprint"
    good = (state / "markdown.json").read_bytes()
    outside = tmp_path / "outside.json"
    outside.write_bytes(good)  # a memo careprint would take, were it inside
    if how == "file-link":
        (state / "markdown.json").unlink()
        (state / "markdown.json").symlink_to(outside)
    elif how == "folder-link":
        elsewhere = tmp_path / "elsewhere"
        state.rename(elsewhere)
        state.symlink_to(elsewhere, target_is_directory=True)
    elif how == "device":
        (state / "markdown.json").unlink()
        (state / "markdown.json").symlink_to("/dev/zero")
    else:
        monkeypatch.setattr(memos, "MAX_BYTES", len(good) - 1)
    new_process()
    counted.clear()
    assert run("list", str(project)) == expected
    assert counted, how
