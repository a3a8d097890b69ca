"""A guide is always rendered with its page numbers written in (careprint/render/pdf.py:
render_guide). Rebuilt after an edit, it starts from the numbers of its last build, and is
still the same PDF, byte for byte, as a fresh build of the edited guide: whether or not
the edit moved any page, and whether the guide is laid out whole or in parts. Issue 23: a
rebuilt booklet carried a stray "Page N of M", and the groups' guide a session table with
other column widths, because a fresh build used target-counter() and a rebuild did not.

The guide is tests/fixtures/small-guide (issue 26: the bundled guide took two minutes a
test here): four chapters in the bundled theme, whose groups' edition has session tables
with cross-references "(page N)" back and ahead, a worksheet, a picture and a support page.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from conftest import copy_fixture, kept_html, run_careprint

EDITION = "groups"  # its session tables hold cross-references "(page N)"
STEM = f"{EDITION}/small-steps-{EDITION}"
GUIDES = [f"{STEM}-a4.pdf", f"{STEM}-large-print-a4.pdf", f"{STEM}-booklet-a4.pdf"]
KEPT = f"{STEM}-a4.html"


def copy(dest):
    """A copy of the small guide, laid out in parts (a chapter a part), as every guide is."""
    dest.mkdir()
    return copy_fixture("small-guide", dest)


def build(project, out, *extra):
    run_careprint("build", project, "--out", out, "--edition", EDITION, "--format", "pdf",
                  "--format", "large-print", "--format", "booklet", "--paper", "a4",
                  "--keep-html", *extra, check=True)


def append(project, chapter, text):
    path = project / "content" / "chapters" / chapter
    path.write_text(path.read_text("utf-8") + "\n" + text + "\n", "utf-8")


def pages(pdf) -> list[str]:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout.split("\f")


def cross_references(pdf) -> list[str]:
    """Each cross-reference's number, "(page N)", in the order they come."""
    return re.findall(r"\(page\s+(\d+)\)", "".join(pages(pdf)))


# a sentence in the last chapter moves no page; three pages of text in the second move every
# page after it, and the numbers of the cross-references to them (the session tables' too)
SMALL = ("04-looking-ahead.md", "You can take a short break here.")
LARGE = ("02-safety-first.md", "You can rest here. Take a slow breath. " * 150)


@pytest.mark.parametrize("edit", [SMALL, LARGE], ids=["pages-stay", "pages-move"])
def test_a_rebuilt_guide_is_the_same_pdf_as_a_fresh_build(tmp_path, edit):
    project = copy(tmp_path / "guide")
    out = tmp_path / "out"
    build(project, out)
    before, numbers = (out / GUIDES[0]).read_bytes(), cross_references(out / GUIDES[0])
    assert 'data-page="' in kept_html(out / KEPT)  # a first build too
    append(project, *edit)
    build(project, out)
    assert (out / GUIDES[0]).read_bytes() != before
    # the edit moved the numbers of the cross-references (a session table's among them),
    # or none, as its name says
    assert (cross_references(out / GUIDES[0]) != numbers) == (edit is LARGE)
    fresh = tmp_path / "fresh"
    build(project, fresh)
    for rel in GUIDES:
        assert (out / rel).read_bytes() == (fresh / rel).read_bytes(), rel
    # a booklet's page number is at the foot's outer edge alone (booklet.css)
    booklet = "\f".join(pages(out / GUIDES[2]))
    assert "Support and crisis" in booklet and not re.search(r"Page \d+ of", booklet)


def test_a_guide_in_parts_rebuilt_is_the_same_pdf_as_a_fresh_build(tmp_path):
    project = copy(tmp_path / "guide")
    out = tmp_path / "out"
    build(project, out)
    append(project, *SMALL)
    build(project, out)
    fresh = tmp_path / "fresh"
    build(project, fresh)
    for rel in GUIDES:
        assert (out / rel).read_bytes() == (fresh / rel).read_bytes(), rel
