"""`careprint list`: what a build of the project would write, as data (`--format json`,
docs/building.md) and as the text the command prints. Reads the project; writes nothing."""

from __future__ import annotations

from pathlib import Path

from ..pipeline import memos

SCHEMA_ID = "careprint-list/1"


def listing(project_dir: Path, editions, paper: str | None, region: str,
            language: str = "") -> dict:
    """Each edition's chapters, worksheets and outputs (paths relative to the project), the
    clinics' imprints and the library page."""
    from ..pipeline.plan import plan
    from ..source.load import load_project_kept

    prefix = f"build/languages/{language}/" if language else "build/"
    prefix += f"regions/{region.lower()}/" if region else ""
    for built in {"build/", prefix}:  # what the last builds' Markdown made (memos.py)
        memos.seed(Path(project_dir).resolve() / built)
    eds = []
    for eg, outputs in plan(project_dir, editions, paper, region, language):
        e = eg.edition
        eds.append({
            "id": e.id, "title": e.title, "audience": e.audience,
            "chapters": [{"number": v.number, "slug": v.chapter.slug, "title": v.chapter.title}
                         for v in eg.chapters],
            "worksheets": [{"number": w.number, "id": w.worksheet.id, "title": w.worksheet.title}
                           for w in eg.worksheets],
            "outputs": {fmt: [prefix + p for p in paths] for fmt, paths in outputs.items()},
        })
    imprints = load_project_kept(Path(project_dir).resolve()).imprints
    return {"schema": SCHEMA_ID, "region": region or None, "language": language or None,
            "editions": eds,
            "imprints": [{"id": i.id, "name": i.name, "region": i.region} for i in imprints],
            "library": prefix + "index.html"}


def to_text(found: dict) -> str:
    """The listing as `careprint list` prints it."""
    lines = []
    if found.get("language"):
        lines.append(f"in {found['language']}: its translation, into "
                     f"{found['library'].removesuffix('index.html')}")
    if found["region"]:
        lines.append(f"for {found['region']}: its services, into "
                     f"{found['library'].removesuffix('index.html')}")
    for e in found["editions"]:
        lines.append(f"{e['id']}: {e['title']} ({e['audience']})")
        lines.append("  chapters:")
        lines += [f"    {c['number']:2d}  {c['slug']}  {c['title']}" for c in e["chapters"]]
        if e["worksheets"]:
            lines.append("  worksheets:")
            lines += [f"    {w['number']:2d}  {w['id']}  {w['title']}" for w in e["worksheets"]]
        lines.append("  outputs:")
        lines += [f"    [{fmt}] {p}" for fmt, paths in e["outputs"].items() for p in paths]
    if found["imprints"]:
        lines.append("imprints (careprint build --imprint ID, into build/imprints/ID/):")
        lines += [f"    {i['id']}  {i['name']} ({i['region']})" for i in found["imprints"]]
    lines.append("library page (every build writes it, listing every output):")
    lines.append(f"    [library] {found['library']}")
    return "\n".join(lines)
