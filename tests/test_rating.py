"""A 0-100 rating (how strongly do I believe this?, as in CBT thought records and SUDS) is
a standard worksheet item: a scale too long for a row of choices becomes a number the
reader writes in, in every format (docs/content-format.md, "Limits")."""

from __future__ import annotations

import re
import zipfile

from conftest import copy_fixture, epub_text, epubcheck, epubcheck_problems, run_careprint
from pypdf import PdfReader

RATING = """id: thought-record
title: A thought record
purpose: Notice a thought and how strongly you believe it.
fields:
  - type: lines
    label: The thought
    lines: 2
  - type: scale
    label: How strongly do I believe it?
    key: belief
    min: 0
    max: 100
    anchors: [not at all, completely]
"""


def test_a_0_to_100_rating_works_in_every_format(tmp_path):
    project = copy_fixture("worksheets", tmp_path)
    (project / "content/worksheets/thought-record.yaml").write_text(RATING, "utf-8")
    run_careprint("build", project, "-e", "a", "-f", "worksheets", "-f", "epub", "-f", "html",
                  cwd=tmp_path, check=True)
    out = project / "build" / "a"
    reader = PdfReader(single(out))
    field = reader.get_fields()["thought-record_belief"]
    assert field.get("/FT") == "/Tx"
    import pikepdf

    with pikepdf.open(single(out)) as pdf:
        raw = next(f for f in pdf.Root.AcroForm.Fields
                   if str(f.get("/T")) == "thought-record_belief")
        assert int(raw.MaxLen) == 3
    assert field.get("/TU") == ("How strongly do I believe it?: a number from 0 (not at all) "
                                "to 100 (completely)")
    printed = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert "a number from 0 (not at all) to 100 (completely)" in printed
    assert len(reader.pages) == 1
    said = "A rating: write a number from 0 (not at all) to 100 (completely)."
    web = (out / "html" / "worksheet-thought-record.html").read_text("utf-8")
    assert said in web
    epub = out / "wsfix-a.epub"
    assert said in re.sub(r"\s+", " ", epub_text(epub))
    with zipfile.ZipFile(epub) as z:
        assert "EPUB/worksheet-thought-record.xhtml" in z.namelist()
    assert epubcheck_problems(epubcheck(epub)) == []


def test_a_short_scale_is_still_a_row_of_choices(tmp_path):
    project = copy_fixture("worksheets", tmp_path)
    (project / "content/worksheets/thought-record.yaml").write_text(
        RATING.replace("max: 100", "max: 20"), "utf-8")
    run_careprint("build", project, "-e", "a", "-f", "worksheets", cwd=tmp_path, check=True)
    reader = PdfReader(single(project / "build/a"))
    field = reader.get_fields()["thought-record_belief"]
    assert field.get("/FT") == "/Btn" and len(field.get("/_States_", [])) >= 21


def single(edition_dir):
    """The thought record printed alone, named as builds name it (render/names.py)."""
    found = sorted((edition_dir / "worksheets").glob("wsfix-a-worksheet*-thought-record-a4.pdf"))
    assert len(found) == 1, sorted(p.name for p in (edition_dir / "worksheets").iterdir())
    return found[0]
