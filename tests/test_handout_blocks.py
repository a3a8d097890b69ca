"""Issue 24, item 16: a handout carries the tools a reader acts on.

A `::: handout` block in a chapter holds text that only the chapter's handout prints:
the chapter's lists and steps, tightened to fit the sheet. The guide, the chapter printed
alone, the EPUB and the web edition never show it; `handout: sections:` picks its
sections like any other; `careprint check` reads it like the rest of the chapter.
"""

from __future__ import annotations

import shutil

import pytest
from conftest import FIXTURES, epub_text, pdf_text, run_careprint, squash
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
    ("survivors", ["Use one idea from the list above, then rest.",
                   "Ground yourself in a minute", "If a flashback comes",
                   "That was then. This is now."]),
    ("partners", ["A no, or a not now, is a full answer.", "Grounding ideas to offer",
                  "During a flashback", "If they cannot answer, do not touch them."]),
    ("groups", ["Try two of the ideas above together", "Grounding ideas to teach",
                "If a member has a flashback", "Do not touch anyone who cannot answer."]),
])
def test_the_safety_first_handout_carries_its_tools(bundled_build, edition, tools):
    """Issue 24, item 16: the grounding list and the flashback steps, on one sheet."""
    handout = bundled_build / edition / "handouts" / \
        f"safe-to-feel-{edition}-ch02-safety-first-a4.pdf"
    text = squash(pdf_text(handout))
    guide = squash(pdf_text(bundled_build / edition / f"safe-to-feel-{edition}-a4.pdf"))
    for words in tools:
        assert squash(words) in text, words
    assert squash(tools[0]) not in guide  # the tightened version is the handout's alone
    assert len(PdfReader(handout).pages) == 2


def test_the_groups_agreement_handout_carries_the_agreement(bundled_build):
    handout = next((bundled_build / "groups" / "handouts").glob(
        "*-group-agreements-and-safety-a4.pdf"))
    text = squash(pdf_text(handout))
    assert squash("A starter agreement to adapt") in text
    assert squash("Sharing is optional. Anyone can pass, or step out, with no reason given.") \
        in text
    assert len(PdfReader(handout).pages) == 2
