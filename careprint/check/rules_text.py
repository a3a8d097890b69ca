"""Rules on the words themselves: readability, sentence and paragraph length, pressure
words and content notes (health literacy and trauma-informed language)."""

from __future__ import annotations

import re

from ..source.config_schema import GRADE_RANGE, NUM, Opt
from ..source.lang_words import (
    EXCUSED_BEFORE,
    NEGATION,
    NEGATION_FORBIDS,
    PRESSED_BEFORE,
    PRESSURE_WORDS,
    SHIPPED,
)
from ..source.model import Chapter
from .readability import MEASURED, UNMEASURED, measure
from .reader_text import hidden_texts, normalise
from .registry import HEALTH_LITERACY, TRAUMA_INFORMED, Context, rule
from .report import Readability
from .text import Block, Text, clip, words

PROSE = ("paragraph", "item", "quote")
# why a rule that counts or matches words does not check a guide in another language
WORDS_UNCOVERED = ("not checked: careprint finds words in English and Spanish text only "
                   "(a language written without spaces, or in another alphabet, is not "
                   "split into words here)")


@rule("readability", "chapter", group=HEALTH_LITERACY, severity="error",
      doc="Flesch-Kincaid grade of each chapter and edition (SMOG reported); in Spanish, "
          "Fernández-Huerta reading ease (Szigriszt-Pazos reported)",
      languages=MEASURED, uncovered=UNMEASURED,
      options={
          "max_grade": Opt(NUM, "Highest Flesch-Kincaid grade of a chapter, for an edition "
                           "not named in this table. Add `<edition> = N` to set one "
                           "edition's grade (built in: survivors 8, partners 8, groups 10).",
                           default=8, lo=GRADE_RANGE[0], hi=GRADE_RANGE[1]),
          "min_ease_es": Opt(NUM, "Spanish: lowest Fernández-Huerta reading ease of a "
                             "chapter, for an edition not named in this table (0-100, "
                             "higher is easier; 70-80 reads as \"fairly easy\", about "
                             "grade 6). Add `<edition>_es = N` to set one edition's.",
                             default=70, lo=0, hi=100),
          "min_words": Opt(int, "Chapters with fewer words than this are not graded (the "
                           "formulas need a sample of about 100 words).", default=100, lo=1,
                           hi=100_000)})
def readability(ctx: Context, c: Chapter, bl: list[Block], eid, xref) -> None:
    parts = [c.summary, *c.key_points]
    for b in bl:
        if b.kind in PROSE:
            parts.append(Text.of(b.content_lines(), xref).text)
    text = " ".join(_terminated(p) for p in parts if p.strip())
    n_words = len(words(text))
    m = measure(text, ctx.language)
    graded = n_words >= ctx.opt("readability", "min_words")
    title_line = c.key_lines.of("title")
    if ctx.language == "es":
        _spanish(ctx, c, eid, m, n_words, graded, title_line)
        return
    grade = ctx.opt("readability", "grades")[eid]
    ctx.readability.append(Readability(c.path, title_line, c.name, eid, n_words,
                                       m.sentences, round(m.score, 1), round(m.also, 1),
                                       grade, graded))
    if graded and round(m.score, 1) > grade:
        ctx.add("readability", c.path, title_line,
                f"Flesch-Kincaid grade {m.score:.1f} is above {grade:g}, the limit for this "
                f"edition (SMOG {m.also:.1f}): use shorter sentences and everyday words",
                eid)


def _spanish(ctx: Context, c: Chapter, eid, m, n_words: int, graded: bool, line) -> None:
    least = ctx.opt("readability", "eases_es")[eid]
    row = Readability(c.path, line, c.name, eid, n_words, m.sentences, None, None, None,
                      graded, "es", round(m.score, 1), round(m.also, 1), least)
    ctx.readability.append(row)
    if row.over:
        ctx.add("readability", c.path, line,
                f"Fernández-Huerta reading ease {m.score:.1f} is below {least:g}, the "
                f"lowest for this edition (Szigriszt-Pazos {m.also:.1f}): use shorter "
                "sentences and everyday words", eid)


@rule("long-sentence", "sentence", group=HEALTH_LITERACY, severity="warning",
      doc="sentences longer than 25 words", languages=SHIPPED, uncovered=WORDS_UNCOVERED,
      options={"max_words": Opt(int, "Most words in one sentence.", default=25, lo=1,
                                hi=10_000)})
def long_sentence(ctx: Context, path, s, eid) -> None:
    limit = ctx.opt("long-sentence", "max_words")
    if s.words > limit:
        ctx.add("long-sentence", path, s.line,
                f"a sentence of {s.words} words (limit {limit}): split it in two "
                f"(\"{clip(s.text)}\")", eid)


@rule("long-paragraph", "paragraph", group=HEALTH_LITERACY, severity="warning",
      doc="paragraphs of more than 5 sentences or 100 words", languages=SHIPPED,
      uncovered=WORDS_UNCOVERED,
      options={"max_sentences": Opt(int, "Most sentences in one paragraph.", default=5, lo=1,
                                    hi=10_000),
               "max_words": Opt(int, "Most words in one paragraph.", default=100, lo=1,
                                hi=100_000)})
def long_paragraph(ctx: Context, path, b: Block, ss, eid) -> None:
    n_words = sum(s.words for s in ss)
    max_s = ctx.opt("long-paragraph", "max_sentences")
    max_w = ctx.opt("long-paragraph", "max_words")
    if len(ss) > max_s or n_words > max_w:
        ctx.add("long-paragraph", path, b.line,
                f"a paragraph of {len(ss)} sentences and {n_words} words (limits "
                f"{max_s} and {max_w}): break it into shorter paragraphs or a list", eid)


@rule("pressure-words", "text", group=TRAUMA_INFORMED, severity="warning",
      doc="words that pressure the reader, with a choice-giving wording (English and "
          "Spanish lists)", languages=SHIPPED,
      uncovered="not checked: careprint's lists of pressure words are in English and "
                "Spanish only",
      options={"words": Opt(dict, "English: phrase = choice-giving wording to suggest; "
                            "replaces the built-in list.", default=PRESSURE_WORDS["en"]),
               "words_es": Opt(dict, "Spanish: phrase = choice-giving wording to suggest; "
                               "replaces the built-in list.", default=PRESSURE_WORDS["es"]),
               "add": Opt(dict, "Phrase = suggestion, added to the list of the guide's "
                          "language.", default={}),
               "ignore": Opt(list, "Phrases of the list not to look for.", default=[])})
def pressure(ctx: Context, path: str, line: int, text: str, eid) -> None:
    """The text a reader sees, normalised (careprint.check.reader_text): a soft hyphen,
    a look-alike letter or full-width letters do not hide a phrase. Where phrases overlap
    ("solo tienes que", "tienes que"), the longest is reported."""
    if not text:
        return
    norm = normalise(text)
    patterns = _pressure_patterns(ctx)
    if ctx.cache["pressure-any"] is None or not ctx.cache["pressure-any"].search(norm):
        return
    negation = NEGATION[ctx.language]
    taken: list[tuple[int, int]] = []
    for phrase, suggestion, rx, excused in patterns:
        # "you do not have to", "nobody needs to", "no tienes que": permission
        spans = [m.span() for m in rx.finditer(norm)
                 if not (excused and negation.search(norm[:m.start()]))
                 and _presses(ctx.language, phrase, norm[m.end():])]
        spans = [(a, b) for a, b in spans if not any(a < y and x < b for x, y in taken)]
        if spans:
            taken += spans
            ctx.add("pressure-words", path, line,
                    f"\"{phrase}\" can read as pressure; offer a choice instead, "
                    f"e.g. {suggestion}", eid)


@rule("pressure-words", "block")
def pressure_hidden(ctx: Context, path: str, b: Block, eid) -> None:
    """What else a reader gets from a block: alt text, titles, raw HTML's words
    (`<details><summary>`...). Not comments, which no reader gets."""
    for line, text in hidden_texts(b.kind, b.lines):
        pressure(ctx, path, line, text, eid)


@rule("content-note", "chapter", group=TRAUMA_INFORMED, severity="warning",
      doc="content notes are brief (under 30 words)", languages=SHIPPED,
      uncovered=WORDS_UNCOVERED,
      options={"max_words": Opt(int, "Most words in a content note (29: under 30).",
                                default=29, lo=1, hi=10_000)})
def content_note(ctx: Context, c: Chapter, bl, eid, xref) -> None:
    if not c.content_note:
        return
    n = len(words(c.content_note))
    limit = ctx.opt("content-note", "max_words")
    if n > limit:
        ctx.add("content-note", c.path, c.key_lines.of("content_note"),
                f"the content note has {n} words; keep it under {limit + 1}: say "
                "calmly what the chapter mentions, and no more", eid)


def _pressure_patterns(ctx: Context):
    """(phrase, suggestion, pattern, whether a negation before it excuses it) of the
    guide's language, the longest phrase first."""
    if "pressure" not in ctx.cache:
        opts = ctx.settings["pressure-words"]
        table = dict(ctx.words("pressure-words", "words") or {}) | dict(opts["add"])
        ignore = {p.lower() for p in opts["ignore"]}
        forbids = NEGATION_FORBIDS[ctx.language]
        patterns, bodies = [], []
        for phrase, suggestion in table.items():
            if phrase.lower() in ignore:
                continue
            bodies.append(r"\s+".join(re.escape(w) for w in normalise(phrase).split()))
            rx = re.compile(f"{_BEFORE}{bodies[-1]}{_AFTER}", re.I)
            patterns.append((phrase, suggestion, rx, phrase.lower() not in forbids))
        patterns.sort(key=lambda p: -len(p[0]))
        ctx.cache["pressure"] = patterns
        # one pattern that matches where any of them does: most texts hold no phrase, and
        # are passed over by one search instead of one per phrase
        ctx.cache["pressure-any"] = re.compile(
            f"{_BEFORE}(?:{'|'.join(bodies)}){_AFTER}", re.I) if bodies else None
    return ctx.cache["pressure"]


_BEFORE, _AFTER = r"(?<![\w'])", r"(?![\w'])"  # a phrase is whole words


def _presses(language: str, phrase: str, after: str) -> bool:
    """Whether `phrase`, followed by `after`, presses the reader (lang_words.PRESSED_BEFORE,
    EXCUSED_BEFORE: "debes hacerlo" does, "les debes contacto" does not)."""
    key = phrase.lower()
    needs = PRESSED_BEFORE[language].get(key)
    excuse = EXCUSED_BEFORE[language].get(key)
    return not (needs and not needs.match(after) or excuse and excuse.match(after))


def _terminated(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text.rstrip(":;,") + "."
