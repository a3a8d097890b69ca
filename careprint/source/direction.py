"""Which way a language's text runs, as Unicode's CLDR says (through Babel).

`[guide] language = "ar"` makes every document right-to-left (`dir="rtl"` on its
`<html>`), and a `::: lang CODE` block or a `{lang=CODE}` span carries the direction of
its own language (careprint/source/langblocks.py). careprint keeps no list of its own:
Babel's CLDR data knows Arabic, Hebrew, Persian, Urdu, Yiddish and the rest.
"""

from __future__ import annotations

from functools import lru_cache

RTL, LTR = "rtl", "ltr"


@lru_cache(maxsize=256)
def _locale(code: str):
    """Babel's Locale of a BCP 47 tag (`ar`, `he-IL`, `zh-Hant`), or None when CLDR does
    not know it."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code.strip(), sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def known(code: str) -> bool:
    """Whether `code` is a language tag CLDR knows."""
    return _locale(code) is not None


def direction(code: str) -> str:
    """"rtl" for a language written right to left, "ltr" for any other (and for a tag
    CLDR does not know: loading reports it, where it is written)."""
    locale = _locale(code)
    return RTL if locale is not None and locale.character_order == "right-to-left" else LTR


def unknown_language(code: str) -> str:
    """The message for a language tag CLDR does not know."""
    return (f"{code!r} is not a language code careprint knows: write a BCP 47 code such as "
            "'ar' (Arabic), 'he' (Hebrew), 'fa' (Persian) or 'es' (Spanish)")
