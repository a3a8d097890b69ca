"""The generic part of reading careprint.toml: one table checked against its options
(config_schema.Opt: kind, choices, range, default), and the [check] tables of the
registered rules (their keys come from each rule's `@rule`: careprint.source.rulebook,
careprint's rules and the plugins'). careprint/source/config.py reads the file and builds the
Config from these.
"""

from __future__ import annotations

import difflib
from types import MappingProxyType
from typing import Any

from ..errors import Collector, at_key
from .config_schema import ACE_IMPACTS, GRADE_RANGE, NUM, READABILITY_EDITION_GRADES, Opt

CONFIG_NAME = "careprint.toml"


_KIND_NAMES = {str: "a string", list: "a list", dict: "a table", int: "an integer",
               bool: "true or false", float: "a number"}


def kind_name(kind) -> str:
    if isinstance(kind, tuple):
        return _KIND_NAMES.get(kind[0], kind[0].__name__)
    return _KIND_NAMES.get(kind, kind.__name__)


def table(data: Any, path: str, opts: dict[str, Opt], errs: Collector) -> dict[str, Any]:
    """Validate one table against its options; return the values with defaults filled in."""
    where = at_key(CONFIG_NAME, path) if path else CONFIG_NAME
    if not isinstance(data, dict):
        errs.add(where, "expected a table")
        return {k: o.default for k, o in opts.items()}
    out = {}
    for key in data:
        if key not in opts:
            errs.add(at_key(CONFIG_NAME, join_key(path, key)),
                     f"unknown key;{did_you_mean(key, opts)} expected one of: "
                     f"{', '.join(opts)}")
    for key, opt in opts.items():
        kp = at_key(CONFIG_NAME, join_key(path, key))
        if key not in data:
            if opt.required:
                errs.add(kp, f"missing required key ({opt.doc})")
            out[key] = opt.default
            continue
        value = data[key]
        if not isinstance(value, opt.kind) or isinstance(value, bool) and opt.kind is not bool:
            errs.add(kp, f"expected {kind_name(opt.kind)}")
            out[key] = opt.default
            continue
        values = value if isinstance(value, list) else [value]
        if opt.choices and not all(isinstance(v, str) and v in opt.choices for v in values):
            bad = next(v for v in values if not isinstance(v, str) or v not in opt.choices)
            meant = did_you_mean(bad, opt.choices)  # "A5": none; "leter": letter
            errs.add(kp, f"{bad!r} is not one of: {', '.join(opt.choices)}"
                     + (f";{meant}" if meant else ""))
            value = opt.default
        wrong = opt.out_of_range(value)
        if wrong:
            errs.add(kp, wrong)
        out[key] = opt.default if wrong else value
    return out


def did_you_mean(word: object, known) -> str:
    """ " did you mean 'title'?" for a key close to a known one, else ""."""
    close = difflib.get_close_matches(str(word), list(known), n=1, cutoff=0.7)
    return f" did you mean {close[0]!r}?" if close else ""


def join_key(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def check_tables(raw: Any, edition_ids: list[str], errs: Collector) -> MappingProxyType:
    """Validate [check] and its [check.<rule-id>] tables; every rule gets every option."""
    if not isinstance(raw, dict):
        errs.add(at_key(CONFIG_NAME, "check"), "expected a table of [check.<rule-id>] tables")
        raw = {}
    from .rulebook import check_options  # the rules, and the plugins', load here

    rules = check_options()
    for rule in raw:
        if rule not in rules:
            errs.add(at_key(CONFIG_NAME, f"check.{rule}"),
                     f"unknown rule;{did_you_mean(rule, rules)} expected one of: "
                     f"{', '.join(rules)}")
    return MappingProxyType({rule: _rule_table(rule, opts, raw.get(rule, {}), edition_ids, errs)
                             for rule, opts in rules.items()})


def _rule_table(rule: str, opts: dict[str, Opt], data: Any, edition_ids: list[str],
                errs: Collector) -> MappingProxyType:
    """The settings of one rule, [check.<rule>]: readability also takes a grade per edition
    (`groups = 10`), and a Spanish reading ease per edition (`groups_es = 60`)."""
    path = f"check.{rule}"
    if rule == "readability" and isinstance(data, dict):
        opts = dict(opts)
        for eid in edition_ids:
            opts[eid] = Opt(NUM, f"Highest Flesch-Kincaid grade of the {eid} edition.",
                            default=READABILITY_EDITION_GRADES.get(eid),
                            lo=GRADE_RANGE[0], hi=GRADE_RANGE[1])
        for eid in edition_ids:  # an edition id has no "_": these never clash
            opts[f"{eid}_es"] = Opt(NUM, f"Lowest Fernández-Huerta reading ease of the {eid} "
                                    "edition in Spanish.", lo=0, hi=100)
    values = table(data, path, opts, errs)
    for key, value in values.items():
        values[key] = _rule_value(at_key(CONFIG_NAME, f"{path}.{key}"), key, value,
                                  opts[key].default, errs)
    if rule == "readability":
        values["grades"] = MappingProxyType({
            eid: values[eid] if values.get(eid) is not None else values["max_grade"]
            for eid in edition_ids})
        values["eases_es"] = MappingProxyType({
            eid: values[f"{eid}_es"] if values.get(f"{eid}_es") is not None
            else values["min_ease_es"] for eid in edition_ids})
    return MappingProxyType(values)


def _rule_value(kp: str, key: str, value: Any, default: Any, errs: Collector) -> Any:
    """One option of a rule, checked past its type (and its range, in _table): lists and
    tables of non-empty strings (read-only from here on), Ace impacts that Ace knows."""
    if isinstance(value, list):
        if not all(isinstance(v, str) and v.strip() for v in value):
            errs.add(kp, "expected a list of non-empty strings")
            value = default
        elif key == "impacts" and not set(value) <= set(ACE_IMPACTS):
            errs.add(kp, f"expected impacts from: {', '.join(ACE_IMPACTS)}")
        return tuple(value)
    elif isinstance(value, dict):
        if not all(isinstance(k, str) and k.strip() and isinstance(v, str) and v.strip()
                   for k, v in value.items()):
            errs.add(kp, 'expected `"phrase" = "suggestion"` pairs of strings')
            value = default
        return MappingProxyType(dict(value))
    return value


def default_check_settings(edition_ids) -> MappingProxyType:
    """The [check] settings of a project whose careprint.toml has no [check] table."""
    errs = Collector()
    return check_tables({}, list(edition_ids), errs)
