"""Class names and ids that careprint's own pages use, reserved in content.

`<a class="quick-exit" href="https://evil.example/">` in a chapter would be styled as the
web edition's quick-exit button and sit on top of it, and `id="main"` would take the
skip link. So content may not use a class or an id that careprint's bundled templates
(class= and id= in templates/*.html, *.xhtml, *.svg), its stylesheets (the selectors of
templates/*.css) or its script (getElementById) use. The set is read from those files,
once, so a class a template gains is reserved the moment it ships. Where a template makes
a name with Jinja (`id="chapter-{{ slug }}"`, `class="toc-{{ kind }}"`), the words before
the expression are a reserved prefix.

Content may still use the classes it is documented to use (docs/content-format.md:
`decorative`) and those careprint itself puts into content, which its stylesheets style
there: CONTENT_CLASSES.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import tinycss2

TEMPLATES = Path(__file__).parents[1] / "templates"
# classes content may carry: documented ones, and those careprint writes into content
# (cross-references, phone links, "Try this" panels, footnotes, no-break spans)
CONTENT_CLASSES = frozenset("""
decorative phone practice xref xref-chapter xref-glossary xref-worksheet xref-help
xref-place footnote footnote-ref footnote-backref nowrap file-name
""".split())

_ATTR_RE = re.compile(r"""\b(class|id)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_JINJA_STMT_RE = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.S)
_JINJA_EXPR_RE = re.compile(r"\{\{.*?\}\}", re.S)
_SCRIPT_ID_RE = re.compile(r"""getElementById\(\s*["']([^"']+)["']""")
_GROUPING = ("media", "supports", "layer", "container", "scope")


@lru_cache(maxsize=1)
def reserved_names() -> dict[str, tuple[frozenset[str], tuple[str, ...]]]:
    """{"class": (names, prefixes), "id": (names, prefixes)} that careprint's own pages
    use, read from the bundled templates, stylesheets and script."""
    found: dict[str, tuple[set[str], set[str]]] = {"class": (set(), set()), "id": (set(), set())}
    for path in sorted(TEMPLATES.iterdir()):
        text = path.read_text(encoding="utf-8")
        if path.suffix in (".html", ".xhtml", ".svg"):
            _from_markup(text, found)
        elif path.suffix == ".css":
            _from_css(text, found)
        elif path.suffix == ".js":
            found["id"][0].update(_SCRIPT_ID_RE.findall(text))
    names, prefixes = found["class"]
    names -= CONTENT_CLASSES
    return {kind: (frozenset(n), tuple(sorted(p))) for kind, (n, p) in found.items()}


def _from_markup(text: str, found: dict) -> None:
    for m in _ATTR_RE.finditer(text):
        names, prefixes = found[m.group(1)]
        value = _JINJA_STMT_RE.sub(" ", m.group(2) if m.group(2) is not None else m.group(3))
        for word in _JINJA_EXPR_RE.sub("\0", value).split():
            head = word.split("\0", 1)[0]
            if "\0" not in word:
                names.add(word)
            elif head:
                prefixes.add(head)


def _from_css(text: str, found: dict) -> None:
    rules = tinycss2.parse_stylesheet(_JINJA_EXPR_RE.sub("x", text), skip_comments=True,
                                      skip_whitespace=True)
    for rule in rules:
        if rule.type == "at-rule" and rule.lower_at_keyword in _GROUPING and rule.content:
            _from_css(tinycss2.serialize(rule.content), found)
        elif rule.type == "qualified-rule":
            _from_selector(rule.prelude, found)


def _from_selector(tokens, found: dict) -> None:
    previous = None
    for token in tokens:
        if token.type == "hash" and token.is_identifier:
            found["id"][0].add(token.value)
        elif token.type == "ident" and previous is not None and previous.type == "literal" \
                and previous.value == ".":
            found["class"][0].add(token.value)
        elif token.type in ("function", "() block", "[] block"):
            _from_selector(token.arguments if token.type == "function" else token.content,
                           found)
        previous = token


def reserved_problem(kind: str, value: str) -> str | None:
    """Why the attribute `kind="value"` (kind "class" or "id") of content takes a name
    careprint's own pages use, or None."""
    if kind not in ("class", "id"):
        return None
    names, prefixes = reserved_names()[kind]
    for word in value.split() if kind == "class" else [value.strip()]:
        if word in names or word.startswith(prefixes):
            what = "class" if kind == "class" else "id"
            return (f'{kind}="{value[:40]}": the {what} {word!r} is one careprint\'s own '
                    "pages use (for the quick-exit button, the navigation, the headers and "
                    "the like), so content may not use it: it could pose as part of the page. "
                    "Choose another name")
    return None


_PLACED = ("fixed", "absolute", "sticky")


def placement_problem(style: str) -> str | None:
    """Why a style attribute of content would lift it out of the text, onto careprint's
    own page furniture, or None: `position: fixed` (absolute, sticky) puts a fake button
    on every page or over the quick-exit band, and `z-index` above it."""
    for decl in tinycss2.parse_declaration_list(style, skip_comments=True,
                                                skip_whitespace=True):
        if decl.type != "declaration":
            continue
        words = {t.lower_value for t in decl.value if t.type == "ident"}
        if decl.lower_name == "z-index" or decl.lower_name == "position" and words & set(_PLACED):
            shown = tinycss2.serialize(decl.value).strip()[:30]
            return (f"style {decl.lower_name}: {shown}: content may not be placed over the "
                    "page (fixed, absolute or sticky, or stacked with z-index), where it "
                    "could cover or pose as careprint's own buttons and footers; delete it")
    return None
