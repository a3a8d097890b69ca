"""Stable digests of plain data, and of what a chapter or worksheet puts in an output:
the pieces of a target's key (careprint/pipeline/keys.py)."""

from __future__ import annotations

import hashlib


def digest(*parts) -> str:
    """A stable hash of plain data (dataclasses, tuples, strings, dates)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(repr(part).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def chapter_fingerprint(view) -> tuple:
    """What a chapter contributes to an output, after the edition filter."""
    c = view.chapter
    images = image_fingerprint(view.images)
    return (view.number, c.name, c.title, c.summary, c.key_points, c.content_note, view.html,
            view.glossary, images)


def image_fingerprint(images) -> tuple:
    """Each image's address and the SHA-256 of its file."""
    return tuple((i.src, hashlib.sha256(i.path.read_bytes()).hexdigest()) for i in images)


def worksheet_fingerprint(view) -> tuple:
    w = view.worksheet
    return (view.number, w.id, w.title, w.purpose, w.fields, view.instructions_html,
            view.closing_html)
