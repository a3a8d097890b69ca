"""Regions: where a service helps, as ISO 3166 codes, and the names a reader sees.

A resource names the regions it serves: a country (`GB`, ISO 3166-1 alpha-2) or a part of
one (`GB-SCT`, ISO 3166-2). A service for a country serves every part of it, so a build for
`GB-SCT` lists Scotland's services and the UK's. Names come from data, not from a table kept
here: countries from Babel's CLDR territory names, parts of a country from ISO 3166-2 as
pycountry ships it (with its translations), each in the guide's language.

Roles say what a service is for, so that a page can ask for "the sexual-violence service
here" (`[[help:sexual-violence]]`) and get one.
"""

from __future__ import annotations

import functools
import gettext
import re

ROLES = ("emergency", "crisis", "sexual-violence", "domestic-abuse", "lgbtq", "men", "women",
         "young-people", "supporters")
CRISIS_ROLES = ("emergency", "crisis")  # listed first, and on every handout
REQUIRED_ROLES = ("emergency", "crisis", "sexual-violence")  # check: resource-coverage
SOURCE_KINDS = ("service", "official")  # the page a resource was checked against

CODE_RE = re.compile(r"^[A-Z]{2}(?:-[A-Z0-9]{1,3})?$")


def country(code: str) -> str:
    """`GB-SCT` -> `GB`; `GB` -> `GB`."""
    return code.split("-", 1)[0]


def is_subdivision(code: str) -> bool:
    return "-" in code


@functools.cache
def _territories(language: str) -> dict[str, str]:
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = Locale("en")
    return dict(locale.territories)


def _subdivision(code: str):
    import pycountry

    return pycountry.subdivisions.get(code=code)


def known(code: str) -> bool:
    """Whether `code` is an ISO 3166 country, or a part of one, that careprint can name."""
    if not isinstance(code, str) or not CODE_RE.match(code):
        return False
    if not is_subdivision(code):
        return code in _territories("en")
    return country(code) in _territories("en") and _subdivision(code) is not None


@functools.cache
def name(code: str, language: str = "en") -> str:
    """The region's name in `language`: `GB-SCT` -> "Scotland", `US` -> "United States"."""
    if not is_subdivision(code):
        return _territories(language).get(code) or _territories("en").get(code, code)
    sub = _subdivision(code)
    if sub is None:
        return code
    return _iso_name(sub.name, language)


def _iso_name(iso: str, language: str) -> str:
    """ISO 3166-2's name, translated where pycountry has it, without the other-language
    forms ISO adds in brackets ("Wales [Cymru GB-CYM]" -> "Wales")."""
    import pycountry

    text = iso
    lang = language.split("-", 1)[0]
    if lang != "en":
        try:
            text = gettext.translation("iso3166-2", pycountry.LOCALES_DIR,
                                       languages=[lang]).gettext(iso)
        except OSError:
            text = iso
    return re.sub(r"\s*\[[^\]]*\]\s*$", "", text).strip() or iso


def covers(served: tuple[str, ...], region: str) -> bool:
    """Whether a service for the regions `served` helps a reader in `region`: the same
    region, the whole country it is part of, or (for a country) any part of it."""
    return any(r == region or r == country(region) or country(r) == region for r in served)


def specificity(served: tuple[str, ...], region: str) -> int:
    """0 when a service names `region` itself, 1 for its whole country, 2 for a part of
    it (a country's build): the nearer service is named first."""
    if region in served:
        return 0
    if country(region) in served:
        return 1
    return 2
