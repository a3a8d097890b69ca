"""The editor's and printer's tools: init, serve, progress, doctor, large print, booklets,
print-shop marks."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import careprint_env, copy_fixture, figure_alts, kept_html, run_careprint
from pypdf import PdfReader

from careprint.cli import main
from careprint.render.booklet import booklet_order

# ---------------------------------------------------------------- init


def test_init_then_build_and_check(tmp_path):
    project = tmp_path / "my-guide"
    result = CliRunner().invoke(main, ["init", str(project), "--title", "My Guide"])
    assert result.exit_code == 0, result.output
    assert "created" in result.output
    for rel in ("careprint.toml", "content/chapters/01-welcome.md",
                "content/worksheets/first-steps.yaml", "content/resources/support.yaml",
                "templates/theme.css"):
        assert (project / rel).is_file(), rel
    assert "::: only" in (project / "content/chapters/01-welcome.md").read_text()
    run_careprint("build", project, check=True)
    assert (project / "build/survivors/my-guide-survivors-a4.pdf").is_file()
    assert (project / "build/partners/worksheets"
            / "my-guide-partners-worksheet01-first-steps-a4.pdf").is_file()
    check = run_careprint("check", project, "--strict")
    assert check.returncode == 0, check.stdout + check.stderr


def test_init_refuses_to_overwrite_without_force(tmp_path):
    project = tmp_path / "g"
    CliRunner().invoke(main, ["init", str(project)])
    toml = project / "careprint.toml"
    toml.write_text("# mine\n" + toml.read_text())
    result = CliRunner().invoke(main, ["init", str(project)])
    assert result.exit_code == 1
    assert "already exist" in result.output and "--force" in result.output
    assert toml.read_text().startswith("# mine")
    result = CliRunner().invoke(main, ["init", str(project), "--force"])
    assert result.exit_code == 0
    assert not toml.read_text().startswith("# mine")


def test_project_templates_override_the_defaults_file_by_file(tmp_path):
    project = copy_fixture("two-editions", tmp_path)
    (project / "templates").mkdir()
    from careprint.render import PACKAGE_TEMPLATES

    theme = (PACKAGE_TEMPLATES / "theme.css").read_text()  # a whole theme: no warnings
    (project / "templates/theme.css").write_text(theme + ":root { --accent: #123456; }\n")
    run_careprint("build", project, "-f", "pdf", "-e", "a", "--keep-html", check=True)
    html = kept_html(project / "build/a/twin-a-a4.html")
    assert "--accent: #123456" in html  # the project's theme.css
    assert "Before you begin" in html  # the bundled guide.html


# ---------------------------------------------------------------- serve


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def wait_for(url: str, predicate, timeout: float = 20) -> tuple[int, str]:
    deadline = time.monotonic() + timeout
    last = (0, "")
    while time.monotonic() < deadline:
        try:
            last = fetch(url)
            if predicate(*last):
                return last
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {url}; last: {last[0]} {last[1][:500]}")


def test_serve_previews_rebuilds_shows_errors_and_recovers(tmp_path):
    project = copy_fixture("two-editions", tmp_path)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "careprint", "serve", str(project),
                             "--edition", "b", "--port", str(port)], env=careprint_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        status, page = wait_for(f"{base}/01-start.html", lambda s, b: s == 200)
        assert "juniper kites" in page and "/__careprint/reload.js" in page
        chapter = project / "content/chapters/01-start.md"
        original = chapter.read_text()
        chapter.write_text(original.replace("quiet lanterns", "bright lanterns"))
        wait_for(f"{base}/01-start.html", lambda s, b: "bright lanterns" in b)
        chapter.write_text(original.replace("title: Getting started", "titel: Broken"))
        status, page = wait_for(f"{base}/01-start.html", lambda s, b: s == 500)
        assert "content/chapters/01-start.md:2" in page
        chapter.write_text(original)
        status, page = wait_for(f"{base}/01-start.html", lambda s, b: s == 200)
        assert "quiet lanterns" in page
        state = json.loads(fetch(f"{base}/__careprint/state")[1])
        assert state["error"] is None and state["version"] >= 4
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "Stopped the preview." in err
    assert f"127.0.0.1:{port}" in err


class Lines:
    """The lines a process prints on a pipe, read as they come (no sleeps: a test waits
    for the line it expects, with a timeout)."""

    def __init__(self, pipe):
        import queue
        import threading

        self.queue, self.seen = queue.Queue(), []
        threading.Thread(target=self._read, args=(pipe,), daemon=True).start()

    def _read(self, pipe):
        for line in pipe:
            self.queue.put(line.rstrip("\n"))
        self.queue.put(None)

    def wait_for(self, predicate, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while True:
            line = self.queue.get(timeout=max(0.01, deadline - time.monotonic()))
            assert line is not None, "the process ended:\n" + "\n".join(self.seen)
            self.seen.append(line)
            if predicate(line):
                return line


def test_serve_prints_each_rebuild_and_each_error(tmp_path):
    project = copy_fixture("two-editions", tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "careprint", "serve", str(project),
                             "--edition", "b", "--port", "0"], env=careprint_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = Lines(proc.stderr)
    try:
        err.wait_for(lambda ln: ln.startswith("Serving the b edition at http://127.0.0.1:"))
        chapter = project / "content/chapters/01-start.md"
        original = chapter.read_text()
        chapter.write_text(original.replace("quiet lanterns", "bright lanterns"))
        line = err.wait_for(lambda ln: ln.startswith("Rebuilt"))
        assert re.fullmatch(r"Rebuilt the b edition in \d+\.\d s \(\d+ files? changed\)",
                            line), line
        chapter.write_text(original.replace("title: Getting started", "titel: Broken"))
        err.wait_for(lambda ln: ln.startswith("  content/chapters/01-start.md:2: "))
        chapter.write_text(original)
        err.wait_for(lambda ln: ln.startswith("Rebuilt the b edition"))
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
    assert proc.returncode == 0
    assert not any("Traceback" in ln for ln in err.seen)


def test_serve_on_a_busy_port_suggests_another(tmp_path):
    project = copy_fixture("two-editions", tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = run_careprint("serve", project, "--port", port, timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"cannot serve on 127.0.0.1:{port}: Address already in use; serve on another " \
        "port with --port N, or on any free one with --port 0" in proc.stderr


# ---------------------------------------------------------------- progress and doctor


def test_plain_progress_lines_quiet_and_verbose(tmp_path):
    project = copy_fixture("minimal", tmp_path)
    plain = run_careprint("build", project, "-f", "pdf", "-f", "epub", "--force", check=True)
    assert re.search(r"^rendered .*\.pdf  \(\d+ pages, \d+ KiB\)$", plain.stdout, re.M)
    verbose = run_careprint("build", project, "-f", "pdf", "--force", "-v", check=True)
    assert re.search(r"^rendered .*\.pdf  \(.*\) in \d+\.\d\d s$", verbose.stdout, re.M)
    quiet = run_careprint("build", project, "-f", "pdf", "--force", "-q", check=True)
    assert "rendered" not in quiet.stdout
    assert re.match(r"Built 1 file \(\d+ KiB\) in \d+\.\d s\.\nThe outputs are in ",
                    quiet.stdout)


def test_doctor_reports_versions():
    result = run_careprint("doctor", check=True)
    assert re.search(r"^ok  WeasyPrint: \d+", result.stdout, re.M)
    assert re.search(r"^ok  Pango: 1\.\d+", result.stdout, re.M)
    assert re.search(r"^ok  EPUBCheck: 5\.", result.stdout, re.M)
    assert "HarfBuzz subsetter" in result.stdout


# ---------------------------------------------------------------- large print, booklets


@pytest.fixture(scope="module")
def print_build(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("print")
    project = copy_fixture("two-editions", tmp)
    run_careprint("build", project, "-e", "b", "-f", "large-print", "-f", "booklet",
                  "-f", "pdf", check=True)
    return project / "build/b"


def font_sizes(path: Path) -> list[float]:
    """Effective font sizes of the body text drawn on every page."""
    sizes = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            sizes.append(round(size * scale, 1))

    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
    return sizes


def test_large_print_body_text_is_at_least_18pt(print_build):
    guide = print_build / "twin-b-large-print-a4.pdf"
    handout = print_build / "handouts/twin-b-ch01-start-large-print-a4.pdf"
    for path in (guide, handout):
        sizes = font_sizes(path)
        body = max(set(sizes), key=sizes.count)  # the most common size is the body text
        assert body >= 18, (path, sorted(set(sizes)))
    normal = font_sizes(print_build / "twin-b-a4.pdf")
    assert max(set(normal), key=normal.count) < 13


def test_large_print_is_sans_serif_and_not_italic(print_build):
    reader = PdfReader(print_build / "twin-b-large-print-a4.pdf")
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("Serif" not in f and "Italic" not in f and "Oblique" not in f
                         for f in fonts), fonts


@pytest.mark.parametrize("pages, expected", [
    (8, [(8, 1), (2, 7), (6, 3), (4, 5)]),
    (12, [(12, 1), (2, 11), (10, 3), (4, 9), (8, 5), (6, 7)]),
    (6, [(None, 1), (2, None), (6, 3), (4, 5)]),
])
def test_booklet_page_order(pages, expected):
    assert booklet_order(pages) == expected


def test_booklet_pdf_is_imposed_two_up_in_folding_order(print_build):
    normal = PdfReader(print_build / "twin-b-a4.pdf")
    booklet = PdfReader(print_build / "twin-b-booklet-a4.pdf")
    assert len(booklet.pages) % 2 == 0  # both sides of each sheet
    # A5 pages, two to an A4 sheet printed landscape (tests/test_print_products.py)
    assert float(booklet.pages[0].mediabox.width) == pytest.approx(841.89, abs=0.5)
    assert float(booklet.pages[0].mediabox.height) == pytest.approx(595.28, abs=0.5)
    # the first side carries the last page on the left and page 1 on the right
    first = booklet.pages[0].extract_text()
    assert normal.pages[0].extract_text().split("\n")[0] in first


def test_bleed_and_marks_enlarge_the_page(tmp_path):
    project = copy_fixture("minimal", tmp_path)
    run_careprint("build", project, "-f", "pdf", check=True)
    plain = next((project / "build").rglob("*.pdf"))
    width = float(PdfReader(plain).pages[0].mediabox.width)
    run_careprint("build", project, "-f", "pdf", "--bleed", "3mm", "--marks", check=True)
    page = PdfReader(plain).pages[0]
    assert float(page.mediabox.width) > width + 2 * 3 * 72 / 25.4 - 0.5
    assert "/BleedBox" in page and "/TrimBox" in page


def test_bad_bleed_is_a_clear_error(tmp_path):
    project = copy_fixture("minimal", tmp_path)
    proc = run_careprint("build", project, "--bleed", "lots")
    assert proc.returncode == 1
    assert "--bleed 'lots': expected a length such as 3mm" in proc.stderr


def test_shell_completion_completes_commands_and_formats():
    import os

    env = {**os.environ, "COMP_WORDS": "careprint bu", "COMP_CWORD": "1",
           "_CAREPRINT_COMPLETE": "bash_complete"}
    proc = subprocess.run([sys.executable, "-m", "careprint"], env=env, capture_output=True,
                          text=True)
    assert "plain,build" in proc.stdout
    env |= {"COMP_WORDS": "careprint build --format large", "COMP_CWORD": "3"}
    proc = subprocess.run([sys.executable, "-m", "careprint"], env=env, capture_output=True,
                          text=True)
    assert "plain,large-print" in proc.stdout


def test_decorative_image_is_an_artifact_and_a_described_image_a_figure(tmp_path):
    from PIL import Image

    project = copy_fixture("minimal", tmp_path)
    chapters = project / "content/chapters"
    Image.new("RGB", (200, 50), (200, 100, 50)).save(chapters / "ornament.png")
    Image.new("RGB", (100, 100), (20, 100, 50)).save(chapters / "square.png")
    chapter = next(chapters.glob("*.md"))
    chapter.write_text(chapter.read_text() + "\n![](ornament.png){: .decorative}\n\n"
                       "![A green square](square.png)\n")
    run_careprint("build", project, "-f", "pdf", "-f", "chapters", "--strict", check=True)
    pdf = next((project / "build").rglob("chapters/*.pdf"))
    assert figure_alts(pdf) == ["A green square"]


def test_chapter_printed_alone_names_the_chapters_it_refers_to(tmp_path):
    """(A handout now holds the chapter's practice only: the whole chapter, printed alone,
    is in chapters/. test_handout_sheet.py tests a handout's practice that refers to one.)"""
    project = copy_fixture("two-editions", tmp_path)
    run_careprint("build", project, "-e", "a", "-f", "chapters", check=True)
    reader = PdfReader(project / "build/a/chapters/twin-a-ch01-start-full-a4.pdf")
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert "\u201cSecond steps\u201d (chapter 2 of the full guide)" in text
    # printed alone, the chapter links only within itself, and to the phone numbers and
    # websites of its support box (tel:, sms:, https:), never to another file
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            uri = str(annot.get_object().get("/A", {}).get("/URI", "tel:"))
            assert uri.startswith(("tel:", "sms:", "https:")), uri
