"""A guide rebuilt after an edit writes in the page numbers of its last build
(careprint/render/pdf.py: render_guide), and is still the same PDF, byte for byte, as a
fresh build of the edited guide: whether or not the edit moved any page, and whether the
guide is laid out whole or in parts."""

from __future__ import annotations

import shutil

import pytest
from conftest import ROOT, run_careprint
from test_parts import split_copy

EDITION = "survivors"
GUIDES = [f"{EDITION}/safe-to-feel-{EDITION}-a4.pdf",
          f"{EDITION}/safe-to-feel-{EDITION}-large-print-a4.pdf"]
KEPT = f"{EDITION}/safe-to-feel-{EDITION}-a4.html"


def copy(dest):
    dest.mkdir()
    shutil.copy(ROOT / "careprint.toml", dest)
    shutil.copytree(ROOT / "content", dest / "content")
    shutil.copytree(ROOT / "templates", dest / "templates")
    return dest


def build(project, out, *extra):
    run_careprint("build", project, "--out", out, "--edition", EDITION, "--format", "pdf",
                  "--format", "large-print", "--keep-html", *extra, check=True)


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
    assert 'data-page="' not in (out / KEPT).read_text("utf-8")  # a first build: as usual
    append(project, *edit)
    build(project, out)
    assert (out / GUIDES[0]).read_bytes() != before
    if edit is SMALL:  # the page numbers of the last build were written in, and held
        assert 'data-page="' in (out / KEPT).read_text("utf-8")
    fresh = tmp_path / "fresh"
    build(project, fresh)
    for rel in GUIDES:
        assert (out / rel).read_bytes() == (fresh / rel).read_bytes(), rel


def test_force_builds_as_if_for_the_first_time(tmp_path):
    project = copy(tmp_path / "guide")
    out = tmp_path / "out"
    build(project, out)
    append(project, *SMALL)
    build(project, out, "--force")
    assert 'data-page="' not in (out / KEPT).read_text("utf-8")


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
