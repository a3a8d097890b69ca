"""Ids on a chapter's section headings (h2), for the EPUB's contents and the web edition.

The PDF's bookmarks list each chapter's h2 sections; the EPUB's nav does the same, and
needs an id on each heading to point at. The ids are made here, from the heading's text,
so that the nav and the page always agree.
"""

from __future__ import annotations

import html as _html
import re

from ..source.slugs import slugify

_H2_RE = re.compile(r"<h2(\s[^>]*)?>(.*?)</h2>", re.S)
_ID_RE = re.compile(r'\bid="([^"]*)"')


def with_section_ids(fragment: str) -> tuple[str, list[dict]]:
    """(fragment with an id on every h2, [{"id", "title"}] in order).

    A heading that has an id keeps it; the others get `s-<slug of the text>`, made unique.
    """
    sections, used = [], set(_ID_RE.findall(fragment))

    def sub(m):
        attrs, inner = m.group(1) or "", m.group(2)
        title = " ".join(_html.unescape(re.sub(r"<[^>]+>", "", inner)).split())
        found = _ID_RE.search(attrs)
        if found:
            ident = found.group(1)
        else:
            base = "s-" + (slugify(title) or "section")
            ident, n = base, 2
            while ident in used:
                ident, n = f"{base}-{n}", n + 1
            used.add(ident)
            attrs = f' id="{ident}"' + attrs
        sections.append({"id": ident, "title": title})
        return f"<h2{attrs}>{inner}</h2>"

    return _H2_RE.sub(sub, fragment), sections
