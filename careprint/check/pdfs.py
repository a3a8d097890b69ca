"""The PDF rules of `careprint check --outputs`, read with pypdf:

- pdf-accessibility: every PDF has a title, a language, a structure tree (booklets, a print
  imposition, excepted), alternate text on its figures and embedded fonts;
- worksheet-fields: every worksheet PDF has the form fields of its worksheets, each with
  an accessible name;
- phone-split: no phone number of the resources or the crisis line is split across two
  lines, on any page (its text read with pdftotext, or pypdf without it).
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from pathlib import Path

from ..render.names import worksheet_file
from ..source.config import PAPER_SIZES
from ..source.editions import EditionGuide


def pdf_accessibility(path: Path, shown: str, eid: str, sink, print_only: bool = False
                      ) -> None:
    """pdf-accessibility: title, language, fonts and tags. A PDF printed only (a booklet:
    its format checks it with "pdf-print-only") has no tags."""
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

    try:
        reader = PdfReader(str(path))
        root = reader.trailer["/Root"]
        if not isinstance(root, DictionaryObject):
            raise ValueError("its catalog (/Root) is not a dictionary")
    except Exception as exc:  # any parse failure means a broken PDF
        sink.add("pdf-accessibility", shown, None, f"cannot be read as a PDF ({exc}): build "
                 "it again", eid)
        return
    missing = []
    meta: dict = reader.metadata or {}
    if not str(meta.get("/Title") or "").strip():
        missing.append("title (/Title)")
    if not str(root.get("/Lang") or "").strip():
        missing.append("language (/Lang)")
    mark = root.get("/MarkInfo")
    # a booklet is a print imposition (two pages on each sheet, in folding order): it has no
    # reading order to tag; readers on screen get the tagged guide and handouts instead
    if not print_only and ("/StructTreeRoot" not in root or
                           not (mark and mark.get_object().get("/Marked"))):
        missing.append("structure tree (it is not a tagged PDF)")
    if missing:
        sink.add("pdf-accessibility", shown, None, f"has no {', no '.join(missing)}: screen "
                 "readers need them; check the template and the PDF renderer", eid)
    figures, no_alt = _figures(root)
    if no_alt:
        sink.add("pdf-accessibility", shown, None, f"{no_alt} of its {figures} images "
                 "(Figure tags) have no alternate text: give each image alt text, and make "
                 "decorative images artifacts in the PDF renderer", eid)
    loose = sorted(_unembedded_fonts(reader))
    if loose:
        sink.add("pdf-accessibility", shown, None, f"fonts not embedded: {', '.join(loose)}: "
                 "install them (scripts/install-system-deps.sh) and build again", eid)


def _figures(root) -> tuple[int, int]:
    """(Figure elements in the structure tree, how many have no /Alt or /ActualText)."""
    tree = root.get("/StructTreeRoot")
    figures = no_alt = 0
    stack, seen = [tree], set()
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        if node.get("/S") == "/Figure":
            figures += 1
            no_alt += "/Alt" not in node and "/ActualText" not in node
        if "/K" in node:
            stack.append(node["/K"])
    return figures, no_alt


def _unembedded_fonts(reader) -> set[str]:
    out: set[str] = set()
    seen: set[int] = set()

    def walk(resources):
        if resources is None:
            return
        resources = resources.get_object()
        fonts = resources.get("/Font")
        for ref in (fonts.get_object().values() if fonts else ()):
            font = ref.get_object()
            if id(font) in seen:
                continue
            seen.add(id(font))
            if font.get("/Subtype") == "/Type3":
                walk(font.get("/Resources"))
                continue
            desc_font = font
            if font.get("/Subtype") == "/Type0":
                desc_font = font["/DescendantFonts"][0].get_object()
            descriptor = desc_font.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                out.add(str(font.get("/BaseFont", "?")).lstrip("/"))
        xobjects = resources.get("/XObject")
        for ref in (xobjects.get_object().values() if xobjects else ()):
            x = ref.get_object()
            if x.get("/Subtype") == "/Form" and id(x) not in seen:
                seen.add(id(x))
                walk(x.get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return out


def worksheet_fields(eg: EditionGuide, path: Path, shown: str, sink) -> None:
    """The worksheet pack has every field of every worksheet; a single sheet, its own."""
    from pypdf import PdfReader

    eid = eg.edition.id
    sheets = [w.worksheet for w in eg.worksheets]
    single = [w.worksheet for w in eg.worksheets
              if path.name in {worksheet_file(eg.meta.slug, eid, w.number, w.worksheet.id, p)
                               for p in PAPER_SIZES}]
    sheets = single or sheets
    try:
        fields = PdfReader(str(path)).get_fields() or {}
    except Exception as exc:  # the same
        sink.add("worksheet-fields", shown, None, f"cannot be read as a PDF ({exc})", eid)
        return
    if not fields:
        sink.add("worksheet-fields", shown, None, "has no form fields: a worksheet pack must "
                 "be fillable on screen; check the worksheet renderer (pdf_forms)", eid)
        return
    names = list(fields)
    for ws in sheets:
        for f in ws.fields:
            rx = re.compile(rf"(^|[_.]){re.escape(f.key)}($|-)")
            have = [n for n in names if rx.search(n) and (single or ws.id in n)]
            want = _expected_fields(f)
            if len(have) < want:
                sink.add("worksheet-fields", shown, None,
                         f"worksheet {ws.id!r}, field {f.label!r} ({f.type}, "
                         f"{ws.path}:{f.line}): {len(have)} of {want} form fields; build "
                         "again, or check the worksheet template", eid)
    unnamed = [n for n, fl in fields.items() if not str(fl.get("/TU") or "").strip()]
    if unnamed:
        sink.add("worksheet-fields", shown, None,
                 f"{len(unnamed)} form fields have no accessible name (/TU), e.g. "
                 f"{unnamed[0]!r}: screen readers cannot announce them", eid)


def _expected_fields(f) -> int:
    if f.type == "checklist":
        return len(f.options) + (2 if f.other else 0)
    if f.type == "table":
        return f.rows * (len(f.columns) - (1 if f.row_labels else 0))
    return 1


# ---------------------------------------------------------------- phone-split

PDFTOTEXT_TIMEOUT = 900  # seconds, per PDF


def page_texts(path: Path) -> list[str]:
    """The text of every page of a PDF, its lines as the PDF sets them."""
    stat = path.stat()
    return list(_page_texts(str(path), stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=4)  # the crisis-resources rule reads the same PDF next
def _page_texts(path: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    pdftotext = shutil.which("pdftotext")  # poppler-utils: much faster than pypdf
    if pdftotext:
        proc = subprocess.run([pdftotext, "-q", path, "-"], capture_output=True, text=True,
                              timeout=PDFTOTEXT_TIMEOUT)
        if proc.returncode == 0:
            return tuple(proc.stdout.split("\f")[:-1] or [proc.stdout])
    from pypdf import PdfReader

    return tuple(p.extract_text() or "" for p in PdfReader(path).pages)


def phone_patterns(numbers) -> list[tuple[str, re.Pattern]]:
    """(number, pattern) of each number written in groups ("116 123", "1-800-656-4673"):
    the pattern finds it whole or broken at the end of a line (a single number cannot)."""
    out = []
    for number in dict.fromkeys(numbers):
        groups = re.split(r"[ -]", number)
        if len(groups) > 1:
            gap = r"(?:[ -]?[ \t]*[\n\f][ \t]*|[ -])"
            out.append((number, re.compile(r"(?<![\w+-])" + gap.join(map(re.escape, groups))
                                           + r"(?![\w-])")))
    return out


def phone_split(path: Path, shown: str, eid: str, patterns, sink) -> None:
    """phone-split: every number of `patterns` found broken across two lines of the PDF is
    an error naming the PDF and the first page where it breaks."""
    if not patterns:
        return
    try:
        pages = page_texts(path)
    except Exception:  # unreadable outputs are reported by pdf-accessibility
        return
    text = "\f".join(pages)
    for number, pattern in patterns:
        broken = sorted({text.count("\f", 0, m.start()) + 1 for m in pattern.finditer(text)
                         if re.search(r"[\n\f]", m.group(0))})
        if broken:
            more = f" (and {len(broken) - 1} more)" if len(broken) > 1 else ""
            sink.add("phone-split", shown, None,
                     f"page {broken[0]}{more}: the phone number {number} is split across two "
                     "lines, where a reader may dial half of it: keep it in careprint's "
                     "unbreakable spans (a template's own text: `phone_links`; the footer: "
                     "`crisis_footer()`), or shorten the line around it", eid)
