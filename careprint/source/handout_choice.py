"""The `handout:` front matter of a chapter: which sections its one-sheet handout holds.

    handout:
      practice: "Try this: a three-breath check-in"   # or a list, or [] for none
      sections: ["Why numbness happens"]               # more sections to put in

A handout holds the chapter's title, summary and key points, one practice, the support
box and where to read the whole chapter (templates/handout.html). By default the practice
is the edition's first section whose heading starts "Try this" (or "Prueba esto", in a
Spanish guide: source/lang_words.py PRACTICE_HEADINGS), and no other section goes
in. Headings are matched in each edition against the sections it keeps, so a list can
name one edition's practice and another's: each edition takes the first it has. Every
heading named must be a section heading (`## ...`) of the chapter: one that is not is an
error at its file:line, found when the project is read.
"""

from __future__ import annotations

import re

from ..errors import Collector, at
from .model import HandoutChoice
from .slugs import slugify
from .yamlload import LineDict

KEYS = ("practice", "sections")
_ATX_H2_RE = re.compile(r"^ {0,3}##(?!#)\s+(.*?)\s*(?:\s#+)?\s*$")
_SETEXT_RE = re.compile(r"^ {0,3}-{2,}\s*$")
_ATTRS_RE = re.compile(r"\s*\{:?\s*[#.][^}]*\}\s*$")  # attr_list: ## Heading {: #id}
_FENCE_RE = re.compile(r"^ {0,3}(```|~~~)")
_NOT_SETEXT_TEXT_RE = re.compile(r"^\s*([-*+]\s|\d+[.)]\s|:::|\||#|>)")


def heading_key(text: str) -> str:
    """What a heading is matched on: its words, whatever the quotes, dashes and markup
    (`survivor's` in the source is `survivor’s` on the page)."""
    return slugify(_ATTRS_RE.sub("", text))


def section_headings(body: str) -> list[str]:
    """The section headings (h2: `## ...`, or a line underlined with `---`) of a chapter's
    Markdown body, in every edition, outside fenced code."""
    out, fenced, previous = [], False, ""
    for line in body.split("\n"):
        if _FENCE_RE.match(line):
            fenced = not fenced
        elif not fenced:
            m = _ATX_H2_RE.match(line)
            if m:
                out.append(_ATTRS_RE.sub("", m.group(1)).strip())
            elif _SETEXT_RE.match(line) and previous.strip() and \
                    not _NOT_SETEXT_TEXT_RE.match(previous):
                out.append(_ATTRS_RE.sub("", previous).strip())
        previous = "" if fenced else line
    return out


def read_handout_choice(meta: LineDict, rel: str, body: str, errs: Collector) -> HandoutChoice:
    """The chapter's `handout:` front matter, checked against its section headings."""
    if meta.get("handout") is None:
        return HandoutChoice()
    value, line = meta["handout"], meta.line_of("handout")
    if not isinstance(value, dict):
        errs.add(at(rel, line), "handout: expected `practice:` and/or `sections:`, e.g. "
                 'handout: {practice: "Try this: one slow breath"}')
        return HandoutChoice()
    for key in value:
        if key not in KEYS:
            errs.add(at(rel, _line_of(value, key, line)), f"handout: unknown key {key!r}; "
                     f"expected one of: {', '.join(KEYS)}")
    headings = section_headings(body)
    known = {heading_key(h) for h in headings}
    chosen = {}
    for key in KEYS:
        if key in value:
            chosen[key] = _headings(value, key, rel, line, known, headings, errs)
    return HandoutChoice(**chosen)


def _headings(table, key, rel, line, known, headings, errs) -> tuple[str, ...]:
    value, key_line = table[key], _line_of(table, key, line)
    items = [value] if isinstance(value, (str, dict)) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        unquoted = isinstance(items, list) and any(isinstance(v, dict) for v in items)
        hint = (' (a heading with a colon goes in quotes: "Try this: one slow breath")'
                if unquoted else "")
        errs.add(at(rel, key_line), f"handout.{key}: expected a section heading or a list "
                 f"of section headings{hint}")
        return ()
    item_lines = getattr(items, "item_lines", None) or [key_line] * len(items)
    for text, item_line in zip(items, item_lines, strict=False):
        if heading_key(text) not in known:
            listed = "; ".join(headings) if headings else "none"
            errs.add(at(rel, item_line or key_line), f"handout.{key}: this chapter has no "
                     f"section headed {text.strip()!r}; its sections (## headings): {listed}")
    return tuple(v.strip() for v in items)


def _line_of(table, key, default: int) -> int:
    return table.line_of(key) if isinstance(table, LineDict) else default
