"""build/index.html: the library page a clinician opens to pick a file and print it.

Every edition's outputs that are in the build folder, in a section of their own,
grouped (the whole guide, each chapter printed alone, the worksheets) and described in
words, with relative links, page counts and sizes from the build manifest; the chapters
as a table, one row a chapter and one column a form of it. The page has the web
edition's quick-exit button. Outputs of editions and papers that this
build did not make stay listed while their files are there. The words are all in the
template (library.html), so that they can be translated; this module only gathers facts.
"""

from __future__ import annotations

from pathlib import Path

from . import regions
from .config import PAPER_SIZES
from .errors import CareprintError, Problem, at
from .model import Guide
from .render import names, registry

PAGE = "index.html"
TEMPLATE = "library.html"


def variants() -> tuple[str, ...]:
    """The forms of the guide and of each handout: itself, and each registered variant
    format's (large print, booklet)."""
    return ("", *(f.variant for f in registry.formats() if f.variant))


def keep(out_dir: Path, root: Path, targets: dict, region: str = "", imprint: str = ""
         ) -> None:
    """For a build that changed nothing: write the page only if it is missing."""
    if not (out_dir / PAGE).is_file():
        from .load import load_project_kept
        from .outputs import localised

        write(out_dir, localised(load_project_kept(root), region, imprint), targets)


def refresh_clinics(top: Path, root: Path) -> None:
    """After a clinic's build: the page of the build for every region, in `top`, links the
    clinic's own page from now on (if that build is there; its bytes change only then)."""
    from .manifest import Manifest

    if not (top / PAGE).is_file():
        return
    targets = Manifest.read(top).targets
    if targets:
        from .load import load_project_kept

        write(top, load_project_kept(root), targets)


def write(out_dir: Path, guide: Guide, targets: dict) -> None:
    """Write OUT/index.html for what is in `out_dir` now (unchanged bytes are not rewritten)."""
    from .manifest import write_atomic
    from .render import render_template

    meta = guide.config.guide
    editions = [e for e in (_edition(out_dir, guide, ed, targets)
                            for ed in guide.config.editions) if e["groups"]]
    region_name = regions.name(guide.region, meta.language) if guide.region else ""
    html = render_template(guide.config.root, TEMPLATE, meta=meta, editions=editions,
                           region=guide.region, region_name=region_name,
                           imprint=guide.imprint, clinics=_clinics(out_dir, guide),
                           quick_exit_url=guide.config.fmt("html", "quick_exit_url")
                           ).encode("utf-8")
    _guard(html, out_dir)
    path = out_dir / PAGE
    try:
        if path.read_bytes() == html:
            return
    except OSError:
        pass
    write_atomic(path, html)


def _guard(page: bytes, out_dir: Path) -> None:
    """The output guard (careprint/outguard_html.py) on the library page, which is written
    after the outputs it lists: what must never ship stops it being written. Its links
    lead to other build folders (a region's, a clinic's), so only their schemes count."""
    from .outguard_html import page_findings

    found = page_findings(page.decode("utf-8"), PAGE, outward=False, inline_ok=True)
    if found:
        raise CareprintError(
            "the outputs are in place, but the build folder's page was not written:\n"
            + "\n".join(f"  {Problem(at(str(out_dir / PAGE), line), what)}"
                        for line, what in found)
            + f"\nremove what is named from the project's templates/{TEMPLATE}")


def _clinics(out_dir: Path, guide: Guide) -> list[dict]:
    """The project's clinic imprints, on the page of the build for every region: each
    with a link to its own library page once `build --imprint` has made it."""
    if guide.imprint is not None or guide.region:
        return []
    from .region_view import IMPRINTS_FOLDER

    out = []
    for imprint in guide.imprints:
        page = f"{IMPRINTS_FOLDER}/{imprint.id}/{PAGE}"
        out.append({"id": imprint.id, "name": imprint.name, "region": imprint.region,
                    "region_name": regions.name(imprint.region, guide.config.guide.language),
                    "href": page if (out_dir / page).is_file() else ""})
    return out


def _edition(out_dir: Path, guide: Guide, ed, targets: dict) -> dict:
    slug, eid = guide.config.guide.slug, ed.id
    entries, variant_names = _Entries(out_dir, targets), variants()
    for paper in PAPER_SIZES:
        for variant in variant_names:
            entries.add("guide", names.guide_file(slug, eid, "pdf", variant, paper),
                        variant=variant, paper=paper)
    entries.add("epub", names.guide_file(slug, eid, "epub"))
    pages = sum(1 for rel in targets if rel.startswith(f"{eid}/html/") and
                rel.endswith(".html"))
    entries.add("web", f"{eid}/html/index.html", pages=pages)
    whole = entries.take()
    chapters = [c for c in guide.chapters if c.in_edition(eid)]
    for number, c in enumerate(chapters, 1):
        for variant in variant_names:
            for paper in PAPER_SIZES:
                entries.add("chapter", names.chapter_file(slug, eid, number, c.slug, paper,
                                                          variant),
                            variant=variant, paper=paper, title=c.title, number=number)
        for paper in PAPER_SIZES:  # the whole chapter printed alone (render/chapters.py)
            entries.add("full", names.full_chapter_file(slug, eid, number, c.slug, paper),
                        paper=paper, title=c.title, number=number)
    by_chapter = entries.take()
    folder = names.worksheets_folder(eid)
    sheets = [w for w in guide.worksheets if w.in_edition(eid)]
    for paper in PAPER_SIZES:
        entries.add("pack", f"{folder}/{names.pack_file(slug, eid, paper)}", paper=paper,
                    number=len(sheets))
    for number, w in enumerate(sheets, 1):
        for paper in PAPER_SIZES:
            name = names.worksheet_file(slug, eid, number, w.id, paper)
            entries.add("worksheet", f"{folder}/{name}", paper=paper, title=w.title,
                        number=number)
    groups = [(g, e) for g, e in (("whole", whole), ("chapters", by_chapter),
                                  ("worksheets", entries.take())) if e]
    return {"id": eid, "title": ed.title, "audience": ed.audience,
            "description": ed.description, "groups": groups,
            "chapters": _table(by_chapter)}


def _table(entries: list[dict]) -> dict:
    """The chapters' files as a table to scan (issue 25): one row a chapter, one column a
    form (the handout, each variant's, the whole chapter), each cell its files on each
    paper. The columns are the forms that were built, in the order of `entries`."""
    columns: list[str] = []
    rows: dict[int, dict] = {}
    for e in entries:
        column = "full" if e["kind"] == "full" else e["variant"] or "handout"
        if column not in columns:
            columns.append(column)
        row = rows.setdefault(e["number"], {"number": e["number"], "title": e["title"],
                                            "cells": {}})
        row["cells"].setdefault(column, []).append(e)
    return {"columns": columns, "rows": list(rows.values())}


class _Entries:
    """The outputs that the manifest lists and that are in the build folder."""

    def __init__(self, out_dir: Path, targets: dict):
        self.out_dir, self.targets, self.items = out_dir, targets, []

    def add(self, kind: str, rel: str, **facts) -> None:
        entry = self.targets.get(rel)
        if entry is None or not (self.out_dir / rel).is_file():
            return
        facts.setdefault("pages", entry.get("pages", 0))
        self.items.append({"kind": kind, "href": rel, "size": entry.get("size", 0),
                           "format": Path(rel).suffix.lstrip(".").upper(), "variant": "",
                           "paper": "", "title": "", "number": 0, **facts})

    def take(self) -> list[dict]:
        items, self.items = self.items, []
        return items
