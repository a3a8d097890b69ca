"""careprint's own words in the guide's language (issue 28): gettext catalogues, read with Babel.

Every word careprint prints into an output itself ("Contents", "Chapter 1", "Page 2 of
9"...) is a message of the catalogue careprint/locale/<lang>/LC_MESSAGES/careprint.po
(careprint.pot lists them; `pybabel extract -F babel.cfg` finds them in careprint's
templates and code). No compiled .mo file is shipped: the .po is read at run time with
Babel, once per process and language.

A project may change any message (docs/templates.md, "careprint's words"):

- PROJECT/locale/<lang>/LC_MESSAGES/careprint.po, read as untrusted input: no larger than
  MAX_PO_BYTES, an error at its file:line when it cannot be read, never executed;
- careprint.toml's `[strings]` table, msgid = "text", which wins over both catalogues.

An override keeps its message's placeholders (`%(n)s`) and its HTML tags, no more.

The catalogue a render uses is a function of one language code (`Catalogue.language`):
the worker renders each job with its edition's (`active`), and the templates' `_()` and
Python's `gettext` read it. What a render translates is one of its reads
(`catalogue:<lang>`, careprint/source/reads.py): a changed override makes it again.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as _dt
import gettext as _gettext
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, ProjectError, at
from . import catalogues
from .catalogues import DOMAIN, LOCALE, candidates
from .reads import note

MAX_PO_BYTES = 1_000_000  # a project's catalogue: far more than every message, translated
MAX_MESSAGE = 4000  # characters of one override
_PLACEHOLDER_RE = re.compile(r"%(?:\((\w+)\))?(.)")
_TAG_RE = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9]*)")


@dataclass(frozen=True)
class Catalogue:
    """The messages of one language: careprint's, with the project's overrides over them."""

    language: str
    translations: _gettext.NullTranslations
    digest: str  # of every file and value it was made from: a read of each render

    def gettext(self, message: str) -> str:
        if self.digest:
            note(f"catalogue:{self.language}", self.digest)
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if self.digest:
            note(f"catalogue:{self.language}", self.digest)
        return self.translations.ngettext(singular, plural, n)


ENGLISH = Catalogue("en", _gettext.NullTranslations(), "")
_ACTIVE: contextvars.ContextVar[Catalogue] = contextvars.ContextVar("careprint_catalogue",
                                                                    default=ENGLISH)
_CACHE: dict[tuple, Catalogue] = {}


@contextlib.contextmanager
def active(catalogue: Catalogue) -> Iterator[Catalogue]:
    """Render in `catalogue`'s language until the block ends."""
    token = _ACTIVE.set(catalogue)
    try:
        yield catalogue
    finally:
        _ACTIVE.reset(token)


def current() -> Catalogue:
    return _ACTIVE.get()


def gettext(message: str) -> str:
    """`message` in the language of the render under way (English outside one)."""
    return _ACTIVE.get().gettext(message)


def N_(message: str) -> str:  # noqa: N802 (gettext's own name)
    """A message marked for the catalogue, translated where it is used (gettext)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _ACTIVE.get().ngettext(singular, plural, n)


def for_config(config, language: str | None = None) -> Catalogue:
    """The catalogue of a guide: its [guide] language (or `language`), with the project's
    overrides."""
    strings = getattr(config, "strings", {})
    return catalogue(Path(config.root), language or config.guide.language, strings,
                     {msgid: config.line(f"strings.{msgid}") for msgid in strings})


def catalogue(root: Path, language: str, strings: Mapping[str, str] | None = None,
              lines: Mapping[str, int | None] | None = None) -> Catalogue:
    """careprint's catalogue for `language`, the project's over it, `strings` over both:
    made once per process for the same files and values."""
    strings = strings or {}
    stamp = tuple((str(p), *_stat(p)) for p in catalogues.files(root, language))
    key = (str(root), language, stamp, tuple(sorted(strings.items())))
    if key not in _CACHE:
        _CACHE[key] = _make(root, language, strings, lines or {})
    return _CACHE[key]


def _stat(path: Path) -> tuple:
    st = path.stat()
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _make(root: Path, language: str, strings: Mapping[str, str], lines: Mapping):
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    shipped, own = catalogues.shipped_po(language), catalogues.project_po(root, language)
    merged = (_read_po(root, shipped, shipped.read_bytes()) if shipped is not None
              else Catalog(locale=None, domain=DOMAIN))
    problems: list[Problem] = []
    if own is not None:
        for msg in _read_po(root, own, _read_bytes(root, own)):
            if msg.id and msg.string and not msg.fuzzy:
                problems += _override(merged, msg.id, msg.string, _where(root, own, msg.lineno))
    for msgid, text in strings.items():
        where = at("careprint.toml", lines[msgid]) if lines.get(msgid) else "careprint.toml"
        problems += [Problem(p.where, f"[strings] {msgid!r}: {p.message}")
                     for p in _override(merged, msgid, text, where)]
    if problems:
        raise ProjectError(problems)
    buf = io.BytesIO()
    write_mo(buf, merged)
    buf.seek(0)
    return Catalogue(language, _gettext.GNUTranslations(buf),
                     catalogues.digest(root, language, strings))


def _where(root: Path, path: Path, line: int | None):
    try:
        rel = path.resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        rel = f"careprint/locale/{path.parent.parent.name}/LC_MESSAGES/{path.name}"
    return at(rel, line) if line else rel


def _read_bytes(root: Path, path: Path) -> bytes:
    if path.is_relative_to(LOCALE):
        return path.read_bytes()
    from ..guard.confine import outside_message

    real = path.resolve()
    if not real.is_relative_to(Path(root).resolve()):
        raise ProjectError(Problem(_where(root, path, None), outside_message(real)))
    if path.stat().st_size > MAX_PO_BYTES:
        raise ProjectError(Problem(_where(root, path, None),
                                   f"this catalogue is larger than {MAX_PO_BYTES:,} bytes: "
                                   "keep only the messages you change"))
    return path.read_bytes()


def _read_po(root: Path, path: Path, data: bytes):
    from babel.messages.pofile import PoFileError, read_po

    try:
        bad = _syntax_problem(data.decode("utf-8"))
        if bad:
            raise ProjectError(Problem(_where(root, path, bad[0]), bad[1]))
        return read_po(io.BytesIO(data), abort_invalid=True, charset="utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ProjectError(Problem(_where(root, path, line), "this catalogue is not UTF-8 "
                                   "text: save it as UTF-8")) from None
    except PoFileError as exc:
        lineno = getattr(exc, "lineno", None)
        at_line = lineno + 1 if isinstance(lineno, int) else None  # Babel counts from 0
        raise ProjectError(Problem(_where(root, path, at_line),
                                   f"this catalogue cannot be read: {exc} (see "
                                   "docs/templates.md, \"careprint's words\")")) from None


_PO_LINE_RE = re.compile(r'(?:(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+)?'
                         r'"(?:[^"\\]|\\.)*"\s*')


def _syntax_problem(text: str) -> tuple[int, str] | None:
    """The first line of a catalogue that is neither a comment, a keyword with its quoted
    text, nor more quoted text (Babel reads such a line as an empty text, silently)."""
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not _PO_LINE_RE.fullmatch(stripped):
            return n, ("this line of the catalogue cannot be read: write a keyword (msgid, "
                       'msgstr) and its text in double quotes, e.g. msgstr "Contents", with '
                       '\\" for a quote inside it (docs/templates.md, "careprint\'s words")')
    return None


def _override(merged, msgid, text, where) -> list[Problem]:
    """Put `text` in place of message `msgid`, if it keeps its placeholders and tags."""
    if not isinstance(text, str):  # a plural override: its first form is checked
        text = tuple(text)
    forms = text if isinstance(text, tuple) else (text,)
    msgid_text = msgid if isinstance(msgid, str) else " ".join(msgid)
    for form in forms:
        problem = override_problem(msgid_text, form)
        if problem:
            return [Problem(where, problem)]
    old = merged.get(msgid)
    if old is not None:
        old.string = text if isinstance(msgid, str) else list(forms)
        old.flags.discard("fuzzy")
    else:
        merged.add(msgid, text)
    return []


def override_problem(msgid: str, text: str) -> str:
    """What is wrong with `text` in place of message `msgid`, or ""."""
    if len(text) > MAX_MESSAGE:
        return f"this text is longer than {MAX_MESSAGE:,} characters"
    want, got = _placeholders(msgid), _placeholders(text)
    if got is None:
        return ("this text has a % that is not a placeholder of its message: write %% for "
                "a per cent sign")
    if not got <= (want or set()):
        extra = ", ".join(f"%({n})s" for n in sorted(got - (want or set())))
        given = ", ".join(f"%({n})s" for n in sorted(want or ()))
        return (f"this text uses {extra}, which message {msgid[:60]!r} does not give: "
                + (f"use only {given}" if given else "this message takes no placeholder"))
    if sorted(_TAG_RE.findall(text.lower())) != sorted(_TAG_RE.findall(msgid.lower())):
        return (f"this text's HTML tags differ from those of message {msgid[:60]!r}: keep "
                "its tags, and add none")
    return ""


def _placeholders(text: str) -> set[str] | None:
    """The names of `text`'s %(name)s placeholders; None if it has any other % use."""
    names = set()
    for m in _PLACEHOLDER_RE.finditer(text):
        if m.group(2) == "%" and m.group(1) is None:
            continue
        if m.group(1) is None or m.group(2) not in "sd":
            return None
        names.add(m.group(1))
    return names


def long_date(d: _dt.date, language: str) -> str:
    """A date written out: "26 November 2026" in English, as careprint always printed it;
    in another language as its locale writes a long date ("30 de noviembre de 2026")."""
    if candidates(language)[-1] == "en":
        return f"{d.day} {d:%B %Y}"
    from babel.dates import format_date

    return format_date(d, format="long", locale=babel_locale(language))


def number(n, language: str, decimals: int | None = None) -> str:
    """A number as the guide's locale writes it (Babel's format_decimal): "1.024,5" in
    Spanish; in English as careprint always printed it ("1024.5"). `decimals`: that many
    digits after the point, always."""
    if candidates(language)[-1] == "en":
        return str(n) if decimals is None else f"{n:.{decimals}f}"
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals else "" if decimals == 0 else ".###")
    return format_decimal(n, format=pattern, locale=babel_locale(language))


def babel_locale(language: str) -> str:
    from babel import Locale, UnknownLocaleError

    for name in candidates(language):
        try:
            return str(Locale.parse(name))
        except (UnknownLocaleError, ValueError):
            continue
    return "en"
