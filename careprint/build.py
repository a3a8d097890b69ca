"""The build plan: targets, what each depends on, rendering them, writing atomically.

1. Read and validate everything (config, content, cross-references, in every requested
   edition) before anything is written.
2. Each output file is a target whose key hashes everything it depends on: careprint's
   version, the config values it reads, the templates it uses, the edition-filtered content
   it includes and the build options. A target whose key and file are unchanged since the
   last build is skipped (build/.careprint/manifest.json records them).
3. The other targets render in worker processes, biggest first, each into a temporary file
   beside its target. Only when every one has succeeded are they renamed into place, so a
   failed or interrupted build leaves the previous outputs as they were.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import json
import os
import re
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import __version__, buildlock, checknote, library
from .buildlock import build_lock
from .config import PAPER_SIZES, Config
from .editions import EditionGuide, apply_editions
from .errors import CareprintError, OutputError
from .load import load_project
from .manifest import (
    drop_old_kept,
    foreign_files,
    read_manifest,
    settle,
    target_entry,
    unchanged,
    write_manifest,
    written_files,
)
from .outputs import every_output, format_module, plan, plan_jobs, select_only  # noqa: F401
from .render import PACKAGE_TEMPLATES, BuildContext, Job, digest, source_date, template_sources

FORMATS = ("pdf", "handouts", "epub", "worksheets", "html", "large-print", "booklet")


@dataclass(frozen=True)
class Written:
    path: Path
    pages: int
    size: int
    warnings: tuple[str, ...] = ()
    skipped: bool = False  # unchanged since the last build
    seconds: float = 0.0


@dataclass
class BuildReport:
    written: list[Written] = field(default_factory=list)
    seconds: float = 0.0
    foreign: list[Path] = field(default_factory=list)  # in the output folders, not ours
    out_dir: Path | None = None
    only: tuple[str, ...] = ()  # --only: the chapters and worksheets asked for
    notes: list[str] = field(default_factory=list)
    check_errors: int = 0  # what `careprint check` would call errors (careprint/checknote.py)

    @property
    def rendered(self) -> list[Written]:
        return [w for w in self.written if not w.skipped]

    @property
    def skipped(self) -> list[Written]:
        return [w for w in self.written if w.skipped]

    @property
    def warnings(self) -> list[str]:
        return [f"{w.path}: {m}" for w in self.written for m in w.warnings]


def select(names: Sequence[str] | None, valid: Sequence[str], what: str) -> tuple[str, ...]:
    """The requested names in `valid`'s order; all of them when none is requested."""
    if not names:
        return tuple(valid)
    unknown = [n for n in names if n not in valid]
    if unknown:
        raise CareprintError(f"unknown {what} {', '.join(map(repr, unknown))}; "
                             f"valid {what}s: {', '.join(valid)}")
    return tuple(v for v in valid if v in names)


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


def build(root: Path, editions: Sequence[str] | None = None,
          formats: Sequence[str] | None = None, paper: str | None = None,
          out: Path | None = None, *, force: bool = False, jobs: int | None = None,
          shard: str | None = None, keep_html: bool = False, strict: bool = False,
          bleed: str | None = None, marks: bool = False, environ=None,
          only: Sequence[str] | None = None, count_check: bool = False,
          progress: Callable[[str, Written | None, int, int], None] | None = None
          ) -> BuildReport:
    """Build the requested editions and formats of the project at `root`.

    `progress(message, written, done, total)` is called as targets finish. `count_check`
    counts what `careprint check` would call errors (careprint/checknote.py).
    """
    started = time.perf_counter()
    root = Path(root).resolve()
    environ = os.environ if environ is None else environ
    out_dir = Path(out).resolve() if out else root / "build"
    if paper is not None and paper not in PAPER_SIZES:
        raise CareprintError(f"unknown paper size {paper!r}; valid: {', '.join(PAPER_SIZES)}")
    fmts = select(formats, FORMATS, "format")
    shard_kn = parse_shard(shard)
    if bleed and not re.fullmatch(r"\d+(\.\d+)?(mm|cm|in|pt|px)", bleed):
        raise CareprintError(f"--bleed {bleed!r}: expected a length such as 3mm or 0.125in")
    options = {"editions": sorted(editions or ()), "formats": fmts, "paper": paper,
               "shard": shard_kn, "keep_html": keep_html, "bleed": bleed, "marks": marks,
               "source_date_epoch": environ.get("SOURCE_DATE_EPOCH", ""),
               "only": sorted(only or ())}

    with contextlib.ExitStack() as stack:
        # The fast no-op: nothing that went into the last build has changed, and its outputs
        # are as it left them. Decided from file bytes alone, without parsing anything.
        inputs = None
        if out_dir.is_dir():
            stack.enter_context(build_lock(out_dir, progress))
            inputs = input_digest(root, options)
            manifest = read_manifest(out_dir)
            if not force and manifest.get("fast", {}).get("inputs") == inputs:
                report = _up_to_date(out_dir, manifest)
                if report is not None:
                    library.keep(out_dir, root, manifest.get("targets", {}))
                    report.out_dir, report.only = out_dir, tuple(only or ())
                    if count_check:
                        report.check_errors = checknote.cached(out_dir, inputs)
                    if strict and report.warnings:
                        raise strict_failure(report.warnings)
                    report.seconds = time.perf_counter() - started
                    return report

        guide = load_project(root)
        eds = select(editions, guide.config.edition_ids, "edition")
        views = apply_editions(guide, eds)
        ctx = BuildContext(root=root, paper=paper or guide.config.paper,
                           source_date=source_date(guide.config.guide.date, environ),
                           bleed=bleed or "", marks=marks)
        picked = select_only(only or (), guide, views)
        all_jobs = picked.keep(plan_jobs(views, fmts, (paper,) if paper else
                                         guide.config.papers), fmts)
        chosen = in_shard(all_jobs, shard_kn)
        if inputs is None:
            stack.enter_context(build_lock(out_dir, progress))
            inputs = input_digest(root, options)
            manifest = read_manifest(out_dir)
        keys = target_keys(guide.config, views, chosen, ctx, keep_html)
        sources = source_keys(guide.config, views, chosen, root)  # for check --outputs
        report = BuildReport(out_dir=out_dir, only=picked.names, notes=picked.notes)
        stale = []
        for job in chosen:
            entry = manifest.get("targets", {}).get(job.relpath)
            if not force and entry and entry.get("key") == keys[job.relpath] and \
                    unchanged(out_dir / job.relpath, entry):
                report.written.append(Written(out_dir / job.relpath, entry["pages"],
                                              entry["size"], tuple(entry["warnings"]),
                                              skipped=True))
            elif force or not entry:
                stale.append(job)
            else:  # where its pages fell last time: a guide may reuse it (render/pdf.py)
                stale.append(replace(job, layout=_layout_hint(entry)))

        results = render_jobs(stale, {eg.edition.id: eg for eg in views}, ctx, out_dir,
                              keep_html, jobs, progress)
        warnings = [f"{j.relpath}: {m}" for j, res in results for m in res["warnings"]]
        warnings += report.warnings
        if strict and warnings:
            for _, res in results:
                for tmp, _final in res["files"]:
                    Path(tmp).unlink(missing_ok=True)
            raise strict_failure(warnings)
        targets = dict(manifest.get("targets", {}))
        for job, res in results:
            for tmp, final in res["files"]:
                _rename(Path(tmp), Path(final))
            entry = target_entry(out_dir, job.relpath, keys[job.relpath], res)
            entry["sources"] = sources[job.relpath]  # for check --outputs (check/stale.py)
            drop_old_kept(out_dir, targets.get(job.relpath), entry)
            targets[job.relpath] = entry
            report.written.append(Written(out_dir / job.relpath, res["pages"], entry["size"],
                                          tuple(res["warnings"]), False, res["seconds"]))
        # every output the project makes now, in any format: what an earlier build wrote
        # and the project no longer makes (a deleted chapter's handout and page) goes
        every = every_output(views, FORMATS)
        report.foreign = settle(out_dir, targets, every, [eg.edition.id for eg in views])
        write_manifest(out_dir, {
            "careprint": __version__,
            "fast": {"inputs": inputs, "outputs": sorted(j.relpath for j in chosen)},
            "targets": dict(sorted(targets.items())),
        })
        library.write(out_dir, guide, targets)
        if count_check:
            report.check_errors = checknote.count(out_dir, inputs, guide, views)
    order = {j.relpath: i for i, j in enumerate(chosen)}
    report.written.sort(key=lambda w: order.get(w.path.relative_to(out_dir).as_posix(), 0))
    report.seconds = time.perf_counter() - started
    return report


# ---------------------------------------------------------------- what a target depends on


@functools.cache
def careprint_digest() -> str:
    """careprint's version and its own code: an edited renderer invalidates what it made."""
    h = hashlib.sha256(__version__.encode())
    for path in sorted(Path(__file__).resolve().parent.rglob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()


def input_digest(root: Path, options: dict) -> str:
    """Hash of every file a build could read, and of the options: the fast no-op's key."""
    h = hashlib.sha256(f"{careprint_digest()}\0{json.dumps(options, sort_keys=True)}".encode())
    files = [root / "careprint.toml"]
    for folder in (root / "content", root / "templates", PACKAGE_TEMPLATES):
        if folder.is_dir():
            files.extend(sorted(p for p in folder.rglob("*") if p.is_file()))
    for path in files:
        with contextlib.suppress(OSError):
            h.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


# large print and booklets are the guide and the handouts again, in other clothes
BASED_ON = {"large-print": ("pdf", "handouts"), "booklet": ("pdf", "handouts")}


def format_templates(config: Config, fmt: str) -> list[str]:
    names = [config.fmt(f, "template") for f in BASED_ON.get(fmt, (fmt,))]
    extra = {"epub": ["epub.css", "theme.css", "epub-nav.xhtml", "epub-cover.xhtml"],
             "html": ["web.css", "quick-exit.js"], "large-print": ["large-print.css"],
             "booklet": ["booklet.css", "booklet-back.html"]}
    return names + extra.get(fmt, [])


def config_values(config: Config, edition: str, fmt: str) -> tuple:
    """The config values an output of `fmt` in `edition` reads."""
    tables = [dict(config.formats[f]) for f in BASED_ON.get(fmt, (fmt,))]
    return (config.guide, config.edition(edition), tables, config.fmt("pdf", "crisis_line"),
            config.papers)


def target_keys(config: Config, views: list[EditionGuide], jobs: list[Job],
                ctx: BuildContext, keep_html: bool) -> dict[str, str]:
    templates = {fmt: template_sources(ctx.root, format_templates(config, fmt))
                 for fmt in {j.fmt for j in jobs}}
    return {j.relpath: digest(careprint_digest(), config_values(config, j.edition, j.fmt),
                              templates[j.fmt], j.content, j.paper, ctx.source_date,
                              ctx.bleed, ctx.marks,
                              keep_html and j.fmt != "epub", j.relpath)
            for j in jobs}


def strict_failure(warnings: list[str]) -> CareprintError:
    return CareprintError(f"--strict: {len(warnings)} warnings; nothing was written:\n"
                          + "\n".join(f"  {w}" for w in warnings))


def source_keys(config: Config, views: list[EditionGuide], jobs: list[Job],
                root: Path) -> dict[str, str]:
    """What each target was made from, without the build's options: `check --outputs`
    compares it with the project as it is now (check/stale.py)."""
    templates = {fmt: template_sources(root, format_templates(config, fmt))
                 for fmt in {j.fmt for j in jobs}}
    return {j.relpath: digest(careprint_digest(), config_values(config, j.edition, j.fmt),
                              templates[j.fmt], j.content, j.relpath)
            for j in jobs}


def _up_to_date(out_dir: Path, manifest: dict) -> BuildReport | None:
    report = BuildReport()
    targets = manifest.get("targets", {})
    for rel in manifest.get("fast", {}).get("outputs", []):
        entry = targets.get(rel)
        if not entry or not unchanged(out_dir / rel, entry):
            return None
        report.written.append(Written(out_dir / rel, entry["pages"], entry["size"],
                                      tuple(entry["warnings"]), skipped=True))
    editions = sorted({rel.split("/", 1)[0] for rel in manifest["fast"]["outputs"]})
    report.foreign = foreign_files(out_dir, written_files(targets), editions)
    return report


# ---------------------------------------------------------------- rendering


def _layout_hint(entry: dict) -> tuple | None:
    """The layout a manifest entry recorded, or None if there is none (or it is damaged)."""
    try:
        return tuple((int(pages), {str(k): int(v) for k, v in anchors.items()})
                     for pages, anchors in entry["layout"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


_WORK: dict = {}  # what worker processes inherit (fork): set just before the pool starts


def render_jobs(jobs: list[Job], views: dict[str, EditionGuide], ctx: BuildContext,
                out_dir: Path, keep_html: bool, workers: int | None, progress) -> list:
    """Render `jobs` into temporary files; return [(job, result)] once every one succeeded.

    On any failure or interruption, every temporary file is removed and the error raised.
    """
    if not jobs:
        return []
    tag = os.urandom(4).hex()
    _WORK.update(jobs=jobs, views=views, ctx=ctx, out=out_dir, keep_html=keep_html, tag=tag)
    total = len(jobs)
    order = sorted(range(len(jobs)), key=lambda i: (-jobs[i].weight, jobs[i].relpath))
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    results = []

    def done(i, made):
        for job, res in made:
            results.append((job, res))
            if progress:
                w = Written(out_dir / job.relpath, res["pages"], res["size"],
                            tuple(res["warnings"]), False, res["seconds"])
                progress(f"rendered {job.relpath}", w, len(results), total)

    with collector_for_rendering():
        executor = None
        try:
            if workers == 1:
                for i in order:
                    done(i, _render_job(i))
            else:
                import multiprocessing
                from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

                executor = ProcessPoolExecutor(workers,
                                               mp_context=multiprocessing.get_context("fork"),
                                               initializer=_worker_signals,
                                               initargs=(os.getpid(),))
                futures = {executor.submit(_render_job, i): i for i in order}
                pending = set(futures)
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for f in finished:
                        done(futures[f], f.result())
            return results
        except BaseException:
            if executor is not None:
                for proc in list(getattr(executor, "_processes", {}).values()):
                    proc.terminate()
                executor.shutdown(wait=True, cancel_futures=True)
                executor = None
            for path in out_dir.rglob(f".*.{tag}.tmp"):
                path.unlink(missing_ok=True)
            raise
        finally:
            if executor is not None:
                executor.shutdown(wait=True)
            _WORK.clear()


@contextlib.contextmanager
def collector_for_rendering():
    """Python's cycle collector, kept off what outlives a render.

    WeasyPrint makes millions of short-lived objects, so the collector runs often, and each
    full collection scanned everything alive: the project, the templates, WeasyPrint's own
    modules and caches. That was 6% of a render. What is alive when rendering starts is now
    frozen (not scanned again, and forked workers inherit it without touching it), and after
    each job `_settle` collects that job's garbage and freezes what outlives it.

    The collection thresholds stay Python's: collecting the young generation less often
    saved another 1.5%, but let a 1,000-page guide's layout garbage pile up (400 MB at the
    peak instead of 300 MB).
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _settle() -> None:
    gc.collect()
    gc.freeze()


def _worker_signals(parent: int) -> None:
    """Workers leave Ctrl-C to the parent, which stops them and cleans up; SIGTERM from the
    parent ends a worker at once, without a traceback. A worker dies with the build, and
    holds no copy of its lock (buildlock.py): a killed build never holds up the next."""
    buildlock.die_with_parent(parent)
    buildlock.release_in_worker()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _render_job(i: int) -> list[tuple[Job, dict]]:
    """Render one job (in a worker process, or inline) into temporary files beside it."""
    job = _WORK["jobs"][i]
    started = time.perf_counter()
    ctx = replace(_WORK["ctx"], paper=job.paper) if job.paper else _WORK["ctx"]
    art = format_module(job.fmt).render(_WORK["views"][job.edition], ctx, job)
    target = _WORK["out"] / job.relpath
    files = [(str(_write_temp(target, art.data, _WORK["tag"])), str(target)),
             *_kept_html(target, art.html)]
    made = [(job, {"files": files, "pages": art.pages, "size": len(art.data),
                   "warnings": list(art.warnings), "seconds": time.perf_counter() - started,
                   "layout": [[p, a] for p, a in art.layout] if art.layout else None})]
    _settle()
    return made


def _kept_html(target: Path, html) -> list[tuple[str, str]]:
    """With --keep-html: the HTML WeasyPrint was given, beside `target`, as (temporary
    file, final path): a booklet's is that of its A5 pages, before imposition."""
    if not _WORK["keep_html"] or html is None:
        return []
    # a guide laid out in parts (render/parts.py) was handed to WeasyPrint part by part
    kept = ([(".html", html)] if isinstance(html, str) else
            [(f".part-{i:02d}.html", h) for i, h in enumerate(html, 1)])
    return [(str(_write_temp(target.with_suffix(suffix), text.encode("utf-8"), _WORK["tag"])),
             str(target.with_suffix(suffix))) for suffix, text in kept]


def _write_temp(target: Path, data: bytes, tag: str) -> Path:
    tmp = target.parent / f".{target.name}.{tag}.tmp"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    return tmp


def _rename(tmp: Path, final: Path) -> None:
    try:
        os.replace(tmp, final)
    except OSError as exc:
        raise OutputError(f"cannot write {final}: {exc.strerror or exc}") from None


