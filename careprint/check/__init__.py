"""`careprint check`: health-literacy, trauma-informed and accessibility gates.

    report = run_checks(root, editions=None, outputs=False, strict=False)

reads the project, runs every enabled rule on every requested edition (and, with
`outputs=True`, on the files that `careprint build` wrote) and returns a Report of
findings. Nothing here writes to the project. docs/checks.md describes every rule.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from pathlib import Path

from ..errors import CareprintError, Problem, ProjectError
from ..source.config_tables import default_check_settings
from ..source.region_view import today as region_today
from .markers import Markers
from .report import SCHEMA, SCHEMA_ID, Finding, NotChecked, Readability, Report
from .rules import PROJECT_RULE, RULES, Rule

__all__ = ["run_checks", "failed_report", "CheckFailed", "Report", "Finding", "NotChecked",
           "Readability", "RULES", "Rule", "SCHEMA", "SCHEMA_ID"]


# What `check` says when careprint.toml cannot be read, or names no guide or edition: the
# content rules need the editions (docs/checks.md, "What one run finds").
NOT_CHECKED = ("the chapters, worksheets and resources were not checked: the rules need "
               "careprint.toml's [guide] and [editions]; fix the problem above and run "
               "careprint check again")


class CheckFailed(CareprintError):
    """The guide did not pass the check (exit status 1). The report, printed before this is
    raised, says why; so the exception itself prints nothing."""

    def __init__(self, exit_status: int = 1):
        super().__init__("the check found problems")
        self.exit_code = exit_status  # type: ignore[misc]  # click reads it from the instance

    def show(self, file=None) -> None:
        pass


class Sink:
    """Collects findings: drops disabled rules, applies markers, merges editions."""

    def __init__(self, settings, markers: Markers, edition_order: Sequence[str]):
        self.settings = settings
        self.markers = markers
        self.order = {e: i for i, e in enumerate(edition_order)}
        self.items: dict[tuple, list[str]] = {}
        self.silenced: set[tuple] = set()
        self.language = ""  # the language the rules read (run_source sets both)
        self.not_checked: dict[str, str] = {}

    def add(self, rule: str, file: str, line: int | None, message: str,
            edition: str | None = None, severity: str | None = None) -> None:
        s = self.settings.get(rule)
        if s is not None and not s["enabled"]:
            return
        severity = severity or (s["severity"] if s is not None else "error")
        key = (rule, severity, file, line, message)
        markable = rule in RULES and rule != "allow-marker" and not RULES[rule].outputs
        if markable and self.markers.silences(rule, file, line):
            self.silenced.add(key)
            return
        eds = self.items.setdefault(key, [])
        if edition and edition not in eds:
            eds.append(edition)

    def findings(self) -> list[Finding]:
        out = []
        for (rule, severity, file, line, message), names in self.items.items():
            eds = tuple(sorted(names, key=lambda e: self.order.get(e, len(self.order))))
            out.append(Finding(rule, severity, file, line, message, eds))
        return sorted(out, key=Finding.sort_key)


def run_checks(root: Path, editions: Sequence[str] | None = None, *, outputs: bool = False,
               strict: bool = False, build_dir: Path | None = None,
               output_formats: Sequence[str] | None = None,
               today: _dt.date | None = None, progress=None, language: str = "") -> Report:
    """Check the project at `root`; see the module docstring.

    `build_dir` is where `careprint build` wrote the outputs (default: root/build), and
    `output_formats` the formats to check there (default: all). `today` dates the
    resource-verified rule. `progress(line)`, if given, is told of each output as it is
    checked. `language` checks the guide in that translation (source/language_view.py),
    and its outputs in build_dir/languages/<code>/. Raises CareprintError only for a bad
    request (an unknown edition or format);
    problems in the project are findings, and the rules still run on everything that
    could be read (docs/checks.md, "What one run finds").
    """
    from ..pipeline import memos
    from ..pipeline.plan import select
    from ..render import registry
    from ..source.assets import undrawable, view_pictures
    from ..source.editions import apply_edition
    from ..source.language_view import language_out

    root = Path(root).resolve()
    built = Path(build_dir) if build_dir else root / "build"
    for folder in (built, language_out(built, language)) if language else (built,):
        memos.seed(folder)  # what the last build's Markdown made, read not written
    today = today or region_today()
    problems: list[Problem] = []
    guide = _read(root, editions, problems, strict, outputs, language)
    if isinstance(guide, Report):  # careprint.toml could not be read (docs/checks.md)
        return guide
    config = guide.config
    eds = select(editions, config.edition_ids, "edition")
    fmts = select(output_formats, registry.names(), "format")
    settings = config.check or default_check_settings(config.edition_ids)
    found: dict[str | None, list[Problem]] = {None: problems}  # edition -> its problems
    views = [apply_edition(guide, eid, found.setdefault(eid, [])) for eid in eds]
    sink, readability = run_source(guide, views, settings, today,
                                   all_editions=set(eds) == set(config.edition_ids))
    for eid, some in found.items():
        for f in _project_findings(_not_consequences(some, problems)):
            sink.add(PROJECT_RULE, f.file, f.line, f.message, eid or next(iter(f.editions), None),
                     severity="error")
    report = Report(str(root), eds, strict=strict, outputs=outputs)
    pictures = view_pictures(views) + [i.logo_picture() for i in guide.imprints if i.logo]
    for f in _project_findings(undrawable(pictures, root)):  # careprint.source.assets
        sink.add(PROJECT_RULE, f.file, f.line, f.message, severity="error")
    report.readability = readability
    report.not_checked = [NotChecked(r, sink.language, why)
                          for r, why in sink.not_checked.items()]
    if outputs:
        from .outputs import check_outputs

        check_outputs(guide, views, _built(root, build_dir, language), sink, fmts, progress)
    report.findings = sink.findings()
    report.silenced = len(sink.silenced)
    report.rules_run = tuple(r for r, rule in RULES.items()
                             if settings[r]["enabled"] and (outputs or not rule.outputs)
                             and r not in sink.not_checked)
    return report


def _read(root: Path, editions, problems: list[Problem], strict: bool, outputs: bool,
          language: str):
    """The guide to check (in the translation `language`), its problems added to
    `problems`; or, when careprint.toml cannot be read at all, the failed Report."""
    from ..source.load import load_project

    try:
        guide = load_project(root, problems)
    except ProjectError as exc:  # careprint.toml cannot be read at all (docs/checks.md)
        return failed_report(root, editions, exc, strict=strict, outputs=outputs,
                             skipped=NOT_CHECKED)
    if guide is None:  # careprint.toml names no usable guide or edition
        return failed_report(root, editions, ProjectError(problems), strict=strict,
                             outputs=outputs, skipped=NOT_CHECKED)
    if language:
        from ..source.language_view import for_language

        guide = for_language(guide, language, problems)
    return guide


def _built(root: Path, build_dir: Path | None, language: str) -> Path:
    """Where the outputs to check are: build_dir (default root/build), and in it the
    language's own folder for a translation."""
    out_dir = Path(build_dir).resolve() if build_dir else root / "build"
    if language:
        from ..source.language_view import language_out

        out_dir = language_out(out_dir, language)
    return out_dir


def run_source(guide, views, settings, today: _dt.date, all_editions: bool = True):
    """Every enabled source rule, and the markers' own findings, on these editions of the
    guide: (the Sink holding the findings, the readability figures). `careprint check` and
    the note of `careprint build` (careprint/pipeline/checknote.py) both count what this finds."""
    from .source import SourceChecks

    config = guide.config
    markers = _scan_markers(Path(config.root), guide)
    sink = Sink(settings, markers, config.edition_ids)
    checks = SourceChecks(guide, sink, today)
    checks.run(list(views))
    # the rules that did not check the guide's language, and why (a report says so)
    sink.language, sink.not_checked = checks.ctx.language, checks.ctx.not_checked
    # careprint.toml's markers are for the guide in every language, of which this is one
    _marker_findings(sink, markers, settings, all_editions=all_editions,
                     partial=("careprint.toml",) if guide.language else ())
    return sink, checks.readability


def failed_report(root: Path, editions: Sequence[str] | None, exc: CareprintError, *,
                  strict: bool = False, outputs: bool = False, skipped: str = "") -> Report:
    """The report of a check that could not run, because the project cannot be read (or
    the request names an unknown edition or format): one `project` finding per problem,
    and `skipped`, what could not be checked. `--format json` prints it, so a reader
    always gets a report that follows the schema (its `rules` list only `project`)."""
    problems = exc.problems if isinstance(exc, ProjectError) else \
        [Problem("", exc.format_message())]
    report = Report(str(Path(root).resolve()), tuple(editions or ()), strict=strict,
                    outputs=outputs)
    report.findings = _project_findings(problems)
    report.rules_run = (PROJECT_RULE,)
    report.skipped = skipped
    return report


def _scan_markers(root: Path, guide) -> Markers:
    from ..source.load import read_text

    markers = Markers()
    files = {c.path for c in guide.chapters} | {w.path for w in guide.worksheets}
    files |= {r.path for r in guide.resources} | {g.path for g in guide.glossary}
    files.add("careprint.toml")
    for rel in sorted(files):
        try:
            markers.scan(rel, read_text(root / rel, rel))
        except (OSError, CareprintError):
            continue
    return markers


def _marker_findings(sink: Sink, markers: Markers, settings, all_editions: bool,
                     partial: tuple[str, ...] = ()) -> None:
    for m in markers:
        if not m.rules:
            sink.add("allow-marker", m.file, m.line, "this `careprint: allow` marker names no "
                     "rule: write the rule id, e.g. `careprint: allow pressure-words`")
        for rule in m.rules:
            if rule not in RULES or RULES[rule].outputs:
                what = "is not a rule" if rule not in RULES else "checks built files and " \
                    "cannot be silenced in the source"
                sink.add("allow-marker", m.file, m.line, f"{rule!r} {what}; the rule ids are "
                         "listed in docs/checks.md")
            elif all_editions and settings[rule]["enabled"] and rule not in m.used and \
                    m.file not in partial:
                sink.add("allow-marker", m.file, m.line, f"this marker allows {rule!r} but "
                         "nothing here needs it any more: remove the marker")


def _not_consequences(problems: list[Problem], loading: list[Problem]) -> list[Problem]:
    """`problems` less "no chapter is in this edition" when a chapter could not be read:
    the chapter's own problem says what to fix."""
    if not any(str(p.where.path).startswith("content/chapters/") for p in loading):
        return problems
    return [p for p in problems if (str(p.where.path), p.message) !=
            ("content/chapters", "no chapter is in this edition")]


def _project_findings(problems: list[Problem]) -> list[Finding]:
    out = []
    for p in problems:
        where = p.where
        message = f"{where.key}: {p.message}" if where.key else p.message
        file, line = where.path, where.line
        eds = (p.edition,) if p.edition else ()
        out.append(Finding(PROJECT_RULE, "error", file, line, message, eds))
    return sorted(set(out), key=Finding.sort_key)
