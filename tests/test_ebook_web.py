"""The EPUB's contents, cover, colours and conformance, and the web edition's contents,
pager, worksheet links, quick exit and tap-to-call links (issue 16, "E-book and web")."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from html import unescape
from io import BytesIO

import pytest
from conftest import BUNDLED_EDITIONS, ROOT, epub_opf, run_careprint

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
CONFORMS = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


@pytest.fixture(scope="module")
def built(bundled_build):
    """The bundled guide's EPUBs and web editions (the session's shared build)."""
    return bundled_build


def epub_files(out, edition):
    with zipfile.ZipFile(out / edition / f"safe-to-feel-{edition}.epub") as z:
        return {n: z.read(n) for n in z.namelist()}


def opf(out, edition):
    name, text = epub_opf(out / edition / f"safe-to-feel-{edition}.epub")
    return ET.fromstring(text.encode("utf-8"))


def nav_tree(out, edition):
    return ET.fromstring(epub_files(out, edition)["EPUB/nav.xhtml"])


def navs(tree):
    return {n.get(EPUB_TYPE): n for n in tree.iter(f"{{{NS['x']}}}nav")}


def text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def css_rules(css: str) -> dict[str, str]:
    """{selector: declarations} of a flat stylesheet (comments dropped)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return {sel.strip(): body for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)}


# ---------------------------------------------------------------- EPUB contents


@pytest.mark.parametrize("edition", BUNDLED_EDITIONS)
def test_nav_is_a_styled_contents_page_numbered_once(built, edition):
    files = epub_files(built, edition)
    tree = nav_tree(built, edition)
    links = [ln.get("href") for ln in tree.iter(f"{{{NS['x']}}}link")]
    assert links == ["style.css"]
    rules = css_rules(files["EPUB/style.css"].decode("utf-8"))
    assert any("nav ol" in sel and "list-style: none" in body for sel, body in rules.items())
    entries = [text(a) for a in navs(tree)["toc"].iter(f"{{{NS['x']}}}a")]
    assert "1. Why numbness happens" in entries
    # the number is the entry's own, once: no "2. 1. ..." from a list counter
    assert not [e for e in entries if re.match(r"^\d+\.\s*\d+\.", e)]


@pytest.mark.parametrize("edition", BUNDLED_EDITIONS)
def test_landmarks_are_hidden_and_name_the_cover(built, edition):
    landmarks = navs(nav_tree(built, edition))["landmarks"]
    assert landmarks.get("hidden") == ""
    types = [a.get(EPUB_TYPE) for a in landmarks.iter(f"{{{NS['x']}}}a")]
    assert types[:2] == ["cover", "toc"] and "bodymatter" in types


def test_nav_lists_each_chapters_sections_with_ids_that_exist(built, bundled_guide):
    files = epub_files(built, "survivors")
    toc = navs(nav_tree(built, "survivors"))["toc"]
    chapters = [li for li in toc.find("x:ol", NS) if li.get("class") == "toc-chapter"]
    assert len(chapters) == 12
    for li in chapters:
        href = li.find("x:a", NS).get("href")
        doc = ET.fromstring(files[f"EPUB/{href}"])
        h2s = {h.get("id"): text(h) for h in doc.iter(f"{{{NS['x']}}}h2") if h.get("id")}
        nested = li.findall("x:ol/x:li/x:a", NS)
        assert nested, href
        for a in nested:
            page, _, ident = a.get("href").partition("#")
            assert page == href and h2s.get(ident) == text(a), (href, a.get("href"))
    first = [text(a) for a in chapters[0].findall("x:ol/x:li/x:a", NS)]
    assert first[0] == "Numbness is a common and understandable response"
    assert "Key points" not in first


# ---------------------------------------------------------------- cover, colours, metadata


@pytest.mark.parametrize("edition", BUNDLED_EDITIONS)
def test_cover_image_is_declared_shown_first_and_described(built, bundled_guide, edition):
    from PIL import Image

    pkg = opf(built, edition)
    covers = [i for i in pkg.iterfind("opf:manifest/opf:item", NS)
              if "cover-image" in (i.get("properties") or "").split()]
    assert len(covers) == 1 and covers[0].get("media-type") == "image/png"
    files = epub_files(built, edition)
    with Image.open(BytesIO(files["EPUB/" + covers[0].get("href")])) as im:
        assert im.size == (1600, 2400)
        # the theme's accent (templates/theme.css) fills the top of the cover
        assert im.convert("RGB").getpixel((20, 20)) == (0x28, 0x56, 0x6b)
    first = pkg.find("opf:spine/opf:itemref", NS).get("idref")
    page = next(i for i in pkg.iterfind("opf:manifest/opf:item", NS) if i.get("id") == first)
    doc = ET.fromstring(files["EPUB/" + page.get("href")])
    img = doc.find(".//x:img", NS)
    assert img.get("src") == covers[0].get("href")
    meta = bundled_guide.config.guide
    title = bundled_guide.config.edition(edition).title
    assert meta.title in img.get("alt") and title in img.get("alt")


def test_epub_colours_come_from_the_theme(built):
    """The theme's accent draws the panels' borders; the text takes the reading system's
    colours, so that its night and sepia themes work (issue 25, fault 11)."""
    css = epub_files(built, "survivors")["EPUB/style.css"].decode("utf-8")
    rules = css_rules(css)
    assert "#28566b" in rules[".box, section.practice"]
    assert not [sel for sel, body in rules.items() if re.search(r"(^|[;\s])color\s*:", body)]
    assert "#1d5c63" not in css and "{{" not in css


@pytest.mark.parametrize("edition", BUNDLED_EDITIONS)
def test_publisher_and_conformance_come_from_the_config(built, bundled_guide, edition):
    pkg = opf(built, edition)
    publisher = bundled_guide.config.guide.publisher
    assert publisher != "careprint"
    assert [p.text for p in pkg.iterfind("opf:metadata/dc:publisher", NS)] == [publisher]
    metas = {m.get("property"): m.text for m in pkg.iterfind("opf:metadata/opf:meta", NS)}
    assert metas["dcterms:conformsTo"] == CONFORMS
    assert metas["a11y:certifiedBy"] == publisher


def test_conformance_and_quick_exit_are_configurable(fixture_project):
    root = fixture_project("minimal")
    toml = root / "careprint.toml"
    toml.write_text(toml.read_text("utf-8") + '\n[formats.epub]\nconforms_to = ""\n'
                    '[formats.html]\nquick_exit_url = "https://example.org/news"\n', "utf-8")
    run_careprint("build", root, "--jobs", "1", "-f", "epub", "-f", "html", check=True)
    _, text_ = epub_opf(root / "build" / "everyone" / "tiny-everyone.epub")
    assert "<dc:publisher>Test Press</dc:publisher>" in text_
    assert "dcterms:conformsTo" not in text_ and "a11y:certifiedBy" not in text_
    page = (root / "build" / "everyone" / "html" / "index.html").read_text("utf-8")
    assert 'id="quick-exit" class="quick-exit" href="https://example.org/news"' in page


# ---------------------------------------------------------------- the web edition


def test_web_contents_are_numbered_once(built):
    html = built / "survivors" / "html"
    index = (html / "index.html").read_text("utf-8")
    contents = index[index.index('<nav id="contents"'):]
    assert '<ol class="contents">' in contents
    rules = css_rules((html / "style.css").read_text("utf-8"))
    assert "list-style: none" in rules["#contents ol.contents"]
    assert ">1. Why numbness happens</a>" in contents


def test_pager_hides_the_titles_on_narrow_screens_but_not_from_screen_readers(built):
    page = (built / "survivors" / "html" / "02-safety-first.html").read_text("utf-8")
    assert re.search(r'rel="prev"><span aria-hidden="true">←</span> Previous'
                     r'<span class="pager-title">: 1\. Why numbness happens</span></a>', page)
    assert re.search(r'rel="next">Next<span class="pager-title">: 3\. [^<]+</span> '
                     r'<span aria-hidden="true">→</span></a>', page)
    css = (built / "survivors" / "html" / "style.css").read_text("utf-8")
    narrow = css[css.index("@media (max-width: 40rem)"):]
    assert re.match(r"[^}]*\{\s*nav\.pager \.pager-title \{[^}]*clip-path: inset\(50%\)",
                    narrow)


@pytest.mark.parametrize("edition", BUNDLED_EDITIONS)
def test_worksheet_pages_link_their_printable_pdf(built, edition):
    from careprint.render import worksheets
    from careprint.source.editions import apply_edition
    from careprint.source.load import load_project

    eg = apply_edition(load_project(ROOT), edition)
    pdfs = {j.item: j.relpath for j in worksheets.jobs(eg, eg.config.paper)}
    for w in eg.worksheets:
        page = (built / edition / "html" / f"worksheet-{w.worksheet.id}.html").read_text("utf-8")
        assert "Ask whoever gave you" not in page
        hrefs = re.findall(r'<a href="(\.\./[^"]+\.pdf)">', page)
        targets = {str((built / edition / "html" / h).resolve().relative_to(built.resolve()))
                   for h in hrefs}
        assert targets == {pdfs[w.worksheet.id], pdfs["pack"]}, w.worksheet.id


def test_every_web_page_has_the_quick_exit_and_no_inline_script(built, bundled_guide):
    url = bundled_guide.config.fmt("html", "quick_exit_url")
    assert url == "https://www.bbc.co.uk/weather"
    html = built / "survivors" / "html"
    for page in html.glob("*.html"):
        text_ = page.read_text("utf-8")
        assert f'<a id="quick-exit" class="quick-exit" href="{url}"' in text_, page.name
        assert 'aria-keyshortcuts="Escape"' in text_
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", text_, re.S)
        assert scripts == [(' src="quick-exit.js" defer', "")], page.name
        assert not re.search(r"\son[a-z]+=", text_), page.name
    script = (html / "quick-exit.js").read_text("utf-8")
    assert "location.replace(link.href)" in script
    assert '"Escape"' in script and "keydown" in script


def test_resources_and_footer_have_tap_to_call_links(built):
    resources = (built / "survivors" / "html" / "resources.html").read_text("utf-8")
    for number, uri in [("116 123", "tel:116123"), ("988", "tel:988"),
                        ("1-800-656-4673", "tel:18006564673"), ("85258", "sms:85258")]:
        assert f'<a class="phone" href="{uri}">{number}</a>' in resources, uri
    assert "(1-800-656-HOPE)" in unescape(resources)  # a word number is not a link
    chapter = (built / "survivors" / "html" / "02-safety-first.html").read_text("utf-8")
    footer = chapter[chapter.index('<footer class="site">'):]
    assert 'href="tel:116123"' in footer
    epub_page = epub_files(built, "survivors")["EPUB/resources.xhtml"].decode("utf-8")
    assert '<a class="phone" href="tel:116123">116 123</a>' in epub_page
    assert "sms:" not in epub_page  # EPUBCheck does not know the scheme (HTM-025)


@pytest.mark.parametrize("contact, expected", [
    ("Call 911", [("911", "tel:911")]),
    ("Call or text 988, or chat online", [("988", "tel:988")]),
    ("Call 800-656-4673 (800-656-HOPE), or chat online", [("800-656-4673", "tel:8006564673")]),
    ("Text HOME to 741741", [("741741", "sms:741741")]),
    ("Call 116 123 (free)", [("116 123", "tel:116123")]),
    ("Call 0808 500 2222, or use the online chat", [("0808 500 2222", "tel:08085002222")]),
    ("Open 24 hours, 7 days a week", []),
    ("In the US call or text 988. In the UK call Samaritans on 116 123.",
     [("988", "tel:988"), ("116 123", "tel:116123")]),
    ("Text SHOUT to 85258 or call +44 808 802 9999",
     [("85258", "sms:85258"), ("+44 808 802 9999", "tel:+448088029999")]),
])
def test_phone_numbers(contact, expected):
    from careprint.source.phones import phone_links, phone_numbers

    assert phone_numbers(contact) == expected
    linked = str(phone_links(contact))
    assert re.sub(r"<[^>]+>", "", linked) == contact.replace("&", "&amp;")


@pytest.mark.parametrize("how", ["escape", "click"])
def test_quick_exit_leaves_and_back_does_not_return(fixture_project, tmp_path, how):
    """One press of Escape, or the button, replaces the page: Back skips the guide page."""
    import functools
    import http.server
    import json
    import shutil
    import subprocess
    import threading

    (tmp_path / "neutral.html").write_text("<!DOCTYPE html><title>Weather</title><p>Sunny.",
                                           "utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    neutral = f"http://127.0.0.1:{server.server_address[1]}/neutral.html"
    root = fixture_project("minimal")
    toml = root / "careprint.toml"
    toml.write_text(toml.read_text("utf-8") + "\n[formats.html]\n"
                    f'quick_exit_url = "{neutral}"\n', "utf-8")
    run_careprint("build", root, "--jobs", "1", "-f", "html", check=True)
    html = root / "build" / "everyone" / "html"
    node = shutil.which("node")
    assert node, "Node.js is needed to drive Chromium"
    try:
        proc = subprocess.run([node, str(ROOT / "tests" / "tools" / "quick_exit.js"),
                               str(html / "index.html"), str(html / "01-hello.html"), how],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)
    finally:
        server.shutdown()
        server.server_close()
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["left"] == neutral
    assert result["back"] == (html / "index.html").as_uri()  # not 01-hello.html
    assert "press the Escape key" in result["name"]


def test_ace_finds_no_violation_of_any_impact_and_reads_the_claim(built):
    """Ace by DAISY on every bundled EPUB: not one violation, minor ones included, and the
    conformance claim and its certifier among the metadata it reads."""
    from careprint.check.outputs import _run_ace
    from careprint.check.tools import find_ace

    cmd, env, why = find_ace(ROOT)
    assert cmd, why
    for edition in BUNDLED_EDITIONS:
        ok, report = _run_ace(cmd, env, built / edition / f"safe-to-feel-{edition}.epub")
        assert ok, report
        violations = [(a["earl:testSubject"]["url"], x["earl:test"]["dct:title"])
                      for a in report["assertions"] for x in a["assertions"]]
        assert violations == [], edition
        present = report["a11y-metadata"]["present"]
        assert {"dcterms:conformsTo", "a11y:certifiedBy", "schema:accessibilitySummary"} \
            <= set(present), edition


def test_a_quick_exit_url_that_is_not_https_is_refused(tmp_path):
    """The quick exit goes to a web page, never a script or a file: the address is checked
    where careprint.toml is read, naming its key."""
    from conftest import copy_fixture, run_careprint

    project = copy_fixture("minimal", tmp_path)
    toml = project / "careprint.toml"
    toml.write_text(toml.read_text("utf-8")
                    + '\n[formats.html]\nquick_exit_url = "javascript:alert(1)"\n', "utf-8")
    proc = run_careprint("build", project, "-f", "html")
    assert proc.returncode == 1, proc.stderr
    line = toml.read_text("utf-8").count("\n")  # the last line
    assert f"careprint.toml:{line}: formats.html.quick_exit_url: expected an https:// (or " \
        "http://) " in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not list((project / "build").rglob("*.html")) if (project / "build").exists() \
        else True
