"""Issue 28: right-to-left text and the fonts of other scripts.

A guide in Arabic (tests/fixtures/rtl-arabic) runs right to left in every format: its
documents say dir="rtl", the EPUB's spine progresses right to left, the PDFs' paragraphs
are set against the right margin in Noto Sans Arabic (which careprint ships), the page
number sits at the other foot and the booklet is bound on the right. An English guide with
a `::: lang ar` passage (tests/fixtures/rtl-passage) gives the passage its language and
its direction. CJK fonts are not shipped: a Japanese guide (tests/fixtures/cjk-japanese)
on a machine without one stops with the missing-glyph error, and doctor names the Debian
package (the test machine, like CI's, has no CJK font: scripts/install-system-deps.sh).
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import copy_fixture, epubcheck, epubcheck_problems, run_careprint
from pypdf import PdfReader

from careprint.render.mirror import mirror_css, mirrored_html
from careprint.source.direction import direction, known

ARABIC = re.compile(r"[\u0600-\u06ff]")


@pytest.fixture(scope="module")
def arabic(tmp_path_factory) -> Path:
    """The Arabic guide built as a PDF, a booklet, an EPUB and a web edition."""
    tmp = tmp_path_factory.mktemp("rtl")
    project = copy_fixture("rtl-arabic", tmp)
    run_careprint("build", project, "--out", tmp / "out", "-q", "-j", "1", "-f", "pdf",
                  "-f", "booklet", "-f", "epub", "-f", "html", "--keep-html", check=True)
    return tmp / "out" / "everyone"


@pytest.fixture(scope="module")
def passage(tmp_path_factory) -> Path:
    """The English guide with an Arabic passage, as a PDF, large print, EPUB and web."""
    tmp = tmp_path_factory.mktemp("passage")
    project = copy_fixture("rtl-passage", tmp)
    run_careprint("build", project, "--out", tmp / "out", "-q", "-j", "1", "-f", "pdf",
                  "-f", "large-print", "-f", "epub", "-f", "html", check=True)
    return tmp / "out" / "everyone"


def fonts(pdf: Path) -> set[str]:
    """The base fonts of every page, without their subset prefix (ABCDEF+)."""
    names = set()
    for page in PdfReader(pdf).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def text_runs(page) -> list[tuple[float, str]]:
    """(x where it starts, text) of each run of text a PDF page draws."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            runs.append((cm[4] + tm[4] * cm[0], text.strip()))

    page.extract_text(visitor_text=visit)
    return runs


# ---------------------------------------------------------------- units


def test_direction_is_cldrs():
    assert [direction(c) for c in ("ar", "he", "fa", "ur", "ar-EG", "he-IL")] == ["rtl"] * 6
    assert [direction(c) for c in ("en", "es", "ja", "hi", "zh-Hant")] == ["ltr"] * 5
    assert known("ar") and known("en-GB") and not known("zz") and not known("arabic")


def test_a_stylesheet_is_mirrored_side_for_side():
    css = ("@page { margin: 1mm 2mm 3mm 4mm; @top-left { content: 'left'; } "
           "@bottom-right { content: counter(page); } }\n"
           "@page :right { margin-left: 18mm; }\n"
           "blockquote { border-left: 1mm solid red; float: left; text-align: right; }\n"
           ":where([dir=\"rtl\"]) ul { padding-right: 6mm; }\n")
    assert mirror_css(css) == (
        "@page { margin: 1mm 4mm 3mm 2mm; @top-right { content: 'left'; } "
        "@bottom-left { content: counter(page); } }\n"
        "@page :left { margin-right: 18mm; }\n"
        "blockquote { border-right: 1mm solid red; float: right; text-align: left; }\n"
        ":where([dir=\"rtl\"]) ul { padding-right: 6mm; }\n")
    english = "<html lang=\"en\"><style>p { text-align: left; }</style></html>"
    assert mirrored_html(english) is english


# ---------------------------------------------------------------- a guide in Arabic


def test_an_arabic_guide_runs_right_to_left_in_the_web_edition_and_the_epub(arabic):
    page = (arabic / "html" / "01-numbness.html").read_text("utf-8")
    assert re.search(r'<html lang="ar" dir="rtl">', page)
    epub = next(arabic.glob("*.epub"))
    with zipfile.ZipFile(epub) as z:
        docs = {n: z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml")}
        opf = z.read("EPUB/content.opf").decode()
    for name, doc in docs.items():
        assert re.search(r"<html [^>]*dir=\"rtl\"", doc), name
    assert re.search(r'<spine [^>]*page-progression-direction="rtl"', opf)
    assert epubcheck_problems(epubcheck(epub)) == []


def test_an_arabic_pdf_is_set_in_noto_sans_arabic_against_the_right_margin(arabic):
    pdf = arabic / "calm-ar-everyone-a4.pdf"
    assert {"Noto-Sans-Arabic", "Noto-Sans-Arabic-Bold"} <= fonts(pdf)
    assert not any("DejaVu" in f for f in fonts(pdf))
    reader = PdfReader(pdf)
    width = float(reader.pages[0].mediabox.width)
    chapter = next(p for p in reader.pages if "قدماك على الأرض" in p.extract_text())
    runs = text_runs(chapter)
    # the paragraph's short last line ("آخر.") ends at the right margin, so starts far right
    last = next(x for x, t in runs if t == "آخر")
    assert last > width * 0.7, runs
    # the page number is at the foot's left, the running head's side mirrored
    number = next(x for x, t in runs if t.startswith("Page "))
    assert number < width * 0.3, runs


def test_the_kept_html_of_an_arabic_pdf_is_what_weasyprint_was_given(arabic):
    """--keep-html keeps a right-to-left document's HTML with its styles mirrored, as it
    was laid out: the page number in the foot's left-hand box (print.css sets it in the
    right-hand one), the running head in the top's right-hand box."""
    kept = sorted(arabic.glob("calm-ar-everyone-a4*.html"))
    assert kept, sorted(p.name for p in arabic.iterdir())
    texts = [page.read_text("utf-8") for page in kept]
    number = {m[1] for t in texts
              for m in re.finditer(r'@bottom-(left|right)\s*\{\s*content:\s*"Page ', t)}
    head = {m[1] for t in texts
            for m in re.finditer(r"@top-(left|right)\s*\{\s*content:\s*string\(", t)}
    assert number == {"left"} and head == {"right"}, (number, head)


def test_an_arabic_booklet_is_bound_on_the_right(arabic):
    booklet = arabic / "calm-ar-everyone-booklet-a4.pdf"
    box = PdfReader(booklet).pages[0].mediabox
    half = int(float(box.width) / 2)

    def side(x: int) -> str:
        return subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-x", str(x), "-y", "0",
                               "-W", str(half), "-H", str(int(float(box.height))), str(booklet),
                               "-"], capture_output=True, text=True, check=True).stdout

    # the first sheet's front: the title page (with the edition's description) on the left
    # half, the back cover on the right
    assert "النسخة الوحيدة" in side(0)
    assert "النسخة الوحيدة" not in side(half)


# ---------------------------------------------------------------- a passage in Arabic


def test_a_lang_passage_carries_its_language_and_direction(passage):
    page = (passage / "html" / "01-words.html").read_text("utf-8")
    assert '<html lang="en">' in page
    assert re.search(r'<div lang="ar" dir="rtl">\s*<p>الخدر ليس خطأك', page)
    assert '<em lang="he" dir="rtl">שלום</em>' in page
    epub = next(passage.glob("*.epub"))
    with zipfile.ZipFile(epub) as z:
        assert '<div lang="ar" dir="rtl">' in z.read("EPUB/01-words.xhtml").decode()
    assert epubcheck_problems(epubcheck(epub)) == []


def test_an_arabic_word_in_an_english_guide_is_drawn_in_noto_one_family_a_script(passage):
    guide = fonts(passage / "calm-steps-everyone-a4.pdf")
    assert {"Lato", "Noto-Sans-Arabic", "Noto-Sans-Hebrew-Bold"} <= guide, guide
    large = fonts(passage / "calm-steps-everyone-large-print-a4.pdf")
    assert {"Atkinson-Hyperlegible", "Noto-Sans-Arabic"} <= large, large
    for found in (guide, large):
        assert not any("DejaVu" in f for f in found), found


def test_a_lang_block_names_a_language_cldr_knows(tmp_path):
    project = copy_fixture("rtl-passage", tmp_path)
    chapter = project / "content" / "chapters" / "01-words.md"
    chapter.write_text(chapter.read_text("utf-8").replace("::: lang ar", "::: lang arabic")
                       + "\n::: lang\nHello.\n:::\n", "utf-8")
    proc = run_careprint("build", project, "--out", tmp_path / "out", "-q")
    assert proc.returncode == 1
    assert ("content/chapters/01-words.md:9: `::: lang arabic`: 'arabic' is not a language "
            "code careprint knows: write a BCP 47 code such as 'ar' (Arabic)") in proc.stderr
    assert ("content/chapters/01-words.md:17: `::: lang` takes one language code, e.g. "
            "`::: lang ar` for a passage in Arabic") in proc.stderr
    assert "Traceback" not in proc.stderr


# ---------------------------------------------------------------- CJK: the system's fonts


def test_a_japanese_guide_without_a_cjk_font_stops_and_doctor_names_the_package(tmp_path):
    project = copy_fixture("cjk-japanese", tmp_path)
    proc = run_careprint("build", project, "--out", tmp_path / "out", "-q")
    assert proc.returncode == 1
    assert ("careprint.toml:4: no installed font can draw 'お' (U+304A, HIRAGANA LETTER O): "
            "it would print as an empty box. Install a font that covers it, e.g. "
            "fonts-noto-cjk") in proc.stderr
    assert not (tmp_path / "out").exists()
    doctor = run_careprint("doctor", project)
    assert doctor.returncode == 1
    assert "apt-get install fonts-noto-cjk" in doctor.stdout


def test_doctor_names_the_cjk_package_for_a_japanese_passage_in_an_english_guide(tmp_path):
    project = copy_fixture("rtl-passage", tmp_path)
    chapter = project / "content" / "chapters" / "01-words.md"
    chapter.write_text(chapter.read_text("utf-8") + "\nHello in Japanese: こんにちは.\n", "utf-8")
    doctor = run_careprint("doctor", project)
    assert doctor.returncode == 1
    assert ("!!  Fonts for the guide's text: missing: no installed font draws 'こ' (U+3053, in "
            "content/chapters/01-words.md); it would print as an empty box (Debian: apt-get "
            "install fonts-noto-cjk)") in doctor.stdout
