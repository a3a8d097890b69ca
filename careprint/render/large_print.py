"""Large print: the guide and each handout after the APH large-print guidelines.

build/<edition>/<slug>-<edition>-large-print-<paper>.pdf and
build/<edition>/handouts/<slug>-<edition>-chNN-<chapter>-large-print-<paper>.pdf.
Same content, same editions; the templates add large-print.css.
"""

from __future__ import annotations

from ..source.editions import EditionGuide
from . import Artifact, BuildContext, Job, entries
from .registry import Format
from .variants import render_variant, variant_checks, variant_jobs

VARIANT = "large-print"


def jobs(eg: EditionGuide, paper: str) -> list[Job]:
    return variant_jobs(eg, "large-print", VARIANT, paper)


def render(eg: EditionGuide, ctx: BuildContext, job: Job) -> Artifact:
    data, pages, warnings, html, layout, keys = render_variant(eg, ctx, job, large_print=True)
    return Artifact(job.relpath, data, pages, warnings, html, layout, keys)


FORMAT = Format("large-print", jobs, render, order=60, based_on=("pdf", "handouts"),
                variant=VARIANT, library=entries.guide_or_handout(VARIANT),
                checks=variant_checks("pdf-accessibility"))
