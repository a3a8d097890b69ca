"""A resource says honestly whether, when and where it was checked: `verified_on` with a
`source` (the page checked) and a `source_kind` is checked; `verified_on` alone is an
error; none is a warning, and no output prints such an entry (issue 21). The list says once
when it was checked (issue 16), not once per entry.

The fixture tests/fixtures/check-resource-source (laid over check-clean) holds one entry of
each kind.
"""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from conftest import run_careprint, squash
from test_check import check, places, project

from careprint.source.load import load_project

TODAY = dt.date.fromisoformat(os.environ["CAREPRINT_TODAY"])  # conftest.py
LINES = "content/resources/lines.yaml"


def source_project(tmp_path):
    root = project(tmp_path, "check-resource-source")
    path = root / LINES
    path.write_text(re.sub(r"verified_on: \S+", f"verified_on: {TODAY}", path.read_text()))
    return root


def test_check_tells_verified_unverified_and_sourceless_apart(tmp_path):
    status, report = check(source_project(tmp_path))
    found = {f"{f['file']}:{f['line']}": f for f in report["findings"]
             if f["rule"] == "resource-verified"}
    assert sorted(found) == [f"{LINES}:11", f"{LINES}:22"], report["findings"]
    unverified, sourceless = found[f"{LINES}:11"], found[f"{LINES}:22"]
    assert unverified["severity"] == "warning"
    assert "Unchecked Support Line is not checked, so no output prints it" \
        in unverified["message"]
    assert sourceless["severity"] == "error"
    assert "verified_on needs source and source_kind: the address of the page you checked" \
        in sourceless["message"]
    # with neither checked, the region has no sexual-violence service that can be printed
    assert places(report, "resource-coverage") == ["content/resources"]
    assert status == 1 and not report["passed"]


def test_source_is_kept_and_must_be_a_web_address(tmp_path):
    root = source_project(tmp_path)
    guide = load_project(root)
    by_name = {r.name: r for r in guide.resources}
    assert by_name["Checked Helpline"].source == "https://example.org/checked-helpline"
    assert by_name["Checked Helpline"].source_kind == "service"
    assert by_name["Unchecked Support Line"].verified_on is None
    path = root / LINES
    path.write_text(path.read_text().replace("https://example.org/checked-helpline",
                                             "ftp://example.org/checked-helpline"))
    _, report = check(root)
    assert places(report, "project") == [f"{LINES}:8"], report["findings"]
    assert "https://" in report["findings"][0]["message"]


@pytest.mark.allow_warnings
def test_the_list_is_dated_once_and_an_unchecked_entry_is_left_out(tmp_path):
    root = source_project(tmp_path)
    out = tmp_path / "out"
    proc = run_careprint("build", root, "--out", out, "-e", "survivors", "-f", "pdf",
                         "--jobs", "1", check=True, allow_warnings=True)
    assert f"{LINES}:11: Unchecked Support Line is left out of every output" in proc.stderr
    assert f"{LINES}:17: Dated Support Line is left out of every output" in proc.stderr
    from conftest import pdf_text

    text = squash(pdf_text(next(out.rglob("*.pdf"))))
    assert squash("Checked Helpline") in text
    assert squash("Unchecked Support Line") not in text
    assert squash("Dated Support Line") not in text
    dated_once = squash(f"Details checked on {TODAY.day} {TODAY:%B %Y}")
    assert text.count(dated_once) == 1
    assert squash("not yet checked") not in text
