"""Links to files: a chapter's file becomes a chapter link, anything else is an error, and
no output of any format ever holds a `file:` URI (docs/security.md)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import copy_fixture, pdf_text, run_careprint
from test_bad_input import BASE, CHAPTER, assert_refused, chapter_text, line_of

SECOND = "content/chapters/02-safety-first.md"
LINKING = """---
title: Safety first
summary: A chapter that links to the first one by its file.
---
## Back to the start

Read [the first chapter](01-start.md) again, or [its *middle*](./01-start.md#middle),
or [the start by slug](start.md), or [](01-start.md) with no words of its own.

[ref]: 01-start.md

And a [reference-style link][ref].
"""


@pytest.fixture
def linked(tmp_path) -> Path:
    project = copy_fixture(BASE, tmp_path)
    (project / SECOND).write_text(LINKING, encoding="utf-8")
    sheet = project / "content/worksheets/check-in.yaml"
    sheet.write_text(sheet.read_text("utf-8").replace(
        "Write as much", "Read [the start](01-start.md) first. Write as much", 1), "utf-8")
    return project


def _pdf_bytes(path: Path) -> bytes:
    """Every byte of a PDF with its streams decompressed (pikepdf, QDF)."""
    import pikepdf

    buf = io.BytesIO()
    with pikepdf.open(path) as pdf:
        pdf.save(buf, qdf=True, compress_streams=False,
                 stream_decode_level=pikepdf.StreamDecodeLevel.generalized)
    return buf.getvalue()


def _output_bytes(path: Path) -> dict[str, bytes]:
    if path.suffix == ".pdf":
        return {str(path): _pdf_bytes(path)}
    if path.suffix == ".epub":
        with zipfile.ZipFile(path) as z:
            return {f"{path}!{n}": z.read(n) for n in z.namelist()}
    return {str(path): path.read_bytes()}


def test_no_output_of_any_format_holds_a_file_uri(linked, tmp_path):
    formats = ("pdf", "handouts", "epub", "html", "worksheets")
    args = ["-e", "survivors", *[a for f in formats for a in ("-f", f)]]
    proc = run_careprint("build", linked, *args, cwd=linked.parent)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "warning:" not in proc.stderr  # a chapter link in a worksheet PDF leads nowhere
    out = linked / "build" / "survivors"
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} >= {".pdf", ".epub", ".html"}
    leaks = [name for p in files for name, data in _output_bytes(p).items()
             if b"file:" in data.lower()]
    assert leaks == []
    # the links became chapter links: inside the guide PDF, between web pages and EPUB files
    web = (out / "html" / "02-safety-first.html").read_text("utf-8")
    assert web.count('<a class="xref xref-chapter" href="01-start.html">') == 5
    assert ">its <em>middle</em></a>" in web and ">Start here</a> with no words" in web
    guide = _pdf_bytes(out / "badin-survivors-a4.pdf")
    assert b"/Dest" in guide or b"/D " in guide
    assert "the first chapter" in pdf_text(out / "badin-survivors-a4.pdf")
    # the same project in another folder gives the same bytes
    other = tmp_path / "elsewhere" / "deeper"
    other.mkdir(parents=True)
    moved = copy_fixture(BASE, other)
    (moved / SECOND).write_text(LINKING, encoding="utf-8")
    (moved / "content/worksheets/check-in.yaml").write_bytes(
        (linked / "content/worksheets/check-in.yaml").read_bytes())
    run_careprint("build", moved, "-e", "survivors", "-f", "pdf", cwd=moved.parent,
                  check=True)
    assert (moved / "build/survivors/badin-survivors-a4.pdf").read_bytes() == \
        (out / "badin-survivors-a4.pdf").read_bytes()


BAD_LINKS = {
    "not-a-chapter": "[notes](notes.md)",
    "folder": "[pictures](images/)",
    "parent": "[up](../02-safety-first.md)",
    "bare-file": "[a leaflet](leaflet.pdf)",
    "absolute": "[root](/home/editor/guide/x.md)",
    "no-scheme-host": "[site](//example.org/help)",
    "empty": "[nothing]()",
    "file-uri": "[passwords](file:///etc/passwd)",
    "raw-html": '<a href="other.html">other</a>',
}


@pytest.mark.parametrize("case", list(BAD_LINKS))
def test_link_to_a_file_that_is_no_chapter_is_refused(tmp_path, case):
    project = copy_fixture(BASE, tmp_path)
    text = chapter_text(f"## Links\n\nA line before.\n\nSee {BAD_LINKS[case]} now.\n")
    (project / CHAPTER).write_text(text, encoding="utf-8")
    assert_refused(project, (f"{CHAPTER}:{line_of(text, BAD_LINKS[case])}", "link"),
                   args=("-f", "pdf"))


def test_link_to_a_chapter_the_edition_leaves_out_is_refused(tmp_path):
    project = copy_fixture(BASE, tmp_path)
    (project / SECOND).write_text(LINKING.replace(
        "summary:", "editions: [partners]\nsummary:"), "utf-8")
    text = chapter_text("## Links\n\nSee [the second](02-safety-first.md).\n")
    (project / CHAPTER).write_text(text, encoding="utf-8")
    assert_refused(project, (f"{CHAPTER}:{line_of(text, '02-safety-first.md')}",
                             "leaves out"), args=("-f", "pdf"))
