"""The EPUB's cover image: a PNG drawn with Pillow from the title, subtitle, edition and
the theme's colours and heading typeface. No network and no stock art.

PNG rather than SVG: every reading system and library view shows a PNG cover, and the
text is drawn with the theme's typeface (careprint ships the bundled theme's), not left to
a reading system that may not have it. The same inputs and Pillow give the same bytes.
"""

from __future__ import annotations

import io
import re

from ..source.typefaces import font_file
from .theme import font_families, rgb

WIDTH, HEIGHT = 1600, 2400
MARGIN = 150


def _font(families: list[str], bold: bool, size: int):
    """The first of the theme's families careprint ships (careprint/source/typefaces.py) or finds
    on this machine, else DejaVu or Pillow's own."""
    from PIL import ImageFont

    names = []
    for family in [*families, "DejaVu Sans"]:
        shipped = font_file(family, bold=bold)
        if shipped is not None:
            names.append(str(shipped))
            continue
        stem = re.sub(r"[^A-Za-z0-9]", "", family)
        if not stem:
            continue
        names += [f"{stem}-Bold.ttf"] if bold else [f"{stem}-Regular.ttf", f"{stem}.ttf"]
    for name in names:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def _block(draw, text, font, y, fill, leading=1.2) -> int:
    """Draw `text` wrapped to the text width from `y`; return the y below it."""
    size = font.size
    for line in _wrap(draw, text, font, WIDTH - 2 * MARGIN):
        draw.text((MARGIN, y), line, font=font, fill=fill)
        y += round(size * leading)
    return y


def cover_png(title: str, subtitle: str, edition: str, publisher: str,
              theme: dict[str, str]) -> bytes:
    """A 1600 x 2400 cover: title and subtitle on the accent colour, the edition below."""
    from PIL import Image, ImageDraw

    accent, soft, ink = rgb(theme["accent"]), rgb(theme["accent-soft"]), rgb(theme["ink"])
    families = font_families(theme.get("heading-font", ""))
    image = Image.new("RGB", (WIDTH, HEIGHT), accent)
    draw = ImageDraw.Draw(image)
    band = round(HEIGHT * 0.7)
    draw.rectangle((0, band, WIDTH, HEIGHT), fill=soft)
    y = _block(draw, title, _font(families, True, 200), 420, (255, 255, 255), 1.1)
    y += 40
    draw.rectangle((MARGIN, y, MARGIN + 240, y + 12), fill=soft)
    if subtitle:
        _block(draw, subtitle, _font(families, False, 84), y + 90, soft, 1.3)
    _block(draw, edition, _font(families, True, 100), band + 130, accent, 1.2)
    _block(draw, publisher, _font(families, False, 56), HEIGHT - MARGIN - 70, ink)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
