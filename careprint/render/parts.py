"""Very long guides, laid out in parts and joined into one PDF.

WeasyPrint keeps every laid-out page of a document in memory until the PDF is written:
about 0.5 MB a page, so a guide of a thousand large-print pages needed over 600 MB. A guide
with more words than `[formats.pdf] part_words` is therefore rendered in parts of about
that many words (whole chapters; the first part also has the title page and contents, the
last the back matter), one part at a time, and the parts are joined with their tags,
links and bookmarks.

Page numbers cross the parts: the contents, "(page N)" after a cross-reference and
"Page N of M" need to know where every part starts. So each part is first laid out alone
(no PDF is written) to learn its length and where its anchors fall; then each part is
rendered with those numbers written in as plain text. If the real numbers change a part's
length (a wider number wraps a line), the parts are rendered again, at most MAX_ROUNDS
times, as WeasyPrint itself repaginates.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

from ..editions import EditionGuide
from ..errors import Problem, ProjectError
from . import pdf_bytes

MAX_ROUNDS = 3
PLACEHOLDER = 999  # as wide as the page numbers of most long guides
ELSEWHERE = "careprint-elsewhere-"  # prefix of stand-in anchors for targets in other parts


@dataclass(frozen=True)
class Part:
    """What one part of the guide holds, and the page numbers it shows.

    The guide template gets it as `part`: one part holds every chapter when the guide is
    laid out whole.
    """

    index: int
    count: int
    chapters: frozenset[str]  # chapter slugs
    first_page: int = 1
    total: int = PLACEHOLDER
    numbers: dict = field(default_factory=dict, compare=False)

    @property
    def front(self) -> bool:
        return self.index == 0

    @property
    def back(self) -> bool:
        return self.index == self.count - 1

    def page(self, anchor: str) -> int:
        """The page number of `anchor` (e.g. "chapter-safety-first") in the joined guide."""
        return self.numbers.get(anchor, PLACEHOLDER)


_TAG_RE = re.compile(r"<[^>]+>")


def words(html: str) -> int:
    return len(_TAG_RE.sub(" ", html).split())


def plan(eg: EditionGuide) -> list[list[str]] | None:
    """The chapter slugs of each part, or None when the guide is laid out whole."""
    limit = eg.config.fmt("pdf", "part_words")
    sizes = [(v.chapter.slug, words(v.html)) for v in eg.chapters]
    if limit <= 0 or sum(n for _, n in sizes) <= limit:
        return None
    groups: list[list[str]] = [[]]
    count = 0
    for slug, n in sizes:
        if groups[-1] and count + n > limit:
            groups.append([])
            count = 0
        groups[-1].append(slug)
        count += n
    return groups if len(groups) > 1 else None


def render_in_parts(groups: list[list[str]], make_html: Callable[[Part], str], ctx,
                    where: str, seed=None):
    """Lay out, number, render and join the parts; (pdf, pages, warnings, part HTMLs,
    layout). With `seed`, the layout of the parts the last time (render/pdf.py:
    render_guide), the first layout pass is skipped: the numbers are checked after."""
    from .weasy import render_pdf

    parts = [Part(i, len(groups), frozenset(g)) for i, g in enumerate(groups)]
    if seed is not None and len(seed) == len(parts):
        layout = [(pages, dict(anchors)) for pages, anchors in seed]
    else:
        layout = []  # (page count, {anchor: page index}) of each part
        for part in parts:
            _, pages, _, anchors = render_pdf(link_elsewhere(make_html(part)), ctx, where,
                                              write=False)
            layout.append((pages, _own(anchors)))
            _no_repeats(layout, where)

    done: dict[int, tuple] = {}  # part index -> (numbering used, pdf, pages, warnings, html)
    for _ in range(MAX_ROUNDS):
        firsts, total, numbers = numbering(layout)
        for part in parts:
            numbered = Part(part.index, part.count, part.chapters, firsts[part.index], total,
                            numbers)
            used = (numbered.first_page, total, tuple(sorted(numbers.items())))
            if part.index in done and done[part.index][0] == used:
                continue
            html = link_elsewhere(make_html(numbered))
            data, pages, notes, anchors = render_pdf(html, ctx, where)
            done[part.index] = (used, data, pages, notes, html)
            layout[part.index] = (pages, _own(anchors))
        _no_repeats(layout, where)
        if numbering(layout) == (firsts, total, numbers):
            settled = True
            break
    else:
        settled = False
    results = [done[p.index] for p in parts]
    notes = tuple(dict.fromkeys(w for r in results for w in r[3]))
    if not settled:
        notes += (f"page numbers did not settle after {MAX_ROUNDS} renderings of the "
                     "guide: a number in the contents or after a cross-reference may be one "
                     "page off",)
    if len(results) == 1:  # the guide laid out whole
        return results[0][1], results[0][2], notes, results[0][4], tuple(layout)
    data = join([r[1] for r in results])
    return (data, sum(r[2] for r in results), notes, tuple(r[4] for r in results),
            tuple(layout))


def _no_repeats(layout, where: str) -> None:
    """A template that ignores `part` shows everything in every part: stop, and say so."""
    seen: dict[str, int] = {}
    for index, (_, anchors) in enumerate(layout):
        for name in anchors:
            if seen.setdefault(name, index) != index:
                raise ProjectError(Problem(where, f"the guide is laid out in parts (it has "
                                           "more words than [formats.pdf] part_words), but "
                                           f"part {index + 1} repeats #{name} from part "
                                           f"{seen[name] + 1}: a guide template must show "
                                           "only what `part` holds (docs/templates.md)"))


_HREF_RE = re.compile(r'href="#([^"]+)"')
_ID_RE = re.compile(r'\bid="([^"]+)"')


def link_elsewhere(html: str) -> str:
    """Keep links to other parts: WeasyPrint drops a link to an anchor its document lacks,
    so such a link goes to a stand-in anchor at the end of the part, and join() points it
    at the real one."""
    ids = set(_ID_RE.findall(html))
    missing = sorted(set(_HREF_RE.findall(html)) - ids)
    if not missing:
        return html
    gone = set(missing)
    html = _HREF_RE.sub(lambda m: f'href="#{ELSEWHERE}{m.group(1)}"'
                        if m.group(1) in gone else m.group(0), html)
    stubs = "".join(f'<span id="{ELSEWHERE}{name}"></span>' for name in missing)
    end = html.rfind("</body>")
    end = len(html) if end < 0 else end
    return f'{html[:end]}<div aria-hidden="true">{stubs}</div>\n{html[end:]}'


def _own(anchors: dict) -> dict:
    return {k: v for k, v in anchors.items() if not k.startswith(ELSEWHERE)}


def numbering(layout) -> tuple[list[int], int, dict[str, int]]:
    """Where each part starts, the total page count, and the page number of every anchor."""
    firsts, numbers, page = [], {}, 1
    for pages, anchors in layout:
        firsts.append(page)
        for name, index in anchors.items():
            numbers.setdefault(name, page + index)
        page += pages
    return firsts, page - 1, numbers


def join(datas: list[bytes]) -> bytes:
    """One tagged PDF from the PDFs of the parts, in order.

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
    for src in sources:
        _add_part(out, src, joined)

    document.K = joined.kids
    document.P = tree
    for kid in joined.kids:
        _set_parents(kid, document)
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
    out.docinfo = out.copy_foreign(sources[0].docinfo)
    return pdf_bytes(out)


@dataclass
class _Joined:
    """What join() gathers from the parts, in order, for the joined PDF."""

    kids: object  # a pikepdf Array: the structure elements under the Document element
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


def _set_parents(elem, parent) -> None:
    """Point every structure element under `elem` at its parent."""
    import pikepdf

    if not isinstance(elem, pikepdf.Dictionary) or pikepdf.Name.S not in elem:
        return  # marked-content or object references, not structure elements
    elem.P = parent
    for kid in as_list(elem.get(pikepdf.Name.K)):
        _set_parents(kid, elem)


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
