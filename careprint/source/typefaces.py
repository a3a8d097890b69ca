"""The typefaces careprint ships, and the font configuration every PDF is set with.

careprint/fonts/ holds the bundled theme's typefaces, under the SIL Open Font License
(their licences beside them; docs/typefaces.md says what was chosen and why):
- Lato (2.015), the body and headings of the guide, handouts, worksheets and booklets;
- Atkinson Hyperlegible (1.006), large print: drawn by the Braille Institute for readers
  with low vision;
- Noto Sans Arabic, Noto Sans Hebrew and Noto Sans Devanagari (regular and bold), the
  scripts Lato and Atkinson Hyperlegible do not draw: the configuration names them after
  every theme's face and before its generic family (`sans-serif`), so an Arabic word is
  set in Noto Sans Arabic on a machine with no Arabic font, beside Lato in the guide and
  Atkinson Hyperlegible in large print: one family for each script.

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
# the faces of the scripts the theme's families do not draw, in the order fontconfig tries
# them: family -> the file stem of its regular and bold faces (these scripts have no italic)
SCRIPT_FACES = {"Noto Sans Arabic": "NotoSansArabic", "Noto Sans Hebrew": "NotoSansHebrew",
                "Noto Sans Devanagari": "NotoSansDevanagari"}
# a generic family (what a stylesheet's list ends with): the script faces come before it
GENERIC_FAMILIES = ("sans-serif", "serif", "monospace", "system-ui")
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
    """A fontconfig configuration: `machine_conf`, careprint's fonts, no other copy of the
    families careprint ships, and the faces of other scripts after them."""
    # fontconfig lets an accepted pattern, not an accepted file name, outweigh a rejected one
    accepted = "".join(_pattern("file", path.as_posix()) for path in sorted(FONTS.glob("*.ttf")))
    rejected = "".join(_pattern("family", family) for family in (*BUNDLED, *SCRIPT_FACES))
    return ("<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"urn:fontconfig:fonts.dtd\">\n"
            f"<fontconfig>\n<include ignore_missing=\"yes\">{escape(machine_conf)}</include>\n"
            f"<dir>{escape(FONTS.as_posix())}</dir>\n"
            f"<selectfont>\n<acceptfont>{accepted}</acceptfont>\n"
            f"<rejectfont>{rejected}</rejectfont>\n</selectfont>\n{script_fallbacks()}"
            "</fontconfig>\n")


def script_fallbacks() -> str:
    """fontconfig rules that put careprint's faces of other scripts just after each family
    careprint ships: `"Lato", sans-serif` asks for Lato, then Noto Sans Arabic, Hebrew and
    Devanagari, then the machine's sans-serif (DejaVu Sans draws Arabic too, in another
    style). A character Lato draws is never set in them."""
    faces = "".join(f"<string>{escape(family)}</string>" for family in SCRIPT_FACES)
    return "".join(f'<match target="pattern"><test name="family"><string>{escape(family)}'
                   f'</string></test><edit name="family" mode="append" binding="strong">'
                   f"{faces}</edit></match>\n" for family in BUNDLED)


def _pattern(name: str, value: str) -> str:
    return f'<pattern><patelt name="{name}"><string>{escape(value)}</string></patelt></pattern>'


def use_bundled_fonts() -> None:
    """Make this process, and the programs it starts, find fonts through careprint's
    configuration (FONTCONFIG_FILE). Call it before anything asks fontconfig for a font;
    calling it again does nothing."""
    current = os.environ.get("FONTCONFIG_FILE", "")
    if Path(current).name.startswith(CONF_PREFIX):
        return
    path = _written(_conf_dir(), CONF_PREFIX, conf_text(_machine_conf()))
    os.environ["FONTCONFIG_FILE"] = str(path)
    _reload_default_config()


def _reload_default_config() -> None:
    """Asking fontconfig for the machine's file (_machine_conf) loads its default
    configuration, which Pango then substitutes families with: load it again, now from
    careprint's, so that the script faces follow the theme's (script_fallbacks)."""
    lib = ctypes.util.find_library("fontconfig")
    if lib:
        try:
            ctypes.CDLL(lib).FcInitReinitialize()
        except (OSError, AttributeError):
            pass


def _written(folder: Path, prefix: str, text: str) -> Path:
    """`text` in `folder`, in a file named by its digest (written once, whole)."""
    path = folder / f"{prefix}{hashlib.sha256(text.encode()).hexdigest()[:16]}.conf"
    if not path.is_file() or path.read_text("utf-8") != text:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".conf-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    return path


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


# the folder careprint keeps what it makes for this user between runs in (the check's
# syllable table too: careprint/check/syllables.py)
careprint_folder = _conf_dir


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
    known = {k.lower() for k in {*BUNDLED, *SCRIPT_FACES, *installed_families(), *faces}}
    shipped = ", ".join(BUNDLED)
    return [Problem(at(rel, line), f"the theme names the font {family!r}, which careprint "
                    f"does not ship ({shipped}) and this machine does not have: install it, "
                    "add its file to templates/ with an @font-face rule, or take it out of "
                    "the list")
            for rel, line, family in named if family.lower() not in known]
