"""Letters of other alphabets drawn like Latin ones: the look-alikes a second spelling
hides behind ("you muѕt" with a Cyrillic ѕ; "раураl.com" all in Cyrillic).

CONFUSABLES is a small table, not all of Unicode's confusables.txt (UTS #39): the Cyrillic,
Greek and Armenian letters that are drawn like a Latin letter in the fonts careprint
ships, taken from confusables.txt's mappings to a single Latin letter. The pressure-words
rule reads phrases through it (check/reader_text.py), and careprint.guard.urls refuses a host
name label written wholly in such letters (`looks_latin`).
"""

from __future__ import annotations

_PAIRS = {
    # Cyrillic
    "a": "а", "c": "сϲ", "d": "ԁ", "e": "еҽ", "h": "һհ", "i": "іι", "j": "ј", "k": "κ",
    "l": "ӏ", "n": "ոη", "o": "оοօσ", "p": "рρ", "q": "ԛ", "s": "ѕ", "u": "υս",
    "v": "νѵ", "w": "ԝѡ", "x": "хχ", "y": "уү", "g": "ɡ",
    "A": "АΑ", "B": "ВΒ", "C": "СϹ", "E": "ЕΕ", "H": "НΗ", "I": "ІΙӀ", "J": "Ј", "K": "КΚ",
    "M": "МΜ", "N": "Ν", "O": "ОΟՕ", "P": "РΡ", "Q": "Ԛ", "S": "Ѕ", "T": "ТΤ", "W": "Ԝ",
    "X": "ХΧ", "Y": "ҮΥ", "Z": "Ζ",
}
CONFUSABLES = str.maketrans({c: latin for latin, cs in _PAIRS.items() for c in cs})


def looks_latin(label: str) -> str | None:
    """The Latin word `label` would be taken for, when it has letters and every one of
    them is a look-alike of a Latin letter (or an ASCII digit or hyphen); else None."""
    latin = label.translate(CONFUSABLES)
    if latin == label or not latin.isascii() or not any(c.isalpha() for c in latin):
        return None
    return latin.lower()
