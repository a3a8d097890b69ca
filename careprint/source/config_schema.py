"""The schema of careprint.toml: every option, declared once.

Each `Opt` says its type, whether it is required, its default and what it means (`doc`).
careprint/source/config.py validates a careprint.toml against these tables, and
careprint/commands/config_docs.py writes docs/config.md from them.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

from .lang_words import ACTION_HEADINGS, GENERIC_HEADINGS, GENERIC_LINK_TEXT, PRESSURE_WORDS

PAPER_SIZES = ("a4", "letter")


@dataclass(frozen=True)
class Opt:
    """One config option: its type, whether it is required, its default and what it means.

    A number has a range, `lo` to `hi` (both allowed): a value outside it, or not finite
    (`nan`, `inf`), is an error naming the range (tests/test_config_ranges.py checks that
    every number of the schema has one).
    """

    kind: type | tuple
    doc: str
    required: bool = False
    default: Any = None
    choices: tuple = ()
    lo: float | None = None
    hi: float | None = None

    def out_of_range(self, value: Any) -> str:
        """What is wrong with a number outside this option's range (`nan` is in none), or
        "" when it is in range or is no number."""
        if self.lo is None or self.hi is None or not isinstance(value, (int, float)) or \
                isinstance(value, bool):
            return ""
        if self.lo <= value <= self.hi:  # False for nan
            return ""
        whole, shown = "a whole number" if self.kind is int else "a number", repr(value)
        shown = shown if len(shown) <= 24 else f"{shown[:20]}..."
        return f"{shown} is out of range: expected {whole} from {self.lo:,} to {self.hi:,}"


GUIDE_OPTS = {
    "title": Opt(str, "The guide's title, on every cover and title page, and in the "
                  "handouts' and worksheets' running heads.", required=True),
    "subtitle": Opt(str, "A line under the title.", default=""),
    "slug": Opt(str, "Short name used in output file names (lower case, digits, hyphens).",
                required=True),
    "authors": Opt(list, "List of author names.", required=True),
    "language": Opt(str, "BCP 47 language tag of the text, e.g. 'en' or 'en-GB'.", required=True),
    "license": Opt(str, "The licence the guide is published under.", required=True),
    "publisher": Opt(str, "Who publishes the guide.", required=True),
    "identifier_base": Opt(str, "Stable base for the EPUB identifier (a URN or URL); "
                           "each edition gets a UUIDv5 from it.", required=True),
    "date": Opt((str, _dt.date), "Publication date, YYYY-MM-DD. Used in the colophon and as the "
                "EPUB's modified date unless SOURCE_DATE_EPOCH is set.", required=True),
    "version": Opt(str, "The guide's own version, printed in the colophon.", default="1.0"),
    "url": Opt(str, "The https:// address where the build folder is published (the folder "
               "that holds index.html and the edition folders), e.g. "
               "`https://guides.example.org/safe-to-feel`. With it, each handout and chapter "
               "PDF carries a QR code of its chapter's page in the web edition, with the "
               "address beneath it, and the web edition and the EPUB link to the printable "
               "worksheet PDFs there. Empty: no QR codes and no such links.", default=""),
}
EDITION_OPTS = {
    "title": Opt(str, "The edition's title, e.g. 'For partners'.", required=True),
    "audience": Opt(str, "Who the edition is for, in full: written into each PDF's and EPUB's "
                     "description. The title page says it once, through the edition's `title`.",
                     required=True),
    "description": Opt(str, "A short description for the title page and `careprint list`.",
                       required=True),
}
PAPER_OPTS = {
    "size": Opt((str, list), "Paper size of every PDF, or a list of sizes to build each PDF "
                'on each of them, e.g. `["a4", "letter"]`. The paper is part of every PDF\'s '
                "file name, so sizes never overwrite each other. Capitals are "
                "allowed (`\"A4\"`).", default="a4",
                choices=PAPER_SIZES),
}
RESOURCES_OPTS = {
    "regions": Opt(list, "The regions this guide serves, as ISO 3166 codes (a country, `GB`, "
                   "or a part of one, `GB-SCT`): what `careprint build --region all` builds, "
                   "and what `careprint check` (rule resource-coverage) expects a checked "
                   "emergency number, crisis line and sexual-violence service for. Empty: "
                   "every region that content/resources/ names.", default=[]),
    "max_age_days": Opt(int, "A resource checked longer ago than this many days is an error "
                        "in `careprint check` and a warning in `careprint build`: numbers "
                        "and hours change, so check it again and update `verified_on`.",
                        default=365, lo=1, hi=3650),
}
LANGUAGE_OPTS = {
    "editions": Opt(list, "The editions translated into this language (content/translations/"
                    "<code>/): what `careprint build --language <code>` builds; the others "
                    "are not built in it.", required=True),
    "regions": Opt(list, "Whose services its support pages list, as ISO 3166 codes: the "
                   "regions of content/resources/ whose files it has translated "
                   "(content/translations/<code>/resources/). Empty: every region of "
                   "[resources] regions.", default=[]),
    "fallback": Opt(bool, "What a file an edition needs with no translation does: false "
                    "stops the build with an error naming both files; true prints the "
                    "source's text instead, and the build names each file that fell back.",
                    default=False),
}
REVIEW_OPTS = {
    "credits": Opt(list, "Who wrote and edited the guide, by role, one line each, e.g. "
                   "`[\"Writing and editing: The careprint editors\"]`: printed in the colophon "
                   "and the EPUB's metadata.", default=[]),
    "clinical_reviewers": Opt(list, "Who reviewed the guide clinically: a name and a role each, "
                              "e.g. `[\"Dr A. Example, clinical psychologist\"]`. Empty: the "
                              "colophon says plainly that no named clinician has reviewed it. "
                              "Never name a review that did not happen.", default=[]),
    "reviewed_on": Opt((str, _dt.date), "The date of that clinical review, YYYY-MM-DD "
                       "(required with clinical_reviewers).", default=""),
    "lived_experience": Opt(str, "Whether people with lived experience were involved, and how, "
                            "in a sentence. Empty: the colophon says they were not, yet.",
                            default=""),
    "next_review": Opt((str, _dt.date), "When the guide is next due for review, YYYY-MM-DD. "
                       "`careprint check` (review-record) warns once it has passed.",
                       default=""),
    "report_errors": Opt(str, "How a reader reports an error: an https:// address or an "
                         "e-mail address, printed in the colophon.", default=""),
}

# [strings]: any of careprint's own messages, in the project's words (careprint/source/i18n.py).
# Its keys are careprint's messages, not options: the table is read as message = text.
STRINGS_DOC = (
    "Optional. careprint's own words in your project's words: each key is one of careprint's "
    "messages, exactly as careprint/locale/careprint.pot writes it, and its value the text to "
    "print instead, in every output, e.g. `\"Contents\" = \"What is inside\"` or "
    "`\"Chapter %(n)s\" = \"Part %(n)s\"`. A text keeps its message's placeholders and HTML "
    "tags, and adds none. It wins over careprint's catalogue for the guide's language and "
    "over the project's own (`locale/<lang>/LC_MESSAGES/careprint.po`): docs/templates.md, "
    "\"careprint's words\".")


# Where the formats are (render/registry.py). Loading careprint.toml asks it for their
# options by name at run time, as careprint loads a plugin: the loader never imports the
# renderer's code (docs/architecture.md, "Layers"), and a format need not be known here.
def format_opts() -> dict:
    """name -> options of each format's [formats.<name>] table, in the formats' order:
    each format declares its own (render/registry.py: Format.options), and a format from
    a plugin brings its table with it. The one import of the renderer that reading the
    project makes, named as such in the layers' contract (pyproject.toml): the format
    modules declare their tables without importing WeasyPrint."""
    from ..render.registry import option_tables

    return option_tables()


# ---------------------------------------------------------------- [check]: `careprint check`
#
# Each rule of `careprint check` has a table [check.<rule-id>] (docs/checks.md), whose keys
# its `@rule` declares (careprint.check.registry): `enabled`, `severity` and the rule's own.
# Here: the values they share, and the defaults of the longer ones.

SEVERITIES = ("error", "warning")
ACE_IMPACTS = ("minor", "moderate", "serious", "critical")

# The built-in lists of the rules that read words, by language (careprint/source/lang_words.py):
# the English ones under their old names, which the rules' options take as defaults.
DEFAULT_PRESSURE_WORDS = PRESSURE_WORDS["en"]
DEFAULT_GENERIC_HEADINGS = GENERIC_HEADINGS["en"]
DEFAULT_GENERIC_LINK_TEXT = GENERIC_LINK_TEXT["en"]
DEFAULT_ACTION_HEADINGS = ACTION_HEADINGS["en"]
# Flesch-Kincaid grade per edition, when careprint.toml names none (the thresholds:
# 8 for survivors and partners, 10 for group facilitators); every other edition: max_grade.
READABILITY_EDITION_GRADES = {"survivors": 8, "partners": 8, "groups": 10}
# The grades a limit may name: Flesch-Kincaid grades of real text lie about here.
GRADE_RANGE = (1, 30)
NUM = (float, int)
