"""The guide as immutable data. An edition is derived from a Guide, never patched."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Protocol

from .config import Config

FIELD_TYPES = ("name", "date", "lines", "text", "checklist", "scale", "table")
# A scale of up to this many points prints as a row of choices; a longer one (a 0-100
# rating, as in thought records and SUDS) is a number the reader writes in a box.
SCALE_CHOICES = 21


@dataclass(frozen=True)
class KeyLines:
    """Where the keys of one YAML mapping (front matter, a worksheet, a field, a resource, a
    glossary entry) are in its file, so that `careprint check` never reads the file again."""

    line: int = 1  # the mapping's first line: where a key it lacks is reported
    keys: tuple[tuple[str, int], ...] = ()  # (key, the line it is on)
    items: tuple[tuple[str, tuple[int, ...]], ...] = ()  # (key, the line of each list item)

    def of(self, key: str) -> int:
        """The line of `key`, or the mapping's first line if it has no such key."""
        return dict(self.keys).get(key, self.line)

    def items_of(self, key: str) -> tuple[int, ...]:
        """The line of each item of the list under `key`; () if it is not a list."""
        return dict(self.items).get(key, ())


NO_LINES = KeyLines()


def _key_lines():
    return field(default=NO_LINES, compare=False, repr=False)


@dataclass(frozen=True)
class HandoutChoice:
    """What a chapter's one-sheet handout holds besides its summary and key points: the
    `handout:` front matter (careprint/source/handout_choice.py). Each is a tuple of section
    headings (## ...), matched in each edition against the sections that edition keeps;
    None is the default: the edition's first section whose heading starts "Try this"."""

    practice: tuple[str, ...] | None = None
    sections: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Chapter:
    """One chapter file, `content/chapters/NN-slug.md`."""

    path: str  # relative to the project, POSIX style, e.g. content/chapters/01-why.md
    number: str  # "01"
    slug: str  # "why" (what [[chapter:...]] uses)
    title: str
    editions: tuple[str, ...] | None  # None: every edition
    summary: str
    key_points: tuple[str, ...]
    content_note: str
    body: str
    body_line: int  # line number of the body's first line in the file
    key_lines: KeyLines = _key_lines()  # of its front-matter keys
    handout: HandoutChoice = HandoutChoice()  # which sections its handout holds

    @property
    def name(self) -> str:
        """`NN-slug`, the handout's file name."""
        return f"{self.number}-{self.slug}"

    def in_edition(self, edition: str) -> bool:
        return self.editions is None or edition in self.editions


# A table column's cells: written in (a text field) or ticked (a checkbox). Issue 16.
CELL_TYPES = ("text", "checkbox")


@dataclass(frozen=True)
class Column:
    """One column of a `table` field (careprint/source/worksheet_tables.py reads it)."""

    label: str
    type: str = "text"
    width: int | None = None  # percent of the table's width; None: sized to its content


@dataclass(frozen=True)
class Field:
    """One worksheet field. Only the attributes of its type are set."""

    type: str
    label: str
    key: str
    line: int
    lines: int = 3
    height: int = 5
    options: tuple[str, ...] = ()
    other: bool = False
    min: int = 0
    max: int = 10
    anchors: tuple[str, str] = ("", "")
    columns: tuple[str, ...] = ()
    rows: int = 0
    row_labels: tuple[str, ...] = ()
    table_columns: tuple[Column, ...] = ()  # a table's columns; `columns` are their labels
    key_lines: KeyLines = _key_lines()  # of its keys (label, options...)

    @property
    def rating(self) -> bool:
        """A scale too long for a row of choices: a number from min to max, written in."""
        return self.type == "scale" and self.max - self.min + 1 > SCALE_CHOICES


@dataclass(frozen=True)
class Worksheet:
    """One structured worksheet, `content/worksheets/<id>.yaml`."""

    path: str
    id: str
    title: str
    purpose: str
    editions: tuple[str, ...] | None
    instructions: str
    instructions_line: int
    closing: str
    closing_line: int
    fields: tuple[Field, ...]
    pages: int = 1  # the printed pages it is meant to take alone; the build warns beyond
    key_lines: KeyLines = _key_lines()  # of its top-level keys

    def in_edition(self, edition: str) -> bool:
        return self.editions is None or edition in self.editions


@dataclass(frozen=True)
class Resource:
    """A crisis or support service: where it helps (ISO 3166 codes) and what for (roles)."""

    path: str
    line: int
    name: str
    regions: tuple[str, ...]  # ISO 3166 codes: careprint/source/regions.py
    roles: tuple[str, ...]  # regions.ROLES
    contact: str
    hours: str
    url: str
    description: str
    verified_on: _dt.date | None  # None: not yet checked against a page that counts
    source: str = ""  # the https:// address of the page it was checked against
    source_kind: str = ""  # what that page was: regions.SOURCE_KINDS
    key_lines: KeyLines = _key_lines()  # of its keys (verified_on, source...)

    @property
    def crisis(self) -> bool:
        """An emergency number or a crisis line: listed first, and on every handout."""
        return "emergency" in self.roles or "crisis" in self.roles

    @property
    def checked(self) -> bool:
        """Checked as careprint means it: a date, the page's address and its kind. Only
        such an entry is printed for a reader."""
        return self.verified_on is not None and bool(self.source) and bool(self.source_kind)


@dataclass(frozen=True)
class GlossaryEntry:
    id: str
    term: str
    definition: str
    path: str
    line: int
    key_lines: KeyLines = _key_lines()  # of its keys (definition...)


@dataclass(frozen=True)
class Guide:
    """Everything read from a project, validated, before anything is written."""

    config: Config
    chapters: tuple[Chapter, ...]
    worksheets: tuple[Worksheet, ...]
    resources: tuple[Resource, ...]
    glossary: tuple[GlossaryEntry, ...]
    region: str = ""  # the region a build is for (careprint/source/regions.py); "" = every region
    imprints: tuple = ()  # every clinic's imprint (careprint/source/imprints.py)
    imprint: ImprintFields | None = None  # the imprint a build is for, or None
    language: str = ""  # the translation a build is in (source/language_view.py); "" = source
    fell_back: tuple[str, ...] = ()  # what a build in a language says of each file untranslated


class ImprintFields(Protocol):
    """What a build reads of a clinic's imprint: careprint.source.imprints.Imprint, which
    this module cannot import (it reads Resource from here), for the type checker."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def region(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def logo(self) -> str: ...
    @property
    def services(self) -> tuple[Resource, ...]: ...
