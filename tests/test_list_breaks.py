"""Lists across a page break (issue 16, "a 3-item list split 2+1 across a page"): a list of
three items or fewer is never split, and a longer one never leaves its first or its last
item alone.

One guide of many chapters, each opening on a new page: filler paragraphs, one more in
each chapter than in the one before, push a short list and a long list down across the
end of the chapter's first page at every offset a line can take. The PDF is read back
page by page.
"""

from __future__ import annotations

import pytest
from conftest import copy_fixture, pdf_pages, run_careprint

FIRST, LAST = 24, 52  # filler paragraphs: from a list well inside the page to well past it
CHAPTER = """---
title: Chapter {n}
summary: Filler and two lists, for the page breaks.
---
## Filler before the lists

{filler}

- Short{n}a one.
- Short{n}b two.
- Short{n}c three.

{filler2}

- Long{n}a one.
- Long{n}b two.
- Long{n}c three.
- Long{n}d four.
- Long{n}e five.

The end of chapter {n}.
"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> list[str]:
    root = copy_fixture("minimal", tmp_path_factory.mktemp("project"))
    chapters = root / "content" / "chapters"
    for old in chapters.glob("*.md"):
        old.unlink()
    for n in range(FIRST, LAST + 1):
        filler = "\n\n".join(f"Filler {n}.{i}." for i in range(n))
        filler2 = "\n\n".join(f"More {i}." for i in range(5))
        (chapters / f"{n:02d}-chapter-{n}.md").write_text(
            CHAPTER.format(n=n, filler=filler, filler2=filler2), encoding="utf-8")
    out = tmp_path_factory.mktemp("list-breaks")
    run_careprint("build", root, "--out", out, "-f", "pdf", "--paper", "a4", "--jobs", "1",
                  check=True, timeout=600)
    return pdf_pages(next(out.glob("*/*-a4.pdf")))


def page_of(pages: list[str], marker: str) -> int:
    found = [i for i, text in enumerate(pages) if marker in text]
    assert len(found) == 1, (marker, found)
    return found[0]


def test_a_short_list_is_never_split_across_pages(pages):
    sheets = set()  # the list's page, counted from its chapter's first filler
    for n in range(FIRST, LAST + 1):
        items = [page_of(pages, f"Short{n}{x}") for x in "abc"]
        assert len(set(items)) == 1, f"chapter {n}: the 3-item list is split {items}"
        sheets.add(items[0] - page_of(pages, f"Filler {n}.0."))
    # the end of the first page passed the list within the range (without print.css's
    # rule, chapters 48 and 49 split it 2+1 and 1+2)
    assert len(sheets) > 1, "the lists never met a page's end: widen the range"


def test_a_long_list_never_leaves_its_first_or_last_item_alone(pages):
    split = 0
    for n in range(FIRST, LAST + 1):
        items = [page_of(pages, f"Long{n}{x}") for x in "abcde"]
        assert items[0] == items[1], f"chapter {n}: the first item is alone on page " \
            f"{items[0] + 1}"
        assert items[-1] == items[-2], f"chapter {n}: the last item is alone on page " \
            f"{items[-1] + 1}"
        split += items[0] != items[-1]
    assert split, "no chapter's long list crossed a page: the test tests nothing"
