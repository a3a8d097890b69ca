"""Markdown source -> XHTML fragments.

Three steps, in this order, so that every error keeps its file:line:
1. `::: only` blocks are checked (once) and filtered per edition on the source
   lines, keeping each kept line's number in the file;
2. `[[kind:id]]` cross-references are resolved against what the edition keeps;
3. python-markdown turns the result into XHTML.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.entities import name2codepoint

import markdown

from ..errors import Problem, at
from ..guard.htmlpolicy import (
    ALLOWED_TAGS,
    MADE_XHTML,
    RAW_HTML,
    TAG_MESSAGES,
    TAG_NOT_ALLOWED,
    attribute_problems,
    attribute_rule,
)
from . import langblocks, mdmemo
from .dialect import BareUrlExtension, prepare
from .i18n import gettext
from .xref import XREF_KINDS, XREF_RE, parse

OPEN_RE = re.compile(r"^\s*:::\s*(\S*)\s*(.*?)\s*$")

Line = tuple[int, str]  # (line number in the file, text)


@dataclass(frozen=True)
class Source:
    """A piece of Markdown and where it comes from."""

    text: str
    path: str
    first_line: int

    def lines(self) -> list[Line]:
        return [(self.first_line + i, t) for i, t in enumerate(self.text.split("\n"))]


def check_only_blocks(src: Source, editions: Iterable[str]) -> list[Problem]:
    """Problems with the `::: only`, `::: handout` and `::: lang` blocks of `src`, whatever
    the edition."""
    known = tuple(editions)
    stack: list[tuple[int, str]]
    problems, stack = [], []  # (line, block word) of each open block
    for n, text in src.lines():
        m = OPEN_RE.match(text)
        if not m:
            continue
        word, rest = m.group(1), m.group(2)
        if word == "" and rest == "":
            if not stack:
                problems.append(Problem(at(src.path, n), "`:::` closes no open `::: only` block"))
            else:
                stack.pop()
            continue
        if word in ("handout", "lang"):
            problems.extend(_handout_block_problems(src.path, n, rest, stack) if word ==
                            "handout" else langblocks.block_problems(src.path, n, rest))
            stack.append((n, word))
            continue
        if word != "only":
            problems.append(Problem(at(src.path, n), f"unknown block `::: {word}`; "
                                    "only `::: only EDITION ...`, `::: handout` and "
                                    "`::: lang CODE` are supported"))
            continue
        names = rest.split()
        if not names:
            problems.append(Problem(at(src.path, n), "`::: only` names no edition; "
                                    f"expected one or more of: {', '.join(known)}"))
        for name in names:
            if name not in known:
                problems.append(Problem(at(src.path, n), f"unknown edition {name!r} in `::: only`;"
                                        f" expected one of: {', '.join(known)}"))
        stack.append((n, word))
    for n, word in stack:
        problems.append(Problem(at(src.path, n), f"`::: {word}` block is never closed "
                                "(add a line with `:::`)"))
    return problems


def _handout_block_problems(path: str, n: int, rest: str, stack: list) -> list[Problem]:
    out = []
    if rest:
        out.append(Problem(at(path, n), "`::: handout` takes no words: what it holds is "
                           "printed on the handout alone"))
    if any(w == "handout" for _, w in stack):
        out.append(Problem(at(path, n), "`::: handout` inside another `::: handout` block"))
    return out


def has_handout_block(src: Source) -> bool:
    return any((m := OPEN_RE.match(t)) and m.group(1) == "handout" for _, t in src.lines())


def filter_edition(src: Source, edition: str, handout: bool = False) -> list[Line]:
    """The lines of `src` that `edition` keeps; what a `::: handout` block holds only with
    `handout` (the handout's text), never in the chapter. Assumes check_only_blocks found
    nothing."""
    kept, stack = [], []
    for n, text in src.lines():
        m = OPEN_RE.match(text)
        if m and m.group(1) == "only":
            stack.append(edition in m.group(2).split())
        elif m and m.group(1) == "handout":
            stack.append(handout)
        elif m and m.group(1) == "lang":  # kept in every edition (careprint.source.langblocks)
            stack.append(True)
        elif m and m.group(1) == "" and m.group(2) == "":
            stack.pop()
        elif all(stack):
            kept.append((n, text))
    return kept


@dataclass(frozen=True)
class Target:
    """What a cross-reference can point to, in one edition."""

    title: str
    number: int = 0


@dataclass
class Resolver:
    """Resolves `[[kind:id]]` for one edition; collects problems and what was used."""

    edition: str
    chapters: dict[str, Target]  # what the edition keeps
    worksheets: dict[str, Target]
    glossary: dict[str, Target]
    all_ids: dict[str, set[str]]  # kind -> every id in the guide, in any edition
    problems: list[Problem] = field(default_factory=list)
    used_glossary: list[str] = field(default_factory=list)
    # `[[help:role]]`: role -> (the service's words, or None for the neutral phrase that
    # points to the support page): careprint/source/region_view.py, help_html
    help: dict[str, str | None] = field(default_factory=dict)

    def resolve(self, inner: str, where: str) -> str:
        ref = parse(inner)
        kind, ident, text = ref.kind, ref.ident, ref.text
        if not ref.has_kind or kind not in XREF_KINDS:
            self.problems.append(Problem(where, f"unknown cross-reference [[{inner}]]; use "
                                         "[[chapter:slug]], [[worksheet:id]], "
                                         "[[glossary:id]] or [[help:role]]"))
            return html.escape(inner)
        if kind == "help":
            return self._help(ident, text, where)
        table = {"chapter": self.chapters, "worksheet": self.worksheets,
                 "glossary": self.glossary}[kind]
        target = table.get(ident)
        if target is None:
            if ident in self.all_ids[kind]:
                msg = (f"[[{kind}:{ident}]] points to a {kind} that the {self.edition!r} "
                       "edition leaves out")
                self.problems.append(Problem(where, msg, self.edition))
            else:  # the same in every edition: reported once, for none in particular
                self.problems.append(Problem(where, no_such_target(kind, ident,
                                                                   self.all_ids[kind])))
            return html.escape(text or ident)
        label = html.escape(text or target.title)
        if kind == "glossary":
            if not text and target.title[1:2].islower():  # a term in running text
                label = html.escape(target.title[:1].lower() + target.title[1:])
            if ident not in self.used_glossary:
                self.used_glossary.append(ident)
            return f'<a class="xref xref-glossary" href="#glossary-{ident}">{label}</a>'
        if kind == "worksheet":
            place = gettext("(worksheet %(n)s in the worksheet pack)") % {"n": target.number}
            return (f'<a class="xref xref-worksheet" href="#worksheet-{ident}">{label}</a>'
                    f'<span class="xref-place"> {html.escape(place, quote=False)}</span>')
        return f'<a class="xref xref-chapter" href="#chapter-{ident}">{label}</a>'

    def _help(self, role: str, text: str, where: str) -> str:
        from .region_view import help_html
        from .regions import ROLES

        if role not in ROLES:
            import difflib

            near = difflib.get_close_matches(role, ROLES, n=1, cutoff=0.6)
            hint = f" Did you mean {near[0]}?" if near else ""
            self.problems.append(Problem(where, f"[[help:{role}]]: no such role.{hint} "
                                         f"Roles: {', '.join(ROLES)}"))
            return html.escape(text or role)
        return help_html(role, self.help.get(role), text)

    def chapter_link(self, slug: str, label_html: str, where: str) -> str:
        """What `[[chapter:slug]]` makes, with `label_html` as its words: for a Markdown
        link to a chapter's file (careprint.guard.links)."""
        if not label_html.strip():
            return self.resolve(f"chapter:{slug}", where)
        return self.resolve(f"chapter:{slug}|\0", where).replace("\0", label_html)


def no_such_target(kind: str, ident: str, ids) -> str:
    """The message for `[[kind:ident]]` when no kind has that id, with the nearest id."""
    import difflib

    msg = f"[[{kind}:{ident}]] points to no {kind}; no {kind} has the id {ident!r}"
    near = difflib.get_close_matches(ident, sorted(ids), n=1, cutoff=0.6)
    return f"{msg}: did you mean {near[0]}?" if near else msg


def resolve_xrefs(lines: list[Line], path: str, resolver: Resolver) -> str:
    out = []
    for n, text in lines:
        # n=n: this line's (ruff B023); mypy cannot type a lambda with a default: [misc]
        out.append(XREF_RE.sub(lambda m, n=n: resolver.resolve(m.group(1), at(path, n)), text))  # type: ignore[misc]
    return "\n".join(out)


# attr_list lets an editor mark an image decorative: `![](x.png){: .decorative}`. Whatever
# attributes Markdown syntax adds are checked by check_xhtml, like raw HTML.
# The dialect (fenced code, GitHub-style lists, bare URLs) is docs/content-format.md's.
_EXTENSIONS = ["tables", "sane_lists", "smarty", "attr_list", "def_list", "footnotes",
               "fenced_code"]


_MARKDOWN: list = []  # one converter, reset before each use: setting one up costs more


def markdown_to_xhtml(text: str) -> str:
    """Markdown -> an XHTML fragment (python-markdown, our fixed set of extensions)."""
    return mdmemo.converted(text, _convert)  # a text converted before is not again


def _convert(text: str) -> str:
    if not _MARKDOWN:
        _MARKDOWN.append(markdown.Markdown(
            extensions=[*_EXTENSIONS, BareUrlExtension()], output_format="xhtml",
            extension_configs={"smarty": {"smart_angled_quotes": False}}))
    return ALLOW_MARKER_RE.sub("", _MARKDOWN[0].reset().convert(prepare(text)))


_FOOTNOTE_ID_RE = re.compile(r'\b(id="|href="#)(fn|fnref\d*):')


def footnote_ids(fragment: str, prefix: str) -> str:
    """Python-Markdown numbers the footnotes of every text from 1 (fn:1, fnref:1), so a
    guide of several chapters would carry the same ids twice, and a footnote link in one
    chapter would jump to another's. Each text's ids get its own prefix: fn-PREFIX-1."""
    return _FOOTNOTE_ID_RE.sub(lambda m: f"{m[1]}{m[2]}-{prefix}-", fragment)


# `<!-- careprint: allow RULE -->` silences a `careprint check` rule; never shipped.
ALLOW_MARKER_RE = re.compile(r"<!--\s*careprint:\s*allow\b.*?-->\n?", re.S)


def well_formed_problem(fragment: str, where: str) -> Problem | None:
    """A Problem if `fragment` is not well-formed XML (EPUB needs XHTML)."""
    probe = xhtml_entities(fragment)
    try:
        ET.fromstring(f"<div>{probe}</div>")
    except ET.ParseError as exc:
        return Problem(where, f"the HTML made from this text is not well-formed ({exc}); "
                       "check raw HTML tags in the Markdown")
    return None


def xhtml_entities(fragment: str) -> str:
    """Replace named HTML entities (`&copy;`, and those python-markdown emits) with numeric
    ones: XHTML knows only the five XML entities."""
    def sub(m):
        code = name2codepoint.get(m.group(1))
        return f"&#{code};" if code else m.group(0)
    return re.sub(r"&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z][A-Za-z0-9]*);", sub, fragment)


# ---------------------------------------------------------------- raw HTML allow-list

TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*?)?)\s*(/?)>")
ATTR_RE = re.compile(r"([^\s=/]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?")
CODE_SPAN_RE = re.compile(r"(`+).*?\1")
FENCE_RE = re.compile(r"^\s*(```|~~~)")


def check_raw_html(lines: list[Line], path: str) -> list[Problem]:
    """Raw HTML in Markdown is limited to harmless tags and attributes (docs/security.md,
    careprint.guard.htmlpolicy)."""
    problems, fenced = [], False
    for n, text in lines:
        if FENCE_RE.match(text):
            fenced = not fenced
            continue
        if fenced or text.startswith(("    ", "\t")) and not text.strip().startswith("<"):
            continue
        for m in TAG_RE.finditer(CODE_SPAN_RE.sub("", text)):
            problems.extend(_tag_problems(m, path, n))
    return problems


def _tag_problems(m: re.Match, path: str, n: int) -> list[Problem]:
    """The problems of one tag of raw HTML (a match of TAG_RE) on line `n`."""
    tag = m.group(2).lower()
    if tag not in ALLOWED_TAGS:
        return [Problem(at(path, n), TAG_MESSAGES.get(tag, TAG_NOT_ALLOWED).format(tag=tag))]
    problems = []
    for am in ATTR_RE.finditer(m.group(3) or ""):
        name = am.group(1).lower()
        value = html.unescape((am.group(2) or "").strip("\"'"))  # as a browser reads it
        rule = attribute_rule(name, value)
        if rule:
            problems.extend(attribute_problems(rule, RAW_HTML, name, value, tag, path, n))
    return problems


def check_xhtml(fragment: str, lines: list[Line], path: str) -> list[Problem]:
    """The attributes in the XHTML that Markdown made follow the raw-HTML rules: Markdown
    syntax (`[x](javascript:...)`, `{: onclick=...}`) cannot add what raw HTML may not."""
    try:
        root = ET.fromstring(f"<div>{fragment}</div>")
    except ET.ParseError:
        return []  # reported by well_formed_problem
    problems = []
    for el in root.iter():
        for name, value in el.attrib.items():
            rule = attribute_rule(name, value)
            if rule:
                problems.extend(attribute_problems(rule, MADE_XHTML, name, value, el.tag, path,
                                                   _line_of(value, name, lines)))
    return problems


def _line_of(value: str, name: str, lines: list[Line]) -> int:
    """The source line an attribute of the made XHTML most likely came from."""
    return next((n for n, t in lines if value and (value in t or value in html.unescape(t))),
                next((n for n, t in lines if name in t), lines[0][0] if lines else 0))
