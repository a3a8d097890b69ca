"""A worksheet's main writing box fills what its page leaves (issue 25, fault 5).

The journaling sheet's writing box was 33 mm tall above 45 mm of empty page. The main
box of a worksheet is its tallest `text` field. The worksheets are laid out once; where
that box sits on the worksheet's last page and the page has room below the worksheet,
the box grows by that room, and the worksheets are laid out again
(render/worksheets.py). The same inputs give the same two layouts, so the same bytes.
"""

from __future__ import annotations

PX_MM = 25.4 / 96  # WeasyPrint lays out in CSS pixels
MIN_MM = 3.0  # less room than this is left as it is
SPARE_MM = 6.0  # what stays free above the footer: a breath of white, as on every page
DRAWN = {"textarea", "input", "td", "th", "img", "svg"}


def main_box(worksheet) -> str | None:
    """The id (its field name, _worksheet.html) of a worksheet's tallest `text` field."""
    texts = [f for f in worksheet.fields if f.type == "text"]
    if not texts:
        return None
    tallest = max(texts, key=lambda f: f.height)  # the first of the tallest
    return f"{worksheet.id}_{tallest.key}"


def room_to_grow(document, ids: set[str]) -> dict[str, float]:
    """{field id: mm} the box of each of `ids` can grow: the room left below the last
    thing on its page, when the box's worksheet ends on that page."""
    pages = [list(_flow_boxes(page._page_box, None)) for page in document.pages]
    out = {}
    for index, boxes in enumerate(pages):
        found = [(b, ws) for b, ws in boxes if b.element_tag == "textarea"
                 and b.element is not None and b.element.get("id") in ids]
        if len(found) != 1:
            continue
        box, section = found[0]
        root = document.pages[index]._page_box
        # what is drawn: lines of text, fields and table cells (a box that goes on to the
        # next page, as the body of a pack does, reaches down to the page's foot)
        bottom = max(b.position_y + b.margin_height() for b, _ in boxes
                     if type(b).__name__ == "LineBox" or b.element_tag in DRAWN)
        limit = root.content_box_y() + root.height
        continues = section is not None and any(
            ws is section for later in pages[index + 1:] for _, ws in later)
        room = (limit - bottom) * PX_MM - SPARE_MM
        if not continues and room >= MIN_MM:
            out[box.element.get("id")] = float(int(room))  # whole millimetres
    return out


def _flow_boxes(box, section):
    """(box, the worksheet section's element it is in) of a page's text area, in flow
    order (not its margin boxes)."""
    for child in getattr(box, "children", ()):
        if type(child).__name__ == "MarginBox":
            continue
        inner = section
        element = getattr(child, "element", None)
        if getattr(child, "element_tag", None) == "section" and element is not None and \
                "worksheet" in (element.get("class") or "").split():
            inner = element
        if getattr(child, "element_tag", None) and getattr(child, "height", None) is not None:
            yield child, inner
        yield from _flow_boxes(child, inner)
