"""Worksheets: data validated on load, rendered as real, fillable PDF forms and EPUB pages."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from conftest import copy_fixture, epubcheck, run_careprint
from pypdf import PdfReader, PdfWriter

RADIO_FLAG = 1 << 15


@pytest.fixture(scope="module")
def ws_build(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ws")
    project = copy_fixture("worksheets", tmp)
    out = tmp / "out"
    # long-log.yaml runs past its page on purpose (the warning has a test of its own)
    run_careprint("build", project, "--out", out, "-f", "worksheets", "-f", "epub", "-f", "pdf",
                  check=True, allow_warnings=True)
    return out

# worksheet 1 of edition a, printed alone (render/names.py)
ALL_FIELDS = "a/worksheets/wsfix-a-worksheet01-all-fields-a4.pdf"

def text_of(pages) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pages))


def fields_of(path):
    reader = PdfReader(path)
    return reader, reader.get_fields()


def kind(field) -> str:
    if field.get("/FT") == "/Tx":
        return "text"
    if field.get("/FT") == "/Btn":
        return "radio" if int(field.get("/Ff", 0)) & RADIO_FLAG else "checkbox"
    return str(field.get("/FT"))


def test_every_field_type_is_a_real_form_field(ws_build):
    _, fields = fields_of(ws_build / ALL_FIELDS)
    kinds = [kind(f) for f in fields.values()]
    # name, date, lines, text, checklist "other" line, 21 table cells
    assert kinds.count("text") == 1 + 1 + 1 + 1 + 1 + 21
    assert kinds.count("checkbox") == 4  # three options and "other"
    assert kinds.count("radio") == 1  # one scale, one radio group
    assert len(fields) == 31


def test_table_of_three_columns_and_seven_rows_gives_21_fields(ws_build):
    _, fields = fields_of(ws_build / ALL_FIELDS)
    cells = [n for n in fields if n.startswith("all-fields_log-")]
    assert len(cells) == 21
    assert "all-fields_log-r7-c3" in cells


def test_fields_have_their_labels_as_accessible_names(ws_build):
    _, fields = fields_of(ws_build / ALL_FIELDS)
    names = {n: str(f.get("/TU")) for n, f in fields.items()}
    assert names["all-fields_your-name"] == "Your name"
    assert names["all-fields_three-lines"] == "Three lines"
    assert names["all-fields_how-calm"] == "How calm"
    assert names["all-fields_things-i-tried-2"] == "Things I tried: Walking"
    assert names["all-fields_log-r2-c3"] == "Seven days: Evening, row 2"
    assert all(names.values())


def test_radio_group_has_one_button_per_scale_point(ws_build):
    reader, fields = fields_of(ws_build / ALL_FIELDS)
    group = fields["all-fields_how-calm"]
    kids = group.indirect_reference.get_object()["/Kids"]
    assert len(kids) == 11
    assert all("/T" not in k.get_object() for k in kids)


def test_field_names_are_unique_in_the_pack(ws_build):
    reader = PdfReader(ws_build / "b/worksheets/wsfix-b-worksheets-a4.pdf")
    names = [str(ref.get_object()["/T"]) for ref in reader.trailer["/Root"]["/AcroForm"]["/Fields"]]
    assert len(names) == len(set(names))
    assert any(n.startswith("b-only_") for n in names)
    assert any(n.startswith("all-fields_") for n in names)


def test_fill_save_reopen(ws_build, tmp_path):
    writer = PdfWriter(clone_from=PdfReader(ws_build / ALL_FIELDS))
    writer.update_page_form_field_values(
        None, {"all-fields_your-name": "Sam", "all-fields_log-r1-c1": "slept well"},
        auto_regenerate=False)
    saved = tmp_path / "filled.pdf"
    with saved.open("wb") as fh:
        writer.write(fh)
    fields = PdfReader(saved).get_fields()
    assert fields["all-fields_your-name"]["/V"] == "Sam"
    assert fields["all-fields_log-r1-c1"]["/V"] == "slept well"


def test_pack_has_cover_how_to_index_and_each_worksheet_on_its_own_page(ws_build):
    reader = PdfReader(ws_build / "b/worksheets/wsfix-b-worksheets-a4.pdf")
    pages = [text_of([p]) for p in reader.pages]
    assert "Worksheets" in pages[0] and "Edition B" in pages[0]
    assert "How to use these worksheets" in pages[1]
    assert "Nobody needs to see them" in pages[1]
    index = pages[2]
    for title in ("Every field type", "Only in B", "A long log"):
        assert title in index
    starts = [i for i, t in enumerate(pages) if re.search(r"Worksheet \d · Edition B", t, re.I)]
    assert len(starts) >= 3
    assert reader.metadata.title.startswith("Worksheet Fixture")


def test_long_table_repeats_its_header_row(ws_build):
    reader = PdfReader(ws_build / "b/worksheets/wsfix-b-worksheet03-long-log-a4.pdf")
    assert len(reader.pages) >= 2
    for page in reader.pages:
        text = text_of([page])
        assert "Sleep" in text and "Mood" in text and "Notes" in text


def test_worksheet_that_fits_stays_on_one_page(ws_build):
    assert len(PdfReader(ws_build / "b/worksheets/wsfix-b-worksheet02-b-only-a4.pdf").pages) == 1


def test_blank_worksheet_draws_lines_and_boxes_as_page_content(ws_build):
    """Printed blank (form widgets hidden), the page content still has the rules and boxes."""
    reader = PdfReader(ws_build / ALL_FIELDS)
    content = reader.pages[0].get_contents().get_data()
    # rectangles ("re") and line segments ("l") drawn for borders and ruled lines
    assert content.count(b" re\n") + content.count(b" l\n") > 30


def test_edition_filter_applies_to_worksheets_and_instructions(ws_build):
    a = PdfReader(ws_build / "a/worksheets/wsfix-a-worksheets-a4.pdf")
    text_a = text_of(a.pages)
    assert "Instructions only edition A keeps." in text_a
    assert "Instructions only edition B keeps." not in text_a
    assert "Only in B" not in text_a
    assert not list((ws_build / "a/worksheets").glob("*b-only*"))
    assert (ws_build / "b/worksheets/wsfix-b-worksheet02-b-only-a4.pdf").exists()


def test_reference_in_pdf_gives_title_and_place_in_pack(ws_build):
    text = text_of(PdfReader(ws_build / "a/wsfix-a-a4.pdf").pages)
    assert "Every field type (worksheet 1 in the worksheet pack)" in text


def test_epub_has_readable_worksheet_pages_and_working_links(ws_build):
    path = ws_build / "b/wsfix-b.epub"
    assert epubcheck(path) == []
    with zipfile.ZipFile(path) as z:
        page = z.read("EPUB/worksheet-all-fields.xhtml").decode()
        chapter = z.read("EPUB/01-start.xhtml").decode()
    assert "<input" not in page and "<textarea" not in page
    assert "<li>Walking</li>" in page
    assert "<th scope=\"col\">Afternoon</th>" in page
    assert "from 0 (not at all) to 10 (very)" in page
    assert "wsfix-b-worksheets-a4.pdf" in page  # where to find the printable version
    assert 'href="worksheet-all-fields.xhtml"' in chapter


BAD = {
    "unknown-type.yaml:5": "unknown field type 'slider'",
    "no-label.yaml:7": "missing label",
    "bad-scale.yaml:7": "scale min (5) must be less than max (5)",
    "no-columns.yaml:7": "a table needs at least one column",
    "bad-key.yaml:8": "fields[0].options: not allowed for a 'lines' field",
    "wrong-id.yaml:1": "does not match the file name",
}


def test_bad_worksheets_are_reported_together_with_file_and_line(tmp_path):
    project = copy_fixture("bad-worksheets", tmp_path)
    proc = run_careprint("build", project)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    for where, message in BAD.items():
        line = next((ln for ln in proc.stderr.splitlines() if f"content/worksheets/{where}:" in ln),
                    None)
        assert line is not None, f"{where} not reported:\n{proc.stderr}"
        assert message in line
    assert not (project / "build").exists()


def test_reference_to_worksheet_the_edition_leaves_out(tmp_path):
    project = copy_fixture("bad-worksheets", tmp_path)
    for name in BAD:
        (project / "content/worksheets" / name.split(":")[0]).unlink()
    proc = run_careprint("build", project)
    assert proc.returncode == 1
    assert ("content/chapters/01-start.md:6: [[worksheet:only-b]] points to a worksheet that "
            "the 'a' edition leaves out") in proc.stderr
    assert "[[worksheet:nowhere]] points to no worksheet" in proc.stderr


def test_list_shows_each_editions_worksheets():
    from conftest import FIXTURES

    proc = run_careprint("list", FIXTURES / "worksheets", check=True)
    a, b = proc.stdout.split("\nb: ")
    assert "all-fields" in a and "b-only" not in a
    assert "b-only" in b and "long-log" in b


def test_format_worksheets_builds_only_the_packs(tmp_path):
    project = copy_fixture("worksheets", tmp_path)
    run_careprint("build", project, "--format", "worksheets", "--edition", "a", check=True)
    built = sorted(p.relative_to(project / "build").as_posix()
                   for p in (project / "build").rglob("*.pdf"))
    assert built == [ALL_FIELDS, "a/worksheets/wsfix-a-worksheets-a4.pdf"]
    data = io.BytesIO((project / "build" / ALL_FIELDS).read_bytes())
    assert PdfReader(data).trailer["/Root"]["/AcroForm"]


def test_worksheet_longer_than_its_pages_is_a_warning_naming_its_file(tmp_path):
    project = copy_fixture("worksheets", tmp_path)
    proc = run_careprint("build", project, "-f", "worksheets", "-e", "b", check=True,
                         allow_warnings=True)
    assert ("content/worksheets/long-log.yaml: this worksheet prints on 2 pages, but is meant "
            "to fit on 1 page." in " ".join(proc.stderr.split()))
    assert proc.stderr.count("warning") == 1  # a worksheet that fits (or says it is
    # longer, as all-fields.yaml does) and the pack are quiet

    strict = run_careprint("build", project, "-f", "worksheets", "-e", "b", "--strict",
                           "--force", allow_warnings=True)
    assert strict.returncode == 1 and "long-log.yaml" in strict.stderr

    log = project / "content" / "worksheets" / "long-log.yaml"
    log.write_text(log.read_text() + "pages: 2\n")
    proc = run_careprint("build", project, "-f", "worksheets", "-e", "b", check=True)
    assert "warning" not in proc.stderr
    assert "Built 1 file" in proc.stdout  # only the log: its warning depends on `pages`

    log.write_text(log.read_text().replace("pages: 2", "pages: two"))
    proc = run_careprint("build", project, "-f", "worksheets", "-e", "b")
    assert proc.returncode == 1
    assert "content/worksheets/long-log.yaml:11: pages: expected a whole number" in proc.stderr
