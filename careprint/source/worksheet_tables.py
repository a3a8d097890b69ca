"""A worksheet's `table` field, read and validated (worksheetload.py calls `table_field`), and the
widths its columns print at (`column_widths`, used by the worksheet template).

    - type: table
      label: Kinds of touch
      columns:
        - Kind of touch                 # a heading alone: a column of written cells
        - {label: Feels okay, type: checkbox}
        - {label: Not right now, type: checkbox, width: 15%}
      rows: 5
      row_labels: [A hug, ...]          # optional: they fill the first column
      lines: 2                          # written lines per row (1 to 4)

A column sized by the author keeps its `width:`; the others are sized to their content:
the row labels' column to its longest label, a tick-box column to its heading, and the
written columns share what is left. Issue 16: a "Day" column took a quarter of the page.
"""

from __future__ import annotations

import math
import re

from ..errors import at
from ..guard.bounds import MAX_TABLE_COLUMNS
from .model import CELL_TYPES, Column, Field
from .yamlvalues import field_int, field_strings

COLUMN_KEYS = ("label", "type", "width")
WIDTH_RE = re.compile(r"^\s*(\d{1,2})\s*%\s*$")
MIN_WIDTH, MAX_WIDTH = 5, 90  # percent of the table's width
MAX_LINES = 4  # written lines in a row
# Widths are planned on a 174 mm table (A4 less the margins; Letter's is 6 mm wider)
TABLE_MM = 174.0
CHAR_MM = 2.0  # an average character of a 10 pt bold heading
PAD_MM = 5.0  # a cell's padding and borders
MIN_LABEL_MM, MIN_TICK_MM = 14.0, 18.0


def table_field(item, i: int, rel: str, errs) -> dict | None:
    """What a table field reads besides type, label and key (worksheetload.py), or None
    when a problem was reported."""
    if not item.get("columns"):
        errs.add(at(rel, item.line_of("columns")), f"fields[{i}]: a table needs at least "
                 "one column (`columns: [Day, What I noticed]`)")
        return None
    columns = _columns(item, i, rel, errs)
    rows = field_int(item, "rows", 5, 1, 60, i, rel, errs)
    row_labels = field_strings(item, "row_labels", i, rel, errs)
    if columns is None or rows is None or row_labels is None:
        return None
    if row_labels and len(row_labels) != rows:
        errs.add(at(rel, item.line_of("row_labels")), f"fields[{i}].row_labels: "
                 f"{len(row_labels)} labels for {rows} rows")
        return None
    if row_labels and columns[0].type != "text":
        errs.add(at(rel, item.line_of("columns")), f"fields[{i}].columns[0]: the first "
                 "column holds the row labels, so it cannot be a column of tick boxes")
        return None
    written = any(c.type == "text" for c in columns[1 if row_labels else 0:])
    lines = field_int(item, "lines", 2 if written else 1, 1, MAX_LINES, i, rel, errs)
    if lines is None:
        return None
    return {"columns": tuple(c.label for c in columns), "rows": rows, "row_labels": row_labels,
            "lines": lines, "table_columns": columns}


def _columns(item, i: int, rel: str, errs) -> tuple[Column, ...] | None:
    raw = item.get("columns")
    key_line = item.line_of("columns")
    if not isinstance(raw, list):
        errs.add(at(rel, key_line), f"fields[{i}].columns: expected a list of headings")
        return None
    if len(raw) > MAX_TABLE_COLUMNS:
        errs.add(at(rel, key_line), f"fields[{i}].columns: {len(raw)} columns; the limit is "
                 f"{MAX_TABLE_COLUMNS}: no page can print more legibly")
        return None
    lines = getattr(raw, "item_lines", None) or [key_line] * len(raw)
    out = []
    for j, (c, line) in enumerate(zip(raw, lines, strict=True)):
        col = _column(c, f"fields[{i}].columns[{j}]", at(rel, line), errs)
        if col is None:
            return None
        out.append(col)
    given = sum(c.width or 0 for c in out)
    rest = any(c.width is None for c in out)
    if given > 100 or (given == 100 and rest):
        room = "leaving no room for the columns without one" if rest else \
            "more than the table's width"
        errs.add(at(rel, key_line), f"fields[{i}].columns: the widths add up to {given}%, "
                 f"{room}; make them smaller")
        return None
    return tuple(out)


def _column(c, where: str, place: str, errs) -> Column | None:
    if isinstance(c, str) and c.strip():
        return Column(c.strip())
    if not isinstance(c, dict):
        errs.add(place, f"{where}: expected a heading, or `label:` with `type:` "
                 f"({' or '.join(CELL_TYPES)}) and `width:`")
        return None
    unknown = [k for k in c if k not in COLUMN_KEYS]
    label, ctype, width = c.get("label"), c.get("type", "text"), c.get("width")
    if unknown:
        errs.add(place, f"{where}.{unknown[0]}: unknown key; expected one of: "
                 f"{', '.join(COLUMN_KEYS)}")
    elif not isinstance(label, str) or not label.strip():
        errs.add(place, f"{where}: missing label (the column's heading)")
    elif ctype not in CELL_TYPES:
        errs.add(place, f"{where}.type: unknown cell type {ctype!r}; expected one of: "
                 f"{', '.join(CELL_TYPES)}")
    elif width is not None and not _percent(width):
        errs.add(place, f"{where}.width: expected a share of the table's width from "
                 f"{MIN_WIDTH}% to {MAX_WIDTH}%, such as `width: 15%`")
    else:
        return Column(label.strip(), ctype, _percent(width) if width is not None else None)
    return None


def _percent(value) -> int | None:
    m = WIDTH_RE.match(value) if isinstance(value, str) else None
    n = int(m.group(1)) if m else None
    return n if n is not None and MIN_WIDTH <= n <= MAX_WIDTH else None


def column_widths(field: Field) -> list[float]:
    """Each column's width, in percent of the table's width (they add up to 100)."""
    cols = field.table_columns or tuple(Column(c) for c in field.columns)
    labelled = bool(field.row_labels)
    need = [_content_mm(c, k == 0 and labelled, field) for k, c in enumerate(cols)]
    # the written columns share what is left; a table of tick boxes only gives it to them
    flexible = [k for k, c in enumerate(cols) if c.type == "text" and not (k == 0 and labelled)]
    flexible = flexible or [k for k, c in enumerate(cols) if c.type != "text"] or [0]
    mm = [c.width * TABLE_MM / 100 if c.width else need[k] for k, c in enumerate(cols)]
    fixed = sum(m for k, m in enumerate(mm) if k not in flexible or cols[k].width)
    free = [k for k in flexible if not cols[k].width]
    share = max(TABLE_MM - fixed, 0) / len(free) if free else 0
    for k in free:
        mm[k] = max(share, need[k])
    total = sum(mm)
    return [round(100 * m / total, 2) for m in mm]


def _content_mm(col: Column, is_label: bool, field: Field) -> float:
    """What a column needs: its longest word of heading, row label or (for a tick box) its
    heading on at most two lines."""
    words = col.label.split() or [""]
    chars = max(map(len, words))
    if is_label:
        chars = max([chars] + [len(r) for r in field.row_labels])
        return max(chars * CHAR_MM + PAD_MM, MIN_LABEL_MM)
    if col.type == "checkbox":
        chars = max(chars, math.ceil(len(col.label) / 2))
        return max(chars * CHAR_MM + PAD_MM, MIN_TICK_MM)
    return chars * CHAR_MM + PAD_MM
