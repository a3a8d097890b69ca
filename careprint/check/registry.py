"""The source rules as small units, each registered under its rule id.

A unit says what it looks at (its `subject`) and is a function of a Context and that
subject. careprint.check.source walks a guide and hands each subject to the units of the
enabled rules that look at it:

    subject     the unit is called as
    "chapter"   unit(ctx, chapter, blocks, edition, xref)  once per chapter and edition
    "text"      unit(ctx, path, line, text, edition)       every line of text a reader sees
    "sentence"  unit(ctx, path, sentence, edition)         every sentence
    "paragraph" unit(ctx, path, block, sentences, edition) every paragraph
    "block"     unit(ctx, path, block, edition)            every block but code and rules
    "line"      unit(ctx, path, line, text, edition)       every source line of those blocks
    "guide"     unit(ctx)                                  once

Adding a rule: give it an id, options and a line in careprint.check.rules (RULES) and
careprint.config (CHECK_OPTS), then write its unit in the rules_*.py module of its subject
(a new module goes into RULE_MODULES):

    @rule("no-shouting", "line")
    def no_shouting(ctx, path, n, text, eid): ...
"""

from __future__ import annotations

import datetime as _dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from ..model import Guide
from .report import Readability
from .rules import RULES

SUBJECTS = ("chapter", "text", "sentence", "paragraph", "block", "line", "guide")
# the modules that hold the units, imported (so registered) before any is looked up
RULE_MODULES = ("rules_text", "rules_structure", "rules_access", "rules_resources")


@dataclass(frozen=True)
class Unit:
    rule: str
    subject: str
    run: Callable


UNITS: dict[str, list[Unit]] = {}  # rule id -> its units


def rule(rule_id: str, subject: str):
    """Register the decorated function as a unit of rule `rule_id`, looking at `subject`."""
    assert rule_id in RULES, f"{rule_id!r} is not in careprint.check.rules.RULES"
    assert subject in SUBJECTS, subject

    def register(fn: Callable) -> Callable:
        UNITS.setdefault(rule_id, []).append(Unit(rule_id, subject, fn))
        return fn
    return register


def units(rule_id: str) -> list[Unit]:
    """The units of rule `rule_id` (found by its name)."""
    _register_all()
    return UNITS.get(rule_id, [])


def _register_all() -> None:
    for name in RULE_MODULES:
        importlib.import_module(f"{__package__}.{name}")


@dataclass
class Context:
    """What every unit is given: the guide, the options of each rule, where findings go."""

    guide: Guide
    sink: object  # careprint.check.Sink
    today: _dt.date
    readability: list[Readability] = field(default_factory=list)
    cache: dict = field(default_factory=dict)  # what a unit computes once per run

    def __post_init__(self) -> None:
        self._units = by_subject()

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
            if self.on(unit.rule):
                unit.run(self, *args)


def by_subject() -> dict[str, list[Unit]]:
    """Every unit by the subject it looks at, in the order of RULES."""
    out: dict[str, list[Unit]] = {}
    for rule_id in RULES:
        for unit in units(rule_id):
            out.setdefault(unit.subject, []).append(unit)
    return out
