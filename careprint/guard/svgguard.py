"""SVG images: read safely, refused if active, and stopped if they cannot be drawn.

An SVG is a document, not a picture: it can hold scripts, event handlers, links to
anywhere, HTML (<foreignObject>) and entity declarations. The web edition and the EPUB
copy it as it is, so careprint reads every SVG a chapter shows before anything renders:

- with expat, refusing any DOCTYPE (so no entity is ever declared or expanded, and no
  DTD is fetched) and any `<?xml-stylesheet?>`;
- refusing <script>, <foreignObject> and other elements that run or embed content,
  event-handler attributes (on*), animations that rewrite links or handlers, and any
  href other than `#fragment`;
- checking its CSS (<style> elements, style attributes, url() in presentation
  attributes) with careprint.guard.cssguard, allowing only `#fragment` references.

Reading it is quick, and loading the project (`careprint list`, `check`, `build`) does it.
Drawing is not: before a build renders anything, WeasyPrint draws each SVG it will show
once, alone (`draw_problem`, called through careprint.source.assets.undrawable), because an SVG
it cannot draw would be silently missing from every PDF; it stops the build instead. Only
WeasyPrint is imported for that, never careprint's renderer (docs/architecture.md,
"Layers").
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path
from xml.parsers import expat

from .cssguard import css_problems

SVG_NS = "http://www.w3.org/2000/svg"
XHTML_NS = "http://www.w3.org/1999/xhtml"
ACTIVE = frozenset({"script", "foreignobject", "handler", "listener", "iframe", "embed",
                    "object", "audio", "video", "canvas"})
ANIMATIONS = frozenset({"set", "animate", "animatemotion", "animatetransform",
                        "animatecolor", "discard"})


# What WeasyPrint is asked to draw, counted before it is (a <use> of a group of <use>s of
# groups... drew 10 to the 9th elements from a few KB, and hung): the elements of an SVG,
# counted once for every <use> or reference that draws them again, and how deep they nest
# (drawing recurses once a level). A detailed illustration has a few thousand elements
# nested a dozen deep.
MAX_SVG_ELEMENTS = 20_000
MAX_SVG_DEPTH = 50
# a url(#id) that draws the element it names again (a gradient or filter is not counted)
DRAWS = frozenset({"pattern", "mask", "clippath", "marker", "symbol", "g", "use", "path",
                   "image", "text", "svg"})
_URL_ID_RE = re.compile(r"url\(\s*['\"]?#([^'\")\s]+)")


class _Refused(Exception):
    pass


class _Reader:
    """One pass of expat over an SVG, collecting (line, why) for everything refused."""

    def __init__(self):
        self.problems: list[tuple[int, str]] = []
        self.depth = 0
        self.style: list[str] | None = None  # text of the <style> being read
        self.style_line = 0
        self.tree = _Tree()
        p = expat.ParserCreate(namespace_separator=" ")
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        p.StartDoctypeDeclHandler = self.doctype
        p.EntityDeclHandler = self.doctype
        p.ProcessingInstructionHandler = self.instruction
        p.StartElementHandler = self.start
        p.EndElementHandler = self.end
        p.CharacterDataHandler = self.text
        self.parser = p

    def refuse(self, why: str) -> None:
        self.problems.append((self.parser.CurrentLineNumber, why))

    def doctype(self, *_args) -> None:
        raise _Refused("a <!DOCTYPE> (or entity declaration) is not allowed in an SVG: "
                       "remove it; SVG needs none")

    def instruction(self, target, _data) -> None:
        if target.lower() == "xml-stylesheet":
            self.refuse("<?xml-stylesheet?> loads a stylesheet and is not allowed")

    def start(self, name, attrs) -> None:
        ns, _, local = name.rpartition(" ")
        if self.depth == 0 and (ns, local) != (SVG_NS, "svg"):
            raise _Refused(f"the root element is <{local}>, not an <svg> in the SVG "
                           f"namespace ({SVG_NS}): this is not an SVG image")
        self.depth += 1
        if self.depth > MAX_SVG_DEPTH:
            raise _Refused(f"elements nested more than {MAX_SVG_DEPTH} deep here: "
                           "simplify the drawing (or save it flattened)")
        self.tree.start(local.lower(), attrs, self.parser.CurrentLineNumber)
        low = local.lower()
        if low in ACTIVE or ns == XHTML_NS:
            self.refuse(f"<{local}> is active or embedded content and is not allowed")
        if low in ANIMATIONS:
            target = attrs.get("attributeName", "").lower()
            if target.endswith("href") or target.startswith("on"):
                self.refuse(f"<{local} attributeName=\"{target}\"> rewrites a link or a "
                            "handler and is not allowed")
        for key, value in attrs.items():
            self.attribute(key.rpartition(" ")[2], value)
        if low == "style":
            self.style, self.style_line = [], self.parser.CurrentLineNumber

    def attribute(self, name: str, value: str) -> None:
        low = name.lower()
        if low.startswith("on"):
            self.refuse(f"event-handler attribute {name}= is not allowed")
        elif low == "href":
            if not value.strip().startswith("#"):
                self.refuse(f"href={value[:60]!r} is not allowed: an SVG may refer only to "
                            "its own parts (#id); put the picture itself into the chapter")
        elif low == "style" or "(" in value or "\\" in value:
            self.css(value, self.parser.CurrentLineNumber, f"{name}=")

    def css(self, text: str, line: int, what: str) -> None:
        for p in css_problems(text, "", line, what=what):
            self.problems.append((p.where.line or line, p.message))

    def end(self, name) -> None:
        self.depth -= 1
        self.tree.end()
        if self.style is not None and name.rpartition(" ")[2].lower() == "style":
            self.css("".join(self.style), self.style_line, "<style>")
            self.style = None

    def text(self, data) -> None:
        if self.style is not None:
            self.style.append(data)


def svg_problems(path: Path) -> list[tuple[int, str]]:
    """(line in the SVG, why) for everything wrong with the SVG file `path`."""
    reader = _Reader()
    try:
        reader.parser.Parse(path.read_bytes(), True)
    except _Refused as exc:
        return [(reader.parser.CurrentLineNumber, str(exc))]
    except expat.ExpatError as exc:
        return [(exc.lineno, "cannot be drawn: it is not well-formed XML "
                 f"({expat.ErrorString(exc.code)}, column {exc.offset + 1})")]
    return reader.problems + reader.tree.problems()


class _Tree:
    """The SVG's elements (parent, the ids it refers to), to count what drawing it draws."""

    def __init__(self):
        self.parent: list[int] = []
        self.lines: list[int] = []
        self.refs: list[list[str]] = []
        self.names: list[str] = []
        self.ids: dict[str, int] = {}
        self.open: list[int] = []

    def start(self, name: str, attrs: dict, line: int) -> None:
        if len(self.parent) >= MAX_SVG_ELEMENTS:
            raise _Refused(f"more than {MAX_SVG_ELEMENTS} elements: simplify the drawing")
        i = len(self.parent)
        self.parent.append(self.open[-1] if self.open else -1)
        self.lines.append(line)
        self.names.append(name)
        refs = []
        for key, value in attrs.items():
            local = key.rpartition(" ")[2]
            if local == "id":
                self.ids.setdefault(value, i)
            elif local == "href" and value.strip().startswith("#"):
                refs.append(value.strip()[1:])
            elif "url(" in value:
                refs.extend(_URL_ID_RE.findall(value))
        self.refs.append(refs)
        self.open.append(i)

    def end(self) -> None:
        self.open.pop()

    def problems(self) -> list[tuple[int, str]]:
        """The element where what is drawn passes MAX_SVG_ELEMENTS, or one that draws
        itself; each element counts once per time it is drawn. Never recurses."""
        n = len(self.parent)
        children: list[list[int]] = [[] for _ in range(n)]
        for i, p in enumerate(self.parent):
            if p >= 0:
                children[p].append(i)
        edges = [children[i] + [self.ids[r] for r in self.refs[i] if r in self.ids
                                and self.names[self.ids[r]] in DRAWS] for i in range(n)]
        size, state = [0] * n, [0] * n  # state: 0 new, 1 being counted, 2 counted
        for root in range(n - 1, -1, -1):
            if state[root]:
                continue
            stack = [root]
            while stack:
                i = stack[-1]
                if state[i] == 0:
                    state[i] = 1
                    for j in edges[i]:
                        if state[j] == 1:
                            return [(self.lines[i], "an element here draws itself (a <use> "
                                     "of itself, or of a group around it): remove the loop")]
                        if state[j] == 0:
                            stack.append(j)
                    continue
                stack.pop()
                if state[i] == 1:
                    state[i] = 2
                    size[i] = min(1 + sum(size[j] for j in edges[i]), MAX_SVG_ELEMENTS + 1)
                    if size[i] > MAX_SVG_ELEMENTS:
                        return [(self.lines[i], f"drawing this draws more than "
                                 f"{MAX_SVG_ELEMENTS} elements once each <use> (or other "
                                 "reference) is drawn: simplify the drawing")]
        return []


_DRAWN: dict[str, str | None] = {}  # SVG digest -> why WeasyPrint could not draw it


def remember(found: dict[str, str | None]) -> None:
    """Take what an earlier build found (careprint/pipeline/memos.py): SVG digest -> why
    WeasyPrint could not draw it, or None."""
    _DRAWN.update(found)


def drawn() -> dict[str, str | None]:
    """What this process has found, for the build to keep."""
    return dict(sorted(_DRAWN.items()))


def draw_problem(path: Path) -> str | None:
    """Why WeasyPrint cannot draw the (already checked) SVG `path`, or None; each picture
    is drawn once a process, whatever its name (every clinic's logo, often).

    It draws the SVG alone, with a fetcher that loads that one file and refuses anything
    else (a checked SVG refers only to its own parts), and any error it logs (it logs and
    leaves the image out rather than failing) is the answer.
    """
    key = hashlib.sha256(path.read_bytes()).hexdigest()
    if key not in _DRAWN:
        _DRAWN[key] = _draw(path)
    return _DRAWN[key]


class _Errors(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _draw(path: Path) -> str | None:
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    uri = path.resolve().as_uri()

    class OnlyThisFile(URLFetcher):
        def fetch(self, url, headers=None):
            if url != uri:
                raise FatalURLFetchingError(f"refused to load {url[:80]!r}: an SVG may "
                                            "refer only to its own parts")
            return super().fetch(url, headers)

    log, errors = logging.getLogger("weasyprint"), _Errors()
    log.addHandler(errors)
    try:
        weasyprint.HTML(string=f'<img src="{uri}" alt="">',
                        url_fetcher=OnlyThisFile(allowed_protocols={"file"},
                                                 allow_redirects=False)).write_pdf()
    except Exception as exc:  # whatever stops WeasyPrint stops the build
        return f"cannot be drawn: {exc}"
    finally:
        log.removeHandler(errors)
    if errors.messages:
        return "cannot be drawn: WeasyPrint says " + "; ".join(
            m.replace(uri, path.name) for m in errors.messages[:2])
    return None
