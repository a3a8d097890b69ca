"""The rule resource-verified: each resource says honestly whether, when and where its
details were checked.

- `verified_on` with a `source` (the page checked): reported when older than
  `max_age_months`, or in the future (the rule's severity, a warning by default).
- `verified_on` without a `source`: always an error. A date alone claims a check that
  nobody can retrace.
- neither: reported as not yet checked (the rule's severity). The outputs print such an
  entry without a "checked on" date.
"""

from __future__ import annotations

import datetime as _dt

from ..yamlload import LineDict

RULE = "resource-verified"


def check_verified(checks, resources) -> None:
    """Run resource-verified over `resources` for a SourceChecks `checks`."""
    limit = checks.opt(RULE, "max_age_months")
    for r in resources:
        data = checks.yaml(r.path)
        item = next((i for i in data if isinstance(i, LineDict) and i.line == r.line),
                    None) if isinstance(data, list) else None
        if r.verified_on is None:
            line = item.line_of("source") if item is not None and r.source else r.line
            checks.add(RULE, r.path, line,
                       f"{r.name} is unverified and is printed without a \"checked on\" date: "
                       "check it against the service's own web page, then add verified_on "
                       "and source")
            continue
        line = item.line_of("verified_on") if item is not None else r.line
        if not r.source:
            checks.sink.add(RULE, r.path, line,
                            f"{r.name}: verified_on needs a source: the address of the page "
                            "you checked", severity="error")
        months = _months(r.verified_on, checks.today)
        if r.verified_on > checks.today:
            checks.add(RULE, r.path, line,
                       f"{r.name}: verified_on {r.verified_on} is in the future: write the "
                       "date you last checked the entry")
        elif months > limit:
            checks.add(RULE, r.path, line,
                       f"{r.name} was last verified on {r.verified_on}, {months} months "
                       f"ago (limit {limit}): check it against the service's own website "
                       "and update verified_on")


def _months(then: _dt.date, now: _dt.date) -> int:
    return (now.year - then.year) * 12 + now.month - then.month - (now.day < then.day)


__all__ = ["check_verified"]
