"""Phone and text numbers in a resource's contact text, as tel: and sms: links.

"Call 116 123 (free)" -> Call <a href="tel:116123">116 123</a> (free). A number is
linked as it is written (digits only in the URI), so a national number stays national;
a word number such as 800-656-HOPE is never linked. "Text HOME to 741741" links sms:, and
so does "Envía AYUDA por mensaje de texto al 988"; "Llama al 016" links tel: (the words of
both languages are known in every guide). A WhatsApp number ("send a WhatsApp message to
600 000 016") is set bold and not linked: a call or a text message would not reach it.

A number inside a web address or host name (111.nhs.uk, www.example.org/800-123), an
e-mail address or a date (2026-11-30, 30/11/2026, 30.11.2026) is not a phone number, nor
is a decimal, a thousands group or a percentage (2.50, 1,200, 100%).

In running text (a chapter of the web edition and the EPUB: `link_numbers`), a number is
a phone number only in a sentence that says to call or text it ("If you are in danger,
call 911, 999 or 112"), so that "In 2019, 300 people..." is left alone.
"""

from __future__ import annotations

import html as _html
import re

from markupsafe import Markup

# a number: 3 or more digits, in groups joined by single spaces or hyphens, not touching
# a letter, digit, hyphen or "#" on either side (so "800-656-HOPE", "24/7" and a character
# reference such as &#8220; are left alone),
# nor a decimal point, a thousands separator or a percent sign (2.50, 1,200, 100%)
_NUMBER_RE = re.compile(r"(?<![\w#-])(?<!\d[.,])\+?\d+(?:[ -]\d+)*(?![\w%-])(?![.,]\d)")
# where digits are never a phone number: an e-mail address, a web address, a host name
# with or without a path (111.nhs.uk, example.org/800-123; its last label in lower case,
# so that "call 116 123.Then" keeps its number)...
ADDRESS_RE = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b(?i:[a-z][\w+.-]*://|www\.)[^\s<>\"]+"
    r"|(?<![\w.@-])[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b(?:/[^\s<>\"]*)?")
# ...and a date (2026-11-30, 30/11/2026, 30.11.26)
_DATE_RE = re.compile(
    r"(?<![\w.,/-])\d{4}([-/.])\d{1,2}\1\d{1,2}(?![\w/-])"
    r"|(?<![\w.,/-])\d{1,2}([-/.])\d{1,2}\2\d{2}(?:\d{2})?(?![\w/-])")
# the words that say to text or to call, in English and Spanish ("Envía AYUDA por mensaje
# de texto al 988" texts; "Llama al 016" calls)
_TEXT_RE = re.compile(r"\b(text|texting|sms|mensajes?|env[ií]a|env[ií]anos|escribe|"
                      r"escr[ií]benos)\b", re.I)
_CALL_RE = re.compile(r"\b(call|phone|ring|dial|llama|ll[aá]manos|llamar|llamada|"
                      r"tel[eé]fono|marca)\b", re.I)
# a number for messages in an app ("send a WhatsApp message to 600 000 016"): neither a
# call nor a text message reaches it, so it is never linked, and is set bold as it is
_APP_RE = re.compile(r"\bwhats\s?app\b", re.I)
_CLAUSE_RE = re.compile(r"[,.;:()]")


def number_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every number of 3 or more digits in `text` that may be a phone
    number: none inside a web or e-mail address or a date."""
    masked = [m.span() for rx in (ADDRESS_RE, _DATE_RE) for m in rx.finditer(text)]
    return [m.span() for m in _NUMBER_RE.finditer(text)
            if len(re.sub(r"\D", "", m.group(0))) >= 3
            and not any(a < m.end() and m.start() < b for a, b in masked)]


def _numbers(text: str, start: int = 0) -> list[tuple[int, int, str]]:
    """(start, end, URI) of every phone or text number in `text` after `start`."""
    out, after = [], 0
    for a, b in number_spans(text):
        if a < start:
            after = b
            continue
        digits = re.sub(r"[ -]", "", text[a:b])
        # the words of its own clause decide: "..., text 999" is sms: even after "phone"
        before = _CLAUSE_RE.split(text[after:a])[-1]
        scheme = "whatsapp" if _APP_RE.search(before) else \
            "sms" if _TEXT_RE.search(before) and not _CALL_RE.search(before) else "tel"
        out.append((a, b, f"{scheme}:{digits}"))
        after = b
    return out


def phone_numbers(text: str) -> list[tuple[str, str]]:
    """[(number as written, URI)] for every phone or text number in `text`, in order."""
    return [(text[a:b], uri) for a, b, uri in _numbers(text)]


def _linked(text: str, numbers, schemes, escape=True) -> str:
    """`text` with each (start, end, URI) of `numbers` a link, or bold if its scheme is
    not one of `schemes`; the rest escaped if `escape` (else it is HTML already)."""
    esc = (lambda s: _html.escape(s, quote=False)) if escape else (lambda s: s)
    parts, pos = [], 0
    for a, b, uri in numbers:
        parts.append(esc(text[pos:a]))
        shown = esc(text[a:b])
        if uri.split(":")[0] in schemes:
            parts.append(f'<a class="phone" href="{uri}">{shown}</a>')
        else:
            parts.append(f'<strong class="phone">{shown}</strong>')
        pos = b
    parts.append(esc(text[pos:]))
    return "".join(parts)


def phone_links(text: str, schemes=("tel", "sms")) -> Markup:
    """`text`, HTML-escaped, with each number a tel: or sms: link (a Jinja filter).

    Only numbers whose scheme is in `schemes` are linked: EPUBCheck warns on sms:, which
    is not in its list of URI schemes, so the EPUB links tel: alone. A number left
    unlinked is still marked, <strong class="phone">, so that it is set bold as well.
    """
    text = str(text)
    return Markup(_linked(text, _numbers(text), schemes))


# ---------------------------------------------------------------- numbers in running text

_TAG_RE = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[^>]*>", re.S)
_NAME_RE = re.compile(r"</?([A-Za-z][A-Za-z0-9:-]*)")
# no link is made inside these: links, code, raw text, headings (their text is also the
# contents' and the section links')
_LEAVE = frozenset("""a code pre kbd samp tt script style textarea svg math
h1 h2 h3 h4 h5 h6 button label select option""".split())
# a sentence does not run across these
_BLOCKS = frozenset("""p li h1 h2 h3 h4 h5 h6 td th dt dd div section blockquote br
figcaption caption ul ol dl table tr aside nav header footer""".split())
_SENTENCE_END_RE = re.compile(r"[.!?](?=\s)")


def link_numbers(fragment: str, schemes=("tel", "sms")) -> str:
    """An XHTML `fragment` (a chapter's body) with each phone number in its text a tel:
    or sms: link, as `phone_links` makes them, where the sentence before the number says
    to call or text (call, phone, ring, dial, text; llama, marca, envía, mensaje...). Never
    inside a link, code or a
    heading, and never in a tag or its attributes."""
    out, pos, sentence, leave = [], 0, "", 0
    for m in _TAG_RE.finditer(fragment):
        text = fragment[pos:m.start()]
        out.append(text if leave else _link_sentence(sentence, text, schemes))
        sentence = _last_sentence(sentence + text)
        tag, pos = m.group(0), m.end()
        out.append(tag)
        name_m = _NAME_RE.match(tag)
        if not name_m:
            continue
        name, closing = name_m.group(1).lower(), tag.startswith("</")
        if name in _LEAVE and not tag.endswith("/>"):
            leave = max(0, leave - 1) if closing else leave + 1
        if name in _BLOCKS:
            sentence = ""
    rest = fragment[pos:]
    out.append(rest if leave else _link_sentence(sentence, rest, schemes))
    return "".join(out)


def _last_sentence(text: str) -> str:
    ends = list(_SENTENCE_END_RE.finditer(text))
    return text[ends[-1].end():] if ends else text


def _link_sentence(sentence: str, text: str, schemes) -> str:
    """`text` (escaped HTML text, no tags), which follows `sentence` in its sentence, with
    each number a link where the words before it, in its sentence, say to call or text."""
    if not any(c.isdigit() for c in text):
        return text
    whole = sentence + text
    numbers = [(a, b, uri) for a, b, uri in _numbers(whole, len(sentence))
               if _asks_to_call(_last_sentence(whole[:a])) and not _YEAR_RE.fullmatch(whole[a:b])]
    if not numbers:
        return text
    shift = len(sentence)
    return _linked(text, [(a - shift, b - shift, uri) for a, b, uri in numbers], schemes,
                   escape=False)


# a year in running text ("Doctors call this numbing (WHO, 2022)") is no number to call
_YEAR_RE = re.compile(r"(?:19|20)\d\d")


def _asks_to_call(before: str) -> bool:
    return bool(_CALL_RE.search(before) or _TEXT_RE.search(before))
