"""How to print what careprint makes: said once, here, for the build summary
(careprint/progress.py); docs/building.md says the same words (tests/test_print_products.py).
"""

from __future__ import annotations

from .render.names import is_booklet

BOOKLET = (
    "To print a booklet: print it double-sided, flipping on the short edge, at actual size "
    "(not \"fit to page\"), on the paper its name ends with (A4 or Letter).",
    "Then fold the sheets in half together and staple them twice along the fold.",
)


def instructions(paths) -> list[str]:
    """The printing instructions for the outputs at `paths` (those that need any)."""
    return list(BOOKLET) if any(is_booklet(p.name) for p in paths) else []
