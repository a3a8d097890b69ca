"""Issue 21: a phone number is found where it is one, and nowhere else.

Never inside a web address or host name (111.nhs.uk, www.example.com/800-123), an e-mail
address or a date (careprint/source/phones.py), in contact texts and in the typographic pass
that keeps numbers whole (careprint/render/typography.py); and in the running text of the web
edition and the EPUB, a number that a sentence asks the reader to call or text is a
tap-to-call link, as in the support list.
"""

from __future__ import annotations

import re
import zipfile
from html import unescape

import pytest
from conftest import copy_fixture, epub_documents, epubcheck, epubcheck_problems, run_careprint
from pypdf import PdfReader

from careprint.render.typography import typeset_html
from careprint.source.phones import link_numbers, phone_links, phone_numbers


@pytest.mark.parametrize("text, expected", [
    # the bundled NHS 111 entry: "111" of the address was a second, bold tel:111 link
    ("Call 111, or go to 111.nhs.uk", [("111", "tel:111")]),
    ("Go to 111.nhs.uk or call 111", [("111", "tel:111")]),
    ("See https://111.nhs.uk/help/999 first", []),
    ("See www.example.com/800-123 or call 0808 802 9999",
     [("0808 802 9999", "tel:08088029999")]),
    ("Find it at example.org/800-123-4567.", []),
    ("Write to 116123@samaritans.org or call 116 123",
     [("116 123", "tel:116123")]),
    ("Checked on 2026-11-30", []),
    ("Checked on 30/11/2026", []),
    ("Checked on 30.11.2026", []),
    ("Checked on 11/30/2026", []),
    ("Open to 1,200 callers, at 2.50 a minute, 100% free", []),
    # what was found before still is
    ("Call 116 123.", [("116 123", "tel:116123")]),
    ("Call 1-800-656-4673 (800-656-HOPE)", [("1-800-656-4673", "tel:18006564673")]),
    ("Text SHOUT to 85258 or call +44 808 802 9999",
     [("85258", "sms:85258"), ("+44 808 802 9999", "tel:+448088029999")]),
    # a number for WhatsApp messages is neither called nor texted (Spain's 016)
    ("Call 016. You can also send a WhatsApp message to 600 000 016 (it takes no calls)",
     [("016", "tel:016"), ("600 000 016", "whatsapp:600000016")]),
    ("Llama al 016. También puedes escribir por WhatsApp al 600 000 016",
     [("016", "tel:016"), ("600 000 016", "whatsapp:600000016")]),
])
def test_no_number_inside_an_address_or_a_date(text, expected):
    assert phone_numbers(text) == expected


def test_the_link_goes_on_the_number_not_on_the_address_before_it():
    linked = str(phone_links("Go to 111.nhs.uk or call 111"))
    assert linked == 'Go to 111.nhs.uk or call <a class="phone" href="tel:111">111</a>'
    linked = str(phone_links("Call 111, or go to 111.nhs.uk"))
    assert linked == 'Call <a class="phone" href="tel:111">111</a>, or go to 111.nhs.uk'


def test_typography_keeps_numbers_whole_but_not_inside_an_address():
    page = ("<body><p>See www.example.com/800-123, mail info-116-123@example.org, "
            "or call 0808 802 9999 before 2026-11-30.</p></body>")
    out = typeset_html(page)
    kept = re.findall(r'<span class="nowrap">(.*?)</span>', out)
    assert kept == ["0808 802 9999", "2026-11-30"]  # a date is kept whole, not as a phone
    assert "www.example.com/800-123," in out and "info-116-123@example.org" in out
    # a file name too, marked as one: a screen narrower than it lets it break (web.css)
    out = typeset_html("<body><p>Print tiny-everyone-worksheets-a4.pdf today.</p></body>")
    assert '<span class="nowrap file-name">tiny-everyone-worksheets-a4.pdf</span>' in out


# ---------------------------------------------------------------- running text

BODY = """\
<p>In 2019, 300 people answered. If you are in danger now, call 911, 999 or 112.</p>
<h2 id="call-999-now">Call 999 now</h2>
<p>Call <a href="https://example.org/999">999 online</a>, or ring <code>999</code>,
or <strong>Samaritans</strong> on 116 123. Text SHOUT to 85258.</p>
<p><img alt="In danger, call 999" src="a.png"/> Go to 111.nhs.uk on 30.11.2026.</p>
"""


def test_numbers_a_sentence_asks_to_call_are_links():
    out = link_numbers(BODY)
    assert re.findall(r'<a class="phone" href="([^"]+)">([^<]+)</a>', out) == [
        ("tel:911", "911"), ("tel:999", "999"), ("tel:112", "112"),
        ("tel:116123", "116 123"), ("sms:85258", "85258")]
    # not a year or a count, nor in a heading, a link, code, an attribute or an address
    assert "In 2019, 300 people" in out
    assert '<h2 id="call-999-now">Call 999 now</h2>' in out
    assert '<a href="https://example.org/999">999 online</a>' in out
    assert "<code>999</code>" in out and 'alt="In danger, call 999"' in out
    assert "Go to 111.nhs.uk on 30.11.2026." in out
    # a character reference is no number, though its sentence says "call" (it made an
    # EPUB that EPUBCheck refused: <a> inside &#8220;)
    quoted = "<p>Some call this &#8220;fawning&#8221; &#x201C;too&#x201D;.</p>"
    assert link_numbers(quoted) == quoted
    # nor is a year, in a sentence that says "call" (a citation in chapter 10 linked 2022)
    cited = "<p>Doctors call this emotional numbing (WHO, 2022). Call 1737 to talk.</p>"
    assert link_numbers(cited) == ("<p>Doctors call this emotional numbing (WHO, 2022). "
                                   'Call <a class="phone" href="tel:1737">1737</a> to talk.</p>')
    # a WhatsApp number is bold, never a link: a call or a text would not reach it
    app = phone_links("Or send a WhatsApp message to 600 000 016.")
    assert str(app) == 'Or send a WhatsApp message to <strong class="phone">600 000 016</strong>.'
    # the EPUB links tel: alone (EPUBCheck does not know sms:); the text number is bold
    epub = link_numbers(BODY, ("tel",))
    assert '<strong class="phone">85258</strong>' in epub and "sms:" not in epub


CHAPTER = """\
---
title: Hello there
summary: A tiny chapter for the phone numbers test.
---
## If things get hard

In 2019, 300 people answered our survey. If you are in danger now, call 911, 999 or 112.
You can also text SHOUT to 85258, or see [the 999 page](https://example.org/999).

## Where to read more, or call 0808 802 9999

Go to 111.nhs.uk, or write to help@example.org. This page was checked on 2026-11-30.
"""

LINES = """\
- name: NHS 111
  regions: [GB]
  contact: Call 111, or go to 111.nhs.uk
  url: https://111.nhs.uk
  roles: [emergency, crisis, sexual-violence]
  verified_on: 2026-11-30
  source: https://example.org/nhs-111
  source_kind: official
"""


@pytest.fixture(scope="module")
def phones_project(tmp_path_factory):
    project = copy_fixture("minimal", tmp_path_factory.mktemp("phones"))
    (project / "content/chapters/01-hello.md").write_text(CHAPTER, encoding="utf-8")
    (project / "content/resources/lines.yaml").write_text(LINES, encoding="utf-8")
    run_careprint("build", project, "-f", "html", "-f", "epub", "-f", "pdf", check=True)
    return project / "build" / "everyone"


def phone_hrefs(markup: str) -> list[tuple[str, str]]:
    return [(unescape(h), unescape(t)) for h, t in
            re.findall(r'<a class="phone" href="([^"]+)">([^<]+)</a>', markup)]


def test_a_built_support_list_links_the_number_and_not_its_address(phones_project):
    web = (phones_project / "html" / "resources.html").read_text("utf-8")
    assert phone_hrefs(web) == [("tel:111", "111")]
    assert not re.search(r'class="phone"[^>]*>111\.', web)
    epub = epub_documents(phones_project / "tiny-everyone.epub")["EPUB/resources.xhtml"]
    assert phone_hrefs(epub) == [("tel:111", "111")]
    reader = PdfReader(phones_project / "tiny-everyone-a4.pdf")
    pages = [[str(a.get_object()["/A"]["/URI"]) for a in page.get("/Annots") or []
              if "/URI" in a.get_object().get("/A", {})] for page in reader.pages]
    support = next(uris for uris in pages if "https://111.nhs.uk" in uris)
    assert support.count("tel:111") == 1


def test_the_web_edition_links_the_numbers_of_a_chapter(phones_project):
    page = (phones_project / "html" / "01-hello.html").read_text("utf-8")
    main = page[page.index('id="main"'):page.index("</main>")]
    assert phone_hrefs(main) == [("tel:911", "911"), ("tel:999", "999"), ("tel:112", "112"),
                                 ("sms:85258", "85258")]
    assert "In 2019, 300 people" in main and "2026-11-30" in main
    assert '<a href="https://example.org/999">the 999 page</a>' in main
    # the headings, and their ids, as they were
    assert '<h2 id="s-where-to-read-more-or-call-0808-802-9999">Where to read more, or call ' \
        '<span class="nowrap">0808 802 9999</span></h2>' in main
    epub = epub_documents(phones_project / "tiny-everyone.epub")["EPUB/01-hello.xhtml"]
    assert phone_hrefs(epub) == [("tel:911", "911"), ("tel:999", "999"), ("tel:112", "112")]
    assert '<strong class="phone">85258</strong>' in epub and "sms:" not in epub
    assert epubcheck_problems(epubcheck(phones_project / "tiny-everyone.epub")) == []


NOWRAP_RULE = re.compile(r"(?:^|\})\s*\.nowrap\s*\{[^}]*white-space:\s*nowrap")


def test_a_number_left_unlinked_never_breaks_on_a_screen_either(phones_project):
    """The web edition and the EPUB keep a number whole, as the PDFs do: the typographic
    pass wraps it in span.nowrap (here, in a heading, where it is not a link), and their
    stylesheets, not only print.css, set it `white-space: nowrap`."""
    page = (phones_project / "html" / "01-hello.html").read_text("utf-8")
    assert '<span class="nowrap">0808 802 9999</span>' in page
    css = (phones_project / "html" / "style.css").read_text("utf-8")
    assert NOWRAP_RULE.search(re.sub(r"/\*.*?\*/", "", css, flags=re.S))
    assert re.search(r"\.nowrap\.file-name\s*\{\s*white-space:\s*normal", css)
    with zipfile.ZipFile(phones_project / "tiny-everyone.epub") as z:
        assert '<span class="nowrap">0808 802 9999</span>' in \
            z.read("EPUB/01-hello.xhtml").decode("utf-8")
        css = z.read("EPUB/style.css").decode("utf-8")
    assert NOWRAP_RULE.search(re.sub(r"/\*.*?\*/", "", css, flags=re.S))
