"""The third stage of a build: rendering the stale targets, in worker processes.

Each job renders (render/registry.py: its format's `render`) into temporary files beside
its target, biggest first, in `--jobs` forked workers or inline. With the environment
variable CAREPRINT_JOB_ORDER_SEED set, the jobs are dealt in an order shuffled with that
seed instead (tests/test_incremental_differential.py: every output is the same whatever
the order, and whichever worker renders it). Without `--jobs`, the number of workers is
chosen from the cores and the memory available (`default_workers`: WORKER_MEMORY each).
A job's companions (formats made from its finished PDF: Format.from_base) are made from
the same bytes. Each result is a
results.Rendered; only when every job has succeeded does the build rename them into place
(careprint/pipeline/commit.py). On any failure or interruption every temporary file is removed.
"""

from __future__ import annotations

import contextlib
import gc
import os
import random
import signal
import time
from dataclasses import replace
from pathlib import Path

from ..errors import OutputError
from ..guard import outguard
from ..render import BuildContext, Job, registry
from ..source import i18n, reads
from ..source.editions import EditionGuide
from . import lock as buildlock
from .results import Rendered, Written

_WORK: dict = {}  # what worker processes inherit (fork): set just before the pool starts

# What one worker may need at its peak: a large guide laid out by WeasyPrint, or a large
# image decoded, took about 1.4 GB (issue 22, item 17). Without --jobs, no more workers
# start than the memory available holds at this much each.
WORKER_MEMORY = 1536 * 1024 * 1024


def default_workers(cpus: int | None, available: int | None,
                    per_worker: int = WORKER_MEMORY) -> int:
    """How many workers render when --jobs is not given: one a core, but no more than
    `available` bytes of memory hold at `per_worker` each; at least one. A figure that is
    unknown (None) does not limit."""
    workers = cpus if cpus and cpus > 0 else 1
    if available is not None and available >= 0:
        workers = min(workers, available // per_worker)
    return max(1, workers)


def available_memory(cgroup: str = "/sys/fs/cgroup") -> int | None:
    """Bytes of memory available to new processes without swapping: MemAvailable of
    /proc/meminfo on Linux, or less when the process's control group (a container, a CI
    job) allows less; the free physical pages elsewhere; None when nothing tells."""
    found = [m for m in (_meminfo_available(), cgroup_room(cgroup)) if m is not None]
    if found:
        return min(found)
    try:
        pages, size = os.sysconf("SC_AVPHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return None
    return pages * size if pages > 0 and size > 0 else None


def _meminfo_available() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def cgroup_room(folder: str) -> int | None:
    """What a cgroup v2 memory limit still allows (memory.max less memory.current), or
    None without a limit."""
    try:
        limit = Path(folder, "memory.max").read_text("ascii").strip()
        used = int(Path(folder, "memory.current").read_text("ascii").strip())
        return None if limit == "max" else max(int(limit) - used, 0)
    except (OSError, ValueError):
        return None


def cpu_cores() -> int | None:
    """The cores this process may run on (its affinity, where the system tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count()


def format_module(fmt: str) -> registry.Renderer:
    """The renderer of one format (the registered Format: jobs, render, ...)."""
    return registry.get(fmt)


def render_jobs(jobs: list[Job], views: dict[str, EditionGuide], ctx: BuildContext,
                out_dir: Path, keep_html: bool, workers: int | None, progress,
                companions: dict[str, list[Job]] | None = None, beside=None
                ) -> list[tuple[Job, Rendered]]:
    """Render `jobs` into temporary files; return [(job, result)] once every one succeeded.

    `beside()`, if given, is called in this process while the workers render (once they
    are forked: a process that forks must not run a thread of its own), or after the jobs
    when they are rendered here. On any failure or interruption, every temporary file is
    removed and the error raised.
    """
    if not jobs:
        return []
    tag = os.urandom(4).hex()
    _WORK.update(jobs=jobs, views=views, ctx=ctx, out=out_dir, keep_html=keep_html, tag=tag,
                 companions=companions or {})
    total = len(jobs) + sum(len(c) for c in (companions or {}).values())
    order = sorted(range(len(jobs)), key=lambda i: (-jobs[i].weight, jobs[i].relpath))
    if os.environ.get("CAREPRINT_JOB_ORDER_SEED"):  # tests: no output may depend on the order
        random.Random(os.environ["CAREPRINT_JOB_ORDER_SEED"]).shuffle(order)
    workers = max(1, min(workers or default_workers(cpu_cores(), available_memory()),
                         len(jobs)))
    results: list[tuple[Job, Rendered]] = []

    def done(made: list[tuple[Job, Rendered]]) -> None:
        for job, res in made:
            results.append((job, res))
            if progress:
                w = Written(out_dir / job.relpath, res.pages, res.size, res.warnings, False,
                            res.seconds)
                progress(f"rendered {job.relpath}", w, len(results), total)

    with collector_for_rendering():
        try:
            if workers == 1:
                for i in order:
                    done(_render_job(i))
                if beside:
                    beside()
            else:
                _in_pool(order, workers, done, beside)
            return results
        except BaseException:
            for path in out_dir.rglob(f".*.{tag}.tmp"):
                path.unlink(missing_ok=True)
            raise
        finally:
            _WORK.clear()


def _in_pool(order: list[int], workers: int, done, beside=None) -> None:
    """Render the jobs numbered `order` in `workers` forked processes, telling `done` of
    each as it finishes, and calling `beside()` once they are at work. On any failure or
    interruption the workers are stopped first."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_worker_signals, initargs=(os.getpid(),))
    try:
        pending = {executor.submit(_render_job, i) for i in order}
        if beside:  # the workers are forked at the first submit (the fork context)
            beside()
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in finished:
                done(f.result())
    except BaseException:
        for proc in list(getattr(executor, "_processes", {}).values()):
            proc.terminate()
        executor.shutdown(wait=True, cancel_futures=True)
        raise
    executor.shutdown(wait=True)


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


def _render_job(i: int) -> list[tuple[Job, Rendered]]:
    """Render one job (in a worker process, or inline) into temporary files beside it, and
    its companions (formats with Format.from_base) from the same PDF."""
    job = _WORK["jobs"][i]
    started = time.perf_counter()
    ctx = replace(_WORK["ctx"], paper=job.paper) if job.paper else _WORK["ctx"]
    view = _WORK["views"][job.edition]
    # what it reads is part of its key (reads.py); its words are in its guide's language
    with reads.recording() as read, i18n.active(i18n.for_config(view.config)):
        art = format_module(job.fmt).render(view, ctx, job)
    target = _WORK["out"] / job.relpath
    files = ((str(_write_temp(target, art.data, _WORK["tag"])), str(target)),
             *_kept_html(target, art.html))
    made = [(job, Rendered(files, art.pages, len(art.data), tuple(art.warnings),
                           time.perf_counter() - started,
                           [list(item) for item in art.layout] if art.layout else None,
                           dict(read), tuple(art.parts)))]
    for companion in _WORK["companions"].get(job.relpath, ()):
        started = time.perf_counter()
        from_base = format_module(companion.fmt).from_base
        assert from_base is not None  # a companion is made from its base's PDF (decide.py)
        data, sides = from_base(art.data)
        path = _WORK["out"] / companion.relpath
        files = ((str(_write_temp(path, data, _WORK["tag"])), str(path)),
                 *_kept_html(path, art.html))
        made.append((companion, Rendered(files, sides, len(data), (),
                                         time.perf_counter() - started, reads=dict(read))))
    # the output guard reads what this worker wrote, in parallel (careprint/guard/outguard.py)
    made = [(j, replace(r, found=outguard.findings(r.files, _WORK["out"]))) for j, r in made]
    _settle()
    return made


def unmarked(html: str) -> str:
    """`html` without the marks of a clinic's blocks (render/stamps.py), which carry a
    word of the process's own: the kept HTML is the same in every build."""
    from ..render.stamps import BEGIN, END, MARK

    return html.replace(BEGIN, "").replace(END, "").replace(MARK, "")


def _kept_html(target: Path, html) -> list[tuple[str, str]]:
    """With --keep-html: the HTML WeasyPrint was given, beside `target`, as (temporary
    file, final path): a right-to-left document's with its styles mirrored, as
    render/weasy.py hands it over. A booklet made from its guide's render keeps that same
    HTML."""
    from ..render.mirror import mirrored_html

    if not _WORK["keep_html"] or html is None:
        return []
    # a guide laid out in parts (render/parts.py) was handed to WeasyPrint part by part
    kept = ([(".html", html)] if isinstance(html, str) else
            [(f".part-{i:02d}.html", h) for i, h in enumerate(html, 1)])
    return [(str(_write_temp(target.with_suffix(suffix),
                             mirrored_html(unmarked(text)).encode("utf-8"),
                             _WORK["tag"])),
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
