"""careprint.toml's problems name their line, and a misspelt key is answered with the key
that was meant (issue 26, "a CLI without surprises", item 4; careprint/source/tomllines.py)."""

from __future__ import annotations

import re
import tomllib

import pytest
from conftest import copy_fixture, run_careprint

from careprint.source.tomllines import key_lines

TRICKY = '''[guide]
title = """A title
slug = "not a key: inside a string"
"""
subtitle = 'x'  # a comment with = in it
a."b c".d = 1
list = [
  "x", # ] not the end
  "y",
]
after = 2
inline = { k = 1, j = "}" }

[[series]]
n = 1
'''


def test_each_key_is_found_at_its_line_past_strings_arrays_and_comments():
    tomllib.loads(TRICKY)  # it is TOML
    assert key_lines(TRICKY) == {
        "guide": 1, "guide.title": 2, "guide.subtitle": 5, "guide.a": 6, "guide.a.b c": 6,
        "guide.a.b c.d": 6, "guide.list": 7, "guide.after": 11, "guide.inline": 12,
        "series": 14, "series.n": 15}


def test_a_problem_in_careprint_toml_names_its_line_and_the_key_meant(tmp_path):
    project = copy_fixture("minimal", tmp_path)
    toml = project / "careprint.toml"
    text = toml.read_text("utf-8").replace('title = "Tiny Guide"', 'titel = "Tiny Guide"')
    text += '\n[paper]\nsize = "A4"\n\n[formats.pdf]\ncrisis_lin = "x"\n'
    toml.write_text(text, "utf-8")
    lines = text.split("\n")
    proc = run_careprint("build", project)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    titel = lines.index('titel = "Tiny Guide"') + 1
    crisis = lines.index('crisis_lin = "x"') + 1
    assert f"careprint.toml:{titel}: guide.titel: unknown key; did you mean 'title'?" \
        in proc.stderr, proc.stderr
    assert f"careprint.toml:{crisis}: formats.pdf.crisis_lin: unknown key; did you mean " \
        "'crisis_line'?" in proc.stderr
    # a missing key is named at its table's header
    assert "careprint.toml:1: guide.title: missing required key" in proc.stderr
    assert "paper.size" not in proc.stderr  # "A4" is a4


def test_a4_in_capitals_builds_on_a4(tmp_path):
    project = copy_fixture("minimal", tmp_path)
    toml = project / "careprint.toml"
    toml.write_text(toml.read_text("utf-8") + '\n[paper]\nsize = ["A4", "Letter"]\n')
    proc = run_careprint("list", project)
    assert proc.returncode == 0, proc.stderr
    assert "-a4.pdf" in proc.stdout and "-letter.pdf" in proc.stdout


def test_a_finding_about_careprint_toml_names_its_line_past_a_multi_line_string(tmp_path):
    """The check rules read their key's line from the Config (careprint/source/tomllines.py); they
    used to read careprint.toml again as text (check/configlines.py), where a multi-line
    string's line that starts with "[" was taken for a table: the finding had no line."""
    project = copy_fixture("minimal", tmp_path)
    toml = project / "careprint.toml"
    text = toml.read_text("utf-8").replace(
        'language = "en"',
        'subtitle = """A guide\n[in two lines]\n"""\nlanguage = "not a tag!"')
    toml.write_text(text, "utf-8")
    line = text.split("\n").index('language = "not a tag!"') + 1
    proc = run_careprint("check", project)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert f"careprint.toml:{line}: " in proc.stdout + proc.stderr, proc.stdout
    assert "'not a tag!' is not a language tag" in proc.stdout, proc.stdout


def test_rules_find_the_lines_of_review_keys_and_region_codes(tmp_path):
    """A key left out is named at its table's header; each region code at its own line."""
    project = copy_fixture("minimal", tmp_path)
    toml = project / "careprint.toml"
    text = toml.read_text("utf-8") + (
        '\n[review]\nnext_review = "2020-01-01"\n\n[resources]\nregions = [\n  "GB",\n'
        '  "US",  # "IE"\n]\n')
    toml.write_text(text, "utf-8")
    from careprint.source.config import load_config

    config = load_config(project)
    lines = text.split("\n")
    review = lines.index("[review]") + 1
    assert config.line("review.next_review") == review + 1
    assert config.line("review.clinical_reviewers") == review  # left out: its table
    assert config.lines["resources.regions[GB]"] == lines.index('  "GB",') + 1
    assert config.lines["resources.regions[US]"] == lines.index('  "US",  # "IE"') + 1
    assert "resources.regions[IE]" not in config.lines  # a comment


def test_a_misspelt_value_table_format_or_rule_is_answered_with_the_one_meant(tmp_path):
    """"did you mean" for a key was given only inside a table: now for a value of a fixed
    set, a top-level table, a format and a rule too, each at its line."""
    project = copy_fixture("minimal", tmp_path)
    toml = project / "careprint.toml"
    text = toml.read_text("utf-8") + (
        '\n[paper]\nsize = "leter"\n\n[reviw]\nx = 1\n\n[formats.epubb]\n\n'
        '[check.readabilty]\n')
    toml.write_text(text, "utf-8")
    lines = text.split("\n")
    proc = run_careprint("list", project)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    for line, message in [
            ('size = "leter"', "paper.size: 'leter' is not one of: a4, letter; did you mean "
             "'letter'?"),
            ("[reviw]", "reviw: unknown key; did you mean 'review'? expected one of:"),
            ("[formats.epubb]", "formats.epubb: unknown format; did you mean 'epub'?"),
            ("[check.readabilty]", "check.readabilty: unknown rule; did you mean "
             "'readability'?")]:
        assert f"careprint.toml:{lines.index(line) + 1}: {message}" in proc.stderr, \
            proc.stderr


def test_an_entry_that_is_not_a_mapping_is_named_with_its_file(fixture_project):
    """A glossary or resources file whose list holds a bare word instead of an entry:
    each is an error naming the file and the entry's place, and what an entry holds."""
    from careprint.errors import ProjectError
    from careprint.source.load import load_project

    root = fixture_project("minimal")
    (root / "content" / "glossary.yaml").write_text("- just a word\n", "utf-8")
    resources = sorted((root / "content" / "resources").glob("*.yaml"))[0]
    resources.write_text(resources.read_text("utf-8") + "\n- another word\n", "utf-8")
    with pytest.raises(ProjectError) as caught:
        load_project(root)
    text = str(caught.value)
    assert "content/glossary.yaml: entry 1: expected id, term and definition" in text
    rel = resources.relative_to(root).as_posix()
    assert re.search(rf"{re.escape(rel)}: entry \d+: expected name, regions, roles", text)
