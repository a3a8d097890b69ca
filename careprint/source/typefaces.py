"""The typefaces careprint ships, and the font configuration every PDF is set with.

careprint/fonts/ holds the bundled theme's typefaces, under the SIL Open Font License
(their licences beside them; docs/typefaces.md says what was chosen and why):
- Lato (2.015), the body and headings of the guide, handouts, worksheets and booklets;
- Atkinson Hyperlegible (1.006), large print: drawn by the Braille Institute for readers
  with low vision.

A machine's fonts differ; a guide's pages must not. So careprint points fontconfig (the
library WeasyPrint, Pango and `fc-list` ask for fonts) at a configuration of its own:
the machine's, plus careprint/fonts/, with the machine's own copies of those families
hidden. A family careprint ships is always set in careprint's file; the machine's fonts
are used only for what those files do not cover (another script, an emoji), and for a
family a project's theme names that careprint does not ship.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import re
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from ..errors import Problem, at

FONTS = Path(__file__).resolve().parents[1] / "fonts"
# family -> the file stem of its four faces in careprint/fonts/
BUNDLED = {"Lato": "Lato", "Atkinson Hyperlegible": "AtkinsonHyperlegible"}
FACES = {(False, False): "Regular", (False, True): "Italic", (True, False): "Bold",
         (True, True): "BoldItalic"}
CONF_PREFIX = "careprint-fonts-"
DEFAULT_CONF = "/etc/fonts/fonts.conf"


def font_file(family: str, bold: bool = False, italic: bool = False) -> Path | None:
    """careprint's file of `family` in that face, or None when careprint does not ship it."""
    stem = BUNDLED.get(family)
    return FONTS / f"{stem}-{FACES[bold, italic]}.ttf" if stem else None


def _machine_conf() -> str:
    """The fontconfig configuration file this process would read without careprint."""
    named = os.environ.get("FONTCONFIG_FILE")
    if named:
        return named
    lib = ctypes.util.find_library("fontconfig")
    if lib:
        try:
            fc = ctypes.CDLL(lib)
            fc.FcConfigFilename.restype = ctypes.c_void_p
            fc.FcConfigFilename.argtypes = [ctypes.c_char_p]
            found = fc.FcConfigFilename(None)
            if found:
                return ctypes.string_at(found).decode()
        except (OSError, AttributeError, UnicodeDecodeError):
            pass
    return DEFAULT_CONF


def conf_text(machine_conf: str) -> str:
    """A fontconfig configuration: `machine_conf`, careprint's fonts, and no other copy of
    the families careprint ships."""
    # fontconfig lets an accepted pattern, not an accepted file name, outweigh a rejected one
    accepted = "".join(_pattern("file", path.as_posix()) for path in sorted(FONTS.glob("*.ttf")))
    rejected = "".join(_pattern("family", family) for family in BUNDLED)
    return ("<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"urn:fontconfig:fonts.dtd\">\n"
            f"<fontconfig>\n<include ignore_missing=\"yes\">{escape(machine_conf)}</include>\n"
            f"<dir>{escape(FONTS.as_posix())}</dir>\n"
            f"<selectfont>\n<acceptfont>{accepted}</acceptfont>\n"
            f"<rejectfont>{rejected}</rejectfont>\n</selectfont>\n</fontconfig>\n")


def _pattern(name: str, value: str) -> str:
    return f'<pattern><patelt name="{name}"><string>{escape(value)}</string></patelt></pattern>'


def use_bundled_fonts() -> None:
    """Make this process, and the programs it starts, find fonts through careprint's
    configuration (FONTCONFIG_FILE). Call it before anything asks fontconfig for a font;
    calling it again does nothing."""
    current = os.environ.get("FONTCONFIG_FILE", "")
    if Path(current).name.startswith(CONF_PREFIX):
        return
    text = conf_text(_machine_conf())
    name = f"{CONF_PREFIX}{hashlib.sha256(text.encode()).hexdigest()[:16]}.conf"
    path = _conf_dir() / name
    if not path.is_file() or path.read_text("utf-8") != text:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".conf-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    os.environ["FONTCONFIG_FILE"] = str(path)


def _conf_dir() -> Path:
    """A folder only this user can write, for the configuration: careprint-<uid> in the
    temporary folder, made 0700. One that is a link, another user's, or writable by
    others is passed over for a new one of this process's own: what fontconfig reads
    there decides which fonts every PDF is set in."""
    folder = Path(tempfile.gettempdir()) / f"careprint-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError:
        return Path(tempfile.mkdtemp(prefix="careprint-fonts-"))
    st = os.lstat(folder)
    if stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o022:
        return folder
    return Path(tempfile.mkdtemp(prefix="careprint-fonts-"))


_DECL_RE = re.compile(r"(?:--[\w-]*font|font-family)\s*:\s*([^;{}]+)"
                      # `font: bold 12pt/1.4 "Face", serif`: the families follow the size
                      r"|\bfont\s*:[^;{}]*?[\d.]+[a-z%]*(?:\s*/\s*[\d.]+[a-z%]*)?\s+([^;{}]+)",
                      re.I)
_FACE_RE = re.compile(r"@font-face\s*{[^}]*?font-family\s*:\s*([^;}]+)", re.I | re.S)
_GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "inherit",
            "initial", "unset", "math", "emoji", "fangsong", "ui-sans-serif", "ui-serif"}


def named_families(css: str) -> list[tuple[int, str]]:
    """(line, family) of each font family a stylesheet's declarations name (a
    `font-family:` or a `--body-font:` property), generic families and `var()` aside."""
    css = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), css, flags=re.S)
    css = _FACE_RE.sub(lambda m: "\n" * m.group(0).count("\n"), css)  # a face is no request
    out = []
    for m in _DECL_RE.finditer(css):
        line = css.count("\n", 0, m.start()) + 1
        for name in (m.group(1) or m.group(2)).split(","):
            name = name.strip().removesuffix("!important").strip().strip("\"'").strip()
            if name and name.lower() not in _GENERIC and "(" not in name:
                out.append((line, name))
    return out


def installed_families() -> set[str]:
    """Every family name fontconfig knows, careprint's own among them (empty when
    fc-list is missing)."""
    use_bundled_fonts()
    fc = shutil.which("fc-list")
    if not fc:
        return set()
    try:
        out = subprocess.run([fc, ":", "family"], capture_output=True, text=True,
                             timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return set()
    return {n.strip() for line in out.splitlines() for n in line.split(",") if n.strip()}


def theme_font_problems(sheets: list[tuple[str, str]]) -> list[Problem]:
    """An error at its `rel`:line for each family a stylesheet ((rel, css) pairs: a
    project's templates/*.css) names that careprint does not ship, this machine does not
    have and no @font-face of those stylesheets brings: it would be set in whatever font
    the machine picks instead, and never say so."""
    named = [(rel, line, family) for rel, css in sheets for line, family in named_families(css)]
    if not named:
        return []
    faces = {m.group(1).strip().strip("\"'").strip()
             for _, css in sheets for m in _FACE_RE.finditer(css)}
    known = {k.lower() for k in {*BUNDLED, *installed_families(), *faces}}
    shipped = ", ".join(BUNDLED)
    return [Problem(at(rel, line), f"the theme names the font {family!r}, which careprint "
                    f"does not ship ({shipped}) and this machine does not have: install it, "
                    "add its file to templates/ with an @font-face rule, or take it out of "
                    "the list")
            for rel, line, family in named if family.lower() not in known]
