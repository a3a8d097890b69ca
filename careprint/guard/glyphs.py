"""Characters no font can draw: found in the sources, before anything renders.

WeasyPrint draws a character that no installed font covers as an empty box (.notdef),
logs one warning per glyph per PDF, and goes on: a CJK chapter printed tofu and exit 0.
careprint reads the coverage of every font fontconfig knows (one `fc-list` call, the
fonts Pango falls back to) and of the font files in the project's templates/, and
reports each character that none of them covers, once, at its first `file:line`, with
a Debian package that covers it.
"""

from __future__ import annotations

import bisect
import shutil
import subprocess
import unicodedata
from pathlib import Path

from ..errors import Problem, at
from .charrefs import decode_text

# Cc, Cf, Zl, Zp and Co are refused wherever they are (careprint.guard.textguard); a code point
# unassigned in Python's Unicode database (Cn) is checked here, since a newer font may
# draw a newer emoji
SKIPPED_CATEGORIES = ("Cc", "Cf", "Zs", "Zl", "Zp", "Co", "Cs")
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".woff", ".woff2")
# (first, last, package): where a character no font covers can be found on Debian
PACKAGES = (
    (0x1100, 0x11FF, "fonts-noto-cjk"), (0x2E80, 0x2FDF, "fonts-noto-cjk"),
    (0x3000, 0x9FFF, "fonts-noto-cjk"), (0xA960, 0xA97F, "fonts-noto-cjk"),
    (0xAC00, 0xD7FF, "fonts-noto-cjk"), (0xF900, 0xFAFF, "fonts-noto-cjk"),
    (0xFE30, 0xFE4F, "fonts-noto-cjk"), (0xFF00, 0xFFEF, "fonts-noto-cjk"),
    (0x20000, 0x3FFFF, "fonts-noto-cjk"),
    (0x2600, 0x27BF, "fonts-noto-color-emoji"), (0x1F000, 0x1FAFF, "fonts-noto-color-emoji"),
)
OTHER_PACKAGE = "fonts-noto-core (or fonts-noto, for every script Noto covers)"


def package_for(code: int) -> str:
    for first, last, package in PACKAGES:
        if first <= code <= last:
            return package
    return OTHER_PACKAGE


class Coverage:
    """The code points a set of fonts covers, as sorted, merged ranges."""

    def __init__(self, ranges):
        merged: list[list[int]] = []
        for lo, hi in sorted(ranges):
            if merged and lo <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        self.starts = [lo for lo, _ in merged]
        self.ends = [hi for _, hi in merged]

    def __contains__(self, code: int) -> bool:
        i = bisect.bisect_right(self.starts, code) - 1
        return i >= 0 and code <= self.ends[i]


_SYSTEM: list = []


def system_ranges() -> list[tuple[int, int]] | None:
    """What the fonts fontconfig knows cover; None if fontconfig cannot say. The caller
    has made careprint's own typefaces known first (source/typefaces.py: use_bundled_fonts)."""
    if not _SYSTEM:
        fc = shutil.which("fc-list")
        out = None
        if fc:
            proc = subprocess.run([fc, "--format", "%{charset}\n"], capture_output=True,
                                  text=True, timeout=60)
            out = proc.stdout if proc.returncode == 0 else None
        _SYSTEM.append(None if out is None else _parse_charsets(out))
    return _SYSTEM[0]


def _parse_charsets(text: str) -> list[tuple[int, int]]:
    ranges = []
    for word in text.split():
        lo, _, hi = word.partition("-")
        try:
            ranges.append((int(lo, 16), int(hi or lo, 16)))
        except ValueError:
            continue
    return ranges


def project_ranges(root: Path) -> list[tuple[int, int]]:
    """What the font files in the project's templates/ cover (a stylesheet's @font-face)."""
    folder = Path(root) / "templates"
    if not folder.is_dir():
        return []
    from fontTools.ttLib import TTCollection, TTFont

    ranges: list[tuple[int, int]] = []
    for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() in FONT_SUFFIXES):
        try:
            fonts = (TTCollection(path).fonts if path.suffix.lower() == ".ttc"
                     else [TTFont(path, lazy=True)])
            for font in fonts:
                ranges.extend((c, c) for c in font.getBestCmap() or {})
        except Exception:  # a font fontTools cannot read covers nothing
            continue
    return ranges


def missing_glyph_problems(root: Path, files: list[tuple[str, str]]) -> list[Problem]:
    """Each character in `files` ((path, text) pairs) that no font covers, once."""
    system = system_ranges()
    if system is None:
        return []  # no fontconfig to ask: WeasyPrint's own warnings still name the glyphs
    coverage = Coverage(system + project_ranges(root))
    seen: set[str]
    problems, seen = [], set()
    for rel, written in files:
        text = decode_text(written)  # `&#x4F60;` is drawn as 你 is (careprint.guard.charrefs)
        missing = sorted(ch for ch in set(text) - seen if ord(ch) >= 0x80
                         and ord(ch) not in coverage and _drawn(ch))
        seen.update(missing)
        for ch in missing:
            line = text.count("\n", 0, text.index(ch)) + 1
            problems.append(Problem(at(rel, line), _message(ch)))
    return problems


def _message(ch: str) -> str:
    code, name = ord(ch), unicodedata.name(ch, "")
    if unicodedata.category(ch) == "Cn":
        return (f"U+{code:04X} is not a character: Unicode "
                f"{unicodedata.unidata_version} assigns nothing to it and no installed font "
                "draws it, so it would print as an empty box. Delete it")
    return (f"no installed font can draw {ch!r} (U+{code:04X}"
            f"{', ' + name if name else ''}): it would print as an empty box. "
            f"Install a font that covers it, e.g. {package_for(code)}")


def _drawn(ch: str) -> bool:
    """Whether `ch` needs a glyph (not a control, a space, a joiner or a selector)."""
    code = ord(ch)
    noncharacter = (code & 0xFFFE) == 0xFFFE or 0xFDD0 <= code <= 0xFDEF  # textguard's
    return unicodedata.category(ch) not in SKIPPED_CATEGORIES and not _variation(code) \
        and not noncharacter


def _variation(code: int) -> bool:
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or 0x1F3FB <= code <= 0x1F3FF
