"""What a render read, recorded as it reads it: part of its output's key (issue 23).

A format's code once listed by hand what its outputs depend on (its config tables, its
templates, `pdf.crisis_line` as a special case), and a value read but not listed left an
output stale: a new template variable read from `[formats.pdf]` and shown in the handout
was changed, and the rebuild skipped the handout. Now every config value, template and
file a render reads is noted while it renders, as Sphinx notes a document's dependencies:

- `config:formats.<table>.<key>`: a config value (config.Config.fmt);
- `template:<name>`: a template, the project's own or careprint's bundled one
  (render/sandbox.py: ProjectSandbox.get_template);
- `catalogue:<lang>`: careprint's words in a language, with the project's overrides
  (careprint/source/i18n.py: its catalogue files and careprint.toml's [strings]);
- `file:<path>`: a file WeasyPrint fetched, a picture or a stylesheet, by its path in the
  project, or `careprint:<path>` in careprint's bundled templates (render/weasy.py).

The manifest keeps each output's reads, each with a digest of what was read
(careprint/pipeline/manifest.py); the next build makes the output again unless every read still
gives the same digest (careprint/pipeline/decide.py), and `check --outputs` says so
(check/stale.py). What the model gives a render (its chapters, worksheets, resources) is
in the output's Job.content, and careprint's own code in every key (keys.py).
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
from collections.abc import Iterator
from pathlib import Path

_RECORD: contextvars.ContextVar[dict | None] = contextvars.ContextVar("careprint_reads",
                                                                      default=None)
PACKAGE_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
_FILE_DIGESTS: dict[tuple, str] = {}  # (path, size, mtime_ns) -> SHA-256 of the bytes


@contextlib.contextmanager
def recording() -> Iterator[dict[str, str]]:
    """Record every read noted until the block ends: {name: digest}."""
    reads: dict[str, str] = {}
    token = _RECORD.set(reads)
    try:
        yield reads
    finally:
        _RECORD.reset(token)


def note(name: str, digest: str) -> None:
    """Note that the render under way read `name`, which gave `digest`."""
    reads = _RECORD.get()
    if reads is not None:
        reads[name] = digest


def replay(reads: dict) -> None:
    """Note again what was read for a layout kept and now reused (render/shared.py)."""
    for name, value in reads.items():
        note(name, value)


def value_digest(value) -> str:
    return hashlib.sha256(repr(value).encode("utf-8")).hexdigest()


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes ("" if it cannot be read), cached by size and mtime."""
    try:
        st = path.stat()
    except OSError:
        return ""
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _FILE_DIGESTS:
        try:
            _FILE_DIGESTS[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return ""
    return _FILE_DIGESTS[key]


def note_config(table: str, key: str, value) -> None:
    note(f"config:formats.{table}.{key}", value_digest(value))


def note_template(name: str | None, filename: str | None) -> None:
    """A template was loaded from `filename`: the project's own, or careprint's."""
    if _RECORD.get() is None or not filename:
        return
    note(f"template:{name}", template_digest(Path(filename)))


def template_digest(path: Path) -> str:
    where = "bundled" if path.resolve().is_relative_to(PACKAGE_TEMPLATES) else "project"
    return f"{where}:{file_digest(path)}"


def note_file(root: Path, path: Path) -> None:
    """WeasyPrint fetched `path`, in the project or in careprint's bundled templates."""
    if _RECORD.get() is None:
        return
    name = file_name(root, path)
    if name is not None:
        note(name, file_digest(path))


def file_name(root: Path, path: Path) -> str | None:
    real, root = path.resolve(), Path(root).resolve()
    if real.is_relative_to(PACKAGE_TEMPLATES):
        return f"careprint:{real.relative_to(PACKAGE_TEMPLATES).as_posix()}"
    if real.is_relative_to(root):
        return f"file:{real.relative_to(root).as_posix()}"
    return None


class Now:
    """What each recorded read gives now, in a project: the next build's question."""

    def __init__(self, root: Path, config):
        self.root, self.config = Path(root), config
        self._cache: dict[str, str | None] = {}

    def digest(self, name: str) -> str | None:
        if name not in self._cache:
            self._cache[name] = self._digest(name)
        return self._cache[name]

    def _digest(self, name: str) -> str | None:
        kind, _, rest = name.partition(":")
        if kind != "config" and (rest.startswith("/") or ".." in rest.split("/")):
            return None  # a damaged manifest cannot point careprint elsewhere
        if kind == "config":
            if self.config is None:  # asked without one (a kept part reads no config)
                return None
            _, table, key = rest.split(".", 2)
            value = self.config.formats.get(table, {}).get(key, _MISSING)
            return None if value is _MISSING else value_digest(value)
        if kind == "catalogue":
            if self.config is None:
                return None
            from .catalogues import digest

            return digest(self.root, rest, getattr(self.config, "strings", {}))
        if kind == "template":
            own = self.root / "templates" / rest
            path = own if own.is_file() else PACKAGE_TEMPLATES / rest
            return template_digest(path) if path.is_file() else None
        if kind == "file":
            return file_digest(self.root / rest) or None
        if kind == "careprint":
            return file_digest(PACKAGE_TEMPLATES / rest) or None
        return None

    def hold(self, reads) -> bool:
        """Whether every read recorded gives the same digest now. An entry without its
        reads (made by an earlier careprint, or damaged) holds nothing."""
        if not isinstance(reads, dict):
            return False
        return all(isinstance(d, str) and self.digest(n) == d for n, d in reads.items())


_MISSING = object()
