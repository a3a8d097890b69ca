"""Page numbers ("Page 5 of 97", a booklet's folio) drawn on a guide joined from its parts.

A guide is laid out a chapter at a time (render/parts.py), and a part's pages do not know
where they will fall. So the parts are laid out without page numbers, and the numbers are
laid out on their own: the guide's template again, with its page rules and the joined
guide's page count, over as many empty pages (`folio_pages`: guide.html), which WeasyPrint
numbers and places exactly as it would have on the guide itself. Each of those pages is
then drawn over the guide's page of the same number. An edit that moves every later page
lays out the numbers again, not the chapters.

The numbers are marked as pagination artifacts, as PDF/UA asks of page numbers: a screen
reader does not read "Page 5 of 97" between two paragraphs.
"""

from __future__ import annotations

import io


def add_folios(pdf, folios: bytes) -> None:
    """Draw page i of `folios` over page i of the open `pdf`, as an artifact."""
    import pikepdf

    numbers = pikepdf.Pdf.open(io.BytesIO(folios))
    if len(numbers.pages) != len(pdf.pages):
        raise ValueError(f"{len(numbers.pages)} page numbers for {len(pdf.pages)} pages")
    for number, (page, folio) in enumerate(zip(pdf.pages, numbers.pages, strict=True), 1):
        form = folio.as_form_xobject()
        if pikepdf.Name.StructParents in form:
            del form.StructParents
        content = _as_artifacts(form)
        if content is not None:  # a page with a number (the title page has none)
            form.write(content)
            _overlay(pdf, page, pdf.copy_foreign(form), f"/CareprintFolio{number}")


def _overlay(pdf, page, form, name: str) -> None:
    """Draw `form` over `page`, both of one size, under a name of careprint's own: pikepdf's
    add_overlay names it at random, and the same guide would not be the same bytes. A
    name per page: the pages of a part share one dictionary of resources."""
    import pikepdf
    from pikepdf import Dictionary, Name

    if Name.Resources not in page.obj:
        page.obj.Resources = Dictionary()
    if Name.XObject not in page.obj.Resources:
        page.obj.Resources.XObject = Dictionary()
    page.obj.Resources.XObject[Name(name)] = form
    page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    page.contents_add(pikepdf.Stream(pdf, f"\nQ\nq {name} Do Q\n".encode()))


def _as_artifacts(form) -> bytes | None:
    """The form's content with each tagged span (WeasyPrint tags margin boxes) marked as
    a pagination artifact instead: it belongs to no element of the structure tree. None
    if it draws no text."""
    import pikepdf
    from pikepdf import Dictionary, Name

    ops, text = [], False
    # an instruction unpacks by indexing (__getitem__), which mypy does not follow: [misc]
    for operands, operator in pikepdf.parse_content_stream(form):  # type: ignore[misc]
        if str(operator) == "BDC":
            operands = [Name.Artifact, Dictionary(Type=Name.Pagination)]
        text = text or str(operator) in ("Tj", "TJ", "'", '"')
        ops.append((operands, operator))
    return pikepdf.unparse_content_stream(ops) if text else None
