"""The support and crisis page, everywhere it appears (issue 16), on the bundled guide.

Each number bold and at least body size; one heading per country or region, in the order
the regions first appear in content/resources/; one "checked on" line for the list; every
phone number, text number and website a link (tel:, sms:, https:) in the PDF, the EPUB and
the web edition; a crisis line on the page after the title page and in the footer of every
page of the guide and the handouts, at a readable size and on one line.
"""

from __future__ import annotations

import re
from collections import Counter
from html import unescape

import pytest
from conftest import ROOT, epub_documents, run_careprint, squash
from pypdf import PdfReader

from careprint.source.phones import phone_numbers
from careprint.source.region_view import handout_services

EDITION = "survivors"
CHAPTER = "why-numbness-happens"


@pytest.fixture(scope="module")
def built(bundled_build):
    """The survivors' guide PDF, EPUB, web edition and worksheets, and its handouts on A4
    and Letter: the session's shared build (conftest.py)."""
    return bundled_build


def guide_pdf(built):
    return PdfReader(built / EDITION / f"safe-to-feel-{EDITION}-a4.pdf")


def handout_pdf(built, paper):
    (found,) = (built / EDITION / "handouts").glob(f"*-{CHAPTER}-{paper}.pdf")
    return PdfReader(found)


def epub_page(built, name):
    return epub_documents(built / EDITION / f"safe-to-feel-{EDITION}.epub")[
        f"EPUB/{name}.xhtml"]


def web_page(built, name):
    return (built / EDITION / "html" / f"{name}.html").read_text("utf-8")


# the footer lies below this, in pt from the foot of the page: the text ends 24 mm above
# it in the guide (print.css), 28 mm in the handouts, and the footer starts 4 mm lower
FOOTER_TOP = 23.5 * 72 / 25.4


def runs(page, part: str = "page") -> list[tuple[str, str, float]]:
    """(text, font name, size in pt) of every run of text WeasyPrint drew on `page`: on the
    whole page, or in its "footer" or "body" (the rest) alone."""
    return [run[:3] for run in placed_runs(page, part)]


def placed_runs(page, part: str = "page") -> list[tuple[str, str, float, float]]:
    """runs(), each with the height of its baseline above the foot of the page, in pt."""
    out = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            if part == "page" or (y < FOOTER_TOP) == (part == "footer"):
                out.append((text.strip(), str(font.get("/BaseFont")), round(size * scale, 2),
                            round(y, 1)))

    page.extract_text(visitor_text=visit)
    return out


def outline(reader) -> list[tuple[str, int, list]]:
    """[(title, page index, [(child title, page index)])] of the PDF's bookmarks."""
    out = []
    for item in reader.outline:
        if isinstance(item, list):
            out[-1][2].extend((c.title, reader.get_destination_page_number(c))
                              for c in item if not isinstance(c, list))
        else:
            out.append((item.title, reader.get_destination_page_number(item), []))
    return out


def support_pages(reader) -> list:
    marks = {title: (page, children) for title, page, children in outline(reader)}
    first, last = marks["Support and crisis resources"][0], marks["About this guide"][0]
    return reader.pages[first:last + 1]


def uris(pages) -> set[str]:
    out = set()
    for page in pages:
        for annot in page.get("/Annots", []):
            action = annot.get_object().get("/A")
            if action is not None and action.get("/S") == "/URI":
                out.add(str(action["/URI"]))
    return out


def hrefs(markup: str) -> set[str]:
    return {unescape(h) for h in re.findall(r'href="([^"]+)"', markup)}


def yaml_regions() -> list[str]:
    """The regions' names in the order their codes first appear in the bundled resources
    files (read from the files' text), each country followed by its parts."""
    from careprint.source import regions

    text = "".join(p.read_text("utf-8")
                   for p in sorted((ROOT / "content" / "resources").glob("*.yaml")))
    codes = list(dict.fromkeys(c.strip() for m in re.findall(r"^\s+regions: \[(.+?)\]", text,
                                                             re.M) for c in m.split(",")))
    ordered = []
    for country in dict.fromkeys(regions.country(c) for c in codes):
        ordered += [c for c in codes if c == country]
        ordered += [c for c in codes if regions.is_subdivision(c) and c.startswith(country)]
    return [regions.name(c) for c in ordered]


def numbers(resources) -> list[tuple[str, str]]:
    """(number as written, URI) of every phone and text number the resources give: a
    WhatsApp number is neither (it is set bold, never linked: careprint/source/phones.py)."""
    return [n for r in resources for n in phone_numbers(r.contact)
            if not n[1].startswith("whatsapp:")]


def body_size(reader) -> float:
    sizes = Counter(size for page in reader.pages[4:12] for _, _, size in runs(page))
    return sizes.most_common(1)[0][0]


# ---------------------------------------------------------------- bold numbers


def assert_bold_and_at_least(found, wanted, size):
    """Every number of `wanted` is a run of its own among `found`, bold, >= size pt."""
    for number in wanted:
        mine = [(font, pt) for text, font, pt in found if text == number]
        assert mine, f"{number} is not set apart from the words around it"
        assert all("Bold" in font and pt >= size for font, pt in mine), (number, mine)


def test_every_number_is_bold_and_at_least_body_size(built, bundled_guide):
    guide = guide_pdf(built)
    body = body_size(guide)
    assert body >= 11
    found = [run for page in support_pages(guide) for run in runs(page, "body")]
    assert_bold_and_at_least(found, {n for n, _ in numbers(bundled_guide.resources)}, body)
    assert not [t for t, _, _ in found if "(crisis line)" in t]
    handout = handout_pdf(built, "a4")
    # the footer's crisis line sets its numbers in its own words' size (the next test)
    found = [run for page in handout.pages for run in runs(page, "body")]
    crisis = handout_services(bundled_guide.resources, "",
                              bundled_guide.config.resources["regions"])
    assert_bold_and_at_least(found, {n for n, _ in numbers(crisis)}, body)


# ---------------------------------------------------------------- grouped by region


def test_one_heading_per_region_in_the_order_of_the_yaml(built):
    regions = yaml_regions()
    assert regions[:3] == ["United States", "Canada", "Quebec"] and len(regions) == 14
    assert regions[-1] == "Spain"  # content/resources/07-es.yaml, for the Spanish edition
    assert regions.index("United Kingdom") < regions.index("England") < \
        regions.index("Ireland")
    marks = {title: children for title, _, children in outline(guide_pdf(built))}
    assert [title for title, _ in marks["Support and crisis resources"]] == regions
    for markup in (web_page(built, "resources"), epub_page(built, "resources")):
        headings = [unescape(h) for h in re.findall(r'<h2 class="region">(.*?)</h2>', markup)]
        assert headings == regions


def test_the_list_is_checked_once(built, bundled_guide):
    assert all(r.checked for r in bundled_guide.resources)
    text = squash(" ".join(p.extract_text() for p in support_pages(guide_pdf(built))))
    # Spain's services were checked a day after the others: the page gives both dates, once
    assert text.count(squash("Details checked between 6 December 2026 and 7 December "
                             "2026")) == 1
    assert text.count(squash("Details checked")) == 1
    assert squash("not yet checked") not in text.lower()
    for markup in (web_page(built, "resources"), epub_page(built, "resources")):
        assert markup.count("Details checked") == 1
        assert "not yet checked" not in markup.lower()
    handout = squash(" ".join(p.extract_text() for p in handout_pdf(built, "a4").pages))
    assert handout.count(squash("Details checked on")) == 1


# ---------------------------------------------------------------- links


def test_pdf_links_every_number_and_website(built, bundled_guide):
    guide = guide_pdf(built)
    found = uris(guide.pages)
    assert {"tel:116123", "tel:988", "tel:18006564673", "sms:85258", "sms:686868",
            "https://rainn.org"} <= found
    assert not [u for u in found if "600000016" in u]  # 016's WhatsApp: bold, not a link
    assert {uri for _, uri in numbers(bundled_guide.resources)} <= found
    assert {r.url for r in bundled_guide.resources if r.url} <= found
    assert {u.split(":")[0] for u in found if not u.startswith("#")} >= {"tel", "sms", "https"}
    handout = uris(handout_pdf(built, "a4").pages)
    crisis = handout_services(bundled_guide.resources, "",
                              bundled_guide.config.resources["regions"])
    assert {uri for _, uri in numbers(crisis)} <= handout


def test_epub_and_web_link_every_number_and_website(built, bundled_guide):
    websites = {r.url for r in bundled_guide.resources if r.url}
    phones = {uri for _, uri in numbers(bundled_guide.resources)}
    web = hrefs(web_page(built, "resources"))
    assert websites | phones <= web
    epub = hrefs(epub_page(built, "resources"))
    assert websites | {u for u in phones if u.startswith("tel:")} <= epub
    assert not [h for h in epub if h.startswith("sms:")]  # EPUBCheck: HTM-025
    for markup in (web_page(built, "resources"), epub_page(built, "resources")):
        # 016's WhatsApp line: a call or a text would not reach it, so it is bold alone
        assert re.search(r'<strong class="phone">(<span class="nowrap">)?600 000 016<', markup)


# ---------------------------------------------------------------- where a reader looks


def test_a_crisis_line_on_the_page_after_the_title_page(built, bundled_guide):
    line = bundled_guide.config.fmt("pdf", "crisis_line")
    guide = guide_pdf(built)
    assert outline(guide)[1][:2] == ("Before you begin", 1)
    page = guide.pages[1]
    text = squash(page.extract_text())
    assert squash("If you need help now") in text
    assert text.count(squash(line)) == 2  # in the box, and in the footer
    assert {"tel:988", "tel:116123"} <= uris([page])
    for markup in (web_page(built, "before"), epub_page(built, "before")):
        assert 'href="tel:116123">116 123</a>' in markup
        assert "If you need help now" in markup


@pytest.mark.parametrize("which", ["guide", "a4", "letter", "worksheets"])
def test_the_footer_crisis_line_is_readable_and_on_one_line(built, bundled_guide, which):
    """The guide, a handout on A4 and on Letter, and the worksheet pack (whose footer was
    8.5 pt grey, as the handouts' had been)."""
    line = bundled_guide.config.fmt("pdf", "crisis_line")
    if which == "worksheets":
        reader = PdfReader(built / EDITION / "worksheets" /
                           f"safe-to-feel-{EDITION}-worksheets-a4.pdf")
    else:
        reader = guide_pdf(built) if which == "guide" else handout_pdf(built, which)
    # the guide's title page and the pack's cover have none
    pages = reader.pages if which in ("a4", "letter") else reader.pages[1:]
    for i, page in enumerate(pages):
        footer = [run for run in placed_runs(page, "footer")
                  if not re.fullmatch(r"Page \d+ of \d+", run[0])]
        # the whole line on one baseline, in the order written: it did not wrap; its
        # numbers are runs of their own (tel: links), in the words' size and weight
        assert len({y for *_, y in footer}) == 1, (which, i, footer)
        text = " ".join(t for t, *_ in footer).replace(" .", ".").replace(" ,", ",")
        assert text == line, (which, i, footer)
        assert all(size >= 9.5 and "Bold" not in font for _, font, size, _ in footer), \
            (which, i, footer)
        links = {str(a.get_object()["/A"]["/URI"]) for a in page.get("/Annots") or []
                 if "/URI" in a.get_object().get("/A", {})}
        assert {uri for _, uri in phone_numbers(line)} <= links, (which, i, links)
    if which == "guide":
        assert not placed_runs(reader.pages[0], "footer")


@pytest.mark.parametrize("contact, expected", [
    # "phone" in an earlier clause does not make a text number a call
    ("If you cannot speak on the phone, text 999", [("999", "sms:999")]),
    ('Register first by texting "register" to 999', [("999", "sms:999")]),
    ("Call 1-866-488-7386, or text START to 678-678",
     [("1-866-488-7386", "tel:18664887386"), ("678-678", "sms:678678")]),
    ("Call or text 988", [("988", "tel:988")]),
])
def test_a_number_is_called_or_texted_as_its_own_clause_says(contact, expected):
    assert phone_numbers(contact) == expected


def test_an_unlinked_number_is_still_bold():
    from careprint.source.phones import phone_links

    assert str(phone_links("Text SHOUT to 85258", ("tel",))) == \
        'Text SHOUT to <strong class="phone">85258</strong>'


def test_large_print_sets_the_support_list_at_18pt_or_more(fixture_project, tmp_path):
    """Large print (APH): the list's labels too, though the normal print sets them small."""
    root = fixture_project("minimal")
    path = root / "content" / "resources" / "lines.yaml"
    path.write_text(path.read_text() + "\n- name: Other Line\n  regions: [GB]\n"
                    "  contact: Text HELLO to 85258\n  roles: [sexual-violence]\n"
                    "  verified_on: 2026-01-02\n  source: https://example.org/o\n"
                    "  source_kind: service\n")
    run_careprint("build", root, "--out", tmp_path / "out", "--jobs", "1", "-f", "large-print",
                  check=True)
    reader = PdfReader(next((tmp_path / "out").glob("*/*-large-print-a4.pdf")))
    support = support_pages(reader)
    found = [(t, size) for page in support for t, _, size in runs(page)]
    labels = [size for t, size in found if t.lower() in ("crisis lines", "more support")]
    assert len(labels) == 2 and min(labels) >= 18, found
    assert_bold_and_at_least([r for page in support for r in runs(page)], {"000", "85258"}, 18)


CHECKED = "  source: https://example.org/page\n  source_kind: official\n"
LINES = f"""\
- name: Other Line
  regions: [GB]
  contact: Visit the website.
  url: https://www.example.org/help/
  roles: [sexual-violence]
  verified_on: 2026-03-04
{CHECKED}- name: Far Line
  regions: [NZ]
  contact: Call 123 456
  roles: [crisis]
  verified_on: 2026-02-01
{CHECKED}- name: Test Helpline
  regions: [GB]
  contact: Call 000
  hours: 24 hours a day
  roles: [crisis]
  verified_on: 2026-01-02
{CHECKED}"""


def test_crisis_lines_lead_their_region_and_the_dates_span_the_list(fixture_project, tmp_path):
    root = fixture_project("minimal")
    (root / "content" / "resources" / "lines.yaml").write_text(LINES)
    run_careprint("build", root, "--out", tmp_path / "out", "--jobs", "1", "-f", "pdf",
                  check=True)
    reader = PdfReader(next((tmp_path / "out").glob("*/*-a4.pdf")))
    marks = {title: children for title, _, children in outline(reader)}
    assert [t for t, _ in marks["Support and crisis resources"]] == ["United Kingdom",
                                                                      "New Zealand"]
    text = " ".join(" ".join(p.extract_text().split()) for p in support_pages(reader))
    assert "Details checked between 2 January 2026 and 4 March 2026" in text
    assert text.index("Test Helpline") < text.index("Other Line") < text.index("Far Line")
    assert "example.org/help" in text and "https://" not in text and ".." not in text
    assert "https://www.example.org/help/" in uris(support_pages(reader))  # ...goes whole
    assert "not yet checked" not in text.lower()


def test_a_handouts_back_lists_the_countries_the_guide_serves(bundled_guide):
    """The back of a handout for every region lists each country the guide serves
    ([resources] regions): Spain's services are in the bundled guide's list, but Spain is
    not a region it serves, and a seventh country pushed four Letter handouts to a third
    page. Without the list, every country with a service."""
    served = bundled_guide.config.resources["regions"]
    assert "ES" not in served
    listed = handout_services(bundled_guide.resources, "", served)
    assert {c for r in listed for c in r.regions} <= {"US", "CA", "GB", "IE", "AU", "NZ"}
    assert {"US", "GB", "NZ"} <= {c for r in listed for c in r.regions}
    everyone = handout_services(bundled_guide.resources, "")
    assert "ES" in {c for r in everyone for c in r.regions}
    # a part of a country stands for its country
    scots = handout_services(bundled_guide.resources, "", ("GB-SCT",))
    assert {c for r in scots for c in r.regions} == {"GB"}
