"""Passages in another language: `::: lang CODE` ... `:::` (docs/content-format.md).

    ::: lang ar
    إذا شعرت بالخدر، فهذا ليس خطأك.
    :::

keeps its Markdown, in every edition, inside `<div lang="ar" dir="rtl">`: the direction
is CLDR's for the code (careprint/source/direction.py), so an Arabic or Hebrew passage in
an English guide runs right to left, and an English one in an Arabic guide left to right.
Its `lang` tells a screen reader which voice to read it in, WeasyPrint which font and
shaping to use, and `careprint check` that the passage is not in the guide's language.
A code CLDR does not know is an error at its line. An inline phrase takes its language
from an attribute list (`*مرحبا*{lang=ar}`) or `<span lang="ar">`: it gets its `dir`
here too, when its direction is not the guide's.

The block is filtered on the source like `::: only` (careprint/source/markup.py keeps its
lines, numbers and all); `mark_blocks` puts a marker of careprint's own around what an
edition keeps of it, which Markdown passes through as it is, and `lang_attributes` turns
the markers into the `<div>` after the made XHTML has been checked (the content rules
refuse `dir=` in what an author writes: careprint/guard/htmlpolicy.py).
"""

from __future__ import annotations

import re

from ..errors import Problem, at
from .direction import direction, known, unknown_language

OPEN_RE = re.compile(r"^\s*:::\s*(\S*)\s*(.*?)\s*$")
_OPEN_MARK, _CLOSE_MARK = "<!--careprint-lang {code}-->", "<!--careprint-lang-end-->"
_MARK_RE = re.compile(r"(?:<p>)?<!--careprint-lang ([A-Za-z0-9-]+)-->(?:</p>)?")
_END_RE = re.compile(r"(?:<p>)?<!--careprint-lang-end-->(?:</p>)?")
# an element of the made XHTML with a lang= and no dir=
_LANG_TAG_RE = re.compile(r"<([a-z][a-z0-9]*)\b((?:(?!\bdir=)[^>])*?\blang=\"([^\"]+)\""
                          r"(?:(?!\bdir=)[^>])*?)(/?)>")


def block_problems(path: str, n: int, rest: str) -> list[Problem]:
    """What is wrong with the words after `::: lang` on line `n`: one known code."""
    codes = rest.split()
    if len(codes) != 1:
        return [Problem(at(path, n), "`::: lang` takes one language code, e.g. `::: lang ar` "
                        "for a passage in Arabic")]
    if not known(codes[0]):
        return [Problem(at(path, n), f"`::: lang {codes[0]}`: {unknown_language(codes[0])}")]
    return []


def blocks(lines: list[tuple[int, str]]) -> list[tuple[int, int, str]]:
    """(opening line, closing line, code) of each `::: lang` block of a text's lines
    (checked already: every block is closed)."""
    out: list[tuple[int, int, str]] = []
    stack: list[tuple[int, str] | None] = []  # None: a block of another kind
    for n, text in lines:
        m = OPEN_RE.match(text)
        if not m:
            continue
        if m.group(1) == "" and m.group(2) == "":
            if stack:
                opened = stack.pop()
                if opened is not None:
                    out.append((opened[0], n, opened[1]))
        else:
            stack.append((n, m.group(2).split()[0]) if m.group(1) == "lang" and m.group(2)
                         else None)
    return sorted(out)


def mark_blocks(kept: list[tuple[int, str]], source_lines: list[tuple[int, str]]
                ) -> list[tuple[int, str]]:
    """`kept` (what an edition keeps of a text) with a marker line before and after what
    it keeps of each `::: lang` block, each a paragraph of its own."""
    spans = blocks(source_lines)
    if not spans:
        return kept
    opens: dict[int, list] = {}
    closes: dict[int, list] = {}
    for first, last, code in spans:  # outer blocks first
        inside = [i for i, (n, _) in enumerate(kept) if first < n < last]
        if inside:
            opens.setdefault(inside[0], []).append((first, _OPEN_MARK.format(code=code)))
            closes.setdefault(inside[-1] + 1, []).insert(0, (last, _CLOSE_MARK))
    out: list[tuple[int, str]] = []
    for i in range(len(kept) + 1):
        for n, mark in closes.get(i, []) + opens.get(i, []):
            out += [(n, ""), (n, mark), (n, "")]
        if i < len(kept):
            out.append(kept[i])
    return out


def lang_attributes(xhtml: str, guide_language: str) -> str:
    """The made XHTML with each marked block as `<div lang="..." dir="...">`, and `dir` on
    an element whose `lang=` runs the other way from the guide's language."""
    if "<!--careprint-lang" in xhtml:
        xhtml = _MARK_RE.sub(lambda m: f'<div lang="{m[1]}" dir="{direction(m[1])}">', xhtml)
        xhtml = _END_RE.sub("</div>", xhtml)
    if "lang=" not in xhtml:
        return xhtml
    guide_dir = direction(guide_language)

    def add_dir(m: re.Match) -> str:
        way = direction(m.group(3))
        if way == guide_dir:
            return m.group(0)
        return f'<{m.group(1)}{m.group(2)} dir="{way}"{m.group(4)}>'

    return _LANG_TAG_RE.sub(add_dir, xhtml)
