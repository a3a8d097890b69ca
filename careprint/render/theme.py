"""The theme's values (templates/theme.css), for outputs that cannot use CSS variables.

theme.css is the one source of truth for colours and typefaces: the web edition includes
it, and the EPUB's stylesheet (reading systems ignore custom properties) and the cover
image take its values from here.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..source.reads import note_template
from . import environment

_PROP_RE = re.compile(r"--([a-z][a-z0-9-]*)\s*:\s*([^;{}]+?)\s*;")
_COLOUR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
DEFAULTS = {"ink": "#1f2a30", "accent": "#1d5c63", "accent-soft": "#e8f1f0",
            "muted": "#4a5a60", "rule": "#b7cbc8"}


def theme_values(root: Path) -> dict[str, str]:
    """{name: value} of theme.css's `--name: value;` properties (the project's file first).

    Colours must be #rgb or #rrggbb; another value keeps careprint's default, so that a
    theme cannot write anything but a colour into the EPUB's stylesheet.
    """
    env = environment(root)
    source, filename, _ = env.loader.get_source(env, "theme.css")
    note_template("theme.css", filename)  # what reads the theme depends on it (reads.py)
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    found = dict(_PROP_RE.findall(source))
    out = dict(DEFAULTS)
    for name, value in found.items():
        if name in DEFAULTS:
            if _COLOUR_RE.match(value):
                out[name] = value
        elif name.endswith("-font"):
            out[name] = value
    return out


def rgb(colour: str) -> tuple[int, int, int]:
    """'#28566b' or '#fff' -> (r, g, b)."""
    h = colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def font_families(value: str) -> list[str]:
    """The family names of a CSS font-family list, generic families left out."""
    names = [n.strip().strip("\"'") for n in value.split(",")]
    return [n for n in names if n and n not in ("serif", "sans-serif", "monospace")]
