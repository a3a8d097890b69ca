"""Readability formulas, one per language careprint has a validated one for (textstat 0.7.8).

- English: Flesch-Kincaid grade, with the SMOG index reported beside it (Kincaid et al.
  1975; McLaughlin 1969), as careprint has always measured it.
- Spanish: Fernández-Huerta reading ease (Fernández Huerta 1959, in the corrected form of
  Law 2011: 206.84 - 60 syllables per word - 1.02 words per sentence), with the
  Szigriszt-Pazos perspicuity (1993) reported beside it. Both run from 0 (very hard) to
  100 (very easy); 70-80 is "fairly easy", about grade 6 (legible.es).

Another language is not measured (the reason is UNMEASURED): an English formula on, say,
Arabic or Japanese text counts neither its words nor its syllables, and a number it gave
would pass a chapter nobody measured.

textstat's `set_lang` is global state, which every later English measure would inherit;
so the Spanish measures call textstat's functions that take the language as an argument
(`textstat.backend.metrics`), and the English ones stay on its default, en_US.
"""

from __future__ import annotations

from dataclasses import dataclass

MEASURED = ("en", "es")
UNMEASURED = ("not measured: careprint has a validated readability formula for English "
              "(Flesch-Kincaid grade) and Spanish (Fernández-Huerta) only; ask readers who "
              "speak the language to judge how easy each chapter is to read")


@dataclass(frozen=True)
class Measure:
    """The figures of one text: `score` is judged, `also` is reported beside it."""

    score: float
    also: float
    sentences: int


def measure(text: str, language: str) -> Measure:
    """The readability of `text` in `language` ("en" or "es"), not rounded."""
    import textstat  # heavy, and only `careprint check` needs it

    from .syllables import install

    install()  # English syllables from careprint's kept table, not CMUdict parsed again
    if not text:
        return Measure(0.0, 0.0, 0)
    sentences = int(textstat.sentence_count(text))
    if language == "es":
        from textstat.backend import metrics  # type: ignore[import-untyped]  # no stubs

        return Measure(float(metrics.fernandez_huerta(text, "es")),
                       float(metrics.szigriszt_pazos(text, "es")), sentences)
    return Measure(float(textstat.flesch_kincaid_grade(text)),
                   float(textstat.smog_index(text)), sentences)
