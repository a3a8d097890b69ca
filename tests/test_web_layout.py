"""The web edition's and the library page's layout, measured in headless Chromium on the
bundled guide (issue 25, faults 8, 9 and 10): the quick-exit button never hides part of a
line on a phone, the web edition's lines are about 66 characters at 1280 px, and the
library page is grouped by edition, short, with the quick-exit button.

tests/tools/layout.js scrolls each page through at each width and reports what a reader
would see; `lines` are the characters of each rendered line of each paragraph of <main>.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from conftest import BUNDLED_EDITIONS, ROOT

LAYOUT = ROOT / "tests" / "tools" / "layout.js"
AXE = ROOT / "tests" / "tools" / "axe.js"
PHONE, DESKTOP = 390, 1280
MEASURE = 70  # characters a line at most: gov.uk's two-thirds column, about 66
LIBRARY_HEIGHT_BEFORE = 15_555  # px at 1280, one long list (issue 25)


@pytest.fixture(scope="module")
def site(tmp_path_factory, bundled_build):
    """The bundled guide's web editions, and its library page listing every output that
    `careprint list` plans: the files the web build did not make stand in for the PDFs
    and EPUBs (the page lists a file from the manifest; rendering 192 PDFs here would
    measure nothing more of its layout)."""
    from careprint.pipeline import library
    from careprint.pipeline.manifest import Manifest
    from careprint.pipeline.plan import plan
    from careprint.source.load import load_project

    out = tmp_path_factory.mktemp("web-layout") / "build"
    shutil.copytree(bundled_build, out)  # the shared build, copied: this one is changed
    planned = [r for _eg, outputs in plan(ROOT) for rels in outputs.values() for r in rels]
    # the shared build has the Letter PDFs too: the page lists what `list` plans (A4)
    targets = {rel: t for rel, t in dict(Manifest.read(out).targets).items() if rel in planned}
    for rel in (r for r in planned if r not in targets):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(b"%PDF-1.7\n")
        targets[rel] = {"pages": 4 if "/handouts/" in rel else 60, "size": 250_000}
    library.write(out, load_project(ROOT), targets)
    return out


def layout(files, *widths) -> dict:
    node = shutil.which("node")
    assert node, "Node.js is needed to run Chromium"
    proc = subprocess.run([node, str(LAYOUT), ",".join(map(str, widths)), *map(str, files)],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return {f: {int(w): m for w, m in by_width.items()}
            for f, by_width in json.loads(proc.stdout).items()}


def web_pages(site, edition="survivors"):
    return sorted((site / edition / "html").glob("*.html"))


# ---------------------------------------------------------------- fault 8: the quick exit


def test_the_quick_exit_button_never_hides_part_of_a_line_on_a_phone(site):
    """Scrolled through at 390 px, no line shows beside the button with words hidden
    under it ("Say the date, the place an..." in Safety first): the button sits in a
    solid band across the page, which whole lines pass under."""
    pages = [*web_pages(site), site / "index.html"]
    measured = layout(pages, PHONE)
    split = {p.rsplit("/", 1)[-1]: m[PHONE]["split"][:2] for p, m in measured.items()
             if m[PHONE]["split"]}
    assert split == {}
    for p, m in measured.items():
        box = m[PHONE]["exit"]
        assert box and box["top"] >= 0 and box["right"] <= PHONE, (p, box)
        assert m[PHONE]["overflow"] <= 0, p  # nothing to scroll sideways to


# ---------------------------------------------------------------- fault 9: the measure


def test_web_lines_are_about_66_characters_at_1280px(site):
    """No line of a paragraph of any page is longer than MEASURE characters, and the
    column is not narrower than a measure: a full line of a long paragraph is 55 or
    more."""
    measured = layout(web_pages(site), DESKTOP)
    longest = {p.rsplit("/", 1)[-1]: max((n for para in m[DESKTOP]["lines"] for n in para),
                                         default=0) for p, m in measured.items()}
    assert {p: n for p, n in longest.items() if n > MEASURE} == {}
    chapter = "02-safety-first.html"
    assert longest[chapter] >= 55, longest[chapter]


# ---------------------------------------------------------------- fault 10: the library


class Library(HTMLParser):
    """main's sections and their h2, each section's tables (by the heading that labels
    them) and their rows, and the quick-exit button."""

    def __init__(self):
        super().__init__()
        self.sections, self.exit, self.table = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.sections.append({"id": a.get("aria-labelledby"), "h2": None, "tables": {}})
        elif tag == "h2" and self.sections:
            self.sections[-1]["h2"] = a.get("id")
        elif tag == "table" and self.sections:
            self.table = a.get("aria-labelledby")
            self.sections[-1]["tables"][self.table] = 0
        elif tag == "tr" and self.table:
            self.sections[-1]["tables"][self.table] += 1
        if a.get("id") == "quick-exit":
            self.exit = a

    def handle_endtag(self, tag):
        if tag == "table":
            self.table = None


def test_the_library_page_is_grouped_by_edition_with_a_row_per_chapter(site, bundled_guide):
    """One section per edition, headed by its title; each edition's chapters in one table
    under its heading, one row a chapter with its handout in every form; the quick-exit
    button."""
    from careprint.source.editions import apply_edition

    page = Library()
    page.feed((site / "index.html").read_text("utf-8"))
    editions = [s for s in page.sections if (s["id"] or "").startswith("edition-")]
    assert [s["id"] for s in editions] == [f"edition-{e}" for e in BUNDLED_EDITIONS]
    for section, edition in zip(editions, BUNDLED_EDITIONS, strict=True):
        assert section["h2"] == section["id"]
        chapters = len(apply_edition(bundled_guide, edition).chapters)
        # a heading row, then one row a chapter
        assert section["tables"] == {f"{edition}-chapters": chapters + 1}
    quick_exit = bundled_guide.config.fmt("html", "quick_exit_url")
    assert page.exit and page.exit["href"] == quick_exit


def test_the_library_page_is_half_as_tall_and_passes_axe(site):
    measured = layout([site / "index.html"], DESKTOP)[str(site / "index.html")][DESKTOP]
    assert measured["height"] < LIBRARY_HEIGHT_BEFORE / 2, measured["height"]
    assert {s["id"] for s in measured["sections"]} >= {f"edition-{e}"
                                                       for e in BUNDLED_EDITIONS}
    proc = subprocess.run([shutil.which("node"), str(AXE), str(site / "index.html")],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)[str(site / "index.html")]
    assert result["violations"] == [] and result["external_requests"] == []
