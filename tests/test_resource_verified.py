"""A resource says honestly whether, when and where it was checked: `verified_on` with a
`source` (the page checked) is verified; `verified_on` alone is an error; neither is a
warning, and the outputs mark such an entry "not yet checked". The list says once when
it was checked (issue 16), not once per entry.

The fixture tests/fixtures/check-resource-source (laid over check-clean) holds one entry of
each kind.
"""

from __future__ import annotations

import datetime as dt
import os
import re

from conftest import run_careprint, squash
from test_check import check, places, project

from careprint.load import load_project

TODAY = dt.date.fromisoformat(os.environ["CAREPRINT_TODAY"])  # conftest.py
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


def test_the_list_is_dated_once_and_only_an_unchecked_entry_is_marked(tmp_path):
    root = source_project(tmp_path)
    out = tmp_path / "out"
    run_careprint("build", root, "--out", out, "-e", "survivors", "-f", "pdf", "--jobs", "1",
                  check=True)
    from conftest import pdf_text

    text = squash(pdf_text(next(out.rglob("*.pdf"))))
    # the support page, near the end (the crisis line is also on the before-you-begin page)
    checked = text.rindex(squash("Checked Helpline"))
    unchecked = text.rindex(squash("Unchecked Support Line"))
    dated = text.rindex(squash("Dated Support Line"))
    entries = sorted([(checked, "checked"), (unchecked, "unchecked"), (dated, "dated")])
    blocks = {name: text[start:(entries[i + 1][0] if i + 1 < len(entries) else None)]
              for i, (start, name) in enumerate(entries)}
    dated_once = squash(f"Details checked on {TODAY.day} {TODAY:%B %Y}")
    assert text.count(dated_once) == 1 and text.index(dated_once) < entries[0][0]
    assert squash("Not yet checked") in blocks["unchecked"]
    assert squash("Not yet checked") not in blocks["checked"] + blocks["dated"]
    assert squash("Details checked") not in "".join(blocks.values())
