"""The guide as the readers of one region get it, and the services it prints.

`careprint build --region GB-SCT` builds the guide for Scotland: its support page, handout
backs, footers and crisis boxes list Scotland's services with the UK's, and `[[help:role]]`
in the text names Scotland's service (careprint/source/markup.py). Like an edition, a region is
applied to the immutable model before anything is numbered or laid out: for_region()
returns a Guide that knows its region, whose file names and EPUB identifier say it, so that
its outputs, in a folder of their own (region_out), never overwrite anyone else's.

Only checked entries are printed (model.Resource.checked); the build names each one it
leaves out (resource_warnings).
"""

from __future__ import annotations

import datetime as _dt
import html
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ..errors import CareprintError
from . import regions
from .i18n import N_, gettext
from .model import Guide, Resource
from .phones import phone_numbers
from .regions import CRISIS_ROLES

REGIONS_FOLDER = "regions"  # build/regions/<code>/: never an edition's folder
IMPRINTS_FOLDER = "imprints"  # build/imprints/<id>/, the same
SHARED_FOLDER = ".shared"  # build/imprints/.shared/: what clinics' builds share (render/shared.py)


def today() -> _dt.date:
    """The date a resource's check is aged against: today, or CAREPRINT_TODAY (YYYY-MM-DD),
    which the test suite sets so that its fixtures do not age."""
    import os

    value = os.environ.get("CAREPRINT_TODAY", "")
    try:
        return _dt.date.fromisoformat(value) if value else _dt.date.today()
    except ValueError:
        raise CareprintError(f"CAREPRINT_TODAY={value!r}: expected a date, YYYY-MM-DD") \
            from None


def declared(guide: Guide) -> tuple[str, ...]:
    """The regions the guide serves: [resources] regions, or every one its resources name."""
    named = guide.config.resources["regions"]
    if named:
        return tuple(named)
    ordered = sorted(guide.resources, key=lambda r: (r.path, r.line))
    return tuple(dict.fromkeys(c for r in ordered for c in r.regions))


def requested(guide: Guide, asked) -> tuple[str, ...]:
    """`--region` values -> the region codes to build, `all` being every declared one."""
    serves = declared(guide)
    out: list[str] = []
    for value in asked:
        if value.lower() == "all":
            out += serves
            continue
        code = value.upper()
        if not regions.known(code):
            raise CareprintError(f"--region {value}: not an ISO 3166 code careprint knows; "
                                 f"this guide serves: {', '.join(serves)} (or all)")
        if code not in serves and not any(regions.covers(r.regions, code)
                                          for r in guide.resources):
            raise CareprintError(f"--region {value}: the guide has no service for "
                                 f"{regions.name(code)}; it serves: {', '.join(serves)}")
        out.append(code)
    return tuple(dict.fromkeys(out))


def region_out(out_dir: Path, code: str) -> Path:
    """Where one region's outputs go: OUT/regions/<code>/."""
    return out_dir / REGIONS_FOLDER / code.lower()


def site_prefix(guide: Guide) -> str:
    """Where this guide's outputs sit under the build folder's root, as a published site
    sees them: "" for the build for every region, "regions/<code>/" for one region's,
    "imprints/<id>/" for a clinic's (and "imprints/<id>/regions/<code>/" for a clinic's in
    another region than its own)."""
    if guide.language:  # build/languages/<code>/, and the region's folder in it
        plain = replace(guide, language="")
        return f"languages/{guide.language}/{site_prefix(plain)}"
    imprint = guide.imprint
    if imprint is not None:
        own = f"{IMPRINTS_FOLDER}/{imprint.id}/"
        return own if guide.region == imprint.region else \
            f"{own}{REGIONS_FOLDER}/{guide.region.lower()}/"
    return f"{REGIONS_FOLDER}/{guide.region.lower()}/" if guide.region else ""


def imprints_requested(guide: Guide, asked) -> tuple:
    """`--imprint` values -> the imprints to build, `all` being every one."""
    by_id = {i.id: i for i in guide.imprints}
    out: list = []
    for value in asked:
        if value == "all":
            out += guide.imprints
            continue
        if value not in by_id:
            import difflib

            near = difflib.get_close_matches(value, list(by_id), n=1, cutoff=0.6)
            hint = f" Did you mean {near[0]}?" if near else ""
            have = ", ".join(by_id) or "none: add imprints/<id>.toml (docs/content-format.md)"
            raise CareprintError(f"--imprint {value}: no imprints/{value}.toml.{hint} "
                                 f"Imprints: {have}")
        out.append(by_id[value])
    return tuple(dict.fromkeys(out))


def for_imprint(guide: Guide, imprint, region: str = "") -> Guide:
    """`guide` stamped for a clinic: its name in the EPUB's identifier, its region's
    services (or `region`'s, when a build asks for another). Its files keep the names a
    build for no clinic gives them (with the region's code for another region): the folder
    build/imprints/<id>/ names the clinic, and a PDF that names another file (the guide
    names its worksheet pack) is then the same for every clinic, which their builds share
    (render/shared.py)."""
    region = region or imprint.region
    meta = guide.config.guide
    tail = imprint.id if region == imprint.region else f"{imprint.id}-{region.lower()}"
    slug = meta.slug if region == imprint.region else f"{meta.slug}-{region.lower()}"
    meta = replace(meta, slug=slug, identifier_base=f"{meta.identifier_base}:{tail}")
    return replace(guide, region=region, imprint=imprint,
                   config=replace(guide.config, guide=meta))


def for_region(guide: Guide, code: str) -> Guide:
    """`guide` for the readers of region `code`: its file names and EPUB identifier say so."""
    meta = guide.config.guide
    meta = replace(meta, slug=f"{meta.slug}-{code.lower()}",
                   identifier_base=f"{meta.identifier_base}:{code.lower()}")
    return replace(guide, region=code, config=replace(guide.config, guide=meta))


def printed(guide: Guide) -> tuple[Resource, ...]:
    """The entries a reader gets: checked ones, serving the build's region if it has one."""
    return tuple(r for r in guide.resources
                 if r.checked and (not guide.region or regions.covers(r.regions, guide.region)))


def local_services(guide: Guide) -> tuple[Resource, ...]:
    """A clinic's own local services that a reader gets: the checked ones, listed first."""
    if guide.imprint is None:
        return ()
    return tuple(r for r in guide.imprint.services if r.checked)


def resource_warnings(guide: Guide, today: _dt.date) -> list[str]:
    """What a build says of the resources: each entry left out as unchecked, each check
    older than [resources] max_age_days."""
    limit = guide.config.resources["max_age_days"]
    out = []
    services = guide.imprint.services if guide.imprint is not None else ()
    for r in sorted(guide.resources + services, key=lambda r: (r.path, r.line)):
        if not r.checked:
            out.append(f"{r.path}:{r.line}: {r.name} is left out of every output: it has "
                       "no verified_on, source and source_kind (see `careprint check`)")
        elif r.verified_on is not None and (today - r.verified_on).days > limit:
            out.append(f"{r.path}:{r.key_lines.of('verified_on')}: {r.name} was checked on "
                       f"{r.verified_on}, more than {limit} days ago: check it again")
    return out


def help_for(resources, region: str, role: str) -> Resource | None:
    """The service `[[help:role]]` names in a build for `region`: the nearest checked one
    (the region's own, then its country's), first in file order. A service for some
    readers only (LGBTQ+ people, men, women, young people) is named only when the role asks
    for them, and `supporters` names a sexual-violence service that supporters can call:
    the sentence that asks is about everyone, in a guide about sexual violence. None in a
    build for every region, or where no one service fits the whole region."""
    if not region:
        return None
    fits = [r for r in resources if role in r.roles and r.checked
            and regions.specificity(r.regions, region) < 2
            and regions.covers(r.regions, region) and not _for_some(r, role)
            and (role != "supporters" or "sexual-violence" in r.roles)]
    fits.sort(key=lambda r: (regions.specificity(r.regions, region), r.path, r.line))
    return fits[0] if fits else None


AUDIENCES = ("lgbtq", "men", "women", "young-people")  # roles that narrow whom it serves


def handout_services(resources, region: str, served: Sequence[str] = ()) -> list[Resource]:
    """What every handout's back lists under "If you need help now". In a region's build:
    its first emergency number (the others, by text or textphone, are in the guide's list),
    its crisis lines and its sexual-violence services for everyone, so that the list fits
    the sheet with a clinic's block above it. In a build for every region: each country's
    emergency number and its first crisis line with a number to call, so that ten
    countries still fit one side; when the guide names the regions it serves (`served`:
    [resources] regions), only those countries: the guide's own list names the others."""
    if region:
        ordered = sorted(resources, key=lambda r: (regions.specificity(r.regions, region),
                                                   r.path, r.line))
        emergency = [r for r in ordered if "emergency" in r.roles][:1]
        out = emergency + [r for r in resources if "emergency" not in r.roles and (
            "crisis" in r.roles or "sexual-violence" in r.roles
            and not any(a in r.roles for a in AUDIENCES))]
        return out or list(resources)
    ordered = sorted(resources, key=lambda r: (r.path, r.line))
    out = []  # a list of Resource, as above
    countries = {c.split("-")[0] for c in served}
    for code in dict.fromkeys(c for r in ordered for c in r.regions
                              if not regions.is_subdivision(c)
                              and (not countries or c in countries)):
        for role in CRISIS_ROLES:
            first = next((r for r in ordered if code in r.regions and role in r.roles
                          and not any(a in r.roles for a in AUDIENCES)
                          and first_number(r) is not None), None)
            if first is not None and first not in out:
                out.append(first)
    return out or list(resources)


def _for_some(resource: Resource, role: str) -> bool:
    """Whether a service is for some readers only (LGBTQ+ people, men, women, young people)
    when `role` does not ask for them."""
    return any(a in resource.roles for a in AUDIENCES if a != role)


def first_number(resource: Resource, schemes=("tel",)) -> tuple[str, str] | None:
    """The first number in a service's contact that is called (tel:), or None."""
    return next(((w, uri) for w, uri in phone_numbers(resource.contact)
                 if uri.split(":")[0] in schemes), None)


# What fits the footer line, measured: the generated line sets its numbers bold, so it holds
# fewer characters than careprint/check/rules_resources.py allows a project's own line
FOOTER_CHARS = 76


def footer_services(resources, region: str) -> list[tuple[str, str]]:
    """The region's crisis lines that have a number to call, nearest first, as (name,
    number): the template crisis-line.txt makes the footer's line of them. A name that
    holds its number ("988 Suicide & Crisis Lifeline") gets no second copy of it ("")."""
    lines = [r for r in resources if "crisis" in r.roles and r.checked
             and regions.covers(r.regions, region)]
    lines.sort(key=lambda r: (regions.specificity(r.regions, region), r.path, r.line))
    out = []
    for r in lines:
        number = first_number(r)
        if number is not None:
            out.append((r.name, "" if number[0] in r.name else number[0]))
    return out


# What `[[help:role]]` says in a build for every region, pointing to the support page
# (in the PDF with "(page N)"); `[[help:role|words]]` says its own words instead.
HELP_PHRASES = {
    "emergency": N_("your local emergency number"),
    "crisis": N_("a crisis line"),
    "sexual-violence": N_("a sexual-violence support service"),
    "domestic-abuse": N_("a domestic abuse helpline"),
    "lgbtq": N_("an LGBTQ+ support service"),
    "men": N_("a support service for men"),
    "women": N_("a support service for women"),
    "young-people": N_("a helpline for young people"),
    "supporters": N_("a service for family and friends"),
}


def help_phrase(role: str) -> str:
    """HELP_PHRASES[role] in the guide's language (careprint/source/i18n.py)."""
    return gettext(HELP_PHRASES[role])


def help_words(resource: Resource | None, role: str) -> str | None:
    """The HTML `[[help:role]]` prints for `resource` (None: the neutral phrase): an
    emergency number alone ("999"), or a service's name with its number."""
    if resource is None:
        return None
    number = first_number(resource)
    if number is None:
        return html.escape(resource.name, quote=False)
    link = f'<a class="phone" href="{number[1]}">{html.escape(number[0], quote=False)}</a>'
    if role == "emergency":
        return link
    return f"{html.escape(resource.name, quote=False)} ({link})"


def help_html(role: str, words: str | None, text: str) -> str:
    """What the cross-reference becomes: the region's service, or a link to the support
    page in the words of HELP_PHRASES (or the author's `text`)."""
    if words is not None:
        return words
    label = html.escape(text or help_phrase(role), quote=False)
    return (f'<a class="xref xref-chapter xref-help" href="#support-and-crisis-resources">'
            f"{label}</a>")
