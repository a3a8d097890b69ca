"""PDF bytes: a pikepdf document saved reproducibly."""

from __future__ import annotations

import io


def pdf_bytes(pdf) -> bytes:
    """A pikepdf document, saved reproducibly: an /ID from its content, objects packed."""
    import pikepdf

    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()
