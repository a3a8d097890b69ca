"""Cross-reference links in HTML fragments, pointed at where each output keeps the target."""

from __future__ import annotations

import html as _html
import re

_A_RE = re.compile(r'<a class="(xref[^"]*)" href="#([^"]+)">(.*?)</a>', re.S)


def retarget_links(fragment: str, targets: dict[str, str]) -> str:
    """Point cross-reference links at `targets[id]`; a link whose target is absent becomes text.

    careprint.source.markup writes every cross-reference as `<a class="xref ..." href="#ID">`.
    A PDF links within the document; an EPUB links to other files; a handout, printed
    alone, keeps the words and drops links that would lead nowhere.
    """
    def sub(m):
        cls, ident, label = m.group(1), m.group(2), m.group(3)
        if ident in targets:
            return f'<a class="{cls}" href="{_html.escape(targets[ident])}">{label}</a>'
        return f'<span class="{cls}">{label}</span>'
    return _A_RE.sub(sub, fragment)
