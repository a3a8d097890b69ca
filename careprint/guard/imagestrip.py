"""Images as careprint publishes them: without the metadata the editor's camera wrote.

A JPEG from a phone carries where it was taken (GPS EXIF), the camera, the artist and a
comment; a PNG carries tEXt, iTXt, zTXt, eXIf and XMP chunks; a GIF comment extensions;
a WebP EXIF and XMP chunks; an SVG comments and <metadata> (some holding
`file:///home/...`). None of it is the picture. stripped() drops it at the level of the
file's own segments, so the pixels are the very bytes the editor made (no re-encoding,
no loss of quality) and the colour profile (ICC) stays:

- JPEG: keeps JFIF (APP0), the ICC profile (APP2 ICC_PROFILE), Adobe (APP14) and the
  image segments; drops every other APPn (EXIF, XMP, Photoshop IPTC...) and COM;
- PNG: keeps only the chunks that say how to draw the pixels (an allow-list: IHDR, PLTE,
  IDAT, IEND, tRNS, gAMA, cHRM, sRGB, iCCP, cICP, sBIT, bKGD, pHYs and APNG's frames);
- GIF: drops comment extensions and application extensions other than the looping one;
- WebP: drops EXIF, XMP and unknown chunks;
- SVG: drops comments, <metadata> and Inkscape's editor state (file names, paths).

Same bytes in, same bytes out. A file whose structure cannot be followed is re-encoded
by Pillow without metadata instead (losslessly for PNG, GIF and WebP-lossless).
"""

from __future__ import annotations

import io
import re
import struct

_PNG_SIG = b"\x89PNG\r\n\x1a\n"
PNG_KEEP = frozenset({b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM",
                      b"sRGB", b"iCCP", b"cICP", b"sBIT", b"bKGD", b"pHYs", b"acTL",
                      b"fcTL", b"fdAT"})
WEBP_KEEP = frozenset({b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"})
_GIF_LOOP = (b"NETSCAPE2.0", b"ANIMEXTS1.0")


class _Malformed(Exception):
    pass


def stripped(data: bytes, media_type: str = "") -> bytes:
    """`data` without its metadata (see the module docstring); other bytes as they are."""
    return stripping(data, media_type)[0]


def stripping(data: bytes, media_type: str = "") -> tuple[bytes, list[str]]:
    """(`data` without metadata, the names of what was dropped)."""
    kind = media_type or kind_of(data)
    strip = _STRIPPERS.get(kind)
    if strip is None:
        return data, []
    try:
        return strip(data)
    except (_Malformed, struct.error, IndexError, ValueError):
        pass
    try:
        return _reencoded(data), ["metadata (the file was re-encoded without it)"]
    except Exception:  # Pillow cannot read it either: as it is (the output guard reads it)
        return data, ["a structure careprint cannot follow"]


def kind_of(data: bytes) -> str:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(_PNG_SIG):
        return "image/png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if b"<svg" in data[:4096].lower():
        return "image/svg+xml"
    return ""


# ---------------------------------------------------------------- JPEG

def _keep_app(marker: int, body: bytes) -> bool:
    if marker == 0xE0:
        return body.startswith(b"JFIF\0")
    if marker == 0xE2:
        return body.startswith(b"ICC_PROFILE\0")
    if marker == 0xEE:
        return body.startswith(b"Adobe")
    return False


def _jpeg(data: bytes) -> tuple[bytes, list[str]]:
    out, dropped, i = [data[:2]], [], 2
    if data[:2] != b"\xff\xd8":
        raise _Malformed
    while i < len(data):
        if data[i] != 0xFF:
            raise _Malformed
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xD9:  # EOI: what follows is not the picture
            out.append(data[i:i + 2])
            if i + 2 < len(data):
                dropped.append("bytes after the end of the image")
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out.append(data[i:i + 2])
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        end = i + 2 + length
        if length < 2 or end > len(data):
            raise _Malformed
        body = data[i + 4:end]
        if (0xE0 <= marker <= 0xEF and not _keep_app(marker, body)) or marker == 0xFE:
            dropped.append("comment" if marker == 0xFE else _app_name(marker, body))
        else:
            out.append(data[i:end])
        i = end
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next marker
            j = _scan_end(data, i)
            out.append(data[i:j])
            i = j
    else:
        raise _Malformed
    return b"".join(out), dropped


def _scan_end(data: bytes, i: int) -> int:
    while True:
        j = data.index(b"\xff", i)
        nxt = data[j + 1]
        if nxt == 0x00 or 0xD0 <= nxt <= 0xD7 or nxt == 0xFF:
            i = j + 1 if nxt == 0xFF else j + 2
            continue
        return j


def _app_name(marker: int, body: bytes) -> str:
    if body.startswith(b"Exif\0"):
        return "EXIF (camera, place and time)"
    if body.startswith(b"http://ns.adobe.com/xap"):
        return "XMP"
    name = body[:12].split(b"\0")[0].decode("latin-1")
    return f"APP{marker - 0xE0} {name!r}"


# ---------------------------------------------------------------- PNG

def _png(data: bytes) -> tuple[bytes, list[str]]:
    if not data.startswith(_PNG_SIG):
        raise _Malformed
    out, dropped, i = [_PNG_SIG], [], len(_PNG_SIG)
    while i < len(data):
        length = struct.unpack(">I", data[i:i + 4])[0]
        kind = data[i + 4:i + 8]
        end = i + 12 + length
        if end > len(data):
            raise _Malformed
        if kind in PNG_KEEP:
            out.append(data[i:end])
        else:
            dropped.append(f"{kind.decode('latin-1')} chunk")
        i = end
        if kind == b"IEND":
            break
    else:
        raise _Malformed
    return b"".join(out), dropped


# ---------------------------------------------------------------- GIF

def _sub_blocks(data: bytes, i: int) -> int:
    """The index after the sub-blocks that start at `i`."""
    while True:
        size = data[i]
        i += 1 + size
        if size == 0:
            return i


def _gif(data: bytes) -> tuple[bytes, list[str]]:
    flags = data[10]
    i = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    dropped: list[str]
    out, dropped = [data[:i]], []
    while True:
        block = data[i]
        if block == 0x3B:
            out.append(data[i:i + 1])
            return b"".join(out), dropped
        if block == 0x2C:
            local = data[i + 9]
            j = i + 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0)
            end = _sub_blocks(data, j + 1)
            out.append(data[i:end])
        elif block == 0x21:
            label, end = data[i + 1], _sub_blocks(data, i + 2)
            app = data[i + 3:i + 14] if label == 0xFF else b""
            if label == 0xFE or (label == 0xFF and app not in _GIF_LOOP):
                dropped.append("comment" if label == 0xFE else
                               f"application block {app.decode('latin-1')!r}")
            else:
                out.append(data[i:end])
        else:
            raise _Malformed
        i = end


# ---------------------------------------------------------------- WebP

def _webp(data: bytes) -> tuple[bytes, list[str]]:
    out, dropped, i = [], [], 12
    size = struct.unpack("<I", data[4:8])[0] + 8
    while i < min(size, len(data)):
        kind = data[i:i + 4]
        length = struct.unpack("<I", data[i + 4:i + 8])[0]
        end = i + 8 + length + (length & 1)
        if end > len(data) + 1:
            raise _Malformed
        chunk = data[i:end]
        if kind not in WEBP_KEEP:
            dropped.append(f"{kind.decode('latin-1').strip()} chunk")
        else:
            if kind == b"VP8X":  # its flags no longer announce EXIF (0x08) or XMP (0x04)
                chunk = chunk[:8] + bytes([chunk[8] & ~0x0C]) + chunk[9:]
            out.append(chunk)
        i = end
    body = b"".join(out)
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body, dropped


# ---------------------------------------------------------------- SVG

# CDATA is kept as it is (a comment's opening inside a <style> is no comment); editor state
# is Inkscape's and Sodipodi's elements and attributes (document names, export paths)
_SVG_RE = re.compile(
    rb"(<!\[CDATA\[.*?\]\]>)|<!--.*?-->|<(?:[\w.-]+:)?metadata\b[^>]*?/>"
    rb"|<((?:[\w.-]+:)?metadata)\b.*?</\2\s*>|<(sodipodi|inkscape):[\w.-]+\b[^>]*?/>"
    rb"|<((sodipodi|inkscape):[\w.-]+)\b.*?</\4\s*>"
    rb"|\s(?:sodipodi|inkscape):[\w.-]+\s*=\s*(?:\"[^\"]*\"|'[^']*')", re.S)


def _svg(data: bytes) -> tuple[bytes, list[str]]:
    dropped: list[str] = []

    def sub(m: re.Match) -> bytes:
        if m.group(1):
            return m.group(1)
        text = m.group(0).lstrip()
        dropped.append("comment" if text.startswith(b"<!--") else
                       "metadata" if b"metadata" in text.split(b">", 1)[0] else
                       "editor state (Inkscape)")
        return b""
    return _SVG_RE.sub(sub, data), dropped


_STRIPPERS = {"image/jpeg": _jpeg, "image/png": _png, "image/gif": _gif,
              "image/webp": _webp, "image/svg+xml": _svg}


def _reencoded(data: bytes) -> bytes:
    """A file the strippers cannot follow, re-encoded by Pillow with only its pixels and
    its colour profile."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        fmt = im.format or "PNG"
        icc = im.info.get("icc_profile")
        frames = getattr(im, "n_frames", 1)
        buf = io.BytesIO()
        options = {"icc_profile": icc} if icc else {}
        if fmt == "JPEG":
            options.update(quality=95, subsampling="keep")
        if fmt == "WEBP":
            options.update(lossless=True)
        im.save(buf, fmt, save_all=frames > 1, **options)
    return buf.getvalue()
