"""Shared fixtures and helpers for the careprint test suite.

The tests read real artefacts: PDFs through pypdf, EPUBs as zip files and through
EPUBCheck (the W3C validator, run from its jar). A missing tool is a failure, never a skip.
"""

from __future__ import annotations

import functools
import html
import json
import os
import re
import shutil
import signal
import subprocess
import zipfile
from pathlib import Path

import forkrun
import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]  # the repository: the bundled guide project
SOURCE_DATE_EPOCH = "1700000000"  # 2023-11-14T22:13:20Z, distinct from any configured date
SOURCE_DATE_ISO = "2023-11-14T22:13:20Z"
BUNDLED_EDITIONS = ("survivors", "partners", "groups")

# A suite started in the background (`nohup make test &`) inherits SIGINT ignored, and
# every careprint it starts would too: the tests that press Ctrl-C (SIGINT to a build, to
# `serve`) would see it ignored. With a handler here, each child starts with the default.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# The date a resource's check is aged against (careprint/source/region_view.py, today): fixed, so
# that the fixtures' verified_on dates and the bundled guide's never age out of the suite.
# Every careprint the suite runs, in process or as a subprocess, sees it.
TODAY = "2026-12-07"  # the day the newest entries of content/resources/ were checked
os.environ["CAREPRINT_TODAY"] = TODAY


# ---------------------------------------------------------------- running careprint


def careprint_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    env.update(extra)
    return env


def run_careprint(*args, cwd: Path | None = None, check: bool = False,
                  timeout: float = 300, allow_warnings: bool = False,
                  env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run `python -m careprint ARGS` (the real console path, careprint.cli:run), with
    `env` added to its environment: in a child of this worker's server (tests/forkrun.py),
    which has imported careprint and WeasyPrint already.

    A build that prints a warning fails the test, as WeasyPrint's own `assert_no_logs`
    does, unless the test says it expects one (`allow_warnings=True`).
    """
    proc = forkrun.run(list(map(str, args)), cwd, careprint_env(**(env or {})), timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"careprint {' '.join(map(str, args))} exited "
                             f"{proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    if not allow_warnings:
        assert_no_build_warnings(args, proc.stderr)
    return proc


WARNING_LINE = re.compile(r"^warning: ", re.M)


def assert_no_build_warnings(args, stderr: str) -> None:
    """Fail on a `warning:` line that `careprint build` printed (WeasyPrint, CSS, templates,
    worksheets running long): a warning nobody expected is a defect shipped silently."""
    if args and str(args[0]) == "build" and WARNING_LINE.search(stderr):
        lines = [line for line in stderr.splitlines() if WARNING_LINE.match(line)]
        raise AssertionError(f"careprint {' '.join(map(str, args))} printed unexpected "
                             "warnings (pass allow_warnings=True, or mark the test "
                             "@pytest.mark.allow_warnings, if they are expected):\n"
                             + "\n".join(lines))


@pytest.fixture(autouse=True)
def no_unexpected_build_warnings(request, monkeypatch):
    """Every in-process build (build(), or the CLI through CliRunner) of a test must end
    without warnings, unless the test is marked `@pytest.mark.allow_warnings`."""
    from careprint.pipeline import build as build_module

    reports = []
    original = build_module.BuildReport.__init__

    def init(self, *a, **kw):
        original(self, *a, **kw)
        reports.append(self)

    monkeypatch.setattr(build_module.BuildReport, "__init__", init)
    yield
    if request.node.get_closest_marker("allow_warnings"):
        return
    warnings = [w for report in reports for w in report.warnings]
    assert not warnings, ("a build printed unexpected warnings (mark the test "
                          "@pytest.mark.allow_warnings if they are expected):\n"
                          + "\n".join(warnings))


def copy_fixture(name: str, dest: Path) -> Path:
    """Copy tests/fixtures/NAME to DEST/NAME and return the copy."""
    src = FIXTURES / name
    assert src.is_dir(), f"no fixture project {src}"
    target = Path(dest) / name
    shutil.copytree(src, target)
    return target


@pytest.fixture
def fixture_project(tmp_path):
    """`fixture_project("minimal")` -> a fresh copy of that fixture project under tmp_path."""
    return lambda name: copy_fixture(name, tmp_path)


# The bundled guide's shared build: every edition, each format but large print and
# booklets on A4, and the printed ones again on US Letter, into one folder (as a clinic
# that prints on both papers would), and the Spanish EPUB and web edition. The tests that
# only read outputs share it.
SHARED_BUILDS = (
    ("--paper", "a4", "-f", "pdf", "-f", "handouts", "-f", "chapters", "-f", "epub",
     "-f", "html", "-f", "worksheets"),
    ("--paper", "letter", "-f", "pdf", "-f", "handouts", "-f", "chapters",
     "-f", "worksheets"),
    # the Spanish survivors' EPUB and web edition (issue 28), into languages/es/: ~15 s
    ("--language", "es", "-f", "epub", "-f", "html"),
)


def shared_dir(tmp_path_factory) -> Path:
    """A folder every pytest-xdist worker of this run sees (the base temp folder's parent
    under xdist: each worker has a base of its own beneath it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def bundled_build(tmp_path_factory) -> Path:
    """The bundled guide (the repository root) built once per test run (SHARED_BUILDS).

    Under pytest-xdist the workers share it: the first to ask builds it while holding a
    file lock, and the others wait on that lock, then read it. The builds check that no
    warning was printed (run_careprint). Tests read it and never change it: a test that
    must change outputs copies it first (shutil.copytree)."""
    def make(out: Path) -> str:
        for args in SHARED_BUILDS:
            run_careprint("build", ROOT, "--out", out, *args, check=True, timeout=1800)
        return "built\n"

    return made_once(tmp_path_factory, "bundled-build", make)[0]


def made_once(tmp_path_factory, name: str, make) -> tuple[Path, str]:
    """(the folder NAME, what `make(folder)` returned), made by the first pytest-xdist
    worker to ask, while it holds a file lock; the others wait on the lock, then read it.
    A folder left by a `make` that failed in another worker is made again."""
    from filelock import FileLock

    shared = shared_dir(tmp_path_factory)
    out, said = shared / name, shared / f"{name}.txt"
    with FileLock(str(shared / f"{name}.lock")):
        if not said.is_file():
            if out.exists():
                shutil.rmtree(out)
            said.write_text(make(out), "utf-8")
    return out, said.read_text("utf-8")


# what the shared print build adds to a copy of the shared build: the survivors' large
# print and booklets on the guide's paper (A4), which the tests of print products and of
# phone numbers both read
PRINT_BUILD = ("-e", "survivors", "-f", "large-print", "-f", "booklet", "--jobs", "2")


@pytest.fixture(scope="session")
def bundled_print_build(tmp_path_factory, bundled_build) -> tuple[Path, str]:
    """(a copy of the shared build with PRINT_BUILD built into it, what that build
    printed), made once per test run as bundled_build is. Tests read it and never change
    it."""
    def make(out: Path) -> str:
        shutil.copytree(bundled_build, out)
        proc = run_careprint("build", ROOT, "--out", out, *PRINT_BUILD, check=True,
                             timeout=1800)
        return proc.stdout + proc.stderr

    return made_once(tmp_path_factory, "bundled-print-build", make)


@pytest.fixture(scope="session")
def bundled_guide():
    """The bundled guide as careprint loads it (titles, summaries, editions...)."""
    from careprint.source.load import load_project

    return load_project(ROOT)


# ---------------------------------------------------------------- reading outputs


def squash(text: str) -> str:
    """Lower case, letters and digits only: robust to PDF line breaks, hyphenation and quotes."""
    text = text.replace("\u00ad", "")
    return re.sub(r"[\W_]+", "", text.lower())


def normalize(text: str) -> str:
    """Collapse every run of whitespace to one space."""
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()


def contains(haystack: str, needle: str) -> bool:
    """Whether `needle` appears in `haystack`, ignoring whitespace, punctuation and case."""
    n = squash(needle)
    assert len(n) >= 6, f"snippet too short to be distinctive: {needle!r}"
    return n in squash(haystack)


def figure_alts(pdf) -> list[str]:
    """The alternate text of each Figure in `pdf`'s structure tree."""
    from pypdf import PdfReader

    alts, stack = [], [PdfReader(pdf).trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if node.get("/S") == "/Figure":
                alts.append(str(node.get("/Alt")))
            if "/K" in node:
                stack.append(node["/K"])
    return alts


def pdf_text(path: Path) -> str:
    return "\n".join(pdf_pages(path))


def pdf_pages(path: Path) -> list[str]:
    """Each page's text, as pypdf extracts it. Many tests read the same PDFs of the shared
    build: each file is read once a worker, while its bytes stay as they were."""
    st = Path(path).stat()
    return list(_pdf_pages(str(path), st.st_mtime_ns, st.st_size, st.st_ino))


@functools.lru_cache(maxsize=512)
def _pdf_pages(path: str, mtime_ns: int, size: int, inode: int) -> tuple[str, ...]:
    from pypdf import PdfReader

    return tuple(page.extract_text() or "" for page in PdfReader(path).pages)


def epub_documents(path: Path) -> dict[str, str]:
    """Every XHTML content document of an EPUB: zip name -> markup."""
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xhtml")}


def epub_text(path: Path) -> str:
    """The visible text of every XHTML document of an EPUB."""
    parts = []
    for markup in epub_documents(path).values():
        body = re.sub(r"<[^>]+>", " ", markup)
        parts.append(html.unescape(body))
    return "\n".join(parts)


def epub_opf(path: Path) -> tuple[str, str]:
    """(the OPF's zip name, its text), found through META-INF/container.xml."""
    with zipfile.ZipFile(path) as z:
        container = z.read("META-INF/container.xml").decode("utf-8")
        m = re.search(r'full-path="([^"]+)"', container)
        assert m, f"{path}: container.xml names no rootfile"
        return m.group(1), z.read(m.group(1)).decode("utf-8")


# ---------------------------------------------------------------- EPUBCheck


EPUBCHECK_LOOP = Path(__file__).parent / "tools" / "EpubCheckLoop.java"
_CHECKER: dict = {}  # this worker's EPUBCheck process, and what it said


def _epubcheck_process():
    """This pytest worker's EPUBCheck (tests/tools/EpubCheckLoop.java): the jar that
    `careprint check` and `careprint doctor` find (careprint.check.tools), with their JVM
    flags, started once and fed one EPUB at a time. A Java start costs about 3.8 s of CPU,
    and the suite checks EPUBs over a hundred times. Fails (never skips) when Java or the
    jar is missing."""
    import queue
    import tempfile
    import threading

    from careprint.check.tools import EPUBCHECK_INSTALL, find_epubcheck

    proc = _CHECKER.get("proc")
    if proc is not None and proc.poll() is None:
        return proc
    cmd, why = find_epubcheck()
    assert cmd, f"EPUBCheck cannot run: {why} (install: {EPUBCHECK_INSTALL})"
    at = cmd.index("-jar")  # [java, *flags, "-jar", jar]
    log = tempfile.TemporaryFile("w+", encoding="utf-8")  # what it says besides its reports
    proc = subprocess.Popen([*cmd[:at], "-cp", cmd[at + 1], str(EPUBCHECK_LOOP)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                            text=True, encoding="utf-8")
    lines: queue.Queue = queue.Queue()

    def read() -> None:  # its lines, then None when it stops
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    _CHECKER.update(proc=proc, lines=lines, log=log)
    return proc


def _epubcheck_said() -> str:
    log = _CHECKER["log"]
    log.seek(0)
    return log.read()[-4000:]


def epubcheck(path: Path) -> list[dict]:
    """Run EPUBCheck 5 on `path`; return its messages (each with 'severity', 'ID', 'message').
    Fails (never skips) when EPUBCheck cannot run or gives no report."""
    import queue
    import tempfile

    proc = _epubcheck_process()
    path = Path(path).resolve()
    assert "\t" not in str(path) and "\n" not in str(path), path
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        proc.stdin.write(f"{path}\t{out}\n")
        proc.stdin.flush()
        while True:
            try:
                line = _CHECKER["lines"].get(timeout=300)
            except queue.Empty:
                line = None
            if line is None:  # it stopped, or hangs: the next check starts another
                proc.kill()
                raise AssertionError(f"EPUBCheck stopped or hung on {path}:\n"
                                     f"{_epubcheck_said()}")
            if line.startswith("careprint-epubcheck-done"):
                break
        assert out.is_file(), (f"EPUBCheck gave no JSON report ({line.strip()}):\n"
                               f"{_epubcheck_said()}")
        report = json.loads(out.read_text("utf-8"))
    assert report.get("checker", {}).get("checkerVersion", "").startswith("5."), \
        f"expected EPUBCheck 5, got {report.get('checker')}"
    return report["messages"]


def epubcheck_problems(messages: list[dict]) -> list[str]:
    """The messages of severity FATAL, ERROR or WARNING, formatted for an assertion."""
    out = []
    for m in messages:
        if m.get("severity") in ("FATAL", "ERROR", "WARNING"):
            where = ", ".join(f"{loc.get('path')}:{loc.get('line')}"
                              for loc in m.get("locations", []))
            out.append(f"{m['severity']} {m.get('ID')}: {m.get('message')} ({where})")
    return out


def kept_html(path: Path) -> str:
    """The HTML --keep-html kept beside a PDF: `path` itself, or, for a guide (laid out a
    chapter at a time: render/parts.py), its parts (NAME.part-01.html, ...) in order."""
    path = Path(path)
    if path.exists():
        return path.read_text("utf-8")
    parts = sorted(path.parent.glob(f"{path.stem}.part-*.html"))
    assert parts, f"no kept HTML for {path}"
    return "\n".join(p.read_text("utf-8") for p in parts)


# the test files that take longest, longest first (seconds of work in a full run on 2
# cores, December 2026): `make test` deals them to its workers first (pytest-xdist's
# --dist loadfile --no-loadscope-reorder keeps this order), so that no long file is left
# running alone at the end while the other workers idle. xdist's own order (the files
# with most tests first) dealt test_incremental_differential, three tests and three
# minutes, among the last.
LONGEST_FIRST = ("test_incremental_differential", "test_check", "test_bad_input",
                 "test_online", "test_web_layout", "test_parts", "test_rebuild_numbers",
                 "test_ebook_web", "test_print_products", "test_handout_sheet",
                 "test_incremental", "test_tools", "test_regions", "test_translations")


def pytest_sessionstart(session):
    """Each worker's careprint server (tests/forkrun.py), forked before any test runs;
    none in pytest-xdist's controller, which runs no test."""
    if hasattr(session.config, "workerinput") or session.config.getoption("dist", "no") == "no":
        forkrun.start()


def pytest_collection_modifyitems(items):
    """A test that reads the shared build of the bundled guide is slow (marked so for
    `make quick`): the build takes minutes the first time it is asked for. The longest
    files come first (LONGEST_FIRST); each file's tests keep their order."""
    for item in items:
        if "bundled_build" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(Path(str(item.fspath)).stem, len(rank)))
