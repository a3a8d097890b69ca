"""The whole chapter printed alone, for a reader who wants more than its handout:
build/<edition>/chapters/<slug>-<edition>-chNN-<chapter>-full-<paper>.pdf (render/names.py).

Its template (chapter.html) extends the handout's, so that the two look alike: the same
head, footer and support box, with the chapter's every section in place of the practice.
"""

from __future__ import annotations

from ..source.config_schema import Opt
from ..source.editions import ChapterView, EditionGuide
from . import Artifact, BuildContext, Job, chapter_fingerprint, digest, entries
from .common import full_chapter_name
from .handouts import named_chapters, printed_alone_html
from .registry import Format


def jobs(eg: EditionGuide, paper: str) -> list[Job]:
    return [Job("chapters", eg.edition.id, v.chapter.name, full_chapter_name(eg, v, paper),
                5 + len(v.html) // 2000,
                digest(chapter_fingerprint(v), eg.resources, named_chapters(eg, v.html)), paper)
            for v in eg.chapters]


def render(eg: EditionGuide, ctx: BuildContext, job: Job) -> Artifact:
    from .weasy import html_to_pdf

    view = eg.chapter(job.item)
    html = chapter_html(eg, view, ctx)
    data, pages, warnings = html_to_pdf(html, ctx, view.chapter.path)
    return Artifact(job.relpath, data, pages, warnings, html)


def chapter_html(eg: EditionGuide, view: ChapterView, ctx: BuildContext, **extra) -> str:
    return printed_alone_html(eg, view, ctx, view.html, view.glossary, "chapters", practice="",
                              **extra)


# its tables and templates are its own and the handout's (chapter.html extends handout.html)
# [formats.chapters] in careprint.toml (docs/config.md)
OPTIONS = {
    "template": Opt(str, "Template of a whole chapter printed alone. The bundled one "
                    "extends the handout's template (`handout_template`).",
                    default="chapter.html"),
}

FORMAT = Format("chapters", jobs, render, order=25, based_on=("chapters", "handouts"),
                options=OPTIONS, library=entries.full_chapter,
                checks=("pdf-accessibility", "phone-split", "crisis-lines"))
