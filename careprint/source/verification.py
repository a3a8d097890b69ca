"""A resource's `verified_on`, `source` and `source_kind`: when, where and against what
kind of page its details were checked.

`verified_on` is the date someone checked the entry; `source` is the address of
the page they checked it against; `source_kind` says what that page is: `service`, the
service's own page, or `official`, a government or public health service's page that names
it. A news item, a forum, a directory or a third party's list does not count. The page must
show what is printed (the number, the hours, who is served).

All three are optional to the loader. An entry without all three is not checked: it is
left out of every output a reader gets, the build names it, and `careprint check` (rule
resource-verified) reports it.
"""

from __future__ import annotations

import datetime as _dt
import re
from urllib.parse import urlsplit

from ..errors import Collector, at
from .regions import SOURCE_KINDS
from .yamlload import LineDict

HOST_RE = re.compile(r"^[A-Za-z0-9.-]+(:\d+)?$")


def read_verification(item: LineDict, rel: str, errs: Collector):
    """(verified_on or None, source or "", source_kind or "") of one resource entry, or None
    after an error."""
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
    kind = item.get("source_kind")
    if kind is not None and kind not in SOURCE_KINDS:
        errs.add(at(rel, item.line_of("source_kind")),
                 "source_kind: expected `service` (the service's own page) or `official` (a "
                 "government or public health service's page that names it)")
        return None
    source = item.get("source")
    if source is None or source == "":
        return verified, "", kind or ""
    if not is_web_url(source):
        errs.add(at(rel, item.line_of("source")),
                 "source: expected the https:// (or http://) address of the page you checked "
                 "the entry against")
        return None
    return verified, source.strip(), kind or ""


def is_web_url(value) -> bool:
    """An https:// or http:// address: the page as it was found (a stored copy of an older
    page may have been served over http)."""
    if not isinstance(value, str) or any(c.isspace() for c in value.strip()):
        return False
    parts = urlsplit(value.strip())
    return parts.scheme in ("https", "http") and bool(HOST_RE.match(parts.netloc or "")) \
        and "." in parts.netloc
