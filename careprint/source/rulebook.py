"""The declarations of the rules of `careprint check`: `@rule(id, subject, group=...,
doc=..., severity=..., options=...)`, RULES and the keys of each [check.<rule-id>] table.

A rule is declared once, by `@rule` on the function that checks it (careprint.check.registry
says what each subject's function is given, and re-exports all of this for rule authors).
From that declaration come RULES (every rule, in the order the docs list them), its table
`[check.<rule-id>]` in careprint.toml (`enabled`, `severity` and its `options`:
careprint.source.config_tables.check_tables reads them here), and its rows in docs/config.md and
in the table of docs/checks.md (careprint.commands.config_docs, scripts/gen-config-docs.py).

A rule may have more functions: `@rule("language", "guide")`, with no `doc`, adds one to a
rule declared elsewhere. Two subjects take no function, and their rules are declared by a
call, `rule(id, subject, group=..., doc=...)`: "outputs" (careprint.check.outputs checks
built files under --outputs) and "markers" (careprint.check runs allow-marker); only
careprint's own rules may use them.

Where rules come from, the first time they are asked for: careprint's own modules, named
here (BUILTIN_MODULES, in the docs' order, then any other careprint/check/rules_*.py, so a
new module of rules needs no line here), then every module that an installed package names
in the entry point group `careprint.rules` (careprint.plugins). Both are imported by name,
as a plugin is: reading careprint.toml imports no module of careprint.check by itself (the
layers of docs/architecture.md). Importing a module runs its `@rule`s. A mistake in a
declaration is a RuleError that names its file:line, in every mode of Python (no `assert`).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from ..errors import CareprintError
from .config_schema import SEVERITIES, Opt

__all__ = ["ACCESSIBILITY", "HEALTH_LITERACY", "MARKERS", "OUTPUTS", "RULES", "TRAUMA_INFORMED",
           "Opt", "Rule", "RuleError", "Unit", "all_rules", "builtin_rules", "check_options",
           "load_rules", "rule", "units"]

UNIT_SUBJECTS = ("chapter", "text", "sentence", "paragraph", "block", "line", "guide")
SUBJECTS = (*UNIT_SUBJECTS, "outputs", "markers")
# The groups of docs/checks.md, in its order; a plugin may name a group of its own (listed
# after these).
GROUPS = HEALTH_LITERACY, TRAUMA_INFORMED, ACCESSIBILITY, MARKERS, OUTPUTS = (
    "health literacy", "trauma-informed language", "accessibility", "markers", "outputs")
ENTRY_POINTS = "careprint.rules"
# careprint's own rules, imported in this order before the plugins
BUILTIN_MODULES = tuple(f"careprint.check.{m}" for m in (
    "rules_text", "rules_structure", "rules_resources", "rules_access", "markers",
    "rules_outputs"))
RULE_ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
RESERVED_IDS = ("project",)  # careprint.check.rules.PROJECT_RULE: the project's own problems
COMMON_KEYS = ("enabled", "severity")


class RuleError(CareprintError):
    """A rule declared wrongly: by careprint itself or by a plugin (named by its file)."""


@dataclass(frozen=True)
class Unit:
    rule: str
    subject: str
    run: Callable
    where: str  # file:line of its function


@dataclass(frozen=True)
class Rule:
    """One rule, as its `@rule` declared it."""

    id: str
    subject: str
    group: str
    doc: str  # one line: what it checks
    severity: str  # its default: "error" or "warning"
    options: Mapping[str, Opt]  # its own keys of [check.<id>], past enabled and severity
    module: str  # the module that declared it
    where: str  # file:line of the declaration
    # the languages (primary subtags) whose words it knows, or None: it reads no words
    languages: tuple[str, ...] | None = None
    uncovered: str = ""  # why a guide in another language is not checked

    def covers(self, language: str) -> bool:
        """Whether it checks a guide in `language` (a primary subtag: "es")."""
        return self.languages is None or language in self.languages

    @property
    def checks(self) -> str:
        return self.doc

    @property
    def default_severity(self) -> str:
        return self.severity

    @property
    def outputs(self) -> bool:
        """Whether it runs only with --outputs, on built files."""
        return self.subject == "outputs"

    @property
    def builtin(self) -> bool:
        return self.module.split(".", 1)[0] == "careprint"

    def option_table(self) -> dict[str, Opt]:
        """Every key of [check.<id>]: enabled, severity, then the rule's own."""
        return {
            "enabled": Opt(bool, "Run this rule; `false` switches it off for the project.",
                           default=True),
            "severity": Opt(str, "How a finding of this rule counts: `error` fails the check, "
                            "`warning` fails it only under --strict.", default=self.severity,
                            choices=SEVERITIES),
            **self.options,
        }


_DECLARED: dict[str, Rule] = {}  # in the order of declaration
UNITS: dict[str, list[Unit]] = {}  # rule id -> its units
_state = {"loaded": False, "loading": False}


def rule(rule_id: str, subject: str, *, group: str | None = None, doc: str | None = None,
         severity: str | None = None, options: Mapping[str, Opt] | None = None,
         languages: tuple[str, ...] | None = None, uncovered: str = ""):
    """Declare rule `rule_id` (with `doc`), and make the decorated function a unit of it,
    looking at `subject`. Without `doc`, add a unit to a rule declared elsewhere.

    `languages`: the languages (primary subtags, "en", "es") whose words or patterns the
    rule knows; a guide in another language is not checked by it, and `careprint check`
    says so once, with `uncovered`, the reason. None (the default): it reads no words,
    and checks a guide in any language."""
    frame = sys._getframe(1)
    where = f"{frame.f_code.co_filename}:{frame.f_lineno}"
    module = frame.f_globals.get("__name__", "?")
    ours = module.split(".", 1)[0] == "careprint"  # outputs and markers: careprint runs those
    if subject not in (SUBJECTS if ours else UNIT_SUBJECTS):
        raise RuleError(f"{where}: the rule {rule_id!r} looks at {subject!r}, which is no "
                        f"subject; use one of: {', '.join(UNIT_SUBJECTS)}")
    if doc is not None:
        _declare(rule_id, subject, group, doc, severity or "warning", options or {}, module,
                 where, languages, uncovered)
    elif (group, severity, options, languages) != (None, None, None, None) or uncovered:
        raise RuleError(f"{where}: the rule {rule_id!r} has group, severity, options or "
                        "languages but no doc: say in `doc=` what it checks, in one line")

    def register(fn: Callable) -> Callable:
        code = fn.__code__
        at = f"{code.co_filename}:{code.co_firstlineno}"
        if subject not in UNIT_SUBJECTS:
            raise RuleError(f"{at}: a function of the rule {rule_id!r} cannot look at "
                            f"{subject!r} (careprint checks those itself); use one of: "
                            f"{', '.join(UNIT_SUBJECTS)}")
        UNITS.setdefault(rule_id, []).append(Unit(rule_id, subject, fn, at))
        return fn
    return register


def _declare(rule_id, subject, group, doc, severity, options, module, where,
             languages=None, uncovered="") -> None:
    def wrong(what: str) -> RuleError:
        return RuleError(f"{where}: the rule {rule_id!r}: {what}")
    if not isinstance(rule_id, str) or not RULE_ID_RE.fullmatch(rule_id):
        raise wrong("a rule id is lower-case letters and digits joined by hyphens, "
                    "as `no-shouting`")
    if rule_id in RESERVED_IDS:
        raise wrong("this id is careprint's own (the project's problems); choose another")
    first = _DECLARED.get(rule_id)
    if first is not None and first.builtin and module.split(".", 1)[0] != "careprint":
        raise wrong(f"careprint has a rule of this id (declared at {first.where}): give "
                    "this rule another id")
    if first is not None:
        raise wrong(f"declared twice (first at {first.where}); give one of them another "
                    "id, or drop `doc=` to add a unit to the first")
    if not group or not isinstance(group, str):
        raise wrong(f"give its group: one of {', '.join(map(repr, GROUPS))}, or a name of "
                    "your own")
    if not doc.strip() or "\n" in doc.strip():
        raise wrong("`doc` says in one line what it checks")
    if severity not in SEVERITIES:
        raise wrong(f"severity {severity!r} is not one of: {', '.join(SEVERITIES)}")
    for key, opt in options.items():
        if key in COMMON_KEYS or not isinstance(opt, Opt):
            raise wrong(f"its option {key!r} must be an Opt, and not named "
                        f"{' or '.join(COMMON_KEYS)} (every rule has those)")
    if languages is not None and (isinstance(languages, str) or not languages or not all(
            isinstance(c, str) and re.fullmatch(r"[a-z]{2,3}", c) for c in languages)):
        raise wrong("`languages` is a tuple of language codes, as (\"en\", \"es\"), or None "
                    "for a rule that reads no words")
    _DECLARED[rule_id] = Rule(rule_id, subject, group, " ".join(doc.split()), severity,
                              MappingProxyType(dict(options)), module, where,
                              tuple(languages) if languages is not None else None,
                              " ".join(uncovered.split()))


def builtin_modules() -> tuple[str, ...]:
    """careprint's modules of rules: BUILTIN_MODULES, then any other check/rules_*.py."""
    here = [str(Path(__file__).parents[1] / "check")]  # found, not imported, from here
    found = sorted(f"careprint.check.{m.name}" for m in pkgutil.iter_modules(here)
                   if m.name.startswith("rules_"))
    return (*BUILTIN_MODULES, *(m for m in found if m not in BUILTIN_MODULES))


def load_rules() -> None:
    """Import careprint's rule modules, then the plugins' (once per process), and check
    that every unit belongs to a declared rule and every source rule has a unit."""
    if _state["loaded"] or _state["loading"]:
        return
    from ..plugins import load_entry_points

    _state["loading"] = True
    try:
        for name in builtin_modules():
            importlib.import_module(name)
        load_entry_points(ENTRY_POINTS)
        _check_units()
        _state["loaded"] = True
    finally:
        _state["loading"] = False


def _check_units() -> None:
    for rule_id, units in UNITS.items():
        if rule_id not in _DECLARED:
            raise RuleError(f"{units[0].where}: {rule_id!r} is no rule: declare it once, "
                            f"@rule({rule_id!r}, {units[0].subject!r}, group=..., doc=...)")
    for r in _DECLARED.values():
        if r.subject in UNIT_SUBJECTS and r.id not in UNITS:
            raise RuleError(f"{r.where}: the rule {r.id!r} has no function: put its @rule "
                            "on the function that checks it")


def _order(r: Rule) -> int:
    return GROUPS.index(r.group) if r.group in GROUPS else len(GROUPS)


def all_rules() -> dict[str, Rule]:
    """Every rule, careprint's and the plugins', in the docs' order: by group, then in the
    order of declaration."""
    load_rules()
    return {r.id: r for r in sorted(_DECLARED.values(), key=_order)}


def builtin_rules() -> dict[str, Rule]:
    """careprint's own rules (what its docs list, on any machine, whatever is installed)."""
    return {i: r for i, r in all_rules().items() if r.builtin}


def check_options() -> dict[str, dict[str, Opt]]:
    """The keys of every [check.<rule-id>] table of careprint.toml, by rule id."""
    return {i: r.option_table() for i, r in all_rules().items()}


class _Rules(Mapping):
    """RULES: every rule by id, found when first asked for (a plugin's import may need
    careprint to be imported whole first)."""

    def __getitem__(self, key: str) -> Rule:
        return all_rules()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(all_rules())

    def __len__(self) -> int:
        return len(all_rules())

    def __repr__(self) -> str:
        return f"RULES({', '.join(self)})"


RULES: Mapping[str, Rule] = _Rules()


def units(rule_id: str) -> list[Unit]:
    """The units of rule `rule_id`."""
    load_rules()
    return UNITS.get(rule_id, [])
