"""mypy holds careprint/ at the level pyproject.toml states ([tool.mypy]), and the bugs it
found stay fixed."""

import subprocess
import sys
from pathlib import Path

from careprint.render import stamps

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_finds_no_error(tmp_path):
    # the files and strictness of pyproject.toml's [tool.mypy]; its cache kept out of the checkout
    result = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path)],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_stamp_of_a_template_without_head():
    # a project's template may leave out <head>: the stamp still gets its style (it crashed)
    html = f"<html><body><div{stamps.MARK}>Clinic</div></body></html>"
    out = stamps.stamp_html(html, 0)
    assert "<head><style>" in out and stamps.STAMP_CSS[:20] in out


def _pdf_whose_root_is_a_number() -> bytes:
    body = b"%PDF-1.4\n"
    offset = len(body)
    body += b"1 0 obj\n5\nendobj\n"
    xref = len(body)
    body += (b"xref\n0 2\n0000000000 65535 f \n" + b"%010d 00000 n \n" % offset +
             b"trailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return body


def test_pdf_check_of_a_pdf_whose_catalog_is_no_dictionary(tmp_path):
    # `check --outputs` on a damaged PDF: a finding that names it, not a traceback
    from careprint.check.pdfs import pdf_accessibility

    path = tmp_path / "guide.pdf"
    path.write_bytes(_pdf_whose_root_is_a_number())
    found = []

    class Sink:
        def add(self, *args, **kwargs):
            found.append(args)

    pdf_accessibility(path, "survivors/guide.pdf", "survivors", Sink())
    assert len(found) == 1 and "cannot be read as a PDF" in found[0][3], found
    assert "is not a dictionary" in found[0][3]


def test_a_number_option_with_one_bound_does_not_crash():
    # a plugin's Opt may give `lo` alone: its range is not checked (it raised TypeError)
    from careprint.source.config_schema import Opt

    assert Opt(int, "Fewest.", lo=1).out_of_range(0) == ""
    assert "out of range" in Opt(int, "Fewest.", lo=1, hi=5).out_of_range(0)
