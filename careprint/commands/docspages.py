"""`careprint docs [TOPIC]`: careprint's documentation, read from this computer.

careprint/docs is a link to the checkout's docs/, and pyproject.toml's package-data
copies docs/*.md through it into an installed careprint (pip, pipx): so a checkout and an
installed copy read their pages from the same place. Nothing is fetched from a network.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import CareprintError

FOLDER = Path(__file__).resolve().parents[1] / "docs"


def folder() -> Path:
    """Where the documentation is on this computer."""
    if (FOLDER / "content-format.md").is_file():
        return FOLDER
    raise CareprintError(f"careprint's documentation is not in {FOLDER}: this careprint "
                         "was installed without it; install it again with `pipx install "
                         "careprint` (or pip), which copies it")


def topics() -> list[tuple[str, str]]:
    """(topic, title) of each page: `content-format` and its first heading."""
    out = []
    for path in sorted(folder().glob("*.md")):
        first = next((line.lstrip("# ").strip() for line in
                      path.read_text("utf-8").splitlines() if line.startswith("#")), "")
        out.append((path.stem, first))
    return out


def page(topic: str) -> Path:
    """The page of `topic` (`checks`, `checks.md` or `docs/checks.md` alike)."""
    name = Path(topic).name.removesuffix(".md")
    path = folder() / f"{name}.md"
    if not path.is_file():
        from ..source.config_tables import did_you_mean

        known = [t for t, _ in topics()]
        raise CareprintError(f"no page {topic!r} in careprint's documentation;"
                             f"{did_you_mean(name, known)} the pages are: {', '.join(known)}")
    return path
