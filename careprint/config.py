"""Load and validate careprint.toml into frozen dataclasses.

Every option is declared once, in SCHEMA-like field lists below, with a
docstring (`doc`). Unknown keys, wrong types and missing required keys are
errors that name the key path, e.g.
`careprint.toml: editions.partners.title: expected a string`.
"""

from __future__ import annotations

import datetime as _dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import Collector, Problem, ProjectError

CONFIG_NAME = "careprint.toml"
PAPER_SIZES = ("a4", "letter")
NAME_RE = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class Opt:
    """One config option: its type, whether it is required, its default and what it means."""

    kind: type | tuple
    doc: str
    required: bool = False
    default: Any = None
    choices: tuple = ()


GUIDE_OPTS = {
    "title": Opt(str, "The guide's title, on every cover and running header.", required=True),
    "subtitle": Opt(str, "A line under the title.", default=""),
    "slug": Opt(str, "Short name used in output file names (lower case, digits, hyphens).",
                required=True),
    "authors": Opt(list, "List of author names.", required=True),
    "language": Opt(str, "BCP 47 language tag of the text, e.g. 'en' or 'en-GB'.", required=True),
    "license": Opt(str, "The licence the guide is published under.", required=True),
    "publisher": Opt(str, "Who publishes the guide.", required=True),
    "identifier_base": Opt(str, "Stable base for the EPUB identifier (a URN or URL); "
                           "each edition gets a UUIDv5 from it.", required=True),
    "date": Opt((str, _dt.date), "Publication date, YYYY-MM-DD. Used in the colophon and as the "
                "EPUB's modified date unless SOURCE_DATE_EPOCH is set.", required=True),
    "version": Opt(str, "The guide's own version, printed in the colophon.", default="1.0"),
}
EDITION_OPTS = {
    "title": Opt(str, "The edition's title, e.g. 'For partners'.", required=True),
    "audience": Opt(str, "Who the edition is for, printed on the title page.", required=True),
    "description": Opt(str, "A short description for the title page and `careprint list`.",
                       required=True),
}
PAPER_OPTS = {
    "size": Opt(str, "Default paper size of every PDF.", default="a4", choices=PAPER_SIZES),
}
FORMAT_OPTS = {
    "pdf": {
        "template": Opt(str, "Template of the full-guide PDF.", default="guide.html"),
        "crisis_line": Opt(str, "One line with crisis numbers, printed in every handout footer.",
                           default=""),
    },
    "handouts": {
        "template": Opt(str, "Template of a chapter handout.", default="handout.html"),
    },
    "epub": {
        "template": Opt(str, "Template of an EPUB content document.", default="epub-page.xhtml"),
        "accessibility_summary": Opt(str, "schema:accessibilitySummary of the EPUB.",
                                     default="This publication has a logical reading order, "
                                     "a table of contents and structured headings."),
    },
    "worksheets": {
        "template": Opt(str, "Template of a worksheet pack and a single worksheet.",
                        default="worksheets.html"),
    },
}


@dataclass(frozen=True)
class GuideMeta:
    title: str
    subtitle: str
    slug: str
    authors: tuple[str, ...]
    language: str
    license: str
    publisher: str
    identifier_base: str
    date: _dt.date
    version: str


@dataclass(frozen=True)
class EditionConfig:
    id: str
    title: str
    audience: str
    description: str


@dataclass(frozen=True)
class Config:
    root: Path
    guide: GuideMeta
    editions: tuple[EditionConfig, ...]
    paper: str
    formats: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    @property
    def edition_ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.editions)

    def edition(self, edition_id: str) -> EditionConfig:
        return next(e for e in self.editions if e.id == edition_id)

    def fmt(self, name: str, key: str):
        return self.formats[name][key]


_KIND_NAMES = {str: "a string", list: "a list", dict: "a table", int: "an integer",
               bool: "true or false"}


def _kind_name(kind) -> str:
    if isinstance(kind, tuple):
        return _KIND_NAMES.get(kind[0], kind[0].__name__)
    return _KIND_NAMES.get(kind, kind.__name__)


def _table(data: Any, path: str, opts: dict[str, Opt], errs: Collector) -> dict[str, Any]:
    """Validate one table against its options; return the values with defaults filled in."""
    where = f"{CONFIG_NAME}: {path}" if path else CONFIG_NAME
    if not isinstance(data, dict):
        errs.add(where, "expected a table")
        return {k: o.default for k, o in opts.items()}
    out = {}
    for key in data:
        if key not in opts:
            errs.add(f"{CONFIG_NAME}: {_join(path, key)}",
                     f"unknown key; expected one of: {', '.join(opts)}")
    for key, opt in opts.items():
        kp = f"{CONFIG_NAME}: {_join(path, key)}"
        if key not in data:
            if opt.required:
                errs.add(kp, f"missing required key ({opt.doc})")
            out[key] = opt.default
            continue
        value = data[key]
        if not isinstance(value, opt.kind) or isinstance(value, bool) and opt.kind is not bool:
            errs.add(kp, f"expected {_kind_name(opt.kind)}")
            out[key] = opt.default
            continue
        if opt.choices and value not in opt.choices:
            errs.add(kp, f"{value!r} is not one of: {', '.join(opt.choices)}")
            value = opt.default
        out[key] = value
    return out


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def load_config(root: Path) -> Config:
    """Read and validate `root/careprint.toml`. Raise ProjectError listing every problem."""
    path = root / CONFIG_NAME
    if not path.is_file():
        raise ProjectError(Problem(CONFIG_NAME, f"not found in {root} (is this a careprint "
                                    "project? `careprint init DIR` creates one)"))
    try:
        text = path.read_bytes().decode("utf-8-sig")
        data = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        raise ProjectError(Problem(CONFIG_NAME, f"not UTF-8 (byte offset {exc.start})")) from None
    except tomllib.TOMLDecodeError as exc:
        raise ProjectError(Problem(*_toml_where(str(exc)))) from None

    errs = Collector()
    top = {"guide": dict, "editions": dict, "paper": dict, "formats": dict, "check": dict}
    for key in data:
        if key not in top:
            errs.add(f"{CONFIG_NAME}: {key}", f"unknown key; expected one of: {', '.join(top)}")
    if "guide" not in data:
        errs.add(f"{CONFIG_NAME}: guide", "missing required table [guide]")
    g = _table(data.get("guide", {}), "guide", GUIDE_OPTS, errs)

    if g["slug"] is not None and not NAME_RE.match(g["slug"]):
        errs.add(f"{CONFIG_NAME}: guide.slug", "use lower-case letters, digits and hyphens")
    if isinstance(g["authors"], list) and not all(isinstance(a, str) for a in g["authors"]):
        errs.add(f"{CONFIG_NAME}: guide.authors", "expected a list of strings")
    date = g["date"]
    if isinstance(date, str):
        try:
            date = _dt.date.fromisoformat(date)
        except ValueError:
            errs.add(f"{CONFIG_NAME}: guide.date", f"{date!r} is not a date (YYYY-MM-DD)")
    elif isinstance(date, _dt.datetime):
        date = date.date()

    editions = []
    raw_eds = data.get("editions")
    if raw_eds is None:
        errs.add(f"{CONFIG_NAME}: editions", "missing required table [editions.<name>]: "
                 "define at least one edition")
    elif not isinstance(raw_eds, dict) or not raw_eds:
        errs.add(f"{CONFIG_NAME}: editions", "expected at least one [editions.<name>] table")
    else:
        for eid, raw in raw_eds.items():
            if not NAME_RE.match(eid):
                errs.add(f"{CONFIG_NAME}: editions.{eid}",
                         "edition names use lower-case letters, digits and hyphens")
            e = _table(raw, f"editions.{eid}", EDITION_OPTS, errs)
            editions.append(EditionConfig(eid, e["title"], e["audience"], e["description"]))

    paper = _table(data.get("paper", {}), "paper", PAPER_OPTS, errs)["size"]

    formats = {}
    raw_formats = data.get("formats", {})
    if isinstance(raw_formats, dict):
        for key in raw_formats:
            if key not in FORMAT_OPTS:
                errs.add(f"{CONFIG_NAME}: formats.{key}",
                         f"unknown format; expected one of: {', '.join(FORMAT_OPTS)}")
    else:
        errs.add(f"{CONFIG_NAME}: formats", "expected a table")
        raw_formats = {}
    for name, opts in FORMAT_OPTS.items():
        formats[name] = MappingProxyType(
            _table(raw_formats.get(name, {}), f"formats.{name}", opts, errs))

    errs.raise_if_any()
    guide = GuideMeta(
        title=g["title"], subtitle=g["subtitle"], slug=g["slug"], authors=tuple(g["authors"]),
        language=g["language"], license=g["license"], publisher=g["publisher"],
        identifier_base=g["identifier_base"], date=date, version=g["version"])
    return Config(root=root, guide=guide, editions=tuple(editions), paper=paper,
                  formats=MappingProxyType(formats))


def _toml_where(msg: str) -> tuple[str, str]:
    """Turn tomllib's '... (at line 3, column 7)' into ('careprint.toml:3', '...')."""
    m = re.search(r"\s*\(at line (\d+), column (\d+)\)$", msg)
    if m:
        return f"{CONFIG_NAME}:{m.group(1)}", f"invalid TOML: {msg[:m.start()]} " \
               f"(column {m.group(2)})"
    return CONFIG_NAME, f"invalid TOML: {msg}"
