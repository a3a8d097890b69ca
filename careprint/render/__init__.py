"""Renderers: one module per output format.

Each exposes `render(eg, ctx) -> list[Artifact]`: it returns bytes, never writes.
The build (careprint.build) writes every artifact atomically. weasyprint and
ebooklib are imported inside the renderers that need them, never at CLI start-up.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import html as _html
import io
import re
from dataclasses import dataclass, field
from html import unescape as html_unescape
from pathlib import Path

from ..errors import Problem, ProjectError

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class Job:
    """One output file to make: a target of the build plan."""

    fmt: str
    edition: str
    item: str  # chapter name, worksheet id, "pack" or "" (the whole guide)
    relpath: str  # under the build folder
    weight: int  # rough cost, to start big documents first
    content: str  # digest of the edition-filtered content the output includes
    paper: str = ""  # the paper of a PDF ("a4", "letter"); "" for the EPUB and the web
    # where the pages fell when this output was last made ((pages, {anchor: page index})
    # per part): a guess that lets a rebuilt guide write its page numbers in (render/pdf.py)
    layout: tuple | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Artifact:
    """One finished output: its bytes, its page count, and the HTML it was made from."""

    relpath: str
    data: bytes
    pages: int = 0
    warnings: tuple[str, ...] = ()
    html: str | tuple[str, ...] | None = None  # what WeasyPrint was given (--keep-html);
    # a tuple for a guide laid out in parts
    layout: tuple | None = None  # of a whole guide: see Job.layout


def digest(*parts) -> str:
    """A stable hash of plain data (dataclasses, tuples, strings, dates)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(repr(part).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def chapter_fingerprint(view) -> tuple:
    """What a chapter contributes to an output, after the edition filter."""
    c = view.chapter
    images = tuple((i.src, hashlib.sha256(i.path.read_bytes()).hexdigest())
                   for i in view.images)
    return (view.number, c.name, c.title, c.summary, c.key_points, c.content_note, view.html,
            view.glossary, images)


def worksheet_fingerprint(view) -> tuple:
    w = view.worksheet
    return (view.number, w.id, w.title, w.purpose, w.fields, view.instructions_html,
            view.closing_html)


@dataclass(frozen=True)
class BuildContext:
    """What every renderer needs besides the edition itself."""

    root: Path  # the project folder
    paper: str  # "a4" or "letter"
    source_date: _dt.datetime  # fixed: SOURCE_DATE_EPOCH or the configured date, UTC
    bleed: str = ""  # print-shop bleed, e.g. "3mm"
    marks: bool = False  # print-shop crop marks


def source_date(config_date: _dt.date, environ) -> _dt.datetime:
    """SOURCE_DATE_EPOCH when set (reproducible-builds.org), else the configured date."""
    value = environ.get("SOURCE_DATE_EPOCH")
    if value:
        try:
            return _dt.datetime.fromtimestamp(int(value), _dt.UTC).replace(tzinfo=None)
        except (ValueError, OverflowError, OSError):
            raise ProjectError(Problem("SOURCE_DATE_EPOCH", f"{value!r} is not a Unix "
                                       "timestamp (seconds since 1970)")) from None
    return _dt.datetime(config_date.year, config_date.month, config_date.day)


def pdf_bytes(pdf) -> bytes:
    """A pikepdf document, saved reproducibly: an /ID from its content, objects packed."""
    import pikepdf

    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def css_string(value: str) -> str:
    """Quote a Python string as a CSS string literal."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return f'"{escaped}"'


def long_date(d) -> str:
    return f"{d.day} {d:%B %Y}"


_ENV_CACHE: dict = {}  # project folder -> (its templates' stamp, the environment)


def environment(root: Path):
    """The Jinja environment: the project's templates/ first, then careprint's bundled ones,
    in a sandbox (render/sandbox.py).

    One environment, and its cache of compiled templates, serves every render while the
    project's templates/ stays as it is; a template added, removed or replaced there (as
    under `careprint serve`) gives a new one, so an override is never hidden by a bundled
    template compiled earlier.
    """
    from markupsafe import Markup

    from ..phones import phone_links
    from .sandbox import make_environment, templates_stamp

    key, stamp = str(root), templates_stamp(root)
    cached = _ENV_CACHE.get(key)
    if cached is None or cached[0] != stamp:
        env = make_environment(root, PACKAGE_TEMPLATES, {
            "css_string": lambda s: Markup(css_string(str(s))),
            "long_date": long_date,
            "safe_html": Markup,  # our own XHTML, made by careprint.markup
            "phone_links": phone_links,
        })
        cached = _ENV_CACHE[key] = (stamp, env)
    return cached[1]


def render_template(root: Path, name: str, config_key: str | None = None, **context) -> str:
    """Render one template; template problems become ProjectErrors naming template:line."""
    import jinja2
    from jinja2.exceptions import SecurityError

    from ..typography import typeset_html

    env = environment(root)
    try:
        page = env.get_template(name).render(**context)
        # typographic quotes, unbroken numbers and file names in every page (issue 16)
        return typeset_html(page) if name.endswith((".html", ".xhtml")) else page
    except jinja2.TemplateNotFound as exc:
        where = f"careprint.toml: {config_key}" if config_key else f"templates/{name}"
        raise ProjectError(Problem(where, f"template {exc.name!r} not found in templates/ "
                                   "or careprint's bundled templates")) from None
    except jinja2.TemplateSyntaxError as exc:
        raise ProjectError(Problem(f"{_template_path(exc.filename, exc.name)}:{exc.lineno}",
                                   f"template syntax error: {exc.message}")) from None
    except jinja2.UndefinedError as exc:
        raise ProjectError(Problem(_traceback_where(exc, name),
                                   f"template error: {exc.message}")) from None
    except SecurityError as exc:
        raise ProjectError(Problem(_traceback_where(exc, name), f"not allowed in a template: "
                                   f"{exc} (templates render in a sandbox: see "
                                   "docs/security.md)")) from None
    except OverflowError as exc:  # the sandbox's limit on range()
        raise ProjectError(Problem(_traceback_where(exc, name),
                                   f"template error: {exc}")) from None


def _template_path(filename, name) -> str:
    if filename:
        path = Path(filename)
        if path.is_relative_to(PACKAGE_TEMPLATES):
            return f"careprint/templates/{path.relative_to(PACKAGE_TEMPLATES).as_posix()}"
        return f"templates/{path.name}"
    return f"templates/{name}"


def _traceback_where(exc: BaseException, name: str) -> str:
    """template:line of the innermost template frame of a Jinja runtime error."""
    tb, where = exc.__traceback__, f"templates/{name}"
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.endswith((".html", ".xhtml", ".css")) or \
                "<template>" in code.co_filename:
            where = f"{_template_path(code.co_filename, name)}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


def template_sources(root: Path, names) -> dict[str, str]:
    """Every template `names` use, followed through include/import/extends: {name: source}.

    A project's own templates/ file wins over careprint's bundled one of the same name.
    """
    import jinja2
    from jinja2 import meta

    env = environment(root)
    todo, seen = list(names), {}
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        try:
            source, _, _ = env.loader.get_source(env, name)
        except jinja2.TemplateNotFound:
            seen[name] = ""  # render_template reports it, naming the config key
            continue
        seen[name] = source
        if source not in _REFERENCED:
            try:
                _REFERENCED[source] = tuple(
                    n for n in meta.find_referenced_templates(env.parse(source)) if n)
            except jinja2.TemplateSyntaxError:
                _REFERENCED[source] = ()  # reported by render_template, with template:line
        todo.extend(_REFERENCED[source])
    return dict(sorted(seen.items()))


_REFERENCED: dict[str, tuple[str, ...]] = {}  # template source -> the templates it names


_DECORATIVE_RE = re.compile(
    r'<img\b(?=[^>]*\bclass="[^"]*\bdecorative\b)[^>]*?\bsrc="([^"]*)"[^>]*/?>')


def decorative_as_background(fragment: str, images) -> str:
    """For PDFs: draw images marked decorative (`{: .decorative}`) as CSS backgrounds.

    WeasyPrint tags every <img> as a Figure, which PDF/UA requires to have alternate text;
    a background is an artifact, which is what a decorative image is to a screen reader.
    """
    by_src = {i.src: i for i in images}

    def sub(m):
        image = by_src.get(html_unescape(m.group(1)))
        if image is None:
            return m.group(0)
        w, h = image_size(image.path)
        if w > 600:
            w, h = 600, round(h * 600 / w)
        return (f'<span class="decorative-image" aria-hidden="true" style="display: '
                f'inline-block; width: {w}px; height: {h}px; max-width: 100%; background: '
                f'url(&quot;{m.group(1)}&quot;) no-repeat; background-size: contain"></span>')
    return _DECORATIVE_RE.sub(sub, fragment)


def image_size(path) -> tuple[int, int]:
    """(width, height) in CSS px of a raster image; SVGs count as 300 x 150."""
    if path.suffix.lower() == ".svg":
        return 300, 150
    from PIL import Image as PILImage

    with PILImage.open(path) as im:
        return im.size


_A_RE = re.compile(r'<a class="(xref[^"]*)" href="#([^"]+)">(.*?)</a>', re.S)


def retarget_links(fragment: str, targets: dict[str, str]) -> str:
    """Point cross-reference links at `targets[id]`; a link whose target is absent becomes text.

    careprint.markup writes every cross-reference as `<a class="xref ..." href="#ID">`.
    A PDF links within the document; an EPUB links to other files; a handout, printed
    alone, keeps the words and drops links that would lead nowhere.
    """
    def sub(m):
        cls, ident, label = m.group(1), m.group(2), m.group(3)
        if ident in targets:
            return f'<a class="{cls}" href="{_html.escape(targets[ident])}">{label}</a>'
        return f'<span class="{cls}">{label}</span>'
    return _A_RE.sub(sub, fragment)
