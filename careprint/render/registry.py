"""The formats careprint builds: each one a Format, declared once by its renderer module.

A format module (render/pdf.py, render/epub.py, ...) ends with

    FORMAT = Format("pdf", jobs, render, order=10)

and that one object is all the rest of careprint knows of it: the build plans its jobs
and renders them, pruning keeps the outputs it owns, `careprint list` lists them,
`--format` accepts its name, the check looks for its files and the library page names
its variants. The built-in formats are the modules of careprint/render/ that declare one
(found by reading them, see builtin_modules); another one (a test's, a plugin's) joins with
`register(FORMAT)` or, for a while, `with registered(FORMAT):`.
Formats are listed by `order`, then name: the order of a build's jobs, of its messages and
of `careprint list`.

Only the format modules' own code is imported here; WeasyPrint and ebooklib are imported
when a job renders.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ..config import PAPER_SIZES
from .job import Artifact, BuildContext, Job

if TYPE_CHECKING:
    from ..editions import EditionGuide

# how a module of careprint/render/ says it is a format: a top-level `FORMAT = Format(`
_DECLARES = re.compile(r"^FORMAT = (?:registry\.)?Format\(", re.M)


def builtin_modules(folder: Path = Path(__file__).parent) -> tuple[str, ...]:
    """The modules in `folder` that declare a FORMAT, by name.

    They are found by reading their text, not by importing every module: importing
    weasy.py would load WeasyPrint for `careprint list`, and a helper module has no
    FORMAT to import. Adding a format to careprint is adding such a module.
    """
    return tuple(sorted(p.stem for p in folder.glob("*.py")
                        if _DECLARES.search(p.read_text("utf-8"))))


@runtime_checkable
class Renderer(Protocol):
    """What the build needs of a format (Format is the one implementation careprint has)."""

    name: str
    order: int
    paperless: bool
    based_on: tuple[str, ...]
    variant: str
    keeps_html: bool
    from_base: Callable[[bytes], tuple[bytes, int]] | None

    def jobs(self, eg: EditionGuide, paper: str) -> list[Job]: ...

    def render(self, eg: EditionGuide, ctx: BuildContext, job: Job) -> Artifact: ...

    def targets(self, eg: EditionGuide, papers: Sequence[str]) -> list[Job]: ...

    def outputs(self, eg: EditionGuide) -> set[str]: ...


@dataclass(frozen=True)
class Format:
    """One output format.

    name: what --format, `careprint list` and the manifest call it.
    jobs(eg, paper): its targets in one edition on one paper (a paperless format is given
        "" and makes the same targets whatever the paper).
    render(eg, ctx, job): one target's Artifact (bytes; it never writes).
    order: where it comes among the formats (built-in ones: 10, 20, ... 70).
    paperless: made once, not once per paper (the EPUB, the web edition).
    based_on: the formats whose [formats.X] tables and templates it reuses (large print
        and booklets are the guide and the handouts again); () means its own table.
        What its renders read, of those or anything else, is recorded as they read it
        and is part of their keys (careprint/reads.py): no format lists it.
    variant: the variant its file names carry ("large-print", "booklet"), for the library.
    from_base: for a format made from a based_on format's finished PDF: bytes -> (bytes,
        pages). When both are to be rendered, its job rides along with the base job's.
    keeps_html: whether --keep-html is part of its outputs' keys.
    """

    name: str
    jobs: Callable[[EditionGuide, str], list[Job]]
    render: Callable[[EditionGuide, BuildContext, Job], Artifact]
    order: int = 100
    paperless: bool = False
    based_on: tuple[str, ...] = ()
    variant: str = ""
    from_base: Callable[[bytes], tuple[bytes, int]] | None = None
    keeps_html: bool = True

    def targets(self, eg: EditionGuide, papers: Sequence[str]) -> list[Job]:
        """Its targets in one edition, on each of `papers` (once if it is paperless)."""
        if self.paperless:
            return self.jobs(eg, "")
        return [j for paper in papers for j in self.jobs(eg, paper)]

    def outputs(self, eg: EditionGuide) -> set[str]:
        """Every file it makes in one edition, on any paper: what pruning leaves alone."""
        return {j.relpath for j in self.targets(eg, PAPER_SIZES)}


_REGISTRY: dict[str, Renderer] = {}


def _builtin() -> None:
    if _REGISTRY:
        return
    for module in builtin_modules():
        fmt = import_module(f"{__package__}.{module}").FORMAT
        _REGISTRY[fmt.name] = fmt


def formats() -> tuple[Renderer, ...]:
    """Every registered format, in order."""
    _builtin()
    return tuple(sorted(_REGISTRY.values(), key=lambda f: (f.order, f.name)))


def names() -> tuple[str, ...]:
    """The names of every registered format, in order."""
    return tuple(f.name for f in formats())


def get(name: str) -> Renderer:
    """The format called `name` (KeyError if there is none)."""
    _builtin()
    return _REGISTRY[name]


def register(fmt: Renderer) -> None:
    """Add a format. Its name must be new, and it must have what the build uses."""
    _builtin()
    if not isinstance(fmt, Renderer):
        raise TypeError(f"{fmt!r} is not a format: see careprint/render/registry.py")
    if fmt.name in _REGISTRY:
        raise ValueError(f"a format called {fmt.name!r} is already registered")
    _REGISTRY[fmt.name] = fmt


def unregister(name: str) -> None:
    _builtin()
    _REGISTRY.pop(name, None)


@contextlib.contextmanager
def registered(fmt: Renderer) -> Iterator[Renderer]:
    """`with registered(FORMAT):` the format is built, listed and checked like any other."""
    register(fmt)
    try:
        yield fmt
    finally:
        unregister(fmt.name)
