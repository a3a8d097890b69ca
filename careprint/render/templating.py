"""Templates: the sandboxed Jinja environment (render/sandbox.py), rendering a template
with errors that name template:line, and finding every template a format uses."""

from __future__ import annotations

import html
from pathlib import Path

from ..errors import Location, Problem, ProjectError, at
from ..source.config import key_location

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def last_words_together(value: str) -> str:
    """`value` with a no-break space between its last two words: a title's last word never
    stands alone on its line (issue 25: "trauma" alone under the subtitle)."""
    head, space, tail = str(value).rstrip().rpartition(" ")
    return f"{head}\u00a0{tail}" if space and head else str(value)


def css_string(value: str) -> str:
    """Quote a Python string as a CSS string literal."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return f'"{escaped}"'


def long_date(d) -> str:
    """A date written out in the language of the render under way: "26 November 2026",
    "26 de noviembre de 2026" (careprint/source/i18n.py)."""
    from ..source import i18n

    return i18n.long_date(d, i18n.current().language)


def number(n, decimals: int | None = None) -> str:
    """A number as the language of the render under way writes it."""
    from ..source import i18n

    return i18n.number(n, i18n.current().language, decimals)


def css_content(text: str) -> str:
    """A translated message with counters in it, as the value of a CSS `content`:
    "Page \\0page\\0 of \\0pages\\0" -> `"Page " counter(page) " of " counter(pages)`."""
    pieces = str(text).split("\0")
    out = [f"counter({p})" if i % 2 and p in ("page", "pages") else css_string(p)
           for i, p in enumerate(pieces) if i % 2 or p]
    return " ".join(out)


def css_around(text: str, value: str) -> str:
    """A translated message with one CSS value in it, at its \\0, after a space:
    "(page \\0)" -> `" (page " target-counter(attr(href), page) ")"`."""
    before, _, after = str(text).partition("\0")
    return " ".join([css_string(" " + before), value, *([css_string(after)] if after else [])])


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

    from ..source.phones import phone_links
    from ..source.support import by_region, checked, web_label
    from .sandbox import make_environment, templates_stamp

    key, stamp = str(root), templates_stamp(root)
    cached = _ENV_CACHE.get(key)
    if cached is None or cached[0] != stamp:
        env = make_environment(root, PACKAGE_TEMPLATES, {
            "css_string": lambda s: Markup(css_string(str(s))),
            "long_date": long_date,
            "number": number,
            "css_content": lambda s: Markup(css_content(str(s))),
            "css_around": lambda s, v: Markup(css_around(str(s), str(v))),
            # a translated message as plain text again, for a filter that escapes it itself
            "plain": lambda s: html.unescape(str(s)),
            "safe_html": Markup,  # our own XHTML, made by careprint.source.markup
            "phone_links": phone_links,
            "web_label": web_label,  # the support list: careprint/source/support.py
            "by_region": by_region,
            "checked_dates": checked,
            "last_words_together": last_words_together,
        })
        cached = _ENV_CACHE[key] = (stamp, env)
    return cached[1]


def render_template(root: Path, name: str, config_key: str | None = None, **context) -> str:
    """Render one template, within its limits (render/limits.py); template problems become
    ProjectErrors naming template:line."""
    import jinja2

    from .limits import bounded
    from .typography import typeset_html

    env = environment(root)
    try:
        with bounded():
            page = env.get_template(name).render(**context)
    except jinja2.TemplateNotFound as exc:
        where = key_location(root, config_key) if config_key else f"templates/{name}"
        raise ProjectError(Problem(where, f"template {exc.name!r} not found in templates/ "
                                   "or careprint's bundled templates")) from None
    except jinja2.TemplateSyntaxError as exc:
        raise ProjectError(Problem(at(_template_path(exc.filename, exc.name), exc.lineno),
                                   f"template syntax error: {exc.message}")) from None
    except render_errors() as exc:
        raise ProjectError(Problem(_traceback_where(exc, name),
                                   render_message(exc))) from None
    # typographic quotes, unbroken numbers and file names in every page (issue 16)
    return typeset_html(page) if name.endswith((".html", ".xhtml")) else page


def render_errors() -> tuple[type[BaseException], ...]:
    """What a template can raise while it renders, besides a ProjectError of careprint's
    own: Jinja's errors (undefined names, the sandbox's refusals), the limits of
    render/limits.py, and Python's own from an operation it does (`1/0`, `"x" + 1`, a
    macro that calls itself: RecursionError)."""
    import jinja2

    from .limits import TemplateLimit

    return (jinja2.TemplateError, TemplateLimit, MemoryError, RecursionError,
            ArithmeticError, ValueError, TypeError, LookupError)


def render_message(exc: BaseException) -> str:
    """What an editor is told of a template that failed while it rendered."""
    from jinja2.exceptions import SecurityError

    from .limits import MEMORY, TemplateLimit

    if isinstance(exc, SecurityError):
        return (f"not allowed in a template: {exc} (templates render in a sandbox: see "
                "docs/security.md)")
    if isinstance(exc, TemplateLimit):
        return (f"template stopped: {exc} (the limits of a template are in "
                "docs/templates.md)")
    if isinstance(exc, MemoryError):
        return (f"template stopped: it needed more than {MEMORY // 1024 ** 2:,} MB of "
                "memory (the limits of a template are in docs/templates.md)")
    if isinstance(exc, RecursionError):
        return ("template error: it calls itself without end (a macro that calls itself, "
                "or a template that includes, imports or extends itself)")
    text = str(getattr(exc, "message", None) or exc)
    return f"template error: {text if len(text) <= 300 else text[:300] + '...'}"


def _template_path(filename, name) -> str:
    if filename:
        path = Path(filename)
        if path.is_relative_to(PACKAGE_TEMPLATES):
            return f"careprint/templates/{path.relative_to(PACKAGE_TEMPLATES).as_posix()}"
        return f"templates/{path.name}"
    return f"templates/{name}"


def _traceback_where(exc: BaseException, name: str) -> Location | str:
    """template:line of the innermost template frame of a Jinja runtime error; of a
    RecursionError, the template line that recurs most (where it calls itself)."""
    from collections import Counter

    seen: Counter[Location]
    tb, where, seen = exc.__traceback__, f"templates/{name}", Counter()
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.endswith((".html", ".xhtml", ".css")) or \
                "<template>" in code.co_filename:
            where = at(_template_path(code.co_filename, name), tb.tb_lineno)
            seen[where] += 1
        tb = tb.tb_next
    if isinstance(exc, RecursionError) and seen:
        return seen.most_common(1)[0][0]
    return where
