"""Issue 27: clinic imprints, one source stamped for every clinic that hands it out.

A clinic describes itself in imprints/<id>.toml; `build --imprint ID` builds the guide for
it into build/imprints/<id>/: its name (and logo) on the title page and each handout's
first page, its phone and local services first in every support list, its fill-in lines on
the handout's back, its name in the EPUB's metadata and the web edition's header.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, epub_documents, epubcheck, epubcheck_problems, run_careprint
from pypdf import PdfReader

from careprint.source.load import load_project


def imprint_project(tmp_path: Path) -> Path:
    """tests/fixtures/regions with tests/fixtures/imprint laid over it."""
    root = tmp_path / "guide"
    shutil.copytree(FIXTURES / "regions", root)
    shutil.copytree(FIXTURES / "imprint", root, dirs_exist_ok=True)
    return root


def squash(text: str) -> str:
    return " ".join(text.split())


def page_texts(path: Path) -> list[str]:
    return [squash(p.extract_text() or "") for p in PdfReader(path).pages]


def sums(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".careprint" not in p.parts}


def figures(reader) -> list[str]:
    """The alternate text of every Figure in the PDF's structure tree."""
    out = []

    def walk(elem):
        elem = elem.get_object()
        if not hasattr(elem, "get"):
            return
        if elem.get("/S") == "/Figure":
            out.append(str(elem.get("/Alt")))
        kids = elem.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid, "get_object"):
                walk(kid)
    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = imprint_project(tmp_path_factory.mktemp("imprint"))
    run_careprint("build", root, "--imprint", "riverside", "-f", "pdf", "-f", "handouts",
                  "-f", "epub", "-f", "html", check=True)
    return root


# ---------------------------------------------------------------- reading an imprint


def test_an_imprint_is_read_with_its_services(tmp_path):
    guide = load_project(imprint_project(tmp_path))
    by_id = {i.id: i for i in guide.imprints}
    assert sorted(by_id) == ["hilltop", "riverside"]
    riverside = by_id["riverside"]
    assert riverside.name == "Riverside Test Clinic" and riverside.region == "GB-SCT"
    assert riverside.logo == "imprints/riverside.svg"
    assert riverside.fill_in == ("My clinician", "Next appointment")
    assert [s.name for s in riverside.services] == ["Test Local Support Group"]
    assert riverside.services[0].checked


@pytest.mark.parametrize(("edit", "line", "message"), [
    (("region = \"GB-SCT\"", "region = \"Scotland\""), 7, "region 'Scotland': not an ISO 3166"),
    (("phone = ", "colour = \"blue\"\nphone = "), 3, "unknown key 'colour'"),
    (("name = \"Riverside Test Clinic\"\n", ""), 1, "missing required key 'name'"),
    (("email = \"hello@riverside.example\"", "email = \"hello\""), 4,
     "email 'hello': expected an address"),
    (("website = \"https://riverside.example\"", "website = \"riverside.example\""), 5,
     "write https://riverside.example"),
    (("logo = \"imprints/riverside.svg\"", "logo = \"imprints/missing.png\""), 6,
     "image 'imprints/missing.png' not found"),
    (("logo = \"imprints/riverside.svg\"", "logo = \"../outside.png\""), 6,
     "a path inside the project's imprints/ folder"),
    (("roles = [\"sexual-violence\"]", "roles = [\"sexual-violense\"]"), 13,
     "unknown role 'sexual-violense'. Did you mean sexual-violence?"),
])
def test_a_bad_imprint_is_an_error_at_its_line(tmp_path, edit, line, message):
    root = imprint_project(tmp_path)
    path = root / "imprints" / "riverside.toml"
    text = path.read_text()
    assert edit[0] in text
    path.write_text(text.replace(edit[0], edit[1], 1))
    proc = run_careprint("build", root)
    assert proc.returncode == 1, proc.stderr
    assert f"imprints/riverside.toml:{line}" in proc.stderr and message in proc.stderr, \
        proc.stderr
    assert "Traceback" not in proc.stderr and not (root / "build").exists()


def test_a_logo_that_is_not_an_image_is_refused(tmp_path):
    root = imprint_project(tmp_path)
    (root / "imprints" / "riverside.svg").write_text("not a picture")
    proc = run_careprint("build", root)
    assert proc.returncode == 1
    assert "imprints/riverside.toml:6: image 'imprints/riverside.svg' is not a PNG, JPEG" \
        in proc.stderr


def test_an_unknown_imprint_is_refused(tmp_path):
    root = imprint_project(tmp_path)
    proc = run_careprint("build", root, "--imprint", "riversid")
    assert proc.returncode == 1
    assert "--imprint riversid: no imprints/riversid.toml. Did you mean riverside?" \
        in proc.stderr


# ---------------------------------------------------------------- where it shows


def test_the_title_page_and_each_handout_say_who_gives_it(built):
    folder = built / "build" / "imprints" / "riverside" / "everyone"
    guide = folder / "rg-everyone-a4.pdf"
    assert "Given to you by Riverside Test Clinic" in page_texts(guide)[0]
    handout = folder / "handouts" / "rg-everyone-ch01-help-a4.pdf"
    pages = page_texts(handout)
    assert "Given to you by Riverside Test Clinic" in pages[0]
    # the logo is a tagged figure beside the words, with the clinic's name as its text
    assert "Riverside Test Clinic" in figures(PdfReader(handout))
    # the clinic and its local services come first, then the region's lines
    text = " ".join(pages)
    clinic = text.index("Riverside Test Clinic: Call 0131 496 0999")
    assert clinic < text.index("Test Local Support Group") < text.index("Scotland")
    assert text.count("Test Local Support Group") == 1
    assert "My clinician:" in text and "Next appointment:" in text
    assert "If you are in danger now, call 999." in text


def test_the_epub_and_the_web_edition_name_the_clinic(built):
    folder = built / "build" / "imprints" / "riverside" / "everyone"
    epub = folder / "rg-everyone.epub"
    assert not epubcheck_problems(epubcheck(epub))
    with zipfile.ZipFile(epub) as z:
        opf = z.read(next(n for n in z.namelist() if n.endswith(".opf"))).decode()
    assert re.search(r'<dc:contributor id="distributor">Riverside Test Clinic</dc:contributor>',
                     opf)
    assert 'refines="#distributor" property="role" scheme="marc:relators">dst' in opf
    docs = epub_documents(epub)
    title = next(v for k, v in docs.items() if "title" in k)
    assert "Given to you by <strong>Riverside Test Clinic</strong>" in title
    web = (folder / "html" / "index.html").read_text()
    header = web[web.index('<header class="site">'):web.index("</header>")]
    assert "Given to you by <strong>Riverside Test Clinic</strong>" in header
    resources = (folder / "html" / "resources.html").read_text()
    assert resources.index("Riverside Test Clinic") < resources.index("Scotland")


def test_the_library_page_and_list_show_the_imprints(built):
    page = (built / "build" / "imprints" / "riverside" / "index.html").read_text()
    assert "files to print, from Riverside Test Clinic" in page
    proc = run_careprint("list", built, check=True)
    assert "riverside  Riverside Test Clinic (GB-SCT)" in proc.stdout
    assert "hilltop  Hilltop Test Practice (US)" in proc.stdout
    run_careprint("build", built, "-f", "handouts", check=True)
    index = (built / "build" / "index.html").read_text()
    assert 'href="imprints/riverside/index.html">Riverside Test Clinic</a>' in index
    assert "careprint build --imprint hilltop" in index  # not built yet


# ---------------------------------------------------------------- folders and keys


def test_a_clinics_build_is_byte_identical_across_folders_and_touches_no_other(tmp_path):
    root = imprint_project(tmp_path)
    args = ("-f", "handouts", "-f", "epub")
    run_careprint("build", root, "--imprint", "all", *args, check=True)
    run_careprint("build", root, "--imprint", "riverside", "--out", tmp_path / "elsewhere",
                  *args, check=True)
    here = root / "build" / "imprints"
    assert sums(here / "riverside") == sums(tmp_path / "elsewhere" / "imprints" / "riverside")
    hilltop = {p: p.stat().st_mtime_ns for p in (here / "hilltop").rglob("*") if p.is_file()}
    toml = root / "imprints" / "riverside.toml"
    toml.write_text(toml.read_text().replace("0131 496 0999", "0131 496 0998"))
    run_careprint("build", root, "--imprint", "riverside", *args, check=True)
    assert {p: p.stat().st_mtime_ns for p in (here / "hilltop").rglob("*")
            if p.is_file()} == hilltop
    assert "0131 496 0998" in " ".join(page_texts(next((here / "riverside").rglob(
        "*-ch01-help-a4.pdf"))))
    # and an unchanged clinic's outputs are not made again by a build of them all
    proc = run_careprint("build", root, "--imprint", "all", *args, check=True)
    assert proc.stdout.count("Built 0 files") == 2, proc.stdout


def test_a_clinic_in_another_region_builds_apart(tmp_path):
    root = imprint_project(tmp_path)
    run_careprint("build", root, "--imprint", "riverside", "--region", "US", "-f", "handouts",
                  check=True)
    folder = root / "build" / "imprints" / "riverside" / "regions" / "us" / "everyone"
    text = " ".join(page_texts(folder / "handouts" / "rg-us-everyone-ch01-help-a4.pdf"))
    assert "call 911." in text and "Riverside Test Clinic" in text


def test_the_bundled_example_imprint(tmp_path):
    guide = load_project(ROOT)
    assert [i.id for i in guide.imprints] == ["larkspur"]
    run_careprint("build", ROOT, "--out", tmp_path, "--imprint", "larkspur", "-e", "survivors",
                  "-f", "handouts", "--only", "safety-first", check=True)
    handout = next((tmp_path / "imprints" / "larkspur").rglob("*ch02-safety-first-a4.pdf"))
    assert len(PdfReader(handout).pages) == 2
    assert "Given to you by Larkspur Community Clinic (an example)" in page_texts(handout)[0]


def test_a_clinic_that_publishes_its_own_copy_points_its_codes_there(tmp_path):
    """[guide] url for the guide; a clinic's own `url` for its copy (issue 27)."""
    from careprint.pipeline.plan import localised
    from careprint.render.common import published_url
    from careprint.source.editions import apply_edition

    root = imprint_project(tmp_path)
    toml = root / "careprint.toml"
    toml.write_text(toml.read_text().replace('date = "2026-01-02"',
                                             'date = "2026-01-02"\nurl = "https://guides.example"'))
    guide = localised(load_project(root), imprint="riverside")
    eg = apply_edition(guide, "everyone")
    assert published_url(eg, "everyone/html/index.html") == \
        "https://guides.example/imprints/riverside/everyone/html/index.html"
    clinic = root / "imprints" / "riverside.toml"
    clinic.write_text(clinic.read_text().replace(
        "fill_in =", 'url = "https://riverside.example/guide"\nfill_in ='))
    eg = apply_edition(localised(load_project(root), imprint="riverside"), "everyone")
    assert published_url(eg, "everyone/html/index.html") == \
        "https://riverside.example/guide/everyone/html/index.html"


def test_a_logo_that_cannot_be_drawn_stops_the_clinics_build(tmp_path):
    """The logo is drawn before the clinic's build renders anything (careprint.source.assets
    .undrawable), not while the project is loaded; the problem names the logo's line."""
    root = imprint_project(tmp_path)
    (root / "imprints" / "riverside.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 0">\n'
        '<rect width="5" height="5"/>\n</svg>')
    proc = run_careprint("build", root, "--imprint", "riverside", "--format", "handouts")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "imprints/riverside.toml:6: image 'imprints/riverside.svg': " \
        "imprints/riverside.svg: cannot be drawn" in proc.stderr, proc.stderr
    assert not (root / "build" / "imprints").exists()
