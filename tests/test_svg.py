"""SVG images: active or outward-reaching content is refused, a damaged or undrawable SVG
stops the build, and a good SVG reaches the PDF, the EPUB and the web edition
(careprint/guard/svgguard.py, docs/security.md)."""

from __future__ import annotations

import zipfile

import pytest
from conftest import ROOT, copy_fixture, run_careprint
from test_bad_input import (
    BASE,
    CHAPTER,
    assert_epub_valid,
    assert_refused,
    build_ok,
    image_chapter,
)

SVG_FILE = "content/chapters/images/pic.svg"
OPEN = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 40 20">'
XLINK = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
         ' width="40" height="20">')
GOOD = f"""<?xml version="1.0" encoding="UTF-8"?>
{OPEN}
  <defs><linearGradient id="g"><stop offset="0" stop-color="#1d5c63"/>
    <stop offset="1" stop-color="#e8f1f0"/></linearGradient></defs>
  <style>.calm {{ fill: url(#g); }}</style>
  <rect class="calm" width="40" height="20" rx="3"/>
  <use href="#dot" x="5"/><circle id="dot" cx="10" cy="10" r="4" style="fill: #fff"/>
</svg>
"""

# each bad SVG: (its text, the line in it that is wrong, a word of the message)
BAD = {
    "script": (f"{OPEN}\n<rect width='4' height='4'/>\n<script>alert(1)</script>\n</svg>",
               3, "<script>"),
    "event-handler": (f"{OPEN}\n<rect width='4' height='4'\n onclick='alert(1)'/>\n</svg>",
                      2, "onclick"),  # the line of the element
    "foreign-object": (f"{OPEN}\n<foreignObject width='9' height='9'><p xmlns="
                       "'http://www.w3.org/1999/xhtml'>hi</p></foreignObject>\n</svg>",
                       2, "foreignObject"),
    "external-image": (f"{OPEN}\n<image href='https://host/x.png' width='4' height='4'/>"
                       "\n</svg>", 2, "https://host/x.png"),
    "xlink-other-file": (f"{XLINK}\n\n<use xlink:href='other.svg#a'/>\n</svg>", 3,
                         "other.svg"),
    "style-url": (f"{OPEN}\n<rect width='4' height='4' style='fill: \\75 rl(http://host/p)'/>"
                  "\n</svg>", 2, "http://host/p"),
    "style-element-import": (f"{OPEN}\n<style>\n@import 'https://host/s.css';\n</style>\n"
                             "</svg>", 3, "@import"),
    "presentation-url": (f"{OPEN}\n<rect width='4' height='4' fill='url(//host/g#x)'/>\n"
                         "</svg>", 2, "another host"),
    "animated-href": (f"{OPEN}\n<a href='#x'>\n<set attributeName='href' "
                      "to='javascript:alert(1)'/></a>\n</svg>", 3, "attributeName"),
    "doctype-entities": ('<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY a "aaaaaaaa">\n'
                         f'<!ENTITY b "&a;&a;&a;&a;">\n]>\n{OPEN}<text>&b;</text></svg>', 2,
                         "DOCTYPE"),
    "xml-stylesheet": ('<?xml version="1.0"?>\n<?xml-stylesheet href="https://host/s.css"?>'
                       f"\n{OPEN}</svg>", 2, "xml-stylesheet"),
    "not-well-formed": (f"{OPEN}\n<rect width='4' height='4'>\n</svg>", 3,
                        "not well-formed"),
    "no-svg-root": ('<svg width="4" height="4">\n<rect width="4" height="4"/>\n</svg>', 1,
                    "not an <svg>"),
    "undrawable": ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 0">\n'
                   '<rect width="5" height="5"/>\n</svg>', 0, "cannot be drawn"),
}


@pytest.fixture
def fresh(tmp_path):
    return copy_fixture(BASE, tmp_path)


@pytest.mark.parametrize("case", list(BAD))
def test_bad_svg_is_refused_naming_the_chapter_line_and_the_svg(fresh, case):
    text, svg_line, word = BAD[case]
    line = image_chapter(fresh, "images/pic.svg")
    (fresh / SVG_FILE).write_text(text, encoding="utf-8")
    stderr = assert_refused(fresh, (f"{CHAPTER}:{line}", word), args=("-f", "html"))
    where = f"{SVG_FILE}:{svg_line}: " if svg_line else f"{SVG_FILE}: "
    assert where in stderr, stderr


def test_undrawable_svg_stops_a_pdf_build(fresh):
    """The build used to leave the picture out of every PDF and exit 0."""
    line = image_chapter(fresh, "images/pic.svg")
    (fresh / SVG_FILE).write_text(BAD["undrawable"][0], encoding="utf-8")
    assert_refused(fresh, (f"{CHAPTER}:{line}", "cannot be drawn"), args=("-f", "pdf"))


def test_good_svg_builds_into_pdf_epub_and_web(fresh):
    image_chapter(fresh, "images/pic.svg")
    (fresh / SVG_FILE).write_text(GOOD, encoding="utf-8")
    out = build_ok(fresh, "-e", "survivors", "-f", "pdf", "-f", "epub", "-f", "html")
    import pikepdf

    with pikepdf.open(out / "badin-survivors-a4.pdf") as pdf:
        # the SVG's gradient, reached through its <style> and url(#g), is a pattern fill
        fills = []
        for page in pdf.pages:
            page.contents_coalesce()  # its page number is drawn after it (render/folio.py)
            fills.append(page.Contents.read_bytes().count(b" scn"))
    assert any(fills), "the SVG is not drawn in the guide PDF"
    epub = out / "badin-survivors.epub"
    with zipfile.ZipFile(epub) as z:
        assert [n for n in z.namelist() if n.endswith(".svg")]
    assert_epub_valid(epub)
    assert list((out / "html" / "images").glob("*.svg"))


def test_damaged_image_in_a_template_stops_the_build(fresh):
    """An image a template shows is drawn by WeasyPrint alone: a failure to draw it is an
    error naming the output's source, not a warning and a missing picture."""
    (fresh / "templates").mkdir()
    (fresh / "templates/logo.svg").write_text(BAD["undrawable"][0], encoding="utf-8")
    handout = (ROOT / "careprint" / "templates" / "handout.html").read_text("utf-8")
    assert "<body" in handout
    handout = handout.replace("<body>", '<body><img src="../../templates/logo.svg" alt="Logo"/>',
                              1)
    (fresh / "templates/handout.html").write_text(handout, encoding="utf-8")
    proc = run_careprint("build", fresh, "-f", "handouts", "-e", "survivors",
                         cwd=fresh.parent)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "an image cannot be drawn" in proc.stderr and "Traceback" not in proc.stderr


LIST_IMPORTS = """import sys
from careprint.cli import run
sys.argv = ["careprint", "list", sys.argv[1]]
try:
    run()
finally:
    print("weasyprint imported:", "weasyprint" in sys.modules, file=sys.stderr)
"""


def test_listing_a_project_never_starts_weasyprint(fresh):
    """Loading a project only reads its SVGs; drawing one to see that it can be drawn
    starts WeasyPrint, which was half of the time of `careprint list` (issue 26)."""
    import subprocess
    import sys

    from conftest import careprint_env

    image_chapter(fresh, "images/pic.svg")
    (fresh / SVG_FILE).write_text(GOOD, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", LIST_IMPORTS, str(fresh)], text=True,
                          capture_output=True, env=careprint_env(), timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "weasyprint imported: False" in proc.stderr, proc.stderr


def test_check_reports_an_undrawable_svg_at_its_chapter_line(fresh):
    """`careprint check` draws each SVG as a build would, and names the chapter's line."""
    line = image_chapter(fresh, "images/pic.svg")
    (fresh / SVG_FILE).write_text(BAD["undrawable"][0], encoding="utf-8")
    proc = run_careprint("check", fresh)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert f"{CHAPTER}:{line}: error: project: image 'images/pic.svg': {SVG_FILE}: cannot " \
        "be drawn" in proc.stdout, proc.stdout
