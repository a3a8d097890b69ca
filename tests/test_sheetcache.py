"""A document's `<style>` sheets are parsed once per process (careprint/render/sheetcache.py),
and a document rendered with a kept sheet is the same PDF, with the same warnings."""

from __future__ import annotations

import logging

import pytest
import weasyprint
import weasyprint.css as wcss

from careprint.render import sheetcache, weasy
from careprint.source.typefaces import use_bundled_fonts

PAGE = ("<!DOCTYPE html><html lang='en'><head><style>{css}</style><style>h1 {{ color: #225 }}"
        "</style></head><body><h1>Breathing space</h1><ol><li>One</li><li>Two</li></ol>"
        "<p>You can stop at any time.</p></body></html>")
SHEET = ("@page { size: A6; margin: 12mm; @bottom-right { content: counter(page) } }"
         " p { font-size: 14pt; colr: red } li { margin: 2mm }")


@pytest.fixture
def parses(monkeypatch):
    """The sheets WeasyPrint parses from here on, by their text."""
    use_bundled_fonts()
    texts: list[str] = []
    real = wcss.CSS

    def counted(*args, **kwargs):
        texts.append(kwargs.get("string"))
        return real(*args, **kwargs)

    monkeypatch.setattr(wcss, "CSS", counted)
    return texts


def render(html: str, *, shared: bool = True) -> tuple[bytes, list[str]]:
    said: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: said.append(record.getMessage())  # type: ignore[method-assign]
    log = logging.getLogger("weasyprint")
    log.addHandler(handler)
    try:
        config = weasy.font_config(html) if shared else None
        pdf = weasyprint.HTML(string=html).write_pdf(font_config=config, pdf_identifier=b"x")
    finally:
        log.removeHandler(handler)
    return pdf, said


def test_a_sheet_is_parsed_once_and_the_pdf_and_warnings_are_the_same(parses):
    html = PAGE.format(css=SHEET)
    first, first_said = render(html)
    second, second_said = render(html)
    assert parses.count(SHEET) == 1, "the second document parsed the sheet again"
    unkept, unkept_said = render(html, shared=False)  # WeasyPrint's own way
    assert parses.count(SHEET) == 2
    assert first == second == unkept
    assert any("colr" in m for m in first_said)
    assert first_said == second_said == unkept_said


@pytest.mark.parametrize("rule", [
    "@counter-style stars { system: cyclic; symbols: '*'; }",
    "@layer base { p { color: red } }",
    "@\\66 ont-face { font-family: X; src: local(Y) }",  # an escaped at-keyword
])
def test_a_sheet_that_adds_to_its_document_is_parsed_each_time(parses, rule):
    html = PAGE.format(css=SHEET + rule)
    render(html)
    render(html)
    assert parses.count(SHEET + rule) == 2
    assert parses.count("h1 { color: #225 }") == 2, "its document's other sheets too"


def test_only_the_weasyprint_it_was_written_for_is_changed(monkeypatch):
    use_bundled_fonts()
    monkeypatch.setattr(wcss, "find_stylesheets", lambda element, media: iter(()))
    monkeypatch.setattr(sheetcache, "_STATE", {})
    sheetcache.install(object())
    assert not getattr(wcss.find_stylesheets, "careprint_kept", False)
