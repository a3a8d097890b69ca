"""The output guard: what careprint wrote is read back before it is put in place.

Every check on a project reads its sources as written, and a second spelling of the same
thing (a character reference, a tab inside a URL, an expression in a template) can get
past a check that reads the source. So, before commit (careprint/commit.py) renames any
rendered file into place, inspect() reads each one as a reader's software will:

- a web page, and every XHTML document inside an EPUB: careprint/outguard_html.py (no
  script but careprint's own, no event handler, refresh, <base>, frame, object or form,
  no address outside the allowed schemes or the output, no file:, no comment, no
  invisible character);
- a PDF (pypdf): every link annotation's action and every action elsewhere (the
  document's /OpenAction and /AA, a page's or a field's /AA, the outline's): only a
  URI with an allowed scheme, or a jump inside the document; no JavaScript, Launch,
  GoToR, GoToE, SubmitForm or ImportData action, no embedded file or attachment; and no
  invisible character in the text a PDF keeps as Unicode strings (outline, document
  information, form fields, alternate texts);
- an image in the web edition or the EPUB: no metadata (careprint/imagestrip.py);
- a script: byte for byte one of careprint's own.

Anything found stops the build with an error naming the output file (and line) and what
was found; the rendered files are removed and nothing is put in place.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import zipfile
from pathlib import Path

from .errors import Problem, ProjectError, at
from .imagestrip import stripping
from .outguard_html import BUNDLED_SCRIPTS, FILE_RE, page_findings, url_problem
from .textguard import invisible_characters

PAGES = (".html", ".xhtml", ".htm")
IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")
TEXTS = (".css", ".opf", ".ncx", ".xml")
FIX = ("careprint stopped before putting it in place: remove it from the template (in "
       "templates/) or the chapter that writes it")


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
        raise ProjectError(problems)


def findings(files, out_dir: Path) -> tuple[Problem, ...]:
    """What must not ship in rendered `files`, (temporary file, final path) pairs."""
    problems = []
    for tmp, final in files:
        name = _relative(Path(final), out_dir)
        problems += [Problem(where, f"{what}; {FIX}")
                     for where, what in file_findings(Path(tmp), name)]
    return tuple(problems)


def _relative(path: Path, out_dir: Path) -> str:
    try:
        return path.relative_to(out_dir).as_posix()
    except ValueError:
        return path.as_posix()


def file_findings(path: Path, name: str) -> list[tuple[str, str]]:
    """(where, what) for each thing in the file at `path` (to be `name`, a path inside the
    output folder) that must not ship."""
    suffix = posixpath.splitext(name)[1].lower()
    if suffix == ".pdf":
        return [(name, what) for what in pdf_findings(path)]
    if suffix == ".epub":
        return epub_findings(path.read_bytes(), name)
    return member_findings(path.read_bytes(), name, name, BUNDLED_SCRIPTS)


def member_findings(data: bytes, name: str, shown: str, scripts: tuple[str, ...]
                    ) -> list[tuple[str, str]]:
    """(where, what) for one web page, image, script or stylesheet (`name` inside the
    output, or inside an EPUB; `shown` is how an error names it)."""
    suffix = posixpath.splitext(name)[1].lower()
    if suffix in PAGES:
        page = data.decode("utf-8", "replace")
        return [(at(shown, line), what) for line, what in page_findings(page, name, scripts)]
    if suffix in IMAGES:
        found = [(shown, f"{what}: metadata in a published picture")
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
        folder = Path(__file__).resolve().parent / "templates"
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


# ---------------------------------------------------------------- PDFs

ALLOWED_ACTIONS = frozenset({"/URI", "/GoTo", "/Named"})
ACTIVE_ANNOTS = frozenset({"/FileAttachment", "/Movie", "/Sound", "/Screen", "/RichMedia",
                           "/3D"})


def pdf_findings(path: Path) -> list[str]:
    """What a PDF holds that must not ship (see the module docstring)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        root = reader.trailer["/Root"].get_object()
        found, fonts = _catalog(root), set()
        for n, page in enumerate(reader.pages, 1):
            found += _page(page, n, fonts)
        found += _strings(reader, root)
    except (PdfReadError, KeyError, ValueError) as exc:
        return [f"a PDF careprint cannot read back ({exc})"]
    return list(dict.fromkeys(found))


def _catalog(root) -> list[str]:
    found = []
    opening = root.get("/OpenAction")
    if opening is not None and not isinstance(opening.get_object(), list):
        found += _action(opening, "the action on opening")
    if "/AA" in root:
        found.append("actions run on opening, closing or printing the document (/AA)")
    names = root.get("/Names")
    names = names.get_object() if names is not None else {}
    for key, what in (("/JavaScript", "JavaScript"), ("/EmbeddedFiles", "embedded files")):
        if key in names:
            found.append(f"{what} in the document")
    for field in _fields(root):
        if "/AA" in field:
            found.append(f"actions on the form field {field.get('/T')!s} (/AA)")
        if "/A" in field:
            found += _action(field["/A"], f"the form field {field.get('/T')!s}")
    outline = root.get("/Outlines")
    for item in _outline(outline.get_object() if outline is not None else None):
        if "/A" in item:
            found += _action(item["/A"], f"the bookmark {item.get('/Title')!s}")
    return found


def _page(page, n: int, fonts: set) -> list[str]:
    found = _font_texts(page, fonts)
    if "/AA" in page:
        found.append(f"page {n}: actions run on opening or closing it (/AA)")
    for ref in page.get("/Annots") or ():
        annot = ref.get_object()
        kind = annot.get("/Subtype")
        if kind in ACTIVE_ANNOTS:
            found.append(f"page {n}: a {str(kind)[1:]} annotation (an attachment or media)")
        if "/AA" in annot:
            found.append(f"page {n}: actions on an annotation (/AA)")
        if "/A" in annot:
            found += _action(annot["/A"], f"page {n}: a link")
    return found


def _action(ref, where: str, depth: int = 0) -> list[str]:
    action = ref.get_object()
    if depth > 20 or not hasattr(action, "get"):
        return []
    kind = str(action.get("/S"))
    found = []
    if kind not in ALLOWED_ACTIONS:
        found.append(f"{where}: a {kind[1:]} action (only web, mail and phone links and "
                     "links inside the document may ship)")
    elif kind == "/URI":
        uri = action.get("/URI")
        uri = uri.decode("latin-1") if isinstance(uri, bytes) else str(uri)
        why = url_problem(uri, "")
        if why:
            found.append(f"{where}: {why}")
    nxt = action.get("/Next")
    for item in (nxt if isinstance(nxt, list) else [nxt] if nxt is not None else []):
        found += _action(item, where, depth + 1)
    return found


def _fields(root):
    form = root.get("/AcroForm")
    stack = list(form.get_object().get("/Fields") or ()) if form is not None else []
    seen = 0
    while stack and seen < 100_000:
        field = stack.pop().get_object()
        seen += 1
        yield field
        stack.extend(field.get("/Kids") or ())


def _outline(node):
    seen = 0
    item = node.get("/First") if node is not None else None
    stack = [item] if item is not None else []
    while stack and seen < 100_000:
        item = stack.pop().get_object()
        seen += 1
        yield item
        for key in ("/Next", "/First"):
            if key in item:
                stack.append(item[key])


def _strings(reader, root) -> list[str]:
    """Invisible characters in the text a PDF keeps as Unicode: the document's
    information, the outline's titles, the form fields' names and values, and the
    structure tree's alternate and actual texts."""
    texts = [str(v) for v in (reader.metadata or {}).values()]
    texts += [str(i.get("/Title", "")) for i in _outline(_get(root, "/Outlines"))]
    texts += [str(f.get(k, "")) for f in _fields(root) for k in ("/T", "/TU", "/V")]
    texts += _tree_texts(_get(root, "/StructTreeRoot"))
    found = []
    for text in texts:
        if not text.isascii():
            found += [f"the text: {p.message.split(':')[0]}"
                      for p in invisible_characters(text, "pdf")]
    return found


def _get(obj, key):
    value = obj.get(key)
    return value.get_object() if value is not None else None


def _tree_texts(node) -> list[str]:
    out, stack, seen = [], [node] if node is not None else [], 0
    while stack and seen < 1_000_000:
        item = stack.pop()
        item = item.get_object() if hasattr(item, "get_object") else item
        seen += 1
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            out += [str(item[k]) for k in ("/Alt", "/ActualText", "/E") if k in item]
            if "/K" in item:
                stack.append(item["/K"])
    return out


_BF_RE = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.S)
_HEX_RE = re.compile(rb"<([0-9A-Fa-f\s]*)>")


def _font_texts(page, seen: set) -> list[str]:
    """Invisible characters that a page's fonts map their glyphs to (ToUnicode): the
    text a reader copies, searches or hears. WeasyPrint lays out a direction control or
    a zero-width character and drops it, so none is expected here; reading the maps (a
    few per document) costs far less than extracting every page's text."""
    found = []
    resources = page.get("/Resources")
    fonts = _get(resources.get_object(), "/Font") if resources is not None else None
    for ref in (fonts or {}).values():
        key = getattr(ref, "idnum", None) or id(ref)
        if key in seen:
            continue
        seen.add(key)
        cmap = _get(ref.get_object(), "/ToUnicode")
        if cmap is None:
            continue
        for kind, body in _BF_RE.findall(cmap.get_data()):
            values = _HEX_RE.findall(body)
            step = 2 if kind == b"bfchar" else 3
            text = "".join(_utf16(v) for v in values[step - 1::step])
            found += [f"the text: {p.message.split(':')[0]}"
                      for p in invisible_characters(text.replace("\n", " "), "pdf")]
    return found


def _utf16(value: bytes) -> str:
    raw = bytes.fromhex(value.decode("ascii").replace(" ", "").replace("\n", ""))
    return raw.decode("utf-16-be", "replace") + " "
