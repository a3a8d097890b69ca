"""Where careprint's catalogues of its own words are, and a digest of what one is made of.

careprint/source/i18n.py reads them; careprint/source/reads.py asks, for a render that
translated, whether the catalogue it used is still the same (`catalogue:<lang>`): both
find the files here, so neither imports the other.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "careprint"


def candidates(language: str) -> list[str]:
    """The catalogue folders that may hold `language`, most precise first: es-MX -> es_MX, es."""
    parts = [p for p in re.split(r"[-_]", language.strip()) if p] or ["en"]
    out = ["_".join([parts[0].lower(), *parts[1:]])] if len(parts) > 1 else []
    return [*out, parts[0].lower()]


def _first(folder: Path, language: str) -> Path | None:
    for name in candidates(language):
        path = folder / name / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.is_file():
            return path
    return None


def shipped_po(language: str) -> Path | None:
    """careprint's own catalogue for `language`, if it ships one."""
    return _first(LOCALE, language)


def project_po(root: Path, language: str) -> Path | None:
    """The project's catalogue for `language` (PROJECT/locale/<lang>/LC_MESSAGES), if any."""
    return _first(Path(root) / "locale", language)


def files(root: Path, language: str) -> list[Path]:
    return [p for p in (shipped_po(language), project_po(root, language)) if p is not None]


def digest(root: Path, language: str, strings: Mapping[str, str]) -> str:
    """Of every file and [strings] value the catalogue of `language` is made from."""
    h = hashlib.sha256(language.encode() + b"\0")
    for path in files(root, language):
        try:
            data = path.read_bytes()
        except OSError:
            data = b""
        h.update(path.name.encode() + b"\0" + data + b"\0")
    for msgid, text in sorted(strings.items()):
        h.update(f"{msgid}\0{text}\0".encode())
    return h.hexdigest()
