"""The guide's pictures (issue 17, item 19): plain static SVG drawn by hand, each placed in
its chapter with real alt text, and an EPUB with pictures says so in its accessibility
metadata."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET

import pytest
from conftest import ROOT, run_careprint
from test_bundled import meta_values, opf_tree

SVG_NS = "{http://www.w3.org/2000/svg}"
AIDS = {  # picture -> the chapter it belongs in, and words it must show
    "window-of-tolerance.svg": ("04-mindful-attention.md",
                                ["Too much", "window of tolerance", "shutdown", "Numb"]),
    "traffic-light-card.svg": ("03-consent-as-a-living-practice.md",
                               ["Green", "keep going", "Amber", "check in", "Red", "stop"]),
    "responding-to-distress.svg": ("02-safety-first.md",
                                   ["Stop any touch", "orient", "name", "date", "calm voice",
                                    "Ask before any touch", "Check in"]),
}
FORBIDDEN = re.compile(r"<script|<style|<foreignObject|<!DOCTYPE|<!ENTITY|\bon[a-z]+\s*=|"
                       r"href\s*=|url\(|@import", re.I)


@pytest.mark.parametrize("name", sorted(AIDS))
def test_each_picture_is_static_svg_with_words_title_and_desc(name):
    text = (ROOT / "content/chapters/images" / name).read_text(encoding="utf-8")
    assert not FORBIDDEN.search(text), FORBIDDEN.search(text)
    svg = ET.fromstring(text)
    assert svg.tag == f"{SVG_NS}svg" and svg.get("viewBox")
    assert (svg.find(f"{SVG_NS}title").text or "").strip()
    assert len((svg.find(f"{SVG_NS}desc").text or "").split()) >= 20
    shown = " ".join(t.text or "" for t in svg.iter(f"{SVG_NS}text"))
    for words in AIDS[name][1]:  # colour never carries the meaning alone
        assert words.lower() in shown.lower(), (name, words)
    sizes = [float(t.get("font-size")) for t in svg.iter(f"{SVG_NS}text")]
    width = float(svg.get("viewBox").split()[2])
    assert min(sizes) / width >= 0.03, "text too small to read once the picture is scaled"


@pytest.mark.parametrize("name", sorted(AIDS))
def test_each_picture_is_placed_in_its_chapter_with_alt_text(name):
    chapter = (ROOT / "content/chapters" / AIDS[name][0]).read_text(encoding="utf-8")
    m = re.search(rf"!\[([^\]]+)\]\(images/{re.escape(name)}\)", chapter)
    assert m, f"{name} is not in {AIDS[name][0]}"
    assert len(m.group(1).split()) >= 12


def test_an_epub_with_pictures_is_marked_visual_with_alternative_text(tmp_path):
    """Every EPUB has its cover, so each is visual with alternative text; pictures in the
    chapters say the same, once."""
    from conftest import copy_fixture

    root = copy_fixture("minimal", tmp_path)
    out = tmp_path / "out"
    run_careprint("build", root, "--out", out, "-f", "epub", "--jobs", "1", check=True)
    _, pkg = opf_tree(next(out.rglob("*.epub")))
    assert meta_values(pkg, "schema:accessMode") == ["textual", "visual"]
    assert meta_values(pkg, "schema:accessibilityFeature").count("alternativeText") == 1

    (root / "content/chapters/images").mkdir()
    shutil.copy(ROOT / "content/chapters/images/traffic-light-card.svg",
                root / "content/chapters/images")
    chapter = root / "content/chapters/01-hello.md"
    chapter.write_text(chapter.read_text() + "\n![A traffic-light card: green, keep going; "
                       "amber, slow down; red, stop.](images/traffic-light-card.svg)\n")
    run_careprint("build", root, "--out", out, "-f", "epub", "--jobs", "1", "--force",
                  check=True)
    _, pkg = opf_tree(next(out.rglob("*.epub")))
    assert meta_values(pkg, "schema:accessMode") == ["textual", "visual"]
    assert meta_values(pkg, "schema:accessibilityFeature").count("alternativeText") == 1
    assert meta_values(pkg, "schema:accessModeSufficient") == ["textual"]
