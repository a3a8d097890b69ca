"""The one policy for the HTML of content: which tags and attributes it may have
(docs/security.md).

Two checks apply it. markup.check_raw_html reads the raw HTML that authors write in
Markdown, on the source; markup.check_xhtml reads the XHTML that Markdown made, so that
Markdown syntax (`[x](javascript:...)`, `{: onclick=...}`) cannot add what raw HTML may
not. The rules are the same; only the words of a finding differ, since the source has the
tag at hand and the made XHTML has a link where the author wrote one: each check has its
`Wording`, and every message is here.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from ..errors import Problem, at
from .cssguard import style_attribute_problems
from .reserved import placement_problem, reserved_problem
from .urls import address_problem, shown, url_scheme_problem

ALLOWED_TAGS = frozenset("""
a abbr b bdi blockquote br caption cite code dd del details dfn div dl dt em figcaption
figure h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong sub summary
sup table tbody td tfoot th thead tr u ul var aside section
""".split())
ALLOWED_ATTRS = frozenset("""
class id title lang alt src href colspan rowspan scope role width height start reversed
open cite datetime style rel
""".split())
# attributes that hold an address, judged by careprint.guard.urls as a browser reads them
URL_ATTRS = ("href", "cite")

# the rules an attribute can break (attribute_rule); STYLE: its CSS is checked (cssguard);
# BAD_URL, RESERVED: the message is careprint.guard.urls's or careprint.guard.reserved's
HANDLER, NOT_ALLOWED, BAD_URL, STYLE, ATTACHMENT, RESERVED, DIRECTION = (
    "handler", "not-allowed", "bad-url", "style", "attachment", "reserved", "direction")


def attribute_rule(name: str, value: str) -> str:
    """The rule that the attribute `name="value"` of content breaks, STYLE for a style
    attribute (allowed if its CSS loads nothing), or "" when it is allowed."""
    low = name.lower()
    if low.startswith(("aria-", "data-")):
        return ""
    if low.startswith("on"):
        return HANDLER
    if low == "dir":
        return DIRECTION
    if low not in ALLOWED_ATTRS:
        return NOT_ALLOWED
    if low in URL_ATTRS and address_problem(value) or low == "src" and url_scheme_problem(value):
        return BAD_URL
    if low in ("class", "id") and reserved_problem(low, value):
        return RESERVED
    if low == "style":
        return STYLE
    if low == "rel" and "attachment" in value.lower():
        return ATTACHMENT
    return ""


@dataclass(frozen=True)
class Wording:
    """What a check says of each broken rule: str.format templates of `name`, `tag` and
    `value` (the value cut to `clip` characters)."""

    clip: int
    messages: dict[str, str]


# a direction override prints "116 123" as "321 611"; right-to-left text takes its
# direction from its language (issue 28: careprint/source/langblocks.py), never from content
NO_DIRECTION = ("delete it, and mark a passage in a language written right to left with "
                "`::: lang CODE` (a phrase with `lang=CODE` in an attribute list): "
                "careprint gives it its direction (docs/content-format.md)")
DIRECTION_TAG = ("<{tag}> reverses the order in which its text is shown (a phone number can "
                 "print reversed), and is not allowed in content: " + NO_DIRECTION)
TAG_MESSAGES = {"bdo": DIRECTION_TAG}
_DIRECTION = ("{name}= sets the direction of text, which can print a number reversed, and "
              "is not allowed in content: " + NO_DIRECTION)
TAG_NOT_ALLOWED = ("raw HTML <{tag}> is not allowed in content (see docs/security.md for the "
                   "allowed tags)")
_HANDLER = "event-handler attribute {name}= is not allowed in content"
_ATTACHMENT = "rel=attachment embeds files in the PDF and is not allowed in content"
RAW_HTML = Wording(30, {
    HANDLER: _HANDLER,
    DIRECTION: _DIRECTION,
    NOT_ALLOWED: "attribute {name}= on <{tag}> is not allowed in content",
    ATTACHMENT: _ATTACHMENT,
})
MADE_XHTML = Wording(40, {
    HANDLER: _HANDLER,
    DIRECTION: _DIRECTION,
    NOT_ALLOWED: "attribute {name}= is not allowed in content",
    ATTACHMENT: _ATTACHMENT,
})


def attribute_problems(rule: str, wording: Wording, name: str, value: str, tag: str,
                       path: str, line: int) -> list[Problem]:
    """The problems of an attribute that breaks `rule` (attribute_rule), at `path:line`."""
    if rule == STYLE:
        return style_problems(value, path, line)
    if rule in (BAD_URL, RESERVED):  # RESERVED: attribute_rule found a reserved_problem
        return [Problem(at(path, line), url_attribute_message(name, value) if rule == BAD_URL
                        else reserved_problem(name.lower(), value) or "")]
    message = wording.messages[rule].format(name=name, tag=tag, value=value[:wording.clip])
    return [Problem(at(path, line), message)]


def url_attribute_message(name: str, value: str) -> str:
    """What is wrong with the address in the attribute `name` (href, cite or src)."""
    if name.lower() == "src":
        return (f"src={shown(value)}: a picture in content is a file of the project, named "
                "by its path (images/leaf.png), never an address with a scheme")
    return address_problem(value) or ""


def style_problems(value: str, path: str, line: int) -> list[Problem]:
    """A style attribute in content may load nothing (careprint.guard.cssguard), nor be placed
    over the page (careprint.guard.reserved), nor set the direction of text."""
    placed = placement_problem(html.unescape(value))
    problems = [Problem(p.where, f"{p.message} (content may not load files through CSS)")
                for p in style_attribute_problems(value, path, line)]
    if placed:
        problems.append(Problem(at(path, line), placed))
    names = direction_properties(value)
    if names:
        problems.append(Problem(at(path, line), f"style {': and '.join(names)}: sets the "
                                "direction of text, which can print a number reversed, and "
                                "is not allowed in content: " + NO_DIRECTION))
    return problems


def direction_properties(style: str) -> list[str]:
    """The properties of a style attribute that set the direction of text, as CSS reads
    them (escapes decoded: `dir\\65 ction` is `direction`)."""
    import tinycss2

    found = []
    for decl in tinycss2.parse_blocks_contents(html.unescape(style)):
        if decl.type == "declaration" and decl.lower_name in ("direction", "unicode-bidi") \
                and decl.lower_name not in found:
            found.append(decl.lower_name)
    return found
