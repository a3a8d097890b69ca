"""content/ -> Guide. Reads everything and validates it before anything is written.

Every problem is collected and reported together, each naming file:line.
"""

from __future__ import annotations

import re
from pathlib import Path

from .config import NAME_RE, Config, load_config
from .confine import check_inside
from .cssguard import template_css_problems
from .errors import Collector, Problem, ProjectError, at
from .glyphs import missing_glyph_problems
from .markup import Source, check_only_blocks, check_raw_html
from .model import FIELD_TYPES, Chapter, Field, GlossaryEntry, Guide, Resource, Worksheet
from .rawhtml import check_source_structure
from .slugs import slugify
from .textguard import invisible_characters, url_problem
from .verification import read_verification
from .worksheet_tables import table_field
from .yamlload import LineDict, LineList, YamlError, load_yaml

CHAPTER_RE = re.compile(r"^(\d+)-([a-z0-9][a-z0-9-]*)\.md$")
CHAPTER_KEYS = ("title", "editions", "summary", "key_points", "content_note")
MAX_SOURCE_BYTES = 2 * 1024 * 1024
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")


def load_project(root: Path) -> Guide:
    """Read careprint.toml and everything under content/, or raise ProjectError."""
    root = Path(root)
    check_inside(root)  # before reading anything: no file from outside the project
    config = load_config(root)
    errs = Collector()
    chapters = _load_chapters(root, config, errs)
    worksheets = _load_worksheets(root, config, errs)
    resources = _load_resources(root, errs)
    glossary = _load_glossary(root, errs)
    _check_unique(chapters, "slug", "chapter slug", errs)
    _check_unique(worksheets, "id", "worksheet id", errs)
    errs.extend(template_css_problems(root))  # for every format alike (careprint.cssguard)
    errs.extend(missing_glyph_problems(root, _texts(root)))
    errs.raise_if_any()
    return Guide(config, tuple(chapters), tuple(worksheets), tuple(resources), tuple(glossary))


def _texts(root: Path) -> list[tuple[str, str]]:
    """(path, text) of careprint.toml and every source under content/, for careprint.glyphs."""
    paths = [root / "careprint.toml"] + sorted(
        p for p in (root / "content").rglob("*")
        if p.suffix in (".md", ".yaml", ".yml") and p.is_file())
    out = []
    for path in paths:
        try:
            out.append((_rel(root, path), path.read_text("utf-8", errors="replace")))
        except OSError:
            continue  # reported where the file is loaded
    return out


def read_text(path: Path, rel: str) -> str:
    """Read a UTF-8 file (a BOM and CRLF line endings are fine). Raise ProjectError if not."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ProjectError(Problem(rel, f"cannot be read: {exc.strerror or exc}")) from None
    if len(data) > MAX_SOURCE_BYTES:
        raise ProjectError(Problem(rel, f"file is {len(data) // 1024} KiB; the limit for one "
                                   f"source file is {MAX_SOURCE_BYTES // 1024} KiB: split it"))
    if b"\0" in data[:8192]:
        raise ProjectError(Problem(rel, "this is a binary file, not text; remove it from content/"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProjectError(Problem(rel, f"not UTF-8: invalid byte at offset {exc.start}; "
                              "save the file as UTF-8")) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = CONTROL_RE.sub("", text)  # stray control characters (a form feed...) are noise
    hidden = invisible_characters(text, rel)
    if hidden:
        raise ProjectError(hidden)
    return text


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


# ---------------------------------------------------------------- chapters


def _load_chapters(root: Path, config: Config, errs: Collector) -> list[Chapter]:
    folder = root / "content" / "chapters"
    if not folder.is_dir():
        errs.add("content/chapters", "folder not found: a guide needs at least one chapter")
        return []
    chapters = []
    for path in _files(folder):
        rel = _rel(root, path)
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


def split_front_matter(text: str, rel: str) -> tuple[str, int, str, int]:
    """Return (front matter, its first line, body, the body's first line)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ProjectError(Problem(at(rel, 1), "no front matter: a chapter starts with a line "
                                   "`---`, then `title: ...`, then a closing `---`"))
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "\n".join(lines[1:i]), 2, "\n".join(lines[i + 1:]), i + 2
    raise ProjectError(Problem(at(rel, 1), "front matter opened here is never closed with `---`"))


def _load_chapter(path, rel, number, slug, config, errs) -> Chapter | None:
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
    if not isinstance(meta, dict):
        errs.add(at(rel, fm_line), "front matter must be a set of `key: value` lines")
        return None
    n_before = len(errs.problems)
    for key in meta:
        if key not in CHAPTER_KEYS:
            errs.add(at(rel, meta.line_of(key)), f"unknown front-matter key {key!r}; "
                     f"expected one of: {', '.join(CHAPTER_KEYS)}")
    title = _string(meta, "title", rel, errs, required=True)
    summary = _string(meta, "summary", rel, errs)
    note = _string(meta, "content_note", rel, errs)
    key_points = _string_list(meta, "key_points", rel, errs)
    editions = _editions(meta, rel, config, errs)
    body_src = Source(body, rel, body_line)
    errs.extend(check_only_blocks(body_src, config.edition_ids))
    errs.extend(check_raw_html(body_src.lines(), rel))
    errs.extend(check_source_structure(body_src.lines(), rel))
    if len(errs.problems) > n_before:
        return None
    return Chapter(path=rel, number=number, slug=slug, title=title, editions=editions,
                   summary=summary, key_points=key_points, content_note=note, body=body,
                   body_line=body_line)


def _string(meta: LineDict, key, rel, errs, required=False, default="") -> str:
    if key not in meta or meta[key] is None:
        if required:
            errs.add(at(rel, meta.line), f"missing required key {key!r}")
        return default
    value = meta[key]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or (required and not value.strip()):
        errs.add(at(rel, meta.line_of(key)), f"{key}: expected a non-empty string")
        return default
    return value.strip()


def _string_list(meta: LineDict, key, rel, errs) -> tuple[str, ...]:
    value = meta.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errs.add(at(rel, meta.line_of(key)), f"{key}: expected a list of strings")
        return ()
    return tuple(v.strip() for v in value)


def _editions(meta: LineDict, rel, config: Config, errs) -> tuple[str, ...] | None:
    if "editions" not in meta:
        return None
    value = meta["editions"]
    line = meta.line_of("editions")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        hint = f" (write `editions: [{value}]`)" if isinstance(value, str) else ""
        errs.add(at(rel, line), f"editions: expected a list of edition names{hint}")
        return None
    for name in value:
        if name not in config.edition_ids:
            errs.add(at(rel, line), f"unknown edition {name!r}; expected one of: "
                     f"{', '.join(config.edition_ids)}")
    if not value:
        errs.add(at(rel, line), "editions: the list is empty; omit the key for every edition")
    return tuple(value)


def _check_unique(items, attr, what, errs):
    seen = {}
    for item in items:
        key = getattr(item, attr)
        if key in seen:
            errs.add(item.path, f"duplicate {what} {key!r}: {seen[key]} has it too")
        else:
            seen[key] = item.path


# ---------------------------------------------------------------- worksheets

WORKSHEET_KEYS = ("id", "title", "purpose", "editions", "instructions", "closing", "fields",
                  "pages")
FIELD_KEYS = {
    "name": (), "date": (),
    "lines": ("lines",),
    "text": ("height",),
    "checklist": ("options", "other"),
    "scale": ("min", "max", "anchors"),
    "table": ("columns", "rows", "row_labels", "lines"),
}
COMMON_FIELD_KEYS = ("type", "label", "key")


def _load_worksheets(root: Path, config: Config, errs: Collector) -> list[Worksheet]:
    out = []
    for path in _files(root / "content" / "worksheets"):
        rel = _rel(root, path)
        if path.suffix not in (".yaml", ".yml"):
            errs.add(rel, "not a worksheet: worksheet files are <id>.yaml")
            continue
        try:
            text = read_text(path, rel)
        except ProjectError as exc:
            errs.extend(exc.problems)
            continue
        ws = _load_worksheet(text, rel, path.stem, config, errs)
        if ws:
            out.append(ws)
    return out


def _load_worksheet(text, rel, stem, config, errs) -> Worksheet | None:
    try:
        data = load_yaml(text)
    except YamlError as exc:
        errs.add(at(rel, exc.line), exc.message)
        return None
    if not isinstance(data, dict):
        errs.add(at(rel, 1), "a worksheet is a set of `key: value` lines (id, title, fields...)")
        return None
    n_before = len(errs.problems)
    for key in data:
        if key not in WORKSHEET_KEYS:
            errs.add(at(rel, data.line_of(key)), f"unknown key {key!r}; expected one of: "
                     f"{', '.join(WORKSHEET_KEYS)}")
    wid = _string(data, "id", rel, errs, required=True)
    if wid and wid != stem:
        errs.add(at(rel, data.line_of("id")), f"id {wid!r} does not match the file name "
                 f"{stem!r}; rename one of them")
    if wid and not NAME_RE.match(wid):
        errs.add(at(rel, data.line_of("id")), "id: use lower-case letters, digits and hyphens")
    title = _string(data, "title", rel, errs, required=True)
    purpose = _string(data, "purpose", rel, errs, required=True)
    instructions = _string(data, "instructions", rel, errs)
    closing = _string(data, "closing", rel, errs)
    editions = _editions(data, rel, config, errs)
    instr_line = _block_first_line(data, "instructions")
    closing_line = _block_first_line(data, "closing")
    for key, line in (("instructions", instr_line), ("closing", closing_line)):
        if isinstance(data.get(key), str):
            src = Source(data[key], rel, line)
            errs.extend(check_only_blocks(src, config.edition_ids))
            errs.extend(check_raw_html(src.lines(), rel))
            errs.extend(check_source_structure(src.lines(), rel))
    fields = _fields(data, rel, errs)
    pages = data.get("pages", 1)
    if not isinstance(pages, int) or isinstance(pages, bool) or not 1 <= pages <= 20:
        errs.add(at(rel, data.line_of("pages")), "pages: expected a whole number from 1 to 20 "
                 "(the printed pages this worksheet is meant to take)")
    if len(errs.problems) > n_before:
        return None
    return Worksheet(path=rel, id=wid, title=title, purpose=purpose, editions=editions,
                     instructions=instructions, instructions_line=instr_line, closing=closing,
                     closing_line=closing_line, fields=tuple(fields), pages=pages)


def _block_first_line(data: LineDict, key: str) -> int:
    """First line of a value: the line after `key: |`, or the key's own line."""
    line = data.line_of(key)
    value = data.get(key)
    return line + 1 if isinstance(value, str) and "\n" in value else line


def _fields(data, rel, errs) -> list[Field]:
    raw = data.get("fields")
    if raw is None:
        errs.add(at(rel, data.line), "missing required key 'fields' (a list of fields)")
        return []
    if not isinstance(raw, list) or not raw:
        errs.add(at(rel, data.line_of("fields")), "fields: expected a non-empty list")
        return []
    out, keys = [], {}
    for i, item in enumerate(raw):
        line = raw.item_lines[i] if isinstance(raw, LineList) else data.line_of("fields")
        where = at(rel, line)
        if not isinstance(item, dict):
            errs.add(where, f"fields[{i}]: expected `type:` and `label:`")
            continue
        ftype = item.get("type")
        if not isinstance(ftype, str) or ftype not in FIELD_KEYS:
            errs.add(at(rel, item.line_of("type")), f"fields[{i}].type: unknown field type "
                     f"{ftype!r}; expected one of: {', '.join(FIELD_TYPES)}")
            continue
        allowed = COMMON_FIELD_KEYS + FIELD_KEYS[ftype]
        for key in item:
            if key not in allowed:
                errs.add(at(rel, item.line_of(key)), f"fields[{i}].{key}: not allowed for a "
                         f"{ftype!r} field; allowed: {', '.join(allowed)}")
        label = item.get("label")
        if not isinstance(label, str) or not label.strip():
            errs.add(where, f"fields[{i}]: missing label (every field needs `label:`)")
            continue
        key = item.get("key") or _slugify(label)
        if not isinstance(key, str) or not NAME_RE.match(key):
            errs.add(at(rel, item.line_of("key")), f"fields[{i}].key: use lower-case letters, "
                     "digits and hyphens")
            continue
        if key in keys:
            errs.add(where, f"fields[{i}]: field key {key!r} is used twice (line {keys[key]}); "
                     "give one of them a `key:`")
            continue
        keys[key] = item.line
        f = _field(ftype, label.strip(), key, item, i, rel, errs)
        if f:
            out.append(f)
    return out


def _int(item, key, default, lo, hi, i, rel, errs):
    value = item.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        errs.add(at(rel, item.line_of(key)), f"fields[{i}].{key}: expected a whole number "
                 f"from {lo} to {hi}")
        return None
    return value


def _strs(item, key, i, rel, errs, required=False):
    value = item.get(key)
    if value is None and not required:
        return ()
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        what = "missing" if value is None else "expected a non-empty list of strings"
        errs.add(at(rel, item.line_of(key)), f"fields[{i}].{key}: {what}")
        return None
    return tuple(v.strip() for v in value)


def _field(ftype, label, key, item, i, rel, errs) -> Field | None:
    base = {"type": ftype, "label": label, "key": key, "line": item.line}
    if ftype == "lines":
        n = _int(item, "lines", 3, 1, 30, i, rel, errs)
        return None if n is None else Field(**base, lines=n)
    if ftype == "text":
        n = _int(item, "height", 5, 1, 40, i, rel, errs)
        return None if n is None else Field(**base, height=n)
    if ftype == "checklist":
        options = _strs(item, "options", i, rel, errs, required=True)
        other = item.get("other", False)
        if not isinstance(other, bool):
            errs.add(at(rel, item.line_of("other")), f"fields[{i}].other: expected true or false")
            return None
        return None if options is None else Field(**base, options=options, other=other)
    if ftype == "scale":
        lo = _int(item, "min", 0, -100, 100, i, rel, errs)
        hi = _int(item, "max", 10, -100, 100, i, rel, errs)
        anchors = _strs(item, "anchors", i, rel, errs) or ("", "")
        if lo is None or hi is None or anchors is None:
            return None
        if lo >= hi:
            errs.add(at(rel, item.line_of("min")), f"fields[{i}]: scale min ({lo}) must be "
                     f"less than max ({hi})")
            return None
        if len(anchors) != 2:
            errs.add(at(rel, item.line_of("anchors")), f"fields[{i}].anchors: expected two "
                     "words or phrases, for the low and the high end")
            return None
        return Field(**base, min=lo, max=hi, anchors=anchors)
    if ftype == "table":  # typed, sized columns and rows of written lines (issue 16)
        return table_field(base, item, i, rel, errs)
    return Field(**base)


def _slugify(text: str) -> str:
    slug = slugify(text)
    return (slug[:40].rstrip("-") or "field") if slug[:1].isalpha() else f"f-{slug[:38]}"


# ---------------------------------------------------------------- resources and glossary

RESOURCE_KEYS = ("name", "region", "contact", "hours", "url", "description", "crisis",
                 "verified_on", "source")


def _load_list(root: Path, rel: str, errs: Collector):
    path = root / rel
    try:
        data = load_yaml(read_text(path, rel))
    except ProjectError as exc:
        errs.extend(exc.problems)
        return []
    except YamlError as exc:
        errs.add(at(rel, exc.line), exc.message)
        return []
    if data is None:
        return []
    if not isinstance(data, list):
        errs.add(at(rel, 1), "expected a list of entries (each starting with `- `)")
        return []
    return data


def _load_resources(root: Path, errs: Collector) -> list[Resource]:
    out = []
    files = _files(root / "content" / "resources")
    for path in files:
        rel = _rel(root, path)
        for i, item in enumerate(_load_list(root, rel, errs)):
            if not isinstance(item, dict):
                errs.add(rel, f"entry {i + 1}: expected name, region, contact, verified_on...")
                continue
            for key in item:
                if key not in RESOURCE_KEYS:
                    errs.add(at(rel, item.line_of(key)), f"unknown key {key!r}; expected one "
                             f"of: {', '.join(RESOURCE_KEYS)}")
            s = {k: _string(item, k, rel, errs, required=k in ("name", "region", "contact"))
                 for k in ("name", "region", "contact", "hours", "url", "description")}
            bad_url = s["url"] and url_problem(s["url"])
            if bad_url:
                errs.add(at(rel, item.line_of("url")), bad_url)
                continue
            checked = read_verification(item, rel, errs)
            if checked is None:
                continue
            crisis = item.get("crisis", False)
            if not isinstance(crisis, bool):
                errs.add(at(rel, item.line_of("crisis")), "crisis: expected true or false")
                continue
            out.append(Resource(path=rel, line=item.line, crisis=crisis, verified_on=checked[0],
                                source=checked[1], **s))
    if not out and not errs.problems:
        errs.add("content/resources", "no crisis or support resources found: every edition "
                 "carries them (add content/resources/<name>.yaml)")
    return sorted(out, key=lambda r: (not r.crisis, r.region, r.name))


def _load_glossary(root: Path, errs: Collector) -> list[GlossaryEntry]:
    rel = "content/glossary.yaml"
    if not (root / rel).is_file():
        return []
    out = []
    for i, item in enumerate(_load_list(root, rel, errs)):
        if not isinstance(item, dict):
            errs.add(rel, f"entry {i + 1}: expected id, term and definition")
            continue
        for key in item:
            if key not in ("id", "term", "definition"):
                errs.add(at(rel, item.line_of(key)), f"unknown key {key!r}; expected one of: "
                         "id, term, definition")
        gid = _string(item, "id", rel, errs, required=True)
        if gid and not NAME_RE.match(gid):
            errs.add(at(rel, item.line_of("id")), f"id {gid[:40]!r}: use lower-case letters, "
                     "digits and hyphens, starting with a letter (it becomes a link target)")
            continue
        term = _string(item, "term", rel, errs, required=True)
        definition = _string(item, "definition", rel, errs, required=True)
        if gid and term and definition:
            out.append(GlossaryEntry(gid, term, definition, rel, item.line))
    _check_unique(out, "id", "glossary id", errs)
    return sorted(out, key=lambda g: g.term.lower())
