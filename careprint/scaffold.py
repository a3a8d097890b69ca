"""`careprint init DIR`: a new guide project that builds and passes `careprint check` at once."""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

from .errors import CareprintError
from .render import PACKAGE_TEMPLATES

SCAFFOLD = Path(__file__).resolve().parent / "scaffold"
FILLED = ("careprint.toml", "content/resources/support.yaml")  # with {title}, {slug}, {date}


def init_project(dest: Path, title: str | None = None, force: bool = False,
                 with_templates: bool = False, today: _dt.date | None = None) -> list[Path]:
    """Write the scaffold into `dest`; return the files written. Never overwrites a file
    unless `force`; then refuses before writing anything."""
    dest = Path(dest)
    title = title or dest.resolve().name.replace("-", " ").replace("_", " ").title() or "My Guide"
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "guide"
    if not slug[0].isalpha():
        slug = f"guide-{slug}"
    values = {"title": title.replace('"', "'"), "slug": slug,
              "date": (today or _dt.date.today()).isoformat()}
    plan = {}
    for src in sorted(p for p in SCAFFOLD.rglob("*") if p.is_file()):
        rel = src.relative_to(SCAFFOLD).as_posix()
        if "__pycache__" in rel:
            continue
        text = src.read_text("utf-8")
        if rel in FILLED:
            for key, value in values.items():
                text = text.replace("{" + key + "}", value)
        plan[dest / rel] = text
    # theme.css is the template editors change first: the project starts with its own copy
    chosen = sorted(PACKAGE_TEMPLATES.iterdir()) if with_templates else \
        [PACKAGE_TEMPLATES / "theme.css"]
    for src in chosen:
        if src.is_file():
            plan.setdefault(dest / "templates" / src.name, src.read_text("utf-8"))
    existing = [p for p in plan if p.exists()]
    if existing and not force:
        names = ", ".join(str(p) for p in existing[:5])
        more = f" and {len(existing) - 5} more" if len(existing) > 5 else ""
        raise CareprintError(f"{len(existing)} files already exist: {names}{more}. "
                             "Nothing was written; use --force to overwrite them.")
    for path, text in plan.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return list(plan)
