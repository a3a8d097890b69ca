"""The support and crisis list as the outputs print it: grouped by region, checked once.

A reader in a crisis looks for their own country's numbers, so the list is printed in
groups, one per region (careprint/source/regions.py). In a build for every region, the countries
come in the order they first appear in content/resources/ (files in name order, entries in
file order), each followed by its parts (England, Scotland...), so the author decides what
comes first; a service for two countries is listed under each. A build for one region
(`--region GB-SCT`) prints one group, that region's services with its whole country's. In a
group, the emergency numbers come first, then the crisis lines, then the other services,
each in file order (in a region's build, the region's own before its country's).

Only checked entries reach this module (careprint/source/region_view.py leaves the others out),
and the list says once when they were checked (the earliest and latest `verified_on`). The
words are in the templates (_support.html): this module only orders and counts, as the
Jinja filters `by_region`, `checked_dates` and `web_label`.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from jinja2 import pass_context

from . import regions
from .model import Resource


@dataclass(frozen=True)
class RegionGroup:
    """The services of one region: its crisis lines, then the rest."""

    code: str  # ISO 3166
    name: str  # in the guide's language
    crisis: tuple[Resource, ...]
    other: tuple[Resource, ...]

    @property
    def entries(self) -> tuple[Resource, ...]:
        return self.crisis + self.other

    @property
    def region(self) -> str:  # the name, as templates before regions had it
        return self.name


@dataclass(frozen=True)
class Checked:
    """When the list was checked: the earliest and latest `verified_on`, and how many
    entries have none (None dates when no entry was checked)."""

    first: _dt.date | None
    last: _dt.date | None
    unchecked: int


def _ordered(resources, region: str = "") -> list[Resource]:
    """Emergency numbers, crisis lines and the rest; in a region's build the region's own
    before its country's; each in file order."""
    rs = sorted(resources, key=lambda r: (r.path, r.line))
    return sorted(rs, key=lambda r: (0 if "emergency" in r.roles else 1 if r.crisis else 2,
                                     regions.specificity(r.regions, region) if region else 0))


def group(code: str, language: str, resources, region: str = "") -> RegionGroup:
    rs = _ordered(resources, region)
    return RegionGroup(code, regions.name(code, language), tuple(r for r in rs if r.crisis),
                       tuple(r for r in rs if not r.crisis))


def region_groups(resources, region: str = "", language: str = "en"
                  ) -> tuple[RegionGroup, ...]:
    """`resources` in groups (see the module's docstring)."""
    if region:
        return (group(region, language, [r for r in resources
                                         if regions.covers(r.regions, region)], region),)
    in_order = sorted(resources, key=lambda r: (r.path, r.line))
    codes = list(dict.fromkeys(c for r in in_order for c in r.regions))
    countries = list(dict.fromkeys(regions.country(c) for c in codes))
    ordered = []
    for c in countries:
        ordered += ([c] if c in codes else []) + [s for s in codes
                                                  if regions.is_subdivision(s)
                                                  and regions.country(s) == c]
    return tuple(group(c, language, [r for r in resources if c in r.regions])
                 for c in ordered)


@pass_context
def by_region(context, resources) -> tuple[RegionGroup, ...]:
    """The Jinja filter: grouped for the build's region, named in the guide's language."""
    meta = context.get("meta")
    return region_groups(resources, context.get("region") or "",
                         getattr(meta, "language", "en") or "en")


def checked(resources) -> Checked:
    dates = sorted(r.verified_on for r in resources if r.verified_on is not None)
    return Checked(dates[0] if dates else None, dates[-1] if dates else None,
                   sum(1 for r in resources if r.verified_on is None))


def web_label(url: str) -> str:
    """How a service's address is printed: `https://www.rainn.org/` -> `rainn.org`.

    Short, so that it fits a line and never breaks after `https://`; the link keeps the
    whole address. An address that is not a web page (tel:, mailto:) is printed whole.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return url
    host = parts.netloc.removeprefix("www.")
    path = parts.path.rstrip("/")
    return host + path + (f"?{parts.query}" if parts.query else "")

