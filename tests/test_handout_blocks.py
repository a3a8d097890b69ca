"""Issue 24, item 16: a handout carries the tools a reader acts on.

A `::: handout` block in a chapter holds text that only the chapter's handout prints:
the chapter's lists and steps, tightened to fit the sheet. The guide, the chapter printed
alone, the EPUB and the web edition never show it; `handout: sections:` picks its
sections like any other; `careprint check` reads it like the rest of the chapter.
"""

from __future__ import annotations

import shutil

import pytest
from conftest import FIXTURES, epub_text, figure_alts, pdf_text, run_careprint, squash
from pypdf import PdfReader

CHAPTER = "content/chapters/01-help.md"
BLOCK = """
::: handout
## In a hard moment

- Press your feet into the floor.
- Name three things you can see.
:::
"""


SECTIONS = 'handout:\n  sections: ["In a hard moment"]\n'


def project(tmp_path, block: str = BLOCK, front: str = SECTIONS):
    root = tmp_path / "guide"
    shutil.copytree(FIXTURES / "regions", root)
    path = root / CHAPTER
    text = path.read_text("utf-8")
    text = text.replace("---\nIf you are in danger", f"{front}---\nIf you are in danger", 1)
    path.write_text(text.replace("## Try this: save one number",
                                 block.strip() + "\n\n## Try this: save one number"), "utf-8")
    return root


def test_only_the_handout_prints_a_handout_block(tmp_path):
    root = project(tmp_path)
    run_careprint("build", root, "-f", "handouts", "-f", "pdf", "-f", "chapters", "-f", "epub",
                  check=True)
    out = root / "build" / "everyone"
    handout = pdf_text(out / "handouts" / "rg-everyone-ch01-help-a4.pdf")
    assert "In a hard moment" in handout and "Name three things you can see." in handout
    # the practice is still there, after it, in the chapter's order
    assert handout.index("In a hard moment") < handout.index("Try this: save one number")
    for other in (pdf_text(out / "rg-everyone-a4.pdf"),
                  pdf_text(out / "chapters" / "rg-everyone-ch01-help-full-a4.pdf"),
                  epub_text(out / "rg-everyone.epub")):
        assert "Save one number in your phone" in other  # the chapter itself
        assert "In a hard moment" not in other and "Name three things" not in other


def test_a_handout_block_is_rebuilt_when_it_changes(tmp_path):
    root = project(tmp_path)
    run_careprint("build", root, "-f", "handouts", "-f", "pdf", check=True)
    path = root / CHAPTER
    path.write_text(path.read_text("utf-8").replace("Name three things you can see.",
                                                    "Name two things you can hear."), "utf-8")
    proc = run_careprint("build", root, "-f", "handouts", "-f", "pdf", check=True)
    assert "Built 1 file" in proc.stdout, proc.stdout  # the handout, not the guide
    handout = pdf_text(root / "build" / "everyone" / "handouts" / "rg-everyone-ch01-help-a4.pdf")
    assert "Name two things you can hear." in handout


SQUARE = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 10" width="40" height="10">'
          '<rect width="40" height="10" fill="{}"/></svg>')


def test_a_picture_only_a_handout_shows_rebuilds_it_when_it_changes(tmp_path):
    """A handout's key holds the pictures its `::: handout` blocks show, which the
    chapter's own text does not (issue 23's rule: what a render reads is its key)."""
    block = BLOCK.replace("- Press your feet", "![A bar](images/bar.svg)\n\n- Press your feet")
    root = project(tmp_path, block)
    (root / "content" / "chapters" / "images").mkdir(exist_ok=True)
    bar = root / "content" / "chapters" / "images" / "bar.svg"
    bar.write_text(SQUARE.format("#000000"), "utf-8")
    run_careprint("build", root, "-f", "handouts", "-f", "pdf", check=True)
    handout = root / "build" / "everyone" / "handouts" / "rg-everyone-ch01-help-a4.pdf"
    before = handout.read_bytes()
    bar.write_text(SQUARE.format("#FF0000"), "utf-8")
    proc = run_careprint("build", root, "-f", "handouts", "-f", "pdf", check=True)
    assert "Built 1 file" in proc.stdout, proc.stdout  # the handout, not the guide
    assert handout.read_bytes() != before
    fresh = tmp_path / "fresh"
    run_careprint("build", root, "-f", "handouts", "--out", fresh, check=True)
    assert (fresh / "everyone" / "handouts" / handout.name).read_bytes() == handout.read_bytes()


@pytest.mark.parametrize("block, line, message", [
    ("::: handout extra\nText.\n:::\n", 12, "`::: handout` takes no words"),
    ("::: handout\n::: handout\nText.\n:::\n:::\n", 13, "inside another `::: handout`"),
    ("::: handout\nText.\n", 12, "`::: handout` block is never closed"),
])
def test_a_bad_handout_block_is_an_error_at_its_line(tmp_path, block, line, message):
    root = project(tmp_path, block, front="")
    proc = run_careprint("build", root)
    assert proc.returncode == 1, proc.stderr
    assert f"{CHAPTER}:{line}" in proc.stderr and message in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_check_reads_a_handout_block(tmp_path):
    block = "::: handout\n## In a hard moment\n\nCall 999 now.\n:::\n"
    root = project(tmp_path, block)
    proc = run_careprint("check", root)
    # the emergency-number rule: a bare number in the handout's own text is found too
    assert "emergency-number" in proc.stdout + proc.stderr
    assert f"{CHAPTER}:" in proc.stdout + proc.stderr


@pytest.mark.parametrize("edition, tools", [
    ("survivors", ["On a calm day, fill in one line or more.",
                   "Ground yourself in a minute", "If a flashback comes",
                   "That was then. This is now.", "My pause signal:"]),
    ("partners", ["If they say yes, they lead and you write", "Grounding ideas to offer",
                  "During a flashback", "Silence or going along is not a yes.",
                  "The pause signal we agreed:"]),
    ("groups", ["Tick what you tried.", "Grounding ideas to teach",
                "If a member has a flashback", "No touch if they cannot answer.",
                "What members found useful:"]),
])
def test_the_safety_first_handout_carries_its_tools(bundled_build, edition, tools):
    """Issue 24, item 16: the grounding list, the flashback steps as a picture of the
    distress flow (its words are the picture's own text) and a plan to fill in, on one
    sheet."""
    handout = bundled_build / edition / "handouts" / \
        f"safe-to-feel-{edition}-ch02-safety-first-a4.pdf"
    text = squash(pdf_text(handout))
    guide = squash(pdf_text(bundled_build / edition / f"safe-to-feel-{edition}-a4.pdf"))
    for words in tools:
        assert squash(words) in text, words
    assert squash(tools[0]) not in guide  # the tightened version is the handout's alone
    assert len(PdfReader(handout).pages) == 2
    alts = figure_alts(handout)  # the picture, tagged, with its alt text
    assert len(alts) == 1 and "steps, joined by arrows" in alts[0], alts


def test_the_groups_agreement_handout_carries_the_agreement(bundled_build):
    handout = next((bundled_build / "groups" / "handouts").glob(
        "*-group-agreements-and-safety-a4.pdf"))
    text = squash(pdf_text(handout))
    assert squash("A starter agreement to adapt") in text
    assert squash("Sharing is optional. Anyone can pass or step out, with no reason.") in text
    # issue 24, item 10: numbered steps for the hard moments the sheet names
    for words in ("A member is overwhelmed", "A member talks about suicide",
                  "Ask: \u201cAre you thinking about suicide?\u201d",
                  "A member tells you about abuse or a risk to a child"):
        assert squash(words) in text, words
    assert len(PdfReader(handout).pages) == 2


def test_the_programme_handout_carries_a_session_plan(bundled_build):
    """The groups' chapter 13 sheet: the shape of a session, and session one to rehearse."""
    handout = next((bundled_build / "groups" / "handouts").glob(
        "*-seven-session-programme-a4.pdf"))
    text = squash(pdf_text(handout))
    for words in ("The shape of sessions 3 to 6", "Arrive", "Discuss", "1:30",
                  "Try this: rehearse session one", "0:35 Limits of confidentiality",
                  "One thing to change:"):
        assert squash(words) in text, words
    assert len(PdfReader(handout).pages) == 2


TOOLS = """
::: handout
## Try this: your plan

- My pause signal: ___
- [ ] Turn on a light
- A *word* with_underscores and __strong__ stays as it is

Someone to call: ______
:::
"""


def test_a_handout_prints_lines_to_write_on_and_boxes_to_tick(tmp_path):
    """Three underscores that end a list item or a paragraph are a line to write on; `[ ]`
    starting a list item is a box to tick (docs/content-format.md, "The handout")."""
    root = project(tmp_path, TOOLS, 'handout:\n  practice: "Try this: your plan"\n')
    run_careprint("build", root, "-f", "handouts", "--keep-html", check=True)
    out = root / "build" / "everyone" / "handouts"
    page = (out / "rg-everyone-ch01-help-a4.html").read_text("utf-8")
    assert page.count('class="write-in"') == 2 and page.count('class="tick-box"') == 1
    assert '<span class="write-label">My pause signal:</span>' in page
    assert "with_underscores" in page and "<strong>strong</strong>" in page
    text = pdf_text(out / "rg-everyone-ch01-help-a4.pdf")
    assert "My pause signal:" in text and "Turn on a light" in text and "___" not in text
    assert "[ ]" not in text
    # each line is drawn: a rule as long as the rest of its line, at least 30% of the measure
    rules = drawn_rules(out / "rg-everyone-ch01-help-a4.pdf")
    measure = 126 / 25.4 * 96  # px
    assert len(rules) == 2 and min(rules) > 0.3 * measure, rules


def drawn_rules(pdf) -> list[float]:
    """The widths, in CSS px (WeasyPrint draws in them), of the bottom-only borders on the
    PDF's pages: a border is filled between two rectangles of one width, here of heights
    less than 2 px apart, that start at one point."""
    import re as _re

    widths = []
    for page in PdfReader(pdf).pages:
        content = page.get_contents().get_data().decode("latin-1")
        rects = [tuple(map(float, m.groups())) for m in _re.finditer(
            r"(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re", content)]
        for (x, y, w, h), (x2, y2, w2, h2) in zip(rects, rects[1:], strict=False):
            if (x, y, w) == (x2, y2, w2) and 0 < abs(h - h2) < 2 and w > 40:
                widths.append(w)
    return widths
