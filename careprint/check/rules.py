"""The rules of `careprint check`: their ids, what they check and where each comes from.

Options and default severities are declared with the rest of careprint.toml in
careprint.config.CHECK_OPTS; docs/checks.md explains every rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config_schema import CHECK_OPTS


@dataclass(frozen=True)
class Rule:
    id: str
    group: str  # "health literacy", "trauma-informed language", "accessibility", "outputs"
    checks: str  # one line: what it checks
    outputs: bool = False  # runs only with --outputs, on built files

    @property
    def default_severity(self) -> str:
        return CHECK_OPTS[self.id]["severity"].default


_HL, _TI, _A11Y, _OUT = ("health literacy", "trauma-informed language", "accessibility",
                         "outputs")
_META = "markers"
RULES: dict[str, Rule] = {r.id: r for r in (
    Rule("readability", _HL, "Flesch-Kincaid grade of each chapter and edition (SMOG reported)"),
    Rule("long-sentence", _HL, "sentences longer than 25 words"),
    Rule("long-paragraph", _HL, "paragraphs of more than 5 sentences or 100 words"),
    Rule("chapter-summary", _HL, "every chapter has a summary"),
    Rule("key-points", _HL, "every chapter lists key points"),
    Rule("ends-with-action", _HL, "every chapter ends with something for the reader to do"),
    Rule("informative-headings", _HL, "headings say what follows, not just 'Introduction'"),
    Rule("jargon", _HL, "glossary words are linked at their first use in a chapter"),
    Rule("pressure-words", _TI, "words that pressure the reader, with a choice-giving wording"),
    Rule("content-note", _TI, "content notes are brief (under 30 words)"),
    Rule("crisis-resources", _TI, "every edition carries the crisis and support resources"),
    Rule("resource-verified", _TI, "every resource was checked against the service's own "
         "page or an official one, within [resources] max_age_days"),
    Rule("resource-coverage", _TI, "every region the guide serves has a checked emergency "
         "number, crisis line and sexual-violence service"),
    Rule("review-record", _TI, "the guide has a clinical review on record, and its next "
         "review date has not passed"),
    Rule("emergency-number", _TI, "chapters name emergency help with [[help:emergency]], "
         "not a bare number that is wrong in other regions"),
    Rule("image-alt", _A11Y, "images have alt text, or are marked decorative"),
    Rule("heading-levels", _A11Y, "heading levels never skip (## then ###)"),
    Rule("link-text", _A11Y, "link text is not 'click here' or a bare URL"),
    Rule("table-headers", _A11Y, "tables have a header row"),
    Rule("language", _A11Y, "the guide's language is set (a BCP 47 tag)"),
    Rule("allow-marker", _META, "`careprint: allow` markers name real rules and are needed"),
    Rule("outputs", _OUT, "every output of every checked edition and format was built", True),
    Rule("epubcheck", _OUT, "EPUBCheck finds no errors or warnings in any EPUB", True),
    Rule("ace", _OUT, "Ace by DAISY finds no serious or critical violations in any EPUB",
         True),
    Rule("pdf-accessibility", _OUT, "every PDF has a title, a language, a structure tree and "
         "embedded fonts", True),
    Rule("worksheet-fields", _OUT, "every worksheet PDF has the form fields of its worksheet",
         True),
    Rule("worksheet-fit", _OUT, "every worksheet printed alone fits its pages on every paper",
         True),
    Rule("phone-split", _OUT, "no phone number is split across two lines in any PDF", True),
)}
# Problems that stop the project from being read at all (careprint build reports the same).
PROJECT_RULE = "project"

assert set(RULES) == set(CHECK_OPTS), "every rule needs options in config.CHECK_OPTS"
