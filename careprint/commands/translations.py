"""`careprint translations mark` and `careprint check --translations`: what they print.

The states and the marking are source/translations.py's; this module reads the project,
and says them.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import CareprintError
from ..source import translations as tr


def _guide(project_dir: Path):
    from ..source.load import load_project

    return load_project(Path(project_dir).resolve())


def mark_files(project_dir: Path, files, every: bool) -> list[str]:
    """Mark each translation named (or, with `every`, every translation that exists):
    the files written, as paths in the project."""
    from ..guard.confine import check_inside

    root = Path(project_dir).resolve()
    check_inside(root)  # no link leads a write (a snapshot in .sources/) out of the project
    if not files and not every:
        raise CareprintError("name the translations to mark (such as content/translations/"
                             "es/chapters/01-welcome.md), or mark them all with --all")
    if every:
        guide = _guide(root)
        files = [tr.translation_of(source, code) for code in guide.config.languages
                 for source in tr.existing(root, code)]
        files = [root / f for f in files if (root / tr.source_of(f)).is_file()]
    written = []
    for path in files:
        written += tr.mark(root, str(path))
    return written


def listing(project_dir: Path, language: str | None, fmt: str) -> tuple[str, bool]:
    """The state of every translation, as text or JSON, and whether all are up to date."""
    guide = _guide(project_dir)
    if language and language not in guide.config.languages:
        from ..source.language_view import language_of

        language_of(guide, language)  # the error naming the languages there are
    found = tr.states(guide, (language,) if language else None)
    ok = all(s.state == tr.UP_TO_DATE for s in found)
    if fmt == "json":
        return json.dumps({"schema": "careprint-translations/1",
                           "translations": [s.as_json() for s in found]},
                          indent=2, ensure_ascii=False), ok
    if not guide.config.languages:
        return "no translations: careprint.toml has no [languages.<code>] table", True
    lines = []
    for s in found:
        lines.append(f"{s.state:15s} {s.translation}")
        if s.state != tr.UP_TO_DATE:
            lines.append(f"{'':15s}   {tr.message(s)}")
    counts: dict[str, int] = {}
    for s in found:
        counts[s.state] = counts.get(s.state, 0) + 1
    lines.append(", ".join(f"{n} {state}" for state, n in counts.items()) or "none")
    return "\n".join(lines), ok
