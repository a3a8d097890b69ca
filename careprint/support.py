"""The support and crisis list as the outputs print it: grouped by region, checked once.

A reader in a crisis looks for their own country's numbers, so the list is printed in
groups, one per `region`, in the order the regions first appear in content/resources/
(files in name order, entries in file order): the author decides what comes first. In a
group, the crisis lines (`crisis: true`) come before the other services, each in file order.

The list says once when its details were checked (the earliest and latest `verified_on`),
not once per entry; an entry nobody has checked is still marked, briefly. The words are
in the templates (_support.html): this module only orders and counts, as the Jinja
filters `by_region`, `checked_dates` and `web_label`.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from .model import Resource


@dataclass(frozen=True)
class RegionGroup:
    """The services of one region: its crisis lines, then the rest."""

    region: str
    crisis: tuple[Resource, ...]
    other: tuple[Resource, ...]

    @property
    def entries(self) -> tuple[Resource, ...]:
        return self.crisis + self.other


@dataclass(frozen=True)
class Checked:
    """When the list was checked: the earliest and latest `verified_on`, and how many
    entries have none (None dates when no entry was checked)."""

    first: _dt.date | None
    last: _dt.date | None
    unchecked: int


def by_region(resources) -> tuple[RegionGroup, ...]:
    """`resources` in groups, one per region, in the order the regions first appear."""
    ordered = sorted(resources, key=lambda r: (r.path, r.line))
    regions = list(dict.fromkeys(r.region for r in ordered))
    return tuple(RegionGroup(region,
                             tuple(r for r in ordered if r.region == region and r.crisis),
                             tuple(r for r in ordered if r.region == region and not r.crisis))
                 for region in regions)


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

