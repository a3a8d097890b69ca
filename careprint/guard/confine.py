"""A project reads only its own files: no symbolic link may lead out of it.

    problems = outside_links(root)

lists every file or folder a build reads (careprint.toml, content/ and templates/, and
everything under them) whose real path is outside the project: a chapter linked to a
file elsewhere, `templates/theme.css -> /etc/passwd`, content/ itself linked to another
folder. Each is named by its path in the project. Links that stay inside the project are
fine. load_project() raises them before reading anything, so nothing outside the project
is read, published or written into the manifest.

Templates are also guarded where they are loaded (render/sandbox.py). Images are checked
where a chapter shows them (careprint.source.assets), so that error names the chapter's
file:line as well as the image.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import Problem, ProjectError

# the files content/ may hold besides its sources: a chapter's pictures (source/assets.py)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")

READ = ("careprint.toml", "content", "templates", "imprints")  # what a build reads


def check_inside(root: Path) -> None:
    """Raise ProjectError naming every link in the project that leads out of it."""
    problems = outside_links(root)
    if problems:
        raise ProjectError(problems)


def outside_message(real: Path) -> str:
    """What a link that leads out of the project is told (here, and where a template is
    loaded: render/sandbox.py)."""
    return (f"a symbolic link to {real}, outside the project: a project reads only its own "
            "files; copy the file into the project instead")


def outside_links(root: Path) -> list[Problem]:
    top = Path(os.path.realpath(root))
    problems: list[Problem] = []
    seen: set[str] = set()  # real folders already walked: links in circles end
    todo = [Path(root) / name for name in READ]
    while todo:
        path = todo.pop()
        rel = path.relative_to(root).as_posix()
        if not os.path.lexists(path):
            continue
        real = os.path.realpath(path)
        if not Path(real).is_relative_to(top):
            image = rel.startswith("content/") and path.suffix.lower() in IMAGE_SUFFIXES
            if not (image and os.path.isfile(real)):  # images: where a chapter shows them
                problems.append(Problem(rel, outside_message(Path(real))))
            continue
        if os.path.isdir(real) and real not in seen and Path(real) != top:
            seen.add(real)
            try:
                names = sorted(os.listdir(path))
            except OSError:
                continue  # an unreadable folder is reported where it is read
            todo.extend(path / name for name in names)
    return sorted(problems)
