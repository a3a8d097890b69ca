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

Templates are found in the project's templates/ first, then in careprint's bundled
templates. A project template whose real path is outside the project (a symbolic link to
/etc/passwd, or templates/ itself linked elsewhere) is an error naming it, never read.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath
from types import ModuleType

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..errors import Problem, ProjectError
from ..outguard_html import template_check
from ..reads import note_template


class ProjectSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, also closed to file paths and modules."""

    def is_safe_attribute(self, obj, attr: str, value) -> bool:
        if isinstance(obj, (PurePath, ModuleType)) or isinstance(value, (PurePath, ModuleType)):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def get_template(self, name, parent=None, globals=None):
        """Every template a render loads, included and imported ones too (they come here
        as well), is one it depends on (careprint/reads.py)."""
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


def outside_message(real: Path) -> str:
    """What a link that leads out of the project is told (shared with careprint.confine)."""
    return (f"a symbolic link to {real}, outside the project: a project reads only its own "
            "files; copy the file into the project instead")


def make_environment(root: Path, bundled: Path, filters: dict) -> jinja2.Environment:
    """A fresh sandboxed environment for the project at `root`."""
    loader = jinja2.ChoiceLoader([ProjectLoader(root), jinja2.FileSystemLoader(str(bundled))])
    env = ProjectSandbox(loader=loader, undefined=jinja2.StrictUndefined, autoescape=True,
                         trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(filters)
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
