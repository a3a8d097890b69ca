"""Issue 21: a phone number in the footer never breaks, whatever font is installed.

The footer's crisis line was a CSS string in the page's margin boxes, where nothing kept a
number whole: on a machine without the theme's first font (Lato), "116 123" split across
two lines on every page. It is now an element of the page (a CSS running element) whose
numbers are unbreakable tel: links, like the body's.

A fixture project is built with a fontconfig that knows DejaVu Sans alone, with crisis
lines whose wrapped footer, before the change, split a number in each kind of PDF: the
guide, a handout, a chapter printed alone, large print, a booklet and the worksheets.
Each footer is read from the PDF with the position of every line (pdftotext -bbox-layout).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import assert_no_build_warnings, careprint_env, copy_fixture, run_careprint, squash
from pypdf import PdfReader

from careprint.source.phones import phone_numbers

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
FORMATS = ("pdf", "handouts", "chapters", "large-print", "booklet", "worksheets")
MM = 72 / 25.4
# each kind of page's bottom margin, in mm (print.css, handout.html, large-print.css,
# booklet.css, worksheets.html): the footer is below it, the text above
BOTTOM = {"large-print": 30, "booklet": 19, "worksheets": 20, "full": 28, "handout": 28,
          "guide": 24}
# where each line's numbers fall was measured in DejaVu Sans: before the footer was an
# element, each split a number in the footers of the PDFs named
LINES = {
    # the bundled guide's: the guide, a handout and a chapter printed alone ("116 / 123")
    "bundled": "In the US call or text 988. In the UK and Ireland call Samaritans on 116 123.",
    # a sentence a line, at 18 pt in large print and 9 pt in a booklet's narrow footer
    "sentences": "In the US call or text 988 or 116 123. In the UK and Ireland call Samaritans "
                 "on 0808 802 9999 or 1 800 656 4673.",
    # the worksheets' wider footer (and large print)
    "worksheets": "In the US, call or text 988 or 116 123. In the UK and Ireland call "
                  "Samaritans on 1 800 656 4673 or 0808 802 9999.",
}


@pytest.fixture(scope="module", params=sorted(LINES))
def dejavu_build(request, tmp_path_factory):
    """(crisis line, the edition's build folder) of a project built with DejaVu alone."""
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed"
    assert (DEJAVU / "DejaVuSans.ttf").is_file(), "fonts-dejavu-core is needed"
    tmp = tmp_path_factory.mktemp("dejavu-only")
    conf = tmp / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                    f"<fontconfig><dir>{DEJAVU}</dir><cachedir>{tmp / 'cache'}</cachedir>"
                    "</fontconfig>\n", encoding="utf-8")
    project = copy_fixture("worksheets", tmp)
    line = LINES[request.param]
    with open(project / "careprint.toml", "a", encoding="utf-8") as f:
        f.write(f'\n[formats.pdf]\ncrisis_line = "{line}"\n')
    args = ["build", str(project), "-e", "a", *(x for fmt in FORMATS for x in ("-f", fmt))]
    proc = subprocess.run([sys.executable, "-m", "careprint", *args], capture_output=True,
                          text=True, timeout=600,
                          env=careprint_env(FONTCONFIG_FILE=str(conf)))
    assert proc.returncode == 0, proc.stderr
    assert_no_build_warnings(args, proc.stderr)
    return line, project / "build" / "a"


def kind(pdf: Path) -> str:
    return next((k for k in BOTTOM if f"-{k}" in pdf.name or pdf.parent.name == k
                 or k == "handout" and pdf.parent.name == "handouts"), "guide")


PAGE_NUMBER = re.compile(r"(?:Page )?\d+(?: of \d+)?")


def footers(pdf: Path) -> list[list[str]]:
    """The text lines of the footer of every page (both pages of a booklet's sheet), top
    to bottom, read with their positions; not the page number beside them."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    bottom = BOTTOM[kind(pdf)] * MM
    pages = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out,
                            re.S):
        width, height = float(page.group(1)), float(page.group(2))
        halves = [[], []] if width > height else [[]]  # a booklet: two pages a sheet
        for m in re.finditer(r'<line xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(.*?)</line>',
                             page.group(3), re.S):
            if float(m.group(2)) > height - bottom:
                text = html.unescape(" ".join(re.findall(r"<word[^>]*>(.*?)</word>",
                                                         m.group(3))))
                if not PAGE_NUMBER.fullmatch(text):
                    half = halves[-1 if float(m.group(1)) > width / 2 else 0]
                    half.append((float(m.group(2)), text))
        pages += [[text for _, text in sorted(h)] for h in halves]
    return pages


def fonts(pdf: Path) -> set[str]:
    """The names of every font the PDF uses (pdffonts: in its pages and their forms)."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                         check=True).stdout.splitlines()[2:]
    return {line.split()[0].split("+")[-1] for line in out if line.strip()}


def test_every_number_of_the_footer_is_whole_on_one_line(dejavu_build):
    line, out = dejavu_build
    numbers = [n for n, _ in phone_numbers(line)]
    pdfs = sorted(out.rglob("*.pdf"))
    assert {kind(p) for p in pdfs} == set(BOTTOM), [p.name for p in pdfs]
    broken = []
    for pdf in pdfs:
        # careprint's own typefaces, whatever the machine has (careprint/source/typefaces.py)
        assert fonts(pdf) and all(f.startswith(("Lato", "Atkinson")) for f in fonts(pdf)), \
            (pdf.name, fonts(pdf))
        pages = footers(pdf)
        with_footer = [p for p in pages if squash(line) in squash(" ".join(p))]
        # every page has one but a title page, a cover and a booklet's back cover
        assert len(with_footer) >= len(pages) - (3 if kind(pdf) == "booklet" else 1), \
            (pdf.name, pages)
        broken += [(pdf.name, i, number, lines) for i, lines in enumerate(with_footer)
                   for number in numbers if not any(number in text for text in lines)]
    assert broken == [], sorted({name for name, *_ in broken})


def test_the_footers_numbers_are_tel_links(dejavu_build):
    line, out = dejavu_build
    uris = {uri for _, uri in phone_numbers(line)}
    for pdf in sorted(out.rglob("*.pdf")):
        if kind(pdf) == "booklet":
            continue  # a print imposition: its sheets carry no links
        reader = PdfReader(pdf)
        for i, (page, lines) in enumerate(zip(reader.pages, footers(pdf), strict=True)):
            if squash(line) not in squash(" ".join(lines)):
                continue
            links = {str(a.get_object()["/A"]["/URI"]) for a in page.get("/Annots") or []
                     if "/URI" in a.get_object().get("/A", {})}
            assert uris <= links, (pdf.name, i, links)


def test_check_outputs_finds_no_split_number_in_them(dejavu_build):
    """`careprint check --outputs` (rule phone-split) reads the same PDFs the same way."""
    _, out = dejavu_build
    formats = [x for fmt in FORMATS for x in ("--output-format", fmt)]
    proc = run_careprint("check", out.parent.parent, "--outputs", "-e", "a", *formats,
                         "--format", "json")
    report = json.loads(proc.stdout)
    assert "phone-split" in report["rules"]
    assert [f for f in report["findings"] if f["rule"] == "phone-split"] == []
