"""`careprint init DIR`: a new guide project that builds and passes `careprint check` at once."""

from __future__ import annotations

import datetime as _dt
import os
import tomllib
from pathlib import Path

import tomli_w

from ..errors import CareprintError
from ..render import PACKAGE_TEMPLATES
from ..source.slugs import slugify

SCAFFOLD = Path(__file__).resolve().parents[1] / "scaffold"
# The scaffold in another language: the same project, written in it (`init --language`)
SCAFFOLDS = Path(__file__).resolve().parents[1] / "scaffolds"
# Files with {title}, {slug} or {date} in them. In careprint.toml each stands quoted
# ("{title}") and is replaced by the value as TOML writes it, quotes and escapes included.
FILLED = ("careprint.toml", "content/resources/support.yaml", "content/resources/apoyo.yaml",
          "README.md")
# Scaffold files whose name in a new project differs: a dot-file is easily lost in packaging.
RENAMED = {"gitignore": ".gitignore"}


def languages() -> list[str]:
    """The languages `init` writes a new guide in: English, and each of scaffolds/."""
    return ["en", *sorted(p.name for p in SCAFFOLDS.iterdir() if p.is_dir())]


def init_project(dest: Path, title: str | None = None, force: bool = False,
                 with_templates: bool = False, today: _dt.date | None = None,
                 language: str = "en") -> list[Path]:
    """Write the scaffold into `dest`, in `language`; return the files written. Never
    overwrites a file unless `force`; then refuses before writing anything."""
    if language not in languages():
        raise CareprintError(f"--language {language!r}: careprint has no new guide in that "
                             f"language; choose one of: {', '.join(languages())}")
    scaffold = SCAFFOLD if language == "en" else SCAFFOLDS / language
    dest = Path(dest)
    title = title or dest.resolve().name.replace("-", " ").replace("_", " ").title() or "My Guide"
    values = {"title": title, "slug": project_slug(title),
              "date": (today or _dt.date.today()).isoformat()}
    plan = {}
    for src in sorted(p for p in scaffold.rglob("*") if p.is_file()):
        rel = src.relative_to(scaffold).as_posix()
        if "__pycache__" in rel:
            continue
        text = src.read_text("utf-8")
        if rel == "careprint.toml":
            text = _fill_toml(text, values)
        elif rel in FILLED:
            for key, value in values.items():
                text = text.replace("{" + key + "}", value)
        plan[dest / RENAMED.get(rel, rel)] = text
    # theme.css is the template editors change first: the project starts with its own copy
    chosen = sorted(PACKAGE_TEMPLATES.iterdir()) if with_templates else \
        [PACKAGE_TEMPLATES / "theme.css"]
    for src in chosen:
        if src.is_file():
            plan.setdefault(dest / "templates" / src.name, src.read_text("utf-8"))
    _refuse_links(dest, plan)
    existing = [p for p in plan if p.exists()]
    if existing and not force:
        names = ", ".join(str(p) for p in existing[:5])
        more = f" and {len(existing) - 5} more" if len(existing) > 5 else ""
        raise CareprintError(f"{len(existing)} files already exist: {names}{more}. "
                             "Nothing was written; use --force to overwrite them.")
    for path, text in plan.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(path, text)
    return list(plan)


def _refuse_links(dest: Path, plan) -> None:
    """init never writes through a symbolic link (a file, or a folder on the way, that
    leads out of the project): refused before anything is written, naming the link."""
    seen: set[Path] = set()
    for path in plan:
        rel = path.relative_to(dest)
        for depth in range(1, len(rel.parts) + 1):
            here = dest.joinpath(*rel.parts[:depth])
            if here in seen:
                continue
            seen.add(here)
            if here.is_symlink():
                raise CareprintError(f"{here} is a symbolic link (to {os.readlink(here)}); "
                                     "careprint init never writes through one. Nothing was "
                                     "written: remove the link, or init a new folder.")


def _write(path: Path, text: str) -> None:
    """Write `path`, refusing a symbolic link put there since it was checked."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        raise CareprintError(f"cannot write {path}: {exc.strerror or exc}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def project_slug(title: str) -> str:
    """The guide's slug (output file names): from the title, starting with a letter."""
    slug = slugify(title) or "guide"
    return slug if slug[0].isalpha() else f"guide-{slug}"


def _fill_toml(text: str, values: dict[str, str]) -> str:
    """Put each value into the scaffold's careprint.toml as a TOML string, written by a TOML
    writer, so that any title (quotes, backslashes, new lines) reads back as it was given."""
    for key, value in values.items():
        text = text.replace(f'"{{{key}}}"', tomli_w.dumps({"v": value})[4:].rstrip("\n"))
    text = text.replace("{slug}", values["slug"])  # inside a string: only [a-z0-9-]
    tomllib.loads(text)  # a scaffold that does not read back is a bug in careprint
    return text
