"""The guide in one of its translations: `careprint build --language es`.

for_language() reads content/translations/<code>/ (source/translations.py) and returns the
guide with each translated file in place of its source, keeping only the editions
`[languages.<code>]` translates, and the services of its regions. Like a region, a
language is applied to the immutable model before anything is numbered or laid out: its
outputs are named `<slug>-<code>-...` and go to a folder of their own
(build/languages/<code>/, language_out), so they never overwrite the source language's.

A file an edition needs with no translation is an error naming both files; with
`fallback = true` the source's text is used, and the build names each such file
(Guide.fell_back).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

from ..errors import CareprintError, Collector, ProjectError, at, at_key
from . import regions
from .config_tables import CONFIG_NAME
from .idguard import duplicate_id_problems
from .languages import LANGUAGES_FOLDER, Language
from .load import CHAPTER_KEYS, _load_chapter, glossary_entries
from .model import Guide
from .region_view import declared
from .resourceload import read_resources
from .sourcefile import read_text
from .translations import DIGEST_KEY, translation_of
from .worksheetload import WORKSHEET_KEYS, _load_worksheet
from .yamlload import LineDict, YamlError, load_yaml


def language_out(out_dir: Path, code: str) -> Path:
    """Where one language's outputs go: OUT/languages/<code>/."""
    return out_dir / LANGUAGES_FOLDER / code


def language_of(guide: Guide, code: str) -> Language:
    """`--language CODE`'s table, or an error naming the languages the guide has."""
    have = guide.config.languages
    if code not in have:
        names = ", ".join(have) or "none: add a [languages.<code>] table (docs/config.md)"
        raise CareprintError(f"--language {code}: careprint.toml has no [languages.{code}] "
                             f"table; this guide's translations: {names}")
    return have[code]


def requested(guide: Guide, asked) -> tuple[str, ...]:
    """`--language` values -> the codes to build, `all` being every translation."""
    out: list[str] = []
    for value in asked:
        out += list(guide.config.languages) if value == "all" else \
            [language_of(guide, value).code]
    return tuple(dict.fromkeys(out))


def for_language(guide: Guide, code: str, problems: list | None = None) -> Guide:
    """`guide` in language `code` (module docstring). Raises ProjectError listing every
    problem, or, given a list, adds them to `problems` (`careprint check`)."""
    lang = language_of(guide, code)
    root, config = guide.config.root, guide.config
    errs = Collector()
    fell: list[str] = []
    chapters = [_chapter(root, c, lang, config, errs, fell) for c in guide.chapters
                if any(c.in_edition(e) for e in lang.editions)]
    worksheets = [_worksheet(root, w, lang, config, errs, fell) for w in guide.worksheets
                  if any(w.in_edition(e) for e in lang.editions)]
    glossary = _glossary(root, guide, lang, errs, fell)
    codes = lang.regions or declared(guide)
    resources = []
    for source in dict.fromkeys(r.path for r in guide.resources):
        own = [r for r in guide.resources if r.path == source]
        if any(regions.covers(r.regions, c) for r in own for c in codes):
            resources += _resources(root, source, own, lang, errs, fell)
    _untranslated_words(config, lang, errs, fell)
    chapters = [c for c in chapters if c is not None]
    worksheets = [w for w in worksheets if w is not None]
    errs.extend(duplicate_id_problems(chapters, worksheets, glossary, lang.editions))
    if problems is not None:
        problems.extend(errs.problems)
    else:
        errs.raise_if_any()
    config = _config(config, lang, tuple(codes))
    return replace(guide, config=config, chapters=tuple(chapters),
                   worksheets=tuple(worksheets), glossary=tuple(glossary),
                   resources=tuple(resources), language=code, fell_back=tuple(fell))


def _config(config, lang: Language, codes: tuple[str, ...]):
    """careprint.toml as the guide in `lang` reads it: its language, its file names and
    identifier, the editions translated, its regions, and the words of
    [languages.<code>.text] in place of careprint.toml's."""
    text = lang.text
    meta = config.guide
    given = {k: tuple(v) if isinstance(v, list) else v
             for k, v in text.get("guide", {}).items()}
    meta = replace(meta, **given, language=lang.code, slug=f"{meta.slug}-{lang.code}",
                   identifier_base=f"{meta.identifier_base}:{lang.code}")
    editions = tuple(replace(e, **text.get("editions", {}).get(e.id, {}))
                     for e in config.editions if e.id in lang.editions)
    review = {**config.review, **{k: tuple(v) if isinstance(v, list) else v
                                  for k, v in text.get("review", {}).items()}}
    formats = {name: MappingProxyType({**values, **text.get("formats", {}).get(name, {})})
               for name, values in config.formats.items()}
    kept = MappingProxyType({**config.resources, "regions": codes})
    return replace(config, guide=meta, editions=editions, resources=kept,
                   review=MappingProxyType(review), formats=MappingProxyType(formats))


def _untranslated_words(config, lang: Language, errs: Collector, fell: list) -> None:
    """Each of careprint.toml's words every output prints (the guide's title, each
    edition's, who stands behind it) that [languages.<code>.text] does not translate: an
    error, or, with fallback = true, printed as it is and said."""
    text = lang.text
    wanted = [("guide", None, k, config.guide.__dict__[k]) for k in ("title", "subtitle")]
    wanted += [("editions", e.id, k, getattr(e, k)) for e in config.editions
               if e.id in lang.editions for k in ("title", "audience", "description")]
    wanted += [("review", None, k, config.review[k]) for k in ("credits", "lived_experience")]
    for table, name, key, value in wanted:
        got = text.get(table, {})
        got = got.get(name, {}) if name else got
        if not value or key in got:
            continue
        path = ".".join(filter(None, (table, name, key)))
        where = f"languages.{lang.code}.text.{path}"
        if lang.fallback:
            fell.append(f"careprint.toml: {where}: not given: the build prints {path} in "
                        "the source language")
        else:
            errs.add(at_key(CONFIG_NAME, where), f"missing: the {lang.code} guide needs "
                     f"careprint.toml's {path} in {lang.code}; give it in "
                     f"[languages.{lang.code}.text.{'.'.join(filter(None, (table, name)))}], "
                     f"or set fallback = true in [languages.{lang.code}]")


def _missing(source: str, lang: Language, errs: Collector, fell: list) -> bool:
    """Whether `source`, which has no translation, is used as it is (fallback = true,
    and said), or is an error (reported): True to use it."""
    trans = translation_of(source, lang.code)
    if lang.fallback:
        fell.append(f"{source} has no translation into {lang.code} ({trans}): the build "
                    "prints its text in the source language")
        return True
    errs.add(trans, f"not found: the {', '.join(lang.editions)} edition in {lang.code} "
             f"needs a translation of {source}. Translate it into this file, or set "
             f"fallback = true in [languages.{lang.code}] of careprint.toml to print the "
             "source's text")
    return False


def _chapter(root, chapter, lang, config, errs, fell):
    trans = translation_of(chapter.path, lang.code)
    if not (root / trans).is_file():
        return chapter if _missing(chapter.path, lang, errs, fell) else None
    try:
        return _load_chapter(root / trans, trans, chapter.number, chapter.slug, config, errs,
                             keys=(DIGEST_KEY, *CHAPTER_KEYS))
    except ProjectError as exc:
        errs.extend(exc.problems)
        return None


def _worksheet(root, worksheet, lang, config, errs, fell):
    trans = translation_of(worksheet.path, lang.code)
    if not (root / trans).is_file():
        return worksheet if _missing(worksheet.path, lang, errs, fell) else None
    try:
        text = read_text(root / trans, trans)
    except ProjectError as exc:
        errs.extend(exc.problems)
        return None
    return _load_worksheet(text, trans, worksheet.id, config, errs,
                           keys=(DIGEST_KEY, *WORKSHEET_KEYS))


def _entries(root: Path, rel: str, errs: Collector) -> list | None:
    """The `entries:` list of a translated list (the glossary, a resources file), which is
    a mapping: `source_digest:` then `entries:`."""
    try:
        data = load_yaml(read_text(root / rel, rel))
    except ProjectError as exc:
        errs.extend(exc.problems)
        return None
    except YamlError as exc:
        errs.add(at(rel, exc.line), exc.message)
        return None
    if not isinstance(data, LineDict) or not isinstance(data.get("entries"), list):
        errs.add(at(rel, 1), "a translation of a list is a mapping: `source_digest:` (written "
                 "by careprint translations mark), then `entries:` holding the translated "
                 "list (docs/content-format.md)")
        return None
    extra = [k for k in data if k not in (DIGEST_KEY, "entries")]
    for key in extra:
        errs.add(at(rel, data.line_of(key)), f"unknown key {key!r}; expected "
                 f"{DIGEST_KEY} and entries")
    return data["entries"]


def _glossary(root, guide, lang, errs, fell) -> list:
    if not guide.glossary:
        return []
    source = guide.glossary[0].path
    trans = translation_of(source, lang.code)
    if not (root / trans).is_file():
        return list(guide.glossary) if _missing(source, lang, errs, fell) else []
    entries = _entries(root, trans, errs)
    return [] if entries is None else glossary_entries(entries, trans, errs)


def _resources(root, source, own, lang, errs, fell) -> list:
    trans = translation_of(source, lang.code)
    if not (root / trans).is_file():
        return own if _missing(source, lang, errs, fell) else []
    entries = _entries(root, trans, errs)
    return [] if entries is None else read_resources(entries, trans, errs)
