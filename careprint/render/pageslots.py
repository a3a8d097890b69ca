"""The page numbers a guide's part shows, written in after it is laid out (issue 23).

A part of the guide (render/parts.py) shows page numbers of other parts: the contents', and
a cross-reference's "(page N)". When a chapter grows by a page, every later number moves,
and each part that shows one was laid out again: most chapters refer ahead, so a page
added to chapter 2 laid out nearly the whole guide, in every edition and variant.

So a part is laid out with a *slot* for each number: as many zeros as the number has
digits (`data-page="00" data-slot="chapter-x"`), set in tabular figures, all of one width.
Its layout is the same whatever the number, so the part cache keeps it under the slots'
widths, not the numbers. The digits are written into the PDF when the guide is joined:
the slot's glyphs are exchanged for the number's, in the same text object, so the number
stays in the text and in the structure tree where the layout put it, for a screen reader
and for a search. Nothing is drawn over the page.

A font embedded in a PDF holds only the glyphs drawn with it. So before each slot's
element a box of no width draws the ten digits in the slot's font, and they are taken out
of the page again when the numbers are written in; the span they were in stays in the
structure tree, empty. (Not the slot's own `::before`: WeasyPrint would make it a second
area of the slot's link. Not out of the flow: WeasyPrint tags the elements after such a
box as its kids.)

A part whose slots cannot be filled (a template that prints a number outside
`data-page`, a font whose digits differ in width, a number broken across lines) is laid
out with its numbers written into the HTML instead, as before: slower after an edit,
never wrong.
"""

from __future__ import annotations

import re

TOKEN = "careprint-page-slot:"  # what Part.page() gives a template, until slotted()
_TAG_RE = re.compile(r'<\w+\b[^<>]*\bdata-page="careprint-page-slot:[^"]*?:"[^<>]*>')
_TOKEN_RE = re.compile(r'data-page="careprint-page-slot:([^"]*?):"')
DIGITS = "0123456789"
DIGIT_CLASS = "careprint-digits"
# the ten digits, before each slot's element, in its font and size (a glyph's width in
# the PDF is measured where it is first drawn): a box of no width and no height, so the
# line is laid out as without it; tabular figures, of one width
STYLE = (f'<style>.{DIGIT_CLASS} {{ display: inline-block !important; width: 0 !important; '
         'height: 0 !important; line-height: 0 !important; letter-spacing: 0 !important; '
         'white-space: nowrap; font-variant-numeric: tabular-nums; }\n'
         '[data-slot]::after { font-variant-numeric: tabular-nums; }</style>\n')
NUMBER, DIGIT_SET = "n", "d"  # the kinds of text a slot draws
_PLACE = 3  # decimal places of a text position, in CSS pixels, as matched


class Unfillable(Exception):
    """A part's slots cannot be filled: it is laid out with its numbers instead."""


def token(anchor: str) -> str:
    return f"{TOKEN}{anchor}:"


def slotted(html: str, numbers: dict, unknown: int) -> str | None:
    """`html` with each page number a slot of zeros as wide as the number (`unknown` for
    an anchor not placed yet); None when a number is shown elsewhere than in a
    `data-page` attribute, where no slot can be found."""
    def slot(m: re.Match) -> str:
        width = len(str(numbers.get(m[1], unknown)))
        return f'data-page="{"0" * width}" data-slot="{m[1]}"'

    out = _TAG_RE.sub(lambda m: f'<span class="{DIGIT_CLASS}">{DIGITS}</span>'
                      + _TOKEN_RE.sub(slot, m[0]), html)
    if TOKEN in out:
        return None
    if out == html:
        return html
    head = out.find("</head>")
    return out[:head] + STYLE + out[head:] if head >= 0 else None


def collect(document) -> list:
    """Where a laid-out part draws its slots: [page index, kind, x, y, anchor, width] of
    each number and each set of ten digits, x and y the text's origin in CSS pixels."""
    from weasyprint.formatting_structure.boxes import TextBox

    found: list = []
    for index, page in enumerate(document.pages):
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            stack.extend(reversed(getattr(box, "children", None) or ()))
            element = getattr(box, "element", None)
            if element is None or not isinstance(box, TextBox):
                continue
            anchor = element.get("data-slot") or ""
            where = [index, "", round(box.position_x, _PLACE),
                     round(box.position_y + box.baseline, _PLACE), anchor, 0]
            if element.get("class") == DIGIT_CLASS and box.text == DIGITS:
                where[1] = DIGIT_SET
            elif anchor and box.element_tag.endswith("::after") and \
                    re.search(r"\d", box.text):
                m = re.search(r"(\d+)\D*$", box.text)
                if m is None or set(m[1]) != {"0"}:
                    raise Unfillable("a slot's digits are broken or not its own")
                where[1], where[5] = NUMBER, len(m[1])
            else:
                continue
            found.append(where)
    return found


def check(data: bytes, slots: list) -> bool:
    """Whether every slot of the part's PDF `data` can be filled with any number."""
    import io

    import pikepdf

    try:
        with pikepdf.Pdf.open(io.BytesIO(data)) as pdf:
            fill(pdf, slots, None)
    except Unfillable:
        return False
    return True


def fill(pdf, slots: list, numbers: dict | None) -> None:
    """Write the numbers into the slots of the open part `pdf` and take the digit sets
    out; with numbers=None only check that each digit can go in every slot."""
    pages: dict[int, list] = {}
    for slot in slots:
        pages.setdefault(int(slot[0]), []).append(slot)
    for index, on_page in sorted(pages.items()):
        if index >= len(pdf.pages):
            raise Unfillable("a slot on a page the part does not have")
        try:
            _fill_page(pdf, pdf.pages[index], on_page, numbers)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:  # not as expected
            raise Unfillable(f"a page not as WeasyPrint writes it: {exc}") from exc


# WeasyPrint's text, an instruction a line: a text object's start, its position, its
# font, and its glyphs (each a four-digit hexadecimal code, with a kerning number after)
_OPS_RE = re.compile(rb"^BT$|^(?:\S+ ){4}(\S+) (\S+) Tm$|^(/\S+) \S+ Tf$|^\[([^\]\n]*)\] TJ$",
                     re.M)
_GLYPH_RE = re.compile(rb"<([0-9a-fA-F]{4})>")


def _fill_page(pdf, page, slots: list, numbers: dict | None) -> None:
    """Fill a page's slots, or only check that they can be. The page's content is read
    as WeasyPrint writes it (_OPS_RE): a page written otherwise is not filled."""
    import pikepdf

    wanted = {(float(x), float(y)): (kind, anchor, width)
              for _, kind, x, y, anchor, width in slots}

    def near(x: float, y: float):  # to the third place, either side of a rounding
        return next((k for k in wanted if abs(k[0] - x) < 0.002 and abs(k[1] - y) < 0.002),
                    None)

    contents = page.obj.get("/Contents")
    if not isinstance(contents, pikepdf.Stream):
        raise Unfillable("a page whose content is not one stream")
    raw = contents.read_bytes()
    fonts: dict = {}
    font, at = None, None
    done: set = set()
    edits: list[tuple[int, int, bytes]] = []  # (start, end, bytes written there)
    for m in _OPS_RE.finditer(raw):
        if m[0] == b"BT":
            at = None
        elif m[1] is not None:
            at = near(float(m[1]), float(m[2]))
        elif m[3] is not None:
            font = m[3].decode("latin-1")
        elif at is not None:  # the glyphs drawn from where a slot's text starts
            edits += _edits(m, wanted[at], _digit_codes(page, font, fonts), numbers,
                            done, at)
    if done != set(wanted):
        raise Unfillable("a slot not found where the layout put it")
    if numbers is not None:
        for start, end, text in sorted(edits, reverse=True):
            raw = raw[:start] + text + raw[end:]
        page.obj.Contents = pdf.make_stream(raw)


def _edits(m: re.Match, slot: tuple, codes: dict, numbers: dict | None, done: set,
           at: tuple) -> list:
    """The edits to the text instruction `m` (a TJ) that a slot's text starts: its digits
    made the number's, or, a set of ten digits, taken out (its tags stay, empty)."""
    kind, anchor, width = slot
    glyphs = [(m.start(4) + g.start(1), bytes.fromhex(g[1].decode()))
              for g in _GLYPH_RE.finditer(m[4])]
    if kind == DIGIT_SET:
        if "".join(codes["digit"].get(c, "?") for _, c in glyphs) != DIGITS:
            return []  # the text after it, starting where it does
        done.add(at)
        return [(m.start(), m.end(), b"")]
    if at in done:
        raise Unfillable("a slot drawn in more than one piece")
    done.add(at)
    number = None if numbers is None else numbers.get(anchor)
    return [(offset, offset + 4, code.hex().encode())
            for offset, code in _filled(glyphs, codes, width, number)]


def _filled(glyphs: list, codes: dict, width: int, number: int | None) -> list:
    """[(offset, code)] of each digit of `number` written over the last run of digit
    glyphs, `width` zeros, of a slot's text `glyphs` ([(offset, code)]); with number=None,
    only check that every digit can be."""
    digit_of, widths = codes["digit"], codes["width"]
    glyph = [code for _, code in glyphs]
    digits = [n for n, g in enumerate(glyph) if g in digit_of]
    run = digits[-width:]
    if len(run) != width or run != list(range(run[0], run[0] + width)) or \
            any(digit_of[glyph[n]] != "0" for n in run) or \
            (run[0] > 0 and glyph[run[0] - 1] in digit_of):
        raise Unfillable("a slot's zeros are not where its text is")
    size = widths(glyph[run[0]])  # every digit written in must be as wide as the zero
    wanted = DIGITS if number is None else str(number)
    chosen = {d: min((c for c in codes["codes"].get(d, ()) if widths(c) == size),
                     default=None) for d in set(wanted)}
    if None in chosen.values() or len(wanted) != width and number is not None:
        raise Unfillable("a digit of another width, or none, or a number wider than its slot")
    if number is None:
        return []
    picked = {d: c for d, c in chosen.items() if c is not None}
    return [(glyphs[n][0], picked[digit]) for n, digit in zip(run, wanted, strict=True)]


def _digit_codes(page, font, fonts: dict) -> dict:
    """{"codes": {digit: [code]}, "digit": {code: digit}, "width": code -> width} of a
    page's font: the codes of its digits, as its ToUnicode map names them."""
    if font is None or font not in page.Resources.get("/Font", {}):
        raise Unfillable("a slot drawn in no font")
    obj = page.Resources.Font[font]
    key = obj.objgen if obj.is_indirect else str(font)
    if key not in fonts:
        fonts[key] = _codes_of(obj)
    return fonts[key]


def _codes_of(font) -> dict:
    from ..guard.outguard_pdf import parse_cmap

    if str(font.get("/Subtype")) != "/Type0" or "/ToUnicode" not in font:
        raise Unfillable("a font without two-byte codes or a ToUnicode map")
    cmap = parse_cmap(font.ToUnicode.read_bytes())
    if cmap[""] != 4:
        raise Unfillable("a font whose codes are not four hexadecimal digits")
    found: dict[str, list] = {}
    for code, text in cmap.items():
        if code and code != "?" and isinstance(text, str) and len(text) == 1 and \
                text in DIGITS:
            found.setdefault(text, []).append(bytes.fromhex(code))
    return {"codes": found, "digit": {c: d for d, cs in found.items() for c in cs},
            "width": _widths(font.DescendantFonts[0])}


def _widths(cid_font):
    """code -> its width, from a CID font's /W array (and /DW)."""
    import pikepdf

    table: dict[int, float] = {}
    w = list(cid_font.get("/W", []))
    i = 0
    while i + 1 < len(w):
        first = int(w[i])
        if isinstance(w[i + 1], pikepdf.Array):
            for n, value in enumerate(w[i + 1]):
                table[first + n] = float(value)
            i += 2
        else:
            for code in range(first, int(w[i + 1]) + 1):
                table[code] = float(w[i + 2])
            i += 3
    default = float(cid_font.get("/DW", 1000))
    return lambda code: table.get(int.from_bytes(code, "big"), default)
