"""careprint.toml's `[languages.<code>]`: the languages a guide is translated into.

    [languages.es]
    editions = ["survivors"]   # the editions translated; the others are not built in es
    regions = ["US", "ES"]     # whose services its support pages list
    fallback = false           # true: a file with no translation prints the source's text

The translations themselves are in content/translations/<code>/ (source/translations.py);
a guide in a language is made by source/language_view.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
                             tuple(c for c in codes if known(c)), bool(values["fallback"]))
    return MappingProxyType(out)
