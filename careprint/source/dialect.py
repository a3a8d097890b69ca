"""The Markdown that authors write, as GitHub taught them, made into what Python-Markdown
reads the same way (docs/content-format.md, "The Markdown dialect").

Python-Markdown follows the original Markdown: a sub-list is indented four spaces, and a
numbered list that follows a bullet list with no blank line between them is part of its
last item. GitHub indents a sub-list by the width of its parent's marker (two spaces
under `- `, three under `1. `) and starts a new list when the marker changes kind.
`prepare` rewrites those lines before Python-Markdown sees them, so that both habits
render as the author meant; it leaves code, and lists already written the Markdown way,
as they are.

`BareUrlExtension` links a bare `https://...` or `www....` in running text, as GitHub
does; what it makes passes the same link checks as any other link (markup.check_xhtml).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from ..guard.nesting import fenced

_ITEM_RE = re.compile(r"^( *)([-*+]|\d{1,9}[.)])( +|$)")
_HR_RE = re.compile(r"^ {0,3}((\*[ \t]*){3,}|(-[ \t]*){3,}|(_[ \t]*){3,})$")


def _kind(marker: str) -> str:
    return "bullet" if marker in "-*+" else "ordered"


def prepare(text: str) -> str:
    """Re-indent nested list items to four spaces a level, and end a list where the next
    item's marker is of the other kind; every other line is kept as it is."""
    out: list[str] = []
    # the open list items: (column of the marker as written, column as rewritten, kind)
    items: list[tuple[int, int, str]] = []
    blank = False
    lines = text.split("\n")
    for line, in_code in zip(lines, fenced(lines), strict=True):
        if in_code:
            out.append(line)
            continue
        expanded = line.expandtabs(4)
        if not expanded.strip():
            blank = True
            out.append(line)
            continue
        indent = len(expanded) - len(expanded.lstrip())
        item = _ITEM_RE.match(expanded)
        if item and not items and indent >= 4:
            item = None  # indented four spaces outside a list: a code block
        if item and not _HR_RE.match(expanded):
            while items and items[-1][0] >= indent:
                closed = items.pop()
                if closed[0] == indent and closed[2] != _kind(item.group(2)) and not blank:
                    out.append("")  # a bullet list then a numbered one: two lists
            new = items[-1][1] + 4 if items else min(indent, 3)
            items.append((indent, new, _kind(item.group(2))))
            out.append(" " * new + expanded[indent:])
        elif items and indent > items[0][0]:
            # a line inside an item: under the innermost item it is indented past
            owner = next((it for it in reversed(items) if it[0] < indent), items[0])
            out.append(" " * (owner[1] + 4 + max(0, indent - owner[0] - 4)) +
                       expanded[indent:])
        else:
            if blank and indent == 0:
                items = []  # a paragraph after a blank line: the list is over
            out.append(line)
        blank = False
    return "\n".join(out)


# ---------------------------------------------------------------- bare URLs

BARE_URL_RE = re.compile(r"(?<![\w/@.\-])((?:https?://|www\.)[^\s<>\"'`\x02\x03]*"
                         r"[^\s<>\"'`\x02\x03.,;:!?)\]}])", re.I)
_NO_LINKS_IN = {"a", "code", "pre", "kbd", "samp"}


class _BareUrls(Treeprocessor):
    def run(self, root):
        self._walk(root)

    def _walk(self, el) -> None:
        if el.tag in _NO_LINKS_IN:
            return
        children = list(el)
        for child in children:
            self._walk(child)
        el.text, kept = _split(el.text)
        for child in children:
            kept.append(child)
            child.tail, links = _split(child.tail)
            kept.extend(links)
        el[:] = kept


def _split(text: str | None) -> tuple[str | None, list]:
    """(the text before the first bare URL, an <a> per URL with the text after it)."""
    parts = BARE_URL_RE.split(text) if text else [text]
    links = []
    for url, after in zip(parts[1::2], parts[2::2], strict=True):
        assert url is not None  # the pattern's one group: every match has it
        a = ET.Element("a", {"href": url if "://" in url else f"https://{url}"})
        a.text, a.tail = url, after
        links.append(a)
    return parts[0], links


class BareUrlExtension(Extension):
    def extendMarkdown(self, md):  # Python-Markdown's name
        md.treeprocessors.register(_BareUrls(md), "bare_urls", 5)
