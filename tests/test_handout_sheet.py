"""Issue 16: a handout is one sheet, both sides; the whole chapter is its own PDF.

The bundled guide is built once (handouts and chapters on A4, handouts on Letter): every
handout of every edition fits two pages on both papers and holds what a handout needs;
every chapter PDF holds each of its chapter's sections. The tiny fixtures test the
`handout:` front matter, its errors, the warning for a handout that runs long, --only,
`careprint list`, the library page, pruning and check --outputs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import (
    BUNDLED_EDITIONS,
    contains,
    copy_fixture,
    normalize,
    pdf_text,
    run_careprint,
    squash,
)
from pypdf import PdfReader

from careprint.source.handout_choice import heading_key
from careprint.source.markup import Source, filter_edition

SLUG = "safe-to-feel"


@pytest.fixture(scope="module")
def sheets(bundled_build) -> Path:
    return bundled_build  # handouts and chapters on A4 and Letter (conftest.py)


def edition_chapters(guide, edition):
    return [(n, c) for n, c in enumerate((c for c in guide.chapters if c.in_edition(edition)),
                                         1)]


def section_headings(chapter, edition, handout: bool = False) -> list[str]:
    """The edition's `## ` headings, read from the Markdown source (with those only its
    handout prints, `::: handout`, when `handout`)."""
    lines = filter_edition(Source(chapter.body, chapter.path, chapter.body_line), edition,
                           handout)
    return [t[3:].strip() for _, t in lines if t.startswith("## ")]


def section_openings(chapter, edition) -> dict[str, str]:
    """Each `## ` heading of the edition with the first words of the text under it: what
    shows that the section itself is on a page, not only words its heading shares with
    the summary (the heading "Polyvagal theory", and a key point that names it)."""
    lines = [t for _, t in filter_edition(Source(chapter.body, chapter.path,
                                                 chapter.body_line), edition)]
    out = {}
    for i, line in enumerate(lines):
        if line.startswith("## "):
            text = next((t for t in lines[i + 1:] if t.strip() and t.strip() != ":::"), "")
            words = re.match(r"(?:\s*(?:[-*]|\d+\.)\s+)?((?:[A-Za-z]+[ ,]+){4})", text)
            if words:
                out[line[3:].strip()] = f"{line[3:].strip()} {words.group(1)}"
    return out


def handout(out: Path, edition: str, n: int, chapter, paper: str) -> Path:
    return out / edition / "handouts" / f"{SLUG}-{edition}-ch{n:02d}-{chapter.slug}-{paper}.pdf"


def full_chapter(edition: str, n: int, chapter, paper: str) -> str:
    return f"chapters/{SLUG}-{edition}-ch{n:02d}-{chapter.slug}-full-{paper}.pdf"


# ---------------------------------------------------------------- the bundled guide


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("edition", BUNDLED_EDITIONS)
def test_every_bundled_handout_is_one_sheet(sheets, bundled_guide, edition, paper):
    chapters = edition_chapters(bundled_guide, edition)
    made = sorted(p.name for p in (sheets / edition / "handouts").glob(f"*-{paper}.pdf"))
    assert made == sorted(handout(sheets, edition, n, c, paper).name for n, c in chapters)
    pages = {c.name: len(PdfReader(handout(sheets, edition, n, c, paper)).pages)
             for n, c in chapters}
    assert all(1 <= p <= 2 for p in pages.values()), pages


@pytest.mark.parametrize("edition", BUNDLED_EDITIONS)
def test_a_bundled_handout_holds_what_a_handout_needs(sheets, bundled_guide, edition):
    from careprint.source.region_view import handout_services

    crisis = [r.name for r in handout_services(bundled_guide.resources, "",
                                               bundled_guide.config.resources["regions"])]
    for n, c in edition_chapters(bundled_guide, edition):
        text = pdf_text(handout(sheets, edition, n, c, "a4"))
        flat = normalize(text)
        assert contains(text, c.title), c.name
        assert c.summary and contains(text, c.summary), c.name
        assert c.key_points and all(contains(text, k) for k in c.key_points), c.name
        headings = section_headings(c, edition, handout=True)
        # the practice `handout:` names (the first this edition has), or the first one
        named = [h for h in headings for p in c.handout.practice or ()
                 if heading_key(h) == heading_key(p)]
        if c.handout.practice != ():  # `practice: []` leaves it out
            practice = (named or [h for h in headings if h.startswith("Try this")])[0]
            assert contains(text, practice), c.name
        # one practice and the sections `handout:` names, not the chapter: its other
        # sections are in chapters/
        picked = {heading_key(h) for h in c.handout.sections or ()}
        others = [o for h, o in section_openings(c, edition).items()
                  if not h.startswith("Try this") and heading_key(h) not in picked]
        assert others and not [o for o in others if contains(text, o)], c.name
        assert "If you need help now" in flat and all(squash(r) in squash(text) for r in crisis)
        # where the whole chapter is, in words: no file name a reader cannot open (issue 21)
        assert f"The whole chapter is chapter {n} of the guide." in flat, c.name
        assert ".pdf" not in text and "chapters/" not in text, c.name


@pytest.mark.parametrize("edition", BUNDLED_EDITIONS)
def test_a_bundled_chapter_pdf_holds_every_section(sheets, bundled_guide, edition):
    for n, c in edition_chapters(bundled_guide, edition):
        pdf = sheets / edition / full_chapter(edition, n, c, "a4")
        text = pdf_text(pdf)
        assert contains(text, c.title) and contains(text, c.summary), c.name
        headings = section_headings(c, edition)
        assert headings and all(contains(text, h) for h in headings), c.name
        assert "If you need help now" in normalize(text)
        assert len(PdfReader(pdf).pages) > len(PdfReader(handout(sheets, edition, n, c,
                                                                 "a4")).pages)


# ---------------------------------------------------------------- handout: front matter

CHAPTER = "content/chapters/01-start.md"
PRACTICES = """
## Notes for later

Keep this note about silver pebbles for the whole chapter only.

## Try this: the first practice

Breathe out slowly while counting amber lanterns.

## Try this: the second practice

Press your feet down and name three violet boats. See [[chapter:second-steps]].

## Why the practice helps

A section about copper bridges that the author wants on the handout.
"""


def practice_project(tmp_path: Path, front: str, body: str = PRACTICES) -> Path:
    project = copy_fixture("two-editions", tmp_path)
    (project / CHAPTER).write_text(
        "---\ntitle: Getting started\nsummary: The first chapter, in both editions.\n"
        "key_points:\n  - Go at your own pace.\n" + front + "---\n" + body, encoding="utf-8")
    return project


def built_handout(project: Path, *args) -> str:
    run_careprint("build", project, "-e", "a", "-f", "handouts", *args, check=True)
    return normalize(pdf_text(project / "build/a/handouts/twin-a-ch01-start-a4.pdf"))


def test_the_default_practice_is_the_first_try_this(tmp_path):
    text = built_handout(practice_project(tmp_path, ""))
    assert "Try this: the first practice" in text and "amber lanterns" in text
    assert "violet boats" not in text and "silver pebbles" not in text
    assert "copper bridges" not in text


def test_front_matter_chooses_the_practice_and_the_sections(tmp_path):
    front = ('handout:\n  practice: "Try this: the second practice"\n'
             '  sections: ["Why the practice helps"]\n')
    text = built_handout(practice_project(tmp_path, front))
    assert "Try this: the second practice" in text and "violet boats" in text
    assert "copper bridges" in text
    assert "amber lanterns" not in text and "silver pebbles" not in text
    # printed alone, a handout names the chapter its practice refers to
    assert "\u201cSecond steps\u201d (chapter 2 of the full guide)" in text


def test_a_practice_list_takes_each_editions_own(tmp_path):
    body = ("## Shared\n\nShared words.\n\n::: only a\n## Try this: alpha breath\n\n"
            "Alpha hums a tune.\n:::\n\n::: only b\n## Try this: bravo stretch\n\n"
            "Bravo stretches an arm.\n:::\n\n## Try this: both of us\n\nEveryone waves.\n")
    front = ('handout:\n  practice:\n    - "Try this: bravo stretch"\n'
             '    - "Try this: both of us"\n')
    project = practice_project(tmp_path, front, body)
    run_careprint("build", project, "-f", "handouts", check=True)
    a = normalize(pdf_text(project / "build/a/handouts/twin-a-ch01-start-a4.pdf"))
    b = normalize(pdf_text(project / "build/b/handouts/twin-b-ch01-start-a4.pdf"))
    assert "Everyone waves" in a and "Alpha hums" not in a
    assert "Bravo stretches" in b and "Everyone waves" not in b


def test_practice_none_leaves_the_practice_out(tmp_path):
    text = built_handout(practice_project(tmp_path, "handout:\n  practice: []\n"))
    assert "Try this" not in text and "Go at your own pace" in text


@pytest.mark.parametrize("front, line, message", [
    ('handout:\n  practice: "Try this: a third practice"\n', 7,
     "handout.practice: this chapter has no section headed 'Try this: a third practice'"),
    ("handout:\n  sections:\n    - Notes for later\n    - Notes for never\n", 9,
     "handout.sections: this chapter has no section headed 'Notes for never'"),
    ("handout:\n  practise: Notes for later\n", 7, "handout: unknown key 'practise'"),
    ("handout:\n  practice:\n    - Try this: the first practice\n", 7, "handout.practice: "
     'expected a section heading or a list of section headings (a heading with a colon '
     'goes in quotes: "Try this: one slow breath")'),
    ("handout: Notes for later\n", 6, "handout: expected `practice:` and/or `sections:`"),
])
def test_a_handout_choice_that_is_wrong_is_an_error_at_its_line(tmp_path, front, line,
                                                                 message):
    project = practice_project(tmp_path, front)
    proc = run_careprint("build", project, "-f", "handouts")
    assert proc.returncode == 1
    assert f"{CHAPTER}:{line}: {message}" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (project / "build").exists()  # nothing is written


@pytest.mark.allow_warnings
def test_a_handout_longer_than_a_sheet_is_a_warning_naming_the_chapter(tmp_path):
    long_practice = "## Try this: a very long practice\n\n" + "\n\n".join(
        "Notice your breath for a while, and let it be as it is. " * 8 for _ in range(30))
    project = practice_project(tmp_path, "", long_practice)
    proc = run_careprint("build", project, "-e", "a", "-f", "handouts", allow_warnings=True)
    assert proc.returncode == 0
    assert re.search(rf"warning: .*twin-a-ch01-start-a4\.pdf: {CHAPTER}: the handout takes "
                     r"\d+ pages, more than one sheet \(2 pages\)", proc.stderr), proc.stderr
    strict = run_careprint("build", project, "-e", "a", "-f", "handouts", "--strict", "--force",
                           allow_warnings=True)
    assert strict.returncode == 1 and "one sheet" in strict.stderr


# ---------------------------------------------------------------- the chapters output


def test_only_builds_a_chapters_handout_and_its_whole_chapter(tmp_path):
    project = copy_fixture("two-editions", tmp_path)
    run_careprint("build", project, "-e", "b", "--only", "b-extra", "-f", "handouts",
                  "-f", "chapters", check=True)
    made = sorted(p.relative_to(project / "build").as_posix()
                  for p in (project / "build").rglob("*.pdf"))
    assert made == ["b/chapters/twin-b-ch03-b-extra-full-a4.pdf",
                    "b/handouts/twin-b-ch03-b-extra-a4.pdf"]
    library = (project / "build/index.html").read_text("utf-8")
    # the library page, not the handout, is where a reader finds the file (issue 21), in
    # its chapter's row: the paper is the link's text, the file's name is for screen
    # readers (issue 25)
    assert re.search(r'<a href="b/chapters/twin-b-ch03-b-extra-full-a4\.pdf"><span class='
                     r'"visually-hidden">The whole chapter: Extra for B, </span>A4</a>',
                     library)
    assert re.search(r'<a href="b/handouts/twin-b-ch03-b-extra-a4\.pdf"><span class='
                     r'"visually-hidden">Handout: Extra for B, </span>A4</a>', library)


def test_a_handout_names_the_chapter_and_no_file_in_every_form(tmp_path):
    """"...and printed alone in this file: chapters/...-full-a4.pdf": a path helps no reader
    on paper, and a booklet's cut it off at the fold. The library page links the file."""
    project = copy_fixture("two-editions", tmp_path)
    run_careprint("build", project, "-e", "b", "--only", "b-extra", "-f", "handouts",
                  "-f", "large-print", "-f", "booklet", check=True)
    made = sorted((project / "build/b/handouts").glob("*.pdf"))
    assert [p.name for p in made] == ["twin-b-ch03-b-extra-a4.pdf",
                                      "twin-b-ch03-b-extra-booklet-a4.pdf",
                                      "twin-b-ch03-b-extra-large-print-a4.pdf"]
    for path in made:
        text = normalize(pdf_text(path))
        assert "The whole chapter is chapter 3 of the guide." in text, (path.name, text)
        assert ".pdf" not in text and "chapters/" not in text, (path.name, text)


def test_list_names_the_chapter_pdfs(tmp_path):
    project = copy_fixture("two-editions", tmp_path)
    proc = run_careprint("list", project, "-e", "b", check=True)
    assert "    [chapters] build/b/chapters/twin-b-ch03-b-extra-full-a4.pdf" in \
        proc.stdout.splitlines()


def test_a_removed_chapter_takes_its_chapter_pdf_with_it(tmp_path):
    project = copy_fixture("two-editions", tmp_path)
    run_careprint("build", project, "-e", "b", "-f", "chapters", check=True)
    gone = project / "build/b/chapters/twin-b-ch03-b-extra-full-a4.pdf"
    assert gone.is_file()
    (project / "content/chapters/03-b-extra.md").unlink()
    run_careprint("build", project, "-e", "b", "-f", "chapters", check=True)
    assert not gone.exists()
    assert (project / "build/b/chapters/twin-b-ch01-start-full-a4.pdf").is_file()


def test_check_outputs_asks_a_chapter_pdf_for_the_crisis_lines_only(tmp_path):
    """A chapter printed alone carries the crisis lines, as its handout does, not every
    support service the guide lists (check-clean has one of each)."""
    project = copy_fixture("check-clean", tmp_path)
    run_careprint("build", project, "-e", "survivors", "-f", "chapters", check=True)
    proc = run_careprint("check", project, "--outputs", "-e", "survivors",
                         "--output-format", "chapters", "--format", "json")
    import json

    findings = [f for f in json.loads(proc.stdout)["findings"]
                if f["rule"] in ("crisis-resources", "outputs")]
    assert findings == []
