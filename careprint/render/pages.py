"""The pages of an edition, shared by the EPUB (render/epub.py) and the web edition
(render/html.py): which content documents there are, in reading order, what they are
called, where a cross-reference goes, and the cross-linked body of a chapter or worksheet.
"""

from __future__ import annotations

from ..source.editions import EditionGuide
from ..source.i18n import gettext as _
from ..source.phones import link_numbers
from . import retarget_links
from .sections import with_section_ids


def chapter_file(view, ext: str = "xhtml") -> str:
    """`NN-<slug>.<ext>`: NN is the chapter's number in this edition, the number its PDFs
    carry (`...-chNN-<slug>-a4.pdf`), not the number of its source file (issue 26)."""
    return f"{view.number:02d}-{view.chapter.slug}.{ext}"


def worksheet_file(view, ext: str = "xhtml") -> str:
    return f"worksheet-{view.worksheet.id}.{ext}"


def pages(eg: EditionGuide, ext: str = "xhtml") -> list[dict]:
    """The content documents, in reading order: file, title, kind, landmark.

    The EPUB's are .xhtml files; the web edition (render/html.py) has the same pages, as
    .html files.
    """
    first = "index" if ext == "html" else "title"
    out = [{"file": f"{first}.{ext}", "title": eg.meta.title, "kind": "title",
            "landmark": "titlepage"},
           {"file": f"before.{ext}", "title": _("Before you begin"), "kind": "before",
            "landmark": "preface"}]
    for i, v in enumerate(eg.chapters):
        out.append({"file": chapter_file(v, ext), "title": f"{v.number}. {v.chapter.title}",
                    "kind": "chapter", "view": v, "landmark": "bodymatter" if i == 0 else ""})
    for w in eg.worksheets:
        title = _("Worksheet: %(title)s") % {"title": w.worksheet.title}
        out.append({"file": worksheet_file(w, ext), "title": title,
                    "kind": "worksheet", "view": w, "landmark": ""})
    if eg.glossary:
        out.append({"file": f"glossary.{ext}", "title": _("Words used in this guide"),
                    "kind": "glossary", "landmark": "glossary"})
    out.append({"file": f"resources.{ext}", "title": _("Support and crisis resources"),
                "kind": "resources", "landmark": ""})
    out.append({"file": f"colophon.{ext}", "title": _("About this guide"), "kind": "colophon",
                "landmark": ""})
    return out


def link_targets(eg: EditionGuide, ext: str = "xhtml") -> dict[str, str]:
    targets = {f"chapter-{v.chapter.slug}": chapter_file(v, ext) for v in eg.chapters}
    targets |= {f"worksheet-{w.worksheet.id}": worksheet_file(w, ext) for w in eg.worksheets}
    targets |= {f"glossary-{g.id}": f"glossary.{ext}#glossary-{g.id}" for g in eg.glossary}
    targets["support-and-crisis-resources"] = f"resources.{ext}"  # [[help:role]]
    return targets


def page_body_html(page: dict, targets: dict[str, str], images: dict[str, str],
                   phones=("tel", "sms")) -> str:
    """The cross-linked XHTML of a chapter or worksheet page (empty for other pages), its
    phone numbers tap-to-call links as in the support list (careprint.source.phones.link_numbers:
    `phones` are the schemes linked; the EPUB's are tel: alone)."""
    if page["kind"] == "chapter":
        body = with_section_ids(retarget_links(page["view"].html, targets))[0]
        for src, name in images.items():
            body = body.replace(f'src="{src}"', f'src="{name}"')
        return link_numbers(body, phones)
    if page["kind"] == "worksheet":
        return link_numbers(retarget_links(page["view"].instructions_html, targets), phones)
    return ""


def chapter_sections(view) -> list[dict]:
    """The sections (h2) of a chapter page: [{"id", "title"}], as page_body_html marks them."""
    return with_section_ids(view.html)[1]
