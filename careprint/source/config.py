"""Load and validate careprint.toml into frozen dataclasses.

Every option is declared once, in careprint/source/config_schema.py, with a docstring (`doc`).
Unknown keys, wrong types and missing required keys are errors that name the key path,
e.g. `careprint.toml: editions.partners.title: expected a string`. One table is checked
against its options by careprint/source/config_tables.py, which also reads the [check] tables.
"""

from __future__ import annotations

import datetime as _dt
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..errors import Collector, Location, Problem, ProjectError, at, at_key
from ..guard.nesting import MAX_TOML_DEPTH, toml_nesting_line
from ..guard.textguard import invisible_characters
from ..guard.urls import report_address_problem, url_problem
from .config_schema import (
    EDITION_OPTS,
    GUIDE_OPTS,
    PAPER_OPTS,
    RESOURCES_OPTS,
    REVIEW_OPTS,
    format_opts,
)
from .config_schema import PAPER_SIZES as PAPER_SIZES  # where the rest of careprint finds it
from .config_tables import CONFIG_NAME as CONFIG_NAME
from .config_tables import check_tables, did_you_mean, table
from .languages import BUILD_FOLDERS, read_languages
from .reads import note_config
from .tomllines import item_lines, key_lines, long_integer_problem

NAME_RE = re.compile(r"^[a-z][a-z0-9-]*$")


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
    url: str = ""  # [guide] url: where the build folder is published, or ""


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
    paper: str  # the first of `papers`: the paper of a build that names none
    formats: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    check: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    papers: tuple[str, ...] = ()  # [paper] size: every size each PDF is built on
    resources: MappingProxyType = field(default_factory=lambda: MappingProxyType(
        {k: o.default for k, o in RESOURCES_OPTS.items()}))  # [resources]
    review: MappingProxyType = field(default_factory=lambda: MappingProxyType(
        {k: o.default for k, o in REVIEW_OPTS.items()}))  # [review]
    # [strings]: careprint's own words, msgid -> the project's text (source/i18n.py)
    strings: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    # [languages.<code>]: code -> languages.Language (careprint/source/languages.py)
    languages: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    # {dotted key: its line in careprint.toml} (careprint/source/tomllines.py), and each string of
    # [resources] regions as "resources.regions[CODE]": where a rule's finding is written
    lines: MappingProxyType = field(default_factory=lambda: MappingProxyType({}),
                                    repr=False, compare=False)

    @property
    def edition_ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.editions)

    def edition(self, edition_id: str) -> EditionConfig:
        return next(e for e in self.editions if e.id == edition_id)

    def line(self, key: str) -> int | None:
        """The line of careprint.toml's `key` (a dotted path), or of the nearest table
        above it that is written (for a key left out); None when neither is."""
        parts = key.split(".")
        return next((self.lines[k] for k in (".".join(parts[:i])
                                              for i in range(len(parts), 0, -1))
                     if k in self.lines), None)

    def fmt(self, name: str, key: str):
        """A value of [formats.<name>]; a render that reads it depends on it (reads.py)."""
        value = self.formats[name][key]
        note_config(name, key, value)
        return value


def load_config(root: Path) -> Config:
    """Read and validate `root/careprint.toml`. Raise ProjectError listing every problem."""
    config, problems = read_config(root)
    if problems:
        raise ProjectError(problems)
    assert config is not None
    return config


def read_config(root: Path) -> tuple[Config | None, list[Problem]]:
    """careprint.toml's settings and its problems, for `careprint check`, which checks the
    content past a problem here: a key that is wrong keeps its default. The Config is None
    when the guide or its editions cannot be made out ([guide] or [editions] wrong, see
    _usable). Raises ProjectError only when the file cannot be read or parsed at all."""
    text = _read_config(root)
    data = _parse_toml(text)

    errs = Collector()
    errs.extend(invisible_characters(text, CONFIG_NAME))
    top = {"guide": dict, "editions": dict, "paper": dict, "resources": dict, "review": dict,
           "formats": dict, "check": dict, "languages": dict, "strings": dict}
    for key in data:
        if key not in top:
            errs.add(at_key(CONFIG_NAME, key), f"unknown key;{did_you_mean(key, top)} expected "
                     f"one of: {', '.join(top)}")
    guide = _guide(data, errs)
    editions = _editions(data.get("editions"), errs)
    papers = _papers(data.get("paper", {}), errs)
    formats = _formats(data.get("formats", {}), errs)
    check = check_tables(data.get("check", {}), [e.id for e in editions], errs)
    resources = _resources(data.get("resources", {}), errs)
    review = _review(data.get("review", {}), errs)
    languages = read_languages(data.get("languages", {}), [e.id for e in editions],
                               guide.get("language"), errs)  # careprint/source/languages.py
    strings = _strings(data.get("strings", {}), errs)

    lines = key_lines(text)
    problems = [_at_line(p, lines) for p in errs.problems]  # each at its key's line
    if problems and not _usable(guide, editions):
        return None, problems
    lines.update(item_lines(text, lines.get("resources.regions"), "resources.regions"))
    return Config(root=root, guide=GuideMeta(**guide), editions=tuple(editions),
                  paper=papers[0], papers=papers, formats=MappingProxyType(formats), check=check,
                  resources=resources, review=review, strings=strings,
                  lines=MappingProxyType(lines), languages=languages), problems


def _usable(guide: dict[str, Any], editions: list[EditionConfig]) -> bool:
    """Whether the guide's settings are whole enough to check its content with: every
    [guide] value of its type, and at least one edition, each named and described. Any
    other wrong key keeps its default (config_tables.table)."""
    texts = [v for k, v in guide.items() if k not in ("authors", "date")]
    texts += [v for e in editions for v in (e.title, e.audience, e.description)]
    return bool(editions) and all(isinstance(v, str) for v in texts) and \
        isinstance(guide["date"], _dt.date) and \
        all(NAME_RE.match(e.id) and e.id not in BUILD_FOLDERS for e in editions)


def _at_line(problem: Problem, lines: dict[str, int]) -> Problem:
    """`problem` at the line of its careprint.toml key, or of the nearest table above it
    that is written (a missing key's table)."""
    where = problem.where
    if not isinstance(where, Location) or not where.key or where.line:
        return problem
    parts = where.key.split(".")
    line = next((lines[k] for k in (".".join(parts[:i]) for i in range(len(parts), 0, -1))
                 if k in lines), None)
    return replace(problem, where=Location(where.path, line, where.key))


def key_location(root: Path, key: str) -> Location:
    """careprint.toml's `key` (a dotted path) at its line, for a problem found after the
    config was read (a template it names that is not found)."""
    try:
        text = (Path(root) / CONFIG_NAME).read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return at_key(CONFIG_NAME, key)
    return _at_line(Problem(at_key(CONFIG_NAME, key), ""), key_lines(text)).where


MAX_CONFIG_BYTES = 256 * 1024  # the bundled guide's careprint.toml is 3 KiB


def _read_config(root: Path) -> str:
    path = root / CONFIG_NAME
    if not path.is_file():
        raise ProjectError(Problem(CONFIG_NAME, f"not found in {root} (is this a careprint "
                                    "project? `careprint init DIR` creates one)"))
    size = path.stat().st_size
    if size > MAX_CONFIG_BYTES:  # tomllib took 6 GB to read 50 MB
        raise ProjectError(Problem(CONFIG_NAME, f"file is {size // 1024} KiB; the limit for "
                                   f"careprint.toml is {MAX_CONFIG_BYTES // 1024} KiB (a "
                                   "guide's settings take a few): remove what is not "
                                   "settings"))
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProjectError(Problem(CONFIG_NAME, f"not UTF-8 (byte offset {exc.start})")) from None


def _guide(data: dict, errs: Collector) -> dict[str, Any]:
    """The values of [guide], by GuideMeta's fields (each option of GUIDE_OPTS is one)."""
    if "guide" not in data:
        errs.add(at_key(CONFIG_NAME, "guide"), "missing required table [guide]")
    g = table(data.get("guide", {}), "guide", GUIDE_OPTS, errs)

    if g["slug"] is not None and not NAME_RE.match(g["slug"]):
        errs.add(at_key(CONFIG_NAME, "guide.slug"), "use lower-case letters, digits and hyphens")
    if isinstance(g["authors"], list) and not all(isinstance(a, str) for a in g["authors"]):
        errs.add(at_key(CONFIG_NAME, "guide.authors"), "expected a list of strings")
    date = g["date"]
    if isinstance(date, str):
        try:
            date = _dt.date.fromisoformat(date)
        except ValueError:
            errs.add(at_key(CONFIG_NAME, "guide.date"), f"{date!r} is not a date (YYYY-MM-DD)")
    elif isinstance(date, _dt.datetime):
        date = date.date()
    return {**g, "authors": tuple(g["authors"] or ()), "date": date,
            "url": _site_url(g["url"], errs)}


_SITE_URL_RE = re.compile(r"https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d+)?"
                          r"(?:/[^\s?#]*)?")


def _site_url(url: Any, errs: Collector) -> str:
    """[guide] url: an http(s) address with a host and no spaces, query or fragment (a
    page's address is added to its end); "" when none is given."""
    if not isinstance(url, str) or not url:
        return ""
    if not _SITE_URL_RE.fullmatch(url):
        errs.add(at_key(CONFIG_NAME, "guide.url"),
                 f"{url[:80]!r} is not the address of a published folder: expected "
                 "https://host/path (or http://), with no spaces, `?` or `#`")
        return ""
    return url


def _editions(raw_eds: Any, errs: Collector) -> list[EditionConfig]:
    editions = []
    if raw_eds is None:
        errs.add(at_key(CONFIG_NAME, "editions"), "missing required table [editions.<name>]: "
                 "define at least one edition")
    elif not isinstance(raw_eds, dict) or not raw_eds:
        errs.add(at_key(CONFIG_NAME, "editions"), "expected at least one [editions.<name>] table")
    else:
        for eid, raw in raw_eds.items():
            if not NAME_RE.match(eid):
                errs.add(at_key(CONFIG_NAME, f"editions.{eid}"),
                         "edition names use lower-case letters, digits and hyphens")
            elif eid in BUILD_FOLDERS:  # build/regions/, build/imprints/, build/languages/
                errs.add(at_key(CONFIG_NAME, f"editions.{eid}"), f"{eid!r} is the build "
                         "folder of region, clinic or language builds: name the edition "
                         "otherwise")
            e = table(raw, f"editions.{eid}", EDITION_OPTS, errs)
            editions.append(EditionConfig(eid, e["title"], e["audience"], e["description"]))
    return editions


def _papers(raw: Any, errs: Collector) -> tuple[str, ...]:
    if isinstance(raw, dict) and "size" in raw:  # "A4" is a4, as printers write it
        size = raw["size"]
        raw = {**raw, "size": size.lower() if isinstance(size, str) else
               [v.lower() if isinstance(v, str) else v for v in size]
               if isinstance(size, list) else size}
    size = table(raw, "paper", PAPER_OPTS, errs)["size"]
    papers = tuple(dict.fromkeys(size)) if isinstance(size, list) else (size,)
    if not papers:
        errs.add(at_key(CONFIG_NAME, "paper.size"), "expected at least one paper size")
        papers = ("a4",)
    return papers


def _resources(raw: Any, errs: Collector) -> MappingProxyType:
    """[resources]: the regions the guide serves (ISO 3166 codes), how long a check holds."""
    from .regions import known

    values = table(raw, "resources", RESOURCES_OPTS, errs)
    codes = values["regions"] or []
    for code in codes:
        if not known(code):
            errs.add(at_key(CONFIG_NAME, "resources.regions"),
                     f"{str(code)[:40]!r} is not an ISO 3166 code careprint knows: a country "
                     "(US, GB, IE...) or a part of one (GB-SCT, CA-ON...), in capitals")
    values["regions"] = tuple(dict.fromkeys(c for c in codes if isinstance(c, str)))
    return MappingProxyType(values)


def _strings(raw: Any, errs: Collector) -> MappingProxyType:
    """[strings]: msgid = "text", each a string (source/i18n.py checks the text itself)."""
    if not isinstance(raw, dict):
        errs.add(at_key(CONFIG_NAME, "strings"), "expected a table of msgid = \"text\"")
        return MappingProxyType({})
    out = {}
    for msgid, text in raw.items():
        if isinstance(text, str):
            out[msgid] = text
        else:
            errs.add(at_key(CONFIG_NAME, "strings"), f"{msgid[:60]!r}: expected a string, "
                     "the text to print in place of careprint's message (docs/templates.md)")
    return MappingProxyType(out)


def _review(raw: Any, errs: Collector) -> MappingProxyType:
    """[review]: who stands behind the guide. A review needs its reviewers and its date."""
    values = table(raw, "review", REVIEW_OPTS, errs)
    for key in ("credits", "clinical_reviewers"):
        if not all(isinstance(v, str) and v.strip() for v in values[key]):
            errs.add(at_key(CONFIG_NAME, f"review.{key}"), "expected a list of non-empty "
                     "strings")
            values[key] = []
        values[key] = tuple(v.strip() for v in values[key])
    for key in ("reviewed_on", "next_review"):
        value = values[key]
        if isinstance(value, str) and value:
            try:
                value = _dt.date.fromisoformat(value)
            except ValueError:
                errs.add(at_key(CONFIG_NAME, f"review.{key}"), f"{value!r} is not a date "
                         "(YYYY-MM-DD)")
                value = None
        values[key] = value if isinstance(value, _dt.date) else None
    report = values["report_errors"]
    if isinstance(report, str) and report.strip() and \
            (problem := report_address_problem(report.strip())):
        errs.add(at_key(CONFIG_NAME, "review.report_errors"), problem)
        values["report_errors"] = ""
    if values["clinical_reviewers"] and values["reviewed_on"] is None:
        errs.add(at_key(CONFIG_NAME, "review.reviewed_on"), "clinical_reviewers needs the "
                 "date of their review: reviewed_on = YYYY-MM-DD")
    if values["reviewed_on"] is not None and not values["clinical_reviewers"]:
        errs.add(at_key(CONFIG_NAME, "review.clinical_reviewers"), "reviewed_on names a "
                 "review: say who did it (a name and a role)")
    return MappingProxyType(values)


def _formats(raw_formats: Any, errs: Collector) -> dict[str, MappingProxyType]:
    formats, tables = {}, format_opts()
    if isinstance(raw_formats, dict):
        for key in raw_formats:
            if key not in tables:
                errs.add(at_key(CONFIG_NAME, f"formats.{key}"),
                         f"unknown format;{did_you_mean(key, tables)} expected one of: "
                         f"{', '.join(tables)}")
    else:
        errs.add(at_key(CONFIG_NAME, "formats"), "expected a table")
        raw_formats = {}
    for name, opts in tables.items():
        formats[name] = MappingProxyType(
            table(raw_formats.get(name, {}), f"formats.{name}", opts, errs))

    exit_url = formats["html"]["quick_exit_url"]
    if not (isinstance(exit_url, str) and exit_url.startswith(("https://", "http://"))
            and " " not in exit_url):
        errs.add(at_key(CONFIG_NAME, "formats.html.quick_exit_url"),
                 "expected an https:// (or http://) address of a neutral page")
    elif problem := url_problem(exit_url):
        errs.add(at_key(CONFIG_NAME, "formats.html.quick_exit_url"), problem)
    return formats


def _parse_toml(text: str) -> dict:
    """tomllib's parse, with its errors (and its recursion on deep nesting) as Problems."""
    deep = toml_nesting_line(text)
    if deep:
        raise ProjectError(Problem(at(CONFIG_NAME, deep), "arrays or inline tables nested "
                                   f"more than {MAX_TOML_DEPTH} deep"))
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProjectError(Problem(*_toml_where(str(exc)))) from None
    except RecursionError:
        raise ProjectError(Problem(CONFIG_NAME, "arrays or inline tables nested too "
                                   "deep")) from None
    except ValueError:  # an integer longer than Python converts (sys.get_int_max_str_digits)
        raise ProjectError(long_integer_problem(text, CONFIG_NAME)) from None


def _toml_where(msg: str) -> tuple[Location | str, str]:
    """Turn tomllib's '... (at line 3, column 7)' into ('careprint.toml:3', '...')."""
    m = re.search(r"\s*\(at line (\d+), column (\d+)\)$", msg)
    if m:
        return at(CONFIG_NAME, int(m.group(1))), f"invalid TOML: {msg[:m.start()]} " \
               f"(column {m.group(2)})"
    return CONFIG_NAME, f"invalid TOML: {msg}"
