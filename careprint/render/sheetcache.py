"""A document's `<style>` sheets, parsed once per process and used again by content.

WeasyPrint parses every `<style>` of every document it renders: tinycss2 reads it, each
declaration is validated and each selector compiled. The guides are laid out in parts
(render/parts.py), each part a document with the same stylesheet, and one build renders
about 480 documents: parsing their sheets again and again cost about 5% of a cold build
(the survivors' edition at --jobs 1: 31.3 s of CPU, 29.6 s with the sheets kept).

A parsed sheet (a `weasyprint.CSS`) holds only what was read from its text: a selector
matcher, validated declarations and `@page` rules, which the layout reads and never
changes. So a sheet is kept by its text (with the document's base URL and media type)
and given again to the next document with the same text. What could tie a sheet to the
document that first read it is never kept:
- a sheet that adds fonts, counter styles, colour profiles, layers or other sheets
  (`@font-face`, `@counter-style`, `@color-profile`, `@layer`, `@import`, or an escaped
  at-keyword that could be one of them) is parsed as WeasyPrint parses it, and so is
  every other sheet of that document, since they share such state;
- so is every sheet of a document with a `<link>`, or with fonts of its own
  (render/weasy.py's `font_config` gives it a FontConfiguration of its own);
- what WeasyPrint warns of while parsing a sheet is kept with it and said again each
  time it is used, so every output reports the same warnings whatever ran before it.

Kept sheets give the document the same cascade: each sheet's `@page` rules are its own,
where WeasyPrint gives all of a document's sheets one shared list; in both, the rules are
weighed in the sheets' order (WeasyPrint's StyleFor). A full build gives the same bytes.

This replaces WeasyPrint's `weasyprint.css.find_stylesheets`, which `get_all_computed_styles`
calls. `install()` does so only when that function has the parameters it was written for;
with any other WeasyPrint, documents are parsed as before, only more slowly.
"""

from __future__ import annotations

import inspect
import logging
import os
import re
from collections import OrderedDict

# what makes a sheet depend on the document that reads it (see above); `@\` is an at-rule
# whose name is escaped, which could spell any of them
UNSHARED_RE = re.compile(r"@(?:font-face|counter-style|color-profile|layer|import|\\)", re.I)
MAX_SHEETS = 64  # kept per process; a build's sheets differ by edition, format and paper
_PARAMS = ("wrapper_element", "device_media_type", "url_fetcher", "base_url", "font_config",
           "counter_style", "color_profiles", "page_rules", "layers")
_STATE: dict = {}


class _Said(logging.Handler):
    """What WeasyPrint warns of while a sheet is parsed, to be said again on each use."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelno, record.getMessage()))


def install(shared_font_config) -> None:
    """Parse the sheets of documents that use `shared_font_config` (the process's own,
    render/weasy.py) once per process. Installed once; the sheets kept are forgotten with
    each new configuration, so a forked worker keeps none of its parent's."""
    import weasyprint.css as wcss

    if _STATE.get("pid") != os.getpid() or _STATE.get("fonts") is not shared_font_config:
        _STATE.update(pid=os.getpid(), sheets=OrderedDict(), fonts=shared_font_config)
    original = getattr(wcss, "find_stylesheets", None)
    if original is None or getattr(original, "careprint_kept", False):
        return
    if tuple(inspect.signature(original).parameters) != _PARAMS:
        return  # another WeasyPrint: parse as it does

    def find_stylesheets(wrapper_element, device_media_type, url_fetcher, base_url,
                         font_config, counter_style, color_profiles, page_rules, layers):
        texts = None
        if font_config is not None and font_config is _STATE.get("fonts"):
            texts = _style_texts(wcss, wrapper_element, device_media_type)
        if texts is None:
            yield from original(wrapper_element, device_media_type, url_fetcher, base_url,
                                font_config, counter_style, color_profiles, page_rules,
                                layers)
            return
        for text in texts:
            yield _kept(wcss, text, base_url, device_media_type, url_fetcher, font_config)

    find_stylesheets.careprint_kept = True  # type: ignore[attr-defined]
    wcss.find_stylesheets = find_stylesheets


def _style_texts(wcss, wrapper_element, media_type) -> list[str] | None:
    """The text of each `<style>` WeasyPrint would read, in order; None if the document
    has a `<link>` or a sheet that must be parsed with the others (UNSHARED_RE)."""
    texts = []
    for wrapper in wrapper_element.query_all("style", "link"):
        element = wrapper.etree_element
        if element.tag != "style":
            return None
        mime_type = element.get("type", "text/css").split(";", 1)[0].strip()
        if mime_type != "text/css":
            continue
        media = [m.strip() for m in (element.get("media", "").strip() or "all").split(",")]
        if not wcss.media_queries.evaluate_media_query(media, media_type):
            continue
        text = wcss.get_child_text(element)
        if UNSHARED_RE.search(text):
            return None
        texts.append(text)
    return texts


def _kept(wcss, text: str, base_url, media_type, url_fetcher, font_config):
    """The parsed sheet of `text`, parsed now if no document of this process has read it;
    its warnings are said again."""
    sheets: OrderedDict = _STATE["sheets"]
    key = (text, base_url, media_type)
    if key in sheets:
        sheets.move_to_end(key)
        sheet, said = sheets[key]
        for level, message in said:
            wcss.LOGGER.log(level, "%s", message)
        return sheet
    listener = _Said()
    wcss.LOGGER.addHandler(listener)
    try:
        sheet = wcss.CSS(string=text, base_url=base_url, url_fetcher=url_fetcher,
                         media_type=media_type, font_config=font_config)
    finally:
        wcss.LOGGER.removeHandler(listener)
    sheets[key] = (sheet, tuple(listener.records))
    while len(sheets) > MAX_SHEETS:
        sheets.popitem(last=False)
    return sheet
