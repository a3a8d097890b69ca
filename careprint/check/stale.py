"""Outputs built from older sources than the project has now (`check --outputs`).

File times say little: a build rewrites only the outputs whose inputs changed, so an
untouched handout is older than a chapter edited since, yet up to date. The build's
manifest (OUT/.careprint/manifest.json) knows better: it records, for each output, a
digest of what it was made from (keys.source_keys: careprint itself, the guide's and the
edition's settings, the edition's content it includes), and what its render read (the
config values, templates and files: careprint/source/reads.py). An output whose recorded digest
is not the one the project gives it now, or one of whose reads gives something else now,
was built from older sources: a warning
of the `outputs` rule, naming the build command that brings it up to date.
"""

from __future__ import annotations

from pathlib import Path


def stale_outputs(guide, views, out_dir: Path, formats, show, sink) -> None:
    """Warn of every edition's format with outputs built from older sources. Without a
    manifest (files copied from elsewhere, another careprint version) there is nothing to
    compare, and nothing is said."""
    from ..pipeline.keys import source_keys
    from ..pipeline.manifest import read_manifest
    from ..pipeline.plan import format_jobs
    from ..source.config import PAPER_SIZES
    from ..source.reads import Now

    recorded = read_manifest(out_dir).get("targets", {})
    jobs = [j for eg in views for fmt in formats
            for j in format_jobs(eg, fmt, PAPER_SIZES)]
    jobs = [j for j in jobs if isinstance(recorded.get(j.relpath), dict)
            and recorded[j.relpath].get("sources") and (out_dir / j.relpath).is_file()]
    if not jobs:
        return
    now = source_keys(guide.config, views, jobs, Path(guide.config.root))
    reads = Now(Path(guide.config.root), guide.config)  # what each render read (reads.py)
    stale: dict[tuple[str, str], list] = {}
    for j in jobs:
        if recorded[j.relpath]["sources"] != now[j.relpath] or \
                not reads.hold(recorded[j.relpath].get("reads")):
            stale.setdefault((j.edition, j.fmt), []).append(j)
    for (eid, fmt), old in stale.items():
        total = sum(1 for j in jobs if j.edition == eid and j.fmt == fmt)
        first = show(out_dir / old[0].relpath)
        what = first if total == 1 else f"{len(old)} of the {total} {fmt} files (e.g. {first})"
        sink.add("outputs", show((out_dir / old[0].relpath).parent), None,
                 f"{what} {'was' if len(old) == 1 else 'were'} built from older sources "
                 f"than the project has now: run `careprint build"
                 f"{f' --language {guide.language}' if guide.language else ''} "
                 f"--edition {eid} --format "
                 f"{fmt}`, then check again", eid, severity="warning")
