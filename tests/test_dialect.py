"""The Markdown dialect (docs/content-format.md): what authors write as GitHub taught them
renders as they meant, in the XHTML every format wraps and in the PDF."""

from __future__ import annotations

import pytest
from conftest import copy_fixture, pdf_text, run_careprint

from careprint.source.editions import apply_edition
from careprint.source.load import load_project
from careprint.source.markup import markdown_to_xhtml

HEAD = "---\ntitle: Start here\nsummary: A chapter for the dialect tests.\n---\n"
CHAPTER = "content/chapters/01-start.md"


def xhtml(body: str, tmp_path) -> str:
    """The survivors edition's XHTML of a chapter with `body` (the real pipeline)."""
    project = copy_fixture("bad-input/base", tmp_path)
    (project / CHAPTER).write_text(HEAD + body, encoding="utf-8")
    return apply_edition(load_project(project), "survivors").chapters[0].html


@pytest.mark.parametrize("body", [
    "- a\n  - two spaces\n  - more\n- b\n",
    "- a\n   - three spaces\n   - more\n- b\n",
    "- a\n    - four spaces\n    - more\n- b\n",
    "- a\n\t- a tab\n\t- more\n- b\n",
])
def test_a_sub_list_is_a_sub_list_however_far_it_is_indented(body):
    html = markdown_to_xhtml(body)
    assert html.count("<ul>") == 2, html
    outer, inner = html.split("<ul>")[1], html.split("<ul>")[2].split("</ul>")[0]
    assert outer.strip().startswith("<li>a") and "<li>b</li>" in html
    assert inner.count("<li>") == 2 and "more</li>" in inner


def test_numbered_sub_lists_under_a_numbered_item():
    html = markdown_to_xhtml("1. first\n   1. inner one\n   2. inner two\n2. second\n")
    assert html.count("<ol>") == 2 and "<li>second</li>" in html
    assert html.index("inner one") < html.index("</ol>") < html.index("second")


@pytest.mark.parametrize("gap", ["", "\n"])
def test_a_numbered_list_after_a_bullet_list_is_its_own_list(gap):
    html = markdown_to_xhtml(f"- a\n- b\n{gap}1. one\n2. two\n")
    assert html.count("<ul>") == 1 and html.count("<ol>") == 1, html
    assert "<li>b</li>" in html and "<li>one</li>" in html


def test_lists_written_the_markdown_way_are_unchanged():
    text = ("- a\n\n    more of a\n\n- b\n\nAfter.\n\n    code, not a list\n\nText.\n\n"
            "    - code too\n")
    html = markdown_to_xhtml(text)
    assert "<p>more of a</p>" in html and "<pre><code>code, not a list" in html
    assert "<pre><code>- code too" in html


@pytest.mark.parametrize("fence", ["```", "~~~"])
def test_fenced_code_is_a_code_block(fence, tmp_path):
    html = xhtml(f"Before.\n\n{fence}python\nx = 1 <br> & y\n{fence}\n\nAfter.\n", tmp_path)
    assert '<pre><code class="language-python">x = 1 &lt;br&gt; &amp; y' in html, html
    assert fence not in html and ">python" not in html


def test_bare_urls_become_links_that_follow_the_link_rules(tmp_path):
    html = xhtml("See https://example.org/help?a=1&b=2, or www.example.org.\n\n"
                 "Not `https://in.code` nor [text](https://other.org) twice.\n", tmp_path)
    assert ('<a href="https://example.org/help?a=1&amp;b=2">https://example.org/help?a=1'
            '&amp;b=2</a>,') in html
    assert '<a href="https://www.example.org">www.example.org</a>.' in html
    assert "<code>https://in.code</code>" in html and html.count("<a ") == 3


def test_html_with_fences_and_code_is_text(tmp_path):
    html = xhtml("```\n<div>\n<span>\n```\n\nWrite `<br>`.\n", tmp_path)
    assert "&lt;div&gt;" in html and "<code>&lt;br&gt;</code>" in html


def test_the_pdf_shows_what_the_author_meant(tmp_path):
    """Emphasis in italics and strong in bold; code without its fence or language tag; a
    bare URL as a link; a sub-list on its own lines."""
    project = copy_fixture("bad-input/base", tmp_path)
    body = ("## Dialect\n\nThis is *gently emphasised* and **strongly stated**.\n\n"
            "- Outer item\n  - Inner item\n\n```python\nprint('fenced code')\n```\n\n"
            "Visit https://example.org/help today.\n")
    (project / CHAPTER).write_text(HEAD + body, encoding="utf-8")
    run_careprint("build", project, "--jobs", "1", "-e", "survivors", "-f", "chapters",
                  check=True)
    pdf = project / "build/survivors/chapters/badin-survivors-ch01-start-full-a4.pdf"
    text = pdf_text(pdf)
    assert "```" not in text and "python\nprint" not in text and "print('fenced code')" in text
    assert "Outer item\n" in text and "Inner item" in text
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    fonts = {str(f.get_object()["/BaseFont"]) for page in reader.pages
             for f in page["/Resources"]["/Font"].values()}
    assert any("Italic" in f or "Oblique" in f for f in fonts), fonts
    assert any("Bold" in f and "Italic" not in f for f in fonts), fonts
    uris = [a.get_object()["/A"].get("/URI") for page in reader.pages
            for a in page.get("/Annots") or [] if "/A" in a.get_object()]
    assert "https://example.org/help" in uris, uris


def test_the_docs_name_every_extension_that_is_on():
    """docs/content-format.md's dialect table names exactly the extensions careprint turns
    on (docs/security.md once said attribute lists were off while attr_list was on)."""
    import re
    from pathlib import Path

    from careprint.source.markup import _EXTENSIONS

    docs = (Path(__file__).resolve().parents[1] / "docs/content-format.md").read_text()
    table = docs.split("### The Markdown dialect")[1].split("For example:")[0]
    named = {m for row in table.splitlines()[4:] if row.startswith("|")
             for m in re.findall(r"`([a-z_]+)`", row.rsplit("|", 2)[1])}
    assert named == set(_EXTENSIONS)
    security = (Path(__file__).resolve().parents[1] / "docs/security.md").read_text()
    assert "attribute lists are on" in security and "not enabled" not in security
