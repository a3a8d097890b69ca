"""The EPUB is set as a book, not as a web page (issue 25, fault 11), after Standard
Ebooks: the reading system chooses the typeface, paragraphs are indented and not spaced,
and every part of the book says what it is with epub:type (EPUB 3 Structural Semantics).
Measured on the bundled guide's EPUBs: their style sheet, their pages as headless Chromium
sets them, and their markup."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile

import pytest
import tinycss2
from conftest import BUNDLED_EDITIONS, ROOT

X = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
# the reading system's own choices: its typeface, its colours (night and sepia themes)
# and its line spacing; panels may keep a border, but no text takes these from the book
TYPEFACE = {"font-family", "font"}
READER_CHOICES = {"color", "line-height", "font-size"}
# what a paragraph that starts a run of text follows: it is not indented
STARTS = {"", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "section",
          "div", "figure", "blockquote", "hr", "nav", "header"}


@pytest.fixture(scope="module")
def built(bundled_build):
    return bundled_build  # the session's shared build (conftest.py)


@pytest.fixture(scope="module")
def unzipped(built, tmp_path_factory):
    """{edition: the folder its EPUB is unpacked into}."""
    out = tmp_path_factory.mktemp("epub-unzipped")
    for edition in BUNDLED_EDITIONS:
        with zipfile.ZipFile(built / edition / f"safe-to-feel-{edition}.epub") as z:
            z.extractall(out / edition)
    return {e: out / e / "EPUB" for e in BUNDLED_EDITIONS}


def declarations(css: str):
    """(selector, property, value) for every declaration in the style sheet, in @media too."""
    def walk(rules, where=""):
        for rule in rules:
            if rule.type == "at-rule":
                assert rule.lower_at_keyword not in {"font-face", "import"}, rule.at_keyword
                if rule.content is not None:
                    yield from walk(tinycss2.parse_rule_list(rule.content, True, True))
            elif rule.type == "qualified-rule":
                selector = tinycss2.serialize(rule.prelude).strip()
                for d in tinycss2.parse_declaration_list(rule.content, True, True):
                    if d.type == "declaration":
                        yield selector, d.lower_name, tinycss2.serialize(d.value).strip()
    return list(walk(tinycss2.parse_stylesheet(css, True, True)))


def test_style_sheet_leaves_the_typeface_to_the_reading_system(unzipped):
    for edition, folder in unzipped.items():
        found = declarations((folder / "style.css").read_text("utf-8"))
        assert found, edition
        assert [d for d in found if d[1] in TYPEFACE] == [], edition
        body_text = [d for d in found if d[1] in READER_CHOICES
                     and {s.strip() for s in d[0].split(",")} & {"html", "body", "p"}]
        assert body_text == [], edition


def test_style_sheet_sets_book_paragraphs(unzipped):
    """p: no margins and a first-line indent; the first after a heading is not indented."""
    found = declarations((unzipped["survivors"] / "style.css").read_text("utf-8"))
    p = {prop: value for sel, prop, value in found if sel == "p"}
    assert p.get("margin") in {"0", "0 0"} and p.get("text-indent", "0") not in {"0", ""}
    flush = {s.strip() for sel, prop, value in found if prop == "text-indent" and value == "0"
             for s in sel.split(",")}
    assert {"h1 + p", "h2 + p", "h3 + p", "ul + p", "ol + p", "section + p"} <= flush


def measure(folder, files, shots="-"):
    node = shutil.which("node")
    assert node, "Node.js is needed to drive Chromium"
    proc = subprocess.run([node, str(ROOT / "tests" / "tools" / "epub_style.js"), shots, "600",
                           *[str(folder / f) for f in files]],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def body_pages(folder) -> list[str]:
    """Every content document but the cover, the title page and the contents page."""
    return sorted(p.name for p in folder.glob("*.xhtml")
                  if p.name not in {"cover.xhtml", "title.xhtml", "nav.xhtml"})


def paragraph_faults(report: dict) -> list[tuple]:
    faults = []
    for page, measured in report["pages"].items():
        for p in measured["paragraphs"]:
            where = (page, p["text"])
            if p["font"] != report["default_font"]:
                faults.append((*where, "font", p["font"]))
            if p["inside"].split(".")[0] in {"li", "dd", "td", "th"} or p["image"]:
                continue  # a line of a list, or a picture: not a paragraph of text
            if not p["panel"] and (p["top"], p["bottom"]) != (0, 0):
                faults.append((*where, "spaced", p["top"], p["bottom"]))
            after = p["after"].split(".")[0]
            if after in STARTS and p["indent"] != 0:
                faults.append((*where, f"indented after {p['after'] or 'nothing'}"))
            if after == "p" and not p["after_image"] and p["indent"] <= 0:
                faults.append((*where, "not indented after a paragraph"))
    return faults


def test_pages_are_set_as_book_paragraphs_in_chromium(unzipped):
    """Every paragraph of every page of every edition, as Chromium sets it: the default
    typeface, no space above or below, indented after a paragraph and flush after a heading,
    a list or a panel. A panel (crisis box, "Try this", content note) keeps its border."""
    for edition, folder in unzipped.items():
        report = measure(folder, body_pages(folder))
        assert len(report["pages"]) >= 20, edition
        assert paragraph_faults(report) == [], edition
        panels = [p for m in report["pages"].values() for p in m["panels"]]
        kinds = {c for p in panels for c in p["cls"].split()}
        assert {"crisis-box", "practice", "content-note", "key-points"} <= kinds, edition
        assert [p for p in panels if not p["framed"]] == [], edition
        assert [p for m in report["pages"].values() for p in m["paragraphs"]
                if p["in_panel"]], edition


def doc(folder, name):
    return ET.parse(folder / name).getroot()


def types(el) -> set[str]:
    return set((el.get(EPUB_TYPE) or "").split())


def top_section(root):
    return root.find(f"{X}body/{X}section")


@pytest.mark.parametrize("edition", BUNDLED_EDITIONS)
def test_every_part_says_what_it_is_with_epub_type(unzipped, edition):
    folder = unzipped[edition]
    expected = {"title.xhtml": ("frontmatter", "titlepage"), "before.xhtml": ("frontmatter",
                "preface"), "glossary.xhtml": ("backmatter", "glossary"),
                "resources.xhtml": ("backmatter", "appendix"),
                "colophon.xhtml": ("backmatter", "colophon")}
    chapters = [p.name for p in folder.glob("[0-9][0-9]-*.xhtml")]
    worksheets = [p.name for p in folder.glob("worksheet-*.xhtml")]
    assert len(chapters) >= 10 and len(worksheets) >= 5
    expected |= {c: ("bodymatter", "chapter") for c in chapters}
    expected |= {w: ("backmatter", "appendix") for w in worksheets}
    for name, (matter, kind) in expected.items():
        root = doc(folder, name)
        assert types(root.find(f"{X}body")) == {matter}, name
        assert kind in types(top_section(root)), name
    for name in chapters:
        boxes = {s.get("class"): types(s) for s in doc(folder, name).iter(f"{X}section")}
        assert "abstract" in boxes["box key-points"], name
        notes = [p for p in doc(folder, name).iter(f"{X}p") if p.get("class") == "content-note"]
        assert all("notice" in types(p) for p in notes), name
    crisis = [s for s in doc(folder, "before.xhtml").iter(f"{X}section")
              if "crisis-box" in (s.get("class") or "")]
    assert len(crisis) == 1 and "notice" in types(crisis[0])
    glossary = doc(folder, "glossary.xhtml")
    assert all(types(t) == {"glossterm"} for t in glossary.iter(f"{X}dt"))
    assert all(types(d) == {"glossdef"} for d in glossary.iter(f"{X}dd"))
    refs = [a for c in chapters for a in doc(folder, c).iter(f"{X}a")
            if "xref-glossary" in (a.get("class") or "")]
    assert refs and all(types(a) == {"glossref"} for a in refs)
