"""Property-based tests (hypothesis) of careprint's parsers: they either succeed or report a
problem through careprint's own error types; they never crash.

The normal run uses the "ci" profile (200 examples per test). A deep run:

    HYPOTHESIS_PROFILE=deep .venv/bin/pytest tests/test_fuzz.py

("deep": 10000 examples per test, no deadline; it takes several minutes.)
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET

import yaml
from conftest import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careprint.errors import Collector, Problem, ProjectError
from careprint.source.config import load_config
from careprint.source.load import _load_worksheet, split_front_matter
from careprint.source.markup import (
    OPEN_RE,
    Source,
    check_only_blocks,
    check_raw_html,
    filter_edition,
    markdown_to_xhtml,
    well_formed_problem,
    xhtml_entities,
)
from careprint.source.yamlload import YamlError, load_yaml

settings.register_profile("ci", max_examples=200, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=10000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

EDITIONS = ("a", "b", "c")
BASE_PROJECT = FIXTURES / "bad-input" / "base"

# one line of text: anything but a newline
line_text = st.text(st.characters(blacklist_characters="\n", blacklist_categories=("Cs",)),
                    max_size=30)


# ---------------------------------------------------------------- `::: only`

only_line = st.one_of(
    st.sampled_from(["::: only a", "::: only b c", "::: only zz", ":::", "  :::  ",
                     ":::only a", "::: only", "::: note", "::: only a zz", "::::",
                     "::: only c b a"]),
    line_text,
)


def model_keep(lines: list[str], edition: str) -> list[int]:
    """Reference model: indices of the lines `edition` keeps (nested blocks intersect)."""
    kept, stack = [], []
    for i, text in enumerate(lines):
        words = text.split()
        if text.strip().startswith(":::") and words[:1] == [":::"] and len(words) == 1:
            stack.pop()
        elif text.strip().startswith(":::"):
            names = text.strip()[3:].split()[1:]
            stack.append(edition in names)
        elif all(stack):
            kept.append(i)
    return kept


@given(lines=st.lists(only_line, max_size=25), first=st.integers(1, 500),
       edition=st.sampled_from(EDITIONS))
def test_only_blocks_either_fail_or_filter_cleanly(lines, first, edition):
    src = Source("\n".join(lines), "content/chapters/01-x.md", first)
    numbered = src.lines()
    problems = check_only_blocks(src, EDITIONS)
    assert all(isinstance(p, Problem) for p in problems)
    for p in problems:
        path, _, line = p.where.rpartition(":")
        assert path == "content/chapters/01-x.md"
        assert first <= int(line) < first + len(numbered)
    if problems:
        return
    kept = filter_edition(src, edition)
    # a subsequence of the input, each line with its own number in the file
    it = iter(numbered)
    assert all(any(line == other for other in it) for line in kept), kept
    assert not any(OPEN_RE.match(text) for _, text in kept), kept
    assert not any(text.lstrip().startswith(":::") for _, text in kept)
    assert [n - first for n, _ in kept] == model_keep(src.text.split("\n"), edition)


# ---------------------------------------------------------------- front matter and YAML

yamlish_line = st.one_of(
    st.sampled_from([
        "---", "...", "title: A title", "title: Again", "editions: [a, b]", "editions: a",
        "key_points:", "  - one", "  - two", "- item", "summary: |", "  block text",
        "summary: >-", "x: {a: 1, b: [1, 2]}", "? [a, b]", ": value", "{[a]: 1}",
        "? {a: 1}", "&anchor x: 1", "y: *anchor", "z: *missing", "<<: *anchor",
        "a: &r [*r]", "!!python/object/apply:os.system [echo]", "t: !!binary aGVsbG8=",
        "d: 2025-13-45", "d: 2025-01-01", "n: .nan", "big: 1e999", "%YAML 1.1",
        "%TAG ! tag:x,2000:", "s: !!set {a, b}", "o: !!omap [a: 1]", "\ttab: 1",
        "'quoted: key': v", '"\\u0000": nul', "key: 'unclosed", "key: [unclosed",
        "  indented: 1", "title:", "- - nested", "? complex", "@bad", "`bad", "%",
        "!!map {a: 1}", "x: !!str", "x: !!int abc", "x: !!float abc",
    ]),
    line_text,
)


@given(text=st.one_of(st.text(max_size=200),
                      st.lists(yamlish_line, max_size=15).map("\n".join),
                      st.lists(yamlish_line, max_size=12).map(
                          lambda ls: "---\n" + "\n".join(ls) + "\n---\nBody.\n")))
def test_front_matter_loader_fails_only_with_careprint_errors(text):
    try:
        fm, fm_line, body, body_line = split_front_matter(text, "content/chapters/01-x.md")
    except ProjectError as exc:
        assert exc.problems and exc.problems[0].where == "content/chapters/01-x.md:1"
        return
    assert fm_line == 2 and body_line >= 3
    try:
        load_yaml(fm, fm_line)
    except YamlError as exc:
        assert isinstance(exc.line, int) and exc.line >= 1
        assert exc.message


# ---------------------------------------------------------------- worksheet schema

_CONFIG = None


def config():
    global _CONFIG
    if _CONFIG is None:
        _CONFIG = load_config(BASE_PROJECT)
    return _CONFIG


scalar = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000),
                   st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
                   st.sampled_from(["survivors", "partners", "nope", "x", "check-in",
                                    "::: only partners\nkept\n:::", "<script>x</script>",
                                    "::: only", "Title", "lines", "table", "scale"]))
value = st.recursive(scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.text(max_size=8), st.sampled_from(["type", "label"])),
                    inner, max_size=4)), max_leaves=12)

FIELD_TYPES = ["name", "date", "lines", "text", "checklist", "scale", "table", "nope"]
FIELD_KEY_NAMES = ["type", "label", "key", "lines", "height", "options", "other", "min", "max",
                   "anchors", "columns", "rows", "row_labels", "extra"]
field_value = st.one_of(value, st.sampled_from(FIELD_TYPES),
                        st.lists(st.text(max_size=10), max_size=8), st.integers(-5, 70))
field = st.one_of(
    st.fixed_dictionaries({"type": st.one_of(st.sampled_from(FIELD_TYPES), value),
                           "label": st.one_of(st.text(max_size=12), value)},
                          optional={k: field_value for k in FIELD_KEY_NAMES[2:]}),
    st.dictionaries(st.sampled_from(FIELD_KEY_NAMES), field_value, max_size=8),
    value)
worksheet_values = {
    "id": st.one_of(st.sampled_from(["x", "check-in", "X", ""]), value),
    "title": st.one_of(st.text(max_size=12), value),
    "purpose": st.one_of(st.text(max_size=12), value),
    "editions": st.one_of(st.lists(st.sampled_from(["survivors", "partners", "zz"]),
                                   max_size=3), value),
    "instructions": st.one_of(st.lists(st.sampled_from(
        ["Text.", "::: only partners", "::: only zz", ":::", "<b>b</b>", "<script>",
         "&copy;", "[[worksheet:x]]"]), max_size=6).map("\n".join), value),
    "closing": st.one_of(st.text(max_size=12), value),
    "fields": st.one_of(st.lists(field, max_size=5), value),
}
worksheet = st.one_of(
    st.fixed_dictionaries({}, optional={**worksheet_values, "colour": value}),
    st.fixed_dictionaries({k: worksheet_values[k] for k in ("id", "title", "purpose",
                                                            "fields")}),
    st.dictionaries(st.one_of(st.sampled_from(list(worksheet_values)), st.text(max_size=8)),
                    value, max_size=9))


@given(data=st.one_of(worksheet, value), stem=st.sampled_from(["x", "check-in", "X"]))
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_worksheet_schema_fails_only_with_project_errors(data, stem):
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    errs = Collector()
    try:
        ws = _load_worksheet(text, "content/worksheets/x.yaml", stem, config(), errs)
    except ProjectError:
        return
    assert all(isinstance(p, Problem) for p in errs.problems)
    if ws is None:
        assert errs.problems, "a worksheet was refused without a problem"
    else:
        assert not errs.problems
        assert ws.id == stem and ws.fields


# ---------------------------------------------------------------- Markdown -> XHTML

md_piece = st.one_of(
    st.sampled_from([
        "## Heading", "### Sub", "#", "- item", "* item", "1. one", "  - nested", "> quote",
        "*em*", "**strong**", "_u_", "`code`", "```", "    indented code", "[link](x.html)",
        "[link](https://example.org/a?b=1&c=2)", "<https://example.org>", "&", "&amp;",
        "&copy;", "&#169;", "&#xZZ;", "AT&T", "<", ">", "<3", "a < b > c", "\"quotes\"",
        "'single'", "--", "---", "...", "<<", ">>", "| a | b |", "|---|---|", "| 1 | 2 |",
        "Term", ": Definition", "[^1]", "[^1]: A note.", "{: .cls }", "{: #id }",
        "<span>", "</span>", "<span class=\"x\">s</span>", "<em>e</em>", "<br>", "<br/>",
        "<hr>", "<img src=\"p.png\" alt=\"a\">", "<abbr title=\"t\">a</abbr>", "<div>",
        "</div>", "<details><summary>s</summary>", "</details>", "<p>", "</p>",
        "<sup>1</sup>", "<table><tr><td>x</td></tr></table>", "<a href=\"#x\">a</a>",
        "<q>q</q>", "<!-- comment -->", "<![CDATA[x]]>", "\u00e9\u00e8 \u4f60\u597d",
        "\U0001F49B", "\u0645\u0631\u062d\u0628\u0627", "\u200b", "\x0c", "\x00", "\ufffe",
        "\\*", "\\", "*", "_", "[", "]", "(", ")", "!", "![img](p.png)", "   ",
    ]),
    line_text,
)
markdown_text = st.lists(st.lists(md_piece, min_size=1, max_size=4).map(" ".join),
                         max_size=12).map("\n".join)


@given(text=markdown_text)
def test_markdown_to_xhtml_is_well_formed_or_reported(text):
    src = Source(text, "content/chapters/01-x.md", 5)
    if check_raw_html(src.lines(), src.path):
        return
    xhtml = xhtml_entities(markdown_to_xhtml(text))
    assert isinstance(xhtml, str)
    try:
        ET.fromstring(f"<div>{xhtml}</div>")
    except ET.ParseError:
        problem = well_formed_problem(xhtml, "content/chapters/01-x.md:5")
        assert isinstance(problem, Problem), xhtml
        assert problem.where == "content/chapters/01-x.md:5"
    else:
        assert well_formed_problem(xhtml, "content/chapters/01-x.md:5") is None
