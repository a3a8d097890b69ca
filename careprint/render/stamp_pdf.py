"""A clinic's stamps set into a base PDF, with pikepdf (render/stamps.py says why).

Each stamp's page becomes a form drawn where its picture was; the picture's marked content
leaves the page, and its /Figure element in the structure tree gives way to the stamp's
block: the elements WeasyPrint made for it, whose marked content is now in the form
(marked-content references with /Stm) and whose links are the page's annotations, moved
by as much as the form. The parent tree gets the form's numbers and the links'.
"""

from __future__ import annotations

import io

from .stamps import ALT, PX, Placement, Stamp


class Misfit(Exception):
    """A stamp cannot be set into its base as laid out: lay out the clinic's HTML whole."""


def apply(base: bytes, where: list[Placement], stamps: list[Stamp]) -> bytes:
    """The base PDF with each stamp drawn in its picture's place, its tags in the
    picture's place in the structure tree, and its links. Misfit if the base or a stamp is
    not as WeasyPrint makes them: the caller lays the PDF out whole instead."""
    import pikepdf

    try:
        return _apply(base, where, stamps)
    except (KeyError, AttributeError, TypeError, ValueError, IndexError,
            pikepdf.PdfError) as exc:
        raise Misfit(f"{type(exc).__name__}: {exc}") from None


def _apply(base: bytes, where: list[Placement], stamps: list[Stamp]) -> bytes:
    import pikepdf

    from .pdfbytes import pdf_bytes

    pdf = pikepdf.Pdf.open(io.BytesIO(base))
    tree = _Tree(pdf, {place.page for place in where})
    draws: dict[int, dict[int, tuple]] = {}  # page -> the picture's MCID -> its stamp
    for place, stamp in zip(where, stamps, strict=True):
        draw, mcids = _set_in(pdf, tree, place, stamp)
        if len(mcids) != 1:
            raise Misfit(f"picture {place.index} is not one marked content")
        draws.setdefault(place.page, {})[mcids.pop()] = draw
    for i, by_mcid in draws.items():
        _redraw(pdf, pdf.pages[i], by_mcid, tree)
    _bookmarks(pdf, [m for place, stamp in zip(where, stamps, strict=True)
                     for m in _moved_bookmarks(pdf, place, stamp)])
    return pdf_bytes(pdf)


def _moved_bookmarks(pdf, place: Placement, stamp: Stamp) -> list[tuple]:
    """The stamp's bookmarks where its block is: (page index, level, label, left, top),
    in the base page's PDF points."""
    box = pdf.pages[place.page].mediabox
    height = float(box[3]) - float(box[1])
    dx, dy = place.x - stamp.x, place.y - stamp.y
    return [(place.page, level, label, (x + dx) * PX, height - (y + dy) * PX)
            for level, label, x, y in stamp.bookmarks]


def _bookmarks(pdf, marks: list[tuple]) -> None:
    """`marks` into the base's outline, each under the last bookmark of a higher level
    before it and before the first of its own level after it, as WeasyPrint nests them."""
    if not marks:
        return
    from pikepdf import Array, Name, OutlineItem

    pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}

    def where(item):
        d = item.destination
        if isinstance(d, Array) and len(d) >= 4 and d[0].objgen in pages:
            return pages[d[0].objgen], -float(d[3])
        return None

    with pdf.open_outline() as outline:
        for page, level, label, left, top in marks:
            at, items = (page, -top), outline.root
            for _ in range(level - 1):
                before = [it for it in items if (w := where(it)) is not None and w <= at]
                if not before:
                    break
                items = before[-1].children
            pos = next((i for i, it in enumerate(items)
                        if (w := where(it)) is not None and w > at), len(items))
            items.insert(pos, OutlineItem(label, Array([pdf.pages[page].obj, Name.XYZ,
                                                        round(left, 6), round(top, 6), 0])))


class _Tree:
    """The base's structure tree: its parent tree's numbers, and the pictures' elements
    on the pages that have them (WeasyPrint gives each page's content elements of its own,
    under the Document element: only those pages' are read)."""

    def __init__(self, pdf, pages: set[int]):
        from pikepdf import Array, Dictionary, Name

        root = pdf.Root.StructTreeRoot
        nums = root.ParentTree.get(Name.Nums)
        if nums is None:  # WeasyPrint writes one flat /Nums array
            raise Misfit("the parent tree has no /Nums")
        self.nums: Array = nums
        self.next = max((int(nums[i]) for i in range(0, len(nums), 2)), default=-1) + 1
        self.figures: dict[int, Dictionary] = {}
        self.after: dict[int, int | None] = {}  # picture -> the MCID read next on its page
        self._waiting: list[tuple[int, tuple, tuple]] = []  # (picture, its page, its element)
        wanted = {pdf.pages[i].obj.objgen for i in pages}
        for top in _kids(_kids(root)[0]):  # the Document element's, in reading order
            if isinstance(top, Dictionary) and Name.Pg in top and top.Pg.objgen in wanted:
                self._read(top)

    def _read(self, top) -> None:
        """Find the pictures under `top`, and the MCID read after each on its page."""
        from pikepdf import Dictionary, Name

        waiting = self._waiting
        stack: list = [top]
        while stack:  # depth first: in reading order
            elem = stack.pop()
            if isinstance(elem, tuple):  # (MCID, its page, its element)
                mcid, page, owner = elem
                for n, _, _ in [w for w in waiting if w[1] == page and w[2] != owner]:
                    self.after[n] = mcid
                waiting = [w for w in waiting if w[1] != page or w[2] == owner]
                continue
            for kid in reversed(_kids(elem)):
                if isinstance(kid, int):
                    stack.append((int(kid), elem.Pg.objgen, elem.objgen))
                elif isinstance(kid, Dictionary) and kid.get(Name.S) is not None \
                        and kid.get(Name.Type, Name.StructElem) == Name.StructElem:
                    stack.append(kid)
            alt = str(elem.get(Name.Alt, ""))
            if elem.get(Name.S) == Name.Figure and alt.startswith(ALT):
                n = int(alt[len(ALT):])
                self.figures[n] = elem
                self.after.setdefault(n, None)
                waiting.append((n, elem.Pg.objgen, elem.objgen))
        self._waiting = waiting

    def key(self) -> int:
        self.next += 1
        return self.next - 1

    def parents(self, page_key: int):
        for i in range(0, len(self.nums), 2):
            if int(self.nums[i]) == page_key:
                return self.nums[i + 1]
        raise Misfit(f"no parent tree entry {page_key}")


def _set_in(pdf, tree: _Tree, place: Placement, stamp: Stamp) -> tuple[tuple, set[int]]:
    from pikepdf import Array, Dictionary, Name

    figure = tree.figures.get(place.index)
    if figure is None:
        raise Misfit(f"no tag for picture {place.index}")
    page = pdf.pages[place.page]
    src = _opened(stamp.data)
    spage = src.pages[0]
    form = pdf.copy_foreign(spage.as_form_xobject())
    # the picture's depth under the Document element: the stamp's block is as deep
    depth, parent = 0, figure.P
    while parent.S != Name.Document:
        depth, parent = depth + 1, parent.P
    block = src.Root.StructTreeRoot.K
    block = block[0] if isinstance(block, Array) else block
    for _ in range(depth + 1):
        kids = [k for k in _kids(block) if not _empty(k)]  # the edges: empty elements
        if len(kids) != 1 or not isinstance(kids[0], Dictionary):
            raise Misfit("the stamp's tags do not follow its base's")
        block = kids[0]
    # the stamp's page, as a form drawn where the picture was
    sh = float(spage.mediabox[3]) - float(spage.mediabox[1])
    bh = float(page.mediabox[3]) - float(page.mediabox[1])
    tx = (place.x - stamp.x) * PX
    ty = bh - sh - (place.y - stamp.y) * PX
    name = page.add_resource(form, Name.XObject, Name(f"/CareprintStamp{place.index}"),
                             replace_existing=False)  # a name of its own: the same bytes
    form_key = tree.key()
    form.StructParents = form_key
    # the parent tree's keys stay in order: the form's entry now, its elements below
    form_parents = pdf.make_indirect(Array())
    tree.nums.extend([form_key, form_parents])  # type: ignore[list-item]  # pikepdf takes an int
    by_mcid: dict[int, object] = {}
    annots = {}
    for annot in spage.obj.get(Name.Annots, Array()):
        new = pdf.copy_foreign(annot)
        r = [float(v) for v in annot.Rect]
        new.Rect = Array([r[0] + tx, r[1] + ty, r[2] + tx, r[3] + ty])
        new.P = page.obj
        if Name.StructParent in new:
            new.StructParent = tree.key()
            tree.nums.extend([new.StructParent, None])  # type: ignore[list-item]  # None: null
        annots[annot.objgen] = pdf.make_indirect(new)
        if Name.Annots not in page.obj:
            page.obj.Annots = Array()
        page.obj.Annots.append(annots[annot.objgen])
    grafted = _graft(pdf, block, figure.P, page.obj, form, by_mcid, annots, tree,
                     (place.x - stamp.x, place.y - stamp.y))
    _replace(figure, grafted)
    top = max(by_mcid, default=-1)
    form_parents.extend([by_mcid.get(i) for i in range(top + 1)])
    return ((tx, ty, name, tree.after[place.index]),
            {int(k) for k in _kids(figure) if isinstance(k, int)})


def _empty(elem) -> bool:
    from pikepdf import Dictionary

    return isinstance(elem, Dictionary) and elem.get("/S") is not None and not _kids(elem)


_OPEN: dict[bytes, object] = {}  # this process's stamps, opened once (a few per clinic)


def _opened(data: bytes):
    import pikepdf

    if data not in _OPEN:
        if len(_OPEN) > 64:
            _OPEN.clear()
        _OPEN[data] = pikepdf.Pdf.open(io.BytesIO(data))
    return _OPEN[data]


def _kids(elem) -> list:
    from .partjoin import as_list

    return as_list(elem.get("/K"))


def _copied(pdf, value):
    """`value` of the stamp's PDF, for the base's."""
    from pikepdf import Array, Dictionary

    if isinstance(value, Dictionary | Array) and value.is_indirect:
        return pdf.copy_foreign(value)
    if isinstance(value, Dictionary):
        return Dictionary({k: _copied(pdf, v) for k, v in value.items()})
    if isinstance(value, Array):
        return Array([_copied(pdf, v) for v in value])
    return value


def _graft(pdf, elem, parent, page, form, by_mcid: dict, annots: dict, tree: _Tree,
           shift: tuple[float, float]):
    """A copy of the stamp's structure element `elem` (and all below it) in the base,
    under `parent`: its marked content is in `form`, its links in `annots`."""
    from pikepdf import Array, Dictionary, Name

    new = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=elem.S, P=parent, Pg=page,
                                       K=Array()))
    for k, v in elem.items():
        if k not in ("/Type", "/S", "/P", "/Pg", "/K"):
            new[k] = _copied(pdf, v)
    if elem.S == Name.Figure and Name.A in new and Name.BBox in new.A:
        x1, y1, x2, y2 = (float(v) for v in new.A.BBox)  # WeasyPrint's: px, from the top
        dx, dy = shift
        new.A.BBox = Array([x1 + dx, y1 + dy, x2 + dx, y2 + dy])
    for kid in _kids(elem):
        if isinstance(kid, int):
            new.K.append(Dictionary(Type=Name.MCR, Pg=page, Stm=form, MCID=kid))
            by_mcid[int(kid)] = new
        elif kid.get(Name.Type) == Name.OBJR:
            annot = annots[kid.Obj.objgen]
            new.K.append(pdf.make_indirect(Dictionary(Type=Name.OBJR, Obj=annot, Pg=page)))
            _set_parent(tree, annot, new)
        elif kid.get(Name.Type) == Name.MCR:
            raise Misfit("a stamp's marked content is in a form of its own")
        else:
            new.K.append(_graft(pdf, kid, new, page, form, by_mcid, annots, tree, shift))
    return new


def _set_parent(tree: _Tree, annot, elem) -> None:
    """The parent tree's entry of link annotation `annot` names its new element."""
    from pikepdf import Name

    if Name.StructParent not in annot:
        return
    n = int(annot.StructParent)
    for i in range(0, len(tree.nums), 2):
        if int(tree.nums[i]) == n:
            tree.nums[i + 1] = elem
            return


def _replace(figure, new) -> None:
    """`new` in the place of `figure` among its parent's kids."""
    from pikepdf import Array, Name

    parent = figure.P
    kids = _kids(parent)
    at = next(i for i, k in enumerate(kids) if k.is_indirect and k.objgen == figure.objgen)
    kids[at] = new
    parent[Name.K] = Array(kids)


def _redraw(pdf, page, by_mcid: dict[int, tuple], tree: _Tree) -> None:
    """The page without the pictures' marked content (and their parent tree entries), and
    with each stamp's form drawn in the page's own coordinates before the marked content
    read after its picture (or last): text comes out of the page in reading order."""
    import pikepdf
    from pikepdf import Name

    before: dict[int | None, list] = {}
    for tx, ty, name, after in by_mcid.values():
        before.setdefault(after, []).append((tx, ty, name))
    chunks: list[bytes] = []
    run: list = []
    stack: list[tuple]
    depth, ctm, stack = 0, _IDENTITY, []

    def draw(stamps):
        a, b, c, d, e, f = _inverse(ctm)
        chunks.append(pikepdf.unparse_content_stream(run))
        run.clear()
        for tx, ty, name in stamps:
            chunks.append((f"\nq {a:.6f} {b:.6f} {c:.6f} {d:.6f} {e:.4f} {f:.4f} cm "
                           f"1 0 0 1 {tx:.4f} {ty:.4f} cm {name} Do Q\n").encode())

    # an instruction unpacks by indexing (__getitem__), which mypy does not follow: [misc]
    for operands, operator in pikepdf.parse_content_stream(page):  # type: ignore[misc]
        op = str(operator)
        if depth:
            depth += (op in ("BDC", "BMC")) - (op == "EMC")
            continue
        mcid = int(operands[1].get(Name.MCID, -1)) if op == "BDC" and len(operands) == 2 \
            and isinstance(operands[1], pikepdf.Dictionary) else -1
        if mcid in by_mcid:
            depth = 1
            continue
        if mcid in before:
            draw(before.pop(mcid))
        ctm = _track(op, operands, ctm, stack)
        run.append((operands, operator))
    draw([s for stamps in before.values() for s in stamps])  # read last, or MCID not drawn
    chunks.append(pikepdf.unparse_content_stream(run))
    page.Contents = pdf.make_stream(b"".join(chunks))
    parents = tree.parents(int(page.StructParents))
    for mcid in by_mcid:
        if mcid < len(parents):
            parents[mcid] = None


_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _track(op: str, operands, ctm: tuple, stack: list) -> tuple:
    """The current transformation matrix after `op` (q and Q save and restore it)."""
    if op == "q":
        stack.append(ctm)
    elif op == "Q" and stack:
        return stack.pop()
    elif op == "cm":
        return _times(tuple(float(v) for v in operands), ctm)
    return ctm


def _times(m, n):
    """The matrix m x n (PDF's [a b c d e f], row vectors: cm makes CTM = m x CTM)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _inverse(m):
    a, b, c, d, e, f = m
    det = a * d - b * c
    if abs(det) < 1e-12:
        raise Misfit("the picture is drawn flat")
    ia, ib, ic, id_ = d / det, -b / det, -c / det, a / det
    return (ia, ib, ic, id_, -(e * ia + f * ic), -(e * ib + f * id_))
