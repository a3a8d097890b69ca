"""Accessibility rules: image alt text, link text, table headers, heading levels and the
language of the guide and of its passages."""

from __future__ import annotations

import re

from ..source.config_schema import Opt
from ..source.lang_words import GENERIC_LINK_TEXT
from .registry import ACCESSIBILITY, Context, rule
from .text import AUTOLINK_RE, IMAGE_RE, LINK_RE, Block, clip, plain

LANG_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
RAW_IMG_RE = re.compile(r"<img\b([^>]*)>", re.I)
RAW_A_RE = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.I | re.S)
ATTR_RE = re.compile(r"([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+)")
LANG_ATTR_RE = re.compile(r"\b(?:xml:)?lang\s*=\s*[\"']([^\"']*)[\"']")
DECORATIVE_RE = re.compile(r"\.decorative\b|\brole\s*=\s*[\"']?(presentation|none)\b|"
                           r"aria-hidden\s*=\s*[\"']?true", re.I)
# alt text that names the kind of picture, not what it shows (in English or Spanish)
BAD_ALT_RE = re.compile(r"^(image|picture|photo|photograph|graphic|img|icon|figure|"
                        r"diagram|chart|logo|screenshot)s?( of)?$|\.(png|jpe?g|gif|webp|svg)$"
                        r"|^(imagen|imágenes|foto|fotos|fotografía|fotografías|gráfico|"
                        r"gráficos|icono|iconos|figura|figuras|diagrama|diagramas|logotipo|"
                        r"logo|captura de pantalla|ilustración|dibujo)( de)?$", re.I)
PARTLY = ("partly checked: links with no text and bare addresses were checked, but its list "
          "of link texts that make no sense alone ('click here') is in English and Spanish "
          "only")
URL_TEXT_RE = re.compile(r"^\s*(https?://|www\.|mailto:|ftp://)", re.I)


@rule("image-alt", "line", group=ACCESSIBILITY, severity="error",
      doc="images have alt text, or are marked decorative")
def images(ctx: Context, path, n, t, eid) -> None:
    for m in IMAGE_RE.finditer(t):
        _alt(ctx, path, n, m.group(2), m.group(1), m.group(3) or "", eid)
    for m in RAW_IMG_RE.finditer(t):
        attrs = {k.lower(): v.strip("\"'") for k, v in ATTR_RE.findall(m.group(1))}
        src = attrs.get("src", "")
        if "alt" not in attrs:
            ctx.add("image-alt", path, n, f"image {src!r} has no alt attribute: add "
                    "alt=\"what it shows\", or alt=\"\" with class=\"decorative\" if it "
                    "is only decoration", eid)
        else:
            _alt(ctx, path, n, src, attrs["alt"], m.group(1), eid)


def _alt(ctx: Context, path, n, src, alt, attrs, eid) -> None:
    decorative = bool(DECORATIVE_RE.search(attrs))
    if not alt.strip() and not decorative:
        ctx.add("image-alt", path, n, f"image {src!r} has no alt text: describe what it "
                "shows in ![...](...), or mark it decorative with {: .decorative}", eid)
    elif alt.strip() and BAD_ALT_RE.search(alt.strip()):
        ctx.add("image-alt", path, n, f"the alt text {alt!r} of image {src!r} does not "
                "say what the image shows: describe it in a few words", eid)


@rule("heading-levels", "chapter", group=ACCESSIBILITY, severity="error",
      doc="heading levels never skip (## then ###)")
def headings(ctx: Context, c, bl: list[Block], eid, xref) -> None:
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
                ctx.add("heading-levels", c.path, line, "a level-1 heading in the body: "
                        "the chapter title is the only one; start sections at ##", eid)
            elif level > prev + 1:
                ctx.add("heading-levels", c.path, line,
                        f"the heading level skips from h{prev} to h{level}: use "
                        f"{'#' * (prev + 1)} here", eid)
            prev = level


@rule("link-text", "line", group=ACCESSIBILITY, severity="warning",
      doc="link text is not 'click here' (English and Spanish) or a bare URL",
      options={"generic": Opt(list, "English: link texts that make no sense out of context "
                              "(ignoring case).", default=GENERIC_LINK_TEXT["en"]),
               "generic_es": Opt(list, "Spanish: the same, for a guide in Spanish.",
                                 default=GENERIC_LINK_TEXT["es"])})
def links(ctx: Context, path, n, t, eid) -> None:
    # empty links and bare addresses in any language; "click here" in those it knows
    generic = {norm(g) for g in ctx.words("link-text", "generic", PARTLY) or ()}
    found = [(m.group(1), m.group(2)) for m in LINK_RE.finditer(t)]
    found += [(m.group(1), m.group(1)) for m in AUTOLINK_RE.finditer(t)]
    found += [(text, dict(ATTR_RE.findall(attrs)).get("href", "").strip("\"'"))
              for attrs, text in RAW_A_RE.findall(t)]
    for text, href in found:
        shown = plain(text)
        if not shown:
            ctx.add("link-text", path, n, f"the link to {href!r} has no text: write "
                    "what the reader will find there", eid)
        elif norm(shown) in generic:
            ctx.add("link-text", path, n, f"the link text {shown!r} makes no sense on "
                    "its own: name where the link goes, e.g. [the 988 Lifeline "
                    "website](...)", eid)
        elif URL_TEXT_RE.match(shown) or shown == href:
            ctx.add("link-text", path, n, f"the link text is a bare web address "
                    f"({clip(shown, 40)}): name the site instead, e.g. [the 988 "
                    "Lifeline website](...)", eid)


@rule("table-headers", "block", group=ACCESSIBILITY, severity="error",
      doc="tables have a header row")
def table_headers(ctx: Context, path, b: Block, eid) -> None:
    if b.kind == "table":
        header = b.lines[0][1].strip().strip("|")
        if not any(plain(cell) for cell in header.split("|")):
            ctx.add("table-headers", path, b.line, "this table's header row is empty: "
                    "write a heading for each column in its first row", eid)
    elif b.kind == "html" and "<table" in b.raw.lower() and "<th" not in b.raw.lower():
        ctx.add("table-headers", path, b.line, "this table has no header cells: "
                "give it a first row of <th> cells that name each column", eid)


@rule("language", "line", group=ACCESSIBILITY, severity="error",
      doc="the guide's language is set (a BCP 47 tag)")
def passage_language(ctx: Context, path, n, t, eid) -> None:
    for m in LANG_ATTR_RE.finditer(t):
        if not LANG_RE.match(m.group(1)):
            ctx.add("language", path, n, f"lang={m.group(1)!r} is not a "
                    "language tag; use a BCP 47 tag such as 'en' or 'es'", eid)


@rule("language", "guide")
def guide_language(ctx: Context) -> None:
    lang = ctx.guide.config.guide.language
    if not LANG_RE.match(lang or ""):
        ctx.add("language", "careprint.toml", ctx.guide.config.line("guide.language"),
                f"guide.language {lang!r} is not a language tag: use a BCP 47 tag such "
                "as 'en', 'en-GB' or 'es'")


def norm(text: str) -> str:
    return re.sub(r"[^\w\s'-]", "", text.lower()).strip()
