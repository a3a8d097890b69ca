"""`careprint serve`: a live preview of the web edition, and of the handout and the chapter
PDF of the chapter being edited, on 127.0.0.1 (another address only with --host).

preview.py builds what is shown, into a private temporary folder, and rebuilds it on every
save; this module serves it:

    /...                      the web edition, and the PDFs its pages link to (worksheets)
    /handouts/..., /chapters/..., /worksheets/...   the edition's printables, each built
                              the first time it is asked for, and kept current from then on
    /__careprint/print/       the print preview of the chapter being edited (saved last)
    /__careprint/print/SLUG   the print preview of one chapter
    /__careprint/reload.js    reloads a page when what it shows has been rebuilt
    /__careprint/state        {version, print, error, stamp}: with ?watch=W&seen=S it answers
                              once W's stamp is no longer S (or after POLL_SECONDS), so a
                              page waits for a build instead of asking again and again

A request is answered only when its Host header names the preview as it is served: this
computer's own names (127.0.0.1, localhost, [::1]) or the --host address, with the port;
on every address (--host 0.0.0.0), any IP address too. Any other name gets 421 and a short
plain message, so a web page that turns its own name into this computer's address (DNS
rebinding) cannot read the preview. A path longer than MAX_TARGET characters gets 414, one
with a control character (a NUL) 400; no path ends the server.

Nothing else is served: no file outside the web edition's folder and the printables the
edition makes (no `..`, no absolute path, no symbolic link out; preview.inside). While the
project has an error, every page shows it, with its file:line, and recovers when a save
fixes it. Every word a page shows is in the template serve.html, to be translated.
"""

from __future__ import annotations

import ipaddress
import json
import mimetypes
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from ..errors import CareprintError
from .preview import Preview, inside

__all__ = ["HOST", "Handler", "Preview", "Session", "make_handler", "serve"]

HOST = "127.0.0.1"  # this computer alone
INTERNAL = "/__careprint/"
TEMPLATE = "serve.html"
POLL_SECONDS = 20
MAX_TARGET = 2048  # characters of a request's path and query: longer is refused (414)
LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")

RELOAD_JS = """(function () {
  var me = document.currentScript, watch = me.dataset.watch || "web";
  var seen = me.dataset.seen || null;
  function poll() {
    var url = "/__careprint/state?watch=" + watch +
      (seen === null ? "" : "&seen=" + encodeURIComponent(seen));
    fetch(url, {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(function (s) {
        if (seen !== null && s.stamp !== seen) { location.reload(); return; }
        seen = s.stamp;
        poll();
      }).catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
"""


class Handler(BaseHTTPRequestHandler):
    """Answers one request; make_handler gives it the preview it shows."""

    preview: Preview
    server: ThreadingHTTPServer  # make_server's, listening on TCP

    def log_message(self, *args):  # quiet: the terminal shows rebuilds, not requests
        pass

    def send(self, status: int, body: bytes, ctype: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            self.wfile.write(body)
        except ConnectionError:  # the page was closed while it waited for an answer
            pass

    def page(self, status: int, html: str) -> None:
        self.send(status, html.encode("utf-8"), "text/html; charset=utf-8")

    def do_GET(self):  # the http.server API
        refusal = self.refusal()
        if refusal:
            return self.send(*refusal, "text/plain; charset=utf-8")
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        if path.startswith(INTERNAL):
            return self.internal(path.removeprefix(INTERNAL), parse_qs(parts.query))
        with self.preview.lock:
            error, stamp = self.preview.error, self.preview.stamp("web")
        if error:
            return self.page(500, error_page(self.preview, error))
        return self.file(find(self.preview, path), stamp)

    def refusal(self) -> tuple[int, bytes] | None:
        """(status, message) for a request not to answer: a Host this preview is not served
        at, a path too long, or one with a control character."""
        port = self.server.server_address[1]
        if not host_allowed(self.headers.get("Host", ""), str(self.server.server_address[0]),
                            getattr(self.server, "host", HOST), port):
            return 421, (f"This preview answers only at http://{HOST}:{port}/ or the "
                         "address it was started on.\n").encode()
        if len(self.path) > MAX_TARGET:
            return 414, f"Address longer than {MAX_TARGET} characters.\n".encode()
        if any(ord(c) < 32 or ord(c) == 127 for c in unquote(urlsplit(self.path).path)):
            return 400, b"Bad address.\n"
        return None

    def file(self, target: Path | None, stamp: str) -> None:
        try:
            data = target.read_bytes() if target else None
        except OSError:  # removed by a build since it was found
            data = None
        if target is None or data is None:
            return self.send(404, b"Not found", "text/plain")
        if target.suffix == ".html":
            page = with_preview(self.preview, target, data.decode("utf-8", "replace"), stamp)
            return self.page(200, page)
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return self.send(200, data, ctype)

    def internal(self, rest: str, query: dict) -> None:
        if rest == "reload.js":
            return self.send(200, RELOAD_JS.encode(), "text/javascript")
        if rest == "state":
            body = json.dumps(state(self.preview, query)).encode()
            return self.send(200, body, "application/json")
        if rest.split("/")[0] == "print":
            return self.page(*print_page(self.preview, rest.removeprefix("print").strip("/")))
        return self.send(404, b"Not found", "text/plain")


def make_handler(preview: Preview) -> type[Handler]:
    return type("PreviewHandler", (Handler,), {"preview": preview})


def find(preview: Preview, path: str) -> Path | None:
    """The file `path` names: a printable of the edition (built if need be), or a file of
    the web edition; None for anything else."""
    rel = path.lstrip("/")
    try:
        target = preview.printable(rel)
        if target is None:
            target = inside(preview.site(), rel)
            if target is not None and target.is_dir():
                target = inside(target, "index.html")
        return target if target is not None and target.is_file() else None
    except (OSError, ValueError):  # a name too long for the file system, say
        return None


def host_allowed(header: str, bound: str, host: str, port: int) -> bool:
    """Whether a request's Host header names the preview: this computer's names or the
    address given with --host, at the port it listens on; any IP address when it listens
    on every address (no name a DNS rebinding could use)."""
    name, given_port = _split_host(header.strip().lower())
    if given_port != str(port) and not (given_port == "" and port == 80):
        return False
    names = {*LOCAL_NAMES, f"[{host.lower()}]" if ":" in host else host.lower()}
    if name in names:
        return True
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return ipaddress.ip_address(bound).is_unspecified


def state(preview: Preview, query: dict) -> dict:
    """What has been built: at once, or with `seen`, once the stamp of `watch` differs."""
    watch = query.get("watch", ["web"])[0]
    seen = query.get("seen", [None])[0]
    with preview.changed:
        if seen is not None:
            preview.changed.wait_for(lambda: preview.stamp(watch) != seen, POLL_SECONDS)
        return {"version": preview.version, "print": preview.printed, "error": preview.error,
                "stamp": preview.stamp(watch)}


def _split_host(value: str) -> tuple[str, str]:
    """A Host header -> (name, port): ("[::1]", "8000"), ("localhost", "")."""
    if value.startswith("["):
        name, _, rest = value.partition("]")
        return name + "]", rest[1:] if rest.startswith(":") else rest or ""
    name, sep, port = value.rpartition(":")
    return (name, port) if sep else (value, "")


def render_page(preview: Preview, view: str, **context) -> str:
    """A page (or, for `view` "page", the part added to a web page) of serve.html: the
    project's own, or careprint's when the project's cannot be rendered; a print preview
    then says why."""
    import jinja2

    from ..render import PACKAGE_TEMPLATES, render_template

    watch = context.pop("watch", "all")
    with preview.lock:
        catalog = preview.catalog
        seen = context.pop("seen", None) or preview.stamp(watch)
    context = {"view": view, "language": catalog.language if catalog else "en",
               "edition_title": catalog.title if catalog else "", "watch": watch,
               "seen": seen, "reload_script": f"{INTERNAL}reload.js", **context}
    try:
        return render_template(preview.root, TEMPLATE, **context)
    except (CareprintError, jinja2.TemplateError) as exc:
        if view != "page":
            message = exc.format_message() if isinstance(exc, CareprintError) else str(exc)
            context = {**context, "view": "error", "watch": "all", "message": message}
        # careprint's own templates folder, read as a project's: the bundled serve.html
        return render_template(PACKAGE_TEMPLATES.parent, TEMPLATE, **context)


def error_page(preview: Preview, message: str) -> str:
    return render_page(preview, "error", message=message)


def print_page(preview: Preview, name: str) -> tuple[int, str]:
    """(status, page): the print preview of chapter `name`, or of the chapter being edited
    (the edition's first until a chapter is saved) when `name` is ""."""
    with preview.lock:  # the stamp of what the page shows: a later change reloads it
        catalog, error, current = preview.catalog, preview.error, preview.current
        stamp = preview.stamp("print")
    if error or catalog is None:
        return 500, error_page(preview, error or "")
    if name:
        chapter = catalog.chapter(name)
    else:
        chapter = catalog.chapter(current) or next(iter(catalog.chapters), None)
    if chapter is None:
        return 404, render_page(preview, "missing", asked=name, chapters=catalog.chapters)
    return 200, render_page(
        preview, "print", chapter=chapter, chapters=catalog.chapters, follows=not name,
        handout_url=f"/{quote(chapter.handout)}?v={stamp}",
        full_url=f"/{quote(chapter.full)}?v={stamp}", page_url=f"/{quote(chapter.page)}",
        print_url=f"{INTERNAL}print/", watch="print", seen=stamp)


def with_preview(preview: Preview, target: Path, page: str, stamp: str) -> str:
    """A page of the web edition, with the script that reloads it when the web edition is
    rebuilt, and on a chapter's page a link to its print preview."""
    with preview.lock:
        catalog = preview.catalog
    chapter = catalog.page_chapter(target.name) if catalog and \
        target.parent == preview.site().resolve() else None
    extra = render_page(preview, "page", chapter=chapter, watch="web", seen=stamp,
                        print_url=f"{INTERNAL}print/{chapter.slug}" if chapter else "")
    at = page.rfind("</body>")
    return page[:at] + extra + page[at:] if at >= 0 else page + extra


def check_edition(root: Path, edition: str | None) -> None:
    """Refuse an edition careprint.toml does not have, as `build` does (with the message of
    outputs.select). A careprint.toml that cannot be read is not refused here: the preview
    shows its problem until a save fixes it, then the edition is checked like the rest."""
    if not edition:
        return
    from ..guard.confine import check_inside
    from ..pipeline.plan import select
    from ..source.config import load_config

    try:
        check_inside(Path(root))
        ids = load_config(Path(root).resolve()).edition_ids
    except CareprintError:
        return
    select([edition], ids, "edition")


def make_server(host: str, port: int, preview: Preview) -> ThreadingHTTPServer:
    """The server, listening on `host` (an IPv4 or IPv6 address, or a name): OSError when
    it cannot (a busy port, an address this computer does not have)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    server_class = type("PreviewServer", (ThreadingHTTPServer,),
                        {"address_family": family, "host": host})
    return server_class((host, port), make_handler(preview))


class Session:
    """A preview being served: its first build made, its server and watcher running,
    until close(). The port is taken first, so a busy one fails at once (OSError), before
    any build."""

    def __init__(self, root: Path, edition: str | None, host: str = HOST, port: int = 8000,
                 announce=None):
        check_edition(root, edition)
        self.preview = Preview(root, edition)
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        try:
            self.server = make_server(host, port, self.preview)
        except OSError:
            self.preview.close()
            raise
        try:
            seen = self.preview.snapshot()
            self.preview.rebuild()
            self.preview.announce = announce or (lambda message: None)
            self.threads = [
                threading.Thread(target=self.preview.watch, args=(self.stop, seen),
                                 name="careprint-watch", daemon=True),
                threading.Thread(target=self.server.serve_forever, name="careprint-serve",
                                 daemon=True)]
            for thread in self.threads:
                thread.start()
        except BaseException:
            self.close()
            raise

    @property
    def address(self) -> str:
        return str(self.server.server_address[0])  # a TCP server's: a str

    @property
    def url(self) -> str:
        """The address to open: this computer's own when the server listens on every one."""
        host, port = self.address, self.server.server_address[1]
        if ipaddress.ip_address(host).is_unspecified:
            host = "::1" if ":" in host else HOST
        return f"http://{f'[{host}]' if ':' in host else host}:{port}/"

    def close(self) -> None:
        self.stop.set()
        if any(t.name == "careprint-serve" for t in self.threads):
            self.server.shutdown()
        self.server.server_close()
        for thread in self.threads:
            thread.join(timeout=5)
        self.preview.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def serve(root: Path, edition: str | None, port: int, announce=print, host: str = HOST,
          open_browser: bool = False) -> None:
    """Serve until interrupted (Ctrl-C), then stop the watcher and remove the preview.

    Every build, and every error, is announced as well as shown in the browser; with
    `open_browser`, the preview is opened in the default browser once it is listening.
    """
    with Session(root, edition, host, port, announce) as session:
        preview = session.preview
        announce(f"Serving the {preview.edition or 'first'} edition at {session.url} "
                 "(Ctrl-C to stop)")
        announce(f"The handout and the whole chapter of the chapter you edit: "
                 f"{session.url}{INTERNAL[1:]}print/")
        if not ipaddress.ip_address(session.address).is_loopback:
            announce(f"note: listening on {session.address}, not only on this computer: "
                     "anyone who can reach it can read the guide while the preview runs")
        if preview.error:
            announce(preview.error)
        if open_browser:
            open_in_browser(session.url, announce)
        threading.Event().wait()  # until Ctrl-C or SIGTERM: KeyboardInterrupt


def open_in_browser(url: str, announce) -> None:
    import webbrowser

    try:
        opened = webbrowser.open(url)
    except webbrowser.Error:
        opened = False
    if not opened:
        announce(f"note: no web browser could be opened here; open {url} in one")
