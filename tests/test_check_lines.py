"""`careprint check` takes the line of every front-matter key and YAML value from the model
(careprint.source.model.KeyLines): its findings name those lines, and it never parses a source
file again once the project is loaded."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from test_check import EXTRA, TODAY, project

import careprint.source.load
from careprint.check import run_checks

WORKSHEET = "content/worksheets/calm-notes.yaml"
GLOSSARY = "content/glossary.yaml"
RESOURCES = "content/resources/lines.yaml"

# Each finding sits on a line that only the key's own line explains: not the first line of
# its file, of its mapping, or of its list item.
CHAPTER_TEXT = """---
title: A second small step
summary: Another short chapter for the tests.
# careprint keeps the line of every key, wherever it is
key_points:
  - One more point.
  - You must rest first.
content_note: >-
  Mentions stress and worry. It also names sleep, work, money and family. It touches on
  friends, school and health. It speaks of the news and the weather. It looks at the past,
  the future, plans and hopes.
---
## Try this: a quiet minute

Sit for a minute and notice your breath, if that feels right for you today.
"""
EXPECTED = [
    ("pressure-words", EXTRA, 7),  # the second item of key_points
    ("content-note", EXTRA, 8),  # content_note
    ("pressure-words", WORKSHEET, 13),  # the label of the third field, not its `- type:`
    ("pressure-words", WORKSHEET, 14),  # the options of that field
    ("pressure-words", GLOSSARY, 4),  # the definition of the only entry
    ("resource-verified", RESOURCES, 16),  # verified_on of the second resource
]


def lines_project(tmp_path):
    root = project(tmp_path)
    (root / EXTRA).write_text(CHAPTER_TEXT)
    sheet = root / WORKSHEET
    sheet.write_text(sheet.read_text()
                     .replace("label: What I tried", "label: What you must try")
                     .replace("[Slow breath, A short walk]", "[Slow breath, You must walk]"))
    gloss = root / GLOSSARY
    gloss.write_text(gloss.read_text().replace(
        "  definition: Simple ways", "  # a note\n  definition: You must find simple ways"))
    res = root / RESOURCES
    old = (TODAY - dt.timedelta(days=800)).isoformat()
    text = res.read_text()
    head, sep, tail = text.rpartition("verified_on: ")
    res.write_text(head + sep + old + tail[len(TODAY.isoformat()):])
    return root


def findings(report) -> list[tuple[str, str, int]]:
    return sorted((f.rule, f.file, f.line) for f in report.findings)


def test_findings_name_the_line_of_the_key_or_value(tmp_path):
    root = lines_project(tmp_path)
    report = run_checks(root, today=TODAY)
    assert findings(report) == sorted(EXPECTED), report.findings


def test_check_parses_no_source_after_loading(tmp_path, monkeypatch):
    """Once load_project has returned, YAML parsing fails loudly: check must not need it."""
    root = lines_project(tmp_path)
    load = careprint.source.load.load_project

    def parse_again(*args, **kwargs):
        raise AssertionError("careprint check parsed a source file a second time")

    def load_then_forbid(path, *problems):  # check passes the list its problems go to
        guide = load(path, *problems)
        monkeypatch.setattr(yaml, "load", parse_again)
        return guide

    monkeypatch.setattr(careprint.source.load, "load_project", load_then_forbid)
    report = run_checks(root, today=TODAY)
    with pytest.raises(AssertionError, match="a second time"):
        yaml.load("a: 1", Loader=yaml.SafeLoader)  # the guard was in place
    assert findings(report) == sorted(EXPECTED), report.findings


def test_every_source_rule_is_a_registered_unit():
    """Each source rule is found by its id; allow-marker is the check of the markers."""
    from careprint.check.registry import units
    from careprint.check.rules import RULES

    for rule_id, rule in RULES.items():
        found = units(rule_id)
        assert bool(found) == (not rule.outputs and rule_id != "allow-marker"), rule_id
        assert all(u.rule == rule_id for u in found)
