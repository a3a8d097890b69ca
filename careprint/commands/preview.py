"""What `careprint serve` shows, kept current while the project is edited (serve.py serves
it): the web edition, and the print outputs of the chapter being edited.

Everything is made by careprint's own build (build.py), in this process, into a private
temporary folder, so the keys of the incremental build (keys.py) decide what is rendered
again:

- the web edition (format html), at the start and after every save;
- the handout and the whole chapter printed alone (formats handouts and chapters, on the
  project's first paper) of the chapter being edited: `build --only NAME`. The chapter being
  edited is the chapter file saved last. Its PDFs are built before the web pages, so they
  are the first thing a save changes;
- any other printable the browser asks for (another chapter's print preview, the PDF a
  worksheet page links to), when it is first asked for, and after every save from then on.

While the project has an error, the error is what every page shows, until a save fixes it.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from ..errors import CareprintError
from ..pipeline.build import build
from ..source.load import CHAPTER_RE

WEB = ("html",)
PRINT = ("handouts", "chapters", "worksheets")
PACK = "pack"  # the worksheet pack's item: built with all of `worksheets` (--only cannot name it)


@dataclass(frozen=True)
class ChapterPrint:
    """One chapter of the edition, and its print outputs (paths in the edition's folder)."""

    number: int
    name: str  # NN-slug: its file's name, and what --only calls it
    slug: str
    title: str
    page: str  # its page in the web edition
    handout: str
    full: str


@dataclass(frozen=True)
class Catalog:
    """The edition being previewed, as the last build read it."""

    edition: str
    title: str  # the edition's
    language: str
    paper: str
    chapters: tuple[ChapterPrint, ...]
    printables: Mapping[str, str]  # path in the edition's folder -> its --only name, or PACK

    def chapter(self, name: str | None) -> ChapterPrint | None:
        """The chapter called `name` (its slug, or NN-slug), if the edition has it."""
        return next((c for c in self.chapters if name in (c.slug, c.name)), None)

    def page_chapter(self, page: str) -> ChapterPrint | None:
        """The chapter whose web page is `page`."""
        return next((c for c in self.chapters if c.page == page), None)


def read_catalog(root: Path, edition: str | None) -> Catalog:
    """The edition (`edition`, or the first in careprint.toml) as a build reads it, and
    where its printables go; a problem raises the CareprintError the build would."""
    from ..pipeline.plan import select
    from ..render import registry
    from ..render.pages import chapter_file
    from ..source.editions import apply_editions
    from ..source.load import load_project_kept

    guide = load_project_kept(root)
    ids = guide.config.edition_ids
    eid = select([edition], ids, "edition")[0] if edition else ids[0]
    eg = apply_editions(guide, [eid])[0]
    paper = guide.config.paper
    where: dict[tuple[str, str], str] = {}
    for fmt in PRINT:
        for job in registry.get(fmt).targets(eg, (paper,)):
            where[fmt, job.item] = job.relpath.removeprefix(f"{eid}/")
    chapters = tuple(
        ChapterPrint(v.number, v.chapter.name, v.chapter.slug, v.chapter.title,
                     chapter_file(v, "html"), where["handouts", v.chapter.name],
                     where["chapters", v.chapter.name])
        for v in eg.chapters)
    printables = MappingProxyType({rel: item for (_fmt, item), rel in where.items()})
    return Catalog(eid, eg.edition.title, guide.config.guide.language, paper, chapters,
                   printables)


def edited_chapter(root: Path, paths: Iterable[str]) -> str | None:
    """The NN-slug of the chapter file among `paths` saved last, if there is one."""
    folder = root / "content" / "chapters"
    last: tuple[int, str] | None = None
    for p in paths:
        path = Path(p)
        if path.parent != folder or not CHAPTER_RE.match(path.name):
            continue
        try:
            mtime = path.stat().st_mtime_ns
        except OSError:  # deleted, or renamed away
            continue
        if last is None or mtime > last[0]:
            last = (mtime, path.stem)
    return last[1] if last else None


def inside(base: Path, rel: str) -> Path | None:
    """`base/rel`, if its real path is in `base`: never a file outside it (`..`, an
    absolute path, a symbolic link out)."""
    if "\0" in rel:
        return None
    base = base.resolve()
    try:
        target = (base / rel).resolve()
    except (OSError, RuntimeError):  # a loop of symbolic links
        return None
    return target if target.is_relative_to(base) else None


class Preview:
    """The state the server shows (the last good build, or the current error) and the
    builds that keep it current. One build runs at a time (`building`); the state changes
    under `lock`, and the pages waiting for a change are woken (`changed`).

    `version` counts the builds of the web edition, `printed` the changes of the print
    outputs: a web page reloads on the one, a print preview on the other.
    """

    def __init__(self, root: Path, edition: str | None, announce=None):
        self.root = Path(root).resolve()
        self.edition = edition
        self.announce = announce or (lambda message: None)  # tells the terminal
        self.tmp = tempfile.TemporaryDirectory(prefix="careprint-serve-")
        self.out = Path(self.tmp.name)
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.building = threading.RLock()
        self.version = 0
        self.printed = 0
        self.error: str | None = None
        self.catalog: Catalog | None = None
        self.current: str | None = None  # NN-slug of the chapter being edited
        self.wanted: set[str] = set()  # the printables asked for: --only names, and PACK

    def rebuild(self, changed: Iterable[str] = ()) -> None:
        """Build what a save (of the files `changed`) may have changed: the printables
        asked for, the edited chapter's among them, then the web edition."""
        started = time.perf_counter()
        with self.building:
            try:
                catalog = read_catalog(self.root, self.edition)
                self.edition = catalog.edition
                moved = self._edit(catalog, changed)
                printed = bool(self._print(catalog)) or moved
                if self.error is None:  # the print preview reloads before the web pages
                    self._publish(None, catalog, printed=printed)
                    printed = False
                report = build(self.root, editions=[catalog.edition], formats=WEB,
                               out=self.out, jobs=1)
            except CareprintError as exc:
                self._publish(exc.format_message(), None, web=True, printed=True)
                self.announce(self.error)
                return
            self._publish(None, catalog, web=True, printed=printed)
        n = len(report.rendered)
        self.announce(f"Rebuilt the {self.edition} edition in "
                      f"{time.perf_counter() - started:.1f} s ({n} file{'s' * (n != 1)} "
                      "changed)")

    def _edit(self, catalog: Catalog, changed: Iterable[str]) -> bool:
        """Make the chapter saved last the one being edited: whether that is a change."""
        name = edited_chapter(self.root, changed)
        if name is None:
            return False
        chapter = catalog.chapter(name)
        if chapter is None:
            self.announce(f"content/chapters/{name}.md: not in the {catalog.edition} "
                          "edition, so not in its print preview (serve --edition NAME "
                          "previews another)")
            return False
        self.wanted.add(chapter.name)
        moved, self.current = self.current != chapter.name, chapter.name
        return moved

    def _print(self, catalog: Catalog) -> list[str]:
        """Build the printables asked for; the paths (in the edition's folder) of those
        that were rendered: the others were as the last build left them."""
        started = time.perf_counter()
        self.wanted &= set(catalog.printables.values())  # a chapter renamed is not asked for
        reports = []
        only = sorted(self.wanted - {PACK})
        if only:
            reports.append(build(self.root, editions=[catalog.edition], formats=PRINT,
                                 paper=catalog.paper, only=only, out=self.out, jobs=1))
        if PACK in self.wanted:
            reports.append(build(self.root, editions=[catalog.edition],
                                 formats=("worksheets",), paper=catalog.paper, out=self.out,
                                 jobs=1))
        folder = self.folder()
        made = [w for r in reports for w in r.rendered]
        names = [w.path.relative_to(folder).as_posix() for w in made]
        if made:
            self.announce(f"Printed {', '.join(names)} in "
                          f"{time.perf_counter() - started:.1f} s")
        for name, w in zip(names, made, strict=True):
            for message in w.warnings:  # a handout that runs over its sheet, say
                self.announce(f"warning: {name}: {message}")
        return names

    def _publish(self, error: str | None, catalog: Catalog | None, *, web: bool = False,
                 printed: bool = False) -> None:
        with self.changed:
            if error != self.error:
                web = printed = True
            self.error = error
            self.catalog = catalog or self.catalog
            self.version += web
            self.printed += printed
            self.changed.notify_all()

    def printable(self, rel: str) -> Path | None:
        """The printable at `rel` in the edition's folder, built when it is first asked
        for; None when the edition has no printable there, or it cannot be built."""
        with self.lock:
            catalog = self.catalog
        if catalog is None or rel not in catalog.printables:
            return None
        with self.building:
            if catalog.printables[rel] not in self.wanted or not (self.folder() / rel).is_file():
                self.wanted.add(catalog.printables[rel])
                try:
                    self._print(read_catalog(self.root, self.edition))
                except CareprintError as exc:
                    self._publish(exc.format_message(), None)
                    self.announce(self.error)
                    return None
        return inside(self.folder(), rel)

    def folder(self) -> Path:
        """The edition's build folder."""
        return self.out / (self.edition or "")

    def site(self) -> Path:
        return self.folder() / "html"

    def stamp(self, watch: str) -> str:
        """What a page watches, as text (call with `lock` held): `web` the builds of the
        web edition, `print` the print outputs, `all` both."""
        return {"web": str(self.version), "print": str(self.printed)}.get(
            watch, f"{self.version}.{self.printed}")

    def snapshot(self) -> dict[str, tuple[int, int]]:
        """Size and modification time of every file a build reads, by path."""
        files = [self.root / "careprint.toml"]
        for folder in ("content", "templates"):
            if (self.root / folder).is_dir():
                files.extend(p for p in (self.root / folder).rglob("*") if p.is_file())
        out = {}
        for path in sorted(files):
            try:
                st = path.stat()
            except OSError:
                continue
            out[str(path)] = (st.st_size, st.st_mtime_ns)
        return out

    def watch(self, stop: threading.Event, seen: dict) -> None:
        """Rebuild on every change. watchfiles reports changes as they happen; once a second
        the files' times are compared too, so a change made while the watcher was still
        starting (or one the file system did not report) is not missed."""
        from watchfiles import watch

        def relevant(_change, path: str) -> bool:
            rel = Path(path).resolve()
            return rel == self.root / "careprint.toml" or any(
                rel.is_relative_to(self.root / d) for d in ("content", "templates"))

        for changes in watch(self.root, watch_filter=relevant, stop_event=stop, debounce=200,
                             step=50, rust_timeout=1000, yield_on_timeout=True):
            now = self.snapshot()
            if changes or now != seen:
                paths = {p for _, p in changes}
                paths |= {p for p in now.keys() | seen.keys() if now.get(p) != seen.get(p)}
                seen = now
                self.rebuild(paths)

    def close(self) -> None:
        """Wake the pages waiting for a change, and remove the preview's folder once no
        build is writing to it."""
        with self.changed:
            self.changed.notify_all()
        with self.building:
            self.tmp.cleanup()
