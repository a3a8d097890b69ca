"""Print products of the bundled guide (issue 16): booklets that an office printer prints,
and large print after the APH guidelines.

One build of the survivors' booklets and large print on A4, and of one chapter's on
Letter, made through the CLI (CliRunner), serves every test here.
"""

from __future__ import annotations

import collections
import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PRINT_BUILD, ROOT, copy_fixture, normalize, pdf_text, run_careprint
from pypdf import PdfReader

from careprint.cli import main
from careprint.render.booklet import booklet_order, sequence
from careprint.render.printing import BOOKLET

EDITION = "survivors"
CHAPTER = "why-numbness-happens"
STEM = f"safe-to-feel-{EDITION}"
HANDOUT = f"handouts/{STEM}-ch01-{CHAPTER}"
MM = 72 / 25.4
SHEETS = {"a4": (841.89, 595.28), "letter": (792.0, 612.0)}
PAGES = {"a4": (148 * MM, 210 * MM), "letter": (396.0, 612.0)}  # A5, half-Letter


def build(out: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["build", str(ROOT), "--out", str(out), "-j", "1",
                                       "-e", EDITION, "-f", "booklet", "-f", "large-print",
                                       *args])
    assert result.exit_code == 0, result.output
    assert "warning:" not in result.output, result.output
    return result.output


@pytest.fixture(scope="module")
def made(tmp_path_factory, bundled_print_build):
    """{paper: (folder of the edition's outputs, what the build printed)}. On A4, the
    session's shared print build (conftest.py): read, never changed."""
    assert PRINT_BUILD[:2] == ("-e", EDITION) and {"booklet", "large-print"} <= set(PRINT_BUILD)
    out = tmp_path_factory.mktemp("print-products")
    letter = build(out / "letter", "--paper", "letter", "--only", CHAPTER)
    a4_out, a4 = bundled_print_build
    assert "warning:" not in a4, a4
    return {"a4": (a4_out / EDITION, a4), "letter": (out / "letter" / EDITION, letter)}


def booklets(made, paper: str) -> list[Path]:
    folder = made[paper][0]
    names = [f"{HANDOUT}-booklet-{paper}.pdf"]
    if paper == "a4":
        names.append(f"{STEM}-booklet-a4.pdf")
    return [folder / n for n in names]


def large_prints(made) -> list[Path]:
    a4, letter = made["a4"][0], made["letter"][0]
    return [a4 / f"{STEM}-large-print-a4.pdf", a4 / f"{HANDOUT}-large-print-a4.pdf",
            letter / f"{HANDOUT}-large-print-letter.pdf"]


# ---------------------------------------------------------------- booklets


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_booklet_sheets_are_landscape_office_paper_with_two_small_pages(made, paper):
    """A5 pages on A4 sheets, half-Letter pages on Letter: not A4 pages on A3."""
    for path in booklets(made, paper):
        reader = PdfReader(path)
        assert len(reader.pages) % 2 == 0, path.name  # both sides of every sheet
        for sheet in reader.pages:
            size = (float(sheet.mediabox.width), float(sheet.mediabox.height))
            assert size == pytest.approx(SHEETS[paper], abs=0.5), (path.name, size)
            pages = [xobject.get_object() for xobject in sheet["/Resources"]["/XObject"].values()]
            assert pages, path.name
            for page in pages:
                x0, y0, x1, y1 = (float(v) for v in page["/BBox"])
                assert (x1 - x0, y1 - y0) == pytest.approx(PAGES[paper], abs=0.5), path.name


def words(path: Path) -> list[tuple[float, float, list[tuple[float, float, float, str]]]]:
    """(width, height, [(xMin, xMax, yMin, word)]) of each sheet side, from pdftotext."""
    proc = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True,
                          text=True, check=True)
    sides = []
    for w, h, content in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>',
                                    proc.stdout, re.S):
        found = [(float(a), float(b), float(c), text) for a, c, b, text in re.findall(
            r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="[-\d.]+">'
            r'(.*?)</word>', content)]
        sides.append((float(w), float(h), found))
    return sides


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_page_numbers_are_on_the_outer_edge_of_each_page(made, paper):
    """Folded, a left-hand page's outer edge is its left: its number is there, and a
    right-hand page's on its right, never in the fold."""
    for path in booklets(made, paper):
        sides = words(path)
        numbered = 0
        for (width, height, found), pair in zip(sides, booklet_order(2 * len(sides)),
                                                strict=True):
            half = width / 2
            for number, lo, hi in ((pair[0], 0, half), (pair[1], half, width)):
                folios = [(x0, x1) for x0, x1, y, text in found
                          if text == str(number) and lo <= x0 < hi and y > height - 20 * MM]
                if not folios:
                    continue  # the cover, notes pages and the back cover have no number
                numbered += 1
                # the outermost: the footer's crisis line may hold the same digits ("13 11 14")
                x0, x1 = min(folios) if lo == 0 else max(folios, key=lambda f: f[1])
                if lo == 0:
                    assert x0 < 0.2 * half, (path.name, number, x0)
                else:
                    assert x1 > width - 0.2 * half, (path.name, number, x1)
        assert numbered >= 2 * len(sides) - 4, (path.name, numbered, 2 * len(sides))


def test_the_inner_margin_is_wider_than_the_outer(made):
    """The gutter (a right-hand page's left margin, a left-hand page's right) is at least
    15 mm; the outer margin is narrower."""
    sides = words(made["a4"][0] / f"{STEM}-booklet-a4.pdf")
    half = sides[0][0] / 2
    found = [x0 for _, _, on_side in sides for x0, _, _, _ in on_side]
    left_pages_outer = min(x0 for x0 in found if x0 < half)  # a left-hand page's left
    right_pages_inner = min(x0 - half for x0 in found if x0 >= half)  # a right-hand page's
    assert right_pages_inner >= 15 * MM > left_pages_outer, (left_pages_outer,
                                                             right_pages_inner)


def test_no_side_of_a_booklet_is_blank(made):
    """Pages the content does not fill are notes pages and a back cover, not blank."""
    for paper in ("a4", "letter"):
        for path in booklets(made, paper):
            for width, _, found in words(path):
                assert any(x0 < width / 2 for x0, _, _, _ in found), path.name
                assert any(x0 >= width / 2 for x0, _, _, _ in found), path.name


@pytest.mark.parametrize("pages, expected", [
    (8, list(range(8))),
    (5, [0, 1, 2, 3, 4, 5, 5, 6]),  # then two notes pages and the back cover
    (7, [0, 1, 2, 3, 4, 5, 6, 8]),  # then the back cover
    (1, [0, 1, 1, 2]),
])
def test_a_booklet_is_filled_out_with_notes_pages_before_its_back_cover(pages, expected):
    assert sequence(pages) == expected


def test_a_booklet_ends_with_a_back_cover_of_crisis_lines(tmp_path):
    """A 3-page handout had a blank back cover. The back says where help is."""
    project = copy_fixture("two-editions", tmp_path)
    run_careprint("build", project, "-e", "b", "-f", "booklet", "--only", "b-extra",
                  check=True)
    path = project / "build/b/handouts/twin-b-ch03-b-extra-booklet-a4.pdf"
    (width, _, first), (_, _, second) = words(path)
    half = width / 2
    back = " ".join(text for x0, _, _, text in first if x0 < half)  # the last page
    assert "If you need support now" in back and "Test Helpline" in back, back
    assert "chapter 3" in back and "full guide" in back, back
    notes = [" ".join(text for x0, _, _, text in second if (x0 < half) == left)
             for left in (True, False)]
    assert notes == ["Notes", "Notes"], notes


def test_the_build_summary_and_the_docs_say_how_to_print_a_booklet(made):
    summary = normalize(made["a4"][1])
    docs = normalize((ROOT / "docs/building.md").read_text(encoding="utf-8"))
    for line in BOOKLET:
        assert normalize(line) in summary
        assert normalize(line) in docs
    assert "flipping on the short edge" in summary


def test_a_build_that_made_no_booklet_does_not_say_how_to_print_one(made, tmp_path):
    """Issue 25, quieter builds: the instructions follow a booklet just made, not every
    build of a folder that has one."""
    out = tmp_path / "build"
    shutil.copytree(made["a4"][0].parent, out)  # the shared build is never changed
    # nothing changed: nothing rendered (built as the shared print build was)
    proc = run_careprint("build", ROOT, "--out", out, *PRINT_BUILD, "-q", check=True)
    again = proc.stdout + proc.stderr
    assert "Built 0 files" in again, again
    assert "To print a booklet" not in again and "rendered " not in again, again


# ---------------------------------------------------------------- large print


def drawn_text(path: Path) -> list[tuple[str, float, str, tuple]]:
    """(text, size in pt, font, fill colour) of every run of text drawn, on every page."""
    runs, state = [], {"fill": (0.0,), "stack": []}

    def before(op, args, cm, tm):
        if op == b"q":
            state["stack"].append(state["fill"])
        elif op == b"Q" and state["stack"]:
            state["fill"] = state["stack"].pop()
        elif op in (b"rg", b"g", b"k", b"sc", b"scn") and args and all(
                isinstance(a, (int, float)) for a in args):
            state["fill"] = tuple(round(float(a), 3) for a in args)

    def text(t, cm, tm, font, size):
        if t.strip():
            scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            name = str(font.get("/BaseFont", "")) if font else ""
            runs.append((t.strip(), round(size * scale, 2), name.split("+")[-1],
                         state["fill"]))

    for page in PdfReader(path).pages:
        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return runs


def in_figures() -> set[str]:
    """The words of the bundled figures (SVG pictures, each with a text description): they
    are drawn as the picture has them, in its own type and colours."""
    words = set()
    for svg in (ROOT / "content/chapters/images").glob("*.svg"):
        for text in re.findall(r"<text\b[^>]*>(.*?)</text>", svg.read_text(encoding="utf-8"),
                               re.S):
            words.add(normalize(html.unescape(re.sub(r"<[^>]+>", "", text))))
    return words


def page_text(path: Path) -> list[tuple[str, float, str, tuple]]:
    """drawn_text(), without the figures' words."""
    figures = in_figures()
    return [run for run in drawn_text(path) if normalize(run[0]) not in figures]


def test_large_print_text_is_all_18pt_or_more(made):
    """Running heads, footers, labels and code included (code was 10 pt, heads 14 pt)."""
    for path in large_prints(made):
        runs = drawn_text(path)  # the figures' words too
        small = sorted({(size, t[:30]) for t, size, _, _ in runs if size < 17.95})
        assert runs and not small, (path.name, small[:10])


def families(runs) -> set[str]:
    return {re.sub(r"-(Bold|Oblique|BoldOblique|Italic)$", "", font) for _, _, font, _ in runs}


def test_large_print_uses_one_sans_family(made):
    """Headings were Lato and body text DejaVu Sans, so an 18 pt heading looked smaller.
    Large print is set in Atkinson Hyperlegible, which careprint ships (issue 25); the
    figures' words are set in it too (their SVGs name Lato), in large print only."""
    figures = in_figures()
    for path in large_prints(made):
        assert families(drawn_text(path)) == {"Atkinson-Hyperlegible"}, path.name
    guide = large_prints(made)[0]
    in_figure = [r for r in drawn_text(guide) if normalize(r[0]) in figures]
    assert {"Green: keep going", "Too much"} <= {r[0] for r in in_figure}, in_figure[:5]
    booklet = guide.with_name(guide.name.replace("-large-print", "-booklet"))
    assert families(r for r in drawn_text(booklet) if r[0] == "Green: keep going") == {"Lato"}


def test_a_figures_font_rule_goes_first_inside_its_root_element():
    """What large print does to an SVG figure as it is loaded (render/weasy.py)."""
    from careprint.render.weasy import with_font

    svg = (b'<?xml version="1.0"?>\n<!-- a picture -->\n<svg xmlns="http://www.w3.org/2000/'
           b'svg" aria-label="more > less"><text font-family="Lato">x</text></svg>')
    rule = b'<style>* { font-family: "DejaVu Sans", sans-serif !important; }</style>'
    assert with_font(svg, "DejaVu Sans") == svg.replace(b'less">', b'less">' + rule)
    assert with_font(b'<svg xmlns="http://www.w3.org/2000/svg"/>', "X") == \
        b'<svg xmlns="http://www.w3.org/2000/svg"/>'


def test_large_print_text_is_black(made):
    """'Content note.' was teal, running heads grey."""
    for path in large_prints(made):
        coloured = sorted({(fill, t[:30]) for t, _, _, fill in page_text(path) if any(fill)})
        assert not coloured, (path.name, coloured[:10])


def test_large_print_web_addresses_do_not_break_after_the_scheme(made):
    for path in large_prints(made):
        text = pdf_text(path)
        # the support list shows a website by its name alone ("rainn.org", a link to it);
        # an address printed whole in the text keeps its scheme with its host
        assert "rainn.org" in text or "handouts" in str(path), path.name
        assert not re.search(r"https?://\s*\n", text), path.name


def test_large_print_footer_crisis_line_breaks_between_sentences(made):
    """'Samaritans on / 116 123.' wrapped inside the number's sentence: each sentence of the
    crisis line is whole on its own line."""
    for path in large_prints(made):
        text = pdf_text(path)
        for sentence in ("Crisis lines: US 988 · Canada 9-8-8 · UK 116 123.",
                         "Australia 13 11 14 · NZ 1737."):
            assert sentence in text, path.name


def test_large_print_rules_and_borders_are_dark(made):
    """The content note's border and the rules between resources were a pale #b9cdd4.
    (A chapter without a figure: the figures keep their own colours.)"""
    for path in large_prints(made)[1:]:
        fills = set()

        def before(op, args, cm, tm, fills=fills):
            if op in (b"rg", b"RG", b"g", b"G") and args and all(
                    isinstance(a, float | int) for a in args):
                fills.add(tuple(round(float(a), 3) for a in args))

        for page in PdfReader(path).pages:
            page.extract_text(visitor_operand_before=before)
        pale = {c for c in fills if 0.25 < max(c) and min(c) < 1}  # neither dark nor white
        assert fills and not pale, (path.name, pale)


def test_large_print_headings_are_clearly_larger_than_its_text(made):
    """Issue 25, fault 4: headings were 19-21 pt against 18 pt text (`body *`'s 18 pt
    outweighed the headings' own sizes). APH: headings clearly larger."""
    guide = large_prints(made)[0]
    runs = page_text(guide)
    size = collections.defaultdict(float)  # each text's largest size: a title, not its
    for text, s, _, _ in runs:                # line in the contents
        size[text] = max(size[text], s)
    body = collections.Counter(s for _, s, _, _ in runs).most_common(1)[0][0]
    assert body == 18, body
    assert size["Why numbness happens"] >= 26  # a chapter's title (h1)
    assert size["Key points"] >= 23  # a section's heading (h2)
    handout = large_prints(made)[1]
    assert max(s for _, s, _, _ in page_text(handout)) >= 26


def test_a_booklet_is_for_printing_and_the_library_says_where_the_tagged_pdf_is(made):
    """Issue 25, fault 7: booklets are untagged (their sheets are imposed two-up). The
    library page says so, and points to the tagged PDF and the e-book beside them."""
    import pikepdf

    for booklet in booklets(made, "a4"):
        assert "/StructTreeRoot" not in pikepdf.open(booklet).Root, booklet.name
    guide = made["a4"][0] / f"{STEM}-large-print-a4.pdf"
    assert "/StructTreeRoot" in pikepdf.open(guide).Root  # tagged, beside it
    library = normalize((made["a4"][0].parent / "index.html").read_text("utf-8"))
    assert normalize("A booklet to fold is for printing only") in library
    assert normalize("send the A4 or Letter PDF or the e-book beside it") in library


def test_a_thick_booklet_allows_for_creep_and_the_build_says_to_use_a_long_arm_stapler(made):
    """Issue 25, fault 6: guide booklets are 22-31 sheets, past an office stapler."""
    import pikepdf

    from careprint.render.booklet import CALIPER
    from careprint.render.printing import MAX_SHEETS

    guide = made["a4"][0] / f"{STEM}-booklet-a4.pdf"
    pdf = pikepdf.open(guide)
    sheets = len(pdf.pages) // 2
    assert sheets > MAX_SHEETS
    summary = normalize(made["a4"][1])
    assert normalize(f"{guide.name} is {sheets} sheets: staple it with a long-arm stapler") \
        in summary, summary[-600:]

    def left_x(side: int) -> float:
        ops = pdf.pages[side].Contents.read_bytes().decode()
        return float(re.search(r"cm /L Do", ops) and ops.split(" cm /L Do")[0].split()[-2])

    # the innermost sheet's left page sits closer to the fold than the outermost's
    inner, outer = left_x(2 * (sheets - 1)), left_x(0)
    assert abs(inner - outer - CALIPER * (sheets - 1)) < 0.01, (inner, outer)
    handout = made["a4"][0] / f"{HANDOUT}-booklet-a4.pdf"
    assert f"{handout.name} is " not in made["a4"][1]  # one sheet: nothing to say
