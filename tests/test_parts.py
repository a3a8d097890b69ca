"""A guide is laid out a chapter at a time, each part kept, and joined
(careprint/render/parts.py, partcache.py, partjoin.py, folio.py: issue 23).

The joined PDF must be the document WeasyPrint makes of the whole guide in one piece: the
same text on every page (page numbers in the contents, in cross-references and in "Page N
of M" included), the same links, bookmarks and structure tree. And after an edit, only
the parts whose HTML changed are laid out again.
"""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import ROOT, careprint_env, copy_fixture, pdf_pages, run_careprint

EDITION = "survivors"
NAMES = {"pdf": f"safe-to-feel-{EDITION}-a4.pdf",
         "large-print": f"safe-to-feel-{EDITION}-large-print-a4.pdf"}


def split_copy(dest):
    """A copy of the bundled guide (laid out in parts, as every guide is)."""
    dest.mkdir()
    shutil.copytree(ROOT / "content", dest / "content")
    shutil.copytree(ROOT / "templates", dest / "templates")
    shutil.copy(ROOT / "careprint.toml", dest / "careprint.toml")
    return dest


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    """The survivors' guide and its large print laid out whole, in one WeasyPrint document,
    as careprint did before issue 23: the document the parts must make."""
    from careprint.pipeline.plan import plan_build
    from careprint.render.pdf import guide_html
    from careprint.render.weasy import render_pdf

    out = tmp_path_factory.mktemp("whole")
    plan = plan_build(ROOT, [EDITION], ["pdf"], "a4", (), None, bleed="", marks=False,
                      environ=careprint_env())  # SOURCE_DATE_EPOCH, as the builds have
    eg = plan.views[0]
    for fmt, extra in (("pdf", {}), ("large-print", {"large_print": True})):
        data = render_pdf(guide_html(eg, plan.ctx, **extra), plan.ctx, "guide.html")[0]
        (out / EDITION).mkdir(exist_ok=True)
        (out / EDITION / NAMES[fmt]).write_bytes(data)
    return out


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    base = tmp_path_factory.mktemp("split")
    project = split_copy(base / "guide")
    out = base / "out"
    # three layouts of the whole guide: A4, large print and the booklet's A5 pages
    run_careprint("build", project, "--out", out, "--format", "pdf", "--format", "large-print",
                  "--format", "booklet", "--edition", EDITION, "--keep-html", check=True,
                  timeout=900)
    return out




def outline(reader, items, depth=0, out=None):
    out = [] if out is None else out
    for item in items:
        if isinstance(item, list):
            outline(reader, item, depth + 1, out)
        else:
            out.append((depth, item.title, reader.get_destination_page_number(item)))
    return out


def links(reader):
    return [(i, a.get_object().get("/Dest"), a.get_object().get("/Contents"),
             [round(float(x)) for x in a.get_object()["/Rect"]])
            for i, page in enumerate(reader.pages) for a in page.get("/Annots", ()) or ()]


def struct_tags(reader):
    out = []

    def walk(ref):
        elem = ref.get_object()
        if hasattr(elem, "get") and "/S" in elem:
            out.append(str(elem["/S"]))
            kids = elem.get("/K")
            for kid in kids if isinstance(kids, list) else [] if kids is None else [kids]:
                walk(kid)
    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"][0])
    return out


def test_the_guide_is_laid_out_a_chapter_at_a_time(split, bundled_guide):
    from careprint.source.editions import apply_edition

    chapters = len(apply_edition(bundled_guide, EDITION).chapters)
    texts = [p.read_text("utf-8") for p in sorted((split / EDITION).glob(
        f"safe-to-feel-{EDITION}-a4.part-*.html"))]
    assert len(texts) == chapters + 2  # the front matter, each chapter, the back matter
    # the title page and the contents only in the first part, the resources in the last
    assert [('class="cover"' in t) for t in texts] == [True] + [False] * (len(texts) - 1)
    assert [('id="support-and-crisis-resources"' in t) for t in texts] == \
        [False] * (len(texts) - 1) + [True]
    # every chapter in exactly one part, alone
    for text in texts[1:-1]:
        assert len(re.findall(r'<section class="chapter" id="chapter-', text)) == 1
    # page numbers are written in, not left to target-counter; "Page N of M" is not in
    # the parts: it is drawn on the joined guide (render/folio.py)
    assert all("target-counter" not in t.split("</style>")[1] for t in texts)
    assert 'data-page="' in texts[0]
    assert all("@page { @top-right { content: none; } }" in t for t in texts)  # crisis_line


@pytest.mark.parametrize("fmt", ["pdf", "large-print"])
def test_parts_make_the_same_document_as_the_whole(whole, split, fmt):
    from pypdf import PdfReader

    a, b = whole / EDITION / NAMES[fmt], split / EDITION / NAMES[fmt]
    pages_a, pages_b = pdf_pages(a), pdf_pages(b)
    assert len(pages_a) == len(pages_b) > 30
    for i, (x, y) in enumerate(zip(pages_a, pages_b, strict=True)):
        # the same words (the page number is drawn last now, so it is read last, on a
        # line of its own rather than after the running head)
        assert sorted(x.split()) == sorted(y.split()), f"page {i + 1} differs"
    # "Page N of M" runs on across the parts
    total = len(pages_b)
    for i, text in enumerate(pages_b[1:], 2):
        assert f"Page {i} of {total}" in text, i
    ra, rb = PdfReader(str(a)), PdfReader(str(b))
    assert {n: ra.get_destination_page_number(d) for n, d in ra.named_destinations.items()} \
        == {n: rb.get_destination_page_number(d) for n, d in rb.named_destinations.items()}
    assert links(ra) == links(rb)
    assert outline(ra, ra.outline) == outline(rb, rb.outline)
    # the page numbers are pagination artifacts now, not spans of the structure tree
    assert [t for t in struct_tags(ra) if t != "/Span"] == \
        [t for t in struct_tags(rb) if t != "/Span"]
    assert ra.metadata == rb.metadata
    for key in ("/Lang", "/MarkInfo", "/ViewerPreferences"):
        assert ra.trailer["/Root"][key] == rb.trailer["/Root"][key]


def test_contents_and_cross_references_point_at_the_right_pages(split):
    from pypdf import PdfReader

    path = split / EDITION / NAMES["pdf"]
    reader, pages = PdfReader(str(path)), pdf_pages(path)
    dests = {n: reader.get_destination_page_number(d) + 1
             for n, d in reader.named_destinations.items()}
    contents = next(t for t in pages if "Contents" in t.splitlines()[0:3] or
                    t.lstrip().startswith("Contents"))
    checked = 0
    for m in re.finditer(r"^\d+\. (.+?)[ .]+(\d+)$", contents, re.M):
        title, number = m.group(1).strip(" ."), int(m.group(2))
        start = next(i + 1 for i, t in enumerate(pages)
                     if re.search(rf"^Chapter \d+\n{re.escape(title)}", t, re.M | re.I))
        assert number == start, title
        checked += 1
    assert checked >= 8
    # each "(page N)" after a link to a chapter is the page that chapter starts on
    refs = 0
    for i, page in enumerate(reader.pages):
        for annot in page.get("/Annots", ()) or ():
            dest = annot.get_object().get("/Dest")
            if isinstance(dest, str) and dest.startswith("chapter-") and i > 3:
                # the words may wrap onto the next line, or the next page
                text = " ".join((pages[i] + " " + "".join(pages[i + 1:i + 2])).split())
                assert f"(page {dests[dest]})" in text, (i + 1, dest)
                refs += 1
    assert refs >= 5


def test_structure_tree_of_the_joined_guide_is_whole(split):
    from pypdf import PdfReader

    reader = PdfReader(str(split / EDITION / NAMES["pdf"]))
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    nums = tree["/ParentTree"]["/Nums"]
    keys = [int(k) for k in nums[::2]]
    assert keys == sorted(set(keys))
    assert int(tree["/ParentTreeNextKey"]) == keys[-1] + 1
    parents = dict(zip(keys, nums[1::2], strict=True))
    for i, page in enumerate(reader.pages):
        key = int(page["/StructParents"])
        marked = parents[key].get_object()  # the elements of the page's marked content
        assert all(e.get_object().raw_get("/Pg").idnum == page.indirect_reference.idnum
                   for e in marked if e is not None and "/Pg" in e.get_object()), i
        for annot in page.get("/Annots", ()) or ():
            link = parents[int(annot.get_object()["/StructParent"])].get_object()
            assert link["/S"] == "/Link"
            kids = link["/K"] if isinstance(link["/K"], list) else [link["/K"]]
            assert any(k.get_object().get("/Type") == "/OBJR" and
                       k.get_object().raw_get("/Obj").idnum == annot.idnum for k in kids)

    def walk(ref, parent):
        elem = ref.get_object()
        if not (hasattr(elem, "get") and "/S" in elem):
            return
        assert elem.raw_get("/P").idnum == parent.idnum
        kids = elem.get("/K")
        for kid in kids if isinstance(kids, list) else [] if kids is None else [kids]:
            if hasattr(kid, "idnum"):
                walk(kid, ref)
    document = tree["/K"][0]
    assert document.get_object()["/S"] == "/Document"
    for kid in document.get_object()["/K"]:
        walk(kid, document)


def test_the_joined_guide_passes_the_pdf_checks(split, tmp_path):
    project = split_copy(tmp_path / "guide")
    result = run_careprint("check", project, "--outputs", "--build-dir", split,
                           "--edition", EDITION, "--output-format", "pdf",
                           "--output-format", "large-print")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stdout or "no problems" in result.stdout.lower(), result.stdout


def test_a_guide_in_parts_builds_the_same_bytes_twice(split, tmp_path):
    project = split_copy(tmp_path / "elsewhere")
    out = tmp_path / "out"
    run_careprint("build", project, "--out", out, "--format", "pdf", "--edition", EDITION,
                  "--jobs", "1", check=True)
    assert (out / EDITION / NAMES["pdf"]).read_bytes() == \
        (split / EDITION / NAMES["pdf"]).read_bytes()


def test_plan_gives_each_chapter_a_part_of_its_own(bundled_guide):
    from careprint.render.parts import plan
    from careprint.source.editions import apply_edition

    eg = apply_edition(bundled_guide, EDITION)
    assert plan(eg) == [[], *([v.chapter.slug] for v in eg.chapters), []]


def test_a_template_that_ignores_part_is_an_error(tmp_path):
    project = split_copy(tmp_path / "guide")
    (project / "templates" / "guide.html").write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><title>Own</title></head><body>\n'
        '{% for view in chapters %}<section id="chapter-{{ view.chapter.slug }}">'
        "<h1>{{ view.chapter.title }}</h1></section>{% endfor %}\n</body></html>\n", "utf-8")
    out = tmp_path / "out"
    result = run_careprint("build", project, "--out", out, "--format", "pdf",
                           "--edition", EDITION)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "templates/guide.html" in result.stderr
    assert "a chapter at a time" in result.stderr and "repeats #chapter-" in result.stderr
    assert not (out / EDITION / NAMES["pdf"]).exists()


def test_a_guide_in_parts_makes_a_booklet(split):
    from pypdf import PdfReader

    guide = PdfReader(str(split / EDITION / NAMES["pdf"]))
    booklet = PdfReader(str(split / EDITION / f"safe-to-feel-{EDITION}-booklet-a4.pdf"))
    # its A5 pages, two to a side, are at least as many as the A4 guide's
    assert 2 * len(booklet.pages) >= len(guide.pages) and len(booklet.pages) % 2 == 0
    assert booklet.trailer["/Root"]["/Lang"] == guide.trailer["/Root"]["/Lang"]
    assert booklet.metadata.title == guide.metadata.title
    # the last page and the first side by side on the first side of the first sheet
    assert guide.pages[0].extract_text().split("\n")[0] in booklet.pages[0].extract_text()


def kept_parts(out) -> dict[str, list[str]]:
    import json

    targets = json.loads((out / ".careprint/manifest.json").read_text())["targets"]
    return {rel: entry["parts"] for rel, entry in targets.items() if "parts" in entry}


def test_an_edit_to_one_chapter_lays_out_its_part_alone_and_prunes_the_old(tmp_path):
    """A sentence added to chapter 4: the guide's other parts are taken from the part
    cache (OUT/.careprint/parts/), untouched; the chapter's old part is removed. (The
    groups' edition of tests/fixtures/small-guide, four chapters: four builds of the
    bundled guide took minutes here, issue 26.)"""
    project = copy_fixture("small-guide", tmp_path)
    out = tmp_path / "out"
    edition = "groups"
    args = ("build", project, "--out", out, "-e", edition, "-f", "pdf", "--paper", "a4")
    run_careprint(*args, check=True)
    rel = f"{edition}/small-steps-{edition}-a4.pdf"
    before = kept_parts(out)[rel]
    cache = out / ".careprint" / "parts"
    times = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    assert len(before) == len(set(before)) and {f"{k}.pdfpart" for k in before} <= set(times)
    chapter = project / "content" / "chapters" / "04-looking-ahead.md"
    chapter.write_text(chapter.read_text("utf-8") + "\nYou can take a short break here.\n",
                       "utf-8")
    run_careprint(*args, check=True)
    after = kept_parts(out)[rel]
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert changed == [4], changed  # the front matter, chapters 1-3, then chapter 4
    assert not (cache / f"{before[4]}.pdfpart").exists()  # pruned: no output uses it
    for key in after[:4] + after[5:]:
        path = cache / f"{key}.pdfpart"
        assert path.stat().st_mtime_ns == times[path.name], "rewritten"
    assert {p.stem for p in cache.iterdir()} == set(after)
    # a part's file damaged is laid out again, and the guide is what a fresh build makes
    (cache / f"{after[2]}.pdfpart").write_bytes(b"not a pdf")
    chapter.write_text(chapter.read_text("utf-8") + "\nOr stop here.\n", "utf-8")
    run_careprint(*args, check=True)
    fresh = tmp_path / "fresh"
    run_careprint("build", project, "--out", fresh, "-e", edition, "-f", "pdf", "--paper",
                  "a4", check=True)
    assert (out / rel).read_bytes() == (fresh / rel).read_bytes()
    assert (cache / f"{after[2]}.pdfpart").read_bytes().startswith(b"%PDF")


def test_pruning_removes_only_careprints_own_parts_and_what_a_kill_left(tmp_path):
    """OUT/.careprint/parts/ holds the parts the outputs use; a part no output uses, or a
    temporary file a build killed while writing left, goes; nothing else is touched."""
    from careprint.render.partcache import prune

    used, old = "a" * 64, "b" * 64
    names = [f"{used}.pdfpart", f"{used}.json", f"{old}.pdfpart", f"{old}.json",
             f".{old}.json.x1y2z3.tmp", "notes.pdf", ".other.tmp", f"{old}.pdf"]
    for name in names:
        (tmp_path / name).write_text("x")
    (tmp_path / f"{old[:-1]}c.pdfpart").symlink_to(tmp_path / "notes.pdf")
    prune(tmp_path, {used})
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"{used}.pdfpart", f"{used}.json", "notes.pdf", ".other.tmp", f"{old}.pdf",
         f"{old[:-1]}c.pdfpart"])
