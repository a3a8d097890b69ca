"""Images in HTML fragments: decorative images drawn as backgrounds in PDFs, and sizes."""

from __future__ import annotations

import re
from html import unescape as html_unescape

_DECORATIVE_RE = re.compile(
    r'<img\b(?=[^>]*\bclass="[^"]*\bdecorative\b)[^>]*?\bsrc="([^"]*)"[^>]*/?>')


def decorative_as_background(fragment: str, images) -> str:
    """For PDFs: draw images marked decorative (`{: .decorative}`) as CSS backgrounds.

    WeasyPrint tags every <img> as a Figure, which PDF/UA requires to have alternate text;
    a background is an artifact, which is what a decorative image is to a screen reader.
    """
    by_src = {i.src: i for i in images}

    def sub(m):
        image = by_src.get(html_unescape(m.group(1)))
        if image is None:
            return m.group(0)
        w, h = image_size(image.path)
        if w > 600:
            w, h = 600, round(h * 600 / w)
        return (f'<span class="decorative-image" aria-hidden="true" style="display: '
                f'inline-block; width: {w}px; height: {h}px; max-width: 100%; background: '
                f'url(&quot;{m.group(1)}&quot;) no-repeat; background-size: contain"></span>')
    return _DECORATIVE_RE.sub(sub, fragment)


def image_size(path) -> tuple[int, int]:
    """(width, height) in CSS px of a raster image; SVGs count as 300 x 150."""
    if path.suffix.lower() == ".svg":
        return 300, 150
    from PIL import Image as PILImage

    with PILImage.open(path) as im:
        return im.size
