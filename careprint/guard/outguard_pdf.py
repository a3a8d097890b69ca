"""The output guard's reading of a PDF (careprint/guard/outguard.py), with pikepdf (qpdf).

Every link annotation's action and every action elsewhere (the document's /OpenAction and
/AA, a page's, an annotation's or a form field's /AA, the outline's): only a URI with an
allowed scheme (read as WHATWG does), a jump inside the document or a named action. No
JavaScript, Launch, GoToR, GoToE, SubmitForm or ImportData action, no document-level
script, no embedded file, attachment or media annotation, no metadata in a JPEG a page
draws (careprint/guard/imagestrip.py). And no invisible character in
the text a PDF keeps: what its pages show (the glyphs drawn, mapped to Unicode by their
fonts), the outline, the document information, form fields and alternate texts.

Fast: a PDF's pages are not put through text extraction (about 30 ms a page with pypdf);
each page's drawing is scanned once for the glyphs it shows. Every PDF of every build is
read here: pypdf took about 5% of a cold build's time to read them, qpdf a fifth of that.
(pikepdf finds each object a reference points to, so no `get_object()` is needed.)
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from .imagestrip import stripping
from .outguard_html import url_problem
from .textguard import invisible_characters

ALLOWED_ACTIONS = frozenset({"/URI", "/GoTo", "/Named"})
ACTIVE_ANNOTS = frozenset({"/FileAttachment", "/Movie", "/Sound", "/Screen", "/RichMedia",
                           "/3D"})


def pdf_findings(path: Path) -> list[str]:
    """What a PDF holds that must not ship (see the module docstring)."""
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            root = pdf.Root
            fonts: dict  # what _page() has seen of each font
            found, fonts = _catalog(root), {}
            for n, page in enumerate(pdf.pages, 1):
                found += _page(page.obj, n, fonts)
            found += _strings(pdf, root)
    except (pikepdf.PdfError, KeyError, ValueError, TypeError, AttributeError) as exc:
        return [f"a PDF careprint cannot read back ({exc})"]
    return list(dict.fromkeys(found))


def _is(obj, kind: str) -> bool:
    import pikepdf

    return isinstance(obj, getattr(pikepdf, kind))


def _catalog(root) -> list[str]:
    found = []
    opening = root.get("/OpenAction")
    if opening is not None and not _is(opening, "Array"):
        found += _action(opening, "the action on opening")
    if "/AA" in root:
        found.append("actions run on opening, closing or printing the document (/AA)")
    names = root.get("/Names")
    names = names if names is not None else {}
    for key, what in (("/JavaScript", "JavaScript"), ("/EmbeddedFiles", "embedded files")):
        if key in names:
            found.append(f"{what} in the document")
    for field in _fields(root):
        if "/AA" in field:
            found.append(f"actions on the form field {field.get('/T')!s} (/AA)")
        if "/A" in field:
            found += _action(field["/A"], f"the form field {field.get('/T')!s}")
    for item in _outline(root.get("/Outlines")):
        if "/A" in item:
            found += _action(item["/A"], f"the bookmark {item.get('/Title')!s}")
    return found


def _page(page, n: int, fonts: dict) -> list[str]:
    found = _font_texts(page, fonts) + [f"page {n}: {what}" for what in _pictures(page)]
    if "/AA" in page:
        found.append(f"page {n}: actions run on opening or closing it (/AA)")
    for annot in page.get("/Annots") or ():
        kind = annot.get("/Subtype")
        if kind in ACTIVE_ANNOTS:
            found.append(f"page {n}: a {str(kind)[1:]} annotation (an attachment or media)")
        if "/AA" in annot:
            found.append(f"page {n}: actions on an annotation (/AA)")
        if "/A" in annot:
            found += _action(annot["/A"], f"page {n}: a link")
    return found


def _action(action, where: str, depth: int = 0) -> list[str]:
    if depth > 20 or not _is(action, "Dictionary"):
        return []
    kind = str(action.get("/S"))
    found = []
    if kind not in ALLOWED_ACTIONS:
        found.append(f"{where}: a {kind[1:]} action (only web, mail and phone links and "
                     "links inside the document may ship)")
    elif kind == "/URI":
        why = url_problem(str(action.get("/URI")), "")
        if why:
            found.append(f"{where}: {why}")
    nxt = action.get("/Next")
    for item in (nxt if _is(nxt, "Array") else [nxt] if nxt is not None else []):
        found += _action(item, where, depth + 1)
    return found


def _fields(root):
    form = root.get("/AcroForm")
    stack = list(form.get("/Fields") or ()) if form is not None else []
    seen = 0
    while stack and seen < 100_000:
        field = stack.pop()
        seen += 1
        yield field
        stack.extend(field.get("/Kids") or ())


def _outline(node):
    seen = 0
    item = node.get("/First") if node is not None else None
    stack = [item] if item is not None else []
    while stack and seen < 100_000:
        item = stack.pop()
        seen += 1
        yield item
        for key in ("/Next", "/First"):
            if key in item:
                stack.append(item[key])


def _strings(pdf, root) -> list[str]:
    """Invisible characters in the text a PDF keeps as Unicode: the document's
    information, the outline's titles, the form fields' names and values, and the
    structure tree's alternate and actual texts."""
    info = pdf.trailer.get("/Info")
    texts = [str(v) for v in (info.values() if info is not None else ())]
    texts += [str(i.get("/Title", "")) for i in _outline(root.get("/Outlines"))]
    texts += [str(f.get(k, "")) for f in _fields(root) for k in ("/T", "/TU", "/V")]
    texts += _tree_texts(root)
    found = []
    for text in texts:
        if not text.isascii():
            found += [f"the text: {p.message.split(':')[0]}"
                      for p in invisible_characters(text, "pdf")]
    return found


def _tree_texts(root) -> list[str]:
    """The structure tree's alternate texts, actual texts and expansions (a tagged guide
    has thousands of nodes, which pypdf took 0.2 s to walk)."""
    import pikepdf

    out: list[str] = []
    node = root.get("/StructTreeRoot")
    stack, seen = [node] if node is not None else [], 0
    while stack and seen < 1_000_000:
        item = stack.pop()
        seen += 1
        if isinstance(item, pikepdf.Array):
            stack.extend(item)
        elif isinstance(item, pikepdf.Dictionary):
            out += [str(item[k]) for k in ("/Alt", "/ActualText", "/E") if k in item]
            if "/K" in item:
                stack.append(item["/K"])
    return out


_BF_RE = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.S)
_HEX_RE = re.compile(rb"<([0-9A-Fa-f\s]*)>|\[([^\]]*)\]")
# in a content stream: a font chosen (/F1 12 Tf), or a string of glyph codes shown
_SHOW_RE = re.compile(rb"/([^\s/\[\]<>()]+)\s+[-\d.]+\s+Tf|<([0-9A-Fa-f\s]*)>")


def _font_texts(page, maps: dict) -> list[str]:
    """Invisible characters in the text a page shows, as its fonts map the glyphs it
    draws to Unicode (ToUnicode): what a reader copies, searches or hears. Only the
    glyphs drawn count (a form's font maps all of its own). WeasyPrint lays out a
    direction control or a zero-width character and draws nothing for it, so none is
    expected; this reads each page's drawing once, which costs far less than pypdf's
    text extraction."""
    resources = page.get("/Resources")
    fonts = resources.get("/Font") if resources is not None else None
    contents = page.get("/Contents")
    if not fonts or contents is None:
        return []
    parts = contents if _is(contents, "Array") else [contents]
    text, cmap = [], {}
    for m in _SHOW_RE.finditer(b"\n".join(part.read_bytes() for part in parts)):
        if m.group(1) is not None:
            ref = fonts.get("/" + m.group(1).decode("latin-1"))
            cmap = _cmap(ref, maps) if ref is not None else {}
        elif cmap.get("?"):  # only a font that maps a glyph to such a character
            codes = m.group(2).decode("ascii").lower()
            codes = "".join(codes.split()) if " " in codes or "\n" in codes else codes
            width = cmap[""]
            text += [cmap.get(codes[i:i + width], "") for i in range(0, len(codes), width)]
    shown = "".join(text)
    if shown.isascii():
        return []
    return [f"the text: {p.message.split(':')[0]}"
            for p in invisible_characters(shown, "pdf")]


def _cmap(ref, maps: dict) -> dict:
    """A font's ToUnicode map, {glyph code in hex: text}, read once per document."""
    key = ref.objgen if ref.is_indirect else id(ref)
    if key not in maps:
        stream = ref.get("/ToUnicode")
        maps[key] = parse_cmap(stream.read_bytes()) if stream is not None else {}
    return maps[key]


def parse_cmap(data: bytes) -> dict:
    """{glyph code: text}, with "" the code's width in hex digits and "?" whether any
    glyph stands for a control or format character."""
    out: dict = {"": 4 if b"<0000> <ffff>" in data.lower() else 2}
    for kind, body in _BF_RE.findall(data):
        values = [(h or b"").decode("ascii") for h, _ in _HEX_RE.findall(body)]
        if kind == b"bfchar":
            for src, dst in zip(values[::2], values[1::2], strict=False):
                out[src.lower()] = _utf16(dst)
            continue
        for lo, hi, dst in zip(values[::3], values[1::3], values[2::3], strict=False):
            if not dst or int(hi, 16) - int(lo, 16) > 65535:
                continue  # a range to an array of texts: each its own glyph, never joined
            first = _utf16(dst)
            for n in range(int(hi, 16) - int(lo, 16) + 1):
                code = f"{int(lo, 16) + n:0{len(lo)}x}"
                out[code] = first[:-1] + chr(ord(first[-1]) + n) if first else ""
    out["?"] = any(unicodedata.category(c).startswith("C") for k, v in out.items()
                   if k and isinstance(v, str) for c in v)
    return out


def _utf16(value: str) -> str:
    return bytes.fromhex(value).decode("utf-16-be", "replace")


def _pictures(page) -> list[str]:
    """Metadata in the JPEGs a page draws (WeasyPrint embeds a JPEG's own bytes: its EXIF
    and comment would ship in the PDF); other pictures are stored as bare pixels."""
    seen: set[int]
    found, stack, seen = [], [page.get("/Resources")], set()
    while stack and len(seen) < 10_000:
        resources = stack.pop()
        objects = resources.get("/XObject") if resources is not None else None
        for obj in (objects.values() if objects is not None else ()):
            key = obj.objgen if obj.is_indirect else id(obj)
            if key in seen:
                continue
            seen.add(key)
            if obj.get("/Subtype") == "/Form":
                stack.append(obj.get("/Resources"))
            elif obj.get("/Filter") == "/DCTDecode":
                found += [f"a picture holds {what} (metadata)" for what in
                          dict.fromkeys(stripping(obj.read_raw_bytes(), "image/jpeg")[1])]
    return found
