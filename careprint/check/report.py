"""Findings and the report of `careprint check`: text grouped by file, and stable JSON.

The JSON document is described by SCHEMA (a JSON Schema, draft 2020-12) and in
docs/checks.md. Its `schema` field names the version; a change that could break a reader
gets a new version.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..errors import Location

SCHEMA_ID = "careprint-check/1"
SEVERITY_ORDER = {"error": 0, "warning": 1}


@dataclass(frozen=True)
class Finding:
    """One thing `careprint check` reports: what, how bad, where, for which editions."""

    rule: str  # rule id, e.g. "pressure-words"
    severity: str  # "error" or "warning"
    file: str  # project-relative POSIX path (or an output's path); "" for the project
    line: int | None  # 1-based line in `file`, or None when the finding is about the whole file
    message: str  # one line: what is wrong and what to do
    editions: tuple[str, ...] = ()  # the editions it applies to; () when edition-independent

    @property
    def where(self) -> Location:
        """`file:line`, or the file alone: the Location a Problem holds."""
        return Location(self.file, self.line)

    def sort_key(self):
        return (self.file, self.line or 0, SEVERITY_ORDER[self.severity], self.rule,
                self.message)

    def to_json(self) -> dict:
        return {"rule": self.rule, "severity": self.severity, "file": self.file,
                "line": self.line, "editions": list(self.editions), "message": self.message}


@dataclass(frozen=True)
class Readability:
    """Readability figures of one chapter in one edition: Flesch-Kincaid grade and SMOG for
    English, Fernández-Huerta and Szigriszt-Pazos reading ease for Spanish (the others None)."""

    file: str
    line: int
    chapter: str  # NN-slug
    edition: str
    words: int
    sentences: int
    flesch_kincaid_grade: float | None
    smog_index: float | None
    max_grade: float | None
    graded: bool  # False when the chapter is too short to grade
    language: str = "en"  # the primary subtag of the language it was measured in
    fernandez_huerta: float | None = None  # reading ease, 0-100: higher is easier
    szigriszt_pazos: float | None = None  # reported beside it, not judged
    min_ease: float | None = None  # the lowest Fernández-Huerta score allowed

    @property
    def over(self) -> bool:
        """Whether it is graded and harder to read than its limit allows."""
        if not self.graded:
            return False
        if self.fernandez_huerta is not None:
            return self.min_ease is not None and self.fernandez_huerta < self.min_ease
        return self.flesch_kincaid_grade is not None and self.max_grade is not None and \
            self.flesch_kincaid_grade > self.max_grade

    def to_json(self) -> dict:
        out = {"file": self.file, "line": self.line, "chapter": self.chapter,
               "edition": self.edition, "words": self.words, "sentences": self.sentences,
               "flesch_kincaid_grade": self.flesch_kincaid_grade,
               "smog_index": self.smog_index, "max_grade": self.max_grade,
               "graded": self.graded, "language": self.language}
        if self.fernandez_huerta is not None:
            out |= {"fernandez_huerta": self.fernandez_huerta,
                    "szigriszt_pazos": self.szigriszt_pazos, "min_ease": self.min_ease}
        return out


@dataclass(frozen=True)
class NotChecked:
    """A rule that did not check the guide's language, and why: never a pass."""

    rule: str
    language: str  # the primary subtag of the guide's language
    reason: str  # "not measured: ..." or "not checked: ..."

    def to_json(self) -> dict:
        return {"rule": self.rule, "language": self.language, "reason": self.reason}


@dataclass
class Report:
    """Everything one run of `careprint check` found."""

    project: str
    editions: tuple[str, ...]
    strict: bool = False
    outputs: bool = False
    findings: list[Finding] = field(default_factory=list)
    readability: list[Readability] = field(default_factory=list)
    not_checked: list[NotChecked] = field(default_factory=list)  # rules not run on the language
    silenced: int = 0  # findings an inline `careprint: allow` marker silenced
    rules_run: tuple[str, ...] = ()
    skipped: str = ""  # what could not be checked, and why (printed before the summary)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def exit_status(self) -> int:
        """0 when the guide passes; 1 on errors, or on warnings under --strict."""
        if self.errors or (self.strict and self.warnings):
            return 1
        return 0

    @property
    def passed(self) -> bool:
        return self.exit_status == 0

    def by_file(self) -> list[tuple[str, list[Finding]]]:
        groups: dict[str, list[Finding]] = {}
        for f in sorted(self.findings, key=Finding.sort_key):
            groups.setdefault(f.file, []).append(f)
        return list(groups.items())

    # ------------------------------------------------------------ text

    def summary_line(self) -> str:
        e, w = len(self.errors), len(self.warnings)
        files = len({f.file for f in self.findings})
        counts = f"{_plural(e, 'error')}, {_plural(w, 'warning')}"
        where = f" in {_plural(files, 'file')}" if files else ""
        silenced = f"; {self.silenced} silenced by `careprint: allow` markers" \
            if self.silenced else ""
        verdict = "passed" if self.passed else "failed"
        strict = " (--strict: warnings count)" if self.strict else ""
        unchecked = ""
        if self.not_checked:  # a rule that did not read the language is no pass
            from ..source.lang_words import language_name

            n = len(self.not_checked)
            unchecked = (f"; {_plural(n, 'rule')} not checked in "
                         f"{language_name(self.not_checked[0].language)} (listed above)")
        return f"careprint check {verdict}{strict}: {counts}{where}{silenced}{unchecked}."

    def to_text(self, stats: bool = False) -> str:
        lines = []
        for file, findings in self.by_file():
            lines.append(file or "(project)")
            for f in findings:
                eds = f" [{', '.join(f.editions)}]" if f.editions else ""
                lines.append(f"  {f.where}: {f.severity}: {f.rule}: {f.message}{eds}")
            lines.append("")
        if stats and self.readability:
            lines.append(readability_table(self.readability))
            lines.append("")
        if self.not_checked:
            from ..source.lang_words import language_name

            lines.append(f"Not checked in {language_name(self.not_checked[0].language)}, "
                         "the guide's language:")
            lines += [f"  {n.rule}: {n.reason}" for n in self.not_checked]
            lines.append("")
        if self.skipped:
            lines += [f"Not checked: {self.skipped}.", ""]
        lines.append(self.summary_line())
        return "\n".join(lines)

    # ------------------------------------------------------------ JSON

    def to_json(self) -> dict:
        return {
            "schema": SCHEMA_ID,
            "careprint_version": _version(),
            "project": self.project,
            "editions": list(self.editions),
            "strict": self.strict,
            "outputs": self.outputs,
            "passed": self.passed,
            "exit_status": self.exit_status,
            "summary": {"errors": len(self.errors), "warnings": len(self.warnings),
                        "silenced": self.silenced},
            "rules": list(self.rules_run),
            "findings": [f.to_json() for f in sorted(self.findings, key=Finding.sort_key)],
            "readability": [r.to_json() for r in self.readability],
            "not_checked": [n.to_json() for n in self.not_checked],
        }

    def to_json_text(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False)


def readability_table(rows: list[Readability]) -> str:
    """The --stats tables: one for the chapters graded by Flesch-Kincaid (English), one
    for those measured by Fernández-Huerta (Spanish)."""
    out = []
    english = [r for r in rows if r.fernandez_huerta is None]
    spanish = [r for r in rows if r.fernandez_huerta is not None]
    if english:
        out += ["Readability (Flesch-Kincaid grade / SMOG index, edition-filtered text):",
                f"  {'chapter':<40} {'edition':<10} {'words':>6} {'FK':>5} {'SMOG':>5} "
                f"{'max':>4}"]
        out += [f"  {r.chapter:<40} {r.edition:<10} {r.words:>6} "
                f"{r.flesch_kincaid_grade:>5.1f} {r.smog_index:>5.1f} {r.max_grade:>4g}"
                f"{_mark(r)}" for r in english]
    if spanish:
        out += ["Readability (Fernández-Huerta reading ease / Szigriszt-Pazos, higher is "
                "easier, edition-filtered text):",
                f"  {'chapter':<40} {'edition':<10} {'words':>6} {'FH':>5} {'SP':>5} "
                f"{'min':>4}"]
        out += [f"  {r.chapter:<40} {r.edition:<10} {r.words:>6} "
                f"{r.fernandez_huerta:>5.1f} {r.szigriszt_pazos:>5.1f} {r.min_ease:>4g}"
                f"{_mark(r)}" for r in spanish]
    return "\n".join(out)


def _mark(r: Readability) -> str:
    if not r.graded:
        return "  (too short to grade)"
    return "  over" if r.over else ""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _version() -> str:
    from .. import __version__

    return __version__


_FINDING = {
    "type": "object",
    "additionalProperties": False,
    "required": ["rule", "severity", "file", "line", "editions", "message"],
    "properties": {
        "rule": {"type": "string", "pattern": "^[a-z][a-z0-9-]*$",
                 "description": "The rule id (docs/checks.md)."},
        "severity": {"enum": ["error", "warning"]},
        "file": {"type": "string", "description": "Project-relative path of the source (or "
                 "the output file, for --outputs rules); empty for the project itself."},
        "line": {"type": ["integer", "null"], "minimum": 1,
                 "description": "1-based line in `file`; null when about the whole file."},
        "editions": {"type": "array", "items": {"type": "string"},
                     "description": "Editions the finding applies to; empty when it does not "
                     "depend on the edition."},
        "message": {"type": "string", "minLength": 1,
                    "description": "What is wrong and what to do, on one line."},
    },
}
_READABILITY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["file", "line", "chapter", "edition", "words", "sentences",
                 "flesch_kincaid_grade", "smog_index", "max_grade", "graded", "language"],
    "properties": {
        "file": {"type": "string"},
        "line": {"type": "integer", "minimum": 1},
        "chapter": {"type": "string"},
        "edition": {"type": "string"},
        "words": {"type": "integer", "minimum": 0},
        "sentences": {"type": "integer", "minimum": 0},
        "flesch_kincaid_grade": {"type": ["number", "null"],
                                 "description": "English; null in another language."},
        "smog_index": {"type": ["number", "null"]},
        "max_grade": {"type": ["number", "null"]},
        "graded": {"type": "boolean"},
        "language": {"type": "string", "description": "The language measured, as its "
                     "primary subtag: `en` (Flesch-Kincaid), `es` (Fernández-Huerta)."},
        "fernandez_huerta": {"type": "number", "description": "Spanish: reading ease, "
                             "higher is easier."},
        "szigriszt_pazos": {"type": "number"},
        "min_ease": {"type": "number"},
    },
}
_NOT_CHECKED = {
    "type": "object",
    "additionalProperties": False,
    "required": ["rule", "language", "reason"],
    "properties": {
        "rule": {"type": "string"},
        "language": {"type": "string"},
        "reason": {"type": "string", "minLength": 1,
                   "description": "What was not done (not measured, not checked), and why."},
    },
}
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "careprint check --format json",
    "type": "object",
    "additionalProperties": False,
    "required": ["schema", "careprint_version", "project", "editions", "strict", "outputs",
                 "passed", "exit_status", "summary", "rules", "findings", "readability",
                 "not_checked"],
    "properties": {
        "schema": {"const": SCHEMA_ID},
        "careprint_version": {"type": "string"},
        "project": {"type": "string", "description": "The project folder, absolute."},
        "editions": {"type": "array", "items": {"type": "string"}},
        "strict": {"type": "boolean"},
        "outputs": {"type": "boolean", "description": "Whether --outputs rules ran."},
        "passed": {"type": "boolean"},
        "exit_status": {"enum": [0, 1]},
        "summary": {
            "type": "object",
            "additionalProperties": False,
            "required": ["errors", "warnings", "silenced"],
            "properties": {"errors": {"type": "integer", "minimum": 0},
                           "warnings": {"type": "integer", "minimum": 0},
                           "silenced": {"type": "integer", "minimum": 0}},
        },
        "rules": {"type": "array", "items": {"type": "string"},
                  "description": "The ids of the rules that ran."},
        "findings": {"type": "array", "items": _FINDING,
                     "description": "Sorted by file, line, severity, rule."},
        "readability": {"type": "array", "items": _READABILITY},
        "not_checked": {"type": "array", "items": _NOT_CHECKED,
                        "description": "The rules that did not check the guide's language, "
                        "with the reason: never a pass (they are not in `rules`)."},
    },
}
