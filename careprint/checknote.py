"""`careprint build` says in one line when `careprint check` would report errors.

A build writes a guide that `check` calls wrong (a skipped heading level, say) without a
word otherwise. After a build that read the project, the source rules whose findings are
errors run on the editions it already has in memory, and the count is kept in
build/.careprint/check.json under the build's input digest. A no-op build, which reads
nothing, reads the count from there.

The count is exactly what `careprint check` reports as errors on those editions: the
build runs the same code (careprint.check.run_source), every enabled rule included. A
rule set to `warning` can still report an error (resource-verified: a `verified_on` with
no source), and readability's default severity is `error`; leaving either out made the
note wrong. On the bundled guide this costs about 1.7 s in a build that read the project
(readability grades every chapter with textstat), and nothing in a no-op build.
"""

from __future__ import annotations

import json
from pathlib import Path

STATE = Path(".careprint") / "check.json"


def cached(out_dir: Path, inputs: str) -> int:
    """The count kept for a build of these inputs; 0 when none was kept."""
    return _kept(out_dir, inputs) or 0


def count(out_dir: Path, inputs: str, guide, views) -> int:
    """How many errors `careprint check` finds in the sources of `views`; kept for the
    next build of the same inputs."""
    from .manifest import write_atomic

    errors = _kept(out_dir, inputs)
    if errors is None:
        errors = source_errors(guide, views)
        write_atomic(out_dir / STATE, json.dumps({"inputs": inputs, "errors": errors}).encode())
    return errors


def _kept(out_dir: Path, inputs: str) -> int | None:
    try:
        data = json.loads((out_dir / STATE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and data.get("inputs") == inputs and \
            isinstance(data.get("errors"), int):
        return data["errors"]
    return None


def source_errors(guide, views) -> int:
    """The error findings of `careprint check` (without --outputs) in these editions: the
    same run of the same rules (careprint.check.run_source), counted."""
    from .check import run_source
    from .config_tables import default_check_settings
    from .region_view import today

    config = guide.config
    settings = config.check or default_check_settings(config.edition_ids)
    sink, _ = run_source(guide, views, settings, today(),
                         all_editions={v.edition.id for v in views} == set(config.edition_ids))
    return sum(1 for f in sink.findings() if f.severity == "error")


def note(errors: int) -> str | None:
    """The line `careprint build` prints, or None."""
    if not errors:
        return None
    what = "1 error" if errors == 1 else f"{errors} errors"
    return (f"note: careprint check finds {what} in this guide; run careprint check to "
            "see them")
