"""`careprint build`: the guide's outputs, made in four stages.

build() reads as its stages, each its own unit:

1. plan (outputs.py, plan_build): read and validate everything (config, content,
   cross-references, in every requested edition) before anything is written, then list
   the targets: each registered format's jobs (render/registry.py), narrowed by --only and
   --shard.
2. decide (decide.py): each target's key hashes everything it depends on (keys.py); a
   target whose key and file are unchanged since the last build is skipped (the Manifest,
   build/.careprint/manifest.json, records them). The others are stale.
3. render (workers.py): the stale targets render in worker processes, biggest first, each
   into a temporary file beside its target; results are typed (results.Rendered).
4. commit (commit.py): only when every one has succeeded are they renamed into place, so a
   failed or interrupted build leaves the previous outputs as they were; then what the
   project no longer makes is pruned and each edition's SHA256SUMS written.

Before all that, the fast no-op: when nothing that went into the last build has changed
(digests.py, input_digest), the build ends having read file bytes only.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import CareprintError
from ..render import registry
from ..render.partcache import PARTS
from ..source.config import PAPER_SIZES
from ..source.digests import input_digest
from ..source.language_view import language_out
from ..source.region_view import IMPRINTS_FOLDER, SHARED_FOLDER, region_out, today
from . import buildrecord, checknote, library, memos
from .commit import commit, strict_failure
from .decide import decide
from .lock import build_lock
from .manifest import (
    CHECKSUMS,
    STATE_DIR,
    Manifest,
    changed_since,
    foreign_files,
    unchanged,
    written_files,
)
from .outdir import check_out, out_folder, refuse_links
from .plan import in_shard, parse_shard, plan_build, select
from .results import BuildReport, Written
from .workers import render_jobs

__all__ = ["build", "BuildReport", "Written", "in_shard", "parse_shard", "select"]


@dataclass(frozen=True)
class Request:
    """What was asked for, checked; `options` are what the fast no-op's key hashes."""

    root: Path
    out_dir: Path
    formats: tuple[str, ...]
    shard: tuple[int, int] | None
    options: dict
    shared: str = ""  # a clinic's build: the folder of the PDFs clinics share, or ""
    top: Path | None = None  # a clinic's build: the build folder it is in (OUT)
    home: Path | None = None  # a build in a language for every region: OUT, which links it


@dataclass(frozen=True)
class LastBuild:
    """The output folder, locked: the last build's record and this build's input digest."""

    manifest: Manifest
    inputs: str


def build(root: Path, editions: Sequence[str] | None = None,
          formats: Sequence[str] | None = None, paper: str | None = None,
          out: Path | None = None, *, force: bool = False, jobs: int | None = None,
          shard: str | None = None, keep_html: bool = False, strict: bool = False,
          bleed: str | None = None, marks: bool = False, environ=None,
          only: Sequence[str] | None = None, count_check: Callable | None = None,
          progress: Callable[[str, Written | None, int, int], None] | None = None,
          region: str = "", imprint: str = "", language: str = "") -> BuildReport:
    """Build the requested editions and formats of the project at `root`.

    `progress(message, written, done, total)` is called as targets finish. `count_check`
    (careprint.check.count.source_errors, or None) counts what `careprint check` would call
    errors (careprint/pipeline/checknote.py). `region` (an
    ISO 3166 code: region_view.requested) builds the guide for that region's readers, into
    OUT/regions/<code>/; `imprint` (an imprint's id) builds it stamped for that clinic, into
    OUT/imprints/<id>/, in the clinic's region unless `region` names another. `language`
    (a `[languages.<code>]` of careprint.toml) builds the guide in that translation, into
    OUT/languages/<code>/ (and a region's folder in it).
    """
    started = time.perf_counter()
    environ = os.environ if environ is None else environ
    req = request(root, out, editions, formats, paper, shard, keep_html, bleed, marks,
                  environ, only, region, imprint, language)
    with contextlib.ExitStack() as stack:
        last = _open(stack, req, progress) if req.out_dir.is_dir() else None
        report = None if force or last is None else \
            fast_noop(req, last, tuple(only or ()), strict, count_check)
        if report is not None:
            report.seconds = time.perf_counter() - started
            return report
        record = buildrecord.record(req.root, req.options, req.shard)  # read with the rest
        converted = stack.enter_context(memos.recorded(req.out_dir, force))  # Markdown's, kept
        plan = plan_build(req.root, editions, req.formats, paper, only or (), req.shard,
                          bleed=bleed or "", marks=marks, environ=environ, region=region,
                          imprint=imprint, shared=req.shared, language=language)
        refuse_links(req.out_dir, [j.relpath for j in plan.chosen])  # outdir.py
        last = last or _open(stack, req, progress)
        decision = decide(plan, last.manifest, req.out_dir, keep_html=keep_html, force=force)
        # the guides' parts are kept in the build folder's state (render/partcache.py)
        ctx = replace(plan.ctx, parts=str(req.out_dir / STATE_DIR / PARTS), reuse_parts=not force)
        counting = checknote.Counting(req.out_dir, last.inputs, plan, count_check)  # beside
        results = render_jobs(list(decision.stale), {eg.edition.id: eg for eg in plan.views},
                              ctx, req.out_dir, keep_html, jobs, progress, decision.companions,
                              beside=counting)
        report = commit(plan, decision, results, last.manifest, req.out_dir, last.inputs,
                        strict, record)
        memos.keep(req.out_dir, converted)
        report.check_errors = counting.result()
    if req.home is not None:  # a build in a language: its link on the page of the build
        library.refresh_clinics(req.home, req.root)  # in the guide's own language
    if req.top is not None:  # a clinic's build: its link on the page of the build for
        # every region, and what no clinic's build has used for a month goes
        library.refresh_clinics(req.top, req.root)
        from ..render.shared import prune

        prune(Path(req.shared))
    order = {j.relpath: i for i, j in enumerate(plan.chosen)}
    report.written.sort(key=lambda w: order.get(w.path.relative_to(req.out_dir).as_posix(), 0))
    report.seconds = time.perf_counter() - started
    return report


def request(root, out, editions, formats, paper, shard, keep_html, bleed, marks, environ,
            only, region="", imprint="", language="") -> Request:
    """Check the options that need no project, and gather them."""
    root = Path(root).resolve()
    given = out_folder(root, out)  # its links resolved but for its own name (outdir.py)
    out_dir = given
    shared, top = "", None
    if imprint and language:
        raise CareprintError("--language with --imprint: a clinic's build in a translation "
                             "is not made yet; build --imprint, or --language, alone")
    if language:
        out_dir = language_out(out_dir, language)
    if imprint:
        shared, top = str(out_dir / IMPRINTS_FOLDER / SHARED_FOLDER), out_dir
        out_dir = out_dir / IMPRINTS_FOLDER / imprint
    if region:
        out_dir = region_out(out_dir, region)
    check_out(root, given, out_dir)  # careprint's own folder, or refused (outdir.py)
    if paper is not None and paper not in PAPER_SIZES:
        raise CareprintError(f"unknown paper size {paper!r}; valid: {', '.join(PAPER_SIZES)}")
    fmts = select(formats, registry.names(), "format")
    shard_kn = parse_shard(shard)
    if bleed and not re.fullmatch(r"\d+(\.\d+)?(mm|cm|in|pt|px)", bleed):
        raise CareprintError(f"--bleed {bleed!r}: expected a length such as 3mm or 0.125in")
    options = {"editions": sorted(editions or ()), "formats": fmts, "paper": paper,
               "shard": shard_kn, "keep_html": keep_html, "bleed": bleed, "marks": marks,
               "source_date_epoch": environ.get("SOURCE_DATE_EPOCH", ""),
               "only": sorted(only or ()), "region": region, "imprint": imprint,
               "language": language,
               # a resource's check ages by the day (region_view.resource_warnings)
               "today": today().isoformat(),
               # a format registered or gone (render/registry.py) changes what is pruned
               "registered": registry.names()}
    home = given if language and not region else None
    return Request(root, out_dir, fmts, shard_kn, options, shared, top, home)


def _open(stack: contextlib.ExitStack, req: Request, progress) -> LastBuild:
    """Lock the output folder (for the rest of the build), then read what is there."""
    stack.enter_context(build_lock(req.out_dir, progress))
    return LastBuild(Manifest.read(req.out_dir), input_digest(req.root, req.options))


def fast_noop(req: Request, last: LastBuild, only: tuple[str, ...], strict: bool,
              count_check: Callable | None) -> BuildReport | None:
    """The fast no-op: nothing that went into the last build has changed, and its outputs
    are as it left them. Decided from file bytes alone, without parsing anything."""
    if last.manifest.inputs != last.inputs:
        return None
    refuse_links(req.out_dir, last.manifest.outputs)  # outdir.py
    report = _up_to_date(req.out_dir, last.manifest)
    if report is None:
        return None
    library.keep(req.out_dir, req.root, last.manifest.targets, req.options["region"],
                 req.options["imprint"], req.options["language"])
    report.out_dir, report.only = req.out_dir, only
    report.project_warnings = last.manifest.warnings
    if count_check:
        report.check_errors = checknote.cached(req.out_dir, last.inputs)
    if strict and report.warnings:
        raise strict_failure(report.warnings)
    return report


def _up_to_date(out_dir: Path, manifest: Manifest) -> BuildReport | None:
    """The last build's report, if its outputs are as it left them: but for one someone
    changed since that SHA256SUMS already leaves out, which is kept and named again."""
    report = BuildReport()
    targets = manifest.targets
    for rel in manifest.outputs:
        entry = targets.get(rel)
        if entry and changed_since(out_dir / rel, entry, manifest.pending.get(rel)) and \
                not _listed(out_dir, rel):
            report.changed.append(out_dir / rel)
            continue
        if not entry or not unchanged(out_dir / rel, entry):
            return None
        report.written.append(Written(out_dir / rel, entry["pages"], entry["size"],
                                      tuple(entry["warnings"]), skipped=True))
    editions = sorted({rel.split("/", 1)[0] for rel in manifest.outputs})
    report.foreign = foreign_files(out_dir, written_files(targets), editions)
    return report


def _listed(out_dir: Path, rel: str) -> bool:
    """Whether the edition's SHA256SUMS lists the output `rel`."""
    edition, name = rel.split("/", 1)
    try:
        lines = (out_dir / edition / CHECKSUMS).read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return True
    return any(line.split("  ", 1)[-1] == name for line in lines)
