"""The one CSS check: what a piece of CSS may load, for every output format.

CSS reaches an output from three places: `style` attributes in content (chapters,
worksheets), the project's own stylesheets and HTML templates in templates/, and the
`<style>` elements and style attributes of SVG images. Each is tokenized with tinycss2,
the tokenizer WeasyPrint itself uses, so CSS escapes (`\\75 rl(`), comments and odd
spacing are decoded exactly as a browser decodes them before anything is checked.

Every URL the CSS names (url tokens, `url()` and `src()` functions, `@import`,
`image-set()` and friends) must be a `#fragment`, or, where a base folder is given
(the CSS in templates/), a relative path that resolves inside the project from the
folder WeasyPrint resolves it from (content/chapters/). Anything
else (`http:`, `https:`, `ftp:`, `data:`, `file:`, any other scheme, `//host`, an absolute
path, a path leading out of the project) is a Problem naming `file:line`.
"""

from __future__ import annotations

import html
import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import tinycss2

from ..errors import Problem, at

# functions whose string arguments are URLs (CSS Images 4, Values 4)
URL_FUNCTIONS = frozenset({"url", "src"})
IMAGE_FUNCTIONS = frozenset({"image-set", "-webkit-image-set", "image", "cross-fade",
                             "-webkit-cross-fade"})
URL_BLANKS_RE = re.compile(r"[\t\n\r]")  # browsers drop these from URLs before parsing


def url_problem(url: str, base: Path | None = None, root: Path | None = None) -> str | None:
    """Why `url` may not be loaded, or None. Without `base`, only `#fragment` is allowed;
    with it, also a relative path from `base` that stays inside `root`."""
    value = URL_BLANKS_RE.sub("", url).strip(" \x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c"
                                             "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18"
                                             "\x19\x1a\x1b\x1c\x1d\x1e\x1f")
    if value == "" or value.startswith("#"):
        return None
    shown = repr(value[:60])
    if "\\" in value:  # a browser reads `\` as `/`: `/\host` is `//host`
        return f"URL {shown} contains a backslash, which is not allowed"
    parts = urlsplit(value)
    if parts.scheme:
        return f"{parts.scheme}: URL {shown} is not allowed; CSS may load only files inside " \
               "the project"
    if parts.netloc or value.startswith("//"):
        return f"URL {shown} names another host, which is not allowed"
    if base is None or root is None:
        return f"URL {shown} is not allowed: only #fragment references are allowed here"
    path = unquote(parts.path)
    if path.startswith("/"):
        return f"URL {shown}: an absolute path is not allowed; use a path relative to " \
               "the stylesheet"
    target = (base / PurePosixPath(path)).resolve()
    if not target.is_relative_to(Path(root).resolve()):
        return f"URL {shown} leads outside the project, which is not allowed"
    return None


def _string_args(block) -> list:
    return [t for t in block.arguments if t.type not in ("whitespace", "comment")]


def _urls(nodes):
    """(url or None, line, what) for every place in `nodes` that names a URL; a None url
    means a construct that loads something in a way that cannot be checked."""
    nodes = list(nodes)
    for i, node in enumerate(nodes):
        kind = node.type
        if kind == "url":
            yield node.value, node.source_line, "url()"
        elif kind == "function":
            yield from _function_urls(node)
            yield from _urls(node.arguments)
        elif kind == "at-keyword" and node.lower_value == "import":
            following = [t for t in nodes[i + 1:i + 4] if t.type not in ("whitespace", "comment")]
            if following and following[0].type == "string":
                yield following[0].value, following[0].source_line, "@import"
        elif kind == "error" and node.kind == "bad-url":
            yield None, node.source_line, "a malformed url()"
        elif kind in ("() block", "[] block", "{} block"):
            yield from _urls(node.content)


def _function_urls(node):
    """What a function itself loads (not its arguments), as _urls says it."""
    name = node.lower_name
    args = _string_args(node)
    if name in URL_FUNCTIONS:
        if len(args) >= 1 and args[0].type == "string":
            yield args[0].value, node.source_line, f"{name}()"
        else:
            yield None, node.source_line, f"{name}() without a plain quoted URL"
    elif name in IMAGE_FUNCTIONS:
        for arg in args:
            if arg.type == "string":
                yield arg.value, arg.source_line, f"{name}()"
    elif name == "expression":
        yield None, node.source_line, "expression()"
    elif name == "attr" and any(getattr(a, "lower_value", "") == "url" for a in args):
        yield None, node.source_line, "attr(... url)"


def css_problems(css: str, path: str, first_line: int = 1, *, base: Path | None = None,
                 root: Path | None = None, what: str = "CSS") -> list[Problem]:
    """Problems with what `css` (from `path`, starting at `first_line`) would load.

    `css` may be a whole stylesheet or the value of a `style` attribute: the tokens are
    walked either way. `base` and `root` allow relative URLs inside the project.
    """
    tokens = tinycss2.parse_component_value_list(css, skip_comments=True)
    problems = []
    for url, line, construct in _urls(tokens):
        where = at(path, first_line + (line or 1) - 1)
        if url is None:
            problems.append(Problem(where, f"{what}: {construct} is not allowed"))
            continue
        why = url_problem(url, base, root)
        if why:
            problems.append(Problem(where, f"{what}: {construct}: {why}"))
    return problems


def style_attribute_problems(value: str, where_path: str, line: int,
                             what: str = "a style attribute") -> list[Problem]:
    """A `style="..."` attribute of content: it may load nothing but a #fragment."""
    return css_problems(html.unescape(value), where_path, line, what=what)


# ---------------------------------------------------------------- the project's templates/

# templates' CSS goes inline into the documents WeasyPrint renders, whose base URL is
# content/chapters/ (careprint/render/weasy.py): a relative URL is resolved from there
DOCUMENT_BASE = "content/chapters"
STYLE_ELEMENT_RE = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.S | re.I)
STYLE_ATTR_RE = re.compile(r"\bstyle\s*=\s*(\"[^\"]*\"|'[^']*')", re.I)


def template_css_problems(root: Path) -> list[Problem]:
    """Every stylesheet in the project's templates/, and the CSS inside its HTML
    templates (`<style>` elements, style attributes), checked as one piece of CSS each,
    with the line in that file."""
    root = Path(root)
    folder = root / "templates"
    if not folder.is_dir():
        return []
    problems, base = [], root / DOCUMENT_BASE
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = file.relative_to(root).as_posix()
        suffix = file.suffix.lower()
        if suffix not in (".css", ".html", ".xhtml", ".htm"):
            continue
        try:
            text = file.read_text("utf-8", errors="replace")
        except OSError:
            continue  # reported by whoever reads the template
        if suffix == ".css":
            problems.extend(css_problems(text, rel, base=base, root=root,
                                         what="stylesheet"))
            continue
        for m in STYLE_ELEMENT_RE.finditer(text):
            line = text.count("\n", 0, m.start(1)) + 1
            problems.extend(css_problems(m.group(1), rel, line, base=base, root=root,
                                         what="<style>"))
        for m in STYLE_ATTR_RE.finditer(text):
            line = text.count("\n", 0, m.start(1)) + 1
            problems.extend(css_problems(html.unescape(m.group(1)[1:-1]), rel, line,
                                         base=base, root=root, what="a style attribute"))
    return problems


def rendered_css_problems(css: str, template: str, root: Path) -> list[Problem]:
    """A stylesheet as a template rendered it: catches a URL that Jinja put together.
    Lines are those of the rendered CSS, so the message says so."""
    base = Path(root) / DOCUMENT_BASE
    return [Problem(f"templates/{template}", f"{p.message} (line {p.where.line}"
                    " of the CSS it renders)")
            for p in css_problems(css, "", 1, base=base, root=root, what="stylesheet")]


def checked_stylesheet(css: str, template: str, root: Path) -> str:
    """`css`, rendered from `template`, if it loads nothing it may not; else ProjectError."""
    from ..errors import ProjectError

    problems = rendered_css_problems(css, template, root)
    if problems:
        raise ProjectError(problems)
    return css
