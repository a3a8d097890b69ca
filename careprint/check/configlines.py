"""Where a careprint.toml option is written: the Config keeps values, not lines, so the
rules about options (language, crisis_line) find their key's line in the file's text."""

from __future__ import annotations

import re
from pathlib import Path


def config_line(root: Path, table: str, key: str) -> int | None:
    """The line of `key = ...` in `[table]` of root/careprint.toml, or None."""
    try:
        lines = (root / "careprint.toml").read_text(encoding="utf-8-sig").split("\n")
    except OSError:
        return None
    current = ""
    for i, line in enumerate(lines, 1):
        s = line.strip()
        if s.startswith("["):
            current = s.split("#", 1)[0].strip().strip("[]").strip()
        elif current == table and re.match(rf"{re.escape(key)}\s*=", s):
            return i
    return None
