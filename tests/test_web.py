"""The web edition: static pages per edition, navigable, self-contained, and passing
axe-core in headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT

AXE = ROOT / "tests" / "tools" / "axe.js"


@pytest.fixture(scope="module")
def site(bundled_build):
    return bundled_build  # the session's shared build (conftest.py)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for key in ("href", "src"):
            if key in a and tag in ("a", "link", "script", "img"):
                self.refs.append((tag, a[key]))


def parse(path):
    p = Links()
    p.feed(path.read_text("utf-8"))
    return p


@pytest.mark.parametrize("edition", ["survivors", "partners", "groups"])
def test_every_chapter_and_worksheet_has_a_page_with_navigation(site, edition):
    from careprint.render.pages import chapter_file
    from careprint.source.editions import apply_edition
    from careprint.source.load import load_project

    eg = apply_edition(load_project(ROOT), edition)
    html = site / edition / "html"
    for v in eg.chapters:
        page = html / chapter_file(v, "html")  # the number its PDFs carry (issue 26)
        assert page.name.startswith(f"{v.number:02d}-{v.chapter.slug}")
        text = page.read_text("utf-8")
        assert f">{v.chapter.title}</h1>" in text
        assert 'class="skip" href="#main"' in text and 'id="main"' in text
        assert 'href="index.html#contents"' in text
        assert 'rel="prev"' in text and 'rel="next"' in text
    for w in eg.worksheets:
        assert (html / f"worksheet-{w.worksheet.id}.html").is_file()
    index = (html / "index.html").read_text("utf-8")
    assert index.count("<li><a href=") >= len(eg.chapters) + len(eg.worksheets)


def test_links_resolve_and_nothing_is_fetched_from_outside(site):
    from careprint.render import worksheets
    from careprint.source.editions import apply_edition
    from careprint.source.load import load_project

    eg = apply_edition(load_project(ROOT), "survivors")
    quick_exit = eg.config.fmt("html", "quick_exit_url")
    # the printable worksheets are another format (-f worksheets), not built here
    printables = {j.relpath for j in worksheets.jobs(eg, eg.config.paper)}
    services = {r.url for r in eg.resources}
    for page in (site / "survivors" / "html").glob("*.html"):
        parsed = parse(page)
        for tag, ref in parsed.refs:
            if (tag, ref) == ("a", quick_exit) or re.match(r"^(tel|sms):\+?\d+$", ref):
                continue  # the quick-exit button leaves the site; tap-to-call links
            if tag == "a" and ref in services:
                continue  # a link to a support service's own website, never fetched
            assert not re.match(r"^(https?:)?//", ref), (page.name, tag, ref)
            target, _, fragment = ref.partition("#")
            dest = page.parent / target if target else page
            if target.startswith("../worksheets/"):
                assert f"survivors/{target[3:]}" in printables, (page.name, ref)
                continue
            assert dest.is_file(), (page.name, ref)
            if fragment and dest.suffix == ".html":
                assert fragment in parse(dest).ids, (page.name, ref)
    css = (site / "survivors" / "html" / "style.css").read_text("utf-8")
    assert "@media print" in css
    assert "@import" not in css and "url(" not in css


def test_pages_pass_axe_core_in_headless_chromium(site):
    node = shutil.which("node")
    assert node, "Node.js is needed to run axe-core"
    pages = sorted(str(p) for e in ("survivors", "partners", "groups")
                   for p in (site / e / "html").glob("*.html"))
    proc = subprocess.run([node, str(AXE), *pages], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    assert len(results) == len(pages)
    problems = {p: r["violations"] for p, r in results.items() if r["violations"]}
    assert problems == {}
    assert all(r["passes"] > 10 for r in results.values())
    assert not any(r["external_requests"] for r in results.values())
    # the Content-Security-Policy (web-page.html) blocks nothing a page of its own needs
    assert not {p: r["csp_violations"] for p, r in results.items() if r["csp_violations"]}


def test_the_spanish_web_edition_passes_axe_core(site):
    """Issue 28: the Spanish survivors' web edition, as the English one: no violation,
    every page in Spanish (lang="es"), nothing fetched from outside."""
    pages = sorted(str(p) for p in (site / "languages" / "es" / "survivors" / "html")
                   .glob("*.html"))
    assert len(pages) > 12
    proc = subprocess.run([shutil.which("node") or "node", str(AXE), *pages],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    assert {p: r["violations"] for p, r in results.items() if r["violations"]} == {}
    assert all(r["passes"] > 10 for r in results.values())
    assert not any(r["external_requests"] for r in results.values())
    for page in pages:
        assert '<html lang="es"' in Path(page).read_text("utf-8")[:400], page


def test_numbers_in_a_chapter_are_tap_to_call_links(site):
    """Issue 21: the chapters name emergency help by role ([[help:emergency]]), so a build
    for every region prints no number in them and links the support page; a number a
    sentence asks the reader to call is a tap-to-call link (tests/test_phone_numbers.py
    and, for a region's numbers, tests/test_regions.py); a heading never holds a link."""
    html = site / "survivors" / "html"
    page = (html / "08-partners-as-attuned-observers.html").read_text("utf-8")
    main = page[page.index('<main id="main"'):page.index("</main>")]
    assert re.search(r'call <a class="xref xref-chapter xref-help" href="resources.html">'
                     r"your local emergency number</a>", main), main
    linked = set()
    for p in html.glob("[0-9]*.html"):  # the chapters: no support list, no crisis box
        text = p.read_text("utf-8")
        body = text[text.index('<main id="main"'):text.index("</main>")]
        linked |= set(re.findall(r'<a class="phone" href="(tel:[^"]+)"', body))
        for heading in re.findall(r"<h[1-6][^>]*>.*?</h[1-6]>", body, re.S):
            assert 'class="phone"' not in heading, (p.name, heading)
    assert linked == set()  # no bare number is left in a chapter
