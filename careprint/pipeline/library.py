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

from ..errors import CareprintError, Problem, at
from ..render import registry
from ..source import i18n, regions
from ..source.config import PAPER_SIZES
from ..source.model import Guide

PAGE = "index.html"
TEMPLATE = "library.html"


def keep(out_dir: Path, root: Path, targets: dict, region: str = "", imprint: str = "",
         language: str = "") -> None:
    """For a build that changed nothing: write the page only if it is missing."""
    if not (out_dir / PAGE).is_file():
        from ..source.load import load_project_kept
        from .plan import localised

        write(out_dir, localised(load_project_kept(root), region, imprint, language), targets)


def refresh_clinics(top: Path, root: Path) -> None:
    """After a clinic's build: the page of the build for every region, in `top`, links the
    clinic's own page from now on (if that build is there; its bytes change only then)."""
    from .manifest import Manifest

    if not (top / PAGE).is_file():
        return
    targets = Manifest.read(top).targets
    if targets:
        from ..source.load import load_project_kept

        write(top, load_project_kept(root), targets)


def write(out_dir: Path, guide: Guide, targets: dict) -> None:
    """Write OUT/index.html for what is in `out_dir` now (unchanged bytes are not rewritten)."""
    from ..atomic import write_atomic
    from ..render import render_template

    meta = guide.config.guide
    editions = [e for e in (_edition(out_dir, guide, ed, targets)
                            for ed in guide.config.editions) if e["groups"]]
    region_name = regions.name(guide.region, meta.language) if guide.region else ""
    with i18n.active(i18n.for_config(guide.config)):  # in the guide's language
        html = render_template(guide.config.root, TEMPLATE, meta=meta, editions=editions,
                               region=guide.region, region_name=region_name,
                               imprint=guide.imprint, clinics=_clinics(out_dir, guide),
                               languages=_languages(out_dir, guide),
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
    """The output guard (careprint/guard/outguard_html.py) on the library page, which is written
    after the outputs it lists: what must never ship stops it being written. Its links
    lead to other build folders (a region's, a clinic's), so only their schemes count."""
    from ..guard.outguard_html import page_findings

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
    from ..source.region_view import IMPRINTS_FOLDER

    out = []
    for imprint in guide.imprints:
        page = f"{IMPRINTS_FOLDER}/{imprint.id}/{PAGE}"
        out.append({"id": imprint.id, "name": imprint.name, "region": imprint.region,
                    "region_name": regions.name(imprint.region, guide.config.guide.language),
                    "href": page if (out_dir / page).is_file() else ""})
    return out


def _languages(out_dir: Path, guide: Guide) -> list[dict]:
    """The guide's translations ([languages.<code>]), on the page of the build in its own
    language for every region: each named in its own language, with a link to its library
    page once `build --language` has made it."""
    if guide.imprint is not None or guide.region or guide.language:
        return []
    from babel import Locale

    from ..source.language_view import language_out

    out = []
    for code in guide.config.languages:
        page = (language_out(Path("."), code) / PAGE).as_posix()
        name = Locale.parse(code.replace("-", "_")).get_display_name(code) or code
        out.append({"code": code, "name": name[:1].upper() + name[1:],
                    "href": page if (out_dir / page).is_file() else ""})
    return out


def _edition(out_dir: Path, guide: Guide, ed, targets: dict) -> dict:
    """One edition's section: each registered format's files that are in the build folder,
    as the format describes them (render/registry.py: Format.library)."""
    entries = []
    eg = _view(guide, ed.id, targets)
    for fmt in registry.formats() if eg is not None else ():
        for job in fmt.targets(eg, PAPER_SIZES):
            entry = targets.get(job.relpath)
            facts = fmt.library(eg, job, targets)
            if facts is None or entry is None or not (out_dir / job.relpath).is_file():
                continue
            e = {"kind": "file", "href": job.relpath, "size": entry.get("size", 0),
                 "format": Path(job.relpath).suffix.lstrip(".").upper(), "variant": "",
                 "paper": "", "title": "", "number": 0, "pages": entry.get("pages", 0),
                 "label": fmt.title or fmt.name, "position": 0, "rank": fmt.order, **facts}
            entries.append(e)
    entries.sort(key=_place)
    groups: dict[str, list[dict]] = {}
    for e in entries:
        groups.setdefault(e["group"], []).append(e)
    return {"id": ed.id, "title": ed.title, "audience": ed.audience,
            "description": ed.description, "groups": list(groups.items()),
            "chapters": _table(groups.get("chapters", []))}


GROUPS = ("whole", "chapters", "worksheets")  # in the page's order; any other comes last


def _place(e: dict) -> tuple:
    """Where an entry comes: the whole guide on each paper in turn, every form of it, then
    the paperless files; a chapter's or worksheet's forms, each on every paper, in turn."""
    group = GROUPS.index(e["group"]) if e["group"] in GROUPS else len(GROUPS)
    paper = PAPER_SIZES.index(e["paper"]) if e["paper"] in PAPER_SIZES else 0
    if e["group"] == "whole":
        return (group, e["group"], not e["paper"], paper, e["rank"])
    return (group, e["group"], e["position"], e["rank"], paper)


def _view(guide: Guide, eid: str, targets: dict):
    """The edition as a build reads it, if the build folder holds any of its files."""
    from ..errors import ProjectError
    from ..source.editions import apply_edition

    if not any(rel.startswith(f"{eid}/") for rel in targets):
        return None
    try:
        return apply_edition(guide, eid)
    except ProjectError:  # an edition that cannot be read now has nothing to list
        return None


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
