"""Nothing lost, nothing hung: the build folder's lock, and the manifest as the only list of
what careprint wrote (pruning, SHA256SUMS, files careprint did not write, --strict)."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import careprint_env, copy_fixture, run_careprint

from careprint.errors import CareprintError
from careprint.pipeline.build import build

ENV = {"SOURCE_DATE_EPOCH": "1700000000"}


def built(project: Path, **kw):
    kw.setdefault("jobs", 1)
    return build(project, environ=ENV, **kw)


def checksummed(folder: Path) -> set[str]:
    return {line.split("  ", 1)[1] for line in (folder / "SHA256SUMS").read_text().splitlines()}


def files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and p.name != "SHA256SUMS"}


# ---------------------------------------------------------------- what careprint did not write


def test_a_file_careprint_did_not_write_is_kept_unlisted_and_mentioned_once(tmp_path):
    project = copy_fixture("worksheets", tmp_path)
    args = ("build", project, "-e", "a", "-f", "worksheets", "--jobs", "1")
    run_careprint(*args, check=True)
    client = project / "build/a/worksheets/filled-in-by-client.pdf"
    client.write_text("x\n")
    proc = run_careprint(*args, "--force", check=True)
    assert client.read_text() == "x\n"
    folder = project / "build/a"
    assert "worksheets/filled-in-by-client.pdf" not in checksummed(folder)
    assert checksummed(folder) == files(folder) - {"worksheets/filled-in-by-client.pdf"}
    assert "filled-in-by-client" not in proc.stdout  # not reported as an output
    assert proc.stderr.count("filled-in-by-client") == 1, proc.stderr
    assert (f"note: {client} was not written by careprint; left in place and not listed "
            "in SHA256SUMS") in proc.stderr
    # an up-to-date build, which stops early, says so too
    again = run_careprint(*args, check=True)
    assert "0 files" in again.stdout and again.stderr.count("filled-in-by-client") == 1


def test_removed_chapter_leaves_nothing_behind_in_any_format(tmp_path):
    """Its handout, the handout's kept HTML and booklet, and its web page all go, and
    SHA256SUMS no longer lists them."""
    project = copy_fixture("two-editions", tmp_path)
    kw = {"editions": ["b"], "formats": ["html", "handouts", "booklet"], "keep_html": True}
    built(project, **kw)
    folder = project / "build/b"
    made = {f for f in files(folder) if "b-extra" in f}
    assert made >= {"html/03-b-extra.html", "handouts/twin-b-ch03-b-extra-a4.pdf",
                    "handouts/twin-b-ch03-b-extra-a4.html",
                    "handouts/twin-b-ch03-b-extra-booklet-a4.pdf"}
    (project / "content/chapters/03-b-extra.md").unlink()
    report = built(project, **kw)
    assert {f for f in files(folder) if "b-extra" in f} == set()
    assert checksummed(folder) == files(folder)
    assert report.foreign == []
    manifest = json.loads((project / "build/.careprint/manifest.json").read_text())
    assert not [rel for rel in manifest["targets"] if "b-extra" in rel]


def test_a_removed_output_someone_changed_is_left_in_place(tmp_path):
    project = copy_fixture("two-editions", tmp_path)
    built(project, editions=["b"], formats=["html"])
    page = project / "build/b/html/03-b-extra.html"
    page.write_text(page.read_text() + "<!-- my notes -->\n")
    (project / "content/chapters/03-b-extra.md").unlink()
    report = built(project, editions=["b"], formats=["html"])
    assert page.read_text().endswith("<!-- my notes -->\n")
    assert report.foreign == [page]
    assert "html/03-b-extra.html" not in checksummed(project / "build/b")


def test_what_another_careprint_version_wrote_is_still_pruned(tmp_path):
    """After an upgrade the old keys mean nothing, but the old record of files still does."""
    project = copy_fixture("two-editions", tmp_path)
    built(project, editions=["b"], formats=["html"])
    path = project / "build/.careprint/manifest.json"
    path.write_text(path.read_text().replace('"careprint": "', '"careprint": "0.0.0-old'))
    (project / "content/chapters/03-b-extra.md").unlink()
    report = built(project, editions=["b"], formats=["html"])
    assert not (project / "build/b/html/03-b-extra.html").exists()
    assert report.foreign == []


def test_a_manifest_cannot_point_careprint_at_a_file_outside_the_build_folder(tmp_path):
    """A downloaded project may come with a build/ folder of its own."""
    project = copy_fixture("two-editions", tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    st = victim.stat()
    built(project, editions=["b"], formats=["epub"])
    path = project / "build/.careprint/manifest.json"
    manifest = json.loads(path.read_text())
    manifest["targets"]["b/../../../victim.txt"] = {"size": st.st_size,
                                                    "mtime_ns": st.st_mtime_ns}
    path.write_text(json.dumps(manifest))
    built(project, editions=["b"], formats=["epub"], force=True)
    assert victim.read_text() == "keep me\n"
    assert "victim" not in (project / "build/b/SHA256SUMS").read_text()


# ---------------------------------------------------------------- --strict and --keep-html


@pytest.mark.parametrize("edit", [False, True], ids=["no-op", "other-input-changed"])
@pytest.mark.allow_warnings  # the strict build fails on them; the first build warns
def test_strict_fails_on_the_warnings_of_outputs_it_keeps(tmp_path, edit):
    """The long worksheet's warning was given when it was rendered; a later --strict build
    that keeps it, whether it stops early or skips that target, fails on it."""
    project = copy_fixture("worksheets", tmp_path)
    kw = {"editions": ["b"], "formats": ["worksheets"]}
    assert any("long-log.yaml" in w for w in built(project, **kw).warnings)
    if edit:  # the project changed, but not in anything the worksheets use
        chapter = project / "content/chapters/01-start.md"
        chapter.write_text(chapter.read_text() + "\nOne more sentence.\n")
    with pytest.raises(CareprintError, match=r"(?s)--strict: 1 warnings.*long-log\.yaml"):
        built(project, strict=True, **kw)


def test_keep_html_gives_a_booklet_the_same_files_built_alone_or_with_its_pdf(tmp_path):
    together = copy_fixture("two-editions", tmp_path / "together")
    alone = copy_fixture("two-editions", tmp_path / "alone")
    built(together, editions=["a"], formats=["pdf", "booklet"], keep_html=True)
    built(alone, editions=["a"], formats=["booklet"], keep_html=True)

    def booklets(project):
        folder = project / "build/a"
        return {f: (folder / f).read_bytes() for f in files(folder) if "booklet" in f}

    made = booklets(together)
    assert "twin-a-booklet-a4.part-01.html" in made  # laid out a chapter at a time
    assert made == booklets(alone)
    assert "twin-a-booklet-a4.part-01.html" in checksummed(together / "build/a")


# ---------------------------------------------------------------- the lock


class Lines:
    """The lines a process writes to a pipe, read as they come; wait for one with a deadline."""

    def __init__(self, stream):
        self.seen, self._queue = [], queue.Queue()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, text: str, timeout: float = 120) -> str:
        while True:
            try:
                line = self._queue.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no line with {text!r} in {timeout} s: {self.seen}") from None
            if line is None:
                raise AssertionError(f"no line with {text!r}: {self.seen}")
            self.seen.append(line)
            if text in line:
                return line

    def rest(self, timeout: float = 60) -> list[str]:
        """Every line to the end of the stream (the process has ended)."""
        while (line := self._queue.get(timeout=timeout)) is not None:
            self.seen.append(line)
        return self.seen


HOLD = """
import sys
from pathlib import Path
from careprint.pipeline.lock import build_lock
with build_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.read()
"""


def python(code: str, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=careprint_env())


def test_a_waiting_build_names_the_process_that_holds_the_lock(tmp_path):
    project = copy_fixture("minimal", tmp_path)
    holder = python(HOLD, project / "build")
    try:
        assert holder.stdout.readline() == "locked\n"
        proc = subprocess.Popen([sys.executable, "-m", "careprint", "build", str(project),
                                 "-f", "epub"], env=careprint_env(), text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = Lines(proc.stderr).wait_for("waiting")
        assert line == (f"another careprint build (PID {holder.pid}) is writing to "
                        f"{project / 'build'}; waiting for it\n")
        holder.stdin.close()  # the first build ends; the second goes on
        assert proc.wait(timeout=120) == 0
        assert (project / "build/.careprint.lock").read_text() == ""  # names no one at rest
    finally:
        holder.kill()
        holder.wait()


# a build, killed, whose lock is still held by a process it started: the worker of an
# older careprint (whose lock file names no one), or of one that names the build
ORPHAN = """
import fcntl, json, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX)
if sys.argv[2] == "named":
    start = open("/proc/self/stat").read().rsplit(")", 1)[1].split()[19]
    boot = open("/proc/sys/kernel/random/boot_id").read().strip()
    where = f"{boot} {os.readlink('/proc/self/ns/pid')}"
    record = {"pid": os.getpid(), "start": start, "where": where}
    os.write(fd, (json.dumps(record) + "\\n").encode())
if os.fork() == 0:
    print(os.getpid(), flush=True)
    sys.stdin.read()
os._exit(0)
"""


@pytest.mark.parametrize("record", ["named", "older-careprint"])
def test_a_lock_whose_holder_has_ended_blocks_no_one(tmp_path, record):
    project = copy_fixture("minimal", tmp_path)
    (project / "build").mkdir()
    killed = python(ORPHAN, project / "build/.careprint.lock", record)
    orphan = int(killed.stdout.readline())
    try:
        assert killed.wait(timeout=60) == 0
        proc = run_careprint("build", project, "-f", "epub", timeout=120)
        assert proc.returncode == 0, proc.stderr
        if record == "named":
            assert (f"the careprint build (PID {killed.pid}) that held "
                    f"{project / 'build/.careprint.lock'} has ended") in proc.stderr
        else:
            assert "is held, but not by a running careprint build" in proc.stderr
        assert list((project / "build").rglob("*.epub"))
    finally:
        killed.stdin.close()
        with contextlib.suppress(ProcessLookupError):
            os.kill(orphan, signal.SIGKILL)


def test_a_lock_file_that_is_a_symlink_is_refused_not_written_through(tmp_path):
    """A downloaded project may come with a build/ folder of its own."""
    project = copy_fixture("minimal", tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    (project / "build").mkdir()
    (project / "build/.careprint.lock").symlink_to(victim)
    proc = run_careprint("build", project, "-f", "epub")
    assert proc.returncode == 1, proc.stderr
    assert f"{project / 'build/.careprint.lock'} is a symbolic link" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert victim.read_text() == "keep me\n"


ELSEWHERE = """
import fcntl, json, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX)
record = {"pid": int(sys.argv[2]), "start": "1", "where": "another machine"}
os.write(fd, (json.dumps(record) + "\\n").encode())
print("locked", flush=True)
sys.stdin.read()
"""


def test_a_build_whose_pid_cannot_be_looked_up_here_is_waited_for(tmp_path):
    """A build in a container or on another machine sharing the folder: no process here
    has its PID, yet it is running. The lock is waited for, not taken over."""
    project = copy_fixture("minimal", tmp_path)
    (project / "build").mkdir()
    ended = subprocess.Popen(["true"])
    ended.wait()
    holder = python(ELSEWHERE, project / "build/.careprint.lock", ended.pid)
    try:
        assert holder.stdout.readline() == "locked\n"
        proc = subprocess.Popen([sys.executable, "-m", "careprint", "build", str(project),
                                 "-f", "epub"], env=careprint_env(), text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        lines = Lines(proc.stderr)
        assert f"(PID {ended.pid}) is writing to" in lines.wait_for("waiting")
        holder.stdin.close()
        assert proc.wait(timeout=120) == 0
        assert not [line for line in lines.rest() if "taking it over" in line], lines.seen
    finally:
        holder.kill()
        holder.wait()


# ---------------------------------------------------------------- an output someone changed


def fill_in(pdf: Path) -> bytes:
    """What a PDF viewer does on saving a filled-in form: an incremental update appended to
    the file (pypdf), saved in place."""
    from pypdf import PdfWriter

    writer = PdfWriter(pdf, incremental=True)
    writer.add_metadata({"/Subject": "my answers"})
    with open(pdf, "wb") as fh:
        writer.write(fh)
    return pdf.read_bytes()


@pytest.mark.allow_warnings  # the build says it kept the changed worksheet
@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_a_worksheet_filled_in_in_place_is_never_overwritten(tmp_path, force):
    project = copy_fixture("worksheets", tmp_path)
    args = ("build", project, "-e", "a", "-f", "worksheets", "--only", "all-fields",
            "--jobs", "1")
    run_careprint(*args, check=True)
    folder = project / "build/a"
    [sheet] = [p for p in (folder / "worksheets").glob("*.pdf")]
    answers = fill_in(sheet)
    chapter = project / "content/worksheets/all-fields.yaml"  # the worksheet changes too
    chapter.write_text(chapter.read_text().replace("title:", "title: New", 1))
    proc = run_careprint(*args, *(["--force"] if force else []), allow_warnings=True)
    assert proc.returncode == 0, proc.stderr
    assert sheet.read_bytes() == answers
    assert (f"warning: {sheet}: changed since careprint wrote it (filled in?); it was kept "
            "as it is, not rebuilt, and is not listed in SHA256SUMS. To keep it, move it out "
            "of the build folder; to have careprint make it again, delete it and build "
            "again") in proc.stderr
    assert proc.stderr.count(sheet.name) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert sheet.relative_to(folder).as_posix() not in checksummed(folder)
    # the next build, which has nothing to do, says so again and still keeps it
    again = run_careprint(*args, allow_warnings=True)
    assert again.returncode == 0 and sheet.read_bytes() == answers
    assert again.stderr.count(f"{sheet}: changed since careprint wrote it") == 1
    # --strict fails on it, writing nothing
    strict = run_careprint(*args, "--strict", allow_warnings=True)
    assert strict.returncode == 1 and "changed since careprint wrote it" in strict.stderr
    assert sheet.read_bytes() == answers
    # deleted, it is made again, and listed
    sheet.unlink()
    run_careprint(*args, check=True)
    assert sheet.read_bytes() != answers
    assert sheet.relative_to(folder).as_posix() in checksummed(folder)


def test_an_output_only_touched_is_still_careprints(tmp_path):
    """A copy of the build folder, or `touch`, changes a file's time, not its bytes: it is
    still careprint's, replaced and listed as before."""
    project = copy_fixture("two-editions", tmp_path)
    built(project, editions=["b"], formats=["html"])
    page = project / "build/b/html/03-b-extra.html"
    os.utime(page, ns=(1, 1))
    report = built(project, editions=["b"], formats=["html"])
    assert report.changed == [] and report.foreign == []
    assert "html/03-b-extra.html" in checksummed(project / "build/b")


# ---------------------------------------------------------------- --out: careprint's own folder


def refused(*args, cwd=None) -> str:
    proc = run_careprint("build", *args, "-e", "a", "-f", "epub", "--jobs", "1", cwd=cwd)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    return proc.stderr


def test_out_a_folder_that_is_not_a_careprint_build_folder_is_refused(tmp_path):
    project = copy_fixture("two-editions", tmp_path)
    site = tmp_path / "site"
    (site / "css").mkdir(parents=True)
    (site / "index.html").write_text("<p>my site</p>\n")
    (site / "css/site.css").write_text("p {}\n")
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    err = refused(project, "--out", site)
    assert (f"--out {site} is not a careprint build folder (it has no "
            ".careprint/manifest.json) and is not empty: it holds css/site.css, index.html. "
            "A build would replace its files (index.html, SHA256SUMS); build into a new or "
            "empty folder, or into the build folder of an earlier build") in err
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    # an empty folder, and the build folder of an earlier build, are careprint's to write
    (tmp_path / "empty").mkdir()
    for _ in ("empty", "now careprint's"):
        run_careprint("build", project, "-e", "a", "-f", "epub", "--out", tmp_path / "empty",
                      check=True)


@pytest.mark.parametrize("out", ["", ".", "content", "content/new", "templates"])
def test_out_the_project_or_its_sources_or_nothing_is_refused(tmp_path, out):
    project = copy_fixture("two-editions", tmp_path)
    (project / "templates").mkdir(exist_ok=True)
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    err = refused(".", "--out", out, cwd=project)
    if out == "":
        assert "--out is empty: name the folder to write the outputs to, such as build " \
            "(the default)" in err
    elif out == ".":
        assert f"--out {project} is the project folder, or holds it" in err
    else:
        assert f"--out {project / out} is in the project's {out.split('/')[0]}/ " \
            "folder, which the build reads" in err
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("linked", ["build", "build/a"], ids=["build-folder", "edition"])
def test_a_build_folder_or_edition_folder_that_is_a_symlink_is_refused(tmp_path, linked):
    project = copy_fixture("two-editions", tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "index.html").write_text("keep me\n")
    if linked == "build/a":
        run_careprint("build", project, "-e", "a", "-f", "epub", check=True)
        shutil.rmtree(project / "build/a")
    (project / linked).symlink_to(elsewhere)
    for force in ([], ["--force"]):
        err = refused(project, *force)
        where = f"--out {project / linked}" if linked == "build" else str(project / linked)
        assert (f"{where} is a symbolic link (to {elsewhere}); careprint never writes "
                "through one. Make it a real folder, or build with --out into a folder of "
                "its own") in err
    assert [p.name for p in elsewhere.iterdir()] == ["index.html"]
    assert (elsewhere / "index.html").read_text() == "keep me\n"


def test_a_build_killed_while_it_renames_leaves_nothing_taken_for_a_changed_file(
        tmp_path, monkeypatch):
    """The files renamed into place before the manifest records them are still known as
    careprint's (.careprint/pending.json): the next build replaces them and lists them."""
    from careprint.pipeline import commit

    project = copy_fixture("two-editions", tmp_path)
    built(project, editions=["b"], formats=["html"])
    chapter = project / "content/chapters/03-b-extra.md"
    chapter.write_text(chapter.read_text() + "\nA new last sentence.\n")
    real = commit._rename

    def killed_after(tmp, final):
        real(tmp, final)
        if final.name == "03-b-extra.html":
            raise KeyboardInterrupt  # as a kill -9 would stop it, before the manifest

    monkeypatch.setattr(commit, "_rename", killed_after)
    with pytest.raises(KeyboardInterrupt):
        built(project, editions=["b"], formats=["html"])
    monkeypatch.setattr(commit, "_rename", real)
    page = project / "build/b/html/03-b-extra.html"
    assert "A new last sentence." in page.read_text()
    report = built(project, editions=["b"], formats=["html"])
    assert report.changed == [] and report.foreign == []
    assert "html/03-b-extra.html" in checksummed(project / "build/b")
    assert not (project / "build/.careprint/pending.json").exists()


@pytest.mark.allow_warnings  # the build says it kept the changed HTML
def test_kept_html_someone_changed_is_kept_while_its_pdf_is_rebuilt(tmp_path):
    project = copy_fixture("two-editions", tmp_path)
    kw = {"editions": ["b"], "formats": ["handouts"], "only": ["b-extra"], "keep_html": True}
    built(project, **kw)
    folder = project / "build/b"
    html = folder / "handouts/twin-b-ch03-b-extra-a4.html"
    pdf = html.with_suffix(".pdf")
    html.write_text(html.read_text() + "<!-- my notes -->\n")
    chapter = project / "content/chapters/03-b-extra.md"
    chapter.write_text(chapter.read_text() + "\nA new last sentence.\n")
    report = built(project, **kw)
    assert html.read_text().endswith("<!-- my notes -->\n")
    assert [w.path for w in report.rendered] == [pdf]  # made again, beside the kept HTML
    assert report.changed == [html]
    assert "handouts/twin-b-ch03-b-extra-a4.html" not in checksummed(folder)
    assert "handouts/twin-b-ch03-b-extra-a4.pdf" in checksummed(folder)
