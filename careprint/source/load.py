"""content/ -> Guide. Reads everything and validates it before anything is written.

Every problem is collected and reported together, each naming file:line.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import Collector, ProjectError, at
from ..guard import bounds
from ..guard.confine import check_inside
from ..guard.cssguard import template_css_problems
from ..guard.glyphs import missing_glyph_problems
from ..guard.outguard_html import project_template_problems
from ..guard.rawhtml import check_source_structure
from .config import NAME_RE, Config, load_config, read_config
from .handout_choice import read_handout_choice
from .idguard import duplicate_id_problems
from .imprints import load_imprints
from .markup import Source, check_only_blocks, check_raw_html
from .model import Chapter, GlossaryEntry, Guide
from .resourceload import load_list, load_resources
from .sourcefile import (
    IMAGE_SUFFIXES,
    MAX_SOURCE_BYTES,
    files_in,
    read_text,
    rel_path,
    split_front_matter,
)
from .typefaces import theme_font_problems, use_bundled_fonts
from .worksheetload import _load_worksheet, _load_worksheets
from .yamlload import LineDict, YamlError, load_yaml
from .yamlvalues import (
    key_lines,
    mappings,
    read_editions,
    read_string,
    read_string_list,
    unknown_keys,
)

__all__ = ["load_project", "read_text", "split_front_matter", "_load_worksheet"]

CHAPTER_RE = re.compile(r"^(\d+)-([a-z0-9][a-z0-9-]*)\.md$")
CHAPTER_KEYS = ("title", "editions", "summary", "key_points", "content_note", "handout")


def load_project(root: Path, problems: list | None = None) -> Guide | None:
    """Read careprint.toml and everything under content/, or raise ProjectError.

    Given a list, `problems` (`careprint check`): each problem is added to it instead, and
    the guide of what could be read is returned (None when careprint.toml names no usable
    guide); only what stops all reading (no careprint.toml, a link out of the project)
    still raises."""
    root = Path(root)
    check_inside(root)  # before reading anything: no file from outside the project
    config: Config | None
    if problems is None:
        config = load_config(root)
    else:
        config, found = read_config(root)
        problems.extend(found)
        if config is None:
            return None
    errs = Collector()
    chapters = _load_chapters(root, config, errs)
    worksheets = _load_worksheets(root, config, errs)
    resources = load_resources(root, errs)
    errs.extend(bounds.count_problem(len(resources), bounds.MAX_RESOURCES, "content/resources",
                                     "services in the resources files", "keep the services "
                                     "a reader of this guide can reach"))
    imprints = load_imprints(root, errs)
    glossary = _load_glossary(root, errs)
    _check_unique(chapters, "slug", "chapter slug", errs)
    _check_unique(worksheets, "id", "worksheet id", errs)
    errs.extend(duplicate_id_problems(chapters, worksheets, glossary, config.edition_ids))
    errs.extend(template_css_problems(root))  # for every format alike (careprint.guard.cssguard)
    errs.extend(project_template_problems(root))  # no script added (careprint.guard.outguard_html)
    use_bundled_fonts()  # careprint's typefaces are among those that cover a character
    errs.extend(missing_glyph_problems(root, _texts(root)))
    errs.extend(_font_problems(root))
    if problems is not None:
        problems.extend(errs.problems)
    else:
        errs.raise_if_any()
    return Guide(config, tuple(chapters), tuple(worksheets), tuple(resources), tuple(glossary),
                 imprints=imprints)


def _font_problems(root: Path) -> list:
    """Each font a stylesheet of the project's templates/ names that no one has
    (careprint.source.typefaces); careprint's own templates name only the fonts it ships."""
    folder = root / "templates"
    paths = sorted(folder.glob("*.css")) if folder.is_dir() else []
    return theme_font_problems([(f"templates/{p.name}", read_text(p, f"templates/{p.name}"))
                                for p in paths])


_LAST: dict = {}


def load_project_kept(root: Path) -> Guide:
    """load_project(root), kept for the process's next build while no file of the project
    (or of careprint) has changed: `build --imprint all` builds each clinic in turn."""
    from .digests import input_digest

    key = (str(Path(root).resolve()), input_digest(Path(root), {}))
    if _LAST.get("key") != key:
        _LAST.clear()
        _LAST.update(key=key, guide=load_project(root))
    return _LAST["guide"]


def _texts(root: Path) -> list[tuple[str, str]]:
    """(path, text) of careprint.toml and every source under content/, for
    careprint.guard.glyphs."""
    paths = [root / "careprint.toml"] + sorted(
        p for p in (root / "content").rglob("*")
        if p.suffix in (".md", ".yaml", ".yml") and p.is_file())
    out = []
    for path in paths:
        try:
            if path.stat().st_size > MAX_SOURCE_BYTES:
                continue  # refused where it is loaded, never read whole
            out.append((rel_path(root, path), path.read_text("utf-8", errors="replace")))
        except OSError:
            continue  # reported where the file is loaded
    return out


# ---------------------------------------------------------------- chapters


def _load_chapters(root: Path, config: Config, errs: Collector) -> list[Chapter]:
    folder = root / "content" / "chapters"
    if not folder.is_dir():
        errs.add("content/chapters", "folder not found: a guide needs at least one chapter")
        return []
    chapters = []
    paths = files_in(folder)
    if _too_many_chapters(root, [p for p in paths if CHAPTER_RE.match(p.name)], errs):
        return []
    for path in paths:
        rel = rel_path(root, path)
        m = CHAPTER_RE.match(path.name)
        if not m and path.suffix.lower() in IMAGE_SUFFIXES:
            continue  # an image the chapters show (checked when a chapter uses it)
        if not m:
            errs.add(rel, "not a chapter: chapter files are named NN-slug.md "
                     "(digits, a hyphen, lower-case letters, digits and hyphens)")
            continue
        try:
            chapter = _load_chapter(path, rel, m.group(1), m.group(2), config, errs)
        except ProjectError as exc:
            errs.extend(exc.problems)
            continue
        if chapter:
            chapters.append(chapter)
    if not chapters and not errs.problems:
        errs.add("content/chapters", "no chapters found (add content/chapters/01-slug.md)")
    return chapters


def _too_many_chapters(root: Path, paths: list[Path], errs: Collector) -> bool:
    """Whether the chapters pass a limit of careprint.guard.bounds (reported), before any is
    read: each is laid out, so 2,000 chapters took 153 s and 1.5 GB."""
    where = rel_path(root, root / "content" / "chapters")
    found = bounds.count_problem(len(paths), bounds.MAX_CHAPTERS, where, "chapters",
                                 "a guide this long is several guides")
    kib = sum(p.stat().st_size for p in paths) // 1024
    found += bounds.count_problem(kib, bounds.MAX_CHAPTERS_KIB, where, "KiB of chapters",
                                  "a guide this long is several guides")
    errs.extend(found)
    return bool(found)


def _load_chapter(path, rel, number, slug, config, errs, keys=CHAPTER_KEYS) -> Chapter | None:
    text = read_text(path, rel)
    fm_text, fm_line, body, body_line = split_front_matter(text, rel)
    try:
        meta = load_yaml(fm_text, fm_line)
    except YamlError as exc:
        errs.add(at(rel, exc.line), exc.message)
        return None
    if meta is None:
        meta = LineDict()
        meta.line, meta.key_lines = fm_line, {}
    if not isinstance(meta, LineDict):
        errs.add(at(rel, fm_line), "front matter must be a set of `key: value` lines")
        return None
    n_before = len(errs.problems)
    unknown_keys(meta, keys, rel, errs, "front-matter key")
    title = read_string(meta, "title", rel, errs, required=True)
    summary = read_string(meta, "summary", rel, errs)
    note = read_string(meta, "content_note", rel, errs)
    key_points = read_string_list(meta, "key_points", rel, errs)
    editions = read_editions(meta, rel, config, errs)
    handout = read_handout_choice(meta, rel, body, errs)  # careprint/source/handout_choice.py
    body_src = Source(body, rel, body_line)
    errs.extend(check_only_blocks(body_src, config.edition_ids))
    errs.extend(check_raw_html(body_src.lines(), rel))
    errs.extend(check_source_structure(body_src.lines(), rel))
    named = {p.where for p in errs.problems[n_before:]}  # a line's first problem, once
    errs.extend(p for p in bounds.markdown_problems(body, rel, body_line)
                if p.where not in named)
    if len(errs.problems) > n_before:
        return None
    return Chapter(path=rel, number=number, slug=slug, title=title, editions=editions,
                   summary=summary, key_points=key_points, content_note=note, body=body,
                   body_line=body_line, key_lines=key_lines(meta), handout=handout)


def _check_unique(items, attr, what, errs):
    seen: dict = {}
    for item in items:
        key = getattr(item, attr)
        if key in seen:
            errs.add(item.path, f"duplicate {what} {key!r}: {seen[key]} has it too")
        else:
            seen[key] = item.path


# ---------------------------------------------------------------- glossary

GLOSSARY_KEYS = ("id", "term", "definition")


def _load_glossary(root: Path, errs: Collector) -> list[GlossaryEntry]:
    rel = "content/glossary.yaml"
    if not (root / rel).is_file():
        return []
    entries = load_list(root, rel, errs)
    lines = getattr(entries, "item_lines", [])
    where = at(rel, lines[bounds.MAX_GLOSSARY]) if len(lines) > bounds.MAX_GLOSSARY else rel
    too_many = bounds.count_problem(len(entries), bounds.MAX_GLOSSARY, where, "glossary entries",
                                    "keep the terms a reader of this guide needs")
    if too_many:
        errs.extend(too_many)
        return []
    return glossary_entries(entries, rel, errs)


def glossary_entries(entries: list, rel: str, errs: Collector) -> list[GlossaryEntry]:
    """The glossary's entries (a YAML list read from `rel`), checked and sorted by term."""
    out = []
    for item in mappings(entries, rel, errs, "id, term and definition"):
        unknown_keys(item, GLOSSARY_KEYS, rel, errs)
        gid = read_string(item, "id", rel, errs, required=True)
        if gid and not NAME_RE.match(gid):
            errs.add(at(rel, item.line_of("id")), f"id {gid[:40]!r}: use lower-case letters, "
                     "digits and hyphens, starting with a letter (it becomes a link target)")
            continue
        term = read_string(item, "term", rel, errs, required=True)
        definition = read_string(item, "definition", rel, errs, required=True)
        if gid and term and definition:
            out.append(GlossaryEntry(gid, term, definition, rel, item.line, key_lines(item)))
    _check_unique(out, "id", "glossary id", errs)
    return sorted(out, key=lambda g: g.term.lower())
