"""Translations beside their sources, and whether each is still in step with its source.

content/translations/<code>/ mirrors content/: `chapters/NN-slug.md`, `worksheets/<id>.yaml`,
`glossary.yaml`, `resources/<name>.yaml`, each translating the file of the same path under
content/. Each records the version of its source it translates, as its first key:

    source_digest: 11d46546b4e471a8   # the first 16 hex digits of the source's SHA-256

and `careprint translations mark` keeps a copy of that version of the source beside it,
in content/translations/<code>/.sources/ (the same path again), so that when the source
changes, `careprint check` names the lines that changed since (state(), changed_lines()).
mark() is the one writer into content/, and writes only those two things.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..atomic import write_atomic
from ..errors import CareprintError

TRANSLATIONS = "content/translations"
SNAPSHOTS = ".sources"
DIGEST_KEY = "source_digest"
DIGEST_RE = re.compile(r"^source_digest:[ \t]*[\"']?([0-9A-Za-z]*)[\"']?[ \t]*(#.*)?$", re.M)

UP_TO_DATE, CHANGED, MISSING, NO_SOURCE, NOT_MARKED = (
    "up to date", "source changed", "missing", "no source", "not marked")


def digest(data: bytes) -> str:
    """What a translation records of its source: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(data).hexdigest()[:16]


def translation_of(source: str, code: str) -> str:
    """content/chapters/02-x.md -> content/translations/<code>/chapters/02-x.md."""
    return f"{TRANSLATIONS}/{code}/{PurePosixPath(source).relative_to('content')}"


def snapshot_of(source: str, code: str) -> str:
    """Where mark() keeps the version of `source` a translation translates."""
    return f"{TRANSLATIONS}/{code}/{SNAPSHOTS}/{PurePosixPath(source).relative_to('content')}"


def source_of(rel: str) -> str:
    """The source a translation translates (content/translations/es/chapters/02-x.md ->
    content/chapters/02-x.md); any other path is its own source."""
    parts = PurePosixPath(rel).parts
    if len(parts) > 3 and parts[:2] == ("content", "translations") and parts[3] != SNAPSHOTS:
        return PurePosixPath("content", *parts[3:]).as_posix()
    return rel


def _head(text: str) -> int:
    """Where a chapter's front matter ends (the digest is one of its keys), or the end of a
    YAML file's text, whose top-level keys start at the line's start."""
    if text.startswith("---"):
        end = text.find("\n---", 3)
        return end if end > 0 else len(text)
    return len(text)


def recorded(text: str) -> tuple[str, int]:
    """The source_digest a translation's text records, and its line (("", 0) if none)."""
    m = DIGEST_RE.search(text, 0, _head(text))
    if not m:
        return "", 0
    return m.group(1), text.count("\n", 0, m.start()) + 1


@dataclass(frozen=True)
class State:
    """Where one translation stands with its source."""

    code: str
    source: str  # content/... (a path in the project)
    translation: str  # content/translations/<code>/...
    state: str  # UP_TO_DATE, CHANGED, MISSING, NO_SOURCE, NOT_MARKED
    line: int = 0  # the source_digest's line in the translation
    changed: tuple[tuple[int, int], ...] | None = None  # source lines changed; None: unknown

    def as_json(self) -> dict:
        return {"language": self.code, "source": self.source,
                "translation": self.translation, "state": self.state,
                "changed_lines": None if self.changed is None else
                [list(r) for r in self.changed]}


def state(root: Path, source: str, code: str) -> State:
    """The state of the translation of `source` into `code`, read from the files."""
    trans = translation_of(source, code)
    src_path, tr_path = root / source, root / trans
    if not tr_path.is_file():
        return State(code, source, trans, MISSING)
    if not src_path.is_file():
        return State(code, source, trans, NO_SOURCE)
    text = tr_path.read_text("utf-8", errors="replace")
    value, line = recorded(text)
    if not value:
        return State(code, source, trans, NOT_MARKED)
    current = src_path.read_bytes()
    if value == digest(current):
        return State(code, source, trans, UP_TO_DATE, line)
    return State(code, source, trans, CHANGED, line,
                 changed_lines(root / snapshot_of(source, code), value, current))


def changed_lines(snapshot: Path, value: str, current: bytes
                  ) -> tuple[tuple[int, int], ...] | None:
    """The ranges of lines of the source (first, last) that differ from the version the
    snapshot keeps; None when there is no snapshot of that version."""
    try:
        old = snapshot.read_bytes()
    except OSError:
        return None
    if digest(old) != value:
        return None
    a = old.decode("utf-8", "replace").splitlines()
    b = current.decode("utf-8", "replace").splitlines()
    out = []
    for tag, _i1, _i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False
                                                         ).get_opcodes():
        if tag == "equal":
            continue
        if j2 > j1:
            out.append((j1 + 1, j2))
        else:  # lines removed: name the line where they were
            at = min(j1 + 1, max(len(b), 1))
            out.append((at, at))
    return tuple(out)


def lines_text(ranges) -> str:
    """((14, 16), (40, 40)) -> "lines 14-16 and 40"."""
    words = [f"{a}" if a == b else f"{a}-{b}" for a, b in ranges]
    head = "line" if len(words) == 1 and "-" not in words[0] else "lines"
    return f"{head} {', '.join(words[:-1])} and {words[-1]}" if len(words) > 1 \
        else f"{head} {words[0]}"


def message(s: State) -> str:
    """What `careprint check` says of a translation that is not up to date."""
    mark = f"careprint translations mark {s.translation}"
    if s.state == CHANGED:
        if s.changed is None:
            what = ("it changed since, and careprint cannot name the lines: no copy of the "
                    f"source as it was is kept in {snapshot_of(s.source, s.code)}")
        elif s.changed:
            what = f"{lines_text(s.changed)} changed since"
        else:
            what = "its line endings or its last line's end changed since"
        return (f"translates an older {s.source}: {what}; update the translation, then "
                f"run {mark}")
    if s.state == NOT_MARKED:
        return (f"records no source_digest, so careprint cannot tell whether it is in step "
                f"with {s.source}: once it translates that file as it is, run {mark}")
    if s.state == NO_SOURCE:
        return (f"translates {s.source}, which does not exist: rename it as its source "
                "was renamed, or remove it")
    return (f"{s.source} has no translation: translate it into {s.translation}, then "
            f"run {mark}")


def existing(root: Path, code: str) -> list[str]:
    """The sources of every translation file into `code` (its snapshots aside)."""
    folder = root / TRANSLATIONS / code
    if not folder.is_dir():
        return []
    return sorted(source_of(p.relative_to(root).as_posix()) for p in folder.rglob("*")
                  if p.is_file() and SNAPSHOTS not in p.relative_to(folder).parts
                  and p.suffix in (".md", ".yaml", ".yml"))


def mark(root: Path, path: str) -> list[str]:
    """Record that the translation at `path` translates its source as it is now: its
    source_digest, and a copy of the source in .sources/. Returns the files written."""
    root = Path(root).resolve()
    given = Path(path).resolve()  # as the shell names it, or else in the project
    target = given if given.is_relative_to(root) else (root / path).resolve()
    try:
        rel = target.relative_to(root).as_posix()
    except ValueError:
        rel = ""
    parts = PurePosixPath(rel).parts
    if len(parts) < 4 or parts[:2] != ("content", "translations") or parts[3] == SNAPSHOTS:
        raise CareprintError(f"{path}: not a translation; name a file in "
                             f"{TRANSLATIONS}/<code>/, such as "
                             f"{TRANSLATIONS}/es/chapters/01-welcome.md")
    source = source_of(rel)
    if not target.is_file():
        raise CareprintError(f"{rel}: no such file")
    if not (root / source).is_file():
        raise CareprintError(f"{rel}: its source {source} does not exist, so there is "
                             "nothing to mark it against")
    data = (root / source).read_bytes()
    text = target.read_text("utf-8")
    write_atomic(target, with_digest(text, digest(data), rel).encode("utf-8"))
    write_atomic(root / snapshot_of(source, parts[2]), data)
    return [rel, snapshot_of(source, parts[2])]


def with_digest(text: str, value: str, rel: str) -> str:
    """`text` with its source_digest set to `value`: in place, or as the first key."""
    head = _head(text)
    if DIGEST_RE.search(text, 0, head):
        return DIGEST_RE.sub(f"{DIGEST_KEY}: {value}", text[:head], count=1) + text[head:]
    line = f"{DIGEST_KEY}: {value}\n"
    if rel.endswith(".md"):
        if not text.startswith("---"):
            return f"---\n{line}---\n{text}"
        first = text.index("\n") + 1
        return text[:first] + line + text[first:]
    lines = text.splitlines(keepends=True)
    head = 0  # after the comments at the top, which say what the file is
    while head < len(lines) and lines[head].lstrip().startswith("#"):
        head += 1
    rest = "".join(lines[head:])
    if rest.lstrip().startswith("- "):
        raise CareprintError(f"{rel}: a translation of a list is a mapping, `source_digest:` "
                             "then `entries:` holding the list (docs/content-format.md)")
    return "".join(lines[:head]) + line + rest


def needed(guide, lang) -> list[str]:
    """The sources the editions of `lang` (a languages.Language) print: each needs a
    translation."""
    from . import regions
    from .region_view import declared

    out = [c.path for c in guide.chapters if any(c.in_edition(e) for e in lang.editions)]
    out += [w.path for w in guide.worksheets if any(w.in_edition(e) for e in lang.editions)]
    out += [g.path for g in guide.glossary[:1]]
    codes = lang.regions or declared(guide)
    out += [r.path for r in guide.resources
            if any(regions.covers(r.regions, c) for c in codes)]
    # in a guide in a language (language_view.py), its files are the translations
    return list(dict.fromkeys(source_of(p) for p in out))


def states(guide, codes=None) -> list[State]:
    """The state of every translation of `guide` (the source language's) into each of
    `codes` (default: every [languages.<code>]): those its editions need, and every file
    in content/translations/<code>/."""
    root = Path(guide.config.root)
    codes = codes or ((guide.language,) if guide.language else ())
    out = []
    for code, lang in guide.config.languages.items():
        if codes and code not in codes:
            continue
        sources = needed(guide, lang)
        sources += [s for s in existing(root, code) if s not in sources]
        out += [state(root, s, code) for s in sources]
    return out
