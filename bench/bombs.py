"""The pathological inputs of issue 22, item 16, each written into a small project cheaply
(in a few MB of memory and well under a second), for bench/run.py's section 8 and
tests/test_input_bounds.py. Each returns the text careprint's refusal must contain."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

CHAPTER = "content/chapters/01-start.md"
WORKSHEET = "content/worksheets/check-in.yaml"
SHEET_HEAD = "id: check-in\ntitle: A short check-in\npurpose: One question.\n"


def _append(project: Path, text: str) -> None:
    chapter = project / CHAPTER
    chapter.write_text(chapter.read_text("utf-8") + "\n" + text, "utf-8")


def yaml_aliases(project: Path) -> str:
    """90 KB of YAML that, expanded, is 20,000 labels of 10 KB: one anchored 10 KB
    string, and a checklist of 20,000 aliases of it."""
    text = (SHEET_HEAD + "fields:\n  - type: checklist\n    label: A\n    options: [&a \""
            + "calm " * 2000 + '"' + ", *a" * 20_000 + "]\n")
    (project / WORKSHEET).write_text(text, "utf-8")
    return "YAML anchors and aliases"


def checklist_options(project: Path, n: int = 100_000) -> str:
    options = "".join(f"      - Option {i}\n" for i in range(n))
    (project / WORKSHEET).write_text(SHEET_HEAD + "fields:\n  - type: checklist\n"
                                     "    label: A list\n    options:\n" + options, "utf-8")
    return "options; the limit is"


def worksheet_columns(project: Path, n: int = 1000) -> str:
    columns = ", ".join(f"C{i}" for i in range(n))
    (project / WORKSHEET).write_text(SHEET_HEAD + "fields:\n  - type: table\n    label: T\n"
                                     f"    columns: [{columns}]\n", "utf-8")
    return "columns; the limit is"


def markdown_columns(project: Path, n: int = 1000) -> str:
    _append(project, "| " + " | ".join(f"c{i}" for i in range(n)) + " |\n"
            + "|" + " --- |" * n + "\n" + "|" + " x |" * n + "\n")
    return f"a table of {n} columns"


def big_config(project: Path, mib: int = 50) -> str:
    """careprint.toml grown to `mib` MiB by a comment, written a MiB at a time."""
    with open(project / "careprint.toml", "a", encoding="utf-8") as fh:
        for _ in range(mib):
            fh.write("# " + "padding " * (1024 * 128 - 1) + "\n")
    return "the limit for careprint.toml is"


def png_header_only(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of width x height pixels, all zero: its rows compress to
    almost nothing, written row by row through zlib (a few KB of memory)."""
    row = b"\0" + b"\0" * ((width + 7) // 8)
    comp = zlib.compressobj(9)
    data = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data)
            + chunk(b"IEND", b""))


def big_png(project: Path, side: int = 13_000) -> str:
    (project / "content/chapters/images").mkdir(exist_ok=True)
    (project / "content/chapters/images/huge.png").write_bytes(png_header_only(side, side))
    _append(project, "![A picture](images/huge.png)\n")
    return "(169 megapixels); the limit is 40 megapixels"


def svg_use_bomb(levels: int = 10, fan: int = 10) -> str:
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><defs>',
             '<g id="l0"><rect width="1" height="1"/></g>']
    for k in range(1, levels):
        parts.append(f'<g id="l{k}">' + f'<use href="#l{k - 1}"/>' * fan + "</g>")
    parts.append(f'</defs><use href="#l{levels - 1}"/></svg>')
    return "\n".join(parts)


def svg_bomb(project: Path) -> str:
    (project / "content/chapters/images").mkdir(exist_ok=True)
    (project / "content/chapters/images/bomb.svg").write_text(svg_use_bomb(), "utf-8")
    _append(project, '![A picture](images/bomb.svg)\n')
    return "elements once each <use>"


def long_word(project: Path, size: int = 1_900_000) -> str:
    _append(project, "See " + "a" * size + " here.\n")
    return f"a word of {size} characters"


def footnotes(project: Path, n: int = 10_000) -> str:
    _append(project, "".join(f"Note{i}.[^n{i}]\n" for i in range(n)) + "\n"
            + "".join(f"[^n{i}]: A note.\n" for i in range(n)))
    return "footnotes in one chapter"


def chapters(project: Path, n: int = 2000) -> str:
    text = (project / CHAPTER).read_text("utf-8")
    for i in range(2, n + 1):
        (project / f"content/chapters/{i:04d}-more-{i}.md").write_text(text, "utf-8")
    return "chapters; the limit is"


BOMBS = {
    "YAML aliases (90 KB -> 20,000 x 10 KB)": yaml_aliases,
    "100,000 checklist options": checklist_options,
    "a worksheet table of 1,000 columns": worksheet_columns,
    "a Markdown table of 1,000 columns": markdown_columns,
    "a 50 MiB careprint.toml": big_config,
    "a PNG of 13,000 x 13,000 pixels": big_png,
    "an SVG <use> bomb (10^9 elements)": svg_bomb,
    "a 1.9 MB word": long_word,
    "10,000 footnotes": footnotes,
    "2,000 chapters": chapters,
}
