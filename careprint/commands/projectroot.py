"""Which guide project a command works on when it is not named: the folder that holds
careprint.toml, looked for from the current folder upward, as git looks for .git.

The search stops, having found nothing, at the filesystem's root, at a folder on another
filesystem (a mounted disk), at the user's home folder, and at a git repository's top
folder (one with .git): a careprint.toml above those is someone else's project, and a
command started in a folder of your own never reads it. A folder named on the command line
is used as it is.
"""

from __future__ import annotations

import os
from pathlib import Path

CONFIG_NAME = "careprint.toml"


def find_project(start: Path | None = None) -> Path | None:
    """The nearest folder from `start` (default: the current one) upward that holds
    careprint.toml, or None."""
    return search(start)[0]


def search(start: Path | None = None) -> tuple[Path | None, Path, str]:
    """(the project folder or None, the last folder looked in, why the search stopped
    there: "" when it found the project or reached the filesystem's root)."""
    here = Path(start if start is not None else Path.cwd()).absolute()
    home = _home()
    try:
        device = here.stat().st_dev
    except OSError:
        return None, here, "it cannot be read"
    last = here
    for folder in (here, *here.parents):
        try:
            if folder.stat().st_dev != device:
                return None, last, "the next one is on another disk"
            if (folder / CONFIG_NAME).is_file():
                return folder, folder, ""
        except OSError:
            return None, last, "the next one cannot be read"
        last = folder
        if folder == home:
            return None, folder, "it is your home folder"
        if (folder / ".git").exists():
            return None, folder, "it is the top of a git repository"
    return None, last, ""


def not_found(start: Path | None = None) -> str:
    """What a command says when no folder from `start` upward holds careprint.toml."""
    here = Path(start if start is not None else Path.cwd()).absolute()
    _, last, why = search(start)
    where = f"in {here}" if last == here else f"in {here} or any folder above it up to {last}"
    stop = f" (the search stops there: {why})" if why else ""
    return (f"not found {where}{stop}. Is this a careprint project? Run the command in the "
            "project's folder, name it (careprint build DIR), or create one with "
            "`careprint init DIR`")


def _home() -> Path | None:
    home = os.environ.get("HOME")
    return Path(home).absolute() if home else None
