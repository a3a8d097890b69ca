"""What a build was made from: the `build` record of OUT/.careprint/manifest.json.

Every build records its sources (careprint itself, and each project file with its SHA-256),
its options but --shard, and which shard K/N it was (null for a whole build). `careprint
join` (join.py) reads the records of the shards it is given: shards of one build have the
same sources and options, and this module says, in words, how two records differ.

The date a resource's check is aged against (CAREPRINT_TODAY) is left out: it changes a
build's warnings, never its files, and two CI jobs of one build may run either side of
midnight.
"""

from __future__ import annotations

from pathlib import Path

from ..source.digests import careprint_sources, source_files

KEY = "build"
NOT_COMPARED = ("shard", "today")

# the build's options (build.py, Request.options), as a person typed them
OPTION_NAMES = {
    "editions": "--edition", "formats": "--format", "paper": "--paper",
    "keep_html": "--keep-html", "bleed": "--bleed", "marks": "--marks",
    "source_date_epoch": "SOURCE_DATE_EPOCH", "only": "--only", "region": "--region",
    "registered": "the formats careprint knows (plugins)",
}
SHOWN_FILES = 3  # the differing files a message names before "and N more"


def record(root: Path, options: dict, shard: tuple[int, int] | None) -> dict:
    """The record of a build of the project at `root` with `options` (build.py's)."""
    return {"careprint": careprint_sources(), "files": source_files(root),
            "options": comparable(options), "shard": list(shard) if shard else None}


def comparable(options: dict) -> dict:
    """The options shards of one build share: every one but --shard and today's date."""
    return {k: v for k, v in options.items() if k not in NOT_COMPARED}


def shard_of(rec: dict) -> tuple[int, int]:
    """(K, N): a whole build counts as shard 1/1."""
    shard = rec.get("shard")
    return (shard[0], shard[1]) if shard else (1, 1)


def valid(rec) -> bool:
    """Whether `rec` (read from a manifest) has the shape `record` gives it."""
    if not isinstance(rec, dict) or not isinstance(rec.get("careprint"), str):
        return False
    shard = rec.get("shard")
    shard_ok = shard is None or (isinstance(shard, list) and len(shard) == 2 and
                                 all(isinstance(n, int) for n in shard) and
                                 1 <= shard[0] <= shard[1])
    return shard_ok and isinstance(rec.get("files"), dict) and \
        isinstance(rec.get("options"), dict)


def file_differences(ours: dict, theirs: dict, us: str, them: str) -> str:
    """The project files that differ between two records, in words ("" if none): `us` and
    `them` name where each record comes from."""
    ours, theirs = ours["files"], theirs["files"]
    found = [f"{rel} differs" if rel in ours and rel in theirs else
             f"{rel} is only in {us if rel in ours else them}"
             for rel in sorted(set(ours) | set(theirs)) if ours.get(rel) != theirs.get(rel)]
    more = len(found) - SHOWN_FILES
    return "; ".join(found[:SHOWN_FILES]) + (f"; and {more} more" if more > 0 else "")


def option_differences(ours: dict, theirs: dict, us: str, them: str) -> list[str]:
    """Each option with another value in the two records: its name and both values."""
    a, b = ours["options"], theirs["options"]
    return [f"{OPTION_NAMES.get(k, k)}: {shown(a.get(k))} in {us}, {shown(b.get(k))} in {them}"
            for k in sorted(set(a) | set(b), key=_option_order) if a.get(k) != b.get(k)]


def _option_order(name: str) -> tuple[int, str]:
    order = list(OPTION_NAMES)
    return (order.index(name) if name in order else len(order), name)


def shown(value) -> str:
    """An option's value as a person would type it."""
    if value in (None, "", [], (), False):
        return "not given"
    if value is True:
        return "given"
    if isinstance(value, list | tuple):
        return " ".join(map(str, value))
    return str(value)
