"""Links that lie (issue 22, items 3, 4 and 11): an address is read as a browser reads it
(careprint.guard.urls), its words must match where it goes, and content may not take the
classes and ids of careprint's own pages (careprint.guard.reserved). docs/security.md, "Links"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_fixture, run_careprint
from test_bad_input import BASE, CHAPTER, chapter_text, line_of

from careprint.errors import Collector, ProjectError
from careprint.guard import reserved
from careprint.guard.urls import address_problem, label_problem, url_problem, url_scheme_problem
from careprint.source.config import load_config
from careprint.source.imprints import load_imprints
from careprint.source.markup import check_raw_html, check_xhtml, markdown_to_xhtml

PATH = "content/chapters/01-x.md"


# ---------------------------------------------------------------- item 3: schemes


@pytest.mark.parametrize("url", [
    "java\tscript:alert(1)", "fi\tle://host/share/x.pdf", "da\nta:text/html,<b>x</b>",
    "java\r\nscript:x", " \x01javascript:x", "JavaScript:x", "vbscript:x",
    "ftp://host/x", "blob:https://x.org/1", "intent://x", "about:blank",
])
def test_a_scheme_off_the_allow_list_is_refused_however_it_is_spelt(url):
    why = url_scheme_problem(url)
    assert why and "links may only be https:, http:, mailto:, tel: or sms:" in why, why


@pytest.mark.parametrize("url", [
    "https://www.nhs.uk/", "http://example.org", "mailto:help@clinic.example",
    "tel:116123", "sms:741741", "#chapter-start", "chapter-start.html", "",
])
def test_allowed_schemes_and_addresses_without_one_pass(url):
    assert url_scheme_problem(url) is None and address_problem(url) is None


@pytest.mark.parametrize("html", [
    '<a href="java&#9;script:alert(1)">x</a>',
    "<a href='fi&#9;le://host/share/x.pdf'>x</a>",
    '<a href="da&#10;ta:text/html,x">x</a>',
    '<a href="&#106;avascript:x">x</a>',
])
def test_raw_html_links_are_read_after_character_references(html):
    found = [str(p) for p in check_raw_html([(4, "Before."), (5, html)], PATH)]
    assert len(found) == 1 and found[0].startswith(f"{PATH}:5: link "), found
    assert "links may only be https:" in found[0]


@pytest.mark.parametrize("md", ["[x](da&#10;ta:text/html,hi)", "[x](java&#9;script:alert(1))",
                                "[x](fi&#9;le://host/share/x.pdf)"])
def test_markdown_links_are_read_after_character_references(md):
    lines = [(4, "Before."), (5, f"See {md} now.")]
    found = [str(p) for p in check_xhtml(markdown_to_xhtml("\n".join(t for _, t in lines)),
                                         lines, PATH)]
    assert len(found) == 1 and found[0].startswith(f"{PATH}:5: link "), found


# ---------------------------------------------------------------- item 4: addresses that lie


@pytest.mark.parametrize(("url", "said"), [
    ("https://user:pw@clinic.example/", "user name before its host"),
    ("https://www.nhs.uk@evil.example", "goes to 'evil.example'"),
    ("https://nh\u0455.uk/", "mixes letters of different alphabets"),  # Cyrillic dze
    ("https://www.\u0430pple.com/", "mixes letters"),  # Cyrillic a
    ("https://xn--pple-43d.com/", "mixes letters"),  # the same, as punycode
    # wholly Cyrillic, every letter a look-alike, under a Latin top-level domain
    ("https://\u0440\u0430\u0443\u0440\u0430\u04cf.com/", "all look like Latin ones ('paypal')"),
    ("https://xn--80aa0cbo65f.com/", "all look like Latin ones ('paypal')"),
    ("https://a%2eb.example/", "no % escapes"),
    ("mailto:help@clinic.example?bcc=someone@else.example", "has bcc="),
    ("mailto:help@clinic.example?cc=someone@else.example", "has cc="),
    ("mailto:help@clinic.example?to=someone@else.example", "has to="),
    ("mailto:help@clinic.example,someone@else.example", "more than one address"),
    ("mailto:help@clinic.example%2Csomeone@else.example", "more than one address"),
    ("mailto:?to=someone@else.example", "is not an e-mail address"),
    ("tel:116123;phone-context=evil", "nothing else"),
    ("sms:741741?to=999", "only body="),
])
def test_an_address_that_goes_elsewhere_than_it_says_is_refused(url, said):
    why = address_problem(url)
    assert why and said in why, why


@pytest.mark.parametrize("url", [
    "https://\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444/",  # wholly Cyrillic
    "https://xn--e1afmkfd.xn--p1ai/",  # the same, as punycode
    "https://\u0441\u0430\u0439\u0442.com/",  # Cyrillic, not all look-alikes
    "https://\u0440\u0430\u0443\u0440\u0430\u04cf.\u0440\u0444/",  # under a Cyrillic domain
    "https://\u65e5\u672c\u8a9e\u3072\u3089\u304c\u306a.jp/",  # Han with kana
    "https://www.nhs.uk:443/mental-health?x=1#y",
    "mailto:help@clinic.example?subject=Hello&body=I%20found%20a%20mistake",
    "sms:741741?body=HOME", "tel:+44 800 1111",
])
def test_honest_addresses_pass(url):
    assert address_problem(url) is None


@pytest.mark.parametrize(("words", "url", "said"), [
    ("116 123", "tel:+19005550199", "shows the number '116 123' but dials"),
    ("0800 1111", "tel:+448001111", "shows the number"),
    ("741741", "sms:741742?body=HOME", "shows the number"),
    ("www.nhs.uk", "https://evil.example/", "shows the web address"),
    ("https://www.nhs.uk/mental-health", "https://nhs.uk.evil.example/", "shows the web"),
    ("nhs.uk", "https://evil.example\\@www.nhs.uk", "shows the web address"),
    ("nhs.uk", "mailto:x@nhs.uk", "shows the web address"),
    ("help@clinic.example", "mailto:someone@else.example", "shows the address"),
])
def test_words_that_say_another_address_are_refused(words, url, said):
    why = label_problem(words, url)
    assert why and said in why, why


@pytest.mark.parametrize(("words", "url"), [
    ("116 123", "tel:116123"), ("(0800) 111-1", "tel:08001111"), ("741741", "sms:741741"),
    ("www.nhs.uk", "https://www.nhs.uk/conditions"), ("nhs.uk", "https://111.nhs.uk"),
    ("NHS.UK", "https://www.nhs.uk"), ("help@clinic.example", "mailto:Help@Clinic.example"),
    ("Call us", "tel:116123"), ("the NHS", "https://www.nhs.uk"),
])
def test_words_that_match_their_address_pass(words, url):
    assert label_problem(words, url) is None


def test_every_lie_in_a_chapter_is_an_error_at_its_line(tmp_path):
    """One chapter, each deceptive link on its own line: `careprint check` names each."""
    project = copy_fixture(BASE, tmp_path)
    cases = {
        "[116 123](tel:+19005550199)": "shows the number '116 123' but dials",
        "[x](da&#10;ta:text/html,hi)": "is a data: address",
        "[x](mailto:help@clinic.example?bcc=someone@else.example)": "has bcc=",
        "[www.nhs.uk](https://www.nhs.uk@evil.example)": "user name before its host",
        "[nhs.uk](https://nh&#x455;.uk/)": "mixes letters",
        "[nhs.uk](https://evil.example/)": "shows the web address",
        "[fine](https://www.nhs.uk/) and [116 123](tel:116123)": None,
    }
    body = "## Links\n\n" + "\n\n".join(f"See {md} now." for md in cases) + "\n"
    text = chapter_text(body)
    (project / CHAPTER).write_text(text, encoding="utf-8")
    proc = run_careprint("check", project, cwd=project.parent)
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
    out = proc.stdout + proc.stderr
    for md, said in cases.items():
        where = f"{CHAPTER}:{line_of(text, md)}: "
        # the link's own error (check also runs the text rules in the same run, issue 26)
        mine = [ln for ln in out.splitlines() if where in ln and ": error: project:" in ln]
        if said is None:
            assert mine == [], mine
        else:
            assert len(mine) == 1 and said in mine[0], (md, mine)


# ---------------------------------------------------------------- configuration and imprints


@pytest.mark.parametrize(("table", "key", "value", "said"), [
    ("review", "report_errors", "javascript:alert(1)", "expected an https:// address"),
    ("review", "report_errors", "java\\tscript:alert(1)", "expected an https:// address"),
    ("review", "report_errors", "errors@clinic.example?bcc=x@evil.example", "not an e-mail"),
    ("review", "report_errors", "https://www.nhs.uk@evil.example", "user name"),
    ("formats.html", "quick_exit_url", "https://www.bbc.co.uk@evil.example/", "user name"),
    ("formats.html", "quick_exit_url", "https://www.bb\u0441.co.uk/weather", "mixes letters"),
])
def test_an_address_in_careprint_toml_that_lies_is_refused_at_its_key(tmp_path, table, key,
                                                                      value, said):
    project = copy_fixture(BASE, tmp_path)
    toml = project / "careprint.toml"
    toml.write_text(toml.read_text("utf-8") + f'\n[{table}]\n{key} = "{value}"\n', "utf-8")
    with pytest.raises(ProjectError) as err:
        load_config(project)
    found = [str(p) for p in err.value.problems]
    assert any(f"{table}.{key}" in p and said in p for p in found), found


def test_an_imprint_email_with_hidden_recipients_is_refused(tmp_path):
    root = tmp_path / "guide"
    shutil.copytree(FIXTURES / "regions", root)
    shutil.copytree(FIXTURES / "imprint", root, dirs_exist_ok=True)
    path = root / "imprints" / "riverside.toml"
    path.write_text(path.read_text("utf-8").replace(
        'email = "hello@riverside.example"',
        'email = "hello@riverside.example?bcc=x%40evil.example"'), "utf-8")
    errs = Collector()
    load_imprints(root, errs)
    found = [str(p) for p in errs.problems]
    assert any(p.startswith("imprints/riverside.toml:4: ") and "has bcc=" in p
               for p in found), found


@pytest.mark.parametrize("url", ["https://www.nhs.uk@evil.example", "https://nh\u0455.uk",
                                 "mailto:a@clinic.example?cc=b@evil.example"])
def test_a_resource_url_that_lies_is_refused(url):
    assert url_problem(url)


# ---------------------------------------------------------------- item 11: reserved names


@pytest.mark.parametrize(("source", "made", "said"), [
    ('<a class="quick-exit" href="https://evil.example/">Leave</a>', None, "'quick-exit'"),
    ('<div id="main">x</div>', None, "'main'"),
    ('<span class="note skip">x</span>', None, "'skip'"),
    ('<h2 id="chapter-start">x</h2>', None, "'chapter-start'"),
    ("[Leave](https://evil.example/){: .quick-exit }",
     '<p><a class="quick-exit" href="https://evil.example/">Leave</a></p>', "'quick-exit'"),
    ("## Help {: #h-help-now }", '<h2 id="h-help-now">Help</h2>', "'h-help-now'"),
])
def test_a_class_or_id_of_careprints_own_pages_is_refused_in_content(source, made, said):
    lines = [(4, "Before."), (5, source)]
    found = ([str(p) for p in check_raw_html(lines, PATH)] if made is None
             else [str(p) for p in check_xhtml(made, lines, PATH)])
    assert len(found) == 1 and found[0].startswith(f"{PATH}:5: ") and said in found[0], found
    assert "careprint's own pages use" in found[0]


@pytest.mark.parametrize("html", [
    '<img src="images/leaf.png" alt="" class="decorative"/>', '<span class="mine">x</span>',
    '<a class="xref xref-chapter" href="#chapter-start">x</a>', '<h2 id="my-own">x</h2>'])
def test_content_classes_and_its_own_names_pass(html):
    assert check_xhtml(html, [(5, html)], PATH) == []


def test_every_class_and_id_the_bundled_stylesheets_and_templates_use_is_reserved():
    names = reserved.reserved_names()
    for must in ("quick-exit", "skip", "visually-hidden", "crisis-footer", "toc"):
        assert must in names["class"][0]
    for must in ("quick-exit", "main", "h-help-now", "support-and-crisis-resources"):
        assert must in names["id"][0]
    assert {"chapter-", "glossary-", "worksheet-"} <= set(names["id"][1])
    assert not names["class"][0] & reserved.CONTENT_CLASSES


def test_a_class_a_template_gains_is_reserved(tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    shutil.copytree(reserved.TEMPLATES, templates)
    page = templates / "web-page.html"
    page.write_text(page.read_text("utf-8") + '\n<div class="brand-new-banner"></div>\n',
                    "utf-8")
    (templates / "web.css").write_text((templates / "web.css").read_text("utf-8")
                                       + "\n@media print { #brand-new-id { color: red } }\n",
                                       "utf-8")
    monkeypatch.setattr(reserved, "TEMPLATES", Path(templates))
    reserved.reserved_names.cache_clear()
    try:
        assert reserved.reserved_problem("class", "x brand-new-banner")
        assert reserved.reserved_problem("id", "brand-new-id")
    finally:
        reserved.reserved_names.cache_clear()


@pytest.mark.parametrize("style", ["position: fixed; top: 0; right: 0",
                                   "POSITION:absolute", "posit\\69 on: sticky",
                                   "position: &#x66;ixed", "z-index: 99"])
def test_content_may_not_be_placed_over_the_page(style):
    """A fake quick-exit button without the class: a style attribute that fixes a link
    over the page (or stacks it above the band) is refused, in raw HTML and attribute
    lists alike."""
    html = f'<a style="{style}" href="https://evil.example/">Quick exit</a>'
    for found in (check_raw_html([(5, html)], PATH),
                  check_xhtml(html.replace("&#x66;", "f"), [(5, html)], PATH)):
        assert len(found) == 1 and str(found[0]).startswith(f"{PATH}:5: style "), found
        assert "may not be placed over the page" in str(found[0])


def test_a_style_that_stays_in_the_text_passes():
    html = '<span style="position: relative; color: #333">x</span>'
    assert check_raw_html([(5, html)], PATH) == []
