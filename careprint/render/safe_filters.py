"""Jinja's built-in filters that take a size, each refusing first what would be too big.

`{{ "x"|center(10**9) }}`, `{{ [1]|batch(10**9, 0)|list }}` and their like would make a
text or a list of any size from a small input. Each filter here checks what it would make
against the limits of render/limits.py, then runs Jinja's own filter unchanged.
"""

from __future__ import annotations

import json

from jinja2.utils import _PassArg

from .limits import check_percent, check_replace, refuse_chars, refuse_items


def _int(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _center(value, width=80, *_):
    refuse_chars(len(_text(value)) + _int(width))


def _indent(s, width=4, *_, **__):
    w = len(width) if isinstance(width, str) else _int(width)
    s = _text(s)
    refuse_chars(len(s) + (s.count("\n") + 1) * w)


def _format(value, *args, **kwargs):
    if isinstance(value, str):
        check_percent(value, kwargs or args)


def _replace(s, old="", new="", count=None, *_):
    check_replace(_text(s), old, new, count)


def _wordwrap(s, width=79, break_long_words=True, wrapstring=None, *_, **__):
    s = _text(s)
    lines = len(s) // max(_int(width), 1) + s.count("\n") + 1
    refuse_chars(len(s) + lines * max(len(_text(wrapstring)), 1))


def _batch(value, count=1, *_, **__):
    refuse_items(_int(count))


def _tojson(value, indent=None, *_):
    width = len(indent) if isinstance(indent, str) else _int(indent)
    if width:
        refuse_chars(len(json.dumps(value, default=str)) * (width + 1))


def _urlize(value, trim_url_limit=None, nofollow=False, target=None, rel=None, *_, **__):
    s = _text(value)
    refuse_chars(len(s) + (len(s) // 4 + 1) * (len(_text(target)) + len(_text(rel))))


CHECKS = {"center": _center, "indent": _indent, "format": _format, "replace": _replace,
          "wordwrap": _wordwrap, "batch": _batch, "slice": _batch, "tojson": _tojson,
          "urlize": _urlize}


def guarded_filters(filters: dict) -> dict:
    """Jinja's filters of `filters` that CHECKS knows, each checking first; `join` and
    `sum` read their input once, to measure it, then hand that on."""
    out = {name: _guard(filters[name], check) for name, check in CHECKS.items()}
    out["join"] = _materialised(filters["join"], _join)
    out["sum"] = _materialised(filters["sum"], _sum)
    return out


def _guard(original, check):
    passed = _PassArg.from_obj(original)

    def guarded(*args, **kwargs):
        check(*args[1 if passed else 0:], **kwargs)
        return original(*args, **kwargs)

    if passed:
        guarded.jinja_pass_arg = passed  # type: ignore[attr-defined]
    return guarded


def _materialised(original, check):
    """`original`, given its input as a list, once `check` has measured that list."""
    passed = _PassArg.from_obj(original)

    def guarded(*args, **kwargs):
        skip = 1 if passed else 0
        items = list(args[skip]) if skip < len(args) else []
        check(items, *args[skip + 1:], **kwargs)
        return original(*args[:skip], items, *args[skip + 1:], **kwargs)

    if passed:
        guarded.jinja_pass_arg = passed  # type: ignore[attr-defined]
    return guarded


def _join(items, d="", attribute=None):
    refuse_items(len(items))
    if attribute is None:
        refuse_chars(sum(len(x) for x in items if isinstance(x, str)) +
                     len(_text(d)) * len(items))


def _sum(items, attribute=None, start=0):
    if attribute is None and isinstance(start, (list, tuple, str)):
        refuse_items(len(start) + sum(len(x) for x in items if isinstance(x, (list, tuple))))
