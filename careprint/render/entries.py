"""What the library page (careprint/pipeline/library.py) says of the built-in formats' files: each
format's `library` (render/registry.py: Format) is one of these. They read the job and the
edition only; the words are in the template library.html."""

from __future__ import annotations

from collections.abc import Mapping

from ..source.editions import EditionGuide
from .job import Job
from .registry import Describe


def whole(kind: str) -> Describe:
    """The edition's one file of this kind (the EPUB)."""
    def describe(eg: EditionGuide, job: Job, targets) -> dict:
        return {"group": "whole", "kind": kind, "paper": job.paper}
    return describe


def guide_or_handout(variant: str = "") -> Describe:
    """The guide (item "") and each chapter's handout, as `variant` files (render/variants.py)."""
    def describe(eg: EditionGuide, job: Job, targets) -> dict:
        if not job.item:
            return {"group": "whole", "kind": "guide", "variant": variant, "paper": job.paper}
        return {**_chapter(eg, job), "kind": "chapter", "variant": variant}
    return describe


def full_chapter(eg: EditionGuide, job: Job, targets) -> dict:
    """The whole chapter printed alone: the last column of the chapters' table."""
    return {**_chapter(eg, job), "kind": "full", "rank": 1000}


def _chapter(eg: EditionGuide, job: Job) -> dict:
    view = eg.chapter(job.item)
    return {"group": "chapters", "paper": job.paper, "title": view.chapter.title,
            "number": view.number, "position": view.number}


def worksheet(eg: EditionGuide, job: Job, targets) -> dict:
    """The pack (item "pack") and each worksheet printed alone."""
    if job.item == "pack":
        return {"group": "worksheets", "kind": "pack", "paper": job.paper,
                "number": len(eg.worksheets)}
    view = next(w for w in eg.worksheets if w.worksheet.id == job.item)
    return {"group": "worksheets", "kind": "worksheet", "paper": job.paper,
            "title": view.worksheet.title, "number": view.number, "position": view.number}


def web(eg: EditionGuide, job: Job, targets: Mapping[str, dict]) -> dict | None:
    """The web edition is its index page, with the count of its pages."""
    folder = job.relpath.rpartition("/")[0]
    if job.relpath != f"{folder}/index.html":
        return None
    pages = sum(1 for rel in targets if rel.startswith(f"{folder}/") and rel.endswith(".html"))
    return {"group": "whole", "kind": "web", "pages": pages}
