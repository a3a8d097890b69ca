"""One attribute policy for content (careprint.guard.htmlpolicy): raw HTML, checked on the source,
and the XHTML that Markdown made break the same rules, each check in its own words."""

from __future__ import annotations

import pytest

from careprint.source.markup import check_raw_html, check_xhtml

PATH = "content/chapters/01-x.md"
LONG = "javascript:" + "a" * 50  # each check cuts a URL to its own length
URLS = "links may only be https:, http:, mailto:, tel: or sms: addresses"
SRC = "a picture in content is a file of the project"
ATTACHED = "rel=attachment embeds files in the PDF and is not allowed in content"
CSS = "(content may not load files through CSS)"

# attributes -> (what check_raw_html says, what check_xhtml says); None: allowed
CASES = {
    'onclick="x"': ("event-handler attribute onclick= is not allowed in content",
                    "event-handler attribute onclick= is not allowed in content"),
    'foo="x"': ("attribute foo= on <a> is not allowed in content",
                "attribute foo= is not allowed in content"),
    f'href="{LONG}"': (f"is a javascript: address, which is not allowed: {URLS}",
                       f"is a javascript: address, which is not allowed: {URLS}"),
    'src=" DATA:x"': (f"src=' DATA:x': {SRC}", f"src=' DATA:x': {SRC}"),
    'rel="Attachment"': (ATTACHED, ATTACHED),
    'style="background: url(x.png)"': (CSS, CSS),
    'aria-label="x" data-x="y" class="c" rel="noopener" href="https://example.org"': None,
}


def raw(attrs: str) -> list[str]:
    lines = [(4, "A line before."), (5, f"<a {attrs}>text</a>")]
    return [str(p) for p in check_raw_html(lines, PATH)]


def made(attrs: str) -> list[str]:
    lines = [(4, "A line before."), (5, f"[text](x){{: {attrs} }}")]
    return [str(p) for p in check_xhtml(f"<p><a {attrs}>text</a></p>", lines, PATH)]


@pytest.mark.parametrize("attrs", list(CASES))
def test_raw_html_and_made_xhtml_break_the_same_rules_in_their_own_words(attrs):
    if CASES[attrs] is None:
        assert raw(attrs) == made(attrs) == []
        return
    for found, said in zip((raw(attrs), made(attrs)), CASES[attrs], strict=True):
        assert len(found) == 1, found
        assert found[0].startswith(f"{PATH}:5: ") and said in found[0], (found, said)


def test_a_tag_off_the_list_is_refused_before_its_attributes():
    assert [str(p) for p in check_raw_html([(3, '<script onclick="x">')], PATH)] == [
        f"{PATH}:3: raw HTML <script> is not allowed in content (see docs/security.md for "
        "the allowed tags)"]


def test_an_upper_case_handler_is_named_as_written_in_made_xhtml():
    found = [str(p) for p in check_xhtml('<p onClick="x">t</p>', [(2, "t")], PATH)]
    assert found == [f"{PATH}:2: event-handler attribute onClick= is not allowed in content"]
