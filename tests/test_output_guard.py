"""The output guard, and what careprint publishes (docs/security.md, "What every output is
checked for"): issue 22, items 8, 9, 10 and 12.

The guard reads every rendered file before it is put in place: a forbidden link or script
that no check on the sources saw stops the build, naming the output, and nothing is
written. Pictures ship without their metadata, pages without comments, and a project
cannot add or replace a script.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from conftest import copy_fixture, run_careprint

import careprint
from careprint.guard.imagestrip import stripped, stripping
from careprint.guard.outguard import member_findings
from careprint.guard.outguard_html import page_findings, template_problems
from careprint.guard.outguard_pdf import pdf_findings

BUNDLED = Path(careprint.__file__).parent / "templates"
HANDOUT = "everyone/handouts/tiny-everyone-ch01-hello-a4.pdf"
CHAPTER = "content/chapters/01-hello.md"


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_fixture("minimal", tmp_path)


def override(project: Path, name: str, old: str, new: str) -> str:
    """templates/NAME: careprint's bundled template with `old` replaced by `new`."""
    text = (BUNDLED / name).read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    (project / "templates").mkdir(exist_ok=True)
    (project / "templates" / name).write_text(text, encoding="utf-8")
    return text


def published(project: Path) -> list[str]:
    """The outputs under build/ (not the build's own state or lock)."""
    folder = project / "build"
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and ".careprint" not in p.relative_to(folder).parts[0])


def refused(project: Path, *args: str) -> str:
    """Build: exit 1, no traceback, nothing published; return what it printed."""
    proc = run_careprint("build", project, "--jobs", "1", *args, cwd=project.parent)
    both = proc.stdout + proc.stderr
    assert proc.returncode == 1, f"exit {proc.returncode}\n{both}"
    assert "Traceback" not in both and "bug in careprint" not in both, both
    assert [p for p in published(project) if p != "index.html"] == [], published(project)
    leftovers = [p for p in (project / "build").rglob("*") if ".tmp" in p.name]
    assert leftovers == []
    return proc.stderr


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if needle in line)


# ---------------------------------------------------------------- the guard, in a build


def test_a_templates_file_link_in_a_pdf_is_caught_by_the_output_guard(project):
    """Item 12: a project template's `file:` link, and a `javascript:` one spelt with a
    tab, pass every check on the sources; the guard finds both in the PDF."""
    override(project, "handout.html", "</body>",
             '<a href="file:///etc/passwd">passwd</a> '
             '<a href="java&#9;script:alert(1)">run</a></body>')
    err = refused(project, "--format", "handouts")
    named = [ln for ln in err.splitlines() if ln.startswith(f"  {HANDOUT}: ")]
    assert any("'file:///etc/passwd' is a file: address" in ln for ln in named), err
    assert any("is a javascript: address" in ln for ln in named), err
    assert "nothing was written" in err


def test_a_script_spelt_past_the_template_check_is_caught_in_the_web_edition(project):
    """A <script> made by an expression, and a file: link, in the web edition's page
    template: the check on the template's source cannot see them; the guard can."""
    text = override(project, "web-page.html", "</body>",
                    '<scr{{ "" }}ipt>document.title = 1</script>\n'
                    '<a href="{{ "fi" ~ "le" }}:///home/jane/notes.txt">x</a>\n</body>')
    err = refused(project, "--format", "html")
    assert "<scr{{" in text
    assert re.search(r"^  everyone/html/01-hello\.html:\d+: a <script> that is not "
                     "careprint's own", err, re.M), err
    assert re.search(r"^  everyone/html/01-hello\.html:\d+: .*file: address", err, re.M), err
    # the template's script is on every page: it is named once, with the other pages
    said = [ln for ln in err.splitlines() if "a <script> that is not careprint's own" in ln]
    assert len(said) == 1 and "(also in everyone/html/" in said[0], err


# ---------------------------------------------------------------- item 10: templates


@pytest.mark.parametrize(("name", "old", "new", "what"), [
    ("epub-page.xhtml", "</head>", "<script>alert(1)</script>\n</head>", "a <script>"),
    ("web-page.html", "</head>",
     '<meta http-equiv="refresh" content="0; url=https://evil.example/">\n</head>',
     'a <meta http-equiv="refresh">'),
    ("web-page.html", "</head>", '<base href="https://evil.example/">\n</head>', "a <base>"),
])
def test_a_template_that_adds_script_a_refresh_or_a_base_is_refused(project, name, old,
                                                                     new, what):
    text = override(project, name, old, new)
    fmt = "epub" if name.startswith("epub") else "html"
    err = refused(project, "--format", fmt)
    line = line_of(text, new.split(">")[0])
    assert f"  templates/{name}:{line}: {what}: a template may not add script" in err, err


@pytest.mark.parametrize("fmt", ["html", "handouts"])
def test_a_project_cannot_replace_careprints_script(project, fmt):
    """templates/quick-exit.js would run in every reader's browser, and passes the page's
    Content-Security-Policy (same origin): it is an error naming it, in a build of any
    format (the build page, index.html, includes the script too)."""
    (project / "templates").mkdir()
    (project / "templates" / "quick-exit.js").write_text(
        "document.addEventListener('keydown', e => fetch('/k?' + e.key));\n")
    err = refused(project, "--format", fmt)
    assert "  templates/quick-exit.js: a project cannot replace or add careprint's " \
           "scripts" in err, err


def test_a_copy_of_a_bundled_template_still_builds(project):
    """The guard and the template check pass careprint's own script tags, copied."""
    override(project, "web-page.html", "</body>", "<p>Our own footer.</p>\n</body>")
    run_careprint("build", project, "--jobs", "1", "--format", "html", check=True)
    page = (project / "build/everyone/html/01-hello.html").read_text()
    assert "Our own footer." in page and 'src="quick-exit.js"' in page


# ---------------------------------------------------------------- item 8: pictures


def _icc() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def camera_jpeg() -> bytes:
    """A phone's photo: GPS position 51°30′N, camera, artist, a comment, a profile."""
    from PIL import Image

    im = Image.new("RGB", (64, 48), (200, 120, 40))
    exif = Image.Exif()
    exif[0x013B] = "Jane Artist"  # Artist
    exif[0x0110] = "PhoneCam Model 7"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (51.0, 30.0, 0.0)  # GPSLatitudeRef, GPSLatitude
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif, comment=b"secret-comment-xyz", icc_profile=_icc(),
            quality=90)
    return buf.getvalue()


def texted_png() -> bytes:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jane Artist")
    info.add_itxt("Comment", "file:///home/jane/secret-comment-xyz", zip=True)
    buf = io.BytesIO()
    Image.new("RGBA", (32, 16), (10, 200, 30, 255)).save(buf, "PNG", pnginfo=info)
    return buf.getvalue()


LEAKS = (b"Jane Artist", b"PhoneCam", b"secret-comment-xyz", b"Exif\0")


def _pixels(data: bytes):
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        return im.convert("RGBA").tobytes(), im.info.get("icc_profile")


def test_pictures_ship_without_metadata_keeping_pixels_and_profile(project):
    """Item 8: the web edition, the EPUB and the PDFs carry neither a JPEG's GPS, camera,
    artist and comment nor a PNG's text chunks; the pixels and the ICC profile stay."""
    photo, drawing = camera_jpeg(), texted_png()
    chapters = project / "content" / "chapters"
    (chapters / "photo.jpg").write_bytes(photo)
    (chapters / "drawing.png").write_bytes(drawing)
    with (project / CHAPTER).open("a") as fh:
        fh.write("\n![A river at dusk](photo.jpg)\n\n![A green bar](drawing.png)\n")
    run_careprint("build", project, "--jobs", "1", "--format", "html", "--format", "epub",
                  "--format", "chapters", check=True)
    out = project / "build" / "everyone"
    web = {p.suffix: p.read_bytes() for p in (out / "html" / "images").iterdir()}
    with zipfile.ZipFile(out / "tiny-everyone.epub") as z:
        epub = {Path(n).suffix: z.read(n) for n in z.namelist()
                if n.endswith((".jpg", ".png")) and "cover" not in n}
    pdf = (out / "chapters" / "tiny-everyone-ch01-hello-full-a4.pdf").read_bytes()
    for where, data in [*web.items(), *epub.items(), (".pdf", pdf)]:
        assert not [leak for leak in LEAKS if leak in data], where
    for copies in (web, epub):
        assert _pixels(copies[".jpg"]) == _pixels(photo)  # the pixels, and the profile
        assert _pixels(photo)[1]
        assert _pixels(copies[".png"]) == _pixels(drawing)


def test_stripping_is_lossless_deterministic_and_complete():
    from PIL import Image

    gif = io.BytesIO()
    Image.new("P", (8, 8)).save(gif, "GIF", comment=b"secret-comment-xyz")
    webp = io.BytesIO()
    exif = Image.Exif()
    exif[0x013B] = "Jane Artist"
    Image.new("RGB", (8, 8), (1, 2, 3)).save(webp, "WEBP", exif=exif, lossless=True,
                                              xmp=b"<x:xmpmeta>Jane Artist</x:xmpmeta>")
    for data in (camera_jpeg(), texted_png(), gif.getvalue(), webp.getvalue()):
        clean = stripped(data)
        assert stripped(data) == clean  # same bytes in, same bytes out
        assert stripping(clean)[1] == []  # nothing more to take out
        assert not [leak for leak in LEAKS if leak in clean]
        assert _pixels(clean)[0] == _pixels(data)[0]
    # the guard finds a picture that would ship with its metadata
    assert member_findings(camera_jpeg(), "ed/html/images/a.jpg", "a.jpg", ())


# ---------------------------------------------------------------- item 9: comments


SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10" viewBox="0 0 20 10">
<!-- drawn in file:///home/jane/drawings/river.svg -->
<metadata>file:///home/jane/drawings/river.svg</metadata>
<rect width="20" height="10" fill="#336"/>
</svg>
"""


def test_comments_and_svg_metadata_do_not_ship(project):
    """Item 9: content's comments (a careprint: allow marker too), a template's comment,
    and an SVG's comments and <metadata> appear in neither the web edition nor the EPUB."""
    (project / "content" / "chapters" / "river.svg").write_text(SVG)
    with (project / CHAPTER).open("a") as fh:
        fh.write("\n<!-- careprint: allow pressure-word -->\nYou could rest here.\n\n"
                 "<!-- editor's note: file:///home/jane/todo.txt -->\n\n"
                 "![A dark blue bar](river.svg)\n")
    override(project, "web-page.html", "</body>", "<!-- our template note -->\n</body>")
    run_careprint("build", project, "--jobs", "1", "--format", "html", "--format", "epub",
                  check=True)
    out = project / "build" / "everyone"
    files = {p.name: p.read_bytes() for p in (out / "html").rglob("*") if p.is_file()}
    with zipfile.ZipFile(out / "tiny-everyone.epub") as z:
        files |= {f"epub:{n}": z.read(n) for n in z.namelist()}
    assert any(n.endswith(".svg") for n in files)
    for name, data in files.items():
        assert b"<!--" not in data and b"file:" not in data, name
        assert not name.endswith(".svg") or b"<metadata" not in data, name
    assert b"You could rest here." in files["01-hello.html"]


# ---------------------------------------------------------------- the guard's reading


@pytest.mark.parametrize(("markup", "what"), [
    ('<a href="java&#9;script:alert(1)">x</a>', "javascript: address"),
    ('<a href=" fi&#10;le://host/share/x.pdf">x</a>', "file: address"),
    ('<img src="da&#13;ta:image/png;base64,AAAA" alt="">', "data: address"),
    ('<a href="//evil.example/">x</a>', "leads out of the output"),
    ('<a href="../../../etc/passwd">x</a>', "leads out of the output folder"),
    ('<p onmouseover="steal()">x</p>', "event handler attribute onmouseover="),
    ('<script src="keylogger.js"></script>', "a <script> that is not careprint's own"),
    ('<script src="https://evil.example/quick-exit.js"></script>',
     "a <script> that is not careprint's own"),
    ('<script src="quick-exit.js">steal()</script>', "a script written into the page"),
    ('<meta http-equiv=" Refresh" content="0; url=https://evil.example/">',
     'a <meta http-equiv="refresh">'),
    ('<base href="https://evil.example/">', "a <base> element"),
    ('<iframe src="a.html"></iframe>', "a <iframe> element"),
    ('<form action="https://evil.example/"></form>', "a <form> element"),
    ("<!-- careprint: allow pressure-word -->", "a comment"),
    ("<![if !IE]><p>x</p><![endif]>", "a declaration"),
    ("<p>Call 116\u200b123</p>", "invisible character U+200B"),
    ("<p>Call \u202e116 123\u202c</p>", "text-direction control U+202E"),
    ('<p title="a\ufeffb">x</p>', "invisible character U+FEFF"),
])
def test_the_guard_finds_what_must_not_ship_in_a_page(markup, what):
    page = f"<!DOCTYPE html>\n<html><body>\n{markup}\n</body></html>"
    found = page_findings(page, "everyone/html/01-hello.html")
    assert any(what in why for _, why in found), found
    assert all(line == 3 for line, _ in found), found


def test_the_guard_passes_what_careprint_writes():
    page = ('<!DOCTYPE html>\n<html><head><script src="quick-exit.js" defer></script>'
            '</head><body><a href="02-next.html#top">n</a> <a href="tel:+44116123">t</a> '
            '<a href="https://www.nhs.uk/">w</a> <a href="../handouts/x.pdf">h</a> '
            '<a href="#s">s</a> <a href="mailto:a@b.example">m</a> co\u00adop '
            '<p>Name the file: then print it.</p></body></html>')
    assert page_findings(page, "everyone/html/01-hello.html") == []
    assert template_problems("web-page.html", (BUNDLED / "web-page.html").read_text()) == []
    assert template_problems("library.html", (BUNDLED / "library.html").read_text()) == []


def _pdf_with(tmp_path: Path, action: dict | None = None, names: str = "",
              open_action: bool = False) -> Path:
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if action is not None:
        act = DictionaryObject({NameObject(k): (NameObject(v) if v.startswith("/") else
                                                TextStringObject(v)) for k, v in action.items()})
        annot = DictionaryObject({NameObject("/Type"): NameObject("/Annot"),
                                  NameObject("/Subtype"): NameObject("/Link"),
                                  NameObject("/Rect"): ArrayObject([]),
                                  NameObject("/A"): act})
        writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annot)])
    if names == "javascript":  # a document-level script, run on opening
        script = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                                   NameObject("/JS"): TextStringObject("app.alert(1)")})
        writer._root_object[NameObject("/Names")] = DictionaryObject({
            NameObject("/JavaScript"): DictionaryObject({NameObject("/Names"): ArrayObject(
                [TextStringObject("run"), writer._add_object(script)])})})
    if names == "attachment":
        writer.add_attachment("notes.txt", b"secret")
    if names == "jpeg":  # a photo drawn with its own bytes, EXIF and comment included
        from pypdf.generic import StreamObject

        photo = StreamObject()
        photo.set_data(camera_jpeg())
        photo.update({NameObject("/Type"): NameObject("/XObject"),
                      NameObject("/Subtype"): NameObject("/Image"),
                      NameObject("/Filter"): NameObject("/DCTDecode")})
        writer.pages[0][NameObject("/Resources")] = DictionaryObject({
            NameObject("/XObject"): DictionaryObject({
                NameObject("/Im1"): writer._add_object(photo)})})
    if open_action:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("calc.exe")})
    path = tmp_path / "x.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    return path


@pytest.mark.parametrize(("kind", "what"), [
    ({"/S": "/URI", "/URI": "file:///etc/passwd"}, "file: address"),
    ({"/S": "/URI", "/URI": "java\tscript:alert(1)"}, "javascript: address"),
    ({"/S": "/Launch", "/F": "calc.exe"}, "a Launch action"),
    ({"/S": "/GoToR", "/F": "other.pdf"}, "a GoToR action"),
    ({"/S": "/JavaScript", "/JS": "app.alert(1)"}, "a JavaScript action"),
    ("javascript", "JavaScript in the document"),
    ("attachment", "embedded files in the document"),
    ("open", "the action on opening: a Launch action"),
    ("jpeg", "page 1: a picture holds EXIF (camera, place and time)"),
])
def test_the_guard_finds_what_must_not_ship_in_a_pdf(tmp_path, kind, what):
    if isinstance(kind, dict):
        path = _pdf_with(tmp_path, action=kind)
    else:
        path = _pdf_with(tmp_path, names=kind, open_action=kind == "open")
    found = pdf_findings(path)
    assert any(what in why for why in found), found
    assert pdf_findings(_pdf_with(tmp_path, {"/S": "/URI", "/URI": "https://www.nhs.uk/"})) \
        == []


def _pdf_showing(tmp_path: Path, text: str) -> Path:
    """A one-page PDF that draws one glyph per character of `text`, each mapped back to
    that character by its font's ToUnicode map (as WeasyPrint writes them)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    pairs = "".join(f"<{n:04x}> <{ord(c):04x}>\n" for n, c in enumerate(text, 1))
    cmap = DecodedStreamObject()
    cmap.set_data(("begincmap\n1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n"
                   f"{len(text)} beginbfchar\n{pairs}endbfchar\nendcmap\n").encode())
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                             NameObject("/Subtype"): NameObject("/Type0"),
                             NameObject("/ToUnicode"): writer._add_object(cmap)})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
        {NameObject("/F1"): writer._add_object(font)})})
    content = DecodedStreamObject()
    codes = "".join(f"{n:04x}" for n in range(1, len(text) + 1))
    content.set_data(f"BT\n/F1 12 Tf\n[<{codes}>0] TJ\nET\n".encode())
    page[NameObject("/Contents")] = writer._add_object(content)
    path = tmp_path / "text.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def test_the_guard_reads_the_text_a_pdf_shows(tmp_path):
    """A glyph the page draws that stands for a direction control or a zero-width space
    (what a reader copies or hears) is found; a font's unused glyphs are not read."""
    found = pdf_findings(_pdf_showing(tmp_path, "Call \u202e116 123\u202c"))
    assert any("text-direction control U+202E" in why for why in found), found
    assert any("invisible character U+200B" in why
               for why in pdf_findings(_pdf_showing(tmp_path, "116\u200b123"))), found
    assert pdf_findings(_pdf_showing(tmp_path, "Call 116 123")) == []


def test_the_library_page_is_guarded_too(project):
    """The build folder's index.html is written after the outputs it lists, outside the
    guard's reading in commit: a project's library template that adds a link no check on
    the sources judges is refused, and the page is not written; careprint's own page, with
    its quick-exit script written in, passes."""
    run_careprint("build", project, "--jobs", "1", "--format", "html", cwd=project.parent,
                  check=True)
    page = (project / "build" / "index.html").read_text("utf-8")
    assert "<script>" in page and page_findings(page, "index.html", inline_ok=True) == []
    override(project, "library.html", "</main>",
             '<a href="{{ "java" ~ "script" }}:alert(1)">x</a>\n'
             '<scr{{ "" }}ipt>document.title = 1</script>\n</main>')
    proc = run_careprint("build", project, "--jobs", "1", "--format", "html",
                         cwd=project.parent)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert re.search(r"build/index\.html:\d+: href=: link 'javascript:alert\(1\)' is a "
                     r"javascript: address", proc.stderr), proc.stderr
    assert re.search(r"build/index\.html:\d+: a script written into the page",
                     proc.stderr), proc.stderr
    assert "the outputs are in place, but the build folder's page was not written" \
        in proc.stderr
    assert (project / "build" / "index.html").read_text("utf-8") == page


def test_the_guard_reads_the_alternate_texts_of_the_structure_tree(tmp_path):
    """A figure's alternate text, an actual text or an expansion deep in the structure
    tree (what a screen reader speaks) is read: an invisible character in one is found."""
    import pikepdf

    def tagged(alt: str) -> Path:
        pdf = pikepdf.new()
        pdf.add_blank_page(page_size=(200, 200))
        figure = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem, S=pikepdf.Name.Figure, Alt=pikepdf.String(alt)))
        span = pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Span,
                                  ActualText=pikepdf.String("ok"), K=pikepdf.Array([figure]))
        section = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem, S=pikepdf.Name.Sect, K=pikepdf.Array([0, span])))
        pdf.Root.StructTreeRoot = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.StructTreeRoot, K=section))
        path = tmp_path / f"tagged-{len(alt)}.pdf"
        pdf.save(path)
        return path

    found = pdf_findings(tagged("A card\u200b with three colours"))
    assert any("invisible character U+200B" in why for why in found), found
    assert pdf_findings(tagged("A card with three colours")) == []
