"""What the build hands a renderer, and what a renderer hands back.

A Job is one output file to make (a target of the build plan); a BuildContext is what
every renderer needs besides the edition itself; an Artifact is one finished output.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, ProjectError


@dataclass(frozen=True)
class Job:
    """One output file to make: a target of the build plan."""

    fmt: str
    edition: str
    item: str  # chapter name, worksheet id, "pack" or "" (the whole guide)
    relpath: str  # under the build folder
    weight: int  # rough cost, to start big documents first
    content: str  # digest of the edition-filtered content the output includes
    paper: str = ""  # the paper of a PDF ("a4", "letter"); "" for the EPUB and the web
    # where the pages fell when this output was last made ((pages, {anchor: page index},
    # part name) per part): the page numbers a rebuilt guide starts from (render/parts.py)
    layout: tuple | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Artifact:
    """One finished output: its bytes, its page count, and the HTML it was made from."""

    relpath: str
    data: bytes
    pages: int = 0
    warnings: tuple[str, ...] = ()
    html: str | tuple[str, ...] | None = None  # what WeasyPrint was given (--keep-html);
    # a tuple for a guide laid out in parts
    layout: tuple | None = None  # of a whole guide: see Job.layout
    parts: tuple[str, ...] = ()  # a guide's: the keys of its kept parts (render/partcache.py)


@dataclass(frozen=True)
class BuildContext:
    """What every renderer needs besides the edition itself."""

    root: Path  # the project folder
    paper: str  # "a4" or "letter"
    source_date: _dt.datetime  # fixed: SOURCE_DATE_EPOCH or the configured date, UTC
    bleed: str = ""  # print-shop bleed, e.g. "3mm"
    marks: bool = False  # print-shop crop marks
    # a build for a clinic: the folder of the PDFs laid out once for every clinic
    # (render/shared.py), and the digest of what else they read; "" in every other build
    shared: str = ""
    shared_key: str = ""
    stamp_key: str = ""  # ... and of the clinics' files (their logos)
    # where the parts of the guides are kept (render/partcache.py), "" for nowhere; with
    # reuse_parts False (--force) they are laid out again and kept anew
    parts: str = ""
    reuse_parts: bool = True


def source_date(config_date: _dt.date, environ) -> _dt.datetime:
    """SOURCE_DATE_EPOCH when set (reproducible-builds.org), else the configured date."""
    value = environ.get("SOURCE_DATE_EPOCH")
    if value:
        when = None
        if value.isascii() and value.isdigit() and len(value) <= 12:  # no sign, no "1e9"
            with contextlib.suppress(ValueError, OverflowError, OSError):
                when = _dt.datetime.fromtimestamp(int(value), _dt.UTC).replace(tzinfo=None)
        if when is None:
            shown = value if len(value) <= 40 else f"{value[:40]}..."
            raise ProjectError(Problem("SOURCE_DATE_EPOCH", f"{shown!r} is not a Unix "
                                       "timestamp: expected a whole number of seconds since "
                                       "1970-01-01, from 0 to 253402300799 (the end of the "
                                       "year 9999)"))
        return when
    return _dt.datetime(config_date.year, config_date.month, config_date.day)
