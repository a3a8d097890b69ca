"""Issue 27, the way back online: with `[guide] url` (where the build folder is published),
each handout and chapter PDF carries a QR code of its chapter's page in the web edition,
with the address printed beneath it, and the web edition and the EPUB link to the
printable worksheet PDFs there. Without it, nothing changes.

The codes are read as a phone reads them: the page is drawn at 300 dpi (pdftoppm) and
decoded with zbarimg (Debian's zbar-tools: scripts/install-system-deps.sh). The fixture
tests/fixtures/online is published at https://guides.example.org/tiny, on A4 and Letter.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pytest
from conftest import (
    ROOT,
    copy_fixture,
    epubcheck,
    epubcheck_problems,
    run_careprint,
)

BASE = "https://guides.example.org/tiny"
CHAPTERS = {"where-to-find-help": 1, "a-calm-minute": 2}
PAPERS = ("a4", "letter")
# every PDF of a chapter: the handout, the whole chapter, large print, the booklet
KINDS = {"handout": "handouts/tiny{r}-everyone-ch{n:02d}-{slug}-{paper}.pdf",
         "chapter": "chapters/tiny{r}-everyone-ch{n:02d}-{slug}-full-{paper}.pdf",
         "large-print": "handouts/tiny{r}-everyone-ch{n:02d}-{slug}-large-print-{paper}.pdf",
         "booklet": "handouts/tiny{r}-everyone-ch{n:02d}-{slug}-booklet-{paper}.pdf"}
ALT = "QR code: the web page of this chapter, {}"
SHEET = ["-f", "handouts", "-f", "chapters", "-f", "large-print", "-f", "booklet"]
ALL = [*SHEET, "-f", "html", "-f", "epub", "-f", "worksheets", "-f", "pdf"]


def page_url(slug: str, region: str = "") -> str:
    """The address the code of chapter `slug` holds, written out as the issue says."""
    where = f"regions/{region}/" if region else ""
    return f"{BASE}/{where}everyone/html/{CHAPTERS[slug]:02d}-{slug}.html"


def pdf_path(build: Path, kind: str, slug: str, paper: str, region: str = "") -> Path:
    folder = build / "regions" / region / "everyone" if region else build / "everyone"
    return folder / KINDS[kind].format(r=f"-{region}" if region else "", n=CHAPTERS[slug],
                                       slug=slug, paper=paper)


@pytest.fixture(scope="module")
def online(tmp_path_factory) -> Path:
    """The fixture built with its url: every printed format, the web edition, the EPUB and
    the worksheets; and the handouts, web edition and EPUB for Scotland (GB-SCT)."""
    root = copy_fixture("online", tmp_path_factory.mktemp("online"))
    run_careprint("build", root, *ALL, check=True)
    run_careprint("build", root, "--region", "GB-SCT", "-f", "handouts", "-f", "html",
                  "-f", "epub", check=True)
    return root / "build"


# ---------------------------------------------------------------- reading the code


def page_texts(pdf: Path) -> list[str]:
    proc = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True)
    return proc.stdout.split("\f")[:-1]


def code_page(pdf: Path) -> tuple[int, str]:
    """(1-based number, text) of the one page that prints the code's words."""
    # its words beneath or beside it at the end, or beside the title (a full sheet)
    pages = [(i, t) for i, t in enumerate(page_texts(pdf), 1)
             if "scan the code" in " ".join(t.split())]
    assert len(pages) == 1, (pdf.name, [i for i, _ in pages])
    return pages[0]


def decode(pdf: Path, page: int, tmp: Path) -> list[str]:
    """Every QR code zbarimg reads on `page` drawn at 300 dpi (none: [])."""
    zbarimg = shutil.which("zbarimg")
    assert zbarimg, "zbarimg is needed to read the QR codes: apt-get install zbar-tools " \
                    "(scripts/install-system-deps.sh)"
    prefix = tmp / pdf.stem
    subprocess.run(["pdftoppm", "-png", "-r", "300", "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf), str(prefix)], check=True)
    proc = subprocess.run([zbarimg, "--raw", "-q", "-Sdisable", "-Sqrcode.enable",
                           f"{prefix}.png"], capture_output=True, text=True)
    assert proc.returncode in (0, 4), proc.stderr  # 4: no code found
    return proc.stdout.splitlines()


def printed_address(text: str) -> str:
    """The address printed after "type this address:", rejoined where it broke."""
    lines = re.split(r"type\s+this\s+address:", text, maxsplit=1)[1].split()
    address = ""
    for line in lines:
        address += line
        if address.endswith(".html"):
            break
    return address


def figures(pdf: Path) -> list[pikepdf.Dictionary]:
    """The Figure elements of the PDF's structure tree."""
    with pikepdf.open(pdf) as doc:
        out, stack = [], [doc.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(node)
            elif isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == "/Figure":
                    out.append({"alt": str(node.get("/Alt")),
                                "bbox": [float(v) for v in node.A.BBox]})
                if "/K" in node:
                    stack.append(node.K)
        return out


# ---------------------------------------------------------------- the codes


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_printed_chapter_carries_a_code_of_its_web_page(online, tmp_path, kind, paper):
    for slug in CHAPTERS:
        pdf = pdf_path(online, kind, slug, paper)
        number, text = code_page(pdf)
        assert decode(pdf, number, tmp_path) == [page_url(slug)], pdf.name
        # the short address beneath it: no https://, the same address
        assert printed_address(text) == page_url(slug).removeprefix("https://"), pdf.name
        assert "https://" not in text


@pytest.mark.parametrize("kind", ["handout", "chapter", "large-print"])
def test_the_code_is_a_tagged_figure_with_alt_text_drawn_as_vectors(online, kind):
    from careprint.check.pdfs import pdf_accessibility

    class Sink(list):
        def add(self, *finding):
            self.append(finding)

    for slug in CHAPTERS:
        pdf = pdf_path(online, kind, slug, "a4")
        found = figures(pdf)
        short = page_url(slug).removeprefix("https://")
        assert [f["alt"] for f in found] == [ALT.format(short)], pdf.name
        sink = Sink()
        pdf_accessibility(pdf, pdf.name, "everyone", sink)  # careprint check --outputs
        assert sink == [], sink
        with pikepdf.open(pdf) as doc:  # vectors: no image on any page
            assert not [name for page in doc.pages for name in page.get_images()], pdf.name


def test_the_code_is_20_mm_wide_with_its_quiet_zone_around_it(online, tmp_path):
    """The symbol's dark modules span 20 mm (render/qr.py: a phone reads it from a
    handout held at 20 cm), within a light margin of four modules."""
    from PIL import Image

    pdf = pdf_path(online, "handout", "where-to-find-help", "a4")
    number, _ = code_page(pdf)
    decode(pdf, number, tmp_path)
    image = Image.open(tmp_path / f"{pdf.stem}.png").convert("L")
    x1, y1, x2, y2 = figures(pdf)[0]["bbox"]  # the <svg>'s box, CSS px from the top
    scale = 300 / 96
    box = image.crop((round(x1 * scale), round(y1 * scale), round(x2 * scale),
                      round(y2 * scale)))
    dark = box.point(lambda v: 255 if v < 128 else 0).getbbox()
    width_mm = (dark[2] - dark[0]) / 300 * 25.4
    quiet_mm = dark[0] / 300 * 25.4
    assert 19.5 <= width_mm <= 20.5, width_mm
    assert 1.8 <= quiet_mm <= 2.4, quiet_mm  # 4 modules of about 0.5 mm


def test_a_regions_codes_point_to_its_own_folder(online, tmp_path):
    for slug in CHAPTERS:
        pdf = pdf_path(online, "handout", slug, "a4", region="gb-sct")
        number, text = code_page(pdf)
        assert decode(pdf, number, tmp_path) == [page_url(slug, "gb-sct")]
        assert printed_address(text) == page_url(slug, "gb-sct").removeprefix("https://")


def test_a_full_sheet_sets_the_address_beside_the_code_and_stays_one_sheet(tmp_path):
    """A handout whose back has no room for the code with the address beneath it keeps to
    one sheet: the address goes beside the code, under the words (render/handouts.py).
    A paragraph grows a word at a time (found by halving) to the first length at which the
    address must go beside the code: there the sheet is still one sheet."""
    root = copy_fixture("online", tmp_path)
    chapter = root / "content/chapters/01-where-to-find-help.md"
    text = chapter.read_text("utf-8")
    pdf = pdf_path(root / "build", "handout", "where-to-find-help", "a4")

    def beside(words: int) -> tuple[bool, int]:
        filler = " ".join(f"calm{i}" for i in range(words))
        chapter.write_text(text.replace("has room to write it down.",
                                        f"has room to write it down.\n\n{filler}."), "utf-8")
        run_careprint("build", root, "-f", "handouts", "--paper", "a4", "--only",
                      "where-to-find-help", "--keep-html", check=True, allow_warnings=True)
        html = pdf.with_suffix(".html").read_text()
        return 'class="read-more online beside"' in html, len(pikepdf.open(pdf).pages)

    low, high = 0, 800  # not beside at `low` words; beside (or past a sheet) at `high`
    assert not beside(low)[0] and beside(high)[0]
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (low, mid) if beside(mid)[0] else (mid, high)
    assert beside(high) == (True, 2), high  # the first length that needs it: one sheet
    number, text = code_page(pdf)  # on the back, or beside the title if it still ran over
    assert decode(pdf, number, tmp_path) == [page_url("where-to-find-help")]
    assert printed_address(text) == page_url("where-to-find-help").removeprefix("https://")


def test_the_bundled_handouts_stay_one_sheet_with_a_url(tmp_path):
    """The bundled guide, published somewhere: every handout of every edition still fits
    one sheet on A4 and on Letter, and carries its code."""
    project = tmp_path / "guide"
    project.mkdir()
    for name in ("content", "templates"):
        shutil.copytree(ROOT / name, project / name)
    toml = (ROOT / "careprint.toml").read_text("utf-8")
    (project / "careprint.toml").write_text(
        toml.replace('\nversion = ', '\nurl = "https://guides.example.org/safe-to-feel"'
                     '\nversion = ', 1), "utf-8")
    for paper in PAPERS:
        run_careprint("build", project, "-f", "handouts", "--paper", paper, check=True,
                      timeout=1200)
    handouts = [p for p in (project / "build").glob("*/handouts/*.pdf")]
    assert len(handouts) == 80
    for pdf in handouts:
        assert len(pikepdf.open(pdf).pages) == 2, pdf.name
        edition, name = pdf.parts[-3], pdf.stem
        chapter = re.match(rf"safe-to-feel-{edition}-ch\d\d-(.+)-(a4|letter)$", name)[1]
        # the code, among the sheet's pictures (the distress flow, the session bar...)
        (alt,) = [f["alt"] for f in figures(pdf) if f["alt"].startswith(ALT.format(""))]
        assert alt.startswith(ALT.format(f"guides.example.org/safe-to-feel/{edition}/html/"))
        assert alt.endswith(f"-{chapter}.html"), (pdf.name, alt)


# ---------------------------------------------------------------- the worksheets' links


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs).get("href")
            self.links.append((self._href, ""))

    def handle_data(self, data):
        if self._href is not None:
            href, text = self.links[-1]
            self.links[-1] = (href, text + data)

    def handle_endtag(self, tag):
        if tag == "a":
            self._href = None


def worksheet_links(markup: str) -> list[tuple[str, str]]:
    parser = Links()
    parser.feed(markup)
    return [(h, " ".join(t.split())) for h, t in parser.links if h and h.endswith(".pdf")]


def expected_links(region: str = "") -> list[tuple[str, str]]:
    where, r = (f"regions/{region}/", f"-{region}") if region else ("", "")
    folder = f"{BASE}/{where}everyone/worksheets/tiny{r}-everyone"
    return [(f"{folder}-worksheet01-my-numbers-a4.pdf", "Print this worksheet (PDF, A4)"),
            (f"{folder}-worksheet01-my-numbers-letter.pdf",
             "Print this worksheet (PDF, US Letter)"),
            (f"{folder}-worksheets-a4.pdf", "Print all the worksheets (PDF, A4)"),
            (f"{folder}-worksheets-letter.pdf", "Print all the worksheets (PDF, US Letter)")]


@pytest.mark.parametrize("region", ["", "gb-sct"])
def test_the_web_edition_and_the_epub_link_to_the_published_worksheets(online, region):
    folder = online / "regions" / region / "everyone" if region else online / "everyone"
    page = (folder / "html" / "worksheet-my-numbers.html").read_text("utf-8")
    assert worksheet_links(page) == expected_links(region)
    epub = next(folder.glob("*.epub"))
    with zipfile.ZipFile(epub) as z:
        doc = z.read("EPUB/worksheet-my-numbers.xhtml").decode("utf-8")
    assert worksheet_links(doc) == expected_links(region)
    if not region:  # each address is where the build put the file
        for url, _ in expected_links():
            assert (online / url.removeprefix(f"{BASE}/")).is_file(), url
    assert epubcheck_problems(epubcheck(epub)) == []


def test_the_worksheet_page_with_its_links_passes_axe(online):
    node = shutil.which("node")
    assert node, "Node.js is needed to run axe-core"
    import json

    page = online / "everyone" / "html" / "worksheet-my-numbers.html"
    proc = subprocess.run([node, str(ROOT / "tests" / "tools" / "axe.js"), str(page)],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr
    (result,) = json.loads(proc.stdout).values()
    assert result["violations"] == [] and not result["external_requests"]


# ---------------------------------------------------------------- without a url


def sums(build: Path) -> dict[str, str]:
    lines = (build / "everyone" / "SHA256SUMS").read_text("utf-8").splitlines()
    return {name.lstrip("*"): digest for digest, name in (line.split(maxsplit=1)
                                                          for line in lines)}


def test_without_a_url_there_is_no_code_and_only_what_it_touches_differs(online, tmp_path):
    root = copy_fixture("online", tmp_path)
    toml = root / "careprint.toml"
    toml.write_text(toml.read_text("utf-8").replace(f'url = "{BASE}"\n', ""), "utf-8")
    run_careprint("build", root, *ALL, check=True)
    build = root / "build"
    for kind in KINDS:
        pdf = pdf_path(build, kind, "where-to-find-help", "a4")
        text = "".join(page_texts(pdf))
        assert "scan the code" not in text and "guides.example.org" not in text
        assert decode(pdf, 1, tmp_path) == []
        if kind != "booklet":
            assert figures(pdf) == []
    assert worksheet_links((build / "everyone/html/worksheet-my-numbers.html")
                           .read_text("utf-8")) == [("../worksheets/tiny-everyone-worksheet"
                                                     "01-my-numbers-a4.pdf",
                                                     "worksheet 1 as a PDF"),
                                                    ("../worksheets/tiny-everyone-worksheets"
                                                     "-a4.pdf", "the worksheet pack")]
    # the url changes the printed chapters, the worksheet's web page and the EPUB: nothing
    # else (the guide, the worksheets, every other page are the same bytes)
    with_url, without = sums(online), sums(build)
    assert with_url.keys() == without.keys()
    changed = {name for name in with_url if with_url[name] != without[name]}
    printed = {pdf_path(Path(), kind, slug, paper).as_posix().removeprefix("everyone/")
               for kind in KINDS for slug in CHAPTERS for paper in PAPERS}
    assert changed == printed | {"html/worksheet-my-numbers.html", "tiny-everyone.epub"}


NOT_AN_ADDRESS = "is not the address of a published folder: expected https://host/path"


@pytest.mark.parametrize("value, message", [
    ('"guides.example.org/tiny"', NOT_AN_ADDRESS), ('"ftp://guides.example.org"', NOT_AN_ADDRESS),
    ('"https://guides example.org"', NOT_AN_ADDRESS), ('"https://"', NOT_AN_ADDRESS),
    ('"https://guides.example.org/?page=1"', NOT_AN_ADDRESS), ("42", "expected a string")])
def test_a_url_that_is_not_an_address_is_an_error_naming_the_key(tmp_path, value, message):
    root = copy_fixture("online", tmp_path)
    toml = root / "careprint.toml"
    toml.write_text(toml.read_text("utf-8").replace(f'"{BASE}"', value), "utf-8")
    proc = run_careprint("build", root, "-f", "handouts")
    assert proc.returncode == 1
    shown = repr(value.strip('"'))
    said = f"{shown} {message}" if message == NOT_AN_ADDRESS else message
    line = next(n for n, text in enumerate(toml.read_text("utf-8").split("\n"), 1)
                if text.startswith("url"))
    assert f"careprint.toml:{line}: guide.url: {said}" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (root / "build").exists()


def test_the_typographic_pass_leaves_an_svg_title_whole():
    """WeasyPrint takes an inline SVG's alt text from its <title> element's first run of
    text: a span added inside it (a "chapter 2 of" kept whole) would cut it short."""
    from careprint.render.typography import typeset_html

    page = ('<body><p>See chapter 2 of the guide.</p><svg><title>QR code: chapter 2 of '
            "the guide's page</title></svg></body>")
    out = typeset_html(page)
    assert "<title>QR code: chapter 2 of the guide's page</title>" in out
    assert '<p>See <span class="nowrap">chapter 2 of</span> the guide.</p>' in out
