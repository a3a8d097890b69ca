"""Every limit in docs/content-format.md ("Limits") is the one the code enforces, with the
message the docs quote: each row is passed once and the message compared."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, copy_fixture

from careprint.editions import apply_editions
from careprint.errors import ProjectError
from careprint.load import load_project

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
        "a source file (chapter, worksheet, resources, glossary)", "an image"} | set(NESTING)


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
