"""Worksheet packs: build/<edition>/worksheets/<slug>-<edition>-worksheets-<paper>.pdf,
and one PDF per worksheet, .../<slug>-<edition>-worksheetNN-<id>-<paper>.pdf
(render/names.py). Every field is a real PDF form
field (WeasyPrint's pdf_forms) whose accessible name is its label."""

from __future__ import annotations

import io
from dataclasses import replace

from ..source.config_schema import Opt
from ..source.editions import EditionGuide
from ..source.i18n import gettext
from ..source.worksheet_tables import column_widths
from . import (
    Artifact,
    BuildContext,
    Job,
    digest,
    entries,
    pdf_bytes,
    render_template,
    retarget_links,
    worksheet_fingerprint,
)
from .common import base_context, pack_name, worksheet_name
from .names import worksheets_folder
from .registry import Format


def jobs(eg: EditionGuide, paper: str) -> list[Job]:
    if not eg.worksheets:
        return []
    folder = worksheets_folder(eg.edition.id)
    prints = {w.worksheet.id: worksheet_fingerprint(w) for w in eg.worksheets}
    out = [Job("worksheets", eg.edition.id, "pack", f"{folder}/{pack_name(eg, paper)}",
               12 + 3 * len(prints), digest(list(prints.values()), eg.resources), paper)]
    # a worksheet printed alone also depends on `pages`: it decides the length warning
    out += [Job("worksheets", eg.edition.id, w.worksheet.id,
                f"{folder}/{worksheet_name(eg, w, paper)}", 6,
                digest(prints[w.worksheet.id], w.worksheet.pages, eg.resources), paper)
            for w in eg.worksheets]
    return out


def render(eg: EditionGuide, ctx: BuildContext, job: Job) -> Artifact:
    from .weasy import html_to_pdf

    if job.item == "pack":
        chosen, mode, where = eg.worksheets, "pack", "content/worksheets"
    else:
        chosen = tuple(w for w in eg.worksheets if w.worksheet.id == job.item)
        mode, where = "single", chosen[0].worksheet.path
    html = worksheets_html(eg, ctx, mode, chosen)
    grow = _room(html, ctx, where, chosen)
    if grow:  # the main writing boxes fill what their pages leave (worksheet_fill.py)
        html = worksheets_html(eg, ctx, mode, chosen, grow)
    data, pages, warnings = html_to_pdf(html, ctx, where, forms=True)
    if mode == "single" and pages > chosen[0].worksheet.pages:
        warnings += (too_long(chosen[0].worksheet, pages),)
    return Artifact(job.relpath, fix_radio_groups(data), pages, warnings, html)


def too_long(ws, pages: int) -> str:
    """A worksheet printed alone should not spill a line or two onto a page of its own."""
    meant = f"{ws.pages} page" + ("s" if ws.pages > 1 else "")
    return (f"{ws.path}: this worksheet prints on {pages} pages, but is meant to fit on "
            f"{meant}. Shorten its instructions or fields, or, if it is meant to be longer, "
            f"set `pages: {pages}` in it")


def fix_radio_groups(data: bytes) -> bytes:
    """Make each scale one radio-group field named by its label.

    WeasyPrint (70) gives every radio button of a group its own /T and /TU as well as the
    group's, and lists each button in /AcroForm /Fields, so PDF readers see each button as a
    separate field with a duplicate name; and the group's accessible name is the first
    button's. Here the buttons become plain
    widgets of the group, and the group's /TU becomes the scale's label.
    """
    import pikepdf
    from pikepdf import Array, Name, String

    pdf = pikepdf.Pdf.open(io.BytesIO(data))
    form = pdf.Root.get(Name.AcroForm)
    if form is None:
        return data
    kids = set()
    for field in form.Fields:
        if field.get(Name.FT) != Name.Btn or Name.Kids not in field:
            continue
        for kid in field.Kids:
            kids.add(kid.objgen)
            for key in (Name.T, Name.TU):
                if key in kid:
                    del kid[key]
        label = str(field.get(Name.TU, "")).rsplit(": ", 1)[0]
        field.TU = String(label)
    # the buttons are reached through their group, not listed as fields of their own
    form.Fields = Array([f for f in form.Fields if f.objgen not in kids])
    # qpdf rewrites the file in a few hundredths of a second (pypdf took a fifth of the
    # time WeasyPrint took to render the pack)
    return pdf_bytes(pdf)


def _room(html: str, ctx: BuildContext, where: str, chosen) -> dict[str, float]:
    from .weasy import weasy
    from .worksheet_fill import main_box, room_to_grow

    ids = {i for i in (main_box(w.worksheet) for w in chosen) if i}
    if not ids:
        return {}
    _, document, _ = weasy(html, ctx, where, forms=True, write=False)
    return room_to_grow(document, ids)


def worksheets_html(eg: EditionGuide, ctx: BuildContext, mode: str, worksheets,
                    grow: dict[str, float] | None = None) -> str:
    # a link leads only to a worksheet in the same PDF; a chapter's title stays as words
    targets = {f"worksheet-{w.worksheet.id}": f"#worksheet-{w.worksheet.id}" for w in worksheets}
    worksheets = tuple(replace(w, instructions_html=retarget_links(w.instructions_html, targets),
                               closing_html=retarget_links(w.closing_html, targets))
                       for w in worksheets)
    if mode == "pack":
        title = gettext("%(title)s: worksheets, %(edition)s") % {
            "title": eg.meta.title, "edition": eg.edition.title}
    else:
        title = f"{worksheets[0].worksheet.title}: {eg.meta.title}, {eg.edition.title}"
    return render_template(ctx.root, eg.config.fmt("worksheets", "template"),
                           "formats.worksheets.template", **base_context(eg, ctx),
                           mode=mode, worksheets=worksheets, title=title,
                           table_widths=column_widths, grow=grow or {})


# [formats.worksheets] in careprint.toml (docs/config.md)
OPTIONS = {
    "template": Opt(str, "Template of a worksheet pack and a single worksheet.",
                    default="worksheets.html"),
}

FORMAT = Format("worksheets", jobs, render, order=40, options=OPTIONS,
                library=entries.worksheet,
                checks=("pdf-accessibility", "phone-split", "worksheet-fields", "worksheet-fit"))
