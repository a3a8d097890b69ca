"""Which builds `careprint build` and `careprint list` are asked for: each (imprint id,
region, language), checked against the project (`--imprint`, `--region`, `--language`,
each repeatable and `all`)."""

from __future__ import annotations

from pathlib import Path


def builds_asked(project_dir: Path, regions, imprints, languages
                 ) -> list[tuple[str, str, str]]:
    """(imprint id, region, language) of each build asked for."""
    if not languages:
        return [(i, r, "") for i, r in _builds(project_dir, regions, imprints)]
    from ..source.language_view import for_language, requested
    from ..source.load import load_project_kept
    from ..source.region_view import requested as regions_requested

    guide = load_project_kept(Path(project_dir).resolve())
    out = []
    for code in requested(guide, languages):
        codes = regions_requested(for_language(guide, code), regions) if regions else ("",)
        out += [(imprint, region, code) for imprint in (imprints or ("",)) for region in codes]
    return out


def _builds(project_dir: Path, regions, imprints) -> list[tuple[str, str]]:
    """(imprint id, region) of each build asked for: ("", "") for the plain build."""
    if not imprints:
        return [("", region) for region in _regions(project_dir, regions)]
    from ..source.load import load_project_kept
    from ..source.region_view import imprints_requested, requested

    guide = load_project_kept(Path(project_dir).resolve())
    codes = requested(guide, regions) if regions else ("",)
    return [(i.id, "" if code == i.region else code)
            for i in imprints_requested(guide, imprints) for code in codes]


def _regions(project_dir: Path, asked) -> tuple[str, ...]:
    """The regions `--region` asks for, checked against the project: ("",) for none."""
    if not asked:
        return ("",)
    from ..source.load import load_project_kept
    from ..source.region_view import requested

    return requested(load_project_kept(Path(project_dir).resolve()), asked)


def check_errors(guide, views) -> int:
    """What `careprint check` calls errors in these editions, for the build's note (the
    build never imports the check: it is handed this). The check is imported only when a
    build reads the project: a no-op build never does."""
    from ..check.count import source_errors

    return source_errors(guide, views)
