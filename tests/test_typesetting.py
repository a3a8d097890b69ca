"""Type and page in the bundled guide's PDFs (issue 16): the measure, near-empty pages,
breaks, typographic quotes, running heads, "Try this" panels and the title page.

One session build of the survivors' and groups' guides and handouts, on A4 and on Letter
(and the survivors' EPUB, for the quotes), read back with poppler's `pdftotext
-bbox-layout`, which gives every line of a page with its box.
"""

from __future__ import annotations

import collections
import copy
import functools
import html
import itertools
import re
import subprocess
from pathlib import Path

import pytest
from conftest import epub_documents, epub_opf, epub_text, pdf_pages, run_careprint

EDITIONS = ("survivors", "groups")
PAPERS = ("a4", "letter")
MM = 72 / 25.4

_PAGE_RE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_LINE_RE = re.compile(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                      r'yMax="([\d.]+)">(.*?)</line>', re.S)
_WORD_RE = re.compile(r"<word [^>]*>(.*?)</word>", re.S)


@pytest.fixture(scope="session")
def typeset_build(bundled_build) -> Path:
    return bundled_build  # the guides, handouts and chapters on both papers (conftest.py)


def guides(out: Path) -> list[Path]:
    return [out / e / f"safe-to-feel-{e}-{p}.pdf" for e in EDITIONS for p in PAPERS]


def chapters(out: Path) -> list[Path]:
    """The whole chapters printed alone."""
    found = sorted(p for e in EDITIONS for p in (out / e / "chapters").glob("*.pdf"))
    assert len(found) >= 2 * 2 * 10, found
    return found


def handouts(out: Path) -> list[Path]:
    found = sorted(p for e in EDITIONS for p in (out / e / "handouts").glob("*.pdf"))
    assert len(found) >= 2 * 2 * 10, found
    return found


# ---------------------------------------------------------------- reading the pages


def page_lines(pdf: Path) -> list[dict]:
    """Each page: {"w", "h", "lines": [{"x0", "y0", "x1", "y1", "size", "text"}]}, in
    points from the top left. A line's `size` is its box's height: the font size. Each
    PDF of the shared build is read once (the tests here read most of them twice)."""
    st = Path(pdf).stat()
    return copy.deepcopy(_page_lines(str(pdf), st.st_mtime_ns, st.st_size, st.st_ino))


@functools.lru_cache(maxsize=256)
def _page_lines(pdf: str, mtime_ns: int, size: int, inode: int) -> list[dict]:
    xml = subprocess.run(["pdftotext", "-bbox-layout", pdf, "-"], capture_output=True,
                         text=True, check=True).stdout
    pages = []
    for pm in _PAGE_RE.finditer(xml):
        lines = [{"x0": float(m[1]), "y0": float(m[2]), "x1": float(m[3]), "y1": float(m[4]),
                  "size": round(float(m[4]) - float(m[2]), 1),
                  "text": " ".join(html.unescape(w) for w in _WORD_RE.findall(m[5]))}
                 for m in _LINE_RE.finditer(pm[3])]
        pages.append({"w": float(pm[1]), "h": float(pm[2]), "lines": lines})
    return pages


def body_size(pdf: Path) -> float:
    """The commonest line size of `pdf`: its body text's."""
    sizes = collections.Counter(ln["size"] for p in page_lines(pdf) for ln in p["lines"])
    return sizes.most_common(1)[0][0]


def body_lines(pdf: Path, size: float | None = None) -> list[str]:
    """The full lines of body text: how the measure is judged.

    Body text is set in the document's commonest size (which leaves out headings, running
    heads, footers, the summaries and the smaller print of boxes and notes). Of those, a
    line counts if the next line on its page is the next line of the same paragraph: one
    line pitch below it (the commonest step between body lines) and at the same left
    edge. That leaves out a paragraph's or a list item's short last line, and lines that
    stand alone (table rows, captions).
    """
    pages = page_lines(pdf)
    if size is None:
        size = collections.Counter(ln["size"] for p in pages for ln in p["lines"])
        size = size.most_common(1)[0][0]
    runs = [sorted((ln for ln in p["lines"] if ln["size"] == size), key=lambda ln: ln["y0"])
            for p in pages]
    steps = collections.Counter(round(b["y0"] - a["y0"], 1) for run in runs
                                for a, b in itertools.pairwise(run))
    pitch = steps.most_common(1)[0][0]
    return [a["text"] for run in runs for a, b in itertools.pairwise(run)
            if abs(b["y0"] - a["y0"] - pitch) < 0.5 and abs(b["x0"] - a["x0"]) < 0.5]


def percentile_90(values: list[int]) -> int:
    ordered = sorted(values)
    return ordered[int(0.9 * (len(ordered) - 1))]


def openers(pdf: Path) -> set[int]:
    """The 1-based pages that open a chapter or a front or back section (its bookmark)."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    return {reader.get_destination_page_number(o) + 1 for o in reader.outline
            if not isinstance(o, list)}


def fullness(page: dict) -> float:
    """How far down the text area (24 mm margins) the page's lowest line reaches, 0 to 1.
    The running head and the folio sit in the margins and do not count."""
    top, bottom = 24 * MM, page["h"] - 24 * MM
    inside = [ln for ln in page["lines"] if ln["y0"] >= top - 2 and ln["y1"] <= bottom + 2]
    if not inside:
        return 0.0
    return (max(ln["y1"] for ln in inside) - top) / (bottom - top)


# ---------------------------------------------------------------- the measure


def test_body_lines_are_60_to_75_characters(typeset_build):
    for pdf in [*guides(typeset_build), *chapters(typeset_build)]:
        lines = body_lines(pdf)
        assert len(lines) >= 5, (pdf.name, len(lines))
        p90 = percentile_90([len(t) for t in lines])
        assert p90 <= 75, f"{pdf.name}: 90% of body lines are up to {p90} characters"
        if pdf.parent.name != "chapters":  # a whole guide has enough text to judge
            # the low end too
            assert p90 >= 60, f"{pdf.name}: a measure of {p90} characters is too narrow"
    # a handout's commonest size may be its support box's smaller print: its body lines are
    # those in the size of its guide's body text, judged over an edition's handouts together
    pooled = collections.defaultdict(list)
    for pdf in handouts(typeset_build):
        edition, paper = pdf.parents[1].name, pdf.stem.rsplit("-", 1)[1]
        size = body_size(typeset_build / edition / f"safe-to-feel-{edition}-{paper}.pdf")
        pooled[edition, paper] += body_lines(pdf, size)
    for (edition, paper), lines in pooled.items():
        assert len(lines) >= 20, (edition, paper, len(lines))
        p90 = percentile_90([len(t) for t in lines])
        assert p90 <= 75, f"{edition} handouts on {paper}: 90% of body lines are up to {p90}"


# ---------------------------------------------------------------- pages


def test_only_a_chapters_last_page_is_short(typeset_build):
    """A page less than 35% full is a chapter's (or a back section's) last page, or a
    front section of one page (the title page, "Before you begin"): never a run-over of
    the contents, nor a page in the middle of a chapter."""
    for pdf in guides(typeset_build):
        pages, opening = page_lines(pdf), sorted(openers(pdf))
        assert len(opening) >= 10, opening
        first_chapter = opening[3]  # after the title page, before you begin, contents
        short = [n for n, page in enumerate(pages, 1) if fullness(page) < 0.35
                 and n not in opening[:3]
                 and not (n + 1 in opening and n > first_chapter) and n != len(pages)]
        assert not short, f"{pdf.name}: pages {short} are less than 35% full"


def test_contents_fit_one_page(typeset_build):
    for pdf in guides(typeset_build):
        opening = sorted(openers(pdf))
        assert opening[:4] == [1, 2, 3, 4], f"{pdf.name}: the contents take pages " \
            f"{opening[2]} to {opening[3] - 1}"


def running_head(page, top_mm: float) -> str:
    """The words above the text area of a page_lines() page, its page number left out
    ("Page N of M" shares the head since issue 25)."""
    return " ".join(ln["text"] for ln in page["lines"] if ln["y1"] < top_mm * MM
                    and not re.fullmatch(r"Page \d+ of \d+", ln["text"]))


def test_running_head_is_the_chapter_and_none_on_its_opener(typeset_build):
    for pdf in guides(typeset_build):
        pages, opening = page_lines(pdf), sorted(openers(pdf))
        for n, page in enumerate(pages, 1):
            head = running_head(page, 24)
            if n in opening:
                assert head == "", f"{pdf.name} p{n} opens a section but has a head {head!r}"
        text = pdf_pages(pdf)
        chapter = next(n for n in opening if text[n - 1].lstrip().startswith("CHAPTER 1"))
        after = next(n for n in opening if n > chapter)
        assert after > chapter + 1, "chapter 1 should run over several pages"
        title = next(ln["text"] for ln in pages[chapter - 1]["lines"] if ln["size"] >= 20)
        for n in range(chapter + 1, after):
            head = running_head(pages[n - 1], 24)
            assert head == title, f"{pdf.name} p{n}: running head {head!r}, not {title!r}"


def test_a_handouts_and_a_chapters_later_pages_name_them(typeset_build):
    """A handout's side 2 names the handout and the guide; a chapter printed alone names
    the chapter; their first page, whose own head names both, has no running head."""
    for pdf in handouts(typeset_build) + chapters(typeset_build):
        if "booklet" in pdf.name or "large-print" in pdf.name:
            continue
        pages = page_lines(pdf)
        top = 24 if "/chapters/" in pdf.as_posix() else 20  # a handout's top margin: 20 mm
        heads = [running_head(p, top) for p in pages]
        title = next(ln["text"] for ln in pages[0]["lines"] if ln["size"] >= 20)
        want = title if "/chapters/" in pdf.as_posix() else f"{title} · Safe to Feel"
        assert heads[0] == "" and len(heads) >= 2, (pdf.name, heads)
        assert all(h == want for h in heads[1:]), (pdf.name, want, heads)


def test_title_page_says_whom_the_edition_is_for_once(typeset_build):
    for pdf in guides(typeset_build):
        edition = "survivors" if "survivors" in pdf.name else "groups"
        title_page = pdf_pages(pdf)[0]
        words = " ".join(title_page.split())
        assert "For:" not in words and "version" not in words.lower(), words
        assert "careprint ·" not in words, words
        heading = {"survivors": "For survivors", "groups": "For group facilitators"}[edition]
        assert words.count(heading) == 1, words
        assert "The careprint editors" in words, words
        lines = page_lines(pdf)[0]
        assert max(ln["y1"] for ln in lines["lines"]) > lines["h"] * 0.8, \
            "the title page's bottom half is empty"


# ---------------------------------------------------------------- breaks and quotes


def test_references_phone_numbers_and_file_names_do_not_break(typeset_build):
    page_refs = file_names = 0
    for pdf in [*guides(typeset_build), *handouts(typeset_build)]:
        for page in page_lines(pdf):
            # in reading order, box by box; a line is followed by the next one of its own
            # column (a handout's support lines are in two)
            end = {"text": "", "x0": -1e9, "y0": 1e9}
            for a, b in itertools.pairwise([*page["lines"], end]):
                line = a["text"]
                after = b["text"] if abs(b["x0"] - a["x0"]) < 30 and b["y0"] > a["y0"] else ""
                assert not re.search(r"\((page|chapter|worksheet)$|\(chapter \d+$", line), \
                    f"{pdf.name}: a reference breaks after {line[-30:]!r}"
                # a number's digit groups on two lines (not a contents line's page number
                # followed by the next entry's "2. ")
                assert not (re.search(r"\d-?$", line) and re.match(r"\d", after)
                            and ". ." not in line and not re.match(r"\d+\.\s", after)), \
                    f"{pdf.name}: a number breaks: {line[-20:]!r} / {after[:20]!r}"
                assert not (line.endswith("-") and re.match(r"[\w-]*\.(pdf|epub)\b", after)), \
                    f"{pdf.name}: a file name breaks: {line[-30:]!r} / {after[:30]!r}"
                page_refs += len(re.findall(r"\(page\s\d+\)", line))
                file_names += len(re.findall(r"safe-to-feel-\w+-worksheets-\w+\.pdf", line))
    assert page_refs > 10 and file_names >= 2, (page_refs, file_names)


def test_no_straight_quotes_in_any_text(typeset_build):
    texts = {pdf.name: "\n".join(pdf_pages(pdf))
             for pdf in [*guides(typeset_build), *handouts(typeset_build)]}
    texts["epub"] = epub_text(typeset_build / "survivors" / "safe-to-feel-survivors.epub")
    for name, text in texts.items():
        bad = re.findall(r".{0,30}(?:\w'\w|(?:^|\s)['\"]\w|\w[.,!?]?[\"']).{0,30}", text,
                         re.M)
        assert not bad, f"{name}: straight quotes in {bad[:5]}"
    # the quotes are there, set typographically, in the PDFs and the EPUB
    assert sum("\u2019" in text for text in texts.values()) > len(texts) / 2
    assert "\u2019" in texts["epub"] and "\u201c" in texts["epub"]


# ---------------------------------------------------------------- "Try this" panels


def test_try_this_practices_are_panels(typeset_build, tmp_path):
    """A practice is drawn in a panel: its heading has the panel's accent rule beside it,
    in the guide and in the handouts, and the EPUB marks it up as a practice."""
    from PIL import Image

    survivors = typeset_build / "survivors"
    for pdf in (survivors / "safe-to-feel-survivors-a4.pdf",
                survivors / "handouts" / "safe-to-feel-survivors-ch01-why-numbness-happens-a4.pdf"):
        pages = page_lines(pdf)
        n, line = next((n, ln) for n, p in enumerate(pages, 1) for ln in p["lines"]
                       if ln["text"].startswith("Try this:"))
        subprocess.run(["pdftoppm", "-png", "-r", "72", "-f", str(n), "-l", str(n), str(pdf),
                        str(tmp_path / pdf.stem)], check=True)
        image = Image.open(next(tmp_path.glob(f"{pdf.stem}*.png"))).convert("RGB")
        x, y = round(line["x0"] - 6 * MM), round((line["y0"] + line["y1"]) / 2)
        assert sum(image.getpixel((x, y))) < 3 * 160, \
            f"{pdf.name} p{n}: no panel rule beside {line['text']!r}"
    chapter = next(t for name, t in epub_documents(survivors / "safe-to-feel-survivors.epub")
                   .items() if "why-numbness-happens" in t and "Try this" in t)
    assert re.search(r'<section class="practice">\s*<h2[^>]*>Try this', chapter)


# ---------------------------------------------------------------- every source, small


def test_quotes_from_every_source_are_typographic(fixture_project):
    """Front matter, careprint.toml and resources skip Markdown's smart-quote step; the
    page's typographic pass sets them all. Code keeps its straight quotes."""
    project = fixture_project("minimal")
    toml = project / "careprint.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'title = "Tiny Guide"', 'title = "Sam\'s Tiny Guide"'), encoding="utf-8")
    (project / "content" / "chapters" / "01-hello.md").write_text(
        "---\ntitle: Hello there\nsummary: It's a \"tiny\" chapter.\nkey_points:\n"
        "  - You don't have to read it.\n---\n## A small start\n\nSay `it's` here, "
        "see page 5 of it, or call 0808 802 9999.\n\n"
        "## Try this: one slow breath\n\nBreathe out.\n", encoding="utf-8")
    run_careprint("build", project, "-f", "epub", "-f", "pdf", check=True)
    epub = next(project.glob("build/*/*.epub"))
    pdf = next(project.glob("build/*/*.pdf"))
    docs = epub_documents(epub)
    chapter = next(t for t in docs.values() if "Hello there" in t and "small start" in t)
    assert "It\u2019s a \u201ctiny\u201d chapter." in chapter
    assert "You don\u2019t have to read it." in chapter
    assert "<code>it's</code>" in chapter
    assert '<span class="nowrap">page 5 of</span>' in chapter
    # a number the sentence asks to call is a link, whole (.phone: nowrap) (issue 21)
    assert '<a class="phone" href="tel:08088029999">0808 802 9999</a>' in chapter
    assert re.search(r'<section class="practice">\s*<h2[^>]*>Try this: one slow breath', chapter)
    assert "Sam\u2019s Tiny Guide" in "\n".join(docs.values())
    assert "Sam\u2019s Tiny Guide" in epub_opf(epub)[1]
    text = "\n".join(pdf_pages(pdf))
    assert "Sam\u2019s Tiny Guide" in text and "It\u2019s a \u201ctiny\u201d" in text
    assert "Sam's" not in text


def test_a_tag_written_in_a_stylesheet_comment_does_not_stop_the_typesetting():
    """A style element is raw text: a "<style>" in a CSS comment inside it (as
    crisis-footer.css once had) must not leave the rest of the page unset."""
    from careprint.render.typography import typeset_html

    page = ("<html><head><style>/* included in a <style> element */ p {}</style></head>"
            "<body><p>the survivor&#39;s own pace</p></body></html>")
    assert "the survivor\u2019s own pace" in typeset_html(page)
