"""The source rules: health literacy, trauma-informed language and accessibility.

Every rule reads the edition-filtered Markdown lines (careprint.markup.filter_edition), so
that each finding names the exact `file:line` and the editions it applies to.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..editions import ChapterView, EditionGuide
from ..errors import CareprintError
from ..load import read_text, split_front_matter
from ..markup import XREF_RE, Source, filter_edition
from ..model import Chapter, Guide
from ..yamlload import LineDict, LineList, YamlError, load_yaml
from .report import Readability
from .text import (
    AUTOLINK_RE,
    IMAGE_RE,
    LINK_RE,
    Block,
    Text,
    blocks,
    plain,
    sentences,
    words,
)
from .verified import check_verified

PROSE = ("paragraph", "item", "quote")
LANG_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
RAW_IMG_RE = re.compile(r"<img\b([^>]*)>", re.I)
RAW_A_RE = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.I | re.S)
ATTR_RE = re.compile(r"([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+)")
LANG_ATTR_RE = re.compile(r"\b(?:xml:)?lang\s*=\s*[\"']([^\"']*)[\"']")
DECORATIVE_RE = re.compile(r"\.decorative\b|\brole\s*=\s*[\"']?(presentation|none)\b|"
                           r"aria-hidden\s*=\s*[\"']?true", re.I)
BAD_ALT_RE = re.compile(r"^(image|picture|photo|photograph|graphic|img|icon|figure|"
                        r"diagram|chart|logo|screenshot)s?( of)?$|\.(png|jpe?g|gif|webp|svg)$",
                        re.I)
URL_TEXT_RE = re.compile(r"^\s*(https?://|www\.|mailto:|ftp://)", re.I)
NEGATION_RE = re.compile(r"(\bnot|n't|\bnever|\bno one|\bnobody|\bno need)\s+$", re.I)
NUMBERING_RE = re.compile(r"^(?:(?:part|section|chapter|step)\s+)?"
                          r"(?:(?:\d+|[ivx]+)(?:[.):]\s*|\s+))?", re.I)


@dataclass
class FrontLines:
    """Lines of a chapter's front-matter keys in its file."""

    title: int = 1
    summary: int = 1
    content_note: int = 1
    key_points: list[int] = field(default_factory=list)


def key_points_message(have: int, want: int) -> str:
    """What the key-points rule says of a chapter that lists `have` of the `want` points."""
    if not have:
        return (f"this chapter lists no key points: add `key_points:` to its front matter, "
                f"with {want} or more short points")
    points = "1 key point" if have == 1 else f"{have} key points"
    return f"this chapter lists only {points}: give `key_points:` {want} or more short points"


class SourceChecks:
    """Runs the source rules over every requested edition of a guide."""

    def __init__(self, guide: Guide, sink, today: _dt.date):
        self.guide = guide
        self.root = Path(guide.config.root)
        self.sink = sink
        self.settings = sink.settings
        self.today = today
        self.readability: list[Readability] = []
        self._front: dict[str, FrontLines] = {}
        self._yaml: dict[str, object] = {}

    # ------------------------------------------------------------ helpers

    def on(self, rule: str) -> bool:
        return self.settings[rule]["enabled"]

    def opt(self, rule: str, key: str):
        return self.settings[rule][key]

    def add(self, rule, file, line, message, edition=None):
        self.sink.add(rule, file, line, message, edition)

    def front(self, chapter: Chapter) -> FrontLines:
        if chapter.path not in self._front:
            out = FrontLines()
            try:
                text = read_text(self.root / chapter.path, chapter.path)
                fm, fm_line, _, _ = split_front_matter(text, chapter.path)
                meta = load_yaml(fm, fm_line)
            except (YamlError, CareprintError, OSError):  # the loader already read it
                meta = None
            if isinstance(meta, LineDict):
                out.title = meta.line_of("title")
                out.summary = meta.line_of("summary")
                out.content_note = meta.line_of("content_note")
                kp = meta.get("key_points")
                if isinstance(kp, LineList):
                    out.key_points = list(kp.item_lines)
            self._front[chapter.path] = out
        return self._front[chapter.path]

    def yaml(self, rel: str):
        if rel not in self._yaml:
            try:
                self._yaml[rel] = load_yaml(read_text(self.root / rel, rel))
            except (YamlError, CareprintError, OSError):  # the loader already read it
                self._yaml[rel] = None
        return self._yaml[rel]

    # ------------------------------------------------------------ the whole guide

    def run(self, views: list[EditionGuide]) -> None:
        for eg in views:
            eid = eg.edition.id
            xref = _xref_labels(eg)
            for view in eg.chapters:
                self.chapter(view, eid, xref)
            for wv in eg.worksheets:
                self.worksheet(wv.worksheet, eid, xref)
        self.glossary()
        self.resources()
        self.language()

    # ------------------------------------------------------------ chapters

    def chapter(self, view: ChapterView, eid: str, xref) -> None:
        c = view.chapter
        lines = filter_edition(Source(c.body, c.path, c.body_line), eid)
        bl = blocks(lines)
        front = self.front(c)
        self.readability_of(c, bl, eid, xref, front)
        self.front_matter(c, eid, front)
        self.text_rules(c.path, bl, eid, xref)
        self.structure(c, bl, eid, front)
        self.headings(c.path, bl, eid)
        self.jargon(c.path, bl, eid)

    def readability_of(self, c: Chapter, bl: list[Block], eid, xref, front) -> None:
        if not self.on("readability"):
            return
        import textstat  # noqa: PLC0415 - heavy, and only `careprint check` needs it

        parts = [c.summary, *c.key_points]
        for b in bl:
            if b.kind in PROSE:
                parts.append(Text.of(b.content_lines(), xref).text)
        text = " ".join(_terminated(p) for p in parts if p.strip())
        n_words = len(words(text))
        fk = float(textstat.flesch_kincaid_grade(text)) if text else 0.0
        smog = float(textstat.smog_index(text)) if text else 0.0
        grade = self.opt("readability", "grades")[eid]
        graded = n_words >= self.opt("readability", "min_words")
        n_sentences = int(textstat.sentence_count(text)) if text else 0
        self.readability.append(Readability(c.path, front.title, c.name, eid, n_words,
                                            n_sentences, round(fk, 1), round(smog, 1), grade,
                                            graded))
        if graded and round(fk, 1) > grade:
            self.add("readability", c.path, front.title,
                     f"Flesch-Kincaid grade {fk:.1f} is above {grade:g}, the limit for this "
                     f"edition (SMOG {smog:.1f}): use shorter sentences and everyday words",
                     eid)

    def front_matter(self, c: Chapter, eid: str, front: FrontLines) -> None:
        path = c.path
        items = [(front.title, c.title), (front.summary, c.summary)]
        items += list(zip(front.key_points or [front.title] * len(c.key_points),
                          c.key_points, strict=False))
        items.append((front.content_note, c.content_note))
        for line, text in items:
            if text:
                self.pressure(path, line, text, eid)
                for s in sentences(Text(text, [0], [line])):
                    self.long_sentence(path, s, eid)
        if self.on("content-note") and c.content_note:
            n = len(words(c.content_note))
            limit = self.opt("content-note", "max_words")
            if n > limit:
                self.add("content-note", path, front.content_note,
                         f"the content note has {n} words; keep it under {limit + 1}: say "
                         "calmly what the chapter mentions, and no more", eid)

    def text_rules(self, path: str, bl: list[Block], eid: str, xref) -> None:
        """Sentences, paragraphs, pressure words, images, links and tables of some blocks."""
        for b in bl:
            if b.kind in ("code", "hr"):
                continue
            if b.kind in PROSE or b.kind in ("heading", "table"):
                for n, t in b.content_lines():
                    self.pressure(path, n, plain(t, xref), eid)
            if b.kind in PROSE:
                t = Text.of(b.content_lines(), xref)
                ss = sentences(t)
                for s in ss:
                    self.long_sentence(path, s, eid)
                if b.kind == "paragraph":
                    self.long_paragraph(path, b, ss, eid)
            if b.kind == "table":
                self.table(path, b, eid)
            if b.kind == "html" and "<table" in b.raw.lower() and "<th" not in b.raw.lower():
                self.add("table-headers", path, b.line, "this table has no header cells: "
                         "give it a first row of <th> cells that name each column", eid)
            for n, t in b.lines:
                self.images(path, n, t, eid)
                self.links(path, n, t, eid)
                for m in LANG_ATTR_RE.finditer(t):
                    if not LANG_RE.match(m.group(1)):
                        self.add("language", path, n, f"lang={m.group(1)!r} is not a "
                                 "language tag; use a BCP 47 tag such as 'en' or 'es'", eid)

    def long_sentence(self, path, s, eid) -> None:
        limit = self.opt("long-sentence", "max_words")
        if self.on("long-sentence") and s.words > limit:
            self.add("long-sentence", path, s.line,
                     f"a sentence of {s.words} words (limit {limit}): split it in two "
                     f"(\"{_clip(s.text)}\")", eid)

    def long_paragraph(self, path, b: Block, ss, eid) -> None:
        if not self.on("long-paragraph"):
            return
        n_words = sum(s.words for s in ss)
        max_s = self.opt("long-paragraph", "max_sentences")
        max_w = self.opt("long-paragraph", "max_words")
        if len(ss) > max_s or n_words > max_w:
            self.add("long-paragraph", path, b.line,
                     f"a paragraph of {len(ss)} sentences and {n_words} words (limits "
                     f"{max_s} and {max_w}): break it into shorter paragraphs or a list", eid)

    def pressure(self, path: str, line: int, text: str, eid) -> None:
        if not self.on("pressure-words") or not text:
            return
        norm = text.replace("\u2019", "'").replace("\u2018", "'")
        for phrase, suggestion, rx in self.pressure_patterns():
            # "you do not have to", "nobody needs to": a negation gives permission
            if any(not NEGATION_RE.search(norm[:m.start()]) for m in rx.finditer(norm)):
                self.add("pressure-words", path, line,
                         f"\"{phrase}\" can read as pressure; offer a choice instead, "
                         f"e.g. {suggestion}", eid)

    def pressure_patterns(self):
        if not hasattr(self, "_pressure"):
            opts = self.settings["pressure-words"]
            table = dict(opts["words"]) | dict(opts["add"])
            ignore = {p.lower() for p in opts["ignore"]}
            self._pressure = []
            for phrase, suggestion in table.items():
                if phrase.lower() in ignore:
                    continue
                body = r"\s+".join(re.escape(w) for w in phrase.replace("\u2019", "'").split())
                rx = re.compile(rf"(?<![\w']){body}(?![\w'])", re.I)
                self._pressure.append((phrase, suggestion, rx))
        return self._pressure

    def images(self, path, n, t, eid) -> None:
        if not self.on("image-alt"):
            return
        for m in IMAGE_RE.finditer(t):
            self._alt(path, n, m.group(2), m.group(1), m.group(3) or "", eid)
        for m in RAW_IMG_RE.finditer(t):
            attrs = {k.lower(): v.strip("\"'") for k, v in ATTR_RE.findall(m.group(1))}
            src = attrs.get("src", "")
            if "alt" not in attrs:
                self.add("image-alt", path, n, f"image {src!r} has no alt attribute: add "
                         "alt=\"what it shows\", or alt=\"\" with class=\"decorative\" if it "
                         "is only decoration", eid)
            else:
                self._alt(path, n, src, attrs["alt"], m.group(1), eid)

    def _alt(self, path, n, src, alt, attrs, eid) -> None:
        decorative = bool(DECORATIVE_RE.search(attrs))
        if not alt.strip() and not decorative:
            self.add("image-alt", path, n, f"image {src!r} has no alt text: describe what it "
                     "shows in ![...](...), or mark it decorative with {: .decorative}", eid)
        elif alt.strip() and BAD_ALT_RE.search(alt.strip()):
            self.add("image-alt", path, n, f"the alt text {alt!r} of image {src!r} does not "
                     "say what the image shows: describe it in a few words", eid)

    def links(self, path, n, t, eid) -> None:
        if not self.on("link-text"):
            return
        generic = {_norm(g) for g in self.opt("link-text", "generic")}
        found = [(m.group(1), m.group(2)) for m in LINK_RE.finditer(t)]
        found += [(m.group(1), m.group(1)) for m in AUTOLINK_RE.finditer(t)]
        found += [(text, dict(ATTR_RE.findall(attrs)).get("href", "").strip("\"'"))
                  for attrs, text in RAW_A_RE.findall(t)]
        for text, href in found:
            shown = plain(text)
            if not shown:
                self.add("link-text", path, n, f"the link to {href!r} has no text: write "
                         "what the reader will find there", eid)
            elif _norm(shown) in generic:
                self.add("link-text", path, n, f"the link text {shown!r} makes no sense on "
                         "its own: name where the link goes, e.g. [the 988 Lifeline "
                         "website](...)", eid)
            elif URL_TEXT_RE.match(shown) or shown == href:
                self.add("link-text", path, n, f"the link text is a bare web address "
                         f"({_clip(shown, 40)}): name the site instead, e.g. [the 988 "
                         "Lifeline website](...)", eid)

    def table(self, path, b: Block, eid) -> None:
        if not self.on("table-headers"):
            return
        header = b.lines[0][1].strip().strip("|")
        if not any(plain(cell) for cell in header.split("|")):
            self.add("table-headers", path, b.line, "this table's header row is empty: "
                     "write a heading for each column in its first row", eid)

    def structure(self, c: Chapter, bl: list[Block], eid, front: FrontLines) -> None:
        if self.on("chapter-summary") and not c.summary:
            self.add("chapter-summary", c.path, front.title,
                     "this chapter has no summary: add `summary:` to its front matter, one or "
                     "two plain sentences on what it offers", eid)
        min_points = self.opt("key-points", "min_points")
        if self.on("key-points") and len(c.key_points) < min_points:
            self.add("key-points", c.path, front.title, key_points_message(
                len(c.key_points), min_points), eid)
        if self.on("ends-with-action"):
            self.ends_with_action(c, bl, eid)
        if self.on("informative-headings"):
            generic = {_norm(g) for g in self.opt("informative-headings", "generic")}
            for b in bl:
                if b.kind != "heading":
                    continue
                text = plain(" ".join(t for _, t in b.content_lines()))
                bare = _norm(NUMBERING_RE.sub("", text, count=1)) or _norm(text)
                if bare in generic:
                    self.add("informative-headings", c.path, b.line,
                             f"the heading {text!r} does not say what follows: name the "
                             "section's point, e.g. \"Why numbness can protect\"", eid)

    def ends_with_action(self, c: Chapter, bl: list[Block], eid) -> None:
        starts = [i for i, b in enumerate(bl) if b.kind == "heading" and b.level <= 2]
        last = starts[-1] if starts else 0
        section = bl[last:]
        if not section:
            return
        prefixes = [h.lower() for h in self.opt("ends-with-action", "headings")]
        head = section[0]
        title = plain(" ".join(t for _, t in head.content_lines())) \
            if head.kind == "heading" else ""
        if title and any(title.lower().startswith(p) for p in prefixes):
            return
        if any("[[worksheet:" in t for b in section for _, t in b.lines):
            return
        where = head.line if title else section[-1].lines[-1][0]
        what = f"the last section, {title!r}," if title else "the chapter"
        self.add("ends-with-action", c.path, where,
                 f"{what} offers the reader nothing to do: end with a \"Try this: ...\" "
                 "section, a short practice or a [[worksheet:id]] to fill in", eid)

    def headings(self, path: str, bl: list[Block], eid) -> None:
        if not self.on("heading-levels"):
            return
        prev = 1  # the chapter title is the page's level-1 heading
        for b in bl:
            levels = []
            if b.kind == "heading":
                levels = [(b.line, b.level)]
            elif b.kind == "html":
                levels = [(n, int(m)) for n, t in b.lines
                          for m in re.findall(r"<h([1-6])\b", t, re.I)]
            for line, level in levels:
                if level == 1:
                    self.add("heading-levels", path, line, "a level-1 heading in the body: "
                             "the chapter title is the only one; start sections at ##", eid)
                elif level > prev + 1:
                    self.add("heading-levels", path, line,
                             f"the heading level skips from h{prev} to h{level}: use "
                             f"{'#' * (prev + 1)} here", eid)
                prev = level

    def jargon(self, path: str, bl: list[Block], eid) -> None:
        if not self.on("jargon") or not self.guide.glossary:
            return
        links: dict[str, tuple[int, int]] = {}
        mentions: dict[str, tuple[int, int]] = {}
        headed: dict[str, tuple[int, int]] = {}
        patterns = [(g, _term_re(g.term)) for g in self.guide.glossary]
        for b in bl:
            if b.kind in ("code", "hr", "table"):
                continue
            for n, t in b.lines:
                for m in XREF_RE.finditer(t):
                    kind, _, rest = m.group(1).partition(":")
                    gid = rest.partition("|")[0].strip()
                    if kind.strip() == "glossary":
                        links.setdefault(gid, (n, m.start()))
                blank = XREF_RE.sub(lambda m: " " * len(m.group(0)), t)
                blank = re.sub(r"\]\([^)]*\)", lambda m: " " * len(m.group(0)), blank)
                # a heading may name the term just before the text that links it
                seen = headed if b.kind == "heading" else mentions
                for g, rx in patterns:
                    m = rx.search(blank)
                    if m and g.id not in seen:
                        seen[g.id] = (n, m.start())
        for g in self.guide.glossary:
            if g.id not in mentions and g.id not in headed:
                continue
            n, _ = mentions.get(g.id) or headed[g.id]
            if g.id not in links:
                self.add("jargon", path, n,
                         f"{g.term!r} is a glossary word, but this chapter never links it: "
                         f"write [[glossary:{g.id}]] at its first use", eid)
            elif g.id in mentions and mentions[g.id] < links[g.id]:
                self.add("jargon", path, n,
                         f"{g.term!r} is used here before its glossary link on line "
                         f"{links[g.id][0]}: move [[glossary:{g.id}]] to this first use", eid)

    # ------------------------------------------------------------ worksheets

    def worksheet(self, w, eid: str, xref) -> None:
        data = self.yaml(w.path)
        line_of = data.line_of if isinstance(data, LineDict) else (lambda k: 1)
        self.pressure(w.path, line_of("title"), w.title, eid)
        self.pressure(w.path, line_of("purpose"), w.purpose, eid)
        for s in sentences(Text(w.purpose, [0], [line_of("purpose")])):
            self.long_sentence(w.path, s, eid)
        raw_fields = data.get("fields") if isinstance(data, LineDict) else None
        for i, f in enumerate(w.fields):
            item = raw_fields[i] if isinstance(raw_fields, list) and i < len(raw_fields) \
                else None
            label_line = item.line_of("label") if isinstance(item, LineDict) else f.line
            self.pressure(w.path, label_line, f.label, eid)
            opt_line = item.line_of("options") if isinstance(item, LineDict) else f.line
            for o in f.options:
                self.pressure(w.path, opt_line, o, eid)
        for text, first in ((w.instructions, w.instructions_line),
                            (w.closing, w.closing_line)):
            if text:
                lines = filter_edition(Source(text, w.path, first), eid)
                self.text_rules(w.path, blocks(lines), eid, xref)

    # ------------------------------------------------------------ glossary, resources, config

    def glossary(self) -> None:
        rel = "content/glossary.yaml"
        data = self.yaml(rel) if self.guide.glossary else None
        items = data if isinstance(data, list) else []
        for g in self.guide.glossary:
            item = next((i for i in items if isinstance(i, LineDict) and i.get("id") == g.id),
                        None)
            line = item.line_of("definition") if item is not None else g.line
            self.pressure(rel, line, g.definition, None)
            for s in sentences(Text(g.definition, [0], [line])):
                self.long_sentence(rel, s, None)

    def resources(self) -> None:
        rs = self.guide.resources
        if self.on("crisis-resources") and not any(r.crisis for r in rs):
            where, line = (rs[0].path, rs[0].line) if rs else ("content/resources", None)
            self.add("crisis-resources", where, line,
                     "no resource is marked `crisis: true`: every edition lists crisis lines "
                     "first and prints them on every handout; add at least one")
        if not self.on("resource-verified"):
            return
        check_verified(self, rs)

    def language(self) -> None:
        lang = self.guide.config.guide.language
        if self.on("language") and not LANG_RE.match(lang or ""):
            self.add("language", "careprint.toml", _toml_line(self.root, "language"),
                     f"guide.language {lang!r} is not a language tag: use a BCP 47 tag such "
                     "as 'en', 'en-GB' or 'es'")


# ---------------------------------------------------------------- small helpers


def _xref_labels(eg: EditionGuide):
    labels = {("chapter", v.chapter.slug): v.chapter.title for v in eg.chapters}
    labels |= {("worksheet", w.worksheet.id): w.worksheet.title for w in eg.worksheets}
    labels |= {("glossary", g.id): g.term for g in eg.glossary}

    def label(inner: str) -> str:
        kind, _, rest = inner.partition(":")
        ident, _, text = rest.partition("|")
        return text.strip() or labels.get((kind.strip(), ident.strip()), ident.strip())
    return label


def _terminated(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text.rstrip(":;,") + "."


def _clip(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "\u2026"


def _norm(text: str) -> str:
    return re.sub(r"[^\w\s'-]", "", text.lower()).strip()


def _term_re(term: str):
    body = r"[\s-]+".join(re.escape(w) for w in term.lower().split())
    return re.compile(rf"(?<![\w-]){body}(?:s|es)?(?![\w-])", re.I)


def _toml_line(root: Path, key: str) -> int | None:
    try:
        lines = (root / "careprint.toml").read_text(encoding="utf-8-sig").split("\n")
    except OSError:
        return None
    table = ""
    for i, line in enumerate(lines, 1):
        s = line.strip()
        if s.startswith("["):
            table = s.strip("[]").strip()
        elif table == "guide" and re.match(rf"{re.escape(key)}\s*=", s):
            return i
    return None


__all__ = ["SourceChecks"]
