"""Phone and text numbers in a resource's contact text, as tel: and sms: links.

"Call 116 123 (free)" -> Call <a href="tel:116123">116 123</a> (free). A number is
linked as it is written (digits only in the URI), so a national number stays national;
a word number such as 800-656-HOPE is never linked. "Text HOME to 741741" links sms:.
"""

from __future__ import annotations

import html as _html
import re

from markupsafe import Markup

# a number: 3 or more digits, in groups joined by single spaces or hyphens, not touching
# a letter, digit or hyphen on either side (so "800-656-HOPE" and "24/7" are left alone)
_NUMBER_RE = re.compile(r"(?<![\w-])\+?\d+(?:[ -]\d+)*(?![\w-])")
_TEXT_RE = re.compile(r"\b(text|texting|sms)\b", re.I)
_CALL_RE = re.compile(r"\b(call|phone|ring|dial)\b", re.I)
_CLAUSE_RE = re.compile(r"[,.;:()]")


def phone_numbers(text: str) -> list[tuple[str, str]]:
    """[(number as written, URI)] for every phone or text number in `text`, in order."""
    out, start = [], 0
    for m in _NUMBER_RE.finditer(text):
        digits = re.sub(r"[ -]", "", m.group(0))
        if len(digits.lstrip("+")) < 3:
            continue
        # the words of its own clause decide: "..., text 999" is sms: even after "phone"
        before = _CLAUSE_RE.split(text[start:m.start()])[-1]
        scheme = "sms" if _TEXT_RE.search(before) and not _CALL_RE.search(before) else "tel"
        out.append((m.group(0), f"{scheme}:{digits}"))
        start = m.end()
    return out


def phone_links(text: str, schemes=("tel", "sms")) -> Markup:
    """`text`, HTML-escaped, with each number a tel: or sms: link (a Jinja filter).

    Only numbers whose scheme is in `schemes` are linked: EPUBCheck warns on sms:, which
    is not in its list of URI schemes, so the EPUB links tel: alone. A number left
    unlinked is still marked, <strong class="phone">, so that it is set bold as well.
    """
    text = str(text)
    numbers = phone_numbers(text)
    if not numbers:
        return Markup(_html.escape(text, quote=False))
    parts, pos = [], 0
    for written, uri in numbers:
        at = text.index(written, pos)
        parts.append(_html.escape(text[pos:at], quote=False))
        shown = _html.escape(written, quote=False)
        if uri.split(":")[0] in schemes:
            parts.append(f'<a class="phone" href="{uri}">{shown}</a>')
        else:
            parts.append(f'<strong class="phone">{shown}</strong>')
        pos = at + len(written)
    parts.append(_html.escape(text[pos:], quote=False))
    return Markup("".join(parts))
