"""The formats careprint builds: each one a Format, which owns everything about its outputs.

A format module (render/pdf.py, render/epub.py, a plugin's module, a test) ends with

    FORMAT = Format("pdf", jobs, render, order=10, options=OPTIONS, checks=(...))

and that one object is all the rest of careprint knows of it:

- the build plans its `jobs` and `render`s them, pruning keeps the outputs it owns,
  `careprint list` lists them and `--format` accepts its name;
- its file names are its jobs' `relpath`s (render/names.py has the helpers the built-in
  formats share), so the library page and the check never name a file themselves;
- `options`: its [formats.<name>] table in careprint.toml (read by config.py, written
  into docs/config.md by config_docs.py);
- `library(eg, job, targets)`: what the library page (careprint/pipeline/library.py) says of each
  of its files;
- `checks`: what `careprint check --outputs` (check/outputs.py) checks in each of its files.

Where formats come from (`formats()`): careprint's own are the modules named in BUILT_IN,
imported by name; any other is found through the entry point group `careprint.formats`
(careprint/plugins.py), as MkDocs and Sphinx find plugins: a package declares

    [project.entry-points."careprint.formats"]
    summary = "careprint_summary:FORMAT"

A test adds one with `register(FORMAT)` or, for a while, `with registered(FORMAT):`.
Formats are listed by `order`, then name: the order of a build's jobs, of its messages and
of `careprint list`.

Only the format modules' own code is imported here; WeasyPrint and ebooklib are imported
when a job renders.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from types import MappingProxyType
from typing import TYPE_CHECKING

from ..source.config_schema import PAPER_SIZES, Opt
from .job import Artifact, BuildContext, Job

if TYPE_CHECKING:
    from ..source.editions import EditionGuide

ENTRY_POINTS = "careprint.formats"

# careprint's own formats: the modules of careprint/render/ that end with a FORMAT.
# They are named here, not found in entry points, so that an editable install need not be
# reinstalled to see a new one, and a stale install's metadata can never lose one.
BUILT_IN = ("pdf", "handouts", "chapters", "epub", "worksheets", "html", "large_print",
            "booklet")

# what `careprint check --outputs` can check in a file (check/outputs.py says how)
CHECKS = ("pdf-accessibility", "pdf-print-only", "phone-split", "crisis-resources",
          "crisis-lines", "worksheet-fields", "worksheet-fit", "epub-tools")

Describe = Callable[["EditionGuide", Job, Mapping[str, dict]], "dict | None"]
Check = Callable[["EditionGuide", Job, bytes], list[str]]


def file_entry(eg: EditionGuide, job: Job, targets: Mapping[str, dict]) -> dict | None:
    """The library entry of a format that describes none: each file, in "whole" (the
    edition's own files), under the format's `title`."""
    return {"group": "whole", "kind": "file"}


@dataclass(frozen=True)
class Format:
    """One output format.

    name: what --format, `careprint list` and the manifest call it.
    jobs(eg, paper): its targets in one edition on one paper (a paperless format is given
        "" and makes the same targets whatever the paper). Each job's relpath is its file's
        name in the build folder.
    render(eg, ctx, job): one target's Artifact (bytes; it never writes).
    order: where it comes among the formats (built-in ones: 10, 20, ... 70).
    paperless: made once, not once per paper (the EPUB, the web edition).
    based_on: the formats whose [formats.X] tables and templates it reuses (large print
        and booklets are the guide and the handouts again); () means its own table.
        What its renders read, of those or anything else, is recorded as they read it
        and is part of their keys (careprint/source/reads.py): no format lists it.
    options: its own [formats.<name>] table: key -> config_schema.Opt ({}: it has none).
        A render reads one with `eg.config.fmt(name, key)`.
    title: what the library page calls its files when `library` gives no kind it knows.
    library(eg, job, targets): the library page's entry for one of its files, or None
        for a file it does not list: {"group": "whole" | "chapters" | "worksheets",
        "kind": a kind library.html names ("guide", "epub", "web", "chapter", "full",
        "pack", "worksheet"; "file" is named by `title`), and facts: "variant", "paper",
        "title", "number", "pages", "position" (its place in the edition: a chapter's or
        worksheet's number, 0 for the whole), "rank" (its column among the forms of one
        item; its format's order unless given)}. `targets` is the build manifest's.
    checks: what `careprint check --outputs` checks in each of its files (names from
        CHECKS, or functions (eg, job, data) -> [what is wrong]), or a function
        job -> such a tuple when its files differ (a booklet of the guide and of a handout).
        Every file is also checked to exist.
    variant: the variant its file names carry ("large-print", "booklet").
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
    options: Mapping[str, Opt] = field(default_factory=dict, hash=False, compare=False)
    title: str = ""
    library: Describe = file_entry
    checks: tuple | Callable[[Job], tuple] = ()
    variant: str = ""
    from_base: Callable[[bytes], tuple[bytes, int]] | None = None
    keeps_html: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", MappingProxyType(dict(self.options)))

    def targets(self, eg: EditionGuide, papers: Sequence[str]) -> list[Job]:
        """Its targets in one edition, on each of `papers` (once if it is paperless)."""
        if self.paperless:
            return self.jobs(eg, "")
        return [j for paper in papers for j in self.jobs(eg, paper)]

    def outputs(self, eg: EditionGuide) -> set[str]:
        """Every file it makes in one edition, on any paper: what pruning leaves alone."""
        return {j.relpath for j in self.targets(eg, PAPER_SIZES)}

    def checks_of(self, job: Job) -> tuple:
        """What `careprint check --outputs` checks in the file of `job`."""
        return tuple(self.checks(job) if callable(self.checks) else self.checks)


Renderer = Format  # what the build needs of a format (the name it had)

_REGISTRY: dict[str, Format] = {}


def _load() -> None:
    """careprint's own formats, then the plugins'. A plugin's format may not take a name
    careprint's own format has. Nothing is registered unless every one can be."""
    if _REGISTRY:
        return
    from ..plugins import PluginError, load_described

    found: dict[str, Format] = {}
    for module in BUILT_IN:
        fmt = import_module(f"{__package__}.{module}").FORMAT
        found[fmt.name] = fmt
    for plugin, fmt in load_described(ENTRY_POINTS):
        problem = _problem(fmt, found)
        if problem:
            raise PluginError(f"careprint cannot use {plugin}: it names {problem}. Update "
                              "that package, or uninstall it.")
        assert isinstance(fmt, Format)  # _problem() said so
        found[fmt.name] = fmt
    _REGISTRY.update(found)


def _problem(fmt: object, known: Mapping[str, Format]) -> str:
    """What keeps `fmt` from joining the formats `known` ("" when nothing does)."""
    if not isinstance(fmt, Format):
        return (f"an object of type {type(fmt).__name__!r}, which is not a format (a "
                "careprint.render.registry.Format: see careprint's docs/architecture.md)")
    if fmt.name in known:
        return f"a format called {fmt.name!r}, which is already registered"
    unknown = [c for c in fmt.checks if isinstance(c, str) and c not in CHECKS] \
        if not callable(fmt.checks) else []
    if unknown:
        return (f"the format {fmt.name!r}, whose checks {', '.join(map(repr, unknown))} "
                f"careprint does not have (it has {', '.join(CHECKS)})")
    return ""


def formats() -> tuple[Format, ...]:
    """Every registered format, in order."""
    _load()
    return tuple(sorted(_REGISTRY.values(), key=lambda f: (f.order, f.name)))


def names() -> tuple[str, ...]:
    """The names of every registered format, in order."""
    return tuple(f.name for f in formats())


def get(name: str) -> Format:
    """The format called `name` (KeyError if there is none)."""
    _load()
    return _REGISTRY[name]


def option_tables() -> dict[str, Mapping[str, Opt]]:
    """name -> options of every format that has a [formats.<name>] table, in order."""
    return {f.name: f.options for f in formats() if f.options}


def register(fmt: Format) -> None:
    """Add a format. Its name must be new, and it must have what the build uses."""
    _load()
    problem = _problem(fmt, _REGISTRY)
    if problem:
        raise (ValueError if isinstance(fmt, Format) else TypeError)(
            f"cannot register {problem}")
    _REGISTRY[fmt.name] = fmt


def unregister(name: str) -> None:
    _load()
    _REGISTRY.pop(name, None)


@contextlib.contextmanager
def registered(fmt: Format) -> Iterator[Format]:
    """`with registered(FORMAT):` the format is built, listed and checked like any other."""
    register(fmt)
    try:
        yield fmt
    finally:
        unregister(fmt.name)
