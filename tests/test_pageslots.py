"""The page numbers a guide's part shows are slots, filled as the parts are joined
(careprint/render/pageslots.py, issue 23): a page added to a chapter moves every later
number, and lays out that chapter's part alone; the numbers stay right, in the text, and
a part whose slots cannot be filled is laid out with its numbers written in.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
import weasyprint
from conftest import copy_fixture, run_careprint

from careprint.render import PACKAGE_TEMPLATES, pageslots
from careprint.render.partcache import part_key
from careprint.source.typefaces import use_bundled_fonts

EDITION = "groups"  # its session tables refer back and ahead
STEM = f"{EDITION}/small-steps-{EDITION}"
GUIDES = {"pdf": f"{STEM}-a4.pdf", "large-print": f"{STEM}-large-print-a4.pdf"}
# pages more in the last chapter move the back matter's pages, which the contents and
# "before you begin" show (two digits before and after: a number that gains a digit needs
# a wider slot, and its parts are laid out again)
PAGE_MORE = ("04-looking-ahead.md", "You can rest here. Take a slow breath. " * 150)


def build(project: Path, out: Path) -> None:
    run_careprint("build", project, "--out", out, "--edition", EDITION, "--format", "pdf",
                  "--format", "large-print", "--paper", "a4", "--keep-html", check=True)


def text_pages(pdf: Path) -> list[str]:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout.split("\f")


def kept_keys(out: Path, fmt: str) -> list[str]:
    """The part cache's key of each part of a guide, from its kept HTML, in order."""
    stem = GUIDES[fmt].removesuffix(".pdf")
    return [part_key(p.read_text("utf-8"))
            for p in sorted((out / EDITION).glob(f"{Path(stem).name}.part-*.html"))]


def assert_numbers_right(pdf: Path) -> int:
    """Each "(page N)" after a link to a chapter is the page that chapter starts on;
    the number of them checked."""
    from pypdf import PdfReader

    reader, texts = PdfReader(str(pdf)), text_pages(pdf)
    dests = {n: reader.get_destination_page_number(d) + 1
             for n, d in reader.named_destinations.items()}
    checked = 0
    for i, page in enumerate(reader.pages):
        for annot in page.get("/Annots", ()) or ():
            dest = annot.get_object().get("/Dest")
            if isinstance(dest, str) and dest.startswith("chapter-") and i > 2:
                text = " ".join((texts[i] + " " + "".join(texts[i + 1:i + 2])).split())
                assert f"(page {dests[dest]})" in text, (i + 1, dest)
                checked += 1
    return checked


def test_pages_more_in_one_chapter_lay_out_that_chapter_alone(tmp_path):
    project = copy_fixture("small-guide", tmp_path / "guide")
    out = tmp_path / "out"
    build(project, out)
    before = {fmt: kept_keys(out, fmt) for fmt in GUIDES}
    refs = re.findall(r"\(page\s+(\d+)\)", "".join(text_pages(out / GUIDES["pdf"])))
    path = project / "content" / "chapters" / PAGE_MORE[0]
    path.write_text(path.read_text("utf-8") + "\n" + PAGE_MORE[1] + "\n", "utf-8")
    build(project, out)
    for fmt, pdf in GUIDES.items():
        after = kept_keys(out, fmt)
        assert len(after) == len(before[fmt]) == 6  # front, four chapters, back
        # only chapter 4's part (the fifth) has a new key: no other part was laid out
        changed = [i for i, (a, b) in enumerate(zip(before[fmt], after, strict=True))
                   if a != b]
        assert changed == [4], fmt
        text = "".join(text_pages(out / pdf))
        assert "0123456789" not in text  # the digits beside the slots are gone
        assert assert_numbers_right(out / pdf) >= 2, fmt
    # the numbers did move: the edit is the test's point
    assert re.findall(r"\(page\s+(\d+)\)", "".join(text_pages(out / GUIDES["pdf"]))) != refs
    # and the part records say where each slot is
    records = [json.loads(p.read_text("utf-8"))
               for p in (out / ".careprint" / "parts").glob("*.json")]
    assert any(r["slots"] for r in records) and all(r["slots"] is not None for r in records)


def test_a_number_printed_outside_data_page_is_written_into_the_part(tmp_path):
    project = copy_fixture("small-guide", tmp_path / "guide")
    template = (PACKAGE_TEMPLATES / "guide.html").read_text("utf-8")
    mark = "{{ parts.content_note(view) }}"
    assert mark in template
    (project / "templates" / "guide.html").write_text(template.replace(
        mark, "<p class=\"own\">Starts on page {{ part.page('chapter-' ~ view.chapter.slug) "
        "}}.</p>\n" + mark), "utf-8")
    out = tmp_path / "out"
    run_careprint("build", project, "--out", out, "--edition", EDITION, "--format", "pdf",
                  "--paper", "a4", check=True)
    texts = text_pages(out / GUIDES["pdf"])
    shown = [(i + 1, int(m)) for i, t in enumerate(texts)
             for m in re.findall(r"Starts on page (\d+)\.", t)]
    assert len(shown) == 4 and all(page == number for page, number in shown), shown
    assert assert_numbers_right(out / GUIDES["pdf"]) >= 2


PAGE = ("<!DOCTYPE html><html lang='en'><head><style>@page {{ size: A6; margin: 10mm }}"
        "body {{ font-family: 'Atkinson Hyperlegible'; font-size: 12pt }} {own}"
        "a::after {{ content: ' (page ' attr(data-page) ')' }}</style></head><body>"
        "<p>Read more in <a href='#later' data-page=\"careprint-page-slot:later:\">Later</a>,"
        " when you want to.</p><h1 id='later' style='break-before: page'>Later</h1>"
        "</body></html>")


def laid_out(own_css: str = "") -> tuple[bytes, list]:
    use_bundled_fonts()
    html = pageslots.slotted(PAGE.format(own=own_css), {"later": 47}, 999)
    assert html is not None and 'data-page="00" data-slot="later"' in html
    document = weasyprint.HTML(string=html).render(pdf_variant="pdf/ua-1")
    return document.write_pdf(pdf_variant="pdf/ua-1"), pageslots.collect(document)


def test_a_slot_is_filled_in_the_text_and_the_digits_beside_it_go():
    data, slots = laid_out()
    assert [s[1] for s in slots] == [pageslots.DIGIT_SET, pageslots.NUMBER]
    assert pageslots.check(data, slots)
    with pikepdf.Pdf.open(io.BytesIO(data)) as pdf:
        pageslots.fill(pdf, slots, {"later": 47})
        filled = io.BytesIO()
        pdf.save(filled)
    from pypdf import PdfReader

    text = PdfReader(filled).pages[0].extract_text()
    assert "Later (page 47)" in " ".join(text.split()) and "0123456789" not in text


def test_digits_of_different_widths_cannot_fill_a_slot():
    # Atkinson Hyperlegible's own digits are proportional: "1" is narrower than "0"
    data, slots = laid_out("[data-slot]::after, .careprint-digits "
                           "{ font-variant-numeric: proportional-nums !important }")
    assert not pageslots.check(data, slots)


@pytest.mark.parametrize("html, expected", [
    ('<p>no numbers</p>', '<p>no numbers</p>'),
    ('<head></head><p>Page careprint-page-slot:x: here</p>', None),  # not in data-page
])
def test_slotted_leaves_or_refuses(html, expected):
    assert pageslots.slotted(html, {"x": 5}, 999) == expected


def test_a_kept_part_with_damaged_slots_is_laid_out_again(tmp_path):
    project = copy_fixture("small-guide", tmp_path / "guide")
    out = tmp_path / "out"
    build(project, out)
    for record in (out / ".careprint" / "parts").glob("*.json"):
        kept = json.loads(record.read_text("utf-8"))
        if kept["slots"]:
            kept["slots"] = [["x", "n", 0, 0, ["not", "an", "anchor"], "two"]]
            record.write_text(json.dumps(kept), "utf-8")
    path = project / "content" / "chapters" / "04-looking-ahead.md"
    path.write_text(path.read_text("utf-8") + "\nYou can take a short break here.\n", "utf-8")
    build(project, out)  # no traceback: those parts are laid out again
    fresh = tmp_path / "fresh"
    build(project, fresh)
    for pdf in GUIDES.values():
        assert (out / pdf).read_bytes() == (fresh / pdf).read_bytes(), pdf
