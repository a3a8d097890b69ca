"""`python -m careprint ARGS` for the tests, started from a process that has imported it.

A new Python process imports WeasyPrint (with Pango's C declarations, parsed each time),
fontTools, pikepdf and careprint before it does anything: about 0.8 s of CPU, and the
suite starts careprint hundreds of times. So each pytest worker forks a server at the
start of the session, before any test has run; the server imports what a build needs
and then, for each run, forks a child that runs careprint's console entry point
(careprint.cli.run) and exits with its status.

The child is set up as a new process would be: the environment, working folder and
argv it is given; stdin from /dev/null; stdout and stderr to pipes that the test reads;
Python's own SIGINT and SIGTERM handling; logging with no handlers and warnings filtered
as when this module was imported. Nothing a test did in the worker reaches it: the
server was forked before the first test, and careprint's in-process memos are empty.
What a test must see of a truly new process (what a bare start imports, say) it starts
with subprocess itself. A run whose PYTHON* variables (PYTHONPATH: a plugin package
installed for the test) differ from the server's is a new process too, since they act
as Python starts. CAREPRINT_TEST_SUBPROCESS=1 makes every run a new process.
"""

from __future__ import annotations

import io
import json
import logging
import os
import selectors
import signal
import socket
import subprocess
import sys
import time
import warnings

# what a build imports: loaded once, in the server, before it forks each run
PRELOAD = ("careprint.cli", "careprint.pipeline.build", "careprint.render.weasy",
           "careprint.render.registry", "careprint.check", "pikepdf", "pypdf", "ebooklib",
           "markdown", "fontTools.subset", "PIL.Image")
_WARNINGS = list(warnings.filters)
_SERVER: dict = {}


def start() -> None:
    """Fork this worker's server (once): call before the first test runs."""
    if _SERVER or os.environ.get("CAREPRINT_TEST_SUBPROCESS"):
        return
    # a message at a time: a request and its two pipes, "started PID", "exited STATUS"
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    pid = os.fork()
    if pid == 0:  # the server: only its socket, and the standard streams, stay open
        try:
            os.closerange(3, theirs.fileno())
            os.closerange(theirs.fileno() + 1, os.sysconf("SC_OPEN_MAX"))
            _serve(theirs)
        finally:
            os._exit(0)
    theirs.close()
    _SERVER.update(sock=ours, python=_python_vars(os.environ))


def _python_vars(env) -> dict[str, str]:
    return {k: v for k, v in env.items() if k.startswith("PYTHON")}


def run(argv: list[str], cwd, env: dict[str, str], timeout: float
        ) -> subprocess.CompletedProcess:
    """What subprocess.run([python, -m, careprint, *argv], capture_output=True, text=True)
    gives, from a child of the server (a new process without the server)."""
    args = [sys.executable, "-m", "careprint", *argv]
    if not _SERVER or _python_vars(env) != _SERVER["python"]:
        return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=timeout)
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    request = json.dumps({"argv": argv, "cwd": str(cwd) if cwd else None, "env": env})
    socket.send_fds(_SERVER["sock"], [request.encode() + b"\n"], [out_w, err_w])
    os.close(out_w)
    os.close(err_w)
    pid = int(_said("started"))
    out, err, late = _read_both(out_r, err_r, time.monotonic() + timeout)
    if late:
        os.kill(pid, signal.SIGKILL)
    status = int(_said("exited"))
    if late:
        raise subprocess.TimeoutExpired(args, timeout, out, err)
    return subprocess.CompletedProcess(args, status, _text(out), _text(err))


def _said(word: str) -> str:
    """The number after `word` in the server's next message ("started PID", "exited
    STATUS")."""
    message = _SERVER["sock"].recv(256).decode().split()
    assert message[:1] == [word], f"the careprint server stopped (it said {message})"
    return message[1]


def _text(data: bytes) -> str:
    """As subprocess's text mode decodes: UTF-8 here, newlines made universal."""
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def _read_both(out_fd: int, err_fd: int, deadline: float) -> tuple[bytes, bytes, bool]:
    """Everything written to both pipes until both close, or the deadline passes."""
    chunks: dict[int, list[bytes]] = {out_fd: [], err_fd: []}
    with selectors.DefaultSelector() as sel:
        for fd in chunks:
            sel.register(fd, selectors.EVENT_READ)
        while sel.get_map():
            left = deadline - time.monotonic()
            events = sel.select(max(left, 0)) if left > 0 else []
            if not events:
                break
            for key, _ in events:
                data = os.read(key.fd, 65536)
                if data:
                    chunks[key.fd].append(data)
                else:
                    sel.unregister(key.fd)
        late = bool(sel.get_map())
    os.close(out_fd)
    os.close(err_fd)
    return b"".join(chunks[out_fd]), b"".join(chunks[err_fd]), late


def _serve(sock: socket.socket) -> None:
    """The server: one run at a time, each in a child, until the worker goes away."""
    import importlib

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the worker stops it by going away
    for name in PRELOAD:
        importlib.import_module(name)
    while True:
        message, fds, _, _ = socket.recv_fds(sock, 1 << 20, 2)
        if not message:
            return
        request = json.loads(message)
        pid = os.fork()
        if pid == 0:
            sock.close()
            _child(request, *fds)
        for fd in fds:
            os.close(fd)
        sock.send(f"started {pid}".encode())
        _, status = os.waitpid(pid, 0)
        sock.send(f"exited {os.waitstatus_to_exitcode(status)}".encode())


def _child(request: dict, out_fd: int, err_fd: int) -> None:
    """Become `python -m careprint ARGV` and exit with its status; never returns."""
    code = 1
    try:
        null = os.open(os.devnull, os.O_RDONLY)
        for fd, to in ((null, 0), (out_fd, 1), (err_fd, 2)):
            os.dup2(fd, to)
            os.close(fd)
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8")
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8",
                                      errors="backslashreplace", line_buffering=True)
        sys.__stdin__, sys.__stdout__, sys.__stderr__ = sys.stdin, sys.stdout, sys.stderr
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        root = logging.getLogger()
        for handler in list(root.handlers):
            root.removeHandler(handler)
        root.setLevel(logging.WARNING)
        warnings.filters[:] = _WARNINGS
        os.environ.clear()
        os.environ.update(request["env"])
        if request["cwd"]:
            os.chdir(request["cwd"])
        sys.argv = [sys.argv[0], *request["argv"]]
        code = _exit_code(_run_cli)
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)


def _run_cli() -> None:
    from careprint.cli import run

    run()


def _exit_code(call) -> int:
    """The status Python exits with when `call` ends, raises SystemExit or fails."""
    import traceback

    try:
        call()
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1
    except BaseException:  # noqa: BLE001 - as Python itself reports an uncaught error
        traceback.print_exc()
        return 1
    return 0
