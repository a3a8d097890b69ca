"""A guide is always rendered with its page numbers written in (careprint/render/pdf.py:
render_guide). Rebuilt after an edit, it starts from the numbers of its last build, and is
still the same PDF, byte for byte, as a fresh build of the edited guide: whether or not
the edit moved any page, and whether the guide is laid out whole or in parts. Issue 23: a
rebuilt booklet carried a stray "Page N of M", and the groups' guide a session table with
other column widths, because a fresh build used target-counter() and a rebuild did not."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from conftest import ROOT, kept_html, run_careprint
from test_parts import split_copy

EDITION = "groups"  # its session tables hold cross-references "(page N)"
GUIDES = [f"{EDITION}/safe-to-feel-{EDITION}-a4.pdf",
          f"{EDITION}/safe-to-feel-{EDITION}-large-print-a4.pdf",
          f"{EDITION}/safe-to-feel-{EDITION}-booklet-a4.pdf"]
KEPT = f"{EDITION}/safe-to-feel-{EDITION}-a4.html"


def copy(dest):
    dest.mkdir()
    shutil.copy(ROOT / "careprint.toml", dest)
    shutil.copytree(ROOT / "content", dest / "content")
    shutil.copytree(ROOT / "templates", dest / "templates")
    return dest


def build(project, out, *extra):
    run_careprint("build", project, "--out", out, "--edition", EDITION, "--format", "pdf",
                  "--format", "large-print", "--format", "booklet", "--paper", "a4",
                  "--keep-html", *extra, check=True)


def append(project, chapter, text):
    path = project / "content" / "chapters" / chapter
    path.write_text(path.read_text("utf-8") + "\n" + text + "\n", "utf-8")


SMALL = ("04-mindful-attention.md", "You can take a short break here.")
LARGE = ("02-safety-first.md", "You can rest here. Take a slow breath. " * 150)


@pytest.mark.parametrize("edit", [SMALL, LARGE], ids=["pages-stay", "pages-move"])
def test_a_rebuilt_guide_is_the_same_pdf_as_a_fresh_build(tmp_path, edit):
    project = copy(tmp_path / "guide")
    out = tmp_path / "out"
    build(project, out)
    before = (out / GUIDES[0]).read_bytes()
    assert 'data-page="' in kept_html(out / KEPT)  # a first build too
    append(project, *edit)
    build(project, out)
    assert (out / GUIDES[0]).read_bytes() != before
    fresh = tmp_path / "fresh"
    build(project, fresh)
    for rel in GUIDES:
        assert (out / rel).read_bytes() == (fresh / rel).read_bytes(), rel
    # a booklet's page number is at the foot's outer edge alone (booklet.css)
    booklet = subprocess.run(["pdftotext", str(out / GUIDES[2]), "-"], capture_output=True,
                             text=True, check=True).stdout
    assert "Support and crisis" in booklet and not re.search(r"Page \d+ of", booklet)


def test_a_guide_in_parts_rebuilt_is_the_same_pdf_as_a_fresh_build(tmp_path):
    project = split_copy(tmp_path / "guide")
    out = tmp_path / "out"
    build(project, out)
    append(project, *SMALL)
    build(project, out)
    fresh = tmp_path / "fresh"
    build(project, fresh)
    for rel in GUIDES:
        assert (out / rel).read_bytes() == (fresh / rel).read_bytes(), rel
