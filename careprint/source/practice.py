""""Try this" practices, set apart (issue 16).

A chapter's practices are its sections whose heading (h2) starts "Try this", or its
equivalent in another language careprint ships ("Prueba esto": lang_words.PRACTICE_HEADINGS;
any of them, in a guide of any language, so that a translation needs no setting). Each is
wrapped, heading and all, in `<section class="practice">` up to the next heading of the
same or a higher level, so that every format (the guide, the handouts, the chapter PDFs,
the EPUB and the web edition) can draw it as a panel a reader finds on the page.
"""

from __future__ import annotations

import html
import re

from .lang_words import PRACTICE_HEADINGS

# a heading that starts so is a practice (case ignored)
PRACTICE_PREFIXES = tuple(h.lower() for h in PRACTICE_HEADINGS.values())

_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^>]*?(/?)>")
_VOID = frozenset({"br", "hr", "img", "input", "col", "area", "wbr", "meta", "link"})


def _is_practice(heading_inner: str) -> bool:
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", heading_inner)).split())
    return text.lower().startswith(PRACTICE_PREFIXES)


def mark_practices(fragment: str) -> str:
    """`fragment` with each top-level "Try this" h2 section in a <section class="practice">."""
    if "<h2" not in fragment:
        return fragment
    starts, depth = [], 0  # top-level (position, tag) of every h1/h2/hr
    for m in _TAG_RE.finditer(fragment):
        closing, name, selfclosing = m.group(1), m.group(2).lower(), m.group(3)
        if depth == 0 and not closing and name in ("h1", "h2", "hr"):
            starts.append((m.start(), name))
        if name in _VOID or selfclosing:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
    out, pos = [], 0
    for i, (start, name) in enumerate(starts):
        if name != "h2":
            continue
        end_h = fragment.find("</h2>", start)
        if end_h < 0 or not _is_practice(fragment[fragment.find(">", start) + 1:end_h]):
            continue
        end = starts[i + 1][0] if i + 1 < len(starts) else len(fragment)
        body = fragment[start:end].rstrip()
        out.append(fragment[pos:start])
        out.append(f'<section class="practice">{body}</section>\n')
        pos = start + len(body)
    out.append(fragment[pos:])
    return "".join(out)
