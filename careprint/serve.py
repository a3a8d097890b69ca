"""`careprint serve`: a live preview of the web edition on 127.0.0.1.

It builds the edition's HTML into a private temporary folder, serves it, rebuilds when
anything under content/, templates/ or careprint.toml changes (watchfiles), and makes the
open page reload itself. While the project has an error, every page shows the error with
its file:line instead of a stale page, and recovers when the error is fixed.
"""

from __future__ import annotations

import html
import json
import mimetypes
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .build import build
from .errors import CareprintError

RELOAD_JS = """(function () {
  var seen = null;
  function poll() {
    fetch("/__careprint/state", {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(function (s) {
        if (seen !== null && s.version !== seen) { location.reload(); }
        seen = s.version;
      }).catch(function () {}).then(function () { setTimeout(poll, 700); });
  }
  poll();
})();
"""
RELOAD_TAG = '<script src="/__careprint/reload.js"></script>'


class Preview:
    """The state the server shows: the last good build, or the current error."""

    def __init__(self, root: Path, edition: str | None, announce=None):
        self.root = Path(root).resolve()
        self.edition = edition
        self.announce = announce or (lambda message: None)  # tells the terminal
        self.tmp = tempfile.TemporaryDirectory(prefix="careprint-serve-")
        self.out = Path(self.tmp.name)
        self.version = 0
        self.error: str | None = None
        self.lock = threading.Lock()

    def rebuild(self) -> None:
        started = time.perf_counter()
        try:
            from .load import load_project

            editions = [self.edition] if self.edition else None
            if editions is None:
                editions = [load_project(self.root).config.edition_ids[0]]
            report = build(self.root, editions=editions, formats=["html"], out=self.out,
                           jobs=1)
            self.edition = editions[0]
            error = None
        except CareprintError as exc:
            error = exc.format_message()
        with self.lock:
            self.error = error
            self.version += 1
        if error:
            self.announce(error)
        else:
            n = len(report.rendered)
            self.announce(f"Rebuilt the {self.edition} edition in "
                          f"{time.perf_counter() - started:.1f} s ({n} file{'s' * (n != 1)} "
                          "changed)")

    def site(self) -> Path:
        return self.out / (self.edition or "") / "html"

    def snapshot(self) -> tuple:
        """Size and modification time of every file a build reads."""
        files = [self.root / "careprint.toml"]
        for folder in ("content", "templates"):
            if (self.root / folder).is_dir():
                files.extend(p for p in (self.root / folder).rglob("*") if p.is_file())
        out = []
        for path in sorted(files):
            try:
                st = path.stat()
            except OSError:
                continue
            out.append((str(path), st.st_size, st.st_mtime_ns))
        return tuple(out)

    def watch(self, stop: threading.Event, seen: tuple) -> None:
        """Rebuild on every change. watchfiles reports changes as they happen; once a second
        the files' times are compared too, so a change made while the watcher was still
        starting (or one the file system did not report) is not missed."""
        from watchfiles import watch

        def relevant(_change, path: str) -> bool:
            rel = Path(path).resolve()
            return rel == self.root / "careprint.toml" or any(
                rel.is_relative_to(self.root / d) for d in ("content", "templates"))

        for changes in watch(self.root, watch_filter=relevant, stop_event=stop, debounce=200,
                             step=50, rust_timeout=1000, yield_on_timeout=True):
            now = self.snapshot()
            if changes or now != seen:
                seen = now
                self.rebuild()

    def close(self) -> None:
        self.tmp.cleanup()


def make_handler(preview: Preview):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet: the terminal shows rebuilds, not requests
            pass

        def send(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):  # the http.server API
            path = unquote(urlsplit(self.path).path)
            if path == "/__careprint/reload.js":
                return self.send(200, RELOAD_JS.encode(), "text/javascript")
            if path == "/__careprint/state":
                with preview.lock:
                    state = {"version": preview.version, "error": preview.error}
                return self.send(200, json.dumps(state).encode(), "application/json")
            with preview.lock:
                error = preview.error
            if error:
                return self.send(500, error_page(error).encode(), "text/html; charset=utf-8")
            site = preview.site().resolve()
            target = (site / path.lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_relative_to(site) or not target.is_file():
                return self.send(404, b"Not found", "text/plain")
            data = target.read_bytes()
            ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if target.suffix == ".html":
                data = data.replace(b"</body>", RELOAD_TAG.encode() + b"\n</body>")
                ctype = "text/html; charset=utf-8"
            return self.send(200, data, ctype)

    return Handler


def error_page(message: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>careprint: the guide has a problem</title>
<style>body{{font-family:sans-serif;max-width:50rem;margin:2rem auto;line-height:1.5}}
pre{{white-space:pre-wrap;background:#fff4f4;border:1px solid #c33;padding:1rem}}</style>
</head><body><main><h1>The guide has a problem</h1>
<p>Fix it and save: this page reloads by itself.</p>
<pre>{html.escape(message)}</pre></main>{RELOAD_TAG}</body></html>"""


def serve(root: Path, edition: str | None, port: int, announce=print) -> None:
    """Serve until interrupted (Ctrl-C), then stop the watcher and remove the preview.

    The port is taken first, so a busy one fails at once (OSError), before any build; then
    every build, and every error, is announced as well as shown in the browser.
    """
    preview = Preview(root, edition)
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(preview))
    except OSError:
        preview.close()
        raise
    seen = preview.snapshot()
    preview.rebuild()
    preview.announce = announce
    stop = threading.Event()
    watcher = threading.Thread(target=preview.watch, args=(stop, seen), daemon=True)
    watcher.start()
    announce(f"Serving the {preview.edition or 'first'} edition at "
             f"http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)")
    if preview.error:
        announce(preview.error)
    try:
        server.serve_forever()
    finally:
        stop.set()
        server.server_close()
        watcher.join(timeout=5)
        preview.close()
