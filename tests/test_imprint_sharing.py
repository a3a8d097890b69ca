"""Issue 27: clinics' builds share what is the same for every clinic of a region.

A clinic's PDFs are laid out once with an empty picture where the clinic's blocks go (a
base, kept in build/imprints/.shared/), and each clinic's blocks, laid out alone, are
set into a copy (careprint/render/stamps.py, stamp_pdf.py, shared.py). These tests hold
the result to what a PDF laid out whole gives: the same words in the same reading order,
tags in the structure tree where the blocks are, working links, the right pages.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pikepdf
import pytest
from conftest import careprint_env, run_careprint
from pypdf import PdfReader
from test_imprints import imprint_project, page_texts, sums

from careprint.pipeline.plan import plan_build
from careprint.render import registry, shared, stamp_pdf, stamps

HANDOUT = "everyone/handouts/rg-everyone-ch01-help-a4.pdf"
GUIDE = "everyone/rg-everyone-a4.pdf"


def add_clinic(root: Path, ident: str, name: str) -> None:
    """Another clinic in Scotland: riverside's file under another name."""
    text = (root / "imprints" / "riverside.toml").read_text("utf-8")
    (root / "imprints" / f"{ident}.toml").write_text(
        text.replace("Riverside Test Clinic", name), "utf-8")


def bases(root: Path) -> set[str]:
    return {p.name for p in (root / "build" / "imprints" / ".shared").glob("??/*.json")}


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    root = imprint_project(tmp_path_factory.mktemp("sharing"))
    add_clinic(root, "meadow", "Meadow Test Surgery")
    run_careprint("build", root, "--imprint", "riverside", "-f", "pdf", "-f", "handouts",
                  check=True)
    first = bases(root)
    run_careprint("build", root, "--imprint", "meadow", "-f", "pdf", "-f", "handouts",
                  check=True)
    return root, first


def whole(root: Path, imprint: str, relpath: str, fmt: str) -> bytes:
    """The clinic's PDF laid out whole, as a build without sharing would make it."""
    env = careprint_env()
    plan = plan_build(root.resolve(), None, [fmt], None, (), None, bleed="", marks=False,
                      environ=env, imprint=imprint, shared="")
    job = next(j for j in plan.chosen if j.relpath == relpath)
    eg = next(v for v in plan.views if v.edition.id == job.edition)
    return registry.get(fmt).render(eg, plan.ctx, job).data


def test_a_second_clinic_lays_out_no_page_again(two):
    root, first = two
    assert first and bases(root) == first  # meadow's build found every base riverside left
    stamps = list((root / "build" / "imprints" / ".shared" / "stamps").glob("*.pdf"))
    assert stamps  # the blocks, laid out alone
    meadow = root / "build" / "imprints" / "meadow"
    assert "Given to you by Meadow Test Surgery" in page_texts(meadow / HANDOUT)[0]
    assert "Riverside" not in " ".join(page_texts(meadow / HANDOUT) + page_texts(meadow / GUIDE))


@pytest.mark.parametrize("relpath, fmt", [(HANDOUT, "handouts"), (GUIDE, "pdf")])
def test_a_stamped_pdf_reads_as_the_pdf_laid_out_whole(two, tmp_path, relpath, fmt):
    root, _ = two
    made = root / "build" / "imprints" / "meadow" / relpath
    alone = tmp_path / "whole.pdf"
    alone.write_bytes(whole(root, "meadow", relpath, fmt))
    assert made.read_bytes() != alone.read_bytes()  # made from the base, not laid out whole
    # the same words, in the same order (pypdf reads a page's content in drawing order),
    # on the same pages
    assert page_texts(made) == page_texts(alone)
    # the same links, in the same places (within a hundredth of a point), and the same
    # bookmarks (the clinic's heading on the guide's support page is one)
    assert links(made) == links(alone)
    assert outline(made) == outline(alone)
    if fmt == "pdf":
        assert ("Meadow Test Surgery", 1) in [(t, d) for t, d, _, _ in outline(made)]


def outline(path: Path) -> list[tuple]:
    pdf = pikepdf.open(path)
    pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    out = []

    def walk(items, depth):
        for item in items:
            d = item.destination
            out.append((item.title, depth, pages[d[0].objgen], round(float(d[3]), 2)))
            walk(item.children, depth + 1)
    with pdf.open_outline() as tree:
        walk(tree.root, 0)
    return out


def links(path: Path) -> list[tuple]:
    out = []
    for i, page in enumerate(PdfReader(path).pages):
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            target = a.get("/A", {}).get("/URI") or a.get("/Dest")
            out.append((i, str(target), tuple(round(float(v), 2) for v in a["/Rect"])))
    return sorted(out)


def test_the_clinics_words_are_tagged_where_its_blocks_are(two):
    root, _ = two
    pdf = pikepdf.open(root / "build" / "imprints" / "meadow" / HANDOUT)
    tree = pdf.Root.StructTreeRoot
    header = tree.K[0].K[0] if isinstance(tree.K, pikepdf.Array) else tree.K.K[0]
    kinds = [str(k.S) for k in header.K]
    # the header: eyebrow, title, then the clinic's block (a Div), as in the HTML
    assert kinds[:3] == ["/P", "/H1", "/Div"], kinds
    block = header.K[2]
    alts, marks, linked = [], [], []

    def walk(elem):
        for kid in elem.K if isinstance(elem.K, pikepdf.Array) else [elem.K]:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                marks.append(kid)
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                linked.append(kid.Obj)
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                if kid.S == "/Figure":
                    alts.append(str(kid.Alt))
                walk(kid)
    walk(block)
    assert alts == ["Meadow Test Surgery"]  # the logo, with the clinic's name
    assert marks and all(m.Pg.objgen == pdf.pages[0].obj.objgen for m in marks)
    # each marked content is in the stamp's form, which the parent tree maps back
    nums = tree.ParentTree.Nums
    keys = [int(nums[i]) for i in range(0, len(nums), 2)]
    assert keys == sorted(set(keys))  # a number tree's keys in order, each once
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    form = marks[0].Stm
    assert all(m.Stm.objgen == form.objgen for m in marks)
    by_mcid = parents[int(form.StructParents)]
    assert all(by_mcid[int(m.MCID)] is not None for m in marks)
    # its phone number is a link on the page, whose parent is the Link element
    assert [str(a.A.URI) for a in linked] == ["tel:01314960999"]
    assert linked[0].objgen in {a.objgen for a in pdf.pages[0].Annots}
    assert parents[int(linked[0].StructParent)].S == "/Link"
    # no empty picture is left in its place
    assert not any("careprint-slot" in str(e.get("/Alt", "")) for e in _elements(tree))


def _elements(root):
    stack = [root]
    while stack:
        elem = stack.pop()
        kids = elem.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids else []:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                yield kid
                stack.append(kid)


def test_a_block_that_cannot_be_set_in_is_laid_out_whole(two, monkeypatch):
    root, _ = two

    def refuse(*_args):
        raise stamp_pdf.Misfit("test")

    plan = plan_build(root.resolve(), None, ["handouts"], None, (), None, bleed="",
                      marks=False, environ=careprint_env(), imprint="meadow",
                      shared=str(root / "build" / "imprints" / ".shared"))
    job = next(j for j in plan.chosen if j.relpath == HANDOUT)
    monkeypatch.setattr(stamp_pdf, "apply", refuse)
    data = registry.get("handouts").render(plan.views[0], plan.ctx, job).data
    assert data == whole(root, "meadow", HANDOUT, "handouts")


def test_bases_unused_for_a_month_are_removed_and_nothing_else(tmp_path):
    folder = tmp_path / ".shared"
    old, new = "a" * 64, "b" * 64
    for name in (f"aa/{old}.json", f"aa/{old}.pdf", f"bb/{new}.json", f"bb/{new}.pdf",
                 f"stamps/{old}.json", f"stamps/{old}.pdf", "aa/notes.json", "CACHEDIR.TAG"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("x")
    month = shared.KEEP_DAYS * 86400
    for path in folder.rglob(f"{old}.*"):
        os.utime(path, (0, 0))
    os.utime(folder / "aa" / "notes.json", (0, 0))
    assert shared.prune(folder, now=month + 10) == 2
    left = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert left == ["CACHEDIR.TAG", "aa/notes.json", f"bb/{new}.json", f"bb/{new}.pdf"]


def test_an_imprint_build_from_a_copy_elsewhere_is_the_same(two, tmp_path):
    """The kept bases are found by their HTML and the project's files: a fresh folder, with
    none kept, makes the same bytes."""
    root, _ = two
    copy = tmp_path / "copy"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("build"))
    run_careprint("build", copy, "--imprint", "meadow", "-f", "handouts", check=True)
    for rel in (HANDOUT,):
        assert (copy / "build" / "imprints" / "meadow" / rel).read_bytes() == \
            (root / "build" / "imprints" / "meadow" / rel).read_bytes()



def test_a_clinics_build_is_linked_from_the_page_of_the_build_for_every_region(tmp_path):
    root = imprint_project(tmp_path)
    run_careprint("build", root, "-f", "handouts", check=True)
    index = root / "build" / "index.html"
    assert "careprint build --imprint riverside" in index.read_text()  # not built yet
    before = index.stat().st_mtime_ns
    run_careprint("build", root, "--imprint", "riverside", "-f", "handouts", check=True)
    page = index.read_text()
    assert 'href="imprints/riverside/index.html">Riverside Test Clinic</a>' in page
    assert "careprint build --imprint hilltop" in page
    after = index.stat().st_mtime_ns
    assert after != before
    run_careprint("build", root, "--imprint", "riverside", "-f", "html", check=True)
    assert index.stat().st_mtime_ns == after  # the same page: not written again


def test_a_clinics_guide_laid_out_in_parts_joins_its_blocks(tmp_path):
    """A very long guide is laid out in parts and joined (render/parts.py): a clinic's
    blocks are forms with marked content of their own, whose keys into the parent tree
    move with their part's."""
    root = imprint_project(tmp_path)
    chapters = root / "content" / "chapters"
    text = (chapters / "01-help.md").read_text("utf-8")
    (chapters / "02-more.md").write_text(text.replace("Where to find help", "More help"),
                                         "utf-8")
    toml = root / "careprint.toml"
    whole_out, parts_out = tmp_path / "whole", tmp_path / "parts"
    run_careprint("build", root, "--imprint", "riverside", "-f", "pdf", "--out", whole_out,
                  check=True)
    toml.write_text(toml.read_text("utf-8") + "\n[formats.pdf]\npart_words = 20\n", "utf-8")
    run_careprint("build", root, "--imprint", "riverside", "-f", "pdf", "--out", parts_out,
                  check=True)
    joined = parts_out / "imprints" / "riverside" / GUIDE
    assert page_texts(joined) == page_texts(whole_out / "imprints" / "riverside" / GUIDE)
    pdf = pikepdf.open(joined)
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    found = 0
    for elem in _elements(pdf.Root.StructTreeRoot):
        kids = elem.K if isinstance(elem.K, pikepdf.Array) else [elem.K]
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                found += 1
                owner = parents[int(kid.Stm.StructParents)][int(kid.MCID)]
                assert owner.objgen == elem.objgen
    assert found  # the title page's and the support page's blocks


def test_a_chapter_cannot_forge_a_clinics_block(tmp_path):
    """A guide's text may hold HTML comments and data- attributes: marks copied from a
    clinic's block never make a slot (the real marks carry a word of the build's own)."""
    root = imprint_project(tmp_path)
    path = root / "content" / "chapters" / "01-help.md"
    forged = ('<!--careprint-slot-->\n<p data-careprint-slot="">Forged words stay.</p>\n'
              '<!--/careprint-slot-->\n\n')
    path.write_text(path.read_text("utf-8").replace(
        "## Try this: save one number\n", "## Try this: save one number\n\n" + forged), "utf-8")
    run_careprint("build", root, "--imprint", "riverside", "-f", "handouts", "--keep-html",
                  check=True)
    folder = root / "build" / "imprints" / "riverside" / "everyone" / "handouts"
    text = " ".join(page_texts(folder / "rg-everyone-ch01-help-a4.pdf"))
    assert "Forged words stay." in text
    assert "Given to you by Riverside Test Clinic" in text
    kept = (folder / "rg-everyone-ch01-help-a4.html").read_text("utf-8")
    assert stamps.TOKEN not in kept  # the kept HTML is the same in every build


def test_a_clinics_rebuild_after_an_edit_is_the_force_build(tmp_path):
    """A rebuild lays the guide out with where its pages fell last time written in, and
    finds its kept bases: the bytes are those of a build from nothing."""
    root = imprint_project(tmp_path)
    args = ("--imprint", "riverside", "-f", "pdf", "-f", "handouts")
    run_careprint("build", root, *args, check=True)
    path = root / "content" / "chapters" / "01-help.md"
    path.write_text(path.read_text("utf-8").replace(
        "Save one number in your phone today", "Save one number in your phone this week"),
        "utf-8")
    run_careprint("build", root, *args, check=True)
    run_careprint("build", root, *args, "--force", "--out", tmp_path / "fresh", check=True)
    made = root / "build" / "imprints" / "riverside"
    fresh = tmp_path / "fresh" / "imprints" / "riverside"
    assert sums(made) == sums(fresh)
