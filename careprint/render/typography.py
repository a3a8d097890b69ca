"""The last typographic pass over every HTML page careprint renders (issue 16).

Markdown bodies get typographic quotes from python-markdown's smarty step, but much of
what careprint prints never goes through Markdown: front matter (summaries, key points,
content notes), careprint.toml titles, worksheet YAML, resources, the glossary, and the
templates' own words. This pass runs on the finished page instead, so every text from any
source is set the same way:

- straight quotes become typographic ones ('like this' -> ‘like this’, don't -> don’t);
- a phone number (0808 802 9999, 1-800-656-4673) is kept on one line, but not digits
  inside a web or e-mail address (www.example.org/800-123: careprint.source.phones);
- "chapter 4 of", "page 5", "worksheet 3 in" are kept on one line, so a reference never
  breaks between its word and its number;
- a file name (safe-to-feel-survivors-worksheets-a4.pdf) is kept on one line, never
  broken at its hyphens.

Each is wrapped in <span class="nowrap">, not joined with no-break spaces: WeasyPrint
draws a no-break space with the space's glyph, and a PDF whose first use of that glyph
is a no-break space would give U+00A0 for every space when its text is copied or read.
A file name's span is also of class "file-name": on a phone or an e-reader, where a
60-character name is wider than the screen, web.css and epub.css let it break.

Only text is touched: never tags or their attributes, and never the text inside code,
pre, kbd, samp, style, script, textarea or svg. The spans it adds (class "nowrap") are added
only inside <body>; print.css sets them `white-space: nowrap`.
"""

from __future__ import annotations

import functools
import re

from ..source.phones import ADDRESS_RE

_TAG_RE = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[^>]*>", re.S)
_NAME_RE = re.compile(r"</?([A-Za-z][A-Za-z0-9:-]*)")
# text inside these is left exactly as written
# (an inline <svg>'s title is its figure's alternate text, one run of text: render/qr.py)
_VERBATIM = frozenset({"code", "pre", "kbd", "samp", "style", "script", "textarea", "tt",
                       "svg"})
_RAW = frozenset({"style", "script"})  # raw text: what looks like a tag inside is text
# a quote after the end of one of these opens (the text before it is not the same line)
_BLOCKS = frozenset("""p li h1 h2 h3 h4 h5 h6 td th dt dd div section blockquote br title
figcaption caption header footer main nav aside ul ol dl table tr body head html""".split())
# the same number pattern as careprint.source.phones: digit groups joined by spaces or hyphens
# (a date written 2026-11-30 is kept whole too)
_PHONE_RE = re.compile(r"(?<![\w-])\+?\d+(?:[ -]\d+)+(?![\w-])")
_FILE_RE = re.compile(r"(?<![\w./-])\w[\w.-]*-[\w.-]*\.(?:pdf|epub|html)\b")
_NUMBERED_RE = re.compile(r"\b(page|chapter|worksheet|session|step|part) (\d+)(?: (of|in)\b)?",
                          re.I)
# what is kept on one line, in one pass so that no two overlap
_KEEP_RE = re.compile("|".join(f"(?:{r.pattern})" for r in (_FILE_RE, _PHONE_RE, _NUMBERED_RE)),
                      re.I)
_URL_RE = re.compile(r"\b(?:https?|mailto|tel|sms):[^\s<]+")
_STRAIGHT = {"&#39;": "'", "&#x27;": "'", "&apos;": "'", "&#34;": '"', "&#x22;": '"',
             "&quot;": '"'}
_STRAIGHT_RE = re.compile("|".join(map(re.escape, _STRAIGHT)))
_OPENS_AFTER = set(" \t\n\u00a0([{\u2014\u2013/-\u2018\u201c")


def typeset_html(page: str) -> str:
    """`page` (a whole HTML or XHTML document) with its text set typographically."""
    out, pos, prev, verbatim, in_body, in_phone = [], 0, " ", 0, False, False
    raw = None  # the raw-text element (style, script) the text is in
    for m in _TAG_RE.finditer(page):
        text = page[pos:m.start()]
        if text:
            if verbatim:
                out.append(text)
            else:  # a phone link (careprint.source.phones) is kept whole by its own CSS
                text, prev = _set_text(text, prev, in_body and not in_phone)
                out.append(text)
        tag = m.group(0)
        out.append(tag)
        pos = m.end()
        name_m = _NAME_RE.match(tag)
        if not name_m:
            continue
        name, closing = name_m.group(1).lower(), tag.startswith("</")
        if raw and not (closing and name == raw):
            continue  # style and script are raw text: only their own end tag ends them
        if name in _RAW and not tag.endswith("/>"):
            raw = None if closing else name
        if name in _VERBATIM and not tag.endswith("/>"):
            verbatim = max(0, verbatim - 1) if closing else verbatim + 1
        elif name == "body":
            in_body = not closing
        elif name == "a":
            in_phone = not closing and 'class="phone"' in tag
        if name in _BLOCKS:
            prev = " "
    rest = page[pos:]
    out.append(rest if verbatim else _set_text(rest, prev, in_body)[0])
    return "".join(out)


@functools.lru_cache(maxsize=1 << 16)
def _set_text(text: str, prev: str, in_body: bool) -> tuple[str, str]:
    """(text set typographically, its last character) given the character before it.
    Kept per process: a chapter's text is set in each document that shows it."""
    if "'" in text or '"' in text or "&" in text:
        text = _quotes(text, prev)
    last = text[-1:] or prev
    if in_body:
        text = _keep_whole(text)
    return text, last


def _keep_whole(text: str) -> str:
    """`text` with each phone number, reference and file name in a nowrap span; digits
    inside a web or e-mail address are not a phone number, and are left as they are."""
    addresses = [m.span() for m in ADDRESS_RE.finditer(text)] if "." in text else []

    def keep(m: re.Match) -> str:
        if addresses and _PHONE_RE.fullmatch(m.group(0)) and \
                any(a < m.end() and m.start() < b for a, b in addresses):
            return m.group(0)
        if _FILE_RE.fullmatch(m.group(0)):  # a screen may be narrower than a file name
            return f'<span class="nowrap file-name">{m.group(0)}</span>'
        return f'<span class="nowrap">{m.group(0)}</span>'
    return _KEEP_RE.sub(keep, text)


def _quotes(text: str, prev: str) -> str:
    """Straight quotes (also as entities) to typographic ones, except inside URLs."""
    text = _STRAIGHT_RE.sub(lambda m: _STRAIGHT[m.group(0)], text)
    if "'" not in text and '"' not in text:
        return text
    urls = {m.start(): m.end() for m in _URL_RE.finditer(text)}
    chars, i = [], 0
    while i < len(text):
        if i in urls:
            chars.append(text[i:urls[i]])
            prev, i = text[urls[i] - 1], urls[i]
            continue
        c = text[i]
        nxt = text[i + 1:i + 2]
        if c == "'":
            opening = prev in _OPENS_AFTER and not (nxt.isdigit() or nxt == "")
            c = "\u2018" if opening and nxt.strip() else "\u2019"
        elif c == '"':
            c = "\u201c" if prev in _OPENS_AFTER and nxt.strip() else "\u201d"
        chars.append(c)
        prev, i = c, i + 1
    return "".join(chars)


def smart_quotes(text: str) -> str:
    """Typographic quotes in one plain string (for metadata outside any page)."""
    return _quotes(text, " ")
