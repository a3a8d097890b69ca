"""Editions on a tiny project: `::: only` passages and cross-references, in the real outputs."""

from __future__ import annotations

import re

import pytest
from conftest import (
    contains,
    copy_fixture,
    epub_documents,
    epub_opf,
    epub_text,
    epubcheck,
    epubcheck_problems,
    kept_html,
    normalize,
    pdf_pages,
    pdf_text,
    run_careprint,
)
from pypdf import PdfReader

ALPHA = "Only edition alpha keeps this sentence about marigold lanterns"  # ::: only a
BRAVO = "Only edition bravo keeps this sentence about juniper kites"  # ::: only b
SHARED = "Everyone reads this shared opening paragraph about quiet lanterns"
OWN = {"a": ALPHA, "b": BRAVO}
OTHER = {"a": BRAVO, "b": ALPHA}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("two-editions")
    project = copy_fixture("two-editions", base)
    out = base / "out"
    run_careprint("build", project, "--out", out, "--format", "pdf", "--format", "chapters",
                  "--format", "handouts", "--format", "epub", check=True)
    return out


def pdf(built, e):
    return built / e / f"twin-{e}-a4.pdf"


def epub(built, e):
    return built / e / f"twin-{e}.epub"


def test_fixture_source_holds_the_passages():
    from conftest import FIXTURES

    text = normalize((FIXTURES / "two-editions/content/chapters/01-start.md").read_text())
    assert f"::: only a {ALPHA}" in text
    assert f"::: only b {BRAVO}" in text


@pytest.mark.parametrize("edition", ["a", "b"])
def test_only_passage_in_pdf(built, edition):
    text = pdf_text(pdf(built, edition))
    assert contains(text, SHARED)
    assert contains(text, OWN[edition])
    assert not contains(text, OTHER[edition])


@pytest.mark.parametrize("edition", ["a", "b"])
def test_only_passage_in_epub(built, edition):
    text = epub_text(epub(built, edition))
    assert contains(text, SHARED)
    assert contains(text, OWN[edition])
    assert not contains(text, OTHER[edition])


@pytest.mark.parametrize("edition", ["a", "b"])
def test_only_passage_in_chapter_printed_alone(built, edition):
    # the handout holds the chapter's practice only (issue 16): the whole chapter is here
    text = pdf_text(built / edition / "chapters" / f"twin-{edition}-ch01-start-full-a4.pdf")
    assert contains(text, "Getting started")
    assert contains(text, OWN[edition])
    assert not contains(text, OTHER[edition])


@pytest.mark.parametrize("edition", ["a", "b"])
def test_no_only_markers_leak(built, edition):
    for text in (pdf_text(pdf(built, edition)), epub_text(epub(built, edition))):
        assert ":::" not in text
        assert "[[" not in text and "]]" not in text


def test_chapter_left_out_of_an_edition(built):
    """03-b-extra is only in b: absent from a's PDF, EPUB, contents and handouts."""
    assert "Extra for B" not in pdf_text(pdf(built, "a"))
    assert "Extra for B" in pdf_text(pdf(built, "b"))
    _, opf_a = epub_opf(epub(built, "a"))
    _, opf_b = epub_opf(epub(built, "b"))
    assert "03-b-extra" not in opf_a
    assert 'href="03-b-extra.xhtml"' in opf_b
    assert not list((built / "a" / "handouts").glob("*b-extra*"))
    assert (built / "b" / "handouts" / "twin-b-ch03-b-extra-a4.pdf").is_file()
    assert sorted(p.name for p in (built / "a" / "handouts").glob("*.pdf")) == [
        "twin-a-ch01-start-a4.pdf", "twin-a-ch02-second-steps-a4.pdf"]


@pytest.mark.parametrize("edition", ["a", "b"])
def test_cross_reference_is_an_epub_link(built, edition):
    docs = epub_documents(epub(built, edition))
    start = next(v for k, v in docs.items() if k.endswith("/01-start.xhtml"))
    links = re.findall(r'<a [^>]*href="([^"]+)"[^>]*>([^<]+)</a>', start)
    assert ("02-second-steps.xhtml", "Second steps") in links, links
    assert any(k.endswith("/02-second-steps.xhtml") for k in docs)
    # the target file really is the second chapter
    second = next(v for k, v in docs.items() if k.endswith("/02-second-steps.xhtml"))
    assert re.search(r"<h1[^>]*>Second steps</h1>", second)


@pytest.mark.parametrize("edition", ["a", "b"])
def test_cross_reference_shows_the_page_in_the_pdf(built, edition):
    from pypdf import PdfReader

    path = pdf(built, edition)
    pages = pdf_pages(path)
    text = normalize("\n".join(pages))
    m = re.search(r"For more, see Second steps \(page (\d+)\)", text)
    assert m, "no '(page N)' after the cross-reference"
    shown = int(m.group(1))
    # the page the chapter starts on (its eyebrow 'Chapter 2' and its title)
    starts = [i + 1 for i, t in enumerate(pages)
              if re.search(r"^chapter 2$", t, re.I | re.M) and "Second steps" in t]
    assert starts, "chapter 2 not found in the PDF"
    assert shown == starts[0]
    # and the link itself goes there
    reader = PdfReader(str(path))
    dest = reader.named_destinations.get("chapter-second-steps")
    assert dest is not None
    assert reader.get_destination_page_number(dest) + 1 == shown
    page_with_ref = next(i for i, t in enumerate(pages) if "For more, see" in t)
    annots = [a.get_object() for a in reader.pages[page_with_ref].get("/Annots", [])]
    assert any(a.get("/Subtype") == "/Link" and a.get("/Dest") == "chapter-second-steps"
               for a in annots)


@pytest.mark.parametrize("edition", ["a", "b"])
def test_epubcheck_two_editions(built, edition):
    problems = epubcheck_problems(epubcheck(epub(built, edition)))
    assert problems == []


def test_footnotes_of_different_chapters_keep_apart(tmp_path):
    """Every chapter numbers its footnotes from 1. In the whole guide, each footnote link
    must still lead to its own chapter's note, and every id must be unique."""
    project = copy_fixture("two-editions", tmp_path)
    notes = {"start": "Apricot", "second-steps": "Bramble"}
    for slug, word in notes.items():
        path = next((project / "content" / "chapters").glob(f"*-{slug}.md"))
        path.write_text(path.read_text() + f"\nA claim with a source.[^1]\n\n[^1]: {word} note.\n")
    out = tmp_path / "out"
    run_careprint("build", project, "--out", out, "-e", "a", "-f", "pdf", "-f", "epub",
                  "--keep-html", check=True)

    html = kept_html(out / "a" / "twin-a-a4.html")
    # (a part's stand-ins for anchors in other parts repeat: render/parts.py)
    ids = [i for i in re.findall(r'\bid="([^"]+)"', html)
           if not i.startswith("careprint-elsewhere-")]
    assert len(ids) == len(set(ids))
    reader = PdfReader(out / "a" / "twin-a-a4.pdf")
    dests = reader.named_destinations
    for slug, word in notes.items():
        assert f'href="#fn-{slug}-1"' in html and f'href="#fnref-{slug}-1"' in html
        page = reader.get_destination_page_number(dests[f"fn-{slug}-1"])
        assert f"{word} note" in reader.pages[page].extract_text()
    assert epubcheck_problems(epubcheck(out / "a" / "twin-a.epub")) == []
