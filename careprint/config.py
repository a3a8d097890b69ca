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
from .nesting import MAX_TOML_DEPTH, toml_nesting_line
from .textguard import invisible_characters

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
    "size": Opt((str, list), "Paper size of every PDF, or a list of sizes to build each PDF "
                'on each of them, e.g. `["a4", "letter"]`. The paper is part of every PDF\'s '
                "file name, so sizes never overwrite each other.", default="a4",
                choices=PAPER_SIZES),
}
FORMAT_OPTS = {
    "pdf": {
        "template": Opt(str, "Template of the full-guide PDF.", default="guide.html"),
        "crisis_line": Opt(str, "One line with crisis numbers, printed in every handout footer.",
                           default=""),
        "part_words": Opt(int, "A guide with more words than this is laid out in parts of "
                          "about this many words, joined into one PDF, so that memory stays "
                          "flat however long the guide grows (docs/building.md). 0 never "
                          "splits.", default=25000),
    },
    "handouts": {
        "template": Opt(str, "Template of a chapter handout.", default="handout.html"),
    },
    "epub": {
        "template": Opt(str, "Template of an EPUB content document.", default="epub-page.xhtml"),
        "accessibility_summary": Opt(str, "schema:accessibilitySummary of the EPUB.",
                                     default="This publication has a logical reading order, "
                                     "a table of contents and structured headings."),
        "conforms_to": Opt(str, "dcterms:conformsTo of the EPUB: the accessibility standard it "
                           "meets, certified by the guide's publisher (a11y:certifiedBy). "
                           "Empty states no conformance.",
                           default="EPUB Accessibility 1.1 - WCAG 2.2 Level AA"),
    },
    "worksheets": {
        "template": Opt(str, "Template of a worksheet pack and a single worksheet.",
                        default="worksheets.html"),
    },
    "html": {
        "template": Opt(str, "Template of a page of the web edition.", default="web-page.html"),
        "quick_exit_url": Opt(str, "Where the web edition's quick-exit button (and the Escape "
                              "key) goes: a neutral page that replaces the guide in the "
                              "browser's history.", default="https://www.bbc.co.uk/weather"),
    },
}


# ---------------------------------------------------------------- [check]: `careprint check`
#
# Each rule of `careprint check` has a table [check.<rule-id>] (docs/checks.md). Every rule
# takes `enabled` and `severity`; the keys after those are the rule's own thresholds.

SEVERITIES = ("error", "warning")
ACE_IMPACTS = ("minor", "moderate", "serious", "critical")

# Pressure words: what each phrase is, and a choice-giving wording to use instead.
DEFAULT_PRESSURE_WORDS = {
    "must": '"you can", "you might" or "if you like"',
    "should": '"you could", "it may help to" or "some people find"',
    "have to": '"you can choose to" or "when you are ready"',
    "has to": '"can" or "may"',
    "need to": '"it may help to" or "you might"',
    "needs to": '"it may help to" or "can"',
    "ought to": '"you could" or "you might like to"',
    "supposed to": '"many people" or "you might"',
    "failure": '"a hard day" or "it did not go as hoped"',
    "fail": '"find it hard" or "it did not go as hoped"',
    "fails": '"finds it hard" or "it does not go as hoped"',
    "failed": '"found it hard" or "it did not go as hoped"',
    "failing": '"finding it hard"',
    "normal sexual function": '"what feels right for you"',
    "just relax": '"take your time; there is no goal"',
    "try harder": '"go at your own pace"',
    "don't worry": '"it is okay to feel unsure"',
    "calm down": '"take a pause if you like"',
    "get over it": '"in your own time"',
    "you will feel": '"you might notice"',
}
# Headings that say nothing about what follows.
DEFAULT_GENERIC_HEADINGS = [
    "introduction", "intro", "overview", "background", "summary", "conclusion",
    "conclusions", "information", "more information", "further information", "other",
    "others", "miscellaneous", "misc", "notes", "details", "general", "about", "content",
    "text", "untitled", "heading", "section", "chapter", "part",
]
# Link texts that make no sense on their own (a screen reader lists links out of context).
DEFAULT_GENERIC_LINK_TEXT = [
    "click here", "click", "here", "tap here", "press here", "this link", "link",
    "this", "this page", "read more", "more", "learn more", "more info", "go", "website",
]
# How a chapter's last section can offer the reader something to do.
DEFAULT_ACTION_HEADINGS = ["Try this", "Practice", "Something to try", "Your next step",
                           "Next step"]
# Flesch-Kincaid grade per edition, when careprint.toml names none (the thresholds:
# 8 for survivors and partners, 10 for group facilitators); every other edition: max_grade.
READABILITY_EDITION_GRADES = {"survivors": 8, "partners": 8, "groups": 10}


def _rule(severity: str, **opts: Opt) -> dict[str, Opt]:
    return {
        "enabled": Opt(bool, "Run this rule; `false` switches it off for the project.",
                       default=True),
        "severity": Opt(str, "How a finding of this rule counts: `error` fails the check, "
                        "`warning` fails it only under --strict.", default=severity,
                        choices=SEVERITIES),
        **opts,
    }


_NUM = (float, int)
CHECK_OPTS: dict[str, dict[str, Opt]] = {
    # health literacy
    "readability": _rule(
        "error",
        max_grade=Opt(_NUM, "Highest Flesch-Kincaid grade of a chapter, for an edition not "
                      "named in this table. Add `<edition> = N` to set one edition's grade "
                      "(built in: survivors 8, partners 8, groups 10).", default=8),
        min_words=Opt(int, "Chapters with fewer words than this are not graded (the formulas "
                      "need a sample of about 100 words).", default=100)),
    "long-sentence": _rule(
        "warning", max_words=Opt(int, "Most words in one sentence.", default=25)),
    "long-paragraph": _rule(
        "warning",
        max_sentences=Opt(int, "Most sentences in one paragraph.", default=5),
        max_words=Opt(int, "Most words in one paragraph.", default=100)),
    "chapter-summary": _rule("error"),
    "key-points": _rule(
        "error", min_points=Opt(int, "Fewest key points a chapter lists.", default=2)),
    "ends-with-action": _rule(
        "error",
        headings=Opt(list, "Headings that start a section offering the reader something to "
                     "do (compared at the start of the heading, ignoring case).",
                     default=DEFAULT_ACTION_HEADINGS)),
    "informative-headings": _rule(
        "warning",
        generic=Opt(list, "Headings that say nothing about what follows (ignoring case).",
                    default=DEFAULT_GENERIC_HEADINGS)),
    "jargon": _rule("warning"),
    # trauma-informed language
    "pressure-words": _rule(
        "warning",
        words=Opt(dict, "Phrase = choice-giving wording to suggest; replaces the built-in "
                  "list.", default=DEFAULT_PRESSURE_WORDS),
        add=Opt(dict, "Phrase = suggestion, added to `words`.", default={}),
        ignore=Opt(list, "Phrases of `words` not to look for.", default=[])),
    "content-note": _rule(
        "warning", max_words=Opt(int, "Most words in a content note (29: under 30).",
                                 default=29)),
    "crisis-resources": _rule("error"),
    "resource-verified": _rule(
        "warning", max_age_months=Opt(int, "A resource verified longer ago than this many "
                                      "months is reported.", default=12)),
    # accessibility
    "image-alt": _rule("error"),
    "heading-levels": _rule("error"),
    "link-text": _rule(
        "warning",
        generic=Opt(list, "Link texts that make no sense out of context (ignoring case).",
                    default=DEFAULT_GENERIC_LINK_TEXT)),
    "table-headers": _rule("error"),
    "language": _rule("error"),
    "allow-marker": _rule("warning"),
    # outputs (careprint check --outputs)
    "outputs": _rule("error"),
    "epubcheck": _rule("error"),
    "ace": _rule(
        "error",
        impacts=Opt(list, "Ace impact levels that become findings.",
                    default=["serious", "critical"])),
    "pdf-accessibility": _rule("error"),
    "worksheet-fields": _rule("error"),
    "worksheet-fit": _rule("error"),
}


def _check_tables(raw: Any, edition_ids: list[str], errs: Collector) -> MappingProxyType:
    """Validate [check] and its [check.<rule-id>] tables; every rule gets every option."""
    if not isinstance(raw, dict):
        errs.add(f"{CONFIG_NAME}: check", "expected a table of [check.<rule-id>] tables")
        raw = {}
    for rule in raw:
        if rule not in CHECK_OPTS:
            errs.add(f"{CONFIG_NAME}: check.{rule}",
                     f"unknown rule; expected one of: {', '.join(CHECK_OPTS)}")
    out = {}
    for rule, opts in CHECK_OPTS.items():
        path = f"check.{rule}"
        data = raw.get(rule, {})
        if rule == "readability" and isinstance(data, dict):
            opts = dict(opts)
            for eid in edition_ids:
                opts[eid] = Opt(_NUM, f"Highest Flesch-Kincaid grade of the {eid} edition.",
                                default=READABILITY_EDITION_GRADES.get(eid))
        values = _table(data, path, opts, errs)
        for key, value in values.items():
            kp = f"{CONFIG_NAME}: {path}.{key}"
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value <= 0:
                errs.add(kp, "expected a number greater than 0")
            elif isinstance(value, list):
                if not all(isinstance(v, str) and v.strip() for v in value):
                    errs.add(kp, "expected a list of non-empty strings")
                    value = opts[key].default
                elif key == "impacts" and not set(value) <= set(ACE_IMPACTS):
                    errs.add(kp, f"expected impacts from: {', '.join(ACE_IMPACTS)}")
                values[key] = tuple(value)
            elif isinstance(value, dict):
                if not all(isinstance(k, str) and k.strip() and isinstance(v, str) and v.strip()
                           for k, v in value.items()):
                    errs.add(kp, 'expected `"phrase" = "suggestion"` pairs of strings')
                    value = opts[key].default
                values[key] = MappingProxyType(dict(value))
        if rule == "readability":
            values["grades"] = MappingProxyType({
                eid: values[eid] if values.get(eid) is not None else values["max_grade"]
                for eid in edition_ids})
        out[rule] = MappingProxyType(values)
    return MappingProxyType(out)


def default_check_settings(edition_ids) -> MappingProxyType:
    """The [check] settings of a project whose careprint.toml has no [check] table."""
    errs = Collector()
    return _check_tables({}, list(edition_ids), errs)


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
    paper: str  # the first of `papers`: the paper of a build that names none
    formats: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    check: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    papers: tuple[str, ...] = ()  # [paper] size: every size each PDF is built on

    @property
    def edition_ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.editions)

    def edition(self, edition_id: str) -> EditionConfig:
        return next(e for e in self.editions if e.id == edition_id)

    def fmt(self, name: str, key: str):
        return self.formats[name][key]


_KIND_NAMES = {str: "a string", list: "a list", dict: "a table", int: "an integer",
               bool: "true or false", float: "a number"}


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
        values = value if isinstance(value, list) else [value]
        if opt.choices and not all(isinstance(v, str) and v in opt.choices for v in values):
            bad = next(v for v in values if not isinstance(v, str) or v not in opt.choices)
            errs.add(kp, f"{bad!r} is not one of: {', '.join(opt.choices)}")
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
    except UnicodeDecodeError as exc:
        raise ProjectError(Problem(CONFIG_NAME, f"not UTF-8 (byte offset {exc.start})")) from None
    data = _parse_toml(text)

    errs = Collector()
    errs.extend(invisible_characters(text, CONFIG_NAME))
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

    size = _table(data.get("paper", {}), "paper", PAPER_OPTS, errs)["size"]
    papers = tuple(dict.fromkeys(size)) if isinstance(size, list) else (size,)
    if not papers:
        errs.add(f"{CONFIG_NAME}: paper.size", "expected at least one paper size")
        papers = ("a4",)

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

    exit_url = formats["html"]["quick_exit_url"]
    if not (isinstance(exit_url, str) and exit_url.startswith(("https://", "http://"))
            and " " not in exit_url):
        errs.add(f"{CONFIG_NAME}: formats.html.quick_exit_url",
                 "expected an https:// (or http://) address of a neutral page")
    check = _check_tables(data.get("check", {}), [e.id for e in editions], errs)

    errs.raise_if_any()
    guide = GuideMeta(
        title=g["title"], subtitle=g["subtitle"], slug=g["slug"], authors=tuple(g["authors"]),
        language=g["language"], license=g["license"], publisher=g["publisher"],
        identifier_base=g["identifier_base"], date=date, version=g["version"])
    return Config(root=root, guide=guide, editions=tuple(editions), paper=papers[0],
                  papers=papers,
                  formats=MappingProxyType(formats), check=check)


def _parse_toml(text: str) -> dict:
    """tomllib's parse, with its errors (and its recursion on deep nesting) as Problems."""
    deep = toml_nesting_line(text)
    if deep:
        raise ProjectError(Problem(f"{CONFIG_NAME}:{deep}", "arrays or inline tables nested "
                                   f"more than {MAX_TOML_DEPTH} deep"))
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProjectError(Problem(*_toml_where(str(exc)))) from None
    except RecursionError:
        raise ProjectError(Problem(CONFIG_NAME, "arrays or inline tables nested too "
                                   "deep")) from None


def _toml_where(msg: str) -> tuple[str, str]:
    """Turn tomllib's '... (at line 3, column 7)' into ('careprint.toml:3', '...')."""
    m = re.search(r"\s*\(at line (\d+), column (\d+)\)$", msg)
    if m:
        return f"{CONFIG_NAME}:{m.group(1)}", f"invalid TOML: {msg[:m.start()]} " \
               f"(column {m.group(2)})"
    return CONFIG_NAME, f"invalid TOML: {msg}"
