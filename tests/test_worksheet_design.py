"""Worksheets that work on paper (issue 16): every bundled worksheet fits its pages on A4
and on US Letter, and `check --outputs` fails when one does not; tables sized to their
content, with rows for two handwritten lines and tick boxes where the instruction says tick;
room for a contact's name and number; the last writing line clear of the closing rule.

Positions are read from the PDFs: form fields' rectangles (/Rect) and text positions, in
points (1 mm = 72 / 25.4 pt)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess

import pytest
from conftest import FIXTURES, ROOT, copy_fixture, run_careprint
from pypdf import PdfReader

MM = 72 / 25.4
BUNDLED_SHEETS = {  # the worksheets each edition prints alone, and so checks on both papers
    "survivors": 6, "partners": 7, "groups": 7,
}

# A worksheet of ruled lines that fills an A4 page but is 18 mm too long for US Letter
TALL = """\
id: tall-notes
title: Tall notes
purpose: A page of lines to write on.
fields:
  - type: lines
    label: What I would like to write
    lines: 28
"""


def clean_project(tmp_path):
    """check-clean (a guide `careprint check --strict` passes), its resources checked today."""
    root = tmp_path / "guide"
    shutil.copytree(FIXTURES / "check-clean", root)
    lines = root / "content/resources/lines.yaml"
    today = os.environ["CAREPRINT_TODAY"]  # conftest.py
    lines.write_text(re.sub(r"verified_on: \S+", f"verified_on: {today}", lines.read_text()))
    return root


def test_check_outputs_fails_on_a_worksheet_too_long_for_letter(tmp_path):
    root = clean_project(tmp_path)
    (root / "content/worksheets/tall-notes.yaml").write_text(TALL)
    toml = root / "careprint.toml"
    toml.write_text(toml.read_text() + '\n[paper]\nsize = ["a4", "letter"]\n')
    build = run_careprint("build", root, "-j", "1", "-e", "survivors", "-f", "worksheets",
                          allow_warnings=True)  # the build warns about the same sheet
    assert build.returncode == 0, build.stderr
    letter = "build/survivors/worksheets/calm-steps-survivors-worksheet02-tall-notes-letter.pdf"
    a4 = letter.replace("-letter.pdf", "-a4.pdf")
    assert len(PdfReader(root / a4).pages) == 1 and len(PdfReader(root / letter).pages) == 2

    args = ["check", root, "--outputs", "-e", "survivors", "--output-format", "worksheets"]
    proc = run_careprint(*args)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    said = " ".join(proc.stdout.split())
    assert (f"{letter}: error: worksheet-fit: content/worksheets/tall-notes.yaml: printed "
            "alone on US Letter paper, this worksheet takes 2 pages, but is meant to fit on 1 "
            "page.") in said
    report = json.loads(run_careprint(*args, "--format", "json").stdout)
    assert [(f["file"], f["severity"]) for f in report["findings"]] == [(letter, "error")]
    assert f"checked {a4}: fits its 1 page" in proc.stderr.splitlines()

    # said to be longer, it passes
    sheet = root / "content/worksheets/tall-notes.yaml"
    sheet.write_text(TALL + "pages: 2\n")
    run_careprint("build", root, "-j", "1", "-e", "survivors", "-f", "worksheets", check=True)
    assert run_careprint(*args, "--strict").returncode == 0


BAD_TABLES = """\
id: bad-tables
title: Tables that cannot be printed
purpose: Each table has one mistake.
fields:
  - type: table
    label: Ticks
    columns:
      - Kind
      - {label: Okay, type: tickbox}
    rows: 2
  - type: table
    label: Widths
    columns:
      - {label: Day, width: 150%}
      - Notes
    rows: 2
  - type: table
    label: Labelled
    columns:
      - {label: Day, type: checkbox}
      - Notes
    rows: 2
    row_labels: [Mon, Tue]
  - type: table
    label: Lines
    columns: [Day, Notes]
    rows: 2
    lines: 9
  - type: table
    label: Too wide
    columns:
      - {label: Day, width: 60%}
      - {label: Notes, width: 50%}
    rows: 2
"""


def test_bad_table_columns_are_reported_with_file_and_line(tmp_path):
    project = copy_fixture("worksheets", tmp_path)
    (project / "content/worksheets/bad-tables.yaml").write_text(BAD_TABLES)
    proc = run_careprint("build", project, "-f", "worksheets")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    where = "content/worksheets/bad-tables.yaml"
    for line, message in (
            (9, "fields[0].columns[1].type: unknown cell type 'tickbox'; expected one of: "
                "text, checkbox"),
            (14, "fields[1].columns[0].width: expected a share of the table's width from 5% "
                 "to 90%, such as `width: 15%`"),
            (19, "fields[2].columns[0]: the first column holds the row labels, so it cannot "
                 "be a column of tick boxes"),
            (28, "fields[3].lines: expected a whole number from 1 to 4"),
            (31, "fields[4].columns: the widths add up to 110%, more than the table's "
                 "width; make them smaller")):
        assert f"{where}:{line}: {message}" in proc.stderr, proc.stderr
    assert not (project / "build").exists()


# ---------------------------------------------------------------- reading positions


def field_boxes(path, page: int = 0) -> dict[str, tuple[float, float, float, float]]:
    """Form field name -> its widget's rectangle (left, top, right, bottom) in mm from the
    page's top left corner."""
    reader = PdfReader(path)
    pg = reader.pages[page]
    height = float(pg.mediabox.height)
    out = {}
    for ref in pg.get("/Annots") or []:
        a = ref.get_object()
        name = a.get("/T") or a.get("/Parent", {}).get("/T")
        if name is None:
            continue
        x0, y0, x1, y1 = (float(v) for v in a["/Rect"])
        out[str(name)] = (x0 / MM, (height - max(y0, y1)) / MM, x1 / MM,
                          (height - min(y0, y1)) / MM)
    return out


def word_boxes(path, page: int = 0) -> list[tuple[str, float, float, float, float]]:
    """Every word on a page as (text, left, top, right, bottom) in mm, from pdftotext."""
    proc = subprocess.run(["pdftotext", "-bbox", "-f", str(page + 1), "-l", str(page + 1),
                           str(path), "-"], capture_output=True, text=True, timeout=60,
                          check=True)
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                       r'yMax="([\d.]+)">([^<]*)</word>', proc.stdout)
    return [(html.unescape(w), *(float(v) / MM for v in (x0, y0, x1, y1)))
            for x0, y0, x1, y1, w in words]


def word(path, text: str, below: float = 0.0):
    """The first word `text` on the first page whose top is below `below` mm."""
    return next(w for w in word_boxes(path) if w[0] == text and w[2] > below)


# ---------------------------------------------------------------- the bundled worksheets

PAPERS = ("a4", "letter")


@pytest.fixture(scope="module")
def sheets(bundled_build):
    """The bundled guide's worksheets, every edition, built on A4 and then on US Letter
    into one folder (as a clinic that prints on both would): the shared build."""
    return bundled_build


def sheet(out, edition: str, number: int, wid: str, paper: str):
    name = f"safe-to-feel-{edition}-worksheet{number:02d}-{wid}-{paper}.pdf"
    return out / edition / "worksheets" / name


def test_every_bundled_worksheet_fits_its_pages_on_a4_and_letter(sheets, bundled_guide):
    meant = {w.id: w.pages for w in bundled_guide.worksheets}
    for paper in PAPERS:
        for edition, count in BUNDLED_SHEETS.items():
            found = sorted((sheets / edition / "worksheets").glob(f"*-worksheet0*-{paper}.pdf"))
            assert len(found) == count, (edition, paper, found)
            for path in found:
                wid = re.match(r".*-worksheet\d\d-(.+)-" + paper, path.stem).group(1)
                assert len(PdfReader(path).pages) <= meant[wid], path.name
    # and check --outputs says so, reading the Letter sheets beside the A4 ones
    proc = run_careprint("check", ROOT, "--outputs", "--output-format", "worksheets",
                         "--build-dir", sheets, "--strict", timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ("checked " in proc.stderr and
            "-worksheet05-sensation-log-letter.pdf: fits its 1 page" in proc.stderr)


@pytest.mark.parametrize("paper", PAPERS)
def test_sensation_log_columns_fit_their_content_and_rows_hold_two_lines(sheets, paper):
    path = sheet(sheets, "survivors", 5, "sensation-log", paper)
    boxes = field_boxes(path)
    cell = {(r, c): boxes[f"sensation-log_my-week-r{r}-c{c}"] for r in (1, 2) for c in (2, 3, 4)}
    day = word(path, "Mon")
    # the Day column holds "Mon", not a quarter of the page; the written columns share the rest
    assert cell[1, 2][0] - day[1] < 16
    assert all(right - left > 45 for left, _, right, _ in cell.values())
    # a row is two 8 mm handwritten lines; its field takes two typed lines of 10 pt
    assert cell[2, 2][1] - cell[1, 2][1] >= 16
    assert all(bottom - top >= 10 for _, top, _, bottom in cell.values())
    multiline = 1 << 12
    fields = PdfReader(path).get_fields()
    assert int(fields["sensation-log_my-week-r1-c3"]["/Ff"]) & multiline


def test_comfort_map_tick_columns_are_checkboxes(sheets):
    fields = PdfReader(sheet(sheets, "survivors", 1, "comfort-map", "letter")).get_fields()
    ticks = {n: f for n, f in fields.items() if n.startswith("comfort-map_kinds-of-touch-")}
    assert len(ticks) == 5 * 3
    assert all(f["/FT"] == "/Btn" and not int(f.get("/Ff", 0)) & (1 << 15)  # not radio
               for f in ticks.values())
    assert str(ticks["comfort-map_kinds-of-touch-r2-c4"]["/TU"]) == \
        "Kinds of touch: Not right now, Holding hands"
    tried = [f for n, f in fields.items() if n.startswith("comfort-map_a-touch-i-chose")]
    assert tried and all(f["/FT"] == "/Tx" for f in tried)  # written cells stay text


@pytest.mark.parametrize("paper", PAPERS)
def test_safety_plan_has_room_for_a_name_and_a_number(sheets, paper):
    path = sheet(sheets, "survivors", 4, "safety-nets-plan", paper)
    boxes = field_boxes(path)
    fields = PdfReader(path).get_fields()
    name, number = (f"safety-nets-plan_someone-i-can-contact-afterwards-r1-c{c}" for c in (1, 2))
    assert str(fields[name]["/TU"]) == "Someone I can contact afterwards: Name, row 1"
    assert str(fields[number]["/TU"]) == "Someone I can contact afterwards: Phone number, row 1"
    for key in (name, number):
        left, top, right, bottom = boxes[key]
        assert right - left > 60 and bottom - top >= 6


@pytest.mark.parametrize("paper", PAPERS)
def test_checkbox_labels_stand_clear_of_their_boxes_and_other_is_aligned(sheets, paper):
    path = sheet(sheets, "survivors", 4, "safety-nets-plan", paper)
    boxes = field_boxes(path)
    # each checkbox label starts a clear space from its box ...
    box = boxes["safety-nets-plan_exit-steps-i-can-take-1"]
    assert word(path, "Step")[1] - box[2] >= 3.5
    # ... and "Other:" sits on its box as every other label does
    drink, other = word(path, "Drink"), word(path, "Other:")
    off_drink = drink[4] - boxes["safety-nets-plan_exit-steps-i-can-take-5"][3]
    off_other = other[4] - boxes["safety-nets-plan_exit-steps-i-can-take-other"][3]
    assert abs(off_other - off_drink) < 0.5


@pytest.mark.parametrize("paper", PAPERS)
def test_feedback_form_last_line_is_clear_of_the_closing_rule(sheets, paper):
    path = sheet(sheets, "groups", 3, "group-session-feedback", paper)
    last = next(b for n, b in field_boxes(path).items()
                if n.startswith("group-session-feedback_something-that-could-change"))
    closing = word(path, "You", below=last[3])  # "You can stop here."
    # the ruled line at the field's foot, 7 mm of space, the rule, 2 mm, then the words
    assert closing[2] - last[3] >= 10
