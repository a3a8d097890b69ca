"""The count of `careprint check`'s errors that a build prints in its note.

The build (careprint/pipeline/checknote.py) never imports the check: the command hands it
this function, and the build calls it on the editions it already holds in memory.
"""

from __future__ import annotations

from ..source.config_tables import default_check_settings
from ..source.region_view import today


def source_errors(guide, views) -> int:
    """The error findings of `careprint check` (without --outputs) in these editions: the
    same run of the same rules (careprint.check.run_source), counted."""
    from ..check import run_source

    config = guide.config
    settings = config.check or default_check_settings(config.edition_ids)
    sink, _ = run_source(guide, views, settings, today(),
                         all_editions={v.edition.id for v in views} == set(config.edition_ids))
    return sum(1 for f in sink.findings() if f.severity == "error")
