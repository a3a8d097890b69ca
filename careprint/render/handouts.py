"""One handout per chapter, edition and paper:
build/<edition>/handouts/<slug>-<edition>-chNN-<chapter>-<paper>.pdf (render/names.py).

A handout is printed alone: it carries the chapter's summary and key points,
the words it uses, the crisis lines, and links only to what it contains.
"""

from __future__ import annotations

import html
import re

from ..editions import ChapterView, EditionGuide
from . import (
    Artifact,
    BuildContext,
    Job,
    chapter_fingerprint,
    decorative_as_background,
    digest,
    render_template,
    retarget_links,
)
from .common import base_context, chapter_name
from .registry import Format


def jobs(eg: EditionGuide, paper: str) -> list[Job]:
    return [Job("handouts", eg.edition.id, v.chapter.name, chapter_name(eg, v, paper),
                5 + len(v.html) // 2000, digest(chapter_fingerprint(v), eg.resources), paper)
            for v in eg.chapters]


def render(eg: EditionGuide, ctx: BuildContext, job: Job) -> Artifact:
    from .weasy import html_to_pdf

    view = eg.chapter(job.item)
    html = handout_html(eg, view, ctx)
    data, pages, warnings = html_to_pdf(html, ctx, view.chapter.path)
    return Artifact(job.relpath, data, pages, warnings, html)


_CHAPTER_REF_RE = re.compile(r'<a class="xref xref-chapter" href="#chapter-([^"]+)">(.*?)</a>',
                             re.S)


def name_chapters(fragment: str, eg: EditionGuide) -> str:
    """A handout is printed alone: a reference to another chapter names it and its place
    in the full guide, since there is nothing to link to."""
    chapters = {v.chapter.slug: v for v in eg.chapters}

    def sub(m):
        target = chapters.get(m.group(1))
        if target is None:
            return m.group(0)
        label = m.group(2)
        shown = f"\u201c{label}\u201d" if html.unescape(label) == target.chapter.title else label
        return (f'<span class="xref xref-chapter">{shown}</span><span class="xref-place"> '
                f'(chapter {target.number} of the full guide)</span>')
    return _CHAPTER_REF_RE.sub(sub, fragment)


def handout_html(eg: EditionGuide, view: ChapterView, ctx: BuildContext, **extra) -> str:
    targets = {f"glossary-{g.id}": f"#glossary-{g.id}" for g in view.glossary}
    body = retarget_links(name_chapters(view.html, eg), targets)
    body = decorative_as_background(body, view.images)
    return render_template(ctx.root, eg.config.fmt("handouts", "template"),
                           "formats.handouts.template", **(base_context(eg, ctx) | extra),
                           view=view, body=body)


FORMAT = Format("handouts", jobs, render, order=20)
