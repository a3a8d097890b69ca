"""Links in content that name a file instead of an address.

An editor who writes `[next](02-safety-first.md)` means the chapter in that file. Left as
it is, WeasyPrint would resolve it against the project folder and print
`file:///home/editor/...` into the PDF: the editor's folder leaks, the link is dead for
every reader, and the same project gives other bytes in another folder.

A link to a chapter's file (`02-safety-first.md`, `./02-safety-first.md`,
`safety-first.md`, with or without `#fragment`) becomes the link `[[chapter:slug]]`
makes, through the same Resolver (careprint.source.markup), keeping the link's own words. Any
other link without a scheme (another file, a folder, `../...`, `/...`, `//host/...`) is
an error naming `file:line`. `file:` links are refused by careprint.source.markup.check_xhtml.

A link whose words say one thing and whose address does another is an error too
(careprint.guard.urls.label_problem): `[116 123](tel:+19005550199)`, `[www.nhs.uk](https://evil
.example)`, `[help@clinic.example](mailto:someone@else.example)`.
"""

from __future__ import annotations

import html
import re
from urllib.parse import unquote, urlsplit

from ..errors import Problem, at
from .urls import address_problem, browser_form, label_problem

LINK_RE = re.compile(r"""<a\b(?P<before>[^>]*?)\bhref\s*=\s*(?P<q>["'])(?P<href>.*?)(?P=q)"""
                     r"(?P<after>[^>]*)>(?P<label>.*?)</a>", re.S | re.I)
CHAPTER_FILE_RE = re.compile(r"^(?:\d+-)?(?P<slug>[a-z0-9][a-z0-9-]*)\.md$")


def chapter_slug(href: str, slugs) -> str | None:
    """The slug of the chapter whose file `href` names, or None."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or parts.query:
        return None
    name = unquote(parts.path)
    while name.startswith("./"):
        name = name[2:]
    m = CHAPTER_FILE_RE.match(name)
    if not m:
        return None
    if m.group("slug") in slugs:
        return m.group("slug")
    whole = name[:-3]  # a slug may itself start with digits: 2024-review.md
    return whole if whole in slugs else None


def _problem(href: str) -> str | None:
    """Why `href`, a link in content, can lead nowhere a reader can follow, or None."""
    href = browser_form(href)
    parts = urlsplit(href)
    if href == "":
        return "a link with no address leads to the folder the guide was built in; give it one"
    if parts.scheme or href.startswith("#"):
        return None
    shown = repr(href[:60])
    if parts.netloc or href.startswith("//"):
        return (f"link {shown} has no scheme: write the whole address, "
                f"https:{href if href.startswith('//') else '//' + href}")
    return (f"link {shown} points to a file or folder, which readers of a PDF, EPUB or web page "
            "cannot open; link a chapter as [[chapter:slug]] (or its NN-slug.md file), "
            "or give a whole https:// address")


def _words(m) -> str:
    """The words a reader sees in the link that `m` (LINK_RE) matched."""
    return html.unescape(re.sub(r"<[^>]*>", "", m.group("label"))).strip()


def _line(m, href: str, lines) -> int:
    """The line a link most likely came from: its address, else its words."""
    label = _words(m)
    needles = [href, m.group("href")] if href.strip() else ["]()", 'href=""', "href=''"]
    for needle in [*needles, label]:
        for n, text in lines:
            if needle and needle in text:
                return n
    return lines[0][0] if lines else 0


def local_links(fragment: str, lines, path: str, resolver) -> tuple[str, list[Problem]]:
    """`fragment` with links to chapter files made into chapter links, and the problems
    of every other link that names a file. `lines` are the (number, text) it came from."""
    problems: list[Problem] = []
    slugs = resolver.all_ids["chapter"]

    def sub(m):
        href = html.unescape(m.group("href"))
        where = at(path, _line(m, href, lines))
        slug = chapter_slug(href, slugs)
        if slug is not None:
            return resolver.chapter_link(slug, m.group("label"), where)
        # an address that is wrong in itself is reported by markup.check_xhtml, once
        why = _problem(href) or (not address_problem(href) and label_problem(_words(m), href))
        if why:
            problems.append(Problem(where, why))
        return m.group(0)

    return LINK_RE.sub(sub, fragment), problems
