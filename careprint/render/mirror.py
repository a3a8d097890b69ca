"""A right-to-left document's page layout: its stylesheets mirrored, left for right.

A guide in Arabic or Hebrew (`<html dir="rtl">`, careprint/source/direction.py) is read
from the right: its running head starts at the top right, the page number sits at the
other foot, a panel's bar and a quotation's rule are on the right, and a booklet's inner
margin is its right. WeasyPrint mirrors the text itself (alignment, lists, a table's
columns) from `dir`; what a stylesheet places on a side it places where it says. So before
WeasyPrint reads such a document, every `<style>` in it is mirrored, as RTLCSS and CSSJanus
mirror a website's: the page's margin boxes (`@top-left` becomes `@top-right`), the
`:left` and `:right` pages (WeasyPrint makes the first page of a right-to-left document a
left one, so a booklet's outer and inner margins stay outer and inner), the properties of a
side (`margin-left`, `border-left-width`), the values that name a side (`text-align`,
`float`, `clear`, `break-before`) and the four sides of `margin`, `padding`, `border-*` and
`border-radius`. A rule for `[dir=...]` is written for one direction already, and is kept
as it is; so is every string and comment. A left-to-right document is never touched, so an
English guide's PDFs are the same bytes as before.
"""

from __future__ import annotations

import re

# <html ... dir="rtl">: the document's own direction
RTL_ROOT_RE = re.compile(r"<html\b[^>]*\bdir=\"rtl\"", re.I)
_STYLE_RE = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.S | re.I)
# strings, comments and rules written for one direction: kept as they are
_KEPT_RE = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|/\*.*?\*/"
                      r"|[^{};]*\[dir\b[^{]*\{[^{}]*\}", re.S)
_DECL_RE = re.compile(r"([A-Za-z-]+)(\s*:\s*)([^;{}]*)(?=[;}])")
_SIDE_RE = re.compile(r"\b(left|right)\b")
_MARGIN_BOX_RE = re.compile(r"@(top|bottom|left|right)-(left|right|top|middle|bottom)"
                            r"(-corner)?\b")
_PAGE_SIDE_RE = re.compile(r"(@page\b[^{]*?):(left|right)\b")
_SIDE_VALUES = {"text-align", "text-align-last", "float", "clear", "break-before",
                "break-after", "page-break-before", "page-break-after", "caption-side"}
_FOUR_SIDES = {"margin", "padding", "border-width", "border-style", "border-color", "inset"}


def is_rtl(html: str) -> bool:
    """Whether the document `html` is right-to-left (its `<html>` says dir="rtl")."""
    return bool(RTL_ROOT_RE.search(html[:4000]))


def mirrored_html(html: str) -> str:
    """`html` with every `<style>` mirrored when the document is right-to-left; a
    left-to-right document unchanged."""
    if not is_rtl(html):
        return html
    return _STYLE_RE.sub(lambda m: m[1] + mirror_css(m[2]) + m[3], html)


def mirror_css(css: str) -> str:
    """A stylesheet with left and right exchanged wherever it places something on a side."""
    kept: list[str] = []

    def keep(m: re.Match) -> str:
        kept.append(m.group(0))
        return f"\0{len(kept) - 1}\0"

    text = _KEPT_RE.sub(keep, css)
    text = _MARGIN_BOX_RE.sub(lambda m: "@" + _swap(m.group(1)) + "-" + _swap(m.group(2))
                              + (m.group(3) or ""), text)
    text = _PAGE_SIDE_RE.sub(lambda m: f"{m[1]}:{_swap(m[2])}", text)
    text = _DECL_RE.sub(_declaration, text)
    return re.sub(r"\0(\d+)\0", lambda m: kept[int(m[1])], text)


def _swap(word: str) -> str:
    return {"left": "right", "right": "left"}.get(word, word)


def _swap_words(text: str) -> str:
    return _SIDE_RE.sub(lambda m: _swap(m.group(1)), text)


def _declaration(m: re.Match) -> str:
    name, colon, value = m.group(1), m.group(2), m.group(3)
    low = name.lower()
    if low in _SIDE_VALUES:
        value = _swap_words(value)
    elif low in _FOUR_SIDES or low == "border-radius":
        value = _four_sides(low, value)
    return _swap_words(name) + colon + value


def _four_sides(name: str, value: str) -> str:
    """`margin: 1 2 3 4` becomes `1 4 3 2`; `border-radius: a b c d`, `b a d c`."""
    if "(" in value or "/" in value or "\0" in value:
        return value
    parts = value.split()
    important = []
    if parts and parts[-1].lower() == "!important":
        important = [parts.pop()]
    if name == "border-radius":
        if len(parts) == 4:
            parts = [parts[1], parts[0], parts[3], parts[2]]
        elif len(parts) == 3:  # a b c: top-left a, top-right and bottom-left b, bottom-right c
            parts = [parts[1], parts[0], parts[1], parts[2]]
        elif len(parts) == 2:
            parts = [parts[1], parts[0]]
    elif len(parts) == 4:
        parts = [parts[0], parts[3], parts[2], parts[1]]
    else:
        return value
    return " ".join(parts + important)
