"""Issue 26, item 10: one number per chapter in each edition, everywhere. A chapter's web
page and EPUB document carry the number its PDFs carry (its place in the edition), not the
number of its source file: an edition that leaves a chapter out numbers the rest on."""

from __future__ import annotations

import re
import zipfile

from conftest import copy_fixture, run_careprint

LAST = """---
title: Last steps
summary: The last chapter, in both editions.
---
## Ending

The story ends quietly. See [[chapter:start]].
"""


def test_a_chapters_web_page_and_epub_document_carry_its_pdfs_number(tmp_path):
    project = copy_fixture("two-editions", tmp_path)  # 03-b-extra is only in edition b
    (project / "content/chapters/04-last.md").write_text(LAST, "utf-8")
    listed = run_careprint("list", project, check=True).stdout
    a = listed[:listed.index("\nb: ")]
    assert "build/a/handouts/twin-a-ch03-last-a4.pdf" in a, a
    assert "build/a/html/03-last.html" in a and "04-last" not in a, a
    for edition in ("a", "b"):  # every page's number is its handout's, in both editions
        block = listed.split(f"\n{edition}: ")[-1] if edition == "b" else a
        pages = dict((slug, n) for n, slug in
                     re.findall(r"/html/(\d\d)-([a-z-]+)\.html", block))
        handouts = dict((slug, n) for n, slug in
                        re.findall(r"\[handouts\] \S+-ch(\d\d)-([a-z-]+)-a4\.pdf", block))
        assert pages and pages == handouts, (edition, pages, handouts)
    run_careprint("build", project, "-e", "a", "-f", "html", "-f", "epub", check=True)
    html = project / "build/a/html"
    assert sorted(p.name for p in html.glob("[0-9]*.html")) == [
        "01-start.html", "02-second-steps.html", "03-last.html"]
    assert 'href="03-last.html"' in (html / "02-second-steps.html").read_text("utf-8")
    with zipfile.ZipFile(project / "build/a/twin-a.epub") as epub:
        assert "EPUB/03-last.xhtml" in epub.namelist(), epub.namelist()
