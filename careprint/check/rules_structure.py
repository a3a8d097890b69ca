"""Rules on the shape of a chapter: a summary, key points, headings that inform, glossary
words linked at first use, and an ending that offers the reader something to do."""

from __future__ import annotations

import re

from ..source.config_schema import Opt
from ..source.lang_words import ACTION_HEADINGS, GENERIC_HEADINGS, SHIPPED
from ..source.model import Chapter
from ..source.xref import XREF_RE, parse
from .registry import HEALTH_LITERACY, Context, rule
from .rules_access import norm
from .rules_text import WORDS_UNCOVERED
from .text import Block, plain

NUMBERING_RE = re.compile(r"^(?:(?:part|section|chapter|step|parte|secci[oó]n|cap[ií]tulo|"
                          r"paso)\s+)?"
                          r"(?:(?:\d+|[ivx]+)(?:[.):]\s*|\s+))?", re.I)


def key_points_message(have: int, want: int) -> str:
    """What the key-points rule says of a chapter that lists `have` of the `want` points."""
    if not have:
        return (f"this chapter lists no key points: add `key_points:` to its front matter, "
                f"with {want} or more short points")
    points = "1 key point" if have == 1 else f"{have} key points"
    return f"this chapter lists only {points}: give `key_points:` {want} or more short points"


@rule("chapter-summary", "chapter", group=HEALTH_LITERACY, severity="error",
      doc="every chapter has a summary")
def summary(ctx: Context, c: Chapter, bl, eid, xref) -> None:
    if not c.summary:
        ctx.add("chapter-summary", c.path, c.key_lines.of("title"),
                "this chapter has no summary: add `summary:` to its front matter, one or "
                "two plain sentences on what it offers", eid)


@rule("key-points", "chapter", group=HEALTH_LITERACY, severity="error",
      doc="every chapter lists key points",
      options={"min_points": Opt(int, "Fewest key points a chapter lists.", default=2, lo=1,
                                 hi=1000)})
def key_points(ctx: Context, c: Chapter, bl, eid, xref) -> None:
    min_points = ctx.opt("key-points", "min_points")
    if len(c.key_points) < min_points:
        ctx.add("key-points", c.path, c.key_lines.of("title"), key_points_message(
            len(c.key_points), min_points), eid)


@rule("ends-with-action", "chapter", group=HEALTH_LITERACY, severity="error",
      doc="every chapter ends with something for the reader to do (English and Spanish "
          "headings)", languages=SHIPPED,
      uncovered="not checked: careprint knows the headings that offer something to do "
                "(\"Try this\", \"Prueba esto\") in English and Spanish only",
      options={"headings": Opt(list, "English: headings that start a section offering the "
                               "reader something to do (compared at the start of the "
                               "heading, ignoring case).", default=ACTION_HEADINGS["en"]),
               "headings_es": Opt(list, "Spanish: the same, for a guide in Spanish: the "
                                  "practice's heading, and the imperatives and invitations "
                                  "that start one.", default=ACTION_HEADINGS["es"])})
def ends_with_action(ctx: Context, c: Chapter, bl: list[Block], eid, xref) -> None:
    starts = [i for i, b in enumerate(bl) if b.kind == "heading" and b.level <= 2]
    last = starts[-1] if starts else 0
    section = bl[last:]
    if not section:
        return
    headings = ctx.words("ends-with-action", "headings")
    prefixes = [h.lower() for h in headings]
    head = section[0]
    title = plain(" ".join(t for _, t in head.content_lines())) \
        if head.kind == "heading" else ""
    if title and any(title.lower().startswith(p) for p in prefixes):
        return
    if any("[[worksheet:" in t for b in section for _, t in b.lines):
        return
    where = head.line if title else section[-1].lines[-1][0]
    what = f"the last section, {title!r}," if title else "the chapter"
    ctx.add("ends-with-action", c.path, where,
            f"{what} offers the reader nothing to do: end with a \"{_first(headings)}: ...\" "
            "section, a short practice or a [[worksheet:id]] to fill in", eid)


def _first(headings) -> str:
    """The heading a message suggests: the first of the list, as it is written."""
    return headings[0].strip() if headings else "Try this"


@rule("informative-headings", "chapter", group=HEALTH_LITERACY, severity="warning",
      doc="headings say what follows, not just 'Introduction' (English and Spanish)",
      languages=SHIPPED, uncovered="not checked: careprint knows the headings that say "
                                   "nothing (\"Introduction\") in English and Spanish only",
      options={"generic": Opt(list, "English: headings that say nothing about what follows "
                              "(ignoring case).", default=GENERIC_HEADINGS["en"]),
               "generic_es": Opt(list, "Spanish: the same, for a guide in Spanish.",
                                 default=GENERIC_HEADINGS["es"])})
def informative_headings(ctx: Context, c: Chapter, bl: list[Block], eid, xref) -> None:
    generic = {norm(g) for g in ctx.words("informative-headings", "generic")}
    for b in bl:
        if b.kind != "heading":
            continue
        text = plain(" ".join(t for _, t in b.content_lines()))
        bare = norm(NUMBERING_RE.sub("", text, count=1)) or norm(text)
        if bare in generic:
            ctx.add("informative-headings", c.path, b.line,
                    f"the heading {text!r} does not say what follows: name the "
                    "section's point, e.g. \"Why numbness can protect\"", eid)


@rule("jargon", "chapter", group=HEALTH_LITERACY, severity="warning",
      doc="glossary words are linked at their first use in a chapter", languages=SHIPPED,
      uncovered=WORDS_UNCOVERED)
def jargon(ctx: Context, c: Chapter, bl: list[Block], eid, xref) -> None:
    glossary = ctx.guide.glossary
    if not glossary:
        return
    links, mentions, headed = _glossary_uses(bl, [(g, _term_re(g.term)) for g in glossary])
    for g in glossary:
        if g.id not in mentions and g.id not in headed:
            continue
        n, _ = mentions.get(g.id) or headed[g.id]
        if g.id not in links:
            ctx.add("jargon", c.path, n,
                    f"{g.term!r} is a glossary word, but this chapter never links it: "
                    f"write [[glossary:{g.id}]] at its first use", eid)
        elif g.id in mentions and mentions[g.id] < links[g.id]:
            ctx.add("jargon", c.path, n,
                    f"{g.term!r} is used here before its glossary link on line "
                    f"{links[g.id][0]}: move [[glossary:{g.id}]] to this first use", eid)


def _glossary_uses(bl: list[Block], patterns):
    """Where each glossary word is first linked, first used, and first used in a heading:
    three {id: (line, column)}."""
    links: dict[str, tuple[int, int]] = {}
    mentions: dict[str, tuple[int, int]] = {}
    headed: dict[str, tuple[int, int]] = {}
    for b in bl:
        if b.kind in ("code", "hr", "table"):
            continue
        for n, t in b.lines:
            for m in XREF_RE.finditer(t):
                ref = parse(m.group(1))
                if ref.kind == "glossary":
                    links.setdefault(ref.ident, (n, m.start()))
            blank = XREF_RE.sub(lambda m: " " * len(m.group(0)), t)
            blank = re.sub(r"\]\([^)]*\)", lambda m: " " * len(m.group(0)), blank)
            # a heading may name the term just before the text that links it
            seen = headed if b.kind == "heading" else mentions
            for g, rx in patterns:
                m = rx.search(blank)
                if m and g.id not in seen:
                    seen[g.id] = (n, m.start())
    return links, mentions, headed


def _term_re(term: str):
    body = r"[\s-]+".join(re.escape(w) for w in term.lower().split())
    return re.compile(rf"(?<![\w-]){body}(?:s|es)?(?![\w-])", re.I)
