"""One slugify for every name careprint makes from a title or a label."""

from __future__ import annotations

import re
import unicodedata

# Letters that NFKD does not split into a base letter and a combining mark.
_LETTERS = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d",
                          "ð": "d", "þ": "th", "ı": "i", "ŀ": "l"})


def slugify(text: str) -> str:
    """Lower-case ASCII letters and digits, joined by single hyphens; may be empty.

    Accents are dropped, not the letters that carry them:
    "Cómo dormir: niños y niñas" -> "como-dormir-ninos-y-ninas".
    """
    text = unicodedata.normalize("NFKD", text.lower().translate(_LETTERS))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
