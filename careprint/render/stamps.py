"""A clinic's blocks, laid out alone and set into PDFs laid out once for every clinic.

A build for many clinics (`careprint build --imprint all`) makes the same PDFs again and
again: a clinic's name, logo, address and local services fill two blocks (who gives the
guide or handout: "Given to you by ..."; the clinic's block before the other services),
and the rest of each page is the same for every clinic of a region. So in a clinic's
build each PDF is made in three steps:

1. Each clinic block is laid out alone, as a *stamp*: the document's HTML with only the
   block and the elements around it, so that it has the same width, fonts and styles
   (stamp_html). Its size is measured, and its one page written as a tagged PDF.
2. The rest is laid out with an empty picture of exactly that size in each block's place
   (slotted): a *base*, the same HTML for every clinic whose blocks are as tall, and which
   render/shared.py lays out once and keeps.
3. Each stamp is drawn into its place on the base's page (stamp_pdf.py): its words stay words,
   its links stay links, and its tags replace the picture's in the structure tree, in
   reading order. Nothing is a picture stamped on top.

What can go wrong (a block that does not fit where its picture was) falls back to laying
out the clinic's own HTML whole: slower, never wrong.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from markupsafe import Markup

ATTR = "data-careprint-slot"
# the marks carry a word of this process's own, which a guide's text (where HTML comments
# and data- attributes are allowed) cannot forge; the stamp's HTML leaves it out
TOKEN = secrets.token_hex(8)
BEGIN, END = f"<!--careprint-slot {TOKEN}-->", f"<!--/careprint-slot {TOKEN}-->"
MARK = f' {ATTR}="{TOKEN}"'
SLOT_MARKUP = {"slot_begin": Markup(BEGIN), "slot_end": Markup(END), "slot_attr": Markup(MARK)}
NO_SLOTS = {"slot_begin": "", "slot_end": "", "slot_attr": ""}
_SLOT_RE = re.compile(re.escape(BEGIN) + "(.*?)" + re.escape(END), re.S)
ALT = "careprint-slot-"  # the picture in a block's place: its alternative text and number
# no page number, running head or footer on a stamp's page: only the block is drawn
_MARGINS = ("top-left-corner", "top-left", "top-center", "top-right", "top-right-corner",
            "bottom-left-corner", "bottom-left", "bottom-center", "bottom-right",
            "bottom-right-corner", "left-top", "left-middle", "left-bottom", "right-top",
            "right-middle", "right-bottom")
EDGE = "data-careprint-edge"
EDGE_STYLE = ("display: block !important; height: 0 !important; margin: 0 !important; "
              "padding: 0 !important; border: 0 solid transparent !important; "
              "border-top-width: 0.01px !important; float: none !important; "
              "position: static !important")
AROUND = "data-careprint-around"  # an element around the block: its decoration is not drawn
STAMP_CSS = ("@page { " + " ".join(f"@{m} {{ content: none !important; }}" for m in _MARGINS)
             + " }"
             + f" [{AROUND}] {{ border-color: transparent !important; background: none !important;"
             " box-shadow: none !important; outline: none !important; }"
             f" [{AROUND}]::before, [{AROUND}]::after {{ content: none !important; }}")
PX = 0.75  # CSS px -> PDF points
# a margin box's words (a running head): a stamp draws none, so every handout's are alike
_MARGIN_TEXT_RE = re.compile(r"(@(?:" + "|".join(_MARGINS)
                             + r')\s*\{\s*content:\s*)"(?:[^"\\]|\\.)*"')


def count(html: str) -> int:
    return html.count(BEGIN)


def consistent(html: str) -> bool:
    """Each block's marks pair up around one marked element."""
    spans = _SLOT_RE.findall(html)
    return len(spans) == count(html) == html.count(END) == html.count(MARK) and \
        all(span.count(MARK) == 1 for span in spans)


@dataclass(frozen=True)
class Stamp:
    """One clinic block, laid out alone: its page as a PDF, and where the block sits on it
    (its border box, CSS px from the page's top left), its vertical margins, and the
    bookmarks its headings make: (level, label, x, y), in px on its page."""

    data: bytes
    x: float
    y: float
    width: float
    height: float
    margin_top: float
    margin_bottom: float
    bookmarks: tuple = ()


@dataclass(frozen=True)
class Placement:
    """Where a block's picture fell in the base: page index, border box's top left (px)."""

    index: int
    page: int
    x: float
    y: float


def stamp_html(html: str, index: int) -> str:
    """`html` with only its `index`th clinic block and the elements around it, and no
    margin boxes: the block keeps its width, fonts and styles, and nothing else is drawn."""
    import lxml.html
    from lxml import etree

    doc = lxml.html.document_fromstring(html)
    node = doc.xpath(f'//*[@{ATTR}="{TOKEN}"]')[index]
    node.set(ATTR, "")  # the same stamp in every process
    node.tail = None
    # an edge above and below the block: where they fall measures its margins as they
    # collapse with its children's (a block's own margins leave those out)
    for where in (node.addprevious, node.addnext):
        where(etree.Element("div", {EDGE: "", "style": EDGE_STYLE}))
    while (parent := node.getparent()) is not None and parent.tag != "html":
        for sibling in list(parent):
            if sibling is not node and sibling.get(EDGE) is None:
                parent.remove(sibling)
        parent.text = None
        parent.set(AROUND, "")
        node.tail = None
        node = parent
    head = doc.find("head")
    if head is None:  # a project's template without <head>: the stamp's style needs one
        head = lxml.html.Element("head")
        doc.insert(0, head)
    for elem in list(head):  # what only the PDF's metadata and margins show
        if elem.tag == "title" or (elem.tag == "meta"
                                   and elem.get("name") != "careprint-figure-font"):
            head.remove(elem)
        elif elem.tag == "style" and elem.text:
            elem.text = _MARGIN_TEXT_RE.sub(r'\1""', elem.text)
    etree.SubElement(head, "style").text = STAMP_CSS
    return lxml.html.tostring(doc, doctype="<!DOCTYPE html>", encoding="unicode")


def key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def measure(document) -> Stamp | None:
    """The stamp of a laid-out stamp_html document, or None if its block is not on one
    page whole (or WeasyPrint's boxes are not as version 70 makes them)."""
    try:
        return _measure(document)
    except (AttributeError, TypeError, ValueError):
        return None


def _measure(document) -> Stamp | None:
    found = [(i, box) for i, page in enumerate(document.pages)
             for box in _boxes(page._page_box)
             if box.element is not None and (box.element.get(ATTR) is not None
                                             or box.element.get(EDGE) is not None)]
    if len({i for i, _ in found}) != 1 or len(found) != 3:
        return None
    i = found[0][0]
    above, box, below = (b for _, b in found)
    if box.element.get(ATTR) is None:
        return None
    data = document.copy([document.pages[i]]).write_pdf(pdf_variant="pdf/ua-1",
                                                        pdf_identifier=None)
    y, height = box.border_box_y(), box.border_height()
    marks = tuple((level, label, bx, by)
                  for level, label, (bx, by), _state in document.pages[i].bookmarks)
    return Stamp(data, box.border_box_x(), y, box.border_width(), height,
                 y - (above.border_box_y() + above.border_height()),
                 below.border_box_y() - (y + height), marks)


def _boxes(box):
    """`box` and its descendants, in tree order."""
    stack = [box]
    while stack:
        b = stack.pop()
        yield b
        stack.extend(reversed(getattr(b, "children", ()) or ()))


def slotted(html: str, stamps: list[Stamp], picture: str) -> str:
    """`html` with each clinic block replaced by an empty picture of its stamp's size."""
    it = iter(enumerate(stamps))

    def sub(_m):
        i, s = next(it)
        return (f'<img class="careprint-slot" alt="{ALT}{i}" src="{picture}" style="'
                f"display: block !important; box-sizing: border-box !important; "
                f"width: {s.width!r}px !important; height: {s.height!r}px !important; "
                f"max-width: none !important; padding: 0 !important; border: 0 !important; "
                f"margin: {s.margin_top!r}px 0 {s.margin_bottom!r}px 0 !important; "
                f'float: none !important; position: static !important"/>')

    return _SLOT_RE.sub(sub, html)


def placements(document) -> list[Placement] | None:
    """Where each picture of `slotted` fell, in order; None unless each is once, whole
    (or WeasyPrint's boxes are not as version 70 makes them)."""
    try:
        return _placements(document)
    except (AttributeError, TypeError, ValueError):
        return None


def _placements(document) -> list[Placement] | None:
    out: dict[int, Placement] = {}
    for i, page in enumerate(document.pages):
        for box in _boxes(page._page_box):
            alt = box.element.get("alt", "") if box.element is not None else ""
            if box.element_tag == "img" and alt.startswith(ALT):
                n = int(alt[len(ALT):])
                if n in out:
                    return None
                out[n] = Placement(n, i, box.border_box_x(), box.border_box_y())
    if sorted(out) != list(range(len(out))):
        return None
    return [out[n] for n in sorted(out)]
