"""The output guard: what careprint wrote is read back before it is put in place.

Every check on a project reads its sources as written, and a second spelling of the same
thing (a character reference, a tab inside a URL, an expression in a template) can get
past a check that reads the source. So, before commit (careprint/pipeline/commit.py) renames any
rendered file into place, inspect() reads each one as a reader's software will:

- a web page, and every XHTML document inside an EPUB: careprint/guard/outguard_html.py (no
  script but careprint's own, no event handler, refresh, <base>, frame, object or form,
  no address outside the allowed schemes or the output, no file:, no comment, no
  invisible character);
- a PDF (careprint/guard/outguard_pdf.py, pypdf): every action (links, on opening, /AA, the
  outline's): only a URI with an allowed scheme or a jump inside the document; no
  embedded file or attachment; no invisible character in the text its pages show or in
  the Unicode strings it keeps (outline, document information, form fields, alt texts);
- an image in the web edition or the EPUB: no metadata (careprint/guard/imagestrip.py);
- a script: byte for byte one of careprint's own.

Anything found stops the build with an error naming the output file (and line) and what
was found; the rendered files are removed and nothing is put in place. Each worker reads
what it rendered (careprint/pipeline/workers.py), so the reading runs in parallel; commit gathers
what they found.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import zipfile
from pathlib import Path

from ..errors import Problem, ProjectError, at
from .imagestrip import stripping
from .outguard_html import BUNDLED_SCRIPTS, FILE_RE, page_findings
from .outguard_pdf import pdf_findings

PAGES = (".html", ".xhtml", ".htm")
IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")
TEXTS = (".css", ".opf", ".ncx", ".xml")
FIX = ("careprint stopped before putting it in place: remove it from the template (in "
       "templates/) or the chapter that writes it")
FIX_PICTURE = ("careprint stopped before putting it in place: save the picture again without "
               "its metadata (an image editor's \"export\" does) and build again")


def inspect(results, out_dir: Path) -> None:
    """Read every rendered file of `results` ((job, Rendered) pairs); if any holds what
    must never ship, remove them all and stop with a ProjectError naming each. A worker
    has read what it rendered already (Rendered.found), in parallel; what it has not is
    read here."""
    problems: list[Problem] = []
    for _job, res in results:
        found = res.found if res.found is not None else findings(res.files, out_dir)
        problems.extend(found)
    if problems:
        for _job, res in results:
            for tmp, _final in res.files:
                Path(tmp).unlink(missing_ok=True)
        raise ProjectError(once(problems))


SHOWN = 3  # the other places a repeated finding names before "and N more"


def once(problems: list[Problem]) -> list[Problem]:
    """Each finding once: one a template puts on every page is named at its first place,
    with how many others hold it."""
    by_what: dict[str, list[Problem]] = {}
    for p in problems:
        by_what.setdefault(p.message, []).append(p)
    told = []
    for what, found in by_what.items():
        if len(found) > 1:
            others = ", ".join(str(p.where) for p in found[1:1 + SHOWN])
            more = f" and {len(found) - 1 - SHOWN} more" if len(found) > 1 + SHOWN else ""
            what = f"{what} (also in {others}{more})"
        told.append(Problem(found[0].where, what))
    return told


def findings(files, out_dir: Path) -> tuple[Problem, ...]:
    """What must not ship in rendered `files`, (temporary file, final path) pairs."""
    problems = []
    for i, (tmp, final) in enumerate(files):
        name = _relative(Path(final), out_dir)
        # after a PDF, the HTML WeasyPrint was given (--keep-html): its relative addresses
        # lead from content/chapters/, not from the output folder
        kept = i > 0 and files[0][1].endswith(".pdf")
        problems += [Problem(where, f"{what}; {FIX_PICTURE if 'picture' in what else FIX}")
                     for where, what in file_findings(Path(tmp), name, kept)]
    return tuple(problems)


def _relative(path: Path, out_dir: Path) -> str:
    try:
        return path.relative_to(out_dir).as_posix()
    except ValueError:
        return path.as_posix()


def file_findings(path: Path, name: str, kept: bool = False) -> list[tuple[str, str]]:
    """(where, what) for each thing in the file at `path` (to be `name`, a path inside the
    output folder) that must not ship; `kept` for kept HTML (see findings)."""
    suffix = posixpath.splitext(name)[1].lower()
    if suffix == ".pdf":
        return [(name, what) for what in pdf_findings(path)]
    if suffix == ".epub":
        return epub_findings(path.read_bytes(), name)
    return member_findings(path.read_bytes(), name, name, BUNDLED_SCRIPTS, not kept, kept)


def member_findings(data: bytes, name: str, shown: str, scripts: tuple[str, ...],
                    outward: bool = True, kept: bool = False) -> list[tuple[str, str]]:
    """(where, what) for one web page, image, script or stylesheet (`name` inside the
    output, or inside an EPUB; `shown` is how an error names it; `kept`: a PDF's kept
    HTML, outguard_html.page_findings)."""
    suffix = posixpath.splitext(name)[1].lower()
    if suffix in PAGES:
        page = data.decode("utf-8", "replace")
        return [(at(shown, line), what)
                for line, what in page_findings(page, name, scripts, outward, kept=kept)]
    if suffix in IMAGES:
        found = [(shown, f"a published picture holds {what} (metadata)")
                 for what in dict.fromkeys(stripping(data)[1])]
        if suffix == ".svg" and FILE_RE.search(data.decode("utf-8", "replace")):
            found.append((shown, "a file: address in a picture"))
        return found
    if suffix == ".js":
        if posixpath.basename(name) in scripts and _digest(data) in _bundled_digests():
            return []
        return [(shown, "a script that is not careprint's own")]
    if suffix in TEXTS:
        text = data.decode("utf-8", "replace")
        return [(at(shown, text.count("\n", 0, m.start()) + 1), "a file: address")
                for m in FILE_RE.finditer(text)]
    return []


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_DIGESTS: list[frozenset[str]] = []


def _bundled_digests() -> frozenset[str]:
    """The digests of careprint's own scripts (its bundled templates/*.js)."""
    if not _DIGESTS:
        folder = Path(__file__).resolve().parents[1] / "templates"
        _DIGESTS.append(frozenset(_digest((folder / n).read_bytes()) for n in BUNDLED_SCRIPTS))
    return _DIGESTS[0]


def epub_findings(data: bytes, name: str) -> list[tuple[str, str]]:
    """Every document, picture, script and stylesheet inside an EPUB (no script at all)."""
    found = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for member in z.namelist():
                found += member_findings(z.read(member), member, f"{name} > {member}", ())
    except zipfile.BadZipFile:
        found.append((name, "not a readable EPUB"))
    return found
