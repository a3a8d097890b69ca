"""Inline markers that silence one rule at one place in the source.

    <!-- careprint: allow pressure-words -->        in Markdown (removed from the outputs)
    # careprint: allow content-note                  in YAML: front matter, worksheets...

A marker names one or more rule ids (separated by spaces or commas), optionally followed by
a colon and the reason, and silences them on its own line and on the line after it:

    <!-- careprint: allow pressure-words: quotes what not to say -->

`grep -rn "careprint: allow" content/` lists them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .registry import MARKERS, rule

MARKER_RE = re.compile(r"careprint:\s*allow\b(?P<rules>[^>\n]*?)(?:-->|$)")
RULE_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass
class Marker:
    file: str
    line: int
    rules: tuple[str, ...]
    used: set[str] = field(default_factory=set)


class Markers:
    """Every `careprint: allow` marker of a project, by file and line."""

    def __init__(self) -> None:
        self.by_place: dict[tuple[str, int], Marker] = {}

    def scan(self, file: str, text: str) -> None:
        for i, line in enumerate(text.split("\n"), 1):
            m = MARKER_RE.search(line)
            if m:
                ids = m.group("rules").split(":", 1)[0]
                rules = tuple(RULE_ID_RE.findall(ids))
                self.by_place[(file, i)] = Marker(file, i, rules)

    def silences(self, rule: str, file: str, line: int | None) -> bool:
        """Whether a marker on `line` or the line before it allows `rule` (and note its use)."""
        if not line:
            return False
        for n in (line, line - 1):
            marker = self.by_place.get((file, n))
            if marker and rule in marker.rules:
                marker.used.add(rule)
                return True
        return False

    def __iter__(self):
        return iter(sorted(self.by_place.values(), key=lambda m: (m.file, m.line)))


# careprint.check runs it on the markers it scanned (no function of its own here)
rule("allow-marker", "markers", group=MARKERS, severity="warning",
     doc="`careprint: allow` markers name real rules and are needed")
