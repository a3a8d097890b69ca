"""Raw HTML in Markdown, as authors write it: accepted where a browser would accept it,
refused with the source line where it cannot become XHTML.

Authors write HTML, not XML: `<br>`, `<img src=x.png alt="A map">`, `<details open>`,
`Tom & Jerry`. `normalise_xhtml` turns what Markdown passed through into the XHTML that
EPUB needs (`<br />`, quoted values, `&amp;`). What no rewriting can mend (an element
never closed, closed twice or across a paragraph, an unknown entity, an id that is not
an XML name, HTML nested past MAX_DEPTH) is found on the source by `check_html`, once per
file and with the line it is on, before Markdown runs.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from html.entities import name2codepoint

from ..errors import Problem, at
from .nesting import MAX_DEPTH, fenced

# https://html.spec.whatwg.org/multipage/syntax.html#void-elements
VOID_ELEMENTS = frozenset("area base br col embed hr img input link meta source track wbr"
                          .split())
# Python-Markdown starts a raw HTML block at these; inside one, blank lines are text
BLOCK_ELEMENTS = frozenset("""
address article aside blockquote body canvas center colgroup dd details div dl dt fieldset
figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section
summary table tbody td tfoot th thead tr ul
""".split())

_ATTR = r"""[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>=`]+))?"""
START_TAG_RE = re.compile(rf"<([A-Za-z][A-Za-z0-9-]*)((?:\s+{_ATTR})*)\s*(/?)>")
END_TAG_RE = re.compile(r"</([A-Za-z][A-Za-z0-9-]*)\s*>")
ATTR_RE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'<>=`]+))?""")
BARE_AMP_RE = re.compile(r"&(?!#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")  # an XML name without a colon
LABEL_RE = re.compile(r"^[A-Za-z0-9_.-]+$")  # a footnote's id is fn-CHAPTER-LABEL
FOOTNOTE_LABEL_RE = re.compile(r"\[\^([^\]\n]*)\]")
ATTR_LIST_ID_RE = re.compile(r"\{:?[^}\n]*?(?<=[\s{:])#([^\s}]+)[^}\n]*\}")


# ---------------------------------------------------------------- rewriting


def _attr_value(raw: str | None, name: str) -> str:
    if raw is None:
        return name  # <details open> -> open="open"
    if raw[:1] in ("'", '"'):
        raw = raw[1:-1]
    return raw.replace('"', "&quot;").replace("<", "&lt;")


def _start_tag(m: re.Match) -> str:
    name = m.group(1).lower()
    attrs = "".join(f' {a.group(1).lower()}="{_attr_value(a.group(2), a.group(1).lower())}"'
                    for a in ATTR_RE.finditer(m.group(2)))
    close = " /" if name in VOID_ELEMENTS or m.group(3) else ""
    return f"<{name}{attrs}{close}>"


def normalise_xhtml(fragment: str) -> str:
    """HTML as authors write it -> XHTML: void elements closed (`<br />`), attribute values
    quoted, names in lower case, a bare `&` escaped. Markup that is already XHTML (all that
    Python-Markdown makes) comes out unchanged."""
    fragment = BARE_AMP_RE.sub("&amp;", fragment)
    fragment = START_TAG_RE.sub(_start_tag, fragment)
    return END_TAG_RE.sub(lambda m: f"</{m.group(1).lower()}>", fragment)


# ---------------------------------------------------------------- checking the source

_CODE_SPAN_RE = re.compile(r"(`+).*?\1")
_ENTITY_RE = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def _markup_lines(lines) -> list[tuple[int, str]]:
    """The lines with code (fenced, indented, in backticks) blanked out: what is left is
    where raw HTML and entities can be."""
    lines = list(lines)
    out = []
    for (n, text), in_code in zip(lines, fenced([t for _, t in lines]), strict=True):
        if in_code or text.startswith(("    ", "\t")) and not text.strip().startswith("<"):
            out.append((n, ""))
        else:
            out.append((n, _CODE_SPAN_RE.sub(lambda c: " " * len(c.group(0)), text)))
    return out


class _Scan:
    """The raw HTML of one source text, tag by tag, with each tag's line."""

    def __init__(self, lines, path: str):
        self.lines = _markup_lines(lines)
        self.path = path
        self.text = "\n".join(t for _, t in self.lines)
        self.starts, pos = [], 0
        for _, t in self.lines:
            self.starts.append(pos)
            pos += len(t) + 1
        self.problems: list[Problem] = []

    def line(self, offset: int) -> int:
        return self.lines[bisect_right(self.starts, offset) - 1][0] if self.lines else 0

    def add(self, offset: int, message: str) -> None:
        self.problems.append(Problem(at(self.path, self.line(offset)), message))


def check_source_structure(lines, path: str) -> list[Problem]:
    """Markdown source that would crash a parser (nesting) or cannot become XHTML."""
    from .nesting import markdown_nesting

    return markdown_nesting(lines, path) + check_html(lines, path)


def check_html(lines, path: str) -> list[Problem]:
    """Problems that keep the raw HTML and entities of `lines` from becoming XHTML."""
    scan = _Scan(lines, path)
    if not scan.lines:
        return []
    text, parts, pos = scan.text, [], 0
    for start, end in _comments(text):
        if end < 0:
            scan.add(start, "this HTML comment is never closed (add -->); write &lt;!-- "
                     "for the characters themselves")
            break
        if "--" in text[start + 4:end - 3] or text[end - 4] == "-" and end - start > 7:
            scan.add(start, "an HTML comment may not contain `--`: XHTML forbids it")
        parts += [text[pos:start], " " * (end - start)]
        pos = end
    text = "".join(parts) + text[pos:]
    _check_entities(scan, text)
    _check_ids(scan, text)
    _check_elements(scan, text)
    return scan.problems


def _comments(text: str):
    """(start, end) of each `<!-- ... -->`, found in one pass (a regex would go back over
    the rest of the text for every `<!--` left open); end is -1 for one never closed.
    Python-Markdown takes time that grows with the square of the `<!--` left open (20,000
    of them take 9 s), so one is refused before it runs."""
    pos = 0
    while (start := text.find("<!--", pos)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            yield start, -1
            return
        pos = end + 3
        yield start, pos


def _check_entities(scan: _Scan, text: str) -> None:
    for m in _ENTITY_RE.finditer(text):
        ref = m.group(1)
        if ref.startswith("#"):
            code = int(ref[2:], 16) if ref[1:2] in "xX" and len(ref) > 1 else int(ref[1:])
            ok = code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or \
                0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF
        else:
            ok = ref in name2codepoint or ref in ("apos",)
        if not ok:
            scan.add(m.start(), f"&{ref}; is not a character: write the character itself, "
                     "or &amp; for an ampersand")


def _check_ids(scan: _Scan, text: str) -> None:
    found = [(m.start(), m.group(1), "footnote label") for m in FOOTNOTE_LABEL_RE.finditer(text)]
    found += [(m.start(), m.group(1), "id") for m in ATTR_LIST_ID_RE.finditer(text)]
    for m in START_TAG_RE.finditer(text):
        for a in ATTR_RE.finditer(m.group(2)):
            if a.group(1).lower() == "id":
                found.append((m.start(), _attr_value(a.group(2), "id"), "id"))
    for offset, ident, what in found:
        if what == "footnote label" and not LABEL_RE.match(ident):
            scan.add(offset, f"footnote label {ident[:40]!r}: use letters, digits, hyphens "
                     "and underscores, no spaces (it becomes an id, and EPUB readers "
                     "reject others)")
        elif what == "id" and not ID_RE.match(ident):
            scan.add(offset, f"id {ident[:40]!r}: use letters, digits, hyphens and "
                     "underscores, starting with a letter (EPUB readers reject others)")


def _check_elements(scan: _Scan, text: str) -> None:
    """Every element closed, in order, within its paragraph, nested at most MAX_DEPTH."""
    stack: list[tuple[str, int]] = []  # (name, offset of its start tag)
    too_deep = False
    cut_off: list[str] = []  # elements a paragraph's end left open (already reported)
    tags = [(m.start(), "start", m) for m in START_TAG_RE.finditer(text)]
    tags += [(m.start(), "end", m) for m in END_TAG_RE.finditer(text)]
    tags += [(m.start(), "para", m) for m in re.finditer(r"\n[ \t]*\n", text)]
    for offset, kind, m in sorted(tags, key=lambda t: t[0]):
        if kind == "para":
            stack = _paragraph_end(scan, stack, cut_off)
            continue
        name = m.group(1).lower()
        attrs = [a.group(1).lower() for a in ATTR_RE.finditer(m.group(2))] \
            if kind == "start" else []
        if len(set(attrs)) < len(attrs):
            scan.add(offset, f"<{name}> has the same attribute twice")
        if kind == "start":
            if name in VOID_ELEMENTS or m.group(3):
                continue
            stack.append((name, offset))
            if len(stack) > MAX_DEPTH and not too_deep:
                too_deep = True
                scan.add(offset, f"HTML elements nested more than {MAX_DEPTH} deep here: "
                         "flatten them")
            continue
        _close(scan, stack, cut_off, name, offset)
    for name, start in stack:
        scan.add(start, f"<{name}> opened here is never closed (add </{name}>)")


def _paragraph_end(scan: _Scan, stack: list[tuple[str, int]],
                   cut_off: list[str]) -> list[tuple[str, int]]:
    """The open elements after a blank line: none, if it ended the paragraph they are in."""
    if stack and stack[0][0] not in BLOCK_ELEMENTS:
        for name, start in stack:
            scan.add(start, f"<{name}> is not closed before the blank line that ends "
                     f"its paragraph: close it in the same paragraph")
            cut_off.append(name)  # its closing tag, later on, is the same mistake
        return []
    return stack


def _close(scan: _Scan, stack: list[tuple[str, int]], cut_off: list[str], name: str,
           offset: int) -> None:
    """An end tag `</name>` at `offset`: close its element, and those left open inside."""
    if name in VOID_ELEMENTS:
        scan.add(offset, f"</{name}> closes nothing: <{name}> needs no closing tag")
    elif not any(n == name for n, _ in stack):
        if name in cut_off:
            cut_off.remove(name)
        else:
            scan.add(offset, f"</{name}> closes no open <{name}>")
    else:
        while stack[-1][0] != name:
            inner, start = stack.pop()
            scan.add(start, f"<{inner}> is not closed before </{name}> on line "
                     f"{scan.line(offset)}")
        stack.pop()


# ---------------------------------------------------------------- after Markdown

MAX_ELEMENT_DEPTH = 4 * MAX_DEPTH  # lists (ul, li, p) and HTML within the limits above


def xhtml_problem(fragment: str, lines, path: str) -> Problem | None:
    """What the checks on the source could not foresee: XHTML that is not well-formed, or
    nests deeper than MAX_ELEMENT_DEPTH (which WeasyPrint cannot lay out). At the source
    line of the markup it stumbles on, or the text's first line."""
    import xml.etree.ElementTree as ET

    first = lines[0][0] if lines else 0
    try:
        root = ET.fromstring(f"<div>{fragment}</div>")
    except ET.ParseError as exc:
        return Problem(at(path, _error_line(fragment, exc.position, lines) or first),
                       f"the HTML made from this text is not well-formed "
                       f"({str(exc).split(':')[0]}); check the raw HTML tags here")
    stack = [(root, 0)]
    while stack:
        el, depth = stack.pop()
        if depth > MAX_ELEMENT_DEPTH:
            return Problem(at(path, first), f"this text nests more than {MAX_ELEMENT_DEPTH} "
                           "elements deep (lists, quotes and HTML together): flatten it")
        stack.extend((child, depth + 1) for child in el)
    return None


def _error_line(fragment: str, position, lines) -> int | None:
    """The source line holding the tag (or text) at `position` of `<div>FRAGMENT</div>`."""
    row, col = position
    made = f"<div>{fragment}</div>".split("\n")
    if not 0 < row <= len(made):
        return None
    text = made[row - 1]
    start = text.rfind("<", 0, col + 1)
    end = text.find(">", col)
    token = text[start:end + 1] if 0 <= start and end >= 0 else text[col:col + 20]
    for probe in (token, token.split()[0] if token.split() else ""):
        probe = probe.strip()
        if len(probe) > 2:
            hit = next((n for n, t in lines if probe.lower() in t.lower()), None)
            if hit:
                return hit
    return None
