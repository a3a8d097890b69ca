"""content/worksheets/<id>.yaml -> Worksheet, and its fields, every problem naming file:line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import Collector, ProjectError, at
from ..guard import bounds
from ..guard.rawhtml import check_source_structure
from .config import NAME_RE, Config
from .markup import Source, check_only_blocks, check_raw_html
from .model import FIELD_TYPES, Field, Worksheet
from .slugs import slugify
from .sourcefile import files_in, read_text, rel_path
from .worksheet_tables import table_field
from .yamlload import LineDict, LineList, YamlError, load_yaml
from .yamlvalues import (
    field_int,
    field_strings,
    key_lines,
    read_editions,
    read_string,
    unknown_keys,
)

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
    paths = files_in(root / "content" / "worksheets")
    too_many = bounds.count_problem(len(paths), bounds.MAX_WORKSHEETS, "content/worksheets",
                                    "worksheets", "a guide this long is several guides")
    if too_many:
        errs.extend(too_many)
        return []
    for path in paths:
        rel = rel_path(root, path)
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


def _load_worksheet(text, rel, stem, config, errs, keys=WORKSHEET_KEYS) -> Worksheet | None:
    try:
        data = load_yaml(text)
    except YamlError as exc:
        errs.add(at(rel, exc.line), exc.message)
        return None
    if not isinstance(data, LineDict):
        errs.add(at(rel, 1), "a worksheet is a set of `key: value` lines (id, title, fields...)")
        return None
    n_before = len(errs.problems)
    unknown_keys(data, keys, rel, errs)
    wid = read_string(data, "id", rel, errs, required=True)
    if wid and wid != stem:
        errs.add(at(rel, data.line_of("id")), f"id {wid!r} does not match the file name "
                 f"{stem!r}; rename one of them")
    if wid and not NAME_RE.match(wid):
        errs.add(at(rel, data.line_of("id")), "id: use lower-case letters, digits and hyphens")
    title = read_string(data, "title", rel, errs, required=True)
    purpose = read_string(data, "purpose", rel, errs, required=True)
    instructions = read_string(data, "instructions", rel, errs)
    closing = read_string(data, "closing", rel, errs)
    editions = read_editions(data, rel, config, errs)
    instr_line = _block_first_line(data, "instructions")
    closing_line = _block_first_line(data, "closing")
    for key, line in (("instructions", instr_line), ("closing", closing_line)):
        if isinstance(data.get(key), str):
            src = Source(data[key], rel, line)
            errs.extend(bounds.markdown_problems(data[key], rel, line))
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
                     closing_line=closing_line, fields=tuple(fields), pages=pages,
                     key_lines=key_lines(data))


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
    if len(raw) > bounds.MAX_FIELDS:
        line = raw.item_lines[bounds.MAX_FIELDS] if isinstance(raw, LineList) else data.line
        errs.extend(bounds.count_problem(len(raw), bounds.MAX_FIELDS, at(rel, line), "fields",
                                         "split the worksheet in two"))
        return []
    keys: dict[str, int]
    out, keys = [], {}
    for i, item in enumerate(raw):
        line = raw.item_lines[i] if isinstance(raw, LineList) else data.line_of("fields")
        f = _field_item(item, i, at(rel, line), rel, keys, errs)
        if f:
            out.append(f)
    return out


def _field_item(item, i, where, rel, keys, errs) -> Field | None:
    """Field `i` of a worksheet: its type, label and key, then what its type asks for."""
    if not isinstance(item, LineDict):
        errs.add(where, f"fields[{i}]: expected `type:` and `label:`")
        return None
    ftype = item.get("type")
    if not isinstance(ftype, str) or ftype not in FIELD_KEYS:
        errs.add(at(rel, item.line_of("type")), f"fields[{i}].type: unknown field type "
                 f"{ftype!r}; expected one of: {', '.join(FIELD_TYPES)}")
        return None
    allowed = COMMON_FIELD_KEYS + FIELD_KEYS[ftype]
    for key in item:
        if key not in allowed:
            errs.add(at(rel, item.line_of(key)), f"fields[{i}].{key}: not allowed for a "
                     f"{ftype!r} field; allowed: {', '.join(allowed)}")
    label = item.get("label")
    if not isinstance(label, str) or not label.strip():
        errs.add(where, f"fields[{i}]: missing label (every field needs `label:`)")
        return None
    key = item.get("key") or _slugify(label)
    if not isinstance(key, str) or not NAME_RE.match(key):
        errs.add(at(rel, item.line_of("key")), f"fields[{i}].key: use lower-case letters, "
                 "digits and hyphens")
        return None
    if key in keys:
        errs.add(where, f"fields[{i}]: field key {key!r} is used twice (line {keys[key]}); "
                 "give one of them a `key:`")
        return None
    keys[key] = item.line
    base: dict[str, Any]  # the keys every Field has, of several types
    base = {"type": ftype, "label": label.strip(), "key": key, "line": item.line,
            "key_lines": key_lines(item)}
    extra = _TYPE_READERS[ftype](item, i, rel, errs) if ftype in _TYPE_READERS else {}
    return None if extra is None else Field(**base, **extra)


# What each type of field reads besides type, label and key: {attribute: value}, or None
# when a problem was reported.

def _lines_field(item, i, rel, errs):
    n = field_int(item, "lines", 3, 1, 30, i, rel, errs)
    return None if n is None else {"lines": n}


def _text_field(item, i, rel, errs):
    n = field_int(item, "height", 5, 1, 40, i, rel, errs)
    return None if n is None else {"height": n}


def _checklist_field(item, i, rel, errs):
    raw = item.get("options")
    if isinstance(raw, list) and len(raw) > bounds.MAX_OPTIONS:
        errs.add(at(rel, item.line_of("options")), f"fields[{i}].options: {len(raw)} options; "
                 f"the limit is {bounds.MAX_OPTIONS}: split the checklist")
        return None
    options = field_strings(item, "options", i, rel, errs, required=True)
    other = item.get("other", False)
    if not isinstance(other, bool):
        errs.add(at(rel, item.line_of("other")), f"fields[{i}].other: expected true or false")
        return None
    return None if options is None else {"options": options, "other": other}


def _scale_field(item, i, rel, errs):
    lo = field_int(item, "min", 0, -100, 100, i, rel, errs)
    hi = field_int(item, "max", 10, -100, 100, i, rel, errs)
    anchors = field_strings(item, "anchors", i, rel, errs) or ("", "")
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
    return {"min": lo, "max": hi, "anchors": anchors}


_TYPE_READERS = {"lines": _lines_field, "text": _text_field, "checklist": _checklist_field,
                 "scale": _scale_field, "table": table_field}  # worksheet_tables.py


def _slugify(text: str) -> str:
    slug = slugify(text)
    return (slug[:40].rstrip("-") or "field") if slug[:1].isalpha() else f"f-{slug[:38]}"
