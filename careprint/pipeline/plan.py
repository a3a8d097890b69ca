"""Which outputs a build makes: each format's targets on each paper, narrowed by --only.

A PDF is made once per paper size (its name says which: render/names.py); the EPUB and
the web edition have no paper and are made once. `--only NAME` keeps the outputs of one
chapter or worksheet: its handout, its large-print and booklet handouts, the whole chapter
printed alone (chapters), and the worksheet printed alone.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CareprintError, ProjectError
from ..render import BuildContext, Job, registry, source_date
from ..source.assets import alt_warnings, undrawable, view_pictures
from ..source.editions import EditionGuide
from ..source.model import Guide


def select(names: Sequence[str] | None, valid: Sequence[str], what: str) -> tuple[str, ...]:
    """The requested names in `valid`'s order; all of them when none is requested."""
    if not names:
        return tuple(valid)
    unknown = [n for n in names if n not in valid]
    if unknown:
        raise CareprintError(f"unknown {what} {', '.join(map(repr, unknown))}; "
                             f"valid {what}s: {', '.join(valid)}")
    return tuple(v for v in valid if v in names)


def format_jobs(eg: EditionGuide, fmt: str, papers: Sequence[str]) -> list[Job]:
    """The targets of one format of one edition, on each of `papers`."""
    return registry.get(fmt).targets(eg, papers)


def plan_jobs(views: Sequence[EditionGuide], fmts: Sequence[str],
              papers: Sequence[str]) -> list[Job]:
    return [j for eg in views for fmt in fmts for j in format_jobs(eg, fmt, papers)]


def every_output(views: Sequence[EditionGuide]) -> set[str]:
    """Every file the project makes now, in any registered format, on any paper: what a
    build of one format or paper, or of --only one chapter, must leave alone (each format
    names the outputs it owns)."""
    return {rel for eg in views for fmt in registry.formats() for rel in fmt.outputs(eg)}


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


@dataclass(frozen=True)
class Plan:
    """The first stage of a build: the project read, and the targets to make."""

    guide: Guide
    views: list[EditionGuide]  # the editions asked for
    ctx: BuildContext
    only: Only
    chosen: list[Job]  # in the formats, papers, --only and --shard asked for
    warnings: tuple[str, ...] = ()  # of the project as a whole: resources left out or old


def plan_build(root: Path, editions: Sequence[str] | None, fmts: Sequence[str],
               paper: str | None, only: Sequence[str], shard: tuple[int, int] | None, *,
               bleed: str, marks: bool, environ, region: str = "", imprint: str = "",
               shared: str = "", language: str = "") -> Plan:
    """Read and validate the whole project, then list the targets: nothing is written.
    With `region`, the guide is the one that region's readers get (region_view.py);
    `shared` is the folder of the PDFs a clinic's build shares (render/shared.py)."""
    from ..source.digests import layout_digest
    from ..source.editions import apply_editions
    from ..source.load import load_project_kept
    from ..source.region_view import resource_warnings, today

    guide = localised(load_project_kept(root), region, imprint, language)
    eds = select(editions, guide.config.edition_ids, "edition")
    views = apply_editions(guide, eds)
    undrawn = undrawable(view_pictures(views), root)  # an SVG WeasyPrint cannot draw
    if undrawn:
        raise ProjectError(undrawn)
    ctx = BuildContext(root=root, paper=paper or guide.config.paper,
                       source_date=source_date(guide.config.guide.date, environ),
                       bleed=bleed, marks=marks, shared=shared if imprint else "",
                       shared_key=layout_digest(root) if imprint and shared else "",
                       stamp_key=layout_digest(root, True) if imprint and shared else "")
    picked = select_only(only, guide, views)
    all_jobs = picked.keep(plan_jobs(views, fmts, (paper,) if paper else guide.config.papers),
                           fmts)
    return Plan(guide, views, ctx, picked, in_shard(all_jobs, shard),
                tuple(resource_warnings(guide, today()) + alt_warnings(views)
                      + list(guide.fell_back)))


def localised(guide: Guide, region: str = "", imprint: str = "", language: str = "") -> Guide:
    """`guide` for one region's readers, or stamped for one clinic (region_view.py), in
    one of its translations (language_view.py)."""
    from ..source.language_view import for_language
    from ..source.region_view import for_imprint, for_region, imprints_requested

    if language:
        guide = for_language(guide, language)

    if imprint:
        return for_imprint(guide, imprints_requested(guide, (imprint,))[0], region)
    return for_region(guide, region) if region else guide


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """'K/N' -> (K, N), with 1 <= K <= N."""
    if not text:
        return None
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise CareprintError(f"--shard {text!r}: expected K/N with 1 <= K <= N, e.g. 2/4")
    return int(m.group(1)), int(m.group(2))


def in_shard(jobs: list[Job], shard: tuple[int, int] | None) -> list[Job]:
    """A deterministic 1/N of the targets: dealt round-robin, biggest first, so shards of
    one build are disjoint, cover every target, and carry similar work."""
    if not shard:
        return jobs
    k, n = shard
    ordered = sorted(jobs, key=lambda j: (-j.weight, j.relpath))
    return [j for i, j in enumerate(ordered) if i % n == k - 1]


def plan(root, editions: Sequence[str] | None = None, paper: str | None = None,
         region: str = "", language: str = ""
         ) -> list[tuple[EditionGuide, dict[str, list[str]]]]:
    """For `careprint list`: each edition and the outputs a build would produce, by format
    (nothing is rendered); with `region`, the build for that region's."""
    from ..source.editions import apply_editions
    from ..source.load import load_project_kept

    # kept: `careprint list` reads the project's clinics from the same load
    guide = localised(load_project_kept(Path(root).resolve()), region, language=language)
    eds = select(editions, guide.config.edition_ids, "edition")
    papers = (paper,) if paper else guide.config.papers
    return [(eg, {fmt.name: [j.relpath for j in fmt.targets(eg, papers)]
                  for fmt in registry.formats()})
            for eg in apply_editions(guide, eds)]
