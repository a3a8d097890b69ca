"""Cross-references, `[[kind:id]]` or `[[kind:id|text]]`: found and taken apart in one place.

The renderers resolve them (careprint.source.markup.Resolver) and the checks read them
(careprint.check); both parse them here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

XREF_RE = re.compile(r"\[\[([^\[\]\n]*)\]\]")
XREF_KINDS = ("chapter", "worksheet", "glossary", "help")


@dataclass(frozen=True)
class XRef:
    """The parts of one cross-reference, without the surrounding spaces."""

    kind: str  # "chapter", "worksheet", "glossary", "help" (or whatever was written before `:`)
    ident: str  # the slug or id (for help, a role: careprint/source/regions.py)
    text: str  # the words after `|`; "" when the target's own title is meant
    has_kind: bool  # False when there is no `:` at all (then `kind` is the whole text)


def parse(inner: str) -> XRef:
    """Take apart what stands between `[[` and `]]`."""
    kind, sep, rest = inner.partition(":")
    ident, _, text = rest.partition("|")
    return XRef(kind.strip(), ident.strip(), text.strip(), bool(sep))
