"""How to print what careprint makes: said once, here, for the build summary
(careprint/commands/progress.py); docs/building.md says the same words
(tests/test_print_products.py).
"""

from __future__ import annotations

from collections.abc import Callable

# past this many sheets (40 pages) an office stapler does not go through the fold: the
# build says so, and the imposition allows for creep (render/booklet.py)
MAX_SHEETS = 10

BOOKLET = (
    "To print a booklet: print it double-sided, flipping on the short edge, at actual size "
    "(not \"fit to page\"), on the paper its name ends with (A4 or Letter).",
    "Then fold the sheets in half together and staple them twice along the fold.",
)


def instructions(written, is_booklet: Callable[[str], bool]) -> list[str]:
    """The printing instructions for the outputs `written` (those that need any): how to
    print a booklet, and which booklets are too thick for an office stapler.
    `is_booklet(file_name)` tells a booklet by its name (render/names.py: the renderer's
    knowledge, handed in, so that render/booklet.py can read MAX_SHEETS from here)."""
    booklets = [w for w in written if is_booklet(w.path.name)]
    lines = list(BOOKLET) if booklets else []
    for w in booklets:
        sheets = (w.pages + 1) // 2
        if sheets > MAX_SHEETS:
            lines.append(f"{w.path.name} is {sheets} sheets: staple it with a long-arm "
                         f"stapler (an office stapler holds about {MAX_SHEETS}), or print "
                         "a handout's booklet instead; its inner pages are moved towards "
                         "the fold so that they line up when folded.")
    return lines
