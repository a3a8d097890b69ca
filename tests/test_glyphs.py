"""A character no installed font can draw is an error, reported once per character with
its file:line, its code point and a Debian package that covers it (careprint/guard/glyphs.py).
It used to print as an empty box, with a warning per glyph per PDF, and exit 0."""

from __future__ import annotations

from conftest import copy_fixture, run_careprint
from test_bad_input import BASE, CHAPTER, chapter_text, line_of

CJK = "\u4f60\u597d"  # 你好: no font of the test machine's set-up covers it


def test_a_character_no_font_covers_is_an_error_once(tmp_path):
    project = copy_fixture(BASE, tmp_path)
    text = chapter_text(f"## Greetings\n\nHello in Chinese: {CJK}.\n\nAgain: {CJK}{CJK}.\n"
                        "And a yellow heart \U0001F49B.\n")
    (project / CHAPTER).write_text(text, encoding="utf-8")
    sheet = project / "content/worksheets/check-in.yaml"
    sheet.write_text(sheet.read_text("utf-8").replace("Write as much", f"{CJK} Write", 1),
                     "utf-8")
    proc = run_careprint("build", project, "-e", "survivors", "-f", "pdf", cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and ".notdef" not in proc.stderr
    line = line_of(text, "Hello in Chinese")
    problems = [ln.strip() for ln in proc.stderr.splitlines() if "no installed font" in ln]
    assert problems == [
        f"{CHAPTER}:{line}: no installed font can draw '\u4f60' (U+4F60, CJK UNIFIED "
        "IDEOGRAPH-4F60): it would print as an empty box. Install a font that covers it, "
        "e.g. fonts-noto-cjk",
        f"{CHAPTER}:{line}: no installed font can draw '\u597d' (U+597D, CJK UNIFIED "
        "IDEOGRAPH-597D): it would print as an empty box. Install a font that covers it, "
        "e.g. fonts-noto-cjk",
        f"{CHAPTER}:{line_of(text, 'yellow heart')}: no installed font can draw "
        "'\U0001F49B' (U+1F49B, YELLOW HEART): it would print as an empty box. Install a "
        "font that covers it, e.g. fonts-noto-color-emoji",
    ]
    assert not (project / "build" / "survivors").exists()


def test_check_reports_it_too(tmp_path):
    project = copy_fixture(BASE, tmp_path)
    (project / CHAPTER).write_text(chapter_text(f"## Greetings\n\n{CJK}.\n"), "utf-8")
    proc = run_careprint("check", project, cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "U+4F60" in proc.stdout + proc.stderr
