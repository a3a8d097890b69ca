"""The Jinja environment every template renders in: a sandbox that reads only the project.

A guide project is untrusted input, and its templates/ are part of it. So every template,
careprint's bundled ones included, renders in Jinja's ImmutableSandboxedEnvironment:

- no attribute that starts with `_` (no `__globals__`, `__class__`, `__subclasses__`...),
  so a template cannot reach Python's modules, `os` or `open`;
- no method that changes a list, dict or set (`append`, `update`, `pop`...);
- no file paths: a `pathlib` path (an image's file, say) is never handed to a template,
  so a template cannot read or write a file through one.

A template that tries any of these stops the build with jinja2's SecurityError, which
render_template reports as an error naming the template's file:line.

A template's time and the size of what it makes are bounded too (render/limits.py): its
operators `+ * ** %`, its calls, attribute look-ups and loops check them, the filters
that take a size check it first (render/safe_filters.py), and `lipsum` and the `random`
filter, whose results are random (an output depends on its inputs alone), are not there.

careprint's words in a template are messages of its catalogue (`{% trans %}`, `_()`,
`ngettext`: Jinja's i18n extension, newstyle), in the language of the render under way
(careprint/source/i18n.py); a project's templates can use them too.

Templates are found in the project's templates/ first, then in careprint's bundled
templates. A project template whose real path is outside the project (a symbolic link to
/etc/passwd, or templates/ itself linked elsewhere) is an error naming it, never read.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath
from types import ModuleType

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import pass_context
from jinja2.visitor import NodeTransformer

from ..errors import Problem, ProjectError
from ..guard.confine import outside_message
from ..guard.outguard_html import template_check
from ..source import i18n
from ..source.reads import note_template
from . import limits
from .safe_filters import guarded_filters

LOOP_FILTER = "careprint_turns"  # wraps what every {% for %} loops over
SIZED_FILTER = "careprint_sized"  # checks what every `~` makes


class ProjectSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, also closed to file paths and modules, and bounded."""

    intercepted_binops = frozenset({"+", "*", "**", "%"})

    def call_binop(self, context, operator, left, right):
        limits.tick()
        limits.check_binop(operator, left, right)
        result = super().call_binop(context, operator, left, right)
        limits.check_size(result)
        return result

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own names)
        limits.tick()
        return super().call(__context, __obj, *limits.check_method(__obj, args), **kwargs)

    def getattr(self, obj, attribute):
        limits.tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):
        limits.tick()
        return super().getitem(obj, argument)

    def wrap_str_format(self, value):
        """`str.format` and `format_map`, sandboxed by Jinja, refusing first a text its
        fields' widths would make too long."""
        formatter = super().wrap_str_format(value)
        if formatter is None:
            return None
        text = str(value.__self__)

        def checked(*args, **kwargs):
            mapping = args[0].values() if len(args) == 1 and isinstance(args[0], dict) else ()
            limits.check_format(text, (*args, *mapping), kwargs)
            return formatter(*args, **kwargs)

        return checked

    def concat(self, parts) -> str:
        """A render's whole output (Template.render), refused past limits.OUTPUT."""
        out, total = [], 0
        for part in parts:
            total += len(part)
            if total > limits.OUTPUT:
                raise limits.TemplateLimit(f"its output passed {limits.OUTPUT:,} characters")
            out.append(part)
        return "".join(out)

    def _generate(self, source, name, filename, defer_init=False):
        """Compile with every loop counted and every `~` measured (_Bounds)."""
        return super()._generate(_Bounds().visit(source), name, filename, defer_init)

    def is_safe_attribute(self, obj, attr: str, value) -> bool:
        if isinstance(obj, (PurePath, ModuleType)) or isinstance(value, (PurePath, ModuleType)):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def get_template(self, name, parent=None, globals=None):
        """Every template a render loads, included and imported ones too (they come here
        as well), is one it depends on (careprint/source/reads.py)."""
        template = super().get_template(name, parent, globals)
        note_template(template.name, template.filename)
        return template


class ProjectLoader(jinja2.FileSystemLoader):
    """The project's templates/: a template whose real path leads out of the project is
    an error naming it (templates/NAME), and is never read."""

    def __init__(self, root: Path):
        self.root = Path(os.path.realpath(root))
        super().__init__(str(Path(root) / "templates"))

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(os.path.realpath(filename))
        if not real.is_relative_to(self.root):
            raise ProjectError(Problem(f"templates/{template}", outside_message(real)))
        template_check(template, source)  # no script, refresh or <base> (outguard_html.py)
        return source, filename, uptodate


class _Bounds(NodeTransformer):
    """Every `{% for %}` loops over what LOOP_FILTER hands it; every `a ~ b` goes through
    SIZED_FILTER."""

    def visit_For(self, node):
        node = self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, LOOP_FILTER, [], [], None, None,
                                 lineno=node.lineno)
        return node

    def visit_Concat(self, node):
        node = self.generic_visit(node)
        return nodes.Filter(node, SIZED_FILTER, [], [], None, None, lineno=node.lineno)


class _Turns:
    """What a loop goes over, counting its turns (limits.tick) a thousand at a time."""

    __slots__ = ("items",)

    def __init__(self, items):
        self.items = items

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        n = 0
        for item in self.items:
            n += 1
            if n == 1000:
                limits.tick(n)
                n = 0
            yield item
        limits.tick(n)


@pass_context  # never run while compiling
def _turns(_context, items):
    return _Turns(items)


@pass_context
def _sized(_context, value):
    limits.check_size(value)
    return value


def make_environment(root: Path, bundled: Path, filters: dict) -> jinja2.Environment:
    """A fresh sandboxed environment for the project at `root`."""
    loader = jinja2.ChoiceLoader([ProjectLoader(root), jinja2.FileSystemLoader(str(bundled))])
    env = ProjectSandbox(loader=loader, undefined=jinja2.StrictUndefined, autoescape=True,
                         trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                         extensions=["jinja2.ext.i18n"])
    # newstyle: a message's %(name)s are filled in, and escaped, by the call itself (the
    # extension adds the method to the environment, where mypy cannot see it)
    env.install_gettext_callables(i18n.gettext, i18n.ngettext,  # type: ignore[attr-defined]
                                  newstyle=True)
    env.filters.update(guarded_filters(env.filters))
    env.filters.update(filters)
    env.filters.update({LOOP_FILTER: _turns, SIZED_FILTER: _sized})
    env.globals.pop("lipsum", None)
    env.filters.pop("random", None)  # chosen anew each build: the same inputs, other bytes
    return env


def templates_stamp(root: Path) -> tuple:
    """Every file under the project's templates/, with its size, time and inode: a new
    override, or one removed or replaced, gives a new stamp (and so a new environment).

    The environment's own cache notices edits to a template it has loaded; it does not
    notice a project template that now hides a bundled one it loaded before.
    """
    out = []
    for dirpath, _dirs, files in os.walk(Path(root) / "templates"):
        for name in files:
            path = os.path.join(dirpath, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            out.append((path, st.st_size, st.st_mtime_ns, st.st_ino))
    return tuple(sorted(out))
