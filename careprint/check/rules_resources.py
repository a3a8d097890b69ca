"""Rules on the crisis and support resources.

crisis-resources: at least one resource is a crisis line; and the crisis line printed at the
foot of every page ([formats.pdf] crisis_line) fits there on one line.

resource-verified: each resource says honestly whether, when and where its details were
checked.

- `verified_on` with a `source` (the page checked): reported when older than
  `max_age_months`, or in the future (the rule's severity, a warning by default).
- `verified_on` without a `source`: always an error. A date alone claims a check that
  nobody can retrace.
- neither: reported as not yet checked (the rule's severity). The outputs print such an
  entry without a "checked on" date.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

from .configlines import config_line
from .registry import Context, rule

RULE = "resource-verified"


@rule("crisis-resources", "guide")
def crisis_resources(ctx: Context) -> None:
    rs = ctx.guide.resources
    if not any(r.crisis for r in rs):
        where, line = (rs[0].path, rs[0].line) if rs else ("content/resources", None)
        ctx.add("crisis-resources", where, line,
                "no resource is marked `crisis: true`: every edition lists crisis lines "
                "first and prints them on every handout; add at least one")


# What fits on one footer line, in characters, measured on the bundled guide's outputs: the
# guide and handouts (9.5 pt across the 126 mm column, A4 and Letter) and large print, which
# prints each sentence on a line of its own at 18 pt. Past these a line wraps onto a
# second footer line (its numbers stay whole: they are unbreakable, issue 21), which
# crowds the page's foot and may run off it.
FOOTER_CHARS, LARGE_PRINT_SENTENCE_CHARS = 84, 54


@rule("crisis-resources", "guide")
def crisis_line_fits(ctx: Context) -> None:
    text = ctx.guide.config.fmt("pdf", "crisis_line") or ""
    line = config_line(Path(ctx.guide.config.root), "formats.pdf", "crisis_line")
    if len(text) > FOOTER_CHARS:
        ctx.add("crisis-resources", "careprint.toml", line,
                f"[formats.pdf] crisis_line is {len(text)} characters: about {FOOTER_CHARS} "
                "fit on the footer line of the guide and the handouts, and a longer one "
                "wraps onto a second line; keep the numbers there and the rest in "
                "content/resources/", severity="warning")
    for sentence in re.split(r"(?<=\.) ", text):
        if len(sentence) > LARGE_PRINT_SENTENCE_CHARS:
            ctx.add("crisis-resources", "careprint.toml", line,
                    f"[formats.pdf] crisis_line: \"{sentence}\" is {len(sentence)} "
                    f"characters: large print gives each sentence of it a footer line of its "
                    f"own, where about {LARGE_PRINT_SENTENCE_CHARS} fit", severity="warning")


@rule(RULE, "guide")
def resource_verified(checks: Context) -> None:
    """Run resource-verified over the guide's resources."""
    limit = checks.opt(RULE, "max_age_months")
    for r in checks.guide.resources:
        if r.verified_on is None:
            line = r.key_lines.of("source") if r.source else r.line
            checks.add(RULE, r.path, line,
                       f"{r.name} is unverified and is printed without a \"checked on\" date: "
                       "check it against the service's own web page, then add verified_on "
                       "and source")
            continue
        line = r.key_lines.of("verified_on")
        if not r.source:
            checks.add(RULE, r.path, line,
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


__all__ = ["crisis_resources", "resource_verified"]
