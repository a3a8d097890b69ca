"""Rules on the crisis and support resources.

crisis-resources: at least one resource is a crisis line; and the crisis line printed at the
foot of every page ([formats.pdf] crisis_line) fits there on one line.

resource-verified: each resource says honestly whether, when and where its details were
checked.

- `verified_on` with a `source` and a `source_kind` (the page checked, and what it is): in
  the future is reported (the rule's severity, a warning by default); older than
  [resources] max_age_days is an error.
- `verified_on` without a `source` or `source_kind`: always an error. A date alone claims a
  check that nobody can retrace.
- none: reported as not checked (the rule's severity). No output prints such an entry.

resource-coverage: every region the guide serves ([resources] regions) has a checked
emergency number, crisis line and sexual-violence service.

emergency-number: a chapter names emergency help with [[help:emergency]], not a bare
number that is wrong for readers elsewhere.
"""

from __future__ import annotations

import re

from ..source import regions
from ..source.phones import phone_numbers
from ..source.region_view import declared
from ..source.regions import REQUIRED_ROLES
from ..source.xref import XREF_RE
from .registry import TRAUMA_INFORMED, Context, rule

RULE = "resource-verified"


@rule("crisis-resources", "guide", group=TRAUMA_INFORMED, severity="error",
      doc="every edition carries the crisis and support resources")
def crisis_resources(ctx: Context) -> None:
    rs = ctx.guide.resources
    if not any(r.crisis for r in rs):
        where, line = (rs[0].path, rs[0].line) if rs else ("content/resources", None)
        ctx.add("crisis-resources", where, line,
                "no resource has the role `crisis` or `emergency`: every edition lists "
                "crisis lines first and prints them on every handout; add at least one")


# What fits on one footer line, in characters, measured on the bundled guide's outputs: the
# guide and handouts (9.5 pt across the 126 mm column, A4 and Letter) and large print, which
# prints each sentence on a line of its own at 18 pt. Past these a line wraps onto a
# second footer line (its numbers stay whole: they are unbreakable, issue 21), which
# crowds the page's foot and may run off it.
FOOTER_CHARS, LARGE_PRINT_SENTENCE_CHARS = 84, 54


@rule("crisis-resources", "guide")
def crisis_line_fits(ctx: Context) -> None:
    text = ctx.guide.config.fmt("pdf", "crisis_line") or ""
    line = ctx.guide.config.line("formats.pdf.crisis_line")
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


@rule(RULE, "guide", group=TRAUMA_INFORMED, severity="warning",
      doc="every resource was checked against the service's own page or an official one, "
      "within [resources] max_age_days")
def resource_verified(checks: Context) -> None:
    """Run resource-verified over the guide's resources."""
    limit = checks.guide.config.resources["max_age_days"]
    for r in checks.guide.resources:
        if r.verified_on is None:
            line = r.key_lines.of("source") if r.source else r.line
            checks.add(RULE, r.path, line,
                       f"{r.name} is not checked, so no output prints it: check it against "
                       "the service's own page or an official page that names it, then add "
                       "verified_on, source and source_kind")
            continue
        line = r.key_lines.of("verified_on")
        if not r.source or not r.source_kind:
            missing = " and ".join(k for k, v in (("source", r.source),
                                                  ("source_kind", r.source_kind)) if not v)
            checks.add(RULE, r.path, line,
                       f"{r.name}: verified_on needs {missing}: the address of the page you "
                       "checked, and whether it is the service's own (service) or an "
                       "official one (official); until then no output prints it",
                       severity="error")
        days = (checks.today - r.verified_on).days
        if r.verified_on > checks.today:
            checks.add(RULE, r.path, line,
                       f"{r.name}: verified_on {r.verified_on} is in the future: write the "
                       "date you last checked the entry")
        elif days > limit:
            checks.add(RULE, r.path, line,
                       f"{r.name} was last checked on {r.verified_on}, {days} days ago "
                       f"([resources] max_age_days = {limit}): check it again and update "
                       "verified_on", severity="error")


COVERAGE = "resource-coverage"


@rule(COVERAGE, "guide", group=TRAUMA_INFORMED, severity="error",
      doc="every region the guide serves has a checked emergency number, crisis line and "
      "sexual-violence service")
def resource_coverage(checks: Context) -> None:
    """Every region the guide serves has a checked emergency number, crisis line and
    sexual-violence service (a country's or its own)."""
    guide = checks.guide
    if not any(r.crisis for r in guide.resources):
        return  # crisis-resources says so, once
    lines = guide.config.lines  # each code of [resources] regions at its line
    for code in declared(guide):
        missing = [role for role in REQUIRED_ROLES
                   if not any(role in r.roles and r.checked
                              and regions.specificity(r.regions, code) < 2
                              and regions.covers(r.regions, code) for r in guide.resources)]
        if missing:
            key = f"resources.regions[{code}]"
            where = ("careprint.toml", lines[key]) if key in lines else \
                ("content/resources", None)
            checks.add(COVERAGE, where[0], where[1],
                       f"{regions.name(code)} ({code}) has no checked "
                       f"{_and(missing)} entry: add one to content/resources/ with regions "
                       f"[{code}] (or its country's code), checked as docs/content-format.md "
                       "says")


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


EMERGENCY = "emergency-number"


@rule(EMERGENCY, "text", group=TRAUMA_INFORMED, severity="warning",
      doc="chapters name emergency help with [[help:emergency]], not a bare number that is "
      "wrong in other regions")
def emergency_number(checks: Context, path: str, n: int, text: str, eid) -> None:
    """A bare emergency number (any region's: 911, 999, 112, 000...) in a chapter's text."""
    numbers = checks.cache.get(EMERGENCY)
    if numbers is None:
        numbers = checks.cache[EMERGENCY] = sorted({
            re.sub(r"\D", "", w) for r in checks.guide.resources if "emergency" in r.roles
            for w, uri in phone_numbers(r.contact) if uri.startswith("tel:")} - {""})
    if not path.startswith("content/chapters/") or not numbers:
        return
    for m in _NUMBER_RE.finditer(XREF_RE.sub("", text)):
        if re.sub(r"\D", "", m.group(0)) in numbers:
            checks.add(EMERGENCY, path, n,
                       f"\"{m.group(0)}\" is an emergency number in one region only: write "
                       "[[help:emergency]], which prints the reader's region's number, or "
                       "\"your local emergency number\" with a link to the support page",
                       edition=eid)
            return


_NUMBER_RE = re.compile(r"(?<![\w.,/-])\d{3}(?:[ -]\d+)*(?![\w/-]|[.,]\d)")


REVIEW = "review-record"


@rule(REVIEW, "guide", group=TRAUMA_INFORMED, severity="warning",
      doc="the guide has a clinical review on record, and its next review date has not "
      "passed")
def review_record(checks: Context) -> None:
    """A guide a clinician can hand out says who reviewed it, and is reviewed again on time:
    no clinical review on record, or a next review date that has passed, is reported at its
    key in careprint.toml."""
    review = checks.guide.config.review
    config = checks.guide.config
    if not review["clinical_reviewers"]:  # at the key, or at [review] without it
        checks.add(REVIEW, "careprint.toml", config.line("review.clinical_reviewers"),
                   "no clinical review on record ([review] clinical_reviewers and "
                   "reviewed_on): the colophon says so; ask a clinician to review the guide, "
                   "then name them and the date")
    due = review["next_review"]
    if due is not None and due < checks.today:
        checks.add(REVIEW, "careprint.toml", config.line("review.next_review"),
                   f"the next review was due on {due}: review the guide, then set "
                   "[review] next_review to the next date")



__all__ = ["crisis_resources", "resource_verified", "resource_coverage", "emergency_number",
           "review_record"]
