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
    here = Path(start if start is not None else Path.cwd()).absolute()
    home = _home()
    try:
        device = here.stat().st_dev
    except OSError:
        return None
    for folder in (here, *here.parents):
        try:
            if folder.stat().st_dev != device:
                return None  # another filesystem
            if (folder / CONFIG_NAME).is_file():
                return folder
        except OSError:
            return None
        if folder == home or (folder / ".git").exists():
            return None
    return None


def _home() -> Path | None:
    home = os.environ.get("HOME")
    return Path(home).absolute() if home else None
