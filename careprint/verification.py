"""A resource's `verified_on` and `source`: when its details were checked, and where.

`verified_on` is the date someone checked the entry against the service's own web page;
`source` is that page's https:// address. Both are optional to the loader: an entry with
neither is printed as not yet checked, and `careprint check` (rule resource-verified)
tells the two cases apart.
"""

from __future__ import annotations

import datetime as _dt
import re
from urllib.parse import urlsplit

from .errors import Collector, at
from .yamlload import LineDict

HOST_RE = re.compile(r"^[A-Za-z0-9.-]+(:\d+)?$")


def read_verification(item: LineDict, rel: str, errs: Collector):
    """(verified_on or None, source or "") of one resource entry, or None after an error."""
    verified = item.get("verified_on")
    if isinstance(verified, str) and verified.strip():
        try:
            verified = _dt.date.fromisoformat(verified.strip())
        except ValueError:
            verified = False
    elif verified == "":
        verified = None
    if verified is not None and not isinstance(verified, _dt.date):
        errs.add(at(rel, item.line_of("verified_on")),
                 "verified_on: expected the date the entry was last checked, YYYY-MM-DD")
        return None
    source = item.get("source")
    if source is None or source == "":
        return verified, ""
    if not is_https_url(source):
        errs.add(at(rel, item.line_of("source")),
                 "source: expected the https:// address of the page you checked the entry "
                 "against")
        return None
    return verified, source.strip()


def is_https_url(value) -> bool:
    if not isinstance(value, str) or any(c.isspace() for c in value.strip()):
        return False
    parts = urlsplit(value.strip())
    return parts.scheme == "https" and bool(HOST_RE.match(parts.netloc or "")) \
        and "." in parts.netloc
