"""One tagged PDF from the PDFs of a guide's parts, in order (render/parts.py)."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import pdf_bytes

if TYPE_CHECKING:  # pikepdf is imported when a PDF is joined
    from pikepdf import Array

ELSEWHERE = "careprint-elsewhere-"  # prefix of stand-in anchors for targets in other parts


def join(datas: list[bytes], finish=None, fill=None) -> bytes:
    """One tagged PDF from the PDFs of the parts, in order; `fill(index, part)`, if given,
    is called on each part before its pages are copied (render/pageslots.py writes in the
    numbers it shows), and `finish(pdf)` on the joined PDF before it is written
    (render/folio.py draws the page numbers).

    Pages, their links and the structure tree are copied; the structure elements of every
    part become children of one Document element, and the keys of the parent tree are
    renumbered part after part. Named destinations and bookmarks are merged, so links and
    the outline reach across parts. The catalogue (language, metadata, viewer preferences)
    and the document information come from the first part. pikepdf (qpdf) does the
    copying: pypdf needed as much memory to join the parts as WeasyPrint to lay them out.
    """
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    out = pikepdf.Pdf.new()
    document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document))
    tree = out.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    joined = _Joined(Array())
    sources = [pikepdf.Pdf.open(io.BytesIO(d)) for d in datas]
    for index, src in enumerate(sources):
        if fill is not None:
            fill(index, src)
        _add_part(out, src, joined)

    document.K = joined.kids
    document.P = tree
    for kid in joined.kids:  # the elements under them were copied with their parents
        kid.P = document
    tree.K = Array([document])
    tree.ParentTree = out.make_indirect(Dictionary(Nums=Array(
        [x for key, value in sorted(joined.nums, key=lambda n: n[0]) for x in (key, value)])))
    tree.ParentTreeNextKey = joined.next_key
    first = sources[0].Root
    for key in (Name.Lang, Name.MarkInfo, Name.ViewerPreferences, Name.Metadata, Name.PageMode):
        if key in first:
            value = first[key]
            out.Root[key] = out.copy_foreign(value) if key == Name.Metadata else _direct(value)
    out.Root.StructTreeRoot = tree
    if joined.dests:
        out.Root.Names = Dictionary(Dests=Dictionary(Names=Array(
            [x for name, dest in sorted(joined.dests, key=lambda d: d[0])
             for x in (pikepdf.String(name), dest)])))
    with out.open_outline() as outline:
        outline.root.extend(joined.bookmarks)
    out.docinfo = out.copy_foreign(sources[0].docinfo)  # type: ignore[assignment]  # a Dictionary
    if finish is not None:
        finish(out)
    return pdf_bytes(out)


@dataclass
class _Joined:
    """What join() gathers from the parts, in order, for the joined PDF."""

    kids: Array  # the structure elements under the Document element
    nums: list = field(default_factory=list)  # (key, value) of the parent tree
    dests: list = field(default_factory=list)  # (name, destination)
    bookmarks: list = field(default_factory=list)
    next_key: int = 0  # the first parent-tree key of the next part


def _add_part(out, src, joined: _Joined) -> None:
    """Copy the pages of one part, and gather its structure, names and bookmarks."""
    from pikepdf import Array, Name, OutlineItem

    start = len(out.pages)
    with warnings.catch_warnings():  # the names and links are carried over below
        warnings.filterwarnings("ignore", "Copying pages from another Pdf")
        out.pages.extend(src.pages)
    moved: set = set()
    for page in out.pages[start:]:
        _renumber_page(page, joined.next_key, moved)
    struct = src.Root.StructTreeRoot
    top = struct.K[0] if isinstance(struct.K, Array) else struct.K
    for kid in as_list(top.get(Name.K)):
        if _has_content(kid):  # not the empty elements of the stand-in anchors
            del kid.P  # set again below; not copying it keeps the part's own tree out
            joined.kids.append(out.copy_foreign(kid))
    pairs = struct.ParentTree.get(Name.Nums, Array())
    last = -1
    for i in range(0, len(pairs), 2):
        key = int(pairs[i])
        value = pairs[i + 1]
        joined.nums.append((key + joined.next_key, out.copy_foreign(
            value if value.is_indirect else src.make_indirect(value))))
        last = max(last, key)
    joined.next_key += last + 1
    joined.dests.extend(_named_dests(out, src))
    with src.open_outline() as outline:
        pages = {page.objgen: i for i, page in enumerate(src.pages)}
        joined.bookmarks.extend(_outline_items(outline.root, pages, start, OutlineItem))


def _renumber_page(page, offset: int, moved: set) -> None:
    """A page copied from a part: its keys into the parent tree move by `offset`, and a
    link to another part goes to the real anchor instead of its stand-in."""
    import pikepdf
    from pikepdf import Array, Name

    if Name.StructParents in page.obj:
        page.obj.StructParents = int(page.obj.StructParents) + offset
    # a clinic's block is a form with marked content of its own (render/stamp_pdf.py)
    resources = page.obj.get(Name.Resources)
    for form in (resources.get(Name.XObject, {}) if resources is not None else {}).values():
        if Name.StructParents in form and form.objgen not in moved:
            form.StructParents = int(form.StructParents) + offset
            moved.add(form.objgen)  # once, though two pages drew it
    for annot in page.obj.get(Name.Annots, Array()):
        for key in (Name.Dest, Name.Contents):  # a link to another part: the real one
            value = annot.get(key)
            if isinstance(value, pikepdf.String) and str(value).startswith(ELSEWHERE):
                annot[key] = pikepdf.String(str(value)[len(ELSEWHERE):])
        if Name.StructParent in annot:
            annot.StructParent = int(annot.StructParent) + offset


def _named_dests(out, src) -> list:
    """The named destinations of a part, but the stand-in anchors, copied into `out`."""
    from pikepdf import Array, Dictionary, Name

    flat = src.Root.get(Name.Names, Dictionary()).get(Name.Dests, Dictionary()).get(
        Name.Names, Array())
    dests = []
    for i in range(0, len(flat), 2):
        name = str(flat[i])
        if not name.startswith(ELSEWHERE):
            dest = flat[i + 1]
            dests.append((name, out.copy_foreign(
                dest if dest.is_indirect else src.make_indirect(dest))))
    return dests


def _direct(value):
    """A direct copy of a small object of another PDF (a language, a dictionary of flags)."""
    import pikepdf

    if isinstance(value, pikepdf.Dictionary):
        return pikepdf.Dictionary({k: _direct(v) for k, v in value.items()})
    if isinstance(value, pikepdf.Array):
        return pikepdf.Array([_direct(v) for v in value])
    if isinstance(value, pikepdf.String):
        return pikepdf.String(str(value))
    return value  # names, numbers and booleans are plain values


def as_list(value) -> list:
    """The kids of a structure element as a list."""
    import pikepdf

    if value is None:
        return []
    return list(value) if isinstance(value, pikepdf.Array) else [value]


def _has_content(elem) -> bool:
    """Whether a structure element marks any content (an MCID, or an annotation)."""
    import pikepdf

    if isinstance(elem, int):
        return True
    if not isinstance(elem, pikepdf.Dictionary):
        return False
    if elem.get(pikepdf.Name.Type) in (pikepdf.Name.MCR, pikepdf.Name.OBJR):
        return True
    return any(_has_content(k) for k in as_list(elem.get(pikepdf.Name.K)))


def _outline_items(items, pages, start, item_cls) -> list:
    """The bookmarks of one part, with their nesting, pointing at the joined pages."""
    made = []
    for item in items:
        dest = item.destination
        if dest is None or not isinstance(dest, list) and not hasattr(dest, "__len__"):
            continue
        page = start + pages[dest[0].objgen]
        args = {}
        if len(dest) >= 4 and str(dest[1]) == "/XYZ":
            args = {"left": _num(dest[2]), "top": _num(dest[3])}
        new = item_cls(item.title, page, "XYZ" if args else "Fit", **args)
        new.is_closed = item.is_closed
        new.children.extend(_outline_items(item.children, pages, start, item_cls))
        made.append(new)
    return made


def _num(value):
    return None if value is None or str(value) == "null" else float(value)
