"""The sections of a chapter that its one-sheet handout holds (careprint/source/handout_choice.py).

A chapter's XHTML is cut at its top-level section headings (h2); the handout keeps the
practice, set apart in a box, and any sections the front matter names, in the chapter's
order. What comes before the first heading stays in the whole chapter (render/chapters.py).
"""

from __future__ import annotations

import html as _html
import re
from dataclasses import dataclass

from ..source.editions import ChapterView
from ..source.handout_choice import heading_key
from ..source.lang_words import PRACTICE_HEADINGS

_TAG_RE = re.compile(r"<(/?)([A-Za-z][\w:-]*)\b[^>]*?(/?)>")
_FOOTNOTES_RE = re.compile(r'<div class="footnote">')
PANEL = '<section class="practice">'  # a practice set apart as a panel (print.css)
# the default practice: a heading that starts "Try this" (or "Prueba esto"...)
PRACTICE_KEYS = tuple(heading_key(h) for h in PRACTICE_HEADINGS.values())
# a sheet's tools: "My stop word: ___" (a line to write on) and "- [ ] Turn on a light" (a
# box to tick), in what a handout prints (docs/content-format.md, "The handout")
_WRITE_IN_RE = re.compile(r"<(li|p)>((?:(?!</?(?:li|p|ul|ol)\b).)*?)\s*_{3,}\s*</\1>", re.S)
_TICK_RE = re.compile(r"<li>\[ \]\s+")
WRITE_IN = ('<{0} class="write"><span class="write-label">{1}</span>'
            '<span class="write-in"></span></{0}>')
TICK = '<li class="tick"><span class="tick-box"></span>'


@dataclass(frozen=True)
class Section:
    title: str  # the heading's text, as printed
    html: str  # from its <h2> to the next top-level <h2>


@dataclass(frozen=True)
class HandoutBody:
    html: str  # the chosen sections, the practice in a box
    practice: str  # the practice's heading, or "" when there is none
    glossary: tuple  # the glossary entries those sections link to


def split_sections(fragment: str) -> tuple[str, list[Section], str]:
    """(what comes before the first top-level h2, the sections, the footnotes block)."""
    footnotes = ""
    starts, depth = [], 0
    for m in _TAG_RE.finditer(fragment):
        closing, name, empty = m.group(1), m.group(2).lower(), m.group(3)
        if not closing and depth == 0:
            # a "Try this" section comes wrapped, heading and all (careprint/source/practice.py)
            if name == "h2" or fragment.startswith(PANEL, m.start()):
                starts.append(m.start())
            elif name == "div" and _FOOTNOTES_RE.match(fragment, m.start()):
                footnotes = fragment[m.start():]
                fragment = fragment[:m.start()]
                break
        if closing:
            depth -= 1
        elif not empty:
            depth += 1
    bounds = [*starts, len(fragment)]
    sections = [Section(_plain(fragment[a:b]), fragment[a:b])
                for a, b in zip(bounds, bounds[1:], strict=False)]
    return fragment[:bounds[0]], sections, footnotes


def _plain(section_html: str) -> str:
    heading = section_html[:section_html.find("</h2>")]
    return " ".join(_html.unescape(re.sub(r"<[^>]+>", "", heading)).split())


def handout_body(view: ChapterView) -> HandoutBody:
    """What of `view` (one chapter in one edition) goes on its handout: its sections, and
    those of its `::: handout` blocks (the chapter's text tightened for the sheet)."""
    _, sections, footnotes = split_sections(view.handout_html or view.html)
    choice = view.chapter.handout
    practice = _practice(sections, choice.practice)
    wanted = {heading_key(h) for h in choice.sections or ()}
    parts = []
    for section in sections:
        if section is practice:
            parts.append(section.html if section.html.startswith(PANEL) else
                         f'{PANEL}\n{section.html}</section>\n')
        elif heading_key(section.title) in wanted:
            parts.append(section.html)
    body = write_ins("".join(parts))
    if 'class="footnote-ref"' in body:
        body += footnotes
    glossary = tuple(g for g in view.glossary if f'href="#glossary-{g.id}"' in body)
    return HandoutBody(body, practice.title if practice else "", glossary)


def write_ins(fragment: str) -> str:
    """Three or more underscores that end a paragraph or a list item become a line to
    write on, from its words to the end of the line; a list item that starts `[ ]` gets a
    box to tick."""
    lined = _WRITE_IN_RE.sub(lambda m: WRITE_IN.format(m.group(1), m.group(2)), fragment)
    return _TICK_RE.sub(TICK, lined)


def _practice(sections: list[Section], named: tuple[str, ...] | None) -> Section | None:
    """The first section named (in the order named) that this edition keeps; by default,
    or when the edition keeps none of those named, its first "Try this" section."""
    by_key: dict[str, Section] = {}
    for section in sections:
        by_key.setdefault(heading_key(section.title), section)
    if named is not None:
        found = [by_key[heading_key(h)] for h in named if heading_key(h) in by_key]
        if found or not named:
            return found[0] if found else None
    return next((s for s in sections if _is_practice(heading_key(s.title))), None)


def _is_practice(key: str) -> bool:
    return any(key == k or key.startswith(k + "-") for k in PRACTICE_KEYS)
