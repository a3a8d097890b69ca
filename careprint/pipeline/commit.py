"""The last stage of a build: the rendered files renamed into place, and the record kept.

Under --strict a warning stops the build here and the temporary files go: nothing was
written. Otherwise the SHA-256 of each rendered file is noted (manifest.PENDING), each
replaces its target (but for a file someone changed since careprint wrote it, which is
kept as it is and named in the report: manifest.changed_since), the manifest gains its entry,
what the project no longer makes is pruned (what no registered format owns: outputs.py,
every_output), each edition's SHA256SUMS is written, then the manifest and the library
page (careprint/pipeline/library.py).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from ..errors import CareprintError, OutputError
from ..guard import outguard
from ..render import Job, partcache
from ..render.partcache import PARTS
from . import library
from .decide import Decision
from .manifest import (
    STATE_DIR,
    Manifest,
    changed_since,
    clear_pending,
    drop_old_kept,
    settle,
    sha256,
    target_entry,
    write_pending,
)
from .plan import Plan, every_output
from .results import BuildReport, Rendered, Written


def commit(plan: Plan, decision: Decision, results: list[tuple[Job, Rendered]],
           manifest: Manifest, out_dir: Path, inputs: str, strict: bool,
           record: dict | None = None) -> BuildReport:
    """Put `results` in place and record them, with what the build was made from (`record`:
    buildrecord.py); see the module docstring."""
    report = BuildReport(out_dir=out_dir, only=plan.only.names, notes=plan.only.notes,
                         written=list(decision.skipped),
                         project_warnings=list(plan.warnings),
                         changed=list(decision.changed))
    warnings = [f"{j.relpath}: {m}" for j, res in results for m in res.warnings]
    warnings += report.warnings
    if strict and warnings:
        for _, res in results:
            for tmp, _final in res.files:
                Path(tmp).unlink(missing_ok=True)
        raise strict_failure(warnings)
    outguard.inspect(results, out_dir)  # what must never ship stops it here (outguard.py)
    targets = dict(manifest.targets)
    digests = {Path(final).relative_to(out_dir).as_posix(): sha256(Path(tmp))
               for _, res in results for tmp, final in res.files}
    write_pending(out_dir, {**manifest.pending, **digests})
    for job, res in results:
        placed = _place(res.files, job.relpath, targets.get(job.relpath), out_dir,
                        manifest.pending)
        report.changed += [Path(final) for tmp, final in res.files if (tmp, final) not in placed]
        res = replace(res, files=placed)
        entry = target_entry(out_dir, job.relpath, decision.keys[job.relpath], res, digests)
        entry["sources"] = decision.sources[job.relpath]  # for check --outputs (check/stale.py)
        drop_old_kept(out_dir, targets.get(job.relpath), entry)
        targets[job.relpath] = entry
        report.written.append(Written(out_dir / job.relpath, res.pages, entry["size"],
                                      res.warnings, False, res.seconds))
    # every output the project makes now, in any format: what an earlier build wrote
    # and the project no longer makes (a deleted chapter's handout and page) goes
    changed: list[Path] = []
    foreign = settle(out_dir, targets, every_output(plan.views),
                     [eg.edition.id for eg in plan.views], changed)
    report.changed = list(dict.fromkeys(report.changed + changed))
    report.foreign = [p for p in foreign if p not in report.changed]
    Manifest.write(out_dir, inputs, [j.relpath for j in plan.chosen], targets,
                   list(plan.warnings), record)
    clear_pending(out_dir)
    # the guides' kept parts that no output uses any more (render/partcache.py)
    partcache.prune(out_dir / STATE_DIR / PARTS, {k for entry in targets.values()
                                                  if isinstance(entry, dict)
                                                  for k in entry.get("parts") or ()
                                                  if isinstance(k, str)})
    library.write(out_dir, plan.guide, targets)
    return report


def strict_failure(warnings: list[str]) -> CareprintError:
    return CareprintError(f"--strict: {len(warnings)} warnings; nothing was written:\n"
                          + "\n".join(f"  {w}" for w in warnings))


def _place(files, rel: str, old: dict | None, out_dir: Path,
           pending: dict) -> tuple[tuple[str, str], ...]:
    """Rename each rendered file of the output `rel` into place, but for a file beside it
    (kept HTML) that someone changed since careprint wrote it: its temporary file goes
    (decide.py keeps the output itself from being rendered). The files placed."""
    kept = old.get("kept") if isinstance(old, dict) else None
    kept = kept if isinstance(kept, dict) else {}
    placed = []
    for tmp, final in files:
        beside = Path(final).relative_to(out_dir).as_posix()
        if beside != rel and changed_since(Path(final), kept.get(beside), pending.get(beside)):
            Path(tmp).unlink(missing_ok=True)
            continue
        _rename(Path(tmp), Path(final))
        placed.append((tmp, final))
    return tuple(placed)


def _rename(tmp: Path, final: Path) -> None:
    try:
        os.replace(tmp, final)
    except OSError as exc:
        raise OutputError(f"cannot write {final}: {exc.strerror or exc}") from None
