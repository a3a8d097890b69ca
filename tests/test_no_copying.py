"""The guide is written in its own words: no 8-word run of the seed article appears in content/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "source-article.txt"
CONTENT = Path(__file__).resolve().parents[1] / "content"
RUN = 8


def words(text: str) -> list[str]:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return re.findall(r"[a-z0-9']+", text)


def shingles(ws: list[str], n: int = RUN) -> set[tuple[str, ...]]:
    return {tuple(ws[i:i + n]) for i in range(len(ws) - n + 1)}


def test_shingles_detect_a_copied_run():
    """The detector itself: a copied 8-word run is found, a 7-word one is not."""
    seed = shingles(words("One two three four five six seven eight nine ten."))
    assert shingles(words("x ONE two three four five six seven eight y")) & seed
    assert not shingles(words("x one two three four five six seven y")) & seed
    assert words("It\u2019s fine") == ["it's", "fine"]


def test_no_run_of_eight_words_from_the_seed_article():
    if not SEED.is_file():
        pytest.skip(f"seed article not present: {SEED}")
    seed = shingles(words(SEED.read_text(encoding="utf-8")))
    assert seed, "the seed article has fewer than 8 words"
    files = sorted(p for p in CONTENT.rglob("*") if p.is_file())
    assert files, "content/ is empty"
    copied = []
    for path in files:
        found = shingles(words(path.read_text(encoding="utf-8"))) & seed
        copied += [f"{path.relative_to(CONTENT.parent)}: {' '.join(run)}"
                   for run in sorted(found)[:5]]
    assert not copied, "runs of 8 words copied from the seed article:\n" + "\n".join(copied)
