"""Hostile text, second round (issue 22, items 1, 2, 5, 6 and 7): a second spelling of
what the first round refused. Character references that decode to invisible characters,
direction overrides, pressure words a reader sees but the check did not, ids that take
careprint's own, and characters no font draws.

Each case edits one file of a fresh copy of tests/fixtures/bad-input/base, as
tests/test_hostile_text.py does.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import copy_fixture
from test_hostile_text import (
    CHAPTER,
    GLOSSARY,
    HEAD,
    RESOURCES,
    WORKSHEET,
    edit,
    line_of,
    refused,
    write,
)

from careprint.cli import main
from careprint.errors import ProjectError
from careprint.source.load import load_project


@pytest.fixture
def fresh(tmp_path):
    return copy_fixture("bad-input/base", tmp_path)


def load_problems(project) -> list[str]:
    """The problems load_project finds, as `file:line: message`."""
    with pytest.raises(ProjectError) as info:
        load_project(project)
    return [f"{p.where}: {p.message}" for p in info.value.problems]


def check_findings(project, *args: str) -> list[dict]:
    result = CliRunner().invoke(main, ["check", str(project), "--format", "json", *args])
    assert "Traceback" not in result.output
    return json.loads(result.stdout)["findings"]


# ---------------------------------------------------------------- 1: character references


def test_a_reversed_crisis_number_written_as_references_is_refused(fresh):
    text = HEAD + "## Call\n\nCall &#x202E;116 123 any time.\n"
    write(fresh, CHAPTER, text)
    where = f"{CHAPTER}:{line_of(text, 'Call &#')}"
    refused(fresh, where, "U+202E RIGHT-TO-LEFT OVERRIDE, written &#x202E;")
    assert [(f["rule"], f"{f['file']}:{f['line']}") for f in check_findings(fresh)
            if f["rule"] == "project"][:1] == [("project", where)]


# (file, text in the base project, the same text with a reference, what the error names)
REFERENCES = {
    "zwsp-hex-chapter": (CHAPTER, "welcomes the reader", "welcomes&#x200B; the reader",
                         "U+200B"),
    "bom-chapter": (CHAPTER, "welcomes the reader", "welcomes &#xFEFF;the reader", "U+FEFF"),
    "nel-chapter": (CHAPTER, "welcomes the reader", "welcomes&#x85; the reader", "U+0085"),
    "rlo-decimal-chapter": (CHAPTER, "welcomes the reader", "welcomes &#8238;the reader",
                            "U+202E"),
    "lrm-named-chapter": (CHAPTER, "welcomes the reader", "welcomes &lrm;the reader",
                          "U+200E"),
    "shy-in-a-number": (RESOURCES, "Call 000", "Call 0&shy;00", "U+00AD"),
    "worksheet-instructions": (WORKSHEET, "Write as much", "Write&#x200B; as much", "U+200B"),
    "worksheet-label": (WORKSHEET, "label: What helped today?",
                        "label: What &#x2066;helped today?", "U+2066"),
    "resource-contact": (RESOURCES, "Call 000", "Call &#x202E;000", "U+202E"),
    "front-matter-title": (CHAPTER, "title: Start here", "title: Start &#x202E;here",
                           "U+202E"),
}


@pytest.mark.parametrize("case", list(REFERENCES))
def test_references_to_invisible_characters_are_refused_at_their_line(fresh, case):
    rel, old, new, char = REFERENCES[case]
    text = edit(fresh, rel, old, new)
    where = f"{rel}:{line_of(text, new)}"
    assert any(p.startswith(f"{where}: ") and char in p and "written &" in p
               for p in load_problems(fresh)), load_problems(fresh)


def test_a_reference_in_the_glossary_is_refused(fresh):
    write(fresh, GLOSSARY, "- id: grounding\n  term: Grounding\n"
                           "  definition: Noticing&#x200B; the room.\n")
    assert any(p.startswith(f"{GLOSSARY}:3: ") and "U+200B" in p
               for p in load_problems(fresh))


def test_references_that_do_their_job_are_kept(fresh):
    body = ("## Words\n\nA care&shy;ful start, &copy; and &#169; and &#x4E;o &amp; yes.\n"
            "Caf&eacute; &lt;here&gt;.\n")
    write(fresh, CHAPTER, HEAD + body)
    load_project(fresh)


# ---------------------------------------------------------------- 2: direction overrides


@pytest.mark.parametrize("html, word", [
    ('Call <bdo dir="rtl">116 123</bdo> now.', "<bdo> reverses"),
    ("Call <bdo dir=ltr>116 123</bdo> now.", "<bdo> reverses"),
    ('Call <span dir="rtl">116 123</span> now.', "dir= sets the direction"),
    ('Call <span DIR="auto">116 123</span> now.', "dir= sets the direction"),
    ('Call <span style="direction: rtl; unicode-bidi: bidi-override">116 123</span> now.',
     "style direction: and unicode-bidi: sets the direction"),
    ('Call <span style="dir\\65 ction:rtl">116 123</span> now.',
     "style direction: sets the direction"),
])
def test_a_direction_override_in_raw_html_is_refused(fresh, html, word):
    text = HEAD + "## Call\n\nA line before.\n\n" + html + "\n"
    write(fresh, CHAPTER, text)
    lines = refused(fresh, f"{CHAPTER}:{line_of(text, 'Call <')}", word)
    assert all("::: lang CODE" in ln for ln in lines), lines


def test_a_direction_set_by_an_attribute_list_is_refused(fresh):
    text = HEAD + "## Call\n\nCall 116 123 now.\n{: dir=rtl }\n"
    write(fresh, CHAPTER, text)
    refused(fresh, f"{CHAPTER}:{line_of(text, 'dir=rtl')}", "dir= sets the direction")


def test_bdi_isolates_and_does_not_reverse_a_number(fresh):
    """<bdi> without dir= keeps its text's own order: digits stay left to right."""
    write(fresh, CHAPTER, HEAD + "## Call\n\nCall <bdi>116 123</bdi> now.\n")
    from careprint.source.editions import apply_edition

    html = apply_edition(load_project(fresh), "survivors").chapters[0].html
    assert "<bdi>116 123</bdi>" in html and "dir=" not in html


# ---------------------------------------------------------------- 7: characters no font draws


@pytest.mark.parametrize("written, word", [
    ("\u2028", "U+2028 LINE SEPARATOR"),
    ("\u2029", "U+2029 PARAGRAPH SEPARATOR"),
    ("&#x2028;", "U+2028 LINE SEPARATOR, written &#x2028;"),
    ("\ue000", "private-use character U+E000"),
    ("&#xF8FF;", "private-use character U+F8FF, written &#xF8FF;"),
    ("\U000F0000", "private-use character U+F0000"),
    ("&#x10FFFF;", "U+10FFFF, written &#x10FFFF;"),
    ("\x0b", "U+000B LINE TABULATION (VT)"),
    ("\x0c", "U+000C FORM FEED (FF)"),
    ("\x01", "U+0001"),
])
def test_characters_no_font_draws_are_errors_at_their_line(fresh, written, word):
    text = HEAD + f"## Odd\n\nA line before.\n\nA word{written}glued here.\n"
    write(fresh, CHAPTER, text)
    refused(fresh, f"{CHAPTER}:{line_of(text, 'glued')}", word)


def test_an_unassigned_code_point_is_an_error(fresh):
    text = HEAD + "## Odd\n\nUnassigned \u0378 and &#x0379; here.\n"
    write(fresh, CHAPTER, text)
    problems = load_problems(fresh)
    where = f"{CHAPTER}:{line_of(text, 'Unassigned')}"
    assert f"{where}: U+0378 is not a character" in " ".join(problems), problems
    assert f"{where}: U+0379 is not a character" in " ".join(problems), problems


@pytest.mark.parametrize("rel, old", [
    (WORKSHEET, "Write as much"),
    (RESOURCES, "Call 000"),
    (CHAPTER, "title: Start here"),
])
def test_vt_and_ff_are_errors_in_every_kind_of_source(fresh, rel, old):
    for char in ("\x0b", "\x0c"):
        text = edit(fresh, rel, old, old.replace(" ", char, 1))
        where = f"{rel}:{line_of(text, old.replace(' ', char, 1))}"
        assert any(p.startswith(f"{where}: control character U+{ord(char):04X}")
                   for p in load_problems(fresh)), load_problems(fresh)
        edit(fresh, rel, old.replace(" ", char, 1), old)


def test_vt_and_ff_in_the_glossary_and_careprint_toml_are_errors(fresh):
    write(fresh, GLOSSARY, "- id: grounding\n  term: Grounding\n"
                           "  definition: Noticing\x0cthe room.\n")
    assert any(p.startswith(f"{GLOSSARY}:3: control character U+000C")
               for p in load_problems(fresh))
    (fresh / GLOSSARY).unlink()
    text = edit(fresh, "careprint.toml", 'title = "For partners"',
                'title = "For\\u000bpartners"')
    problems = load_problems(fresh)
    where = f"careprint.toml:{line_of(text, 'u000bpartners')}"
    assert any(p.startswith(where) and "U+000B" in p for p in problems), problems


# ---------------------------------------------------------------- 6: duplicate ids

GROUNDING = "- id: grounding\n  term: Grounding\n  definition: Noticing the room.\n"


@pytest.mark.parametrize("html, word", [
    ("## Fake {: #glossary-grounding }", "the glossary entry 'grounding'"),
    ("A paragraph.\n{: #chapter-start }", "the chapter 'start'"),
    ("A paragraph.\n{: #worksheet-check-in }", "the worksheet 'check-in'"),
    ("A paragraph.\n{: #title-start }", "the chapter 'start'"),
    ('<span id="fn-start-1">x</span>', "a footnote"),
    ('<span id="chapter-start">x</span>', "careprint's own"),  # careprint.guard.reserved's too
])
def test_an_id_careprint_gives_its_own_parts_is_refused_in_content(fresh, html, word):
    write(fresh, GLOSSARY, GROUNDING)
    text = HEAD + "## Ids\n\nSee [[glossary:grounding]].\n\n" + html + "\n"
    write(fresh, CHAPTER, text)
    needle = html.split("\n")[-1][:12]
    lines = refused(fresh, f"{CHAPTER}:{line_of(text, needle)}", word)
    assert len(lines) == 1, lines


def test_an_id_given_twice_is_refused_naming_the_first(fresh):
    text = HEAD + ("## Ids {: #mine }\n\nA paragraph.\n\n<span id=\"mine\">x</span>\n\n"
                   "`{: #mine }` in code, and in a comment <!-- {: #mine } -->.\n")
    write(fresh, CHAPTER, text)
    first, second = line_of(text, "## Ids"), line_of(text, '<span id="mine"')
    lines = refused(fresh, f"{CHAPTER}:{second}", f"already given at {CHAPTER}:{first}")
    assert len(lines) == 1, lines


def test_an_id_given_twice_in_two_files_is_refused(fresh):
    edit(fresh, WORKSHEET, "Write as much", "Write as much {: #mine }")
    text = HEAD + "## Ids\n\nA paragraph.\n{: #mine }\n"
    write(fresh, CHAPTER, text)
    problems = load_problems(fresh)
    assert len(problems) == 1 and "id 'mine' is already given at" in problems[0], problems


def test_the_same_id_in_two_editions_is_fine(fresh):
    text = HEAD + ("## Ids\n\n::: only survivors\nFor you.\n{: #mine }\n:::\n\n"
                   "::: only partners\nFor them.\n{: #mine }\n:::\n")
    write(fresh, CHAPTER, text)
    load_project(fresh)


# ---------------------------------------------------------------- 5: pressure words, hidden


def pressure_lines(project) -> set[int]:
    return {f["line"] for f in check_findings(project)
            if f["rule"] == "pressure-words" and f["file"] == CHAPTER}


@pytest.mark.parametrize("body", [
    "Soft: you m&shy;ust go.",
    "Soft, as a character: you m\u00adust go.",
    "Cyrillic: you mu\u0455t go.",
    "Greek: YOU \u039cUS\u03a4 GO.",
    "<details><summary>You must go</summary>Fine.</details>",
    "A picture ![You must go](pic.png) here.",
    'A [link](https://example.org "You must click") here.',
    '<abbr title="you must">YM</abbr> here.',
    "<img src=\"pic.png\" alt='You must look'>",
])
def test_pressure_words_a_reader_gets_are_found_however_they_are_hidden(fresh, body):
    from PIL import Image

    Image.new("RGB", (10, 10)).save(fresh / "content/chapters/pic.png")
    text = HEAD + "## Words\n\nA line before.\n\n" + body + "\n"
    write(fresh, CHAPTER, text)
    assert pressure_lines(fresh) == {line_of(text, body[:12])}


def test_pressure_words_in_a_comment_are_not_findings(fresh):
    """No reader gets a comment (outputs carry none), and editors write notes in them."""
    text = HEAD + ("## Words\n\nA line.\n\n<!-- you must rewrite this -->\n\n"
                   "<!--\nyou must\n-->\n\nA line after, <!-- you must --> here.\n")
    write(fresh, CHAPTER, text)
    assert pressure_lines(fresh) == set()


def test_a_pressure_phrase_of_the_project_is_normalised_too(fresh):
    edit(fresh, "careprint.toml", "[editions.survivors]",
         '[check.pressure-words]\nadd = { "go to b\u0435d" = "\\"rest\\"" }\n\n'
         "[editions.survivors]")
    text = HEAD + "## Words\n\nA line.\n\nNow go to bed.\n"
    write(fresh, CHAPTER, text)
    assert pressure_lines(fresh) == {line_of(text, "Now go")}


def test_a_raw_vt_in_careprint_toml_is_an_error_at_its_line(fresh):
    text = edit(fresh, "careprint.toml", 'title = "For partners"', 'title = "For\x0bpartners"')
    refused(fresh, f"careprint.toml:{line_of(text, 'For' + chr(11))}", "\\x0b")
