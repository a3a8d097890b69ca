"""Which outputs a build makes: each format's targets on each paper, narrowed by --only.

A PDF is made once per paper size (its name says which: render/names.py); the EPUB and
the web edition have no paper and are made once. `--only NAME` keeps the outputs of one
chapter or worksheet: its handout, its large-print and booklet handouts, the whole chapter
printed alone (chapters), and the worksheet printed alone.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import import_module

from .config import PAPER_SIZES
from .editions import EditionGuide
from .errors import CareprintError
from .model import Guide
from .render import Job

PAPERLESS = ("epub", "html")  # formats that are the same on every paper


def format_module(fmt: str):
    """The renderer of one format. Its module imports WeasyPrint/ebooklib only when rendering."""
    return import_module(f"careprint.render.{fmt.replace('-', '_')}")


def format_jobs(eg: EditionGuide, fmt: str, papers: Sequence[str]) -> list[Job]:
    """The targets of one format of one edition, on each of `papers`."""
    if fmt in PAPERLESS:
        return format_module(fmt).jobs(eg)
    return [j for paper in papers for j in format_module(fmt).jobs(eg, paper)]


def plan_jobs(views: Sequence[EditionGuide], fmts: Sequence[str],
              papers: Sequence[str]) -> list[Job]:
    return [j for eg in views for fmt in fmts for j in format_jobs(eg, fmt, papers)]


def every_output(views: Sequence[EditionGuide], fmts: Sequence[str]) -> set[str]:
    """Every file the project makes now, in any of `fmts`, on any paper: what a build of
    one paper, or of --only one chapter, must leave alone."""
    return {j.relpath for j in plan_jobs(views, fmts, PAPER_SIZES)}


@dataclass
class Only:
    """What --only selected: the items (Job.item) of each edition, and what to tell."""

    names: tuple[str, ...] = ()
    items: dict[str, set[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def keep(self, jobs: list[Job], fmts: Sequence[str]) -> list[Job]:
        if not self.names:
            return jobs
        kept = [j for j in jobs if j.item in self.items.get(j.edition, ())]
        if not kept:
            raise CareprintError(
                f"--only {' '.join(self.names)}: nothing to build in the format"
                f"{'s' if len(fmts) > 1 else ''} {', '.join(fmts)}. --only builds the "
                "outputs of single chapters (handouts, chapters, large print, booklet) and "
                "single worksheets (worksheets)")
        return kept


def select_only(names: Sequence[str], guide: Guide, views: Sequence[EditionGuide]) -> Only:
    """Resolve --only NAMEs (a chapter's slug or NN-slug, or a worksheet's id) in each
    edition being built. A name nothing has is an error with the valid names; a name no
    edition being built has is an error saying which editions have it."""
    if not names:
        return Only()
    chapters = {c.slug: c.name for c in guide.chapters} | {c.name: c.name for c in guide.chapters}
    worksheets = {w.id for w in guide.worksheets}
    valid = [c.slug for c in guide.chapters] + [w.id for w in guide.worksheets]
    only = Only(tuple(dict.fromkeys(names)), {eg.edition.id: set() for eg in views})
    for name in only.names:
        if name not in chapters and name not in worksheets:
            raise CareprintError(_unknown(name, valid))
        item = chapters.get(name, name)
        has = [eg.edition.id for eg in views
               if any(v.chapter.name == item for v in eg.chapters)
               or any(w.worksheet.id == name for w in eg.worksheets)]
        lacks = [eg.edition.id for eg in views if eg.edition.id not in has]
        if not has:
            elsewhere = [e for e in guide.config.edition_ids
                         if any(c.name == item and c.in_edition(e) for c in guide.chapters)
                         or any(w.id == name and w.in_edition(e) for w in guide.worksheets)]
            where = (f"; it is in: {', '.join(elsewhere)} (choose one with --edition)"
                     if elsewhere else "")
            raise CareprintError(f"--only {name}: not in the {_editions(lacks)}{where}")
        if lacks:
            only.notes.append(f"--only {name}: not in the {_editions(lacks)}; built for "
                              f"{', '.join(has)}")
        for eid in has:
            only.items[eid].update({item, name})
    return only


def _editions(ids: Sequence[str]) -> str:
    return f"{ids[0]} edition" if len(ids) == 1 else f"{', '.join(ids)} editions"


def _unknown(name: str, valid: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, valid, n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]}?" if close else ""
    return (f"--only {name}: no chapter or worksheet has this name.{hint} Valid names "
            f"(chapter slugs and worksheet ids): {', '.join(valid)}")


def plan(root, editions: Sequence[str] | None = None, paper: str | None = None
         ) -> list[tuple[EditionGuide, dict[str, list[str]]]]:
    """For `careprint list` and `check --outputs`: each edition and the outputs a build
    would produce, by format (nothing is rendered)."""
    from pathlib import Path

    from .build import FORMATS, select
    from .editions import apply_editions
    from .load import load_project

    guide = load_project(Path(root).resolve())
    eds = select(editions, guide.config.edition_ids, "edition")
    papers = (paper,) if paper else guide.config.papers
    return [(eg, {fmt: [j.relpath for j in format_jobs(eg, fmt, papers)] for fmt in FORMATS})
            for eg in apply_editions(guide, eds)]
