"""The EPUB 3 of one edition: build/<edition>/<slug>-<edition>.epub (ebooklib).

Reproducible: the identifier is a UUIDv5 of the identifier base and the edition,
dcterms:modified is the build's source date, and the zip is repacked with fixed
timestamps and a fixed order.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
import zipfile

from ..guard.cssguard import checked_stylesheet
from ..guard.imagestrip import stripped
from ..guard.outguard_html import without_comments
from ..source.config_schema import Opt
from ..source.direction import RTL, direction
from ..source.editions import EditionGuide
from ..source.i18n import N_, gettext
from . import (
    Artifact,
    BuildContext,
    Job,
    chapter_fingerprint,
    digest,
    entries,
    render_template,
    stamps,
    worksheet_fingerprint,
)
from .common import base_context, guide_name
from .cover import cover_png
from .pages import chapter_sections, link_targets, page_body_html, pages
from .printables import printables, published_printables
from .registry import Format
from .theme import theme_values

# every EPUB has a cover image (with a text alternative) besides its text
A11Y = {
    "schema:accessMode": ["textual", "visual"],
    "schema:accessModeSufficient": ["textual"],
    "schema:accessibilityFeature": ["structuralNavigation", "tableOfContents", "readingOrder",
                                    "displayTransformability", "alternativeText"],
    "schema:accessibilityHazard": ["none"],
}
COVER_IMAGE = "images/cover.png"
A11Y_SUMMARY = N_("This publication has a logical reading order, a table of contents and "
                  "structured headings.")


def a11y_metadata(eg: EditionGuide) -> dict:
    """schema.org accessibility metadata: every edition has its cover, and the chapters'
    pictures have alt text too (careprint check requires it), so each is textual and
    visual, with alternative text."""
    return A11Y


def edition_identifier(eg: EditionGuide) -> str:
    base = eg.meta.identifier_base
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{base}#{eg.edition.id}')}"


def jobs(eg: EditionGuide, paper: str = "") -> list[Job]:
    """The EPUB has no paper: one for every paper size."""
    content = digest([chapter_fingerprint(v) for v in eg.chapters],
                     [worksheet_fingerprint(w) for w in eg.worksheets], eg.glossary,
                     eg.resources)
    return [Job("epub", eg.edition.id, "", guide_name(eg, "epub"), 8, content)]


def render(eg: EditionGuide, ctx: BuildContext, job: Job) -> Artifact:
    from ebooklib import epub

    book = epub.EpubBook()
    _metadata(book, eg, ctx)
    theme = theme_values(ctx.root)
    text_dir = direction(eg.meta.language)
    css = checked_stylesheet(render_template(ctx.root, "epub.css", theme=theme,
                                             text_dir=text_dir), "epub.css", ctx.root)
    book.add_item(epub.EpubItem(uid="style", file_name="style.css", media_type="text/css",
                                content=css.encode("utf-8")))
    context = base_context(eg, ctx) | stamps.NO_SLOTS  # marks are for PDFs alone
    cover = epub.EpubCover(file_name=COVER_IMAGE)
    cover.content = cover_png(eg.meta.title, eg.meta.subtitle, eg.edition.title,
                              eg.meta.publisher, theme)
    book.add_item(cover)
    _document(book, "cover", "cover.xhtml",
              render_template(ctx.root, "epub-cover.xhtml", **context, image=COVER_IMAGE))
    targets = link_targets(eg)
    image_files = _add_images(book, eg)
    template = eg.config.fmt("epub", "template")
    context["printables"] = printables(eg)
    context["printable_urls"] = published_printables(eg)
    spine, toc, entries = ["cover"], [], []
    for i, page in enumerate(pages(eg)):
        body = glossary_refs(page_body_html(page, targets, image_files, ("tel",)))  # no sms:
        xhtml = render_template(ctx.root, template, "formats.epub.template", **context,
                                page=page, body=body, chapters=eg.chapters,
                                worksheets=eg.worksheets)
        spine.append(_document(book, f"p{i:03d}", page["file"], xhtml))
        if page["kind"] != "title":
            sections = chapter_sections(page["view"]) if page["kind"] == "chapter" else []
            entries.append({**page, "sections": sections})
            toc.append(_toc_entry(epub, f"toc-{i}", page, sections))
    nav = render_template(ctx.root, "epub-nav.xhtml", **context, entries=entries,
                          landmarks=_landmarks(pages(eg)))
    _document(book, "nav", "nav.xhtml", nav, ["nav"])
    book.add_item(epub.EpubNcx())  # for EPUB 2 reading systems; the spine's toc points to it
    book.toc = toc
    book.spine = [*spine[:2], "nav", *spine[2:]]
    buf = io.BytesIO()
    epub.write_epub(buf, book, {"mtime": ctx.source_date, "epub2_guide": False,
                                "epub3_pages": False, "epub3_landmark": False})
    data = normalize_zip(buf.getvalue(), eg.meta.language, ctx.source_date)
    return Artifact(job.relpath, data, len(spine) + 1)


def _metadata(book, eg: EditionGuide, ctx: BuildContext) -> None:
    from .typography import smart_quotes

    meta = eg.meta
    book.set_identifier(edition_identifier(eg))
    book.set_title(smart_quotes(f"{meta.title}: {eg.edition.title}"))  # as on its pages
    book.set_language(meta.language)
    if direction(meta.language) == RTL:  # the spine's page-progression-direction
        book.set_direction(RTL)
    for author in meta.authors:
        book.add_author(author)
    book.add_metadata("DC", "publisher", meta.publisher)
    for i, reviewer in enumerate(eg.config.review["clinical_reviewers"], 1):
        book.add_metadata("DC", "contributor", reviewer, {"id": f"reviewer-{i}"})
        book.add_metadata(None, "meta", "rev", {"refines": f"#reviewer-{i}",
                                                "property": "role", "scheme": "marc:relators"})
    imprint = eg.guide.imprint
    if imprint is not None:  # the clinic that hands it out: a distributor (MARC "dst")
        book.add_metadata("DC", "contributor", imprint.name, {"id": "distributor"})
        book.add_metadata(None, "meta", "dst", {"refines": "#distributor", "property": "role",
                                                "scheme": "marc:relators"})
    book.add_metadata("DC", "rights", meta.license)
    book.add_metadata("DC", "date", ctx.source_date.date().isoformat())
    lead = f"{meta.subtitle}. " if meta.subtitle else ""
    book.add_metadata("DC", "description", smart_quotes(lead + eg.edition.description))
    for prop, values in a11y_metadata(eg).items():
        for value in values:
            book.add_metadata(None, "meta", value, {"property": prop})
    summary = eg.config.fmt("epub", "accessibility_summary")
    if summary == A11Y_SUMMARY:  # careprint's own words, in the guide's language
        summary = gettext(A11Y_SUMMARY)
    book.add_metadata(None, "meta", summary,
                      {"property": "schema:accessibilitySummary"})
    conforms_to = eg.config.fmt("epub", "conforms_to")
    if conforms_to:
        book.add_metadata(None, "meta", conforms_to, {"property": "dcterms:conformsTo"})
        book.add_metadata(None, "meta", meta.publisher, {"property": "a11y:certifiedBy"})


def _document(book, uid: str, file_name: str, xhtml: str, properties=()) -> str:
    """Add one XHTML document that careprint wrote in full, without its comments
    (careprint/guard/outguard_html.py); return its id."""
    from ebooklib import epub

    item = epub.EpubItem(uid=uid, file_name=file_name, media_type="application/xhtml+xml",
                         content=without_comments(xhtml).encode("utf-8"))
    item.properties = list(properties)
    book.add_item(item)
    return uid


def _toc_entry(epub, uid: str, page: dict, sections: list[dict]):
    """A contents entry for the NCX: a chapter's sections nest under it."""
    link = epub.Link(page["file"], page["title"], uid)
    if not sections:
        return link
    section = epub.Section(page["title"], page["file"])
    return (section, [epub.Link(f"{page['file']}#{s['id']}", s["title"],
                                f"{uid}-{n}") for n, s in enumerate(sections)])


def glossary_refs(body: str) -> str:
    """A link to a glossary entry says so to the reading system (epub:type glossref, EPUB 3
    Structural Semantics) and to assistive technology (its DPUB-ARIA role), as the
    glossary's terms and definitions do (_pages.html)."""
    mark = '<a class="xref xref-glossary" '  # careprint.source.markup writes every one this way
    return body.replace(mark, mark + 'epub:type="glossref" role="doc-glossref" ')


def _landmarks(all_pages: list[dict]) -> list[dict]:
    """The pages that are landmarks (epub-nav.xhtml adds the cover and the contents)."""
    return [{"href": p["file"], "type": p["landmark"], "title": p["title"]}
            for p in all_pages if p["landmark"]]


def _add_images(book, eg: EditionGuide) -> dict[str, str]:
    """Add every image the chapters show; return {src as written: file in the EPUB}."""
    from ebooklib import epub

    names: dict[str, str] = {}
    for view in eg.chapters:
        for image in view.images:
            data = image.path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()[:12]
            name = f"images/{digest}{image.path.suffix.lower()}"
            if name not in names.values():
                book.add_item(epub.EpubItem(uid=f"img-{digest}", file_name=name,
                                            media_type=image.media_type,
                                            content=stripped(data, image.media_type)))
            names[image.src] = name
    return names


def normalize_zip(data: bytes, language: str, when) -> bytes:
    """Repack an EPUB: mimetype first and stored, fixed timestamps, xml:lang on <package>."""
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    src = zipfile.ZipFile(io.BytesIO(data))
    order = {name: i for i, name in enumerate(src.namelist())}
    names = sorted(order, key=lambda n: (n != "mimetype", n != "META-INF/container.xml", order[n]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in names:
            content = src.read(name)
            if name.endswith(".opf"):
                content = _package_lang(content, language)
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, content, compresslevel=9 if name != "mimetype" else None)
    return out.getvalue()


def _package_lang(opf: bytes, language: str) -> bytes:
    text = opf.decode("utf-8")
    if "xml:lang=" not in text.split(">", 2)[1]:
        text = re.sub(r"<package ", f'<package xml:lang="{language}" ', text, count=1)
    return text.encode("utf-8")


# [formats.epub] in careprint.toml (docs/config.md)
OPTIONS = {
    "template": Opt(str, "Template of an EPUB content document.", default="epub-page.xhtml"),
    "accessibility_summary": Opt(str, "schema:accessibilitySummary of the EPUB.",
                                 default=A11Y_SUMMARY),
    "conforms_to": Opt(str, "dcterms:conformsTo of the EPUB: the accessibility standard it "
                       "meets, certified by the guide's publisher (a11y:certifiedBy). "
                       "Empty states no conformance.",
                       default="EPUB Accessibility 1.1 - WCAG 2.2 Level AA"),
}

FORMAT = Format("epub", jobs, render, order=30, paperless=True, keeps_html=False,
                options=OPTIONS, library=entries.whole("epub"),
                checks=("crisis-resources", "epub-tools"))
