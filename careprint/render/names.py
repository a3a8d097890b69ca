"""The names of the outputs: a file should say what it is once it leaves build/.

Every file of an edition starts with `<guide slug>-<edition>`; a file of one chapter or
one worksheet goes on with its number in that edition and its slug; every PDF ends with
its paper size, so that A4 and Letter never share a name:

    survivors/safe-to-feel-survivors-a4.pdf                     the whole guide
    survivors/safe-to-feel-survivors-large-print-a4.pdf         ... in large print
    survivors/safe-to-feel-survivors.epub                       (no paper)
    survivors/handouts/safe-to-feel-survivors-ch01-why-numbness-happens-a4.pdf
    survivors/handouts/safe-to-feel-survivors-ch01-why-numbness-happens-booklet-a4.pdf
    survivors/chapters/safe-to-feel-survivors-ch01-why-numbness-happens-full-a4.pdf
    survivors/worksheets/safe-to-feel-survivors-worksheets-a4.pdf        the pack
    survivors/worksheets/safe-to-feel-survivors-worksheet03-sensation-log-a4.pdf

The functions take plain values, so that `careprint list` and the library page
(careprint/pipeline/library.py) name files without rendering anything.
"""

from __future__ import annotations


def stem(slug: str, edition: str) -> str:
    return f"{slug}-{edition}"


def _tail(variant: str, paper: str, ext: str) -> str:
    return "".join(f"-{p}" for p in (variant, paper) if p) + f".{ext}"


def guide_file(slug: str, edition: str, ext: str, variant: str = "", paper: str = "") -> str:
    """`<edition>/<slug>-<edition>[-variant][-paper].<ext>`: the whole guide."""
    return f"{edition}/{stem(slug, edition)}{_tail(variant, paper, ext)}"


def chapter_file(slug: str, edition: str, number: int, chapter_slug: str, paper: str,
                 variant: str = "") -> str:
    """`<edition>/handouts/<slug>-<edition>-chNN-<chapter>[-variant]-<paper>.pdf`."""
    return (f"{edition}/handouts/{stem(slug, edition)}-ch{number:02d}-{chapter_slug}"
            f"{_tail(variant, paper, 'pdf')}")


CHAPTERS_FOLDER = "chapters"


def full_chapter_file(slug: str, edition: str, number: int, chapter_slug: str,
                      paper: str) -> str:
    """`<edition>/chapters/<slug>-<edition>-chNN-<chapter>-full-<paper>.pdf`: the whole
    chapter printed alone. `-full` tells it from the chapter's one-sheet handout once the
    file has left its folder."""
    return (f"{edition}/{CHAPTERS_FOLDER}/{stem(slug, edition)}-ch{number:02d}-{chapter_slug}"
            f"{_tail('full', paper, 'pdf')}")


def pack_file(slug: str, edition: str, paper: str) -> str:
    """The worksheet pack's file name (without its folder)."""
    return f"{stem(slug, edition)}-worksheets{_tail('', paper, 'pdf')}"


def worksheet_file(slug: str, edition: str, number: int, worksheet_id: str,
                   paper: str) -> str:
    """One worksheet printed alone (without its folder)."""
    return f"{stem(slug, edition)}-worksheet{number:02d}-{worksheet_id}{_tail('', paper, 'pdf')}"


def worksheets_folder(edition: str) -> str:
    return f"{edition}/worksheets"


def web_folder(edition: str) -> str:
    """The web edition's folder (render/html.py; its pages' names: render/pages.py)."""
    return f"{edition}/html"


def is_booklet(file_name: str) -> bool:
    """Whether a PDF's name is that of a booklet (a print imposition, not tagged)."""
    return any(file_name.endswith(_tail("booklet", paper, "pdf"))
               for paper in ("a4", "letter", ""))
