"""`careprint doctor`: every tool careprint uses, what this machine has, and how to install
what is missing (Debian package names)."""

from __future__ import annotations

import importlib.metadata
import json
import platform
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import NamedTuple

from .. import __version__
from ..check.tools import ACE_INSTALL, EPUBCHECK_INSTALL, find_ace, find_chromium, find_epubcheck
from ..errors import CareprintError
from ..guard import glyphs
from ..render import PACKAGE_TEMPLATES
from ..source.config import CONFIG_NAME, load_config
from ..source.typefaces import font_file, installed_families, named_families, use_bundled_fonts


class Row(NamedTuple):
    what: str
    finding: str
    ok: bool
    required: bool = True  # `careprint build` needs it; the others serve `check --outputs`


Found = tuple[str, str, bool]  # what, finding, ok: a Row before report() says if it is required


# What only `careprint check --outputs` (and the tests) need, or only makes builds faster,
# and the project's careprint.toml (a problem of the guide, not of this machine: `check`
# reports it): missing, doctor says so with `!!`, and still exits 0.
OPTIONAL = ("HarfBuzz subsetter", "Java", "EPUBCheck", "Node.js", "Chromium", "Ace by DAISY",
            "Guide project")
JSON_SCHEMA_ID = "careprint-doctor/1"
TIMEOUT = 60  # seconds for a tool to tell its version
# Debian packages with fonts for a language's script; any other language: fonts-noto-core
FONT_PACKAGES = {"zh": "fonts-noto-cjk", "ja": "fonts-noto-cjk", "ko": "fonts-noto-cjk",
                 "th": "fonts-thai-tlwg"}
NODE_MAJOR = 20  # what Ace by DAISY needs


def report(project: Path | None = None) -> list[Row]:
    """What careprint finds on this machine, for the guide project at `project` if given."""
    root = Path(project) if project is not None else Path.cwd()
    language, rows = _language(root)
    rows = [("careprint", __version__, True), ("Python", platform.python_version(), True),
            *rows]
    rows += _weasyprint()
    ebooklib = _dist_version("ebooklib")
    rows.append(("ebooklib", ebooklib or "missing (pip install ebooklib)", bool(ebooklib)))
    rows += [_java(), _epubcheck(), _node(), _chromium(), _ace(root)]
    rows += _fonts(language, root)
    return [Row(what, finding, ok, not what.startswith(OPTIONAL))
            for what, finding, ok in rows]


def to_text(rows: list[Row]) -> str:
    """One line a tool (`ok ` or `!! `), and a last line when something is missing."""
    lines = [f"{'ok ' if r.ok else '!! '} {r.what}: {r.finding}" for r in rows]
    needed = [r.what for r in rows if r.required and not r.ok]
    optional = [r.what for r in rows if not r.required and not r.ok]
    if needed:
        lines.append(f"careprint doctor: {len(needed)} of what careprint build needs "
                     f"{'is' if len(needed) == 1 else 'are'} missing (!! above): install "
                     "{}, then run careprint doctor again".format(
                         "it" if len(needed) == 1 else "them"))
    elif optional:
        lines.append("careprint doctor: careprint build has all it needs; what is marked !! "
                     "is for careprint check --outputs (or faster builds) only")
    return "\n".join(lines)


def to_json(rows: list[Row]) -> str:
    """The rows as JSON (docs/building.md describes it): `ok` is false exactly when doctor
    exits 1."""
    return json.dumps({
        "schema": JSON_SCHEMA_ID,
        "ok": not any(r.required and not r.ok for r in rows),
        "tools": [{"what": r.what, "finding": r.finding, "ok": r.ok, "required": r.required}
                  for r in rows],
    }, indent=2, ensure_ascii=False)


def _language(root: Path) -> tuple[str, list[Found]]:
    """The guide's language (fonts must cover it), and a row when it cannot be read."""
    if not (root / CONFIG_NAME).is_file():
        return "en", [("Guide project", f"no {CONFIG_NAME} in {root.resolve()}: fonts are "
                       "checked for English (give the project folder: careprint doctor DIR)",
                       True)]
    try:
        return load_config(root).guide.language, []
    except CareprintError as exc:
        first = str(exc.format_message()).splitlines()[0]
        return "en", [("Guide project", f"cannot read {CONFIG_NAME} ({first}): fonts are "
                       "checked for English", False)]


def _dist_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _weasyprint() -> list[Found]:
    rows = []
    try:
        import weasyprint
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset, pango

        rows.append(("WeasyPrint", weasyprint.__version__, True))
        v = pango.pango_version()
        rows.append(("Pango", f"{v // 10000}.{v // 100 % 100}.{v % 100}", True))
        fast = harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))
        rows.append(("HarfBuzz subsetter (libharfbuzz-subset)",
                     "present: fonts are subset fast" if fast else
                     "missing: fonts are subset with fontTools, much slower "
                     "(Debian: apt-get install libharfbuzz-subset0)", fast))
    except Exception as exc:  # report whatever stops WeasyPrint loading
        rows.append(("WeasyPrint", f"cannot load: {exc} (Debian: apt-get install "
                     "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)", False))
    return rows


def _version(cmd: list[str], pattern: str, env: dict | None = None) -> str | None:
    """The version a command prints (stdout or stderr), or None."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, env=env)
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(pattern, proc.stdout + proc.stderr)
    return m.group(1) if m else None


def _java() -> Found:
    what = "Java (runs EPUBCheck)"
    java = shutil.which("java")
    if not java:
        return what, "missing (Debian: apt-get install default-jre-headless)", False
    version = _version([java, "-version"], r'version "([^"]+)"')
    return what, f"{version or 'found, version unknown'} ({java})", True


def _epubcheck() -> Found:
    cmd, why = find_epubcheck()
    if cmd is None:
        return "EPUBCheck", f"cannot run: {why} (install: {EPUBCHECK_INSTALL})", False
    version = _version([*cmd, "--version"], r"EPUBCheck v?([\d.]+)")
    return "EPUBCheck", version or "found, but it did not tell its version", bool(version)


def _node() -> Found:
    what = "Node.js (runs Ace by DAISY)"
    node = shutil.which("node")
    install = f"Ace needs Node.js {NODE_MAJOR}+ (Debian: apt-get install nodejs npm)"
    if not node:
        return what, f"missing: {install}", False
    version = _version([node, "--version"], r"v(\d+[\d.]*)")
    ok = bool(version and int(version.split(".")[0]) >= NODE_MAJOR)
    return what, f"{version} ({node})" if ok else f"{version or 'unknown version'}: {install}", ok


def _chromium() -> Found:
    what = "Chromium (Ace by DAISY drives it)"
    chromium = find_chromium()
    if not chromium:
        return what, "missing (Debian: apt-get install chromium)", False
    return what, chromium, True


def _ace(root: Path) -> Found:
    what = "Ace by DAISY (careprint check --outputs)"
    cmd, env, why = find_ace(root)
    if cmd is None:
        return what, f"cannot run: {why} (install: {ACE_INSTALL})", False
    version = _version([*cmd, "--version"], r"(\d+\.\d+[\d.]*)", env=env)
    return what, version or "found, but it did not tell its version", bool(version)


def _fonts(language: str, root: Path) -> list[Found]:
    """Whether an installed font covers the guide's language, and the fonts the templates
    name."""
    lang = language.split("-")[0].lower()
    what = f"Fonts for the guide's language ({language})"
    package = FONT_PACKAGES.get(lang, "fonts-noto-core")
    use_bundled_fonts()  # what a build finds: careprint's typefaces and the machine's
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return [(what, "cannot tell: fc-list is missing (Debian: apt-get install fontconfig)",
                 False)]
    families = _families(fc_list, f":lang={lang}")
    if families:
        shown = ", ".join(families[:3]) + (f" and {len(families) - 3} more"
                                           if len(families) > 3 else "")
        rows = [(what, shown, True)]
    else:
        rows = [(what, f"missing: no installed font covers {lang!r}; its letters would print "
                 f"as empty boxes (Debian: apt-get install {package})", False)]
    named = () if families else (package,)
    return rows + _source_fonts(root, named) + _theme_fonts(root)


SOURCE_SUFFIXES = (".md", ".yaml", ".yml", ".toml")


def _source_fonts(root: Path, named: tuple[str, ...]) -> list[Found]:
    """A row for each Debian package with a font for letters the project's sources hold
    and no installed font draws (a Japanese passage in an English guide): a build stops
    at the first of them (careprint/guard/glyphs.py); this says what to install. A
    package the language's row names already is not named twice."""
    system = glyphs.system_ranges() if (root / CONFIG_NAME).is_file() else None
    if system is None:
        return []
    coverage = glyphs.Coverage(system + glyphs.project_ranges(root))
    missing: dict[str, tuple[str, str]] = {}  # package -> (a letter, the file it is in)
    for path in [root / CONFIG_NAME, *sorted((root / "content").rglob("*"))]:
        if path.suffix not in SOURCE_SUFFIXES or not path.is_file():
            continue
        for ch in sorted(set(path.read_text("utf-8", errors="replace"))):
            if ord(ch) >= 0x80 and ord(ch) not in coverage \
                    and unicodedata.category(ch) not in glyphs.SKIPPED_CATEGORIES:
                missing.setdefault(glyphs.package_for(ord(ch)),
                                   (ch, path.relative_to(root).as_posix()))
    return [("Fonts for the guide's text", f"missing: no installed font draws {ch!r} "
             f"(U+{ord(ch):04X}, in {rel}); it would print as an empty box (Debian: apt-get "
             f"install {package})", False)
            for package, (ch, rel) in sorted(missing.items()) if package not in named]


def _theme_fonts(root: Path) -> list[Found]:
    """A row for each font the templates name: careprint's own, the project's templates/."""
    installed = installed_families()
    named: dict[str, str] = {}
    for path in [PACKAGE_TEMPLATES / "theme.css", PACKAGE_TEMPLATES / "large-print.css",
                 *sorted((root / "templates").glob("*.css"))]:
        for _, family in named_families(path.read_text("utf-8", errors="replace")):
            named.setdefault(family, path.name)
    rows = []
    for family, where in named.items():
        if font_file(family) is not None:
            rows.append((f"Font {family} ({where})", "shipped with careprint", True))
        elif family in installed:
            rows.append((f"Font {family} ({where})", "installed", True))
        else:
            rows.append((f"Font {family} ({where})", "missing: careprint does not ship it and "
                         "this machine does not have it; builds stop at the line that names "
                         "it", False))
    return rows


def _families(fc_list: str, pattern: str) -> list[str]:
    """The font families fontconfig lists for `pattern`, first names only, sorted."""
    try:
        out = subprocess.run([fc_list, pattern, "family"], capture_output=True, text=True,
                             timeout=TIMEOUT).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    return sorted({line.split(",")[0].strip() for line in out.splitlines() if line.strip()})

