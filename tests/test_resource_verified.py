"""A resource says honestly whether, when and where it was checked: `verified_on` with a
`source` (the page checked) is verified; `verified_on` alone is an error; neither is a
warning, and the outputs print such an entry without a "checked on" date.

The fixture tests/fixtures/check-resource-source (laid over check-clean) holds one entry of
each kind.
"""

from __future__ import annotations

import datetime as dt
import re

from conftest import run_careprint, squash
from test_check import check, places, project

from careprint.load import load_project

TODAY = dt.date.today()
LINES = "content/resources/lines.yaml"


def source_project(tmp_path):
    root = project(tmp_path, "check-resource-source")
    path = root / LINES
    path.write_text(re.sub(r"verified_on: \S+", f"verified_on: {TODAY}", path.read_text()))
    return root


def test_check_tells_verified_unverified_and_sourceless_apart(tmp_path):
    status, report = check(source_project(tmp_path))
    found = {f"{f['file']}:{f['line']}": f for f in report["findings"]}
    assert sorted(found) == [f"{LINES}:10", f"{LINES}:21"], report["findings"]
    unverified, sourceless = found[f"{LINES}:10"], found[f"{LINES}:21"]
    assert unverified["rule"] == sourceless["rule"] == "resource-verified"
    assert unverified["severity"] == "warning"
    assert "Unchecked Support Line is unverified" in unverified["message"]
    assert "without a \"checked on\" date" in unverified["message"]
    assert sourceless["severity"] == "error"
    assert "verified_on needs a source: the address of the page you checked" \
        in sourceless["message"]
    assert status == 1 and not report["passed"]


def test_source_is_kept_and_must_be_an_https_address(tmp_path):
    root = source_project(tmp_path)
    guide = load_project(root)
    by_name = {r.name: r for r in guide.resources}
    assert by_name["Checked Helpline"].source == "https://example.org/checked-helpline"
    assert by_name["Unchecked Support Line"].verified_on is None
    path = root / LINES
    path.write_text(path.read_text().replace("https://example.org/checked-helpline",
                                             "http://example.org/checked-helpline"))
    _, report = check(root)
    assert places(report, "project") == [f"{LINES}:8"], report["findings"]
    assert "https://" in report["findings"][0]["message"]


def test_only_a_checked_entry_prints_a_checked_on_date(tmp_path):
    root = source_project(tmp_path)
    out = tmp_path / "out"
    run_careprint("build", root, "--out", out, "-e", "survivors", "-f", "pdf", "--jobs", "1",
                  check=True)
    from conftest import pdf_text

    text = squash(pdf_text(next(out.rglob("*.pdf"))))
    checked = text.index(squash("Checked Helpline"))
    unchecked = text.index(squash("Unchecked Support Line"))
    dated = text.index(squash("Dated Support Line"))
    entries = sorted([(checked, "checked"), (unchecked, "unchecked"), (dated, "dated")])
    blocks = {name: text[start:(entries[i + 1][0] if i + 1 < len(entries) else None)]
              for i, (start, name) in enumerate(entries)}
    assert squash("Details checked on") in blocks["checked"]
    assert squash("Details checked on") not in blocks["unchecked"]
    assert squash("We have not yet checked these details") in blocks["unchecked"]
