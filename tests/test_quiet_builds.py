"""Issue 25, quieter builds: what a build says, it says once, at the source's line."""

from __future__ import annotations

import shutil

from conftest import ROOT, copy_fixture, run_careprint


def test_a_picture_without_alt_text_is_one_warning_at_its_line(tmp_path):
    """WeasyPrint said it once per PDF (the guide, each handout, each chapter...), naming
    the built file by its absolute path; careprint says it once, at the chapter's line."""
    project = copy_fixture("minimal", tmp_path)
    (project / "content" / "chapters" / "images").mkdir()
    shutil.copy(ROOT / "content" / "chapters" / "images" / "session-shape.svg",
                project / "content" / "chapters" / "images" / "bar.svg")
    chapter = project / "content" / "chapters" / "01-hello.md"
    text = chapter.read_text("utf-8")
    chapter.write_text(text + '\n<img data-alt="x" src="images/bar.svg">\n', "utf-8")
    line = len((text + "\n").splitlines()) + 1
    proc = run_careprint("build", project, "-f", "pdf", "-f", "handouts", "-f", "chapters",
                         allow_warnings=True)
    assert proc.returncode == 0, proc.stderr
    warnings = [w for w in proc.stderr.splitlines() if "alt" in w]
    assert warnings == [f"warning: content/chapters/01-hello.md:{line}: image 'images/bar.svg' "
                        "has no alt text: describe what it shows (alt=\"...\"), or write "
                        "alt=\"\" if it is only decoration"], proc.stderr
    assert "has no required alt description" not in proc.stderr
