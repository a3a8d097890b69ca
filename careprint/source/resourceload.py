"""content/resources/*.yaml -> Resources: the crisis and support services, validated.

Each entry names where it helps (`regions`, ISO 3166 codes: careprint/source/regions.py), what for
(`roles`), how to reach it, and how it was checked (`verified_on`, `source`, `source_kind`:
careprint/source/verification.py). Every problem names file:line.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from ..errors import Collector, ProjectError, at
from ..guard.urls import url_problem
from . import regions
from .model import Resource
from .sourcefile import files_in, read_text, rel_path
from .verification import read_verification
from .yamlload import LineDict, YamlError, load_yaml
from .yamlvalues import key_lines, mappings, read_string, unknown_keys

RESOURCE_KEYS = ("name", "regions", "roles", "contact", "hours", "url", "description",
                 "verified_on", "source", "source_kind")
TEXT_KEYS = ("name", "contact", "hours", "url", "description")
# keys of careprint 1.x, with what replaced them
OLD_KEYS = {"region": "regions: a list of ISO 3166 codes, e.g. regions: [GB-SCT]",
            "crisis": "roles: e.g. roles: [crisis] (or [emergency]) for a crisis line"}


def load_list(root: Path, rel: str, errs: Collector) -> list:
    """The YAML list in `rel`, or [] after reporting why not."""
    try:
        data = load_yaml(read_text(root / rel, rel))
    except ProjectError as exc:
        errs.extend(exc.problems)
        return []
    except YamlError as exc:
        errs.add(at(rel, exc.line), exc.message)
        return []
    if data is None:
        return []
    if not isinstance(data, list):
        errs.add(at(rel, 1), "expected a list of entries (each starting with `- `)")
        return []
    return data


def load_resources(root: Path, errs: Collector) -> list[Resource]:
    out = []
    for path in files_in(root / "content" / "resources"):
        rel = rel_path(root, path)
        out += read_resources(load_list(root, rel, errs), rel, errs)
    if not out and not errs.problems:
        errs.add("content/resources", "no crisis or support resources found: every edition "
                 "carries them (add content/resources/<name>.yaml)")
    return out


def read_resources(items: list, rel: str, errs: Collector) -> list[Resource]:
    """The services of one file's list of entries, each checked."""
    out = []
    for item in mappings(items, rel, errs, "name, regions, roles, contact..."):
        resource = read_resource(item, rel, errs)
        if resource is not None:
            out.append(resource)
    return out


def read_resource(item: LineDict, rel: str, errs: Collector) -> Resource | None:
    """One entry of a resources file (or of an imprint's), or None after an error."""
    for key, instead in OLD_KEYS.items():
        if key in item:
            errs.add(at(rel, item.line_of(key)), f"{key}: no longer used; use {instead}")
    unknown_keys(item, (*RESOURCE_KEYS, *OLD_KEYS), rel, errs)
    s = {k: read_string(item, k, rel, errs, required=k in ("name", "contact"))
         for k in TEXT_KEYS}
    bad_url = s["url"] and url_problem(s["url"])
    if bad_url:
        errs.add(at(rel, item.line_of("url")), bad_url)
        return None
    codes = read_codes(item, "regions", rel, errs)
    roles = read_codes(item, "roles", rel, errs)
    checked = read_verification(item, rel, errs)
    if codes is None or roles is None or checked is None or any(k in item for k in OLD_KEYS):
        return None
    verified_on, source, kind = checked
    return Resource(path=rel, line=item.line, regions=codes, roles=roles,
                    verified_on=verified_on, source=source, source_kind=kind,
                    key_lines=key_lines(item), **s)


def read_codes(item: LineDict, key: str, rel: str, errs: Collector) -> tuple[str, ...] | None:
    """`regions` (ISO 3166 codes careprint knows) or `roles` (regions.ROLES): a non-empty
    list, each named at its own line when it is wrong."""
    value = item.get(key)
    line = item.line_of(key) if key in item else item.line
    where = at(rel, line)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        what = "missing" if value is None else "expected a list"
        errs.add(where, f"{key}: {what}; e.g. {key}: {_EXAMPLE[key]}")
        return None
    lines = getattr(item.get(key), "item_lines", None) or [line] * len(value)
    ok = True
    for v, line in zip(value, lines, strict=False):
        problem = _code_problem(key, v.strip())
        if problem:
            errs.add(at(rel, line), f"{key}: {problem}")
            ok = False
    return tuple(dict.fromkeys(v.strip() for v in value)) if ok else None


_EXAMPLE = {"regions": "[GB-SCT] (ISO 3166: a country, or a part of one)",
            "roles": "[crisis, sexual-violence]"}


def _code_problem(key: str, value: str) -> str:
    if key == "roles":
        if value in regions.ROLES:
            return ""
        near = difflib.get_close_matches(value, regions.ROLES, n=1, cutoff=0.6)
        hint = f" Did you mean {near[0]}?" if near else ""
        return f"unknown role {value[:40]!r}.{hint} Roles: {', '.join(regions.ROLES)}"
    if regions.known(value):
        return ""
    if regions.known(value.upper()):
        return f"{value!r}: write ISO 3166 codes in capitals: {value.upper()}"
    return (f"{value[:40]!r} is not an ISO 3166 code careprint knows: a country (US, GB, "
            "IE...) or a part of one (GB-SCT, GB-WLS, CA-ON...)")
