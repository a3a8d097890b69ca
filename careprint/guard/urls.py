"""The one judge of a link's address, read as a browser reads it (docs/security.md, "Links").

A browser (the WHATWG URL standard, which WeasyPrint and EPUB readers follow too) strips
leading and trailing C0 control characters and spaces from an address and removes every
tab, line feed and carriage return inside it, and only then reads the scheme: so
`java&#9;script:` is `javascript:`, and `fi\tle://host/x` is `file://host/x`. Every check
here reads that browser form, and schemes are an allow list: `https:`, `http:`, `mailto:`,
`tel:` and `sms:` (and addresses with no scheme, `#section` and the chapter links the
resolver makes, which careprint.guard.links judges). Anything else is refused.

An address must also not lie about where it goes:

- no user name or password before the host (`https://www.nhs.uk@evil.example` goes to
  evil.example);
- no host name whose labels mix scripts, such as a Cyrillic `а` in `nhs.uk`, written
  out or as punycode (`xn--...`); a label wholly in one script (`пример`), or in the
  scripts one language writes together (Han with kana, Han with Hangul), is allowed,
  unless, under a Latin top-level domain, every letter of it looks like a Latin one
  (`раура.com` in Cyrillic: careprint/guard/confusables.py), as Chrome refuses it too;
- a `mailto:` names one address, and may carry a `subject` and a `body` (a reader sees
  both before sending) but no other header: `cc`, `bcc` and `to` add recipients the
  reader does not see on the page;
- a `tel:` is a number (digits, `+`, and the separators `-` `.` `(` `)` and spaces), an
  `sms:` the same with at most a `body`.

`label_problem` judges a link's words against its address: a link whose words are a
phone number dials that number, one whose words are an e-mail address writes to it, and
one whose words are a web address goes to that host.

`url_scheme_problem(url)` is the scheme check alone, for a guard on outputs: it passes
addresses with no scheme (relative links inside an edition).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, unquote, urlsplit

from .confusables import looks_latin

ALLOWED_SCHEMES = ("https", "http", "mailto", "tel", "sms")
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_TAB_NEWLINE_RE = re.compile(r"[\t\n\r]")
_C0_SPACE = "".join(chr(c) for c in range(0x21))
MAX_SHOWN = 60


def browser_form(url: str) -> str:
    """`url` as a browser reads it before parsing: leading and trailing C0 controls and
    spaces stripped, every tab and line break removed."""
    return _TAB_NEWLINE_RE.sub("", url.strip(_C0_SPACE))


def scheme_of(url: str) -> str:
    """The scheme a browser reads in `url`, lower-case; "" when it has none."""
    m = _SCHEME_RE.match(browser_form(url))
    return m.group(1).lower() if m else ""


def shown(url: str) -> str:
    """`url` as an error message shows it: quoted, with tabs and line breaks visible."""
    return repr(url[:MAX_SHOWN] + ("…" if len(url) > MAX_SHOWN else ""))


def url_scheme_problem(url: str) -> str | None:
    """Why a browser would follow `url` to a scheme that is not allowed (javascript:,
    data:, file:, ...), however it is spelt; None for an allowed scheme or none."""
    scheme = scheme_of(url)
    if not scheme or scheme in ALLOWED_SCHEMES:
        return None
    hidden = (" (a browser ignores the tabs, line breaks and spaces in it)"
              if browser_form(url) != url else "")
    return (f"link {shown(url)} is a {scheme}: address{hidden}, which is not allowed: links "
            "may only be https:, http:, mailto:, tel: or sms: addresses, or a chapter "
            "([[chapter:slug]])")


def address_problem(url: str) -> str | None:
    """Why `url` is not an address careprint may print as a link, or None: its scheme
    (url_scheme_problem), a user name before its host, a host that mixes scripts, a
    mailto: with more than one recipient, a tel: that is no number. An address with no
    scheme passes (careprint.guard.links judges it)."""
    why = url_scheme_problem(url)
    if why:
        return why
    form = browser_form(url)
    scheme = scheme_of(form)
    if scheme in ("http", "https"):
        return _web_problem(url, form)
    if scheme == "mailto":
        return _mailto_problem(url, form)
    if scheme in ("tel", "sms"):
        return _phone_problem(url, form, scheme)
    return None


def _web_problem(url: str, form: str) -> str | None:
    # a browser reads "\" as "/" in a web address: https://evil.example\@www.nhs.uk
    try:
        parts = urlsplit(form.replace("\\", "/"))
    except ValueError as exc:
        return f"link {shown(url)} is not a web address ({exc})"
    if "@" in parts.netloc:
        return (f"link {shown(url)} has a user name before its host: it goes to "
                f"{parts.netloc.rsplit('@', 1)[1][:40]!r}, not to what the words before the "
                "@ say; delete everything between // and @")
    host = parts.netloc.rsplit(":", 1)[0] if not parts.netloc.endswith("]") else parts.netloc
    if not host:
        return f"link {shown(url)} names no website (write https://host/...)"
    return host_problem(host, url)


def host_problem(host: str, url: str) -> str | None:
    """Why the host name `host` (of `url`) may be a look-alike, or None."""
    if "%" in host:
        return f"link {shown(url)}: a host name has no % escapes; write it out"
    labels = normal_host(host).split(".")
    for label in labels:
        shown_label, scripts = label, None
        if label.startswith("xn--"):
            try:
                shown_label = label.encode("ascii").decode("idna")
            except (UnicodeError, ValueError):
                return (f"link {shown(url)}: {label!r} is not a valid international "
                        "host name")
        scripts = label_scripts(shown_label)
        if scripts is None:
            return (f"link {shown(url)}: the host name part {shown_label!r} mixes letters "
                    "of different alphabets, a trick to make one address look like another "
                    "(such as a Cyrillic 'а' in nhs.uk); type the address again by hand")
        latin = looks_latin(shown_label) if labels[-1].isascii() else None
        if latin:
            return (f"link {shown(url)}: the host name part {shown_label!r} is written in "
                    f"letters of another alphabet that all look like Latin ones ({latin!r}), "
                    "a trick to make one address look like another; type the address "
                    "again by hand")
    return None


def normal_host(host: str) -> str:
    """`host` as a browser compares it: NFKC, lower-case, ideographic full stops as dots."""
    host = unicodedata.normalize("NFKC", host).lower()
    return host.replace("\u3002", ".").replace("\uff0e", ".").rstrip(".")


# the scripts one language writes together in one word (Chrome's IDN policy does the same)
_TOGETHER = ({"Han", "Hiragana", "Katakana"}, {"Han", "Bopomofo"}, {"Han", "Hangul"})
_SCRIPT_WORDS = {"CJK": "Han", "IDEOGRAPHIC": "Han", "KATAKANA-HIRAGANA": "Katakana"}


def _script(ch: str) -> str | None:
    """The script of a letter (from its Unicode name), None for digits, hyphens, marks."""
    if not unicodedata.category(ch).startswith("L"):
        return None
    word = unicodedata.name(ch, "UNKNOWN").split()[0]
    return _SCRIPT_WORDS.get(word, word.capitalize())


def label_scripts(label: str) -> frozenset[str] | None:
    """The scripts of the letters of a host name label, or None if it mixes scripts."""
    scripts = frozenset(s for s in map(_script, label) if s)
    if len(scripts) <= 1 or any(scripts <= t for t in _TOGETHER):
        return scripts
    return None


_EMAIL_RE = re.compile(r"^[^@\s,;:/?#<>]+@([^@\s,;:/?#<>]+\.[^@\s,;:/?#<>]+)$")
MAIL_HEADERS = ("subject", "body")


def _mailto_problem(url: str, form: str) -> str | None:
    rest = form.split(":", 1)[1]
    to, _, query = rest.partition("?")
    to = unquote(to)
    if "," in to or ";" in to:
        return (f"link {shown(url)} writes to more than one address; a mailto: link names "
                "one address")
    m = _EMAIL_RE.match(to)
    if not m:
        return f"link {shown(url)}: {to[:40]!r} is not an e-mail address"
    for key, _value in parse_qsl(query, keep_blank_values=True):
        if key.lower() not in MAIL_HEADERS:
            return (f"link {shown(url)} has {key}=: it adds recipients or headers the reader "
                    "does not see; a mailto: link may carry only subject= and body=")
    return host_problem(m.group(1), url)


_PHONE_URI_RE = re.compile(r"^\+?[0-9][0-9 ().-]*$")


def _phone_problem(url: str, form: str, scheme: str) -> str | None:
    number, _, query = unquote(form.split(":", 1)[1]).partition("?")
    if not _PHONE_URI_RE.match(number) or sum(c.isdigit() for c in number) < 3:
        return (f"link {shown(url)}: {scheme}: is followed by a phone number (digits, an "
                "optional + and spaces or hyphens), nothing else")
    keys = [k.lower() for k, _ in parse_qsl(query, keep_blank_values=True)]
    if (query and scheme == "tel") or any(k != "body" for k in keys):
        return f"link {shown(url)}: a {scheme}: link may carry " + (
            "nothing after its number" if scheme == "tel" else "only body= after its number")
    return None


def url_problem(url: str) -> str | None:
    """Why `url` cannot be a resource's or an imprint's address, or None when it can: a
    whole https:, http:, tel:, sms: or mailto: address (address_problem)."""
    if any(c.isspace() for c in url):
        return f"url {shown(url)}: a URL has no spaces or line breaks"
    scheme = scheme_of(url)
    if scheme not in ALLOWED_SCHEMES:
        hint = f" (write https://{url})" if not scheme and "." in url else ""
        return (f"url {shown(url)}: a resource's url starts with "
                f"{', '.join(s + ':' for s in ALLOWED_SCHEMES)}{hint}")
    if scheme not in ("http", "https") and not url.split(":", 1)[1].strip("/"):
        return f"url {shown(url)}: says {scheme}: but nothing after it"
    return address_problem(url)


def report_address_problem(value: str) -> str | None:
    """Why [review] report_errors, an e-mail address or an https:// address that the
    colophon links, is neither, or None."""
    if "@" in value and "://" not in value:
        if not _EMAIL_RE.match(value):
            return f"{shown(value)} is not an e-mail address such as errors@clinic.example"
        return address_problem("mailto:" + value)
    if scheme_of(value) not in ("http", "https"):
        return (f"{shown(value)}: expected an https:// address or an e-mail address "
                "(errors@clinic.example)")
    return url_problem(value)


# ---------------------------------------------------------------- words against address

_PHONE_TEXT_RE = re.compile(r"^\+?[0-9][0-9 \u00a0().-]*[0-9]$")
_WEB_TEXT_RE = re.compile(r"^(?:https?://)?([^\s/?#@:]+\.[^\W\d_]{2,})\.?(?::\d+)?(?:[/?#]\S*)?$",
                          re.I)


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def label_problem(words: str, url: str) -> str | None:
    """Why a link whose visible `words` are these goes somewhere else than they say, or
    None: a phone number must be dialled as shown, an e-mail address written to, and a
    web address or domain visited. Any other words, and links with no scheme (inside the
    guide), are not judged here."""
    words = " ".join(words.split())
    scheme, form = scheme_of(url), browser_form(url)
    if not scheme:  # a link inside the guide (a chapter, #section): careprint's own
        return None
    if _PHONE_TEXT_RE.match(words) and len(digits(words)) >= 3 and scheme in ("tel", "sms"):
        target = form.split(":", 1)[1].partition("?")[0]
        if digits(words) != digits(unquote(target)):
            return (f"the link shows the number {words!r} but dials {target[:30]!r}; make "
                    "the number shown and the number dialled the same")
        return None
    mail = _EMAIL_RE.match(words)
    if mail:
        to = unquote(form.split(":", 1)[1].partition("?")[0]) if scheme == "mailto" else ""
        if to.lower() != words.lower():
            return (f"the link shows the address {words!r} but goes to {shown(url)}; make "
                    "the address shown and the address linked the same")
        return None
    web = _WEB_TEXT_RE.match(words)
    if web and not mail:
        return _web_label_problem(words, web.group(1), url, form, scheme)
    return None


def _web_label_problem(words: str, shown_host: str, url: str, form: str,
                       scheme: str) -> str | None:
    host = ""
    if scheme in ("http", "https"):
        try:
            host = urlsplit(form.replace("\\", "/")).hostname or ""
        except ValueError:
            host = ""
    said, real = _bare(normal_host(shown_host)), _bare(normal_host(host))
    if real and (real == said or real.endswith("." + said)):
        return None
    return (f"the link shows the web address {words[:40]!r} but goes to {shown(url)}; make "
            "the address shown and the address linked the same")


def _bare(host: str) -> str:
    return host[4:] if host.startswith("www.") else host
