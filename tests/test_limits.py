"""Every limit in docs/content-format.md ("Limits") is the one the code enforces, with the
message the docs quote: each row is passed once and the message compared."""

from __future__ import annotations

import re
import sys

import pytest
from conftest import ROOT, copy_fixture

from careprint.errors import ProjectError
from careprint.source.editions import apply_editions
from careprint.source.load import load_project

SHEET = """id: check-in
title: A short check-in
purpose: One question.
pages: {pages}
fields:
  - type: {type}
    label: A field
{keys}
"""
# the limit's row (its first cell) -> what passes it: (pages, field type, field keys)
WORKSHEET_CASES = {
    "ruled lines of a `lines` field": (1, "lines", "lines: 31"),
    "height of a `text` field, in lines": (1, "text", "height: 41"),
    "the ends of a `scale`": (1, "scale", "min: -101"),
    "a `scale`'s order": (1, "scale", "min: 5\n    max: 5"),
    "rows of a `table` field": (1, "table", "columns: [A]\n    rows: 61"),
    "labels of a table's rows": (1, "table", "columns: [A, B]\n    rows: 2\n"
                                 "    row_labels: [Mon]"),
    "printed pages of a worksheet (`pages:`)": (21, "lines", "lines: 2"),
    "handwritten lines in a table's row (`lines`)": (1, "table", "columns: [A, B]\n    lines: 5"),
    "a table column's `type`": (1, "table", "columns: [A, {label: B, type: radio}]"),
    "a table column's `width`": (1, "table", "columns: [A, {label: B, width: 95%}]"),
}


def documented() -> dict[str, str]:
    """The Limits table: what -> the quoted message, as a regular expression."""
    text = (ROOT / "docs" / "content-format.md").read_text("utf-8")
    section = text.split("## Limits", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) == 3 and cells[2].startswith("`"):
            # a message with a backtick in it is quoted with two: ``...`x` ``
            message = (cells[2][2:-2].strip() if cells[2].startswith("``")
                       else cells[2].split("`")[1])
            pattern = re.escape(message).replace(r"fields\[i\]", r"fields\[\d+\]")
            pattern = pattern.replace(r"columns\[j\]", r"columns\[\d+\]")
            pattern = pattern.replace("'X'", "'[^']+'")
            pattern = pattern.replace("N", r"-?\d+").replace("images/x\\.png", "[^']+")
            pattern = pattern.replace("images/x\\.svg", "[^']+")
            rows[cells[0]] = pattern
    return rows


def problems_of(project) -> list[str]:
    try:
        apply_editions(load_project(project), ["survivors"])
    except ProjectError as exc:
        return [p.message for p in exc.problems]
    return []


def test_every_limit_in_the_docs_is_tested_here():
    assert set(documented()) == set(WORKSHEET_CASES) | {
        "a source file (chapter, worksheet, resources, glossary)", "an image"} | set(NESTING) \
        | set(BOUNDS)


@pytest.mark.parametrize("what", list(WORKSHEET_CASES))
def test_worksheet_limit_gives_the_documented_message(tmp_path, what):
    project = copy_fixture("bad-input/base", tmp_path)
    pages, ftype, keys = WORKSHEET_CASES[what]
    (project / "content/worksheets/check-in.yaml").write_text(
        SHEET.format(pages=pages, type=ftype, keys="    " + keys), "utf-8")
    found = problems_of(project)
    assert any(re.fullmatch(documented()[what], m) for m in found), found


def test_source_file_limit_gives_the_documented_message(tmp_path):
    project = copy_fixture("bad-input/base", tmp_path)
    chapter = project / "content/chapters/01-start.md"
    chapter.write_text(chapter.read_text("utf-8") + "Words. " * 330_000, "utf-8")
    found = problems_of(project)
    what = "a source file (chapter, worksheet, resources, glossary)"
    assert any(re.fullmatch(documented()[what], m) for m in found), found


NESTING = {
    "lists and block quotes in Markdown": "".join(f"{'  ' * i}- level {i}\n" for i in range(25)),
    "raw HTML elements in Markdown": "<span>" * 25 + "deep" + "</span>" * 25 + "\n",
}


@pytest.mark.parametrize("what", list(NESTING))
def test_nesting_limit_gives_the_documented_message(tmp_path, what):
    project = copy_fixture("bad-input/base", tmp_path)
    chapter = project / "content/chapters/01-start.md"
    chapter.write_text(chapter.read_text("utf-8") + "\n" + NESTING[what], "utf-8")
    found = problems_of(project)
    assert any(re.fullmatch(documented()[what], m) for m in found), found


def test_image_limit_gives_the_documented_message(tmp_path):
    project = copy_fixture("bad-input/base", tmp_path)
    chapter = project / "content/chapters/01-start.md"
    chapter.write_text(chapter.read_text("utf-8") + "\n![A picture](images/x.png)\n", "utf-8")
    (project / "content/chapters/images").mkdir()
    with open(project / "content/chapters/images/x.png", "wb") as fh:
        fh.write(b"\x89PNG\r\n\x1a\n")
        fh.truncate(11 * 1024 * 1024)
    found = problems_of(project)
    assert any(re.fullmatch(documented()["an image"], m) for m in found), found


def test_a_scale_of_any_length_is_allowed(tmp_path):
    project = copy_fixture("bad-input/base", tmp_path)
    (project / "content/worksheets/check-in.yaml").write_text(
        SHEET.format(pages=1, type="scale", keys="    min: -100\n    max: 100"), "utf-8")
    assert problems_of(project) == []


# Item 16 of issue 22: what a guide may ask careprint to expand, decode and lay out
# (careprint/guard/bounds.py). Each case passes its row's limit by a little; the pathological
# inputs themselves, and what refusing them costs, are in tests/test_input_bounds.py.
sys.path.insert(0, str(ROOT / "bench"))
import bombs  # noqa: E402  (bench/bombs.py)

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">{}</svg>'


def _svg(body: str):
    def write(project):
        (project / "content/chapters/images").mkdir()
        (project / "content/chapters/images/x.svg").write_text(SVG.format(body), "utf-8")
        bombs._append(project, "![A picture](images/x.svg)\n")
    return write


def _worksheets(project):
    for i in range(201):
        (project / f"content/worksheets/w{i}.yaml").write_text("id: w\n", "utf-8")


def _fields(project):
    fields = "".join(f"  - type: name\n    label: Name {i}\n" for i in range(61))
    (project / bombs.WORKSHEET).write_text(bombs.SHEET_HEAD + "fields:\n" + fields, "utf-8")


def _glossary(project):
    (project / "content/glossary.yaml").write_text("".join(
        f"- id: t{i}\n  term: Term {i}\n  definition: A word.\n" for i in range(1001)), "utf-8")


def _all_chapters(project):
    for i in range(5):  # 5 x 1.9 MB: each under the limit of a file, not read at all
        with open(project / f"content/chapters/{i + 2:02d}-big.md", "wb") as fh:
            fh.truncate(1_900_000)


def _resources(project):
    lines = project / "content/resources/lines.yaml"
    entry = lines.read_text("utf-8")  # one service
    lines.write_text("".join(entry.replace("Test Line", f"Line {i}") for i in range(1001)),
                     "utf-8")


BOUNDS = {
    "a word: characters without a space (a web address too), in any chapter or YAML file":
        lambda p: bombs.long_word(p, 301),
    "YAML anchors and aliases (`&name`, `*name`)": lambda p: (p / bombs.WORKSHEET).write_text(
        (p / bombs.WORKSHEET).read_text("utf-8") + "x: &a 1\n", "utf-8"),
    "careprint.toml": lambda p: (p / "careprint.toml").write_text(
        (p / "careprint.toml").read_text("utf-8") + "# " + "x " * 140_000, "utf-8"),
    "chapters in a guide": lambda p: bombs.chapters(p, 301),
    "all chapters together": _all_chapters,
    "footnotes in one chapter": lambda p: bombs._append(p, "".join(
        f"[^n{i}]: A note.\n" for i in range(201))),
    "references to footnotes in one chapter": lambda p: bombs._append(p, "[^n] " * 501),
    "columns of a Markdown table": lambda p: bombs.markdown_columns(p, 21),
    "services in the resources files, together": _resources,
    "rows of a Markdown table": lambda p: bombs._append(p, "| a | b |\n| --- | --- |\n"
                                                    + "| x | y |\n" * 501),
    "glossary entries": _glossary,
    "worksheets in a guide": _worksheets,
    "fields of a worksheet": _fields,
    "options of a `checklist` field": lambda p: bombs.checklist_options(p, 101),
    "columns of a `table` field": lambda p: bombs.worksheet_columns(p, 21),
    "pixels of an image (PNG, JPEG, GIF, WebP), read from its header before it is decoded":
        lambda p: bombs.big_png(p, 6400),
    "elements of an SVG": _svg("<g/>" * 20_001),
    "elements an SVG draws, counted again for each `<use>` (or `url(#...)` of a pattern, "
    "mask, clip path or marker) that draws them": _svg(
        '<defs><g id="a">' + "<rect/>" * 20 + "</g></defs>" + '<use href="#a"/>' * 1000),
    "an SVG element that draws itself": _svg('<g id="a"><g><use href="#a"/></g></g>'),
    "elements nested in an SVG": _svg("<g>" * 50 + "</g>" * 50),
}


@pytest.mark.parametrize("what", list(BOUNDS))
def test_input_bound_gives_the_documented_message(tmp_path, what):
    project = copy_fixture("bad-input/base", tmp_path)
    BOUNDS[what](project)
    found = problems_of(project)
    assert any(re.fullmatch(documented()[what], m) for m in found), found


def test_a_guide_at_every_bound_is_accepted(tmp_path):
    """Each limit is a limit, not one below it: a project at all of them loads."""
    project = copy_fixture("bad-input/base", tmp_path)
    bombs.long_word(project, 300)
    bombs._append(project, "".join(f"[^n{i}]: A note.\n" for i in range(200)))
    bombs._append(project, "x[^n1] " * 500)
    bombs.markdown_columns(project, 20)
    bombs._append(project, "| a | b |\n| --- | --- |\n" + "| x | y |\n" * 500)
    _svg("<g>" * 49 + "</g>" * 49 + '<defs><g id="a"><rect/></g></defs>'
         + '<use href="#a"/>' * 6000)(project)
    bombs.checklist_options(project, 100)
    assert problems_of(project) == []
