"""The rules of `careprint check`, each declared once, by `@rule` on its function.

    @rule("no-shouting", "line", group=ACCESSIBILITY, severity="warning",
          doc="lines are not written in capitals",
          options={"min_letters": Opt(int, "Shortest run of capitals to report.",
                                      default=12, lo=1, hi=1000)})
    def no_shouting(ctx, path, n, text, eid):
        if ...:
            ctx.add("no-shouting", path, n, "... : say what to do", eid)

That declaration is the only one. From it come RULES (every rule, in the order the docs
list them), its table `[check.<rule-id>]` in careprint.toml (`enabled`, `severity` and
its `options`), its rows in docs/config.md and in the table of docs/checks.md. `@rule`,
RULES and the rest of the declarations are in careprint.source.rulebook (which reading
careprint.toml needs, and which imports nothing of careprint.check); this module
re-exports them for rule authors, and holds what the rules run with: the Context.

A rule's function is a unit: it says what it looks at (its `subject`) and is a function
of a Context and that subject. careprint.check.source walks a guide and hands each
subject to the units of the enabled rules that look at it:

    subject     the unit is called as
    "chapter"   unit(ctx, chapter, blocks, edition, xref)  once per chapter and edition
    "text"      unit(ctx, path, line, text, edition)       every line of text a reader sees
    "sentence"  unit(ctx, path, sentence, edition)         every sentence
    "paragraph" unit(ctx, path, block, sentences, edition) every paragraph
    "block"     unit(ctx, path, block, edition)            every block but code and rules
    "line"      unit(ctx, path, line, text, edition)       every source line of those blocks
    "guide"     unit(ctx)                                  once

A rule may have more units, and the rules of built files (subject "outputs") and of the
markers ("markers") take none: careprint.source.rulebook says how, and where rules come from
(careprint's modules, then the plugins of the entry point group `careprint.rules`).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..source.lang_words import language_of, names
from ..source.model import Guide
from ..source.rulebook import (
    ACCESSIBILITY,
    HEALTH_LITERACY,
    MARKERS,
    OUTPUTS,
    RULES,
    SUBJECTS,
    TRAUMA_INFORMED,
    UNIT_SUBJECTS,
    Opt,
    Rule,
    RuleError,
    Unit,
    all_rules,
    builtin_rules,
    check_options,
    load_rules,
    rule,
    units,
)
from .report import Readability

if TYPE_CHECKING:  # careprint.check imports this module
    from . import Sink

__all__ = ["ACCESSIBILITY", "HEALTH_LITERACY", "MARKERS", "OUTPUTS", "RULES", "SUBJECTS",
           "TRAUMA_INFORMED", "UNIT_SUBJECTS", "Context", "Opt", "Rule", "RuleError", "Unit",
           "all_rules", "builtin_rules", "by_subject", "check_options", "load_rules", "rule",
           "units"]


@dataclass
class Context:
    """What every unit is given: the guide, the options of each rule, where findings go."""

    guide: Guide
    sink: Sink
    today: _dt.date
    readability: list[Readability] = field(default_factory=list)
    cache: dict = field(default_factory=dict)  # what a unit computes once per run
    # rule id -> why it did not check this guide's language (check/report.py: NotChecked)
    not_checked: dict[str, str] = field(default_factory=dict)
    language: str = field(init=False, default="")  # set from the guide, below

    def __post_init__(self) -> None:
        self._units = by_subject()
        self._rules = all_rules()
        # The language of the text the rules read, as its primary subtag ("es"): the
        # guide's `[guide] language`. A check in a translation (`--language es`) reads
        # the guide with that language in its config: the one place it is taken from.
        self.language = language_of(self.guide.config.guide.language)
        self._covered = {i: r.covers(self.language) for i, r in self._rules.items()}

    def not_covered(self, rule_id: str, reason: str = "") -> None:
        """Say, once, that `rule_id` did not check the guide's language, and why:
        `reason`, or the rule's declared `uncovered`, or the languages it knows. A reason
        starts with what was not done ("not measured: ...", "not checked: ...")."""
        if rule_id in self.not_checked:
            return
        r = self._rules[rule_id]
        self.not_checked[rule_id] = reason or r.uncovered or (
            f"not checked: it knows the words of {names(r.languages or ('en',))} only")

    def words(self, rule_id: str, key: str, reason: str = ""):
        """A rule's option of words in the guide's language: `key` for English, `key_es`
        for Spanish... or None, when the rule has no such list for the language (and then
        the rule is said not to cover it, with `reason` or its own)."""
        lang = self.language
        values = self.settings[rule_id]
        name = key if lang == "en" else f"{key}_{lang}"
        if name in values:
            return values[name]
        self.not_covered(rule_id, reason)
        return None

    @property
    def settings(self):
        return self.sink.settings

    def on(self, rule_id: str) -> bool:
        return self.settings[rule_id]["enabled"]

    def opt(self, rule_id: str, key: str):
        return self.settings[rule_id][key]

    def add(self, rule_id, file, line, message, edition=None, severity=None) -> None:
        self.sink.add(rule_id, file, line, message, edition, severity=severity)

    def each(self, subject: str, *args) -> None:
        """Hand `args` to every unit of an enabled rule that looks at `subject`."""
        for unit in self._units.get(subject, ()):
            if not self.on(unit.rule):
                continue
            if self._covered[unit.rule]:
                unit.run(self, *args)
            else:
                self.not_covered(unit.rule)


def by_subject() -> dict[str, list[Unit]]:
    """Every unit by the subject it looks at, in the order of RULES."""
    out: dict[str, list[Unit]] = {}
    for rule_id in all_rules():
        for unit in units(rule_id):
            out.setdefault(unit.subject, []).append(unit)
    return out
