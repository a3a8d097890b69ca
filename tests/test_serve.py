"""`careprint serve`: the print preview of the chapter being edited, the worksheet PDFs the
web pages link to, the edition refused as `build` refuses it, --open, --host, and nothing
served from outside the preview's build folder.

Each test serves a small project made by `careprint init` (editions survivors and
partners; the partners edition has two chapters and a worksheet). A test waits for events,
never for a fixed time: the line a process prints, the server's answer that something was
rebuilt (/__careprint/state?seen=..., which answers when it has), the browser being opened.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import threading
import time
import urllib.error
import urllib.request
import webbrowser
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pytest
from click.testing import CliRunner
from conftest import pdf_text, run_careprint

from careprint.cli import main
from careprint.commands.serve import Session

DEADLINE = 60  # seconds: a test that waits longer has failed


@pytest.fixture
def project(tmp_path) -> Path:
    result = CliRunner().invoke(main, ["init", str(tmp_path / "guide")])
    assert result.exit_code == 0, result.output
    return tmp_path / "guide"


@pytest.fixture
def session(project):
    with Session(project, "partners", port=0) as running:
        assert running.preview.error is None, running.preview.error
        yield running


def get(url: str) -> tuple[int, str, bytes]:
    """(status, content type, body) of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=DEADLINE) as r:
            return r.status, r.headers["Content-Type"], r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers["Content-Type"], e.read()


def raw_get(base: str, path: str) -> tuple[int, bytes]:
    """A GET of `path` exactly as written (urllib would tidy `..` and `//` away)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=DEADLINE)
    try:
        conn.putrequest("GET", path, skip_host=False, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def stamp_of(page: bytes) -> str:
    """What a page of the preview watches, and the stamp it was served at."""
    return re.search(rb'data-seen="([^"]*)"', page).group(1).decode()


def wait_for_change(base: str, watch: str, seen: str) -> dict:
    """The state once `watch` has changed since `seen`: the server answers then (or after
    its own wait, with nothing new: ask again, until the deadline)."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        state = json.loads(get(f"{base}__careprint/state?watch={watch}&seen={seen}")[2])
        if state["stamp"] != seen:
            return state
    raise AssertionError(f"nothing new to {watch} after {DEADLINE} s")


def save(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def iframes(page: bytes) -> list[str]:
    return [src.decode().replace("&amp;", "&")
            for src in re.findall(rb'<iframe src="([^"]+)"', page)]


# ---------------------------------------------------------------- the print preview


def test_saving_a_chapter_shows_its_new_handout_and_chapter_pdf(session, project):
    base = session.url
    status, _, page = get(f"{base}__careprint/print/")
    assert status == 200
    assert b"Welcome to this guide" in page  # the edition's first, until a chapter is saved
    assert b'data-watch="print"' in page and b"/__careprint/reload.js" in page
    save(project / "content/chapters/02-supporting-someone.md",
         "  - Let the person you support set the pace.",
         "  - Let the person you support set the pace, quartz lanterns.")
    wait_for_change(base, "print", stamp_of(page))
    # built on the save, before anything asked for them: the saved chapter's alone
    printed = sorted(p.name for p in session.preview.folder().glob("*/*.pdf"))
    assert printed == ["guide-partners-ch02-supporting-someone-a4.pdf",
                       "guide-partners-ch02-supporting-someone-full-a4.pdf"]
    status, _, page = get(f"{base}__careprint/print/")
    assert status == 200 and b"Supporting someone you care about" in page
    handout, full = iframes(page)
    assert "/handouts/" in handout and "/chapters/" in full
    for url in (handout, full):
        status, ctype, pdf = get(urljoin(base, url))
        assert status == 200 and ctype == "application/pdf" and pdf.startswith(b"%PDF")
        path = session.preview.folder() / urlsplit(url).path.lstrip("/")
        assert "quartz lanterns" in " ".join(pdf_text(path).split())


def test_the_print_preview_of_a_chosen_chapter_is_built_when_asked_for(session):
    base = session.url
    status, _, page = get(f"{base}01-welcome.html")
    assert status == 200
    assert b'href="/__careprint/print/welcome"' in page  # the chapter's link to its print
    status, _, page = get(f"{base}__careprint/print/welcome")
    assert status == 200 and b"Welcome to this guide" in page
    assert not list(session.preview.folder().glob("handouts/*.pdf"))  # not built yet
    for url in iframes(page):
        status, ctype, pdf = get(urljoin(base, url))
        assert status == 200 and ctype == "application/pdf" and pdf.startswith(b"%PDF")
    status, _, page = get(f"{base}__careprint/print/no-such-chapter")
    assert status == 404 and b"no-such-chapter" in page
    assert b"/__careprint/print/supporting-someone" in page  # the chapters to choose from


def test_a_chapter_the_edition_leaves_out_is_named_not_printed(project):
    said: list[str] = []
    with Session(project, "survivors", port=0, announce=said.append) as running:
        status, _, page = get(f"{running.url}01-welcome.html")
        assert status == 200
        save(project / "content/chapters/02-supporting-someone.md", "## Let them set the "
             "pace", "## Let them set their own pace")
        wait_for_change(running.url, "web", stamp_of(page))
        assert not list(running.preview.folder().glob("*/*.pdf"))
    assert "content/chapters/02-supporting-someone.md: not in the survivors edition, so " \
        "not in its print preview (serve --edition NAME previews another)" in said


def test_worksheet_pages_link_to_pdfs_that_are_served(session):
    base = session.url
    status, _, page = get(f"{base}worksheet-first-steps.html")
    assert status == 200
    links = re.findall(rb'href="([^"]+\.pdf)"', page)
    assert len(links) == 2  # the worksheet alone, and the pack
    for link in links:
        url = urljoin(f"{base}worksheet-first-steps.html", link.decode())
        status, ctype, pdf = get(url)
        assert status == 200, url
        assert ctype == "application/pdf" and pdf.startswith(b"%PDF")


# ---------------------------------------------------------------- nothing from outside


def test_nothing_outside_the_build_folder_is_served(session, project, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the private notes of a client")
    site = session.preview.site()
    up = os.path.relpath(secret, site)
    assert up.startswith("../")
    (site / "notes.html").symlink_to(secret)
    (site / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    handout = next(iter(session.preview.catalog.printables))
    for path in (f"/{up}", "/" + quote(up), "/" + up.replace("../", "%2e%2e%2f"),
                 str(secret), "/" + quote(str(secret), safe=""), f"//{secret}",
                 "/notes.html", "/elsewhere/secret.txt", "/careprint.toml",
                 "/../../careprint.toml", f"/{os.path.relpath(project, site)}/careprint.toml"):
        status, body = raw_get(session.url, path)
        assert status == 404, path
        assert b"private notes" not in body and b"[guide]" not in body, path
    # a printable the build made, replaced by a link out: refused too
    status, _ = raw_get(session.url, "/" + handout)
    assert status == 200
    built = session.preview.folder() / handout
    built.unlink()
    built.symlink_to(secret)
    status, body = raw_get(session.url, "/" + handout)
    assert status == 404 and b"private notes" not in body


# ---------------------------------------------------------------- the command line


class Browser:
    """webbrowser.open, replaced: it records the address, reads the page there (the
    preview is listening by then), and stops the preview as Ctrl-C would. If serve never
    opens it, a watchdog interrupts the test instead of letting it hang."""

    def __init__(self, monkeypatch, look=None):
        self.opened: list[str] = []
        self.pages: list[tuple[int, bytes]] = []
        self.look = look or (lambda url: None)
        self.done = threading.Event()
        monkeypatch.setattr(webbrowser, "open", self.open)
        threading.Thread(target=self.watchdog, daemon=True).start()

    def open(self, url, *args, **kwargs):
        self.opened.append(url)
        status, _, body = get(url)
        self.pages.append((status, body))
        self.look(url)
        self.done.set()
        raise KeyboardInterrupt  # Ctrl-C

    def watchdog(self):
        if not self.done.wait(DEADLINE):
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, to the test: it fails, not hangs


@pytest.fixture
def browser(monkeypatch):
    """browser() replaces webbrowser.open (Browser); the watchdogs end with the test."""
    made: list[Browser] = []
    yield lambda look=None: made.append(Browser(monkeypatch, look)) or made[-1]
    for each in made:
        each.done.set()


def test_serve_refuses_an_unknown_edition_as_build_does(project, browser):
    opened = browser()  # a preview that started anyway is stopped, and seen
    build = CliRunner().invoke(main, ["build", str(project), "-e", "partner"])
    serve = CliRunner().invoke(main, ["serve", str(project), "-e", "partner", "--port", "0",
                                      "--open"])
    assert not opened.opened
    assert build.exit_code == serve.exit_code == 1
    expected = "Error: unknown edition 'partner'; valid editions: survivors, partners\n"
    assert build.output == serve.output == expected
    proc = run_careprint("serve", project, "-e", "partner", "--port", "0", timeout=DEADLINE)
    assert proc.returncode == 1
    assert proc.stderr == expected  # once, without a traceback


def test_open_opens_the_preview_once_it_is_listening(project, browser):
    window = browser()
    result = CliRunner().invoke(main, ["serve", str(project), "--port", "0", "--open"])
    assert result.exit_code == 0, result.output
    assert len(window.opened) == 1
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", window.opened[0])
    status, body = window.pages[0]
    assert status == 200 and b"Welcome to this guide" in body
    assert f"at {window.opened[0]} (Ctrl-C to stop)" in result.output
    assert "Stopped the preview." in result.output


def refused(host: str, port: int) -> bool:
    import socket

    try:
        socket.create_connection((host, port), timeout=DEADLINE).close()
    except ConnectionRefusedError:
        return True
    return False


def test_serve_listens_on_127_0_0_1_unless_told_otherwise(project, browser):
    """127.0.0.2 is this computer too (all of 127/8 is): a server that listened on every
    address would answer there."""
    seen = {}

    def look(url):
        port = urlsplit(url).port
        seen[url] = (refused("127.0.0.1", port), refused("127.0.0.2", port))

    browser(look)
    result = CliRunner().invoke(main, ["serve", str(project), "--port", "0", "--open"])
    assert result.exit_code == 0, result.output
    browser(look)
    other = CliRunner().invoke(main, ["serve", str(project), "--port", "0", "--open",
                                      "--host", "127.0.0.2"])
    assert other.exit_code == 0, other.output
    (default, default_refused), (chosen, chosen_refused) = seen.items()
    assert urlsplit(default).hostname == "127.0.0.1" and default_refused == (False, True)
    assert urlsplit(chosen).hostname == "127.0.0.2" and chosen_refused[1] is False
    assert "not only on this computer" not in result.output


def test_serve_help_names_every_option():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--edition", "--host", "--port", "--open"):
        assert option in result.output
    assert "/__careprint/print/" in result.output


def get_as(base: str, path: str, host: str | None) -> tuple[int, bytes]:
    """A GET of `path` with the Host header `host` (None: none at all)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=DEADLINE)
    try:
        conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            conn.putheader("Host", host)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_only_the_names_the_preview_is_served_at_are_answered(session):
    """DNS rebinding: a page of evil.example, its name turned into 127.0.0.1, asks the
    preview with Host: evil.example:PORT. It gets a short refusal, not the guide."""
    port = urlsplit(session.url).port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LocalHost:{port}",
                 f"[::1]:{port}"):
        status, body = get_as(session.url, "/", host)
        assert status == 200 and b"<html" in body, (host, status)
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1:{port + 1}",
                 f"localhost.evil.example:{port}", "", None):
        status, body = get_as(session.url, "/", host)
        assert status == 421, (host, status)
        assert body == (f"This preview answers only at http://127.0.0.1:{port}/ or the "
                        "address it was started on.\n").encode()
    status, _ = get_as(session.url, "/__careprint/state", f"evil.example:{port}")
    assert status == 421


def test_a_nul_or_a_very_long_path_gets_a_plain_answer_and_the_server_goes_on(session,
                                                                               capfd):
    for path, status in [("/%00", 400), ("/x%00y/", 400), ("/__careprint/print/%00", 400),
                         ("/handouts/%00.pdf", 400), ("/%0a", 400),
                         ("/" + "a" * 5000, 414), ("/" + "a/" * 3000, 414),
                         ("/" + "a" * 1000, 404), ("/__careprint/print/" + "b" * 1000, 404)]:
        got, body = raw_get(session.url, path)
        assert got == status, (path[:30], got, body[:200])
        assert b"Traceback" not in body
    assert "Traceback" not in capfd.readouterr().err
    assert get(session.url)[0] == 200  # still serving
