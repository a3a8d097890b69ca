"""What Markdown made of each text, kept by the text's digest.

Python-Markdown is the larger part of reading a project (every chapter of every edition),
and a text makes the same XHTML every time. markup.markdown_to_xhtml asks here first. A
build keeps what it used in its folder's state (careprint/pipeline/memos.py), so the
next build, `careprint list` and `careprint check` convert only the texts that changed.
What is kept is Markdown's output alone: every check on the XHTML runs on it again.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterable, Iterator

_MEMO: dict[str, str] = {}  # sha256 of a text -> its XHTML
_RECORDERS: list[set[str]] = []  # the keys each open recording() has seen used


def key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def converted(text: str, convert: Callable[[str], str]) -> str:
    """`convert(text)`, or what it gave for the same text before."""
    k = key(text)
    found = _MEMO.get(k)
    if found is None:
        found = _MEMO[k] = convert(text)
    used((k,))
    return found


def used(keys: Iterable[str]) -> None:
    """Note `keys` as used by every open recording (an edition kept whole: editions._KEPT)."""
    keys = tuple(keys)
    for seen in _RECORDERS:
        seen.update(keys)


@contextlib.contextmanager
def recording() -> Iterator[set[str]]:
    """The keys of the texts converted (or found) while it is open."""
    seen: set[str] = set()
    _RECORDERS.append(seen)
    try:
        yield seen
    finally:  # by identity: two recordings may have seen the same keys
        del _RECORDERS[next(i for i, r in enumerate(_RECORDERS) if r is seen)]


def remember(entries: dict[str, str]) -> None:
    """Take what an earlier process converted (its keys are the texts' digests)."""
    _MEMO.update(entries)


def entries(keys: Iterable[str]) -> dict[str, str]:
    """The kept XHTML of `keys`, for a build to keep in its state."""
    return {k: _MEMO[k] for k in sorted(keys) if k in _MEMO}


def forget_all_but(keys: set[str]) -> None:
    """Drop every entry but `keys`: a long `careprint serve` keeps what its last build used."""
    for k in [k for k in list(_MEMO) if k not in keys]:
        del _MEMO[k]
