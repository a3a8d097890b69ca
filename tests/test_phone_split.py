"""Issue 21: `careprint check --outputs` reads every PDF and fails when a phone number is
split across two lines (rule phone-split), naming the PDF and the page.

The numbers looked for are those of the resources' `contact` and of the footer's crisis
line. A project whose own template prints the crisis line as a CSS string in a narrow
footer splits them; the bundled guide's PDFs, in every form, split none.
"""

from __future__ import annotations

import json
import re

from conftest import PRINT_BUILD, ROOT, SHARED_BUILDS, copy_fixture, run_careprint

PDF_FORMATS = ("pdf", "handouts", "chapters", "large-print", "booklet", "worksheets")
# the formats the session's shared build (bundled_build) holds on A4, the guide's paper
SHARED_FORMATS = {fmt for args in SHARED_BUILDS if "a4" in args
                  for flag, fmt in zip(args, args[1:], strict=False) if flag == "-f"}
# ...and those the shared print build adds to a copy of it
PRINT_FORMATS = {fmt for flag, fmt in zip(PRINT_BUILD, PRINT_BUILD[1:], strict=False)
                 if flag == "-f"}
# a project's own crisis-footer.css, as careprint's was before issue 21 (the line as a CSS
# string, which nothing keeps whole) in a footer too narrow for any number to fit a line;
# it adds the helpline's number, which careprint knows from the resources alone
NARROW_FOOTER = """\
@page { @bottom-left { content: {{ crisis_line | css_string }} " Or 0808 802 9999."; width: 12mm;
                       font: 6pt/1 sans-serif; vertical-align: top; } }
"""
LINES = """\
- name: Test Helpline
  regions: [GB]
  contact: Call 0808 802 9999 or 000
  roles: [emergency, crisis, sexual-violence]
  verified_on: 2026-11-30
  source: https://example.org/test-helpline
  source_kind: service
"""


def check_outputs(project, *args) -> dict:
    formats = [x for fmt in args or PDF_FORMATS for x in ("--output-format", fmt)]
    proc = run_careprint("check", project, "--outputs", *formats, "--format", "json",
                         timeout=900)
    report = json.loads(proc.stdout)
    assert proc.returncode == (0 if report["passed"] else 1)
    return report


def test_a_number_split_across_lines_is_an_error_naming_the_pdf_and_page(tmp_path):
    project = copy_fixture("minimal", tmp_path)
    (project / "content/resources/lines.yaml").write_text(LINES, encoding="utf-8")
    with open(project / "careprint.toml", "a", encoding="utf-8") as f:
        f.write('\n[formats.pdf]\ncrisis_line = "Call Samaritans on 116 123."\n')
    (project / "templates").mkdir()
    (project / "templates/crisis-footer.css").write_text(NARROW_FOOTER, encoding="utf-8")
    run_careprint("build", project, "-f", "pdf", "-f", "handouts", check=True)
    report = check_outputs(project, "pdf", "handouts")
    assert not report["passed"]
    found = {}
    for f in report["findings"]:
        if f["rule"] == "phone-split":
            assert f["severity"] == "error" and f["line"] is None, f
            where, message = f["message"].split(": ", 1)
            found.setdefault(f["file"], set()).add((where, message.split(" is split")[0]))
    # the guide: every page but the title page has the footer; the handout has one page
    assert found == {
        "build/everyone/tiny-everyone-a4.pdf": {
            ("page 2 (and 4 more)", "the phone number 116 123"),
            ("page 2 (and 4 more)", "the phone number 0808 802 9999")},
        "build/everyone/handouts/tiny-everyone-ch01-hello-a4.pdf": {
            ("page 1", "the phone number 116 123"),
            ("page 1", "the phone number 0808 802 9999")}}
    assert "phone-split" in report["rules"]


def test_the_bundled_guides_pdfs_split_no_number(bundled_build, bundled_print_build):
    """The survivors' PDFs in every form: the session's shared build holds the guide, the
    handouts, the chapters and the worksheets; the shared print build, a copy of it, adds
    the large print and the booklets (issue 26: this test built them all again)."""
    assert set(PDF_FORMATS) <= SHARED_FORMATS | PRINT_FORMATS
    out = bundled_print_build[0]
    shared = {p.relative_to(bundled_build) for p in bundled_build.rglob("*.pdf")}
    proc = run_careprint("check", ROOT, "--outputs", "-e", "survivors", "--build-dir", out,
                         *(x for fmt in PDF_FORMATS for x in ("--output-format", fmt)),
                         "--format", "json", timeout=900)
    report = json.loads(proc.stdout)
    assert "phone-split" in report["rules"]
    assert [f for f in report["findings"] if f["rule"] == "phone-split"] == []
    # every PDF was read for its numbers (the worksheets' fit is another line of its own)
    checked = [ln for ln in proc.stderr.splitlines()
               if ln.startswith("checked ") and "PDF tags" in ln]
    pdfs = sorted((out / "survivors").rglob("*-a4.pdf"))  # the edition and paper checked
    assert len(checked) == len(pdfs) > 30
    assert {p.relative_to(out) for p in out.rglob("*.pdf")} > shared  # and nothing gone
    for fmt in PDF_FORMATS:  # every file of every form is there
        assert re.search(rf"found (\d+) of the \1 {fmt} files of the survivors", proc.stderr), fmt
    assert all("phone numbers" in ln for ln in checked), checked[:3]
