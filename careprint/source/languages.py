"""careprint.toml's `[languages.<code>]`: the languages a guide is translated into.

    [languages.es]
    editions = ["survivors"]   # the editions translated; the others are not built in es
    regions = ["US", "ES"]     # whose services its support pages list
    fallback = false           # true: a file with no translation prints the source's text

    [languages.es.text.guide]  # careprint.toml's own words in es: each table mirrors one
    title = "A salvo para sentir"   # of careprint.toml's, and holds the keys it translates
    [languages.es.text.editions.survivors]
    title = "Para supervivientes"

The translations themselves are in content/translations/<code>/ (source/translations.py);
a guide in a language is made by source/language_view.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ..errors import Collector, at_key
from .config_schema import LANGUAGE_OPTS
from .config_tables import CONFIG_NAME, table

# build/regions/, build/imprints/, build/languages/: never an edition's folder
BUILD_FOLDERS = ("regions", "imprints", "languages")
LANGUAGES_FOLDER = "languages"
CODE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True)
class Language:
    """One `[languages.<code>]` table."""

    code: str
    editions: tuple[str, ...]
    regions: tuple[str, ...]
    fallback: bool
    # careprint.toml's words in this language: {"guide": {key: value}, "review": {...},
    # "editions": {id: {key: value}}, "formats": {name: {key: value}}}
    text: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))


def read_languages(raw: Any, edition_ids: list[str], own: Any,
                   errs: Collector) -> MappingProxyType:
    """code -> Language, each table checked: a BCP 47 code that is not the guide's own
    language, editions the guide has, ISO 3166 regions."""
    from .regions import known

    out: dict[str, Language] = {}
    if not isinstance(raw, dict):
        errs.add(at_key(CONFIG_NAME, "languages"), "expected tables [languages.<code>]")
        return MappingProxyType(out)
    for code, data in raw.items():
        where = at_key(CONFIG_NAME, f"languages.{code}")
        if not CODE_RE.match(code):
            errs.add(where, f"{code[:20]!r} is not a language code: use a BCP 47 tag in "
                     "lower case, such as es or pt-BR")
            continue
        if code == own:
            errs.add(where, f"{code!r} is the guide's own language ([guide] language): "
                     "name the language of a translation")
            continue
        data = dict(data) if isinstance(data, dict) else data
        words = data.pop("text", {}) if isinstance(data, dict) else {}
        values = table(data, f"languages.{code}", LANGUAGE_OPTS, errs)
        editions = [e for e in values["editions"] or () if isinstance(e, str)]
        for name in editions:
            if name not in edition_ids:
                errs.add(at_key(CONFIG_NAME, f"languages.{code}.editions"),
                         f"{name!r} is not an edition of this guide; editions: "
                         f"{', '.join(edition_ids)}")
        codes = [c for c in values["regions"] or () if isinstance(c, str)]
        for region in codes:
            if not known(region):
                errs.add(at_key(CONFIG_NAME, f"languages.{code}.regions"),
                         f"{region[:40]!r} is not an ISO 3166 code careprint knows: a "
                         "country (US, ES...) or a part of one (GB-SCT...), in capitals")
        out[code] = Language(code, tuple(e for e in editions if e in edition_ids),
                             tuple(c for c in codes if known(c)), bool(values["fallback"]),
                             _text(words, f"languages.{code}.text", edition_ids, errs))
    return MappingProxyType(out)


def _words(opts: dict) -> tuple[str, ...]:
    """The keys of a table whose values are words a reader sees: strings and lists."""
    return tuple(k for k, o in opts.items()
                 if o.kind in (str, list) or o.kind == (str, list))


def _text(raw: Any, path: str, edition_ids, errs: Collector) -> MappingProxyType:
    """`[languages.<code>.text]`: tables mirroring careprint.toml's, with the words of the
    keys they translate; each key is one careprint.toml has, and of the same type."""
    from .config_schema import EDITION_OPTS, GUIDE_OPTS, REVIEW_OPTS, format_opts

    if not isinstance(raw, dict):
        errs.add(at_key(CONFIG_NAME, path), "expected tables such as [" + path + ".guide]")
        return MappingProxyType({})
    tables = {"guide": {k: GUIDE_OPTS[k] for k in ("title", "subtitle", "authors",
                                                     "publisher", "license")},
              "review": {k: REVIEW_OPTS[k] for k in ("credits", "clinical_reviewers",
                                                      "lived_experience")}}
    nested = {"editions": ({e: EDITION_OPTS for e in edition_ids}),
              "formats": {n: {k: o for k, o in opts.items() if k in _words(opts)}
                          for n, opts in format_opts().items()}}
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key in tables:
            out[key] = _given(value, f"{path}.{key}", tables[key], errs)
        elif key in nested and isinstance(value, dict):
            out[key] = {}
            for name, inner in value.items():
                if name not in nested[key]:
                    errs.add(at_key(CONFIG_NAME, f"{path}.{key}.{name}"),
                             f"careprint.toml has no [{key}.{name}] to translate")
                    continue
                out[key][name] = _given(inner, f"{path}.{key}.{name}", nested[key][name],
                                        errs)
        else:
            errs.add(at_key(CONFIG_NAME, f"{path}.{key}"), "expected one of the tables "
                     "guide, editions.<name>, review, formats.<name>")
    return MappingProxyType(out)


def _given(raw: Any, path: str, opts: dict, errs: Collector) -> dict:
    """The keys a translation's table gives, each checked as careprint.toml's is."""
    if not isinstance(raw, dict):
        errs.add(at_key(CONFIG_NAME, path), "expected a table")
        return {}
    out: dict[str, str | list[str]] = {}
    for key, value in raw.items():
        opt = opts.get(key)
        if opt is None:
            errs.add(at_key(CONFIG_NAME, f"{path}.{key}"), "not a key whose words are "
                     f"translated here; keys: {', '.join(opts)}")
        elif isinstance(value, list) and all(isinstance(v, str) for v in value) and \
                (opt.kind is list or opt.kind == (str, list)):
            out[key] = list(value)
        elif isinstance(value, str) and opt.kind in (str, (str, list)):
            out[key] = value
        else:
            errs.add(at_key(CONFIG_NAME, f"{path}.{key}"), "expected words of the type "
                     "careprint.toml's key has (a string, or a list of strings)")
    return out
