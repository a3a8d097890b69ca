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
  attributes) with careprint.cssguard, allowing only `#fragment` references.

Then WeasyPrint draws it once, alone: an SVG it cannot draw would be silently missing
from every PDF, so it stops the build instead.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from xml.parsers import expat

from .cssguard import css_problems

SVG_NS = "http://www.w3.org/2000/svg"
XHTML_NS = "http://www.w3.org/1999/xhtml"
ACTIVE = frozenset({"script", "foreignobject", "handler", "listener", "iframe", "embed",
                    "object", "audio", "video", "canvas"})
ANIMATIONS = frozenset({"set", "animate", "animatemotion", "animatetransform",
                        "animatecolor", "discard"})


class _Refused(Exception):
    pass


class _Reader:
    """One pass of expat over an SVG, collecting (line, why) for everything refused."""

    def __init__(self):
        self.problems: list[tuple[int, str]] = []
        self.depth = 0
        self.style: list[str] | None = None  # text of the <style> being read
        self.style_line = 0
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
            self.problems.append((p.where.line, p.message))

    def end(self, name) -> None:
        self.depth -= 1
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
    return reader.problems


_DRAWN: dict[str, str | None] = {}  # SVG digest -> why WeasyPrint could not draw it


def draw_problem(path: Path, root: Path) -> str | None:
    """Why WeasyPrint cannot draw the (already checked) SVG `path`, or None.

    It draws the SVG alone, through careprint's sandboxed fetcher, and any error it logs
    (it logs and leaves the image out rather than failing) is the answer.
    """
    key = hashlib.sha256(path.read_bytes()).hexdigest()
    if key not in _DRAWN:
        _DRAWN[key] = _draw(path, root)
    return _DRAWN[key]


class _Errors(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _draw(path: Path, root: Path) -> str | None:
    import weasyprint

    from .render.weasy import SandboxFetcher

    log, errors = logging.getLogger("weasyprint"), _Errors()
    log.addHandler(errors)
    try:
        weasyprint.HTML(string=f'<img src="{path.resolve().as_uri()}" alt="">',
                        url_fetcher=SandboxFetcher(root)).write_pdf()
    except Exception as exc:  # whatever stops WeasyPrint stops the build
        return f"cannot be drawn: {exc}"
    finally:
        log.removeHandler(errors)
    if errors.messages:
        return "cannot be drawn: WeasyPrint says " + "; ".join(
            m.replace(path.resolve().as_uri(), path.name) for m in errors.messages[:2])
    return None
