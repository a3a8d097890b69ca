"""Worksheets that work on paper (issue 16): every bundled worksheet fits its pages on A4
and on US Letter, and `check --outputs` fails when one does not; tables sized to their
content, with rows for two handwritten lines and tick boxes where the instruction says tick;
room for a contact's name and number; the last writing line clear of the closing rule.

Positions are read from the PDFs: form fields' rectangles (/Rect) and text positions, in
points (1 mm = 72 / 25.4 pt)."""

from __future__ import annotations

import datetime as _dt
import json
import re
import shutil

from conftest import FIXTURES, run_careprint
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
    today = _dt.date.today().isoformat()
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
