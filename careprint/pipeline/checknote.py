"""`careprint build` says in one line when `careprint check` would report errors.

A build writes a guide that `check` calls wrong (a skipped heading level, say) without a
word otherwise. In a build that read the project, the source rules whose findings are
errors run on the editions it already has in memory, while its workers render, and once
its outputs are committed the count is kept in build/.careprint/check.json under the
build's input digest. A no-op build, which reads
nothing, reads the count from there.

The count is exactly what `careprint check` reports as errors on those editions: the
build runs the same code (careprint/check/count.py), every enabled rule included. A
rule set to `warning` can still report an error (resource-verified: a `verified_on` with
no source), and readability's default severity is `error`; leaving either out made the
note wrong. On the bundled guide this costs about 1.7 s in a build that read the project
(readability grades every chapter with textstat), and nothing in a no-op build.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

STATE = Path(".careprint") / "check.json"


def cached(out_dir: Path, inputs: str) -> int:
    """The count kept for a build of these inputs; 0 when none was kept."""
    return _kept(out_dir, inputs) or 0


class Counting:
    """How many errors `careprint check` finds in the sources of the build's views:
    `counter(guide, views)` (careprint.check.count.source_errors, handed down by the
    command, since the build never imports the check), kept for the next build of the same
    inputs. Asked for once: called (render_jobs' `beside`) while the render workers
    work, so that the main process counts while it would only wait; `result()` counts
    then if it was not called (nothing to render), and keeps the count. 0 without a
    counter."""

    def __init__(self, out_dir: Path, inputs: str, plan, counter: Callable | None):
        self.out_dir, self.inputs, self.plan, self.counter = out_dir, inputs, plan, counter
        self.errors: int | None = None

    def __call__(self) -> None:  # nothing is written here: the build may still fail
        if self.errors is not None or self.counter is None:
            self.errors = self.errors or 0
            return
        kept = _kept(self.out_dir, self.inputs)
        self.errors = kept if kept is not None else self.counter(self.plan.guide,
                                                                 self.plan.views)

    def result(self) -> int:
        """The count, kept for the next build of the same inputs: called once the build's
        outputs are committed."""
        from ..atomic import write_atomic

        self()
        assert self.errors is not None  # counted just now
        if self.counter is not None and _kept(self.out_dir, self.inputs) != self.errors:
            write_atomic(self.out_dir / STATE, json.dumps(
                {"inputs": self.inputs, "errors": self.errors}).encode())
        return self.errors


def _kept(out_dir: Path, inputs: str) -> int | None:
    try:
        data = json.loads((out_dir / STATE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and data.get("inputs") == inputs and \
            isinstance(data.get("errors"), int):
        return data["errors"]
    return None


def note(errors: int) -> str | None:
    """The line `careprint build` prints, or None."""
    if not errors:
        return None
    what = "1 error" if errors == 1 else f"{errors} errors"
    return (f"note: careprint check finds {what} in this guide; run careprint check to "
            "see them")
