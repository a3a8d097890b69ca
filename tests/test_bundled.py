"""The bundled guide (the repository's own content/), built once per session."""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
import zipfile

import pytest
from conftest import (
    BUNDLED_EDITIONS,
    ROOT,
    SOURCE_DATE_ISO,
    contains,
    epub_opf,
    epub_text,
    epubcheck,
    epubcheck_problems,
    pdf_text,
    run_careprint,
)
from pypdf import PdfReader

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xhtml": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CONSENT = ROOT / "content" / "chapters" / "03-consent-as-a-living-practice.md"


def guide_pdf(out, e):
    return out / e / f"safe-to-feel-{e}-a4.pdf"


def guide_epub(out, e):
    return out / e / f"safe-to-feel-{e}.epub"


@pytest.fixture(scope="module")
def texts(bundled_build):
    """Extracted text of each edition's PDF and EPUB (pypdf is slow: read each once)."""
    return {e: {"pdf": pdf_text(guide_pdf(bundled_build, e)),
                "epub": epub_text(guide_epub(bundled_build, e))} for e in BUNDLED_EDITIONS}


def only_block_snippet(path, edition: str, words: int = 8) -> str:
    """The first words of the first sentence of text inside the first `::: only EDITION` block."""
    lines = path.read_text(encoding="utf-8").split("\n")
    opener = re.compile(rf"^\s*:::\s*only\s+{re.escape(edition)}\s*$")
    start = next(i for i, ln in enumerate(lines) if opener.match(ln))
    for ln in lines[start + 1:]:
        s = ln.strip()
        assert s != ":::", f"no paragraph text in the first `::: only {edition}` block"
        if not s or s.startswith("#"):
            continue
        s = re.sub(r"\[\[[^\]]*\]\]|[*_`]", "", s)
        sentence = re.split(r"(?<=[.!?])\s", s)[0]
        return " ".join(sentence.split()[:words])
    raise AssertionError(f"`::: only {edition}` block never closed in {path}")


# ---------------------------------------------------------------- full-guide PDFs


@pytest.mark.parametrize("edition", BUNDLED_EDITIONS)
def test_guide_pdf(bundled_build, bundled_guide, texts, edition):
    from pypdf import PdfReader

    path = guide_pdf(bundled_build, edition)
    assert path.is_file()
    reader = PdfReader(str(path))
    title = bundled_guide.config.guide.title
    assert reader.metadata is not None and title in (reader.metadata.title or "")
    edition_title = bundled_guide.config.edition(edition).title
    assert edition_title in reader.metadata.title
    root = reader.trailer["/Root"]
    assert str(root.get("/Lang", "")) == bundled_guide.config.guide.language
    assert "/StructTreeRoot" in root
    assert root["/StructTreeRoot"].get_object().get("/K") is not None
    assert len(reader.pages) > 10
    text = texts[edition]["pdf"]
    for phrase in ("Before you begin", "Contents"):
        assert phrase in text, phrase
    assert contains(text, "This guide supports care. It does not replace it.")
    assert "does not replace it" in re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("edition", BUNDLED_EDITIONS)
def test_guide_pdf_lists_only_its_chapters(bundled_guide, texts, edition):
    text = texts[edition]["pdf"]
    for c in bundled_guide.chapters:
        if c.in_edition(edition):
            assert contains(text, c.title), c.title
    left_out = [c for c in bundled_guide.chapters if not c.in_edition(edition)]
    for c in left_out:
        # a left-out chapter's summary (unique text) is nowhere in the PDF
        if c.summary:
            assert not contains(text, c.summary), c.name


# ---------------------------------------------------------------- handouts


@pytest.mark.parametrize("edition", BUNDLED_EDITIONS)
def test_handouts(bundled_build, bundled_guide, edition):
    chapters = [c for c in bundled_guide.chapters if c.in_edition(edition)]
    assert chapters
    folder = bundled_build / edition / "handouts"
    # each named by guide, edition, the chapter's number in this edition, and paper
    names = {f"safe-to-feel-{edition}-ch{n:02d}-{c.slug}-a4.pdf": c
             for n, c in enumerate(chapters, 1)}
    assert sorted(p.name for p in folder.glob("*-a4.pdf")) == sorted(names)
    for name, c in names.items():
        text = pdf_text(folder / name)
        assert contains(text, c.title), f"{c.name}: title missing"
        assert c.summary, f"{c.path} has no summary"
        assert contains(text, c.summary), f"{c.name}: summary missing"
        assert "does not replace it" in re.sub(r"\s+", " ", text)


# ---------------------------------------------------------------- edition filtering


def test_partners_only_passage(texts):
    snippet = only_block_snippet(CONSENT, "partners")
    assert len(snippet.split()) >= 6, snippet
    assert contains(texts["partners"]["pdf"], snippet)
    assert contains(texts["partners"]["epub"], snippet)
    assert not contains(texts["survivors"]["pdf"], snippet)
    assert not contains(texts["survivors"]["epub"], snippet)


def test_snippet_comes_from_the_partners_block():
    snippet = only_block_snippet(CONSENT, "partners")
    source = CONSENT.read_text(encoding="utf-8")
    block = source.split("::: only partners", 1)[1].split("\n:::", 1)[0]
    assert snippet in " ".join(block.split())
    # and it is not shared with any other edition's text in the source
    outside = source.replace(block, "")
    assert snippet not in " ".join(outside.split())


# ---------------------------------------------------------------- EPUBs


@pytest.mark.parametrize("edition", BUNDLED_EDITIONS)
def test_epubcheck(bundled_build, edition):
    messages = epubcheck(guide_epub(bundled_build, edition))
    assert epubcheck_problems(messages) == []


def opf_tree(path):
    name, text = epub_opf(path)
    return name, ET.fromstring(text.encode("utf-8"))


def meta_values(pkg, prop):
    return [(m.text or "").strip() for m in pkg.iterfind("opf:metadata/opf:meta", NS)
            if m.get("property") == prop]


@pytest.mark.parametrize("edition", BUNDLED_EDITIONS)
def test_opf_accessibility_and_dates(bundled_build, bundled_guide, edition):
    _, pkg = opf_tree(guide_epub(bundled_build, edition))
    assert pkg.tag == f"{{{NS['opf']}}}package"
    assert pkg.get(XML_LANG) == bundled_guide.config.guide.language
    assert pkg.get("version") == "3.0"
    # the text, the cover image and three pictures (each with a text alternative)
    assert meta_values(pkg, "schema:accessMode") == ["textual", "visual"]
    assert "alternativeText" in meta_values(pkg, "schema:accessibilityFeature")
    assert "textual" in meta_values(pkg, "schema:accessModeSufficient")
    features = meta_values(pkg, "schema:accessibilityFeature")
    assert "tableOfContents" in features and "structuralNavigation" in features
    hazards = meta_values(pkg, "schema:accessibilityHazard")
    assert hazards and set(hazards) <= {"none", "noFlashingHazard", "noMotionSimulationHazard",
                                        "noSoundHazard"}, hazards
    summary = meta_values(pkg, "schema:accessibilitySummary")
    assert summary == [bundled_guide.config.fmt("epub", "accessibility_summary")]
    assert meta_values(pkg, "dcterms:modified") == [SOURCE_DATE_ISO]
    lang = pkg.find("opf:metadata/dc:language", NS)
    assert lang is not None and lang.text == bundled_guide.config.guide.language


def test_identifiers_are_uuid_urns_and_differ(bundled_build):
    ids = {}
    for e in BUNDLED_EDITIONS:
        _, pkg = opf_tree(guide_epub(bundled_build, e))
        unique = pkg.get("unique-identifier")
        ident = next(i for i in pkg.iterfind("opf:metadata/dc:identifier", NS)
                     if i.get("id") == unique)
        value = ident.text.strip()
        assert value.startswith("urn:uuid:"), value
        uuid.UUID(value[len("urn:uuid:"):])
        ids[e] = value
    assert len(set(ids.values())) == len(BUNDLED_EDITIONS), ids


@pytest.mark.parametrize("edition", BUNDLED_EDITIONS)
def test_nav_has_landmarks(bundled_build, edition):
    path = guide_epub(bundled_build, edition)
    opf_name, pkg = opf_tree(path)
    nav_item = [i for i in pkg.iterfind("opf:manifest/opf:item", NS)
                if "nav" in (i.get("properties") or "").split()]
    assert len(nav_item) == 1
    base = opf_name.rsplit("/", 1)[0] + "/" if "/" in opf_name else ""
    with zipfile.ZipFile(path) as z:
        nav = ET.fromstring(z.read(base + nav_item[0].get("href")))
    navs = {n.get(f"{{{NS['epub']}}}type"): n for n in nav.iter(f"{{{NS['xhtml']}}}nav")}
    assert "toc" in navs
    assert "landmarks" in navs
    types = [a.get(f"{{{NS['epub']}}}type") for a in navs["landmarks"].iter(f"{{{NS['xhtml']}}}a")]
    assert "toc" in types and "bodymatter" in types, types
    toc_links = [a.get("href") for a in navs["toc"].iter(f"{{{NS['xhtml']}}}a")]
    assert any(h and h.startswith("01-") for h in toc_links)


def test_epub_is_reproducible(tmp_path, bundled_build):
    """A second build, of one edition alone, gives the EPUB of the session's shared build
    (every edition and format, the same SOURCE_DATE_EPOCH) byte for byte."""
    run_careprint("build", ROOT, "--out", tmp_path, "--edition", "partners", "--format",
                  "epub", check=True)
    assert guide_epub(tmp_path, "partners").read_bytes() == \
        guide_epub(bundled_build, "partners").read_bytes()
    # and the zip holds fixed timestamps, mimetype first and stored
    with zipfile.ZipFile(guide_epub(bundled_build, "partners")) as z:
        infos = z.infolist()
        assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
        assert len({i.date_time for i in infos}) == 1


# ---------------------------------------------------------------- worksheets


def test_each_worksheet_prints_alone_on_the_pages_it_is_meant_to(bundled_build,
                                                                   bundled_guide):
    """A clinician hands a worksheet over as one sheet: no closing line alone on page 2.
    The shared build fails on any warning it prints (run_careprint), the length warning
    included."""
    checked = 0
    for e in BUNDLED_EDITIONS:
        sheets = [ws for ws in bundled_guide.worksheets if ws.in_edition(e)]
        for n, ws in enumerate(sheets, 1):
            name = f"safe-to-feel-{e}-worksheet{n:02d}-{ws.id}-a4.pdf"
            pdf = bundled_build / e / "worksheets" / name
            assert len(PdfReader(pdf).pages) == ws.pages == 1, pdf
            checked += 1
    assert checked == 20  # and the 3 packs
