"""Images that content refers to: found, checked and sandboxed before anything renders.

An image must be a real PNG, JPEG, GIF or WebP file (or an SVG) inside the project's
content/ folder, no larger than MAX_IMAGE_BYTES. Anything else (a URL, a path outside
content/, `..`, a symbolic link that leads out of the project, a missing, corrupt or
oversized file) is an error naming the chapter's file:line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from ..errors import Location, Problem, at
from .translations import source_of

MAX_IMAGE_BYTES = 10 * 1024 * 1024
# Pixels decoded from one image. A full-bleed A4 page at 300 dpi is 8.7 megapixels, A3
# 17.4, a phone camera's photo 12 to 24: 40 covers them all, and decodes to at most
# 160 MB (4 bytes a pixel). A 493 KB PNG of 13,000 x 13,000 pixels took 1.4 GB a worker.
MAX_IMAGE_PIXELS = 40_000_000
IMG_SRC_RE = re.compile(r'<img\b[^>]*?\bsrc="([^"]*)"')
MEDIA_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg",
               b"GIF87a": "image/gif", b"GIF89a": "image/gif"}


@dataclass(frozen=True)
class Image:
    src: str  # as written in the chapter
    path: Path  # the resolved file
    media_type: str
    # the chapter's file:line that shows it: not part of a target's key (an output's repr)
    where: Location | str = field(default="", repr=False, compare=False)


def _media_type(head: bytes) -> str | None:
    for magic, media in MEDIA_TYPES.items():
        if head.startswith(magic):
            return media
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    text = head.lstrip()[:200].lower()
    if text.startswith((b"<svg", b"<?xml")) and b"<svg" in head.lower():
        return "image/svg+xml"
    return None


def _line_of(src: str, lines) -> int:
    for n, text in lines:
        if src in text:
            return n
    return lines[0][0] if lines else 0


_IMG_TAG_RE = re.compile(r"<img\b[^>]*>")
_ALT_RE = re.compile(r"\salt\s*=")  # not data-alt=


def without_alt(html: str) -> list[str]:
    """The src of each image in `html` that has no alt attribute at all (alt="" is a
    picture marked as decoration: it has one)."""
    out = []
    for tag in _IMG_TAG_RE.findall(html):
        m = IMG_SRC_RE.match(tag)
        if m and not _ALT_RE.search(tag):
            out.append(m.group(1))
    return list(dict.fromkeys(out))


def alt_warnings(views) -> list[str]:
    """A warning for each picture of a chapter that has no alt text, once, at the chapter's
    line that shows it (WeasyPrint would say so once per PDF, naming the PDF)."""
    found: dict[tuple[str, str], str] = {}
    for eg in views:
        for v in eg.chapters:
            c = v.chapter
            lines = list(enumerate(c.body.split("\n"), c.body_line))
            for src in without_alt(v.html + v.handout_html):
                where = at(c.path, _line_of(src, lines))
                found.setdefault((str(where), src), f"{where}: image {src!r} has no alt "
                                 "text: describe what it shows (alt=\"...\"), or write "
                                 "alt=\"\" if it is only decoration")
    return list(found.values())


def find_images(html: str, lines, source_path: str, root: Path) -> tuple[list[Image],
                                                                          list[Problem]]:
    """The images `html` (made from `lines` of `source_path`) shows, checked."""
    images, problems = [], []
    content = (root / "content").resolve()
    base = (root / source_of(source_path)).parent  # a translation's: its source's
    for src in dict.fromkeys(IMG_SRC_RE.findall(html)):
        where = at(source_path, _line_of(src, lines))
        parts = urlsplit(src)
        if parts.scheme or parts.netloc:
            problems.append(Problem(where, f"image {src[:60]!r}: only image files inside "
                                    "content/ can be used, not URLs"))
            continue
        rel = PurePosixPath(unquote(parts.path))
        if ".." in rel.parts or rel.is_absolute():
            problems.append(Problem(where, f"image {src!r}: use a path inside content/, "
                                    "without `..` or a leading `/`"))
            continue
        path = (base / rel)
        real = path.resolve()
        if not real.is_relative_to(content):
            problems.append(Problem(where, f"image {src!r} leads outside content/ "
                                    "(a symbolic link?); copy the image into content/"))
            continue
        media, bad = image_file_problems(real, root, src, where)
        if bad or media is None:  # no media type without a problem
            problems.extend(bad)
            continue
        images.append(Image(src, real, media, where))
    return images, problems


def image_file_problems(real: Path, root: Path, src: str, where
                        ) -> tuple[str | None, list[Problem]]:
    """(media type, problems) of one image file inside the project: it exists, is not too
    large, is a PNG, JPEG, GIF, WebP or safe SVG, and can be read (a chapter's image, an
    imprint's logo)."""
    if not real.is_file():
        return None, [Problem(where, f"image {src!r} not found")]
    size = real.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return None, [Problem(where, f"image {src!r} is {size // (1024 * 1024)} MiB; the "
                              f"limit is {MAX_IMAGE_BYTES // (1024 * 1024)} MiB: make it "
                              "smaller")]
    with real.open("rb") as fh:
        head = fh.read(512)
    media = _media_type(head)
    if media is None:
        return None, [Problem(where, f"image {src!r} is not a PNG, JPEG, GIF, WebP or SVG "
                              "file")]
    if media != "image/svg+xml":
        why = _raster_problem(real, src)
        if why:
            return None, [Problem(where, why)]
    if media == "image/svg+xml":
        bad = _svg(real, root, src, where)
        if bad:
            return None, bad
    return media, []


def _svg(path: Path, root: Path, src: str, where: str) -> list[Problem]:
    """The SVG's problems (careprint.guard.svgguard), each naming the chapter's line and the
    line in the SVG file. Whether it can be drawn is asked later: undrawable()."""
    from ..guard.svgguard import svg_problems

    name = _name(path, root)
    return [Problem(where, f"image {src!r}: {name}:{line}: {why}")
            for line, why in svg_problems(path)]


def _name(path: Path, root: Path) -> str:
    try:
        return path.relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return path.name


def undrawable(pictures, root: Path) -> list[Problem]:
    """Each checked SVG among `pictures`, (where, src, path) triples, that WeasyPrint
    cannot draw (careprint.guard.svgguard.draw_problem), named at `where` (the chapter's line,
    the clinic's file's). A build asks before it renders anything (outputs.plan_build),
    and `careprint check` asks; loading never does: drawing starts WeasyPrint, which is
    most of the time of `careprint list`. Each picture is drawn once a process."""
    from ..guard.svgguard import draw_problem

    found: dict[tuple[str, str], Problem] = {}
    for where, src, path in pictures:
        real = (Path(root) / path).resolve()
        if _media_type(real.read_bytes()[:512]) != "image/svg+xml":
            continue
        why = draw_problem(real)
        if why:
            message = f"image {src!r}: {_name(real, root)}: {why}"
            found.setdefault((str(where), message), Problem(where, message))
    return list(found.values())


def view_pictures(views) -> list[tuple]:
    """(where, src, path) of every image the edition views show, handouts' included, and
    of the logo of the clinic they are stamped for."""
    out = [(i.where, i.src, i.path) for eg in views for v in eg.chapters
           for i in (*v.images, *v.handout_images)]
    imprint = views[0].guide.imprint if views else None
    return out + ([imprint.logo_picture()] if imprint and imprint.logo else [])


def pixel_problem(path: Path) -> str | None:
    """'W x H pixels (M megapixels); the limit is...' when the PNG, JPEG, GIF or WebP file
    `path` has more pixels than MAX_IMAGE_PIXELS, read from its header; else None. Pillow's
    own decompression-bomb warning (or error) is never raised: this says it instead. Raises
    when the header cannot be read."""
    from PIL import Image as PILImage  # Pillow comes with WeasyPrint

    limit, PILImage.MAX_IMAGE_PIXELS = PILImage.MAX_IMAGE_PIXELS, None
    try:
        with PILImage.open(path) as im:  # reads the header only
            width, height = im.size
    finally:
        PILImage.MAX_IMAGE_PIXELS = limit
    if width * height <= MAX_IMAGE_PIXELS:
        return None
    return (f"{width} x {height} pixels ({-(-width * height // 1_000_000)} megapixels); the "
            f"limit is {MAX_IMAGE_PIXELS // 1_000_000} megapixels: scale it down (a full "
            "page printed at 300 dpi needs about 9)")


def _raster_problem(path: Path, src: str) -> str | None:
    """Why the PNG, JPEG, GIF or WebP file `path` cannot be used: more pixels than
    MAX_IMAGE_PIXELS (read from its header, before anything is decoded), or damaged."""
    from PIL import Image as PILImage  # Pillow comes with WeasyPrint

    damaged = f"image {src!r} is damaged and cannot be read"
    try:
        too_many = pixel_problem(path)
    except Exception:  # any failure to read the header means a damaged file
        return damaged
    if too_many:
        return f"image {src!r} is {too_many}"
    try:
        with PILImage.open(path) as im:
            im.verify()
        with PILImage.open(path) as im:
            im.load()
    except Exception:  # any decoding failure means a damaged file
        return damaged
    return None
