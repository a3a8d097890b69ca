"""The second stage of a build: which of the planned targets must be made again.

A target whose key (careprint/pipeline/keys.py) is the one the manifest recorded, and whose file is
as the last build left it, is skipped; every other one is stale, but for one whose file
someone changed since careprint wrote it (a worksheet filled in and saved in place), or
put there: that file is kept as it is, whatever the options (--force too), and the build
says so (manifest.changed_note). A stale target of a
format made from another's finished PDF (render/registry.py, Format.from_base) rides along
with its base's job when that is stale too: one WeasyPrint render, not two. (Booklets were
made so; they are now laid out on their own A5 pages, and no bundled format uses it.)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from ..render import Job, registry
from ..source.reads import Now
from .keys import source_keys, target_keys
from .manifest import Manifest, changed_since
from .plan import Plan
from .results import Written


@dataclass(frozen=True)
class Decision:
    keys: dict[str, str]  # relpath -> key, of every chosen target
    sources: dict[str, str]  # relpath -> source key (for check --outputs)
    skipped: tuple[Written, ...] = ()  # up to date: not rendered
    stale: tuple[Job, ...] = ()  # to render, each in its own job
    companions: dict[str, list[Job]] = field(default_factory=dict)  # base relpath -> riders
    changed: tuple[Path, ...] = ()  # changed since careprint wrote them: kept, not rendered


def decide(plan: Plan, manifest: Manifest, out_dir: Path, *, keep_html: bool,
           force: bool) -> Decision:
    """Sort `plan`'s targets into skipped and stale, against the last build's `manifest`."""
    config, views, ctx = plan.guide.config, plan.views, plan.ctx
    keys = target_keys(config, views, plan.chosen, ctx, keep_html)
    sources = source_keys(config, views, plan.chosen, ctx.root)
    skipped, stale, changed = [], [], []
    now = Now(ctx.root, config)  # what the reads each output recorded give now
    for job in plan.chosen:
        entry = manifest.targets.get(job.relpath)
        if changed_since(out_dir / job.relpath, entry, manifest.pending.get(job.relpath)):
            changed.append(out_dir / job.relpath)
        elif not force and entry and manifest.fresh(out_dir, job.relpath, keys[job.relpath]) and \
                now.hold(entry.get("reads")):
            skipped.append(Written(out_dir / job.relpath, entry["pages"], entry["size"],
                                   tuple(entry["warnings"]), skipped=True))
        elif force or not entry:
            stale.append(job)
        else:  # where its pages fell last time: a guide may reuse it (render/pdf.py)
            stale.append(replace(job, layout=_layout_hint(entry)))
    alone, companions = pair_companions(stale)
    return Decision(keys, sources, tuple(skipped), tuple(alone), companions, tuple(changed))


def _layout_hint(entry: dict) -> tuple | None:
    """The layout a manifest entry recorded, or None if there is none (or it is damaged)."""
    try:
        return tuple((int(pages), {str(k): int(v) for k, v in anchors.items()}, str(name))
                     for pages, anchors, name in entry["layout"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def pair_companions(stale: list[Job]) -> tuple[list[Job], dict[str, list[Job]]]:
    """A format made from its base's PDF rides along with the base's job when both are to
    be rendered (one WeasyPrint render, not two)."""
    bases = {b for f in registry.formats() if f.from_base for b in f.based_on}
    base = {(j.fmt, j.edition, j.item, j.paper): j for j in stale if j.fmt in bases}
    companions: dict[str, list[Job]] = {}
    alone = []
    for job in stale:
        partner = _base_of(job, base)
        if partner is None:
            alone.append(job)
        else:
            companions.setdefault(partner.relpath, []).append(job)
    return alone, companions


def _base_of(job: Job, base: dict) -> Job | None:
    fmt = registry.get(job.fmt)
    if fmt.from_base is None:
        return None
    keys = [(b, job.edition, job.item, job.paper) for b in fmt.based_on]
    return next((base[k] for k in keys if k in base), None)
