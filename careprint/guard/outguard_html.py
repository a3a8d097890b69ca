"""The output guard's reading of a page (HTML or XHTML) and of a project's templates.

page_findings() reads a finished page as a browser would (html.parser: entities decoded,
attribute values as the browser sees them) and lists what must never ship:

- a <script> that is not careprint's own (one with a `src` naming a bundled script, and
  nothing inside it), an inline event handler (any on* attribute), a
  <meta http-equiv="refresh">, a <base>, and an <iframe>, <frame>, <object>, <embed>,
  <applet>, <portal> or <form>;
- an address (href, src, action, formaction, xlink:href, poster, data, cite, srcset...)
  whose scheme, read as WHATWG does, is not https:, http:, mailto:, tel: or sms:, or that
  has no scheme and leads out of the output (`//host`, `/x`, `../..` past its top);
- `file:` anywhere in the page;
- a comment, or a declaration that is not the doctype (conditional comments);
- an invisible character (careprint.guard.textguard's classification) in text or attributes.

template_problems() is the same idea, read from a project template's source as it is
loaded (render/sandbox.py): a template that adds a script, a refresh or a <base> is an
error naming the template and line, and a project file that would replace one of
careprint's scripts is an error naming it.
"""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

from ..errors import Problem, ProjectError, at
from .textguard import invisible_characters
from .urls import browser_form, url_scheme_problem

BUNDLED_SCRIPTS = ("quick-exit.js",)  # careprint's own scripts (render/html.py)
FORBIDDEN_TAGS = frozenset({"base", "iframe", "frame", "frameset", "object", "embed",
                            "applet", "portal", "form"})
URL_ATTRS = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster",
                       "data", "cite", "background", "longdesc", "ping", "manifest",
                       "codebase", "usemap"})
FILE_RE = re.compile(r"\bfile:[\\/]", re.I)  # a file URI, not "the file: ..." in prose
_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)|<!\[(?:if|endif)\b[^\]]*\]>", re.S | re.I)


def without_comments(page: str) -> str:
    """`page` without its comments (content's, templates', conditional ones): careprint's
    markers and an editor's notes are not for readers."""
    return _COMMENT_RE.sub("", page)


class _PageReader(HTMLParser):
    def __init__(self, name: str, scripts: tuple[str, ...], outward: bool):
        super().__init__(convert_charrefs=True)
        self.name, self.scripts, self.outward = name, scripts, outward
        self.found: list[tuple[int, str]] = []
        self.in_script = False
        self.script: tuple[int, list[str]] = (0, [])
        self.inline_ok = False  # careprint's own script, written into the page whole
        self.kept = False  # kept HTML: WeasyPrint's input, comments and file: allowed

    def note(self, why: str) -> None:
        self.found.append((self.getpos()[0], why))

    def handle_starttag(self, tag, attrs):
        local = tag.rsplit(":", 1)[-1]
        values = dict(attrs)
        if local == "script":
            self.in_script = True
            src = values.get("src")
            self.script = (self.getpos()[0], [])
            own = self.inline_ok if src is None else (
                posixpath.basename(src.split("?")[0]) in self.scripts and
                not re.match(r"\s*([A-Za-z][A-Za-z0-9+.-]*:|[/\\])", src))  # of this site
            if not own:
                shown = (src or "")[:60] or "inline"
                self.note(f"a <script> that is not careprint's own ({shown})")
        elif local in FORBIDDEN_TAGS:
            self.note(f"a <{local}> element")
        elif local == "meta" and (values.get("http-equiv") or "").strip().lower() == "refresh":
            self.note("a <meta http-equiv=\"refresh\"> (it sends the reader elsewhere)")
        for attr, value in attrs:
            self.attribute(attr, value or "")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag.rsplit(":", 1)[-1] == "script" and self.in_script:
            self.in_script = False
            line, parts = self.script
            written = "".join(parts).strip()
            if written and (not self.inline_ok or written not in bundled_texts()):
                self.found.append((line, "a script written into the page"))

    def attribute(self, attr: str, value: str) -> None:
        if attr.startswith("on"):
            self.note(f"an event handler attribute {attr}=")
        urls = [u.strip().split()[0] for u in value.split(",") if u.strip()] \
            if attr in ("srcset", "imagesrcset") else [value] if attr in URL_ATTRS else []
        for url in urls:
            if self.kept and FILE_RE.match(browser_form(url)):
                continue  # the renderer's input names the project's pictures so
            why = url_problem(url, self.name if self.outward else None)
            if why:
                self.note(f"{attr}=: {why}")
        self.text(value)

    def handle_data(self, data):
        if self.in_script:
            self.script[1].append(data)
        self.text(data)

    def text(self, value: str) -> None:
        if value.isascii():
            return
        line = self.getpos()[0]
        for p in invisible_characters(value, self.name, line):
            self.found.append((p.where.line or line, p.message.split(":")[0]))

    def handle_comment(self, data):
        if not self.kept:
            self.note(f"a comment <!--{data[:40]}-->")

    def handle_decl(self, decl):
        if not decl.lower().startswith("doctype"):
            self.note(f"a declaration <!{decl[:40]}>")

    def unknown_decl(self, data):
        if not data.startswith("CDATA["):
            self.note(f"a declaration <![{data[:40]}]>")


def bundled_texts() -> frozenset[str]:
    """The text of each of careprint's own scripts, without the spaces at its ends."""
    if not _TEXTS:
        folder = Path(__file__).resolve().parents[1] / "templates"
        _TEXTS.append(frozenset((folder / n).read_text("utf-8").strip()
                                for n in BUNDLED_SCRIPTS))
    return _TEXTS[0]


_TEXTS: list[frozenset[str]] = []


def url_problem(url: str, page: str | None) -> str | None:
    """Why a reader's browser must not be sent to `url` from the page at `page` (a path
    inside the output), or None; with `page` None, only its scheme is judged."""
    why = url_scheme_problem(url)
    if why or page is None:
        return why
    form = browser_form(url).replace("\\", "/")  # as WeasyPrint and browsers read it
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", form) or form.startswith("#") or not form:
        return None
    if form.startswith("/"):
        return (f"link {url[:60]!r} leads out of the output (a path from the top of a "
                "website, or another host)")
    path = unquote(re.split(r"[?#]", form, maxsplit=1)[0])
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if joined == ".." or joined.startswith("../"):
        return f"link {url[:60]!r} leads out of the output folder"
    return None


def page_findings(page: str, name: str, scripts: tuple[str, ...] = BUNDLED_SCRIPTS,
                  outward: bool = True, inline_ok: bool = False,
                  kept: bool = False) -> list[tuple[int, str]]:
    """(line, what) for each thing in `page` (at `name`, a path inside the output) that
    must not ship; `scripts` are the names of careprint's scripts it may load. With
    `outward` False, an address without a scheme is not judged (kept HTML). With
    `inline_ok`, a script written into the page whole, byte for byte one of careprint's
    own (the build folder's library page), is careprint's. With `kept`, the page is the
    HTML a PDF was made from (--keep-html): its comments and the file: addresses of the
    project's pictures are WeasyPrint's input, not a reader's page, and are allowed."""
    reader = _PageReader(name, scripts, outward)
    reader.inline_ok, reader.kept = inline_ok, kept
    reader.feed(page)
    reader.close()
    if kept:
        return sorted(set(reader.found))
    told = {line for line, why in reader.found if "file:" in why}
    for m in FILE_RE.finditer(page):
        line = page.count("\n", 0, m.start()) + 1
        if line not in told:  # not a link's address, already named
            shown = re.split(r"[\s\"'<>]", page[m.start():m.start() + 60], maxsplit=1)[0]
            reader.found.append((line, f"a file: address {shown!r}"))
    return sorted(set(reader.found))


# ---------------------------------------------------------------- templates, as loaded

_TEMPLATE_RE = re.compile(r"<\s*(script|base)\b|http-equiv\s*=\s*[\"']?\s*refresh", re.I)


def project_template_problems(root) -> list[Problem]:
    """template_problems() of every page template and script in the project's
    templates/, read as the project loads (careprint/source/load.py): an error there stops
    every build, whatever its formats, before anything is written."""
    folder = Path(root) / "templates"
    if not folder.is_dir():
        return []
    problems = []
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() in (".js", ".mjs", ".html", ".xhtml", ".htm") and \
                path.is_file():
            name = path.relative_to(folder).as_posix()
            problems += template_problems(name, path.read_text("utf-8", errors="replace"))
    return problems


def template_check(name: str, source: str) -> None:
    """Stop with template_problems(), if there are any."""
    problems = template_problems(name, source)
    if problems:
        raise ProjectError(problems)


def template_problems(name: str, source: str) -> list[Problem]:
    """A project template's problems: it replaces one of careprint's scripts, or it adds
    a <script> (other than the ones careprint's own templates load its scripts with), a
    refresh or a <base>. Each names templates/NAME:line."""
    where = f"templates/{name}"
    if posixpath.basename(name) in BUNDLED_SCRIPTS or name.endswith((".js", ".mjs")):
        return [Problem(where, "a project cannot replace or add careprint's scripts (they "
                        "run in every reader's browser); delete this file")]
    problems = []
    for m in _TEMPLATE_RE.finditer(source):
        kind = (m.group(1) or "refresh").lower()
        if kind == "script" and _script_tag(source, m) in _bundled_tags():
            continue  # a bundled template's own <script> for careprint's script, copied
        what = {"script": "a <script>", "base": "a <base>"}.get(
            kind, "a <meta http-equiv=\"refresh\">")
        problems.append(Problem(at(where, source.count("\n", 0, m.start()) + 1),
                                f"{what}: a template may not add script, a refresh or a "
                                "<base> to careprint's pages (they would run or send "
                                "readers elsewhere); remove it"))
    return problems


def _script_tag(source: str, m: re.Match) -> str:
    """The <script> at `m` up to its end tag, spaces normalised."""
    end = source.lower().find("</script", m.start())
    return re.sub(r"\s+", " ", source[m.start():end if end >= 0 else len(source)])


_BUNDLED: list[frozenset[str]] = []


def _bundled_tags() -> frozenset[str]:
    """careprint's own templates' <script> elements that load careprint's scripts (a
    `src` from the page's context, or quick-exit.js included)."""
    if not _BUNDLED:
        tags = set()
        for path in (Path(__file__).resolve().parents[1] / "templates").glob("*.*html"):
            source = path.read_text(encoding="utf-8")
            tags |= {_script_tag(source, m) for m in re.finditer(r"<\s*script\b", source)}
        _BUNDLED.append(frozenset(t for t in tags if 'src="{{' in t or
                                  '{% include "quick-exit.js" %}' in t))
    return _BUNDLED[0]
