"""The build folder's lock: one build writes to a folder at a time, and a build that was
killed never holds up the next one.

OUT/.careprint.lock is held with flock(2) for the whole build. The kernel lets go of it
when the process holding it ends, however it ends (SIGKILL, the out-of-memory killer, a CI
runner shut down). So that process must be the build alone:

- the render workers close their inherited copy of the lock (`release_in_worker`), and die
  with the build that started them (`die_with_parent`): a killed build leaves neither a
  held lock nor workers behind;
- the lock file records its holder (PID and start time). A build that finds the lock busy
  names that PID while it waits. When the holder has ended but its lock is still held (by
  processes an older careprint left behind), the waiting build takes the lock over.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import re
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import OutputError

LOCK_NAME = ".careprint.lock"
TEMP_RE = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")
POLL = 0.1  # seconds between two looks at a busy lock
GRACE = 1.0  # seconds a busy lock's holder must stay ended before the lock is taken over
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

_HELD: set[int] = set()  # descriptors of the locks this process holds


@dataclass(frozen=True)
class Holder:
    """The build holding a lock: its PID; its start time, so that a new process that was
    given the same PID is not taken for it; and where its PID means something (the boot
    and PID namespace: a build in a container, or on another machine sharing the folder,
    cannot be looked up from here, and counts as running)."""

    pid: int
    start: str
    where: str = ""

    def running(self) -> bool:
        if self.where != process_space():
            return True
        start = process_start(self.pid)
        return start is not None and (start in ("", self.start) or not self.start)


def process_space() -> str:
    """This boot of this machine, and this PID namespace ("" where there is no /proc)."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        return f"{boot} {os.readlink('/proc/self/ns/pid')}"
    except OSError:
        return ""


def process_start(pid: int) -> str | None:
    """When process `pid` started (/proc/PID/stat field 22, clock ticks since boot), "" if
    it is running but that cannot be read (no /proc, or another user's process hidden),
    or None when no such process is running."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2:].split()
        return None if fields[0] in ("Z", "X") else fields[19]  # a zombie has ended
    except (OSError, ValueError, IndexError):
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return ""


@contextlib.contextmanager
def build_lock(out_dir: Path, progress=None):
    """Hold an exclusive lock on OUT/.careprint.lock; wait while a running build holds it."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd = _acquire(out_dir / LOCK_NAME, progress)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # written through, it would overwrite another file
            raise OutputError(f"{out_dir / LOCK_NAME} is a symbolic link; careprint does "
                              "not write through one. Remove it.") from None
        raise OutputError(f"cannot write to {out_dir}: {exc.strerror or exc}") from None
    _HELD.add(fd)
    try:
        remove_stale_temporaries(out_dir)
        yield
    finally:
        _HELD.discard(fd)
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)  # a lock at rest names no one
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _acquire(path: Path, progress) -> int:
    named, ended_at = None, None
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read(fd)
            if holder is not None and holder.running():
                ended_at = None
                if progress and holder != named:
                    progress(f"another careprint build (PID {holder.pid}) is writing to "
                             f"{path.parent}; waiting for it", None, 0, 0)
                named = holder
            elif ended_at is None:
                ended_at = time.monotonic()
            elif time.monotonic() - ended_at >= GRACE:
                if progress:
                    progress(_taking_over(path, holder), None, 0, 0)
                _take_over(path, fd)
                ended_at = None
            os.close(fd)
            time.sleep(POLL)
            continue
        if _same_file(fd, path):
            _record(fd)
            return fd
        os.close(fd)  # taken over meanwhile: lock the file now at `path`


def _taking_over(path: Path, holder: Holder | None) -> str:
    if holder is None:
        return f"{path} is held, but not by a running careprint build; taking it over"
    return (f"the careprint build (PID {holder.pid}) that held {path} has ended, but "
            "processes it started still hold the lock; taking it over")


def _read(fd: int) -> Holder | None:
    try:
        data = json.loads(os.pread(fd, 4096, 0).decode("utf-8").split("\n", 1)[0])
        return Holder(int(data["pid"]), str(data["start"]), str(data.get("where", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _record(fd: int) -> None:
    pid = os.getpid()
    line = json.dumps({"pid": pid, "start": process_start(pid) or "",
                       "where": process_space()}) + "\n"
    os.ftruncate(fd, 0)
    os.pwrite(fd, line.encode("utf-8"), 0)


def _same_file(fd: int, path: Path) -> bool:
    try:
        st, now = os.fstat(fd), os.stat(path)
    except FileNotFoundError:
        return False
    return (st.st_dev, st.st_ino) == (now.st_dev, now.st_ino)


def _take_over(path: Path, fd: int) -> None:
    """Remove the lock file `fd` has open, if it is still the one at `path`: what still
    holds it keeps a file no build looks at. The folder's own lock keeps two builds that
    both found the holder ended from removing each other's new lock file."""
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        if _same_file(fd, path):
            os.unlink(path)
    finally:
        os.close(folder)


def release_in_worker() -> None:
    """In a forked render worker: close the inherited lock. Only the build holds it, so it
    is free the moment the build ends, whatever happens to its workers."""
    for fd in list(_HELD):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


def die_with_parent(parent: int) -> None:
    """In a render worker: end when the build (`parent`) ends, even by SIGKILL.

    On Linux the kernel sends SIGKILL (prctl PR_SET_PDEATHSIG) when the thread that forked
    the worker ends: the pool forks every worker from the build's thread, at its first
    submit, and fork workers are never replaced. Elsewhere a thread looks for the parent
    every second. A build that died before either was in place is noticed at once: the
    worker's parent is no longer `parent`.
    """
    watched = False
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            watched = libc.prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGKILL),
                                 ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0)) == 0
    if os.getppid() != parent:
        os._exit(1)
    if not watched:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def remove_stale_temporaries(out_dir: Path) -> None:
    """Remove temporary files left by a build that was killed (SIGKILL) while writing."""
    for path in out_dir.rglob(".*.tmp"):
        if TEMP_RE.match(path.name):
            path.unlink(missing_ok=True)
