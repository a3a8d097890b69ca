"""The guide and the edits of tests/test_incremental_differential.py.

The guide is what `careprint init` writes (two editions; a second chapter, for partners
only, with a cross-reference; a worksheet), with a third chapter for every edition that
holds a picture the edits replace and, in its practice (so on its handouts too), a
cross-reference they retarget. Each edit is a
frozen dataclass whose fields are choices made by Hypothesis, read against the project
as it is when the edit is applied (an index picks among what is there, modulo its count),
so that every sequence of edits leaves a project that builds without a warning.
`apply` makes the edit and says, in words, what it did.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from hypothesis import strategies as st

from careprint.commands.scaffold import init_project
from careprint.render import PACKAGE_TEMPLATES
from careprint.source.slugs import slugify

EDITIONS = ("survivors", "partners")
HOST = "steady-ground"  # the chapter with the cross-reference and the picture
PICTURE = "content/chapters/images/calm.png"
WORKSHEET = "content/worksheets/first-steps.yaml"

HOST_CHAPTER = """---
title: Finding steady ground
summary: Small ways to feel steadier in your body and in your day.
key_points:
  - Steadiness can grow slowly.
  - Small routines can help.
---
## Noticing what steadies you

Some things help you feel steady. A warm drink, a walk or a familiar song can all help.

![A calm lake at dawn, with soft light on the water](images/calm.png)

## Try this: one steady breath

If it feels right, breathe in slowly, and let the breath out a little more slowly.
The chapter [[chapter:welcome]] has another short pause to try.
"""


def make_guide(dest: Path) -> Path:
    """`careprint init DEST`, and the chapter and picture the edits need."""
    init_project(dest, title="Steady Steps", today=dt.date(2026, 12, 6))
    (dest / "content/chapters" / f"03-{HOST}.md").write_text(HOST_CHAPTER, "utf-8")
    (dest / PICTURE).parent.mkdir()
    (dest / PICTURE).write_bytes(png(PICTURES[0]))
    return dest


# ---------------------------------------------------------------- reading the project


def chapters(project: Path) -> list[Path]:
    return sorted((project / "content/chapters").glob("*.md"))


def slug(chapter: Path) -> str:
    return chapter.stem.split("-", 1)[1]


def editions_of(chapter: Path) -> tuple[str, ...]:
    front = yaml.safe_load(chapter.read_text("utf-8").split("---")[1])
    return tuple(front.get("editions") or EDITIONS)


XREF = re.compile(r"\[\[(chapter|worksheet):([a-z0-9-]+)\]\]")


def host(project: Path) -> Path:
    return next(c for c in chapters(project) if slug(c) == HOST)


def xref_target(project: Path) -> str:
    return XREF.search(host(project).read_text("utf-8")).group(0)


def pick(items: list, i: int):
    return items[i % len(items)]


# ---------------------------------------------------------------- edits to chapters

SENTENCES = ("You can stop and rest whenever you need to.",
             "Small steps still count as steps.",
             "It is okay if this takes time.",
             "Some days will feel easier than others, and that is all right.")
PARAGRAPH = ("When you have a quiet moment, you might look back on the week and notice what "
             "helped, even a little. It could be a walk, a call with a friend, a warm meal or "
             "an early night. There is no right answer, and nothing has to change today. You "
             "can write it down, say it out loud or simply notice it. Over time, these small "
             "notes can show you what steadies you, and what you would like more of. If "
             "looking back feels like too much, you can leave it for another day. ")


def write(path: Path, text: str) -> None:
    path.write_text(text, "utf-8")


@dataclass(frozen=True)
class AddSentence:
    chapter: int
    sentence: int
    only: bool  # in a `::: only` block for the chapter's last edition

    def apply(self, project: Path) -> str:
        path = pick(chapters(project), self.chapter)
        text = pick(SENTENCES, self.sentence)
        if self.only:
            text = f"::: only {editions_of(path)[-1]}\n{text}\n:::"
        source = path.read_text("utf-8")
        heading = re.search(r"^## .*$", source, re.M)
        write(path, source[:heading.end()] + "\n\n" + text + source[heading.end():])
        return f"a sentence added to {path.name}: {text!r}"


@dataclass(frozen=True)
class AddPage:
    chapter: int

    def apply(self, project: Path) -> str:
        path = pick(chapters(project), self.chapter)
        source = path.read_text("utf-8")
        n = source.count("## Looking back") + 1
        write(path, source + f"\n## Looking back, part {n}\n\n" + (PARAGRAPH + "\n\n") * 6)
        return f"a page of text added to {path.name}"


TITLES = ("Resting well", "Noticing your body", "Small daily routines", "Asking for help",
          "Being kind to yourself")


@dataclass(frozen=True)
class AddChapter:
    title: int
    editions: int  # 0: every edition, 1: survivors, 2: partners

    def apply(self, project: Path) -> str:
        taken = {slug(c) for c in chapters(project)}
        free = [t for t in TITLES if slugify(t) not in taken]
        if not free:
            return "no chapter added: every title is taken"
        title = pick(free, self.title)
        number = max(int(c.name[:2]) for c in chapters(project)) + 1
        path = project / "content/chapters" / f"{number:02d}-{slugify(title)}.md"
        only = ("", "editions: [survivors]\n", "editions: [partners]\n")[self.editions % 3]
        write(path, f"---\ntitle: {title}\n{only}summary: A few gentle ideas about "
              f"{title.lower()}.\nkey_points:\n  - Go at your own pace.\n"
              "  - Small changes can help.\n---\n## Where to start\n\n"
              f"{PARAGRAPH}\n\n## Try this: one small step\n\n"
              "If it feels right, choose one small thing to try this week.\n")
        return f"chapter {path.name} added"


@dataclass(frozen=True)
class RemoveChapter:
    chapter: int

    def apply(self, project: Path) -> str:
        kept = {"welcome", HOST, xref_target(project).split(":")[1].rstrip("]")}
        removable = [c for c in chapters(project) if slug(c) not in kept]
        if not removable:
            return "no chapter removed: none can go"
        path = pick(removable, self.chapter)
        path.unlink()
        return f"chapter {path.name} removed"


@dataclass(frozen=True)
class ReorderChapters:
    first: int
    second: int

    def apply(self, project: Path) -> str:
        every = chapters(project)
        a, b = pick(every, self.first), pick(every, self.second)
        if a == b:
            b = pick(every, self.first + 1)
        moved_a = a.with_name(b.name[:3] + a.name[3:])
        moved_b = b.with_name(a.name[:3] + b.name[3:])
        a.rename(a.with_name(".moving"))
        b.rename(moved_b)
        a.with_name(".moving").rename(moved_a)
        return f"chapters {a.name} and {b.name} swapped places"


@dataclass(frozen=True)
class RetargetXref:
    target: int

    def apply(self, project: Path) -> str:
        now = xref_target(project)
        targets = [f"[[chapter:{slug(c)}]]" for c in chapters(project)
                   if slug(c) != HOST and editions_of(c) == EDITIONS]
        targets = [t for t in targets + ["[[worksheet:first-steps]]"] if t != now]
        new = pick(targets, self.target)
        path = host(project)
        write(path, path.read_text("utf-8").replace(now, new))
        return f"the cross-reference in {path.name} now points to {new}, not {now}"


# ---------------------------------------------------------------- edits to the rest

# (template, a line of careprint's own, what an edit may make of it)
TEMPLATES = (
    ("guide.html", '<p class="publisher"><strong>{{ meta.publisher }}</strong>',
     ('<p class="publisher"><strong>{{ meta.publisher }}</strong> · Keep this copy',
      '<p class="publisher"><strong>{{ meta.publisher }}</strong> · Printed with care')),
    ("handout.html", "<p>The whole chapter is chapter {{ view.number }} of the guide.</p>",
     ("<p>The whole chapter is chapter {{ view.number }} of the guide. Ask for it.</p>",)),
    ("_parts.html", "<p>Made with careprint {{ careprint_version }}.</p>",
     ("<p>Made with careprint {{ careprint_version }}, with care.</p>",)),
    ("web-page.html", "This guide supports care; it does not replace it.",
     ("This guide supports care, at your pace; it does not replace it.",)),
    ("epub-page.xhtml", "<title>{{ page.title }}</title>",
     ("<title>{{ page.title }} · {{ meta.title }}</title>",)),
    ("_worksheet.html", '<p class="purpose">{{ ws.purpose }}</p>',
     ('<p class="purpose">{{ ws.purpose }} Take your time.</p>',)),
    ("print.css", "h1 { font-size: 22pt;", ("h1 { font-size: 21pt;", "h1 { font-size: 24pt;")),
)


@dataclass(frozen=True)
class EditTemplate:
    template: int
    variant: int  # one past the variants: the project's copy removed

    def apply(self, project: Path) -> str:
        name, line, variants = pick(TEMPLATES, self.template)
        path = project / "templates" / name
        choice = self.variant % (len(variants) + 1)
        if choice == len(variants) and path.exists():
            path.unlink()
            return f"templates/{name} removed: careprint's own is used again"
        own = (PACKAGE_TEMPLATES / name).read_text("utf-8")
        assert line in own, f"careprint's {name} no longer has {line!r}"
        new = own.replace(line, variants[choice % len(variants)])
        if path.exists() and path.read_text("utf-8") == new:
            new = own.replace(line, variants[(choice + 1) % len(variants)])
        write(path, new)
        return f"templates/{name} written: {line!r} changed"


# (custom property of templates/theme.css, values an edit may give it)
THEME = (("--accent", ("#1d5c63", "#6a3d7a", "#7a4a1d")),
         ("--ink", ("#1f2a30", "#262626")),
         ("--accent-soft", ("#e8f1f0", "#f3eef6")),
         ("--body-font", ('"Lato", sans-serif', '"Atkinson Hyperlegible", sans-serif')))


def another(values: tuple, now: str, i: int) -> str:
    """One of `values` that is not `now`."""
    return pick([v for v in values if v != now], i)


@dataclass(frozen=True)
class EditStylesheet:
    prop: int
    value: int

    def apply(self, project: Path) -> str:
        prop, values = pick(THEME, self.prop)
        path = project / "templates/theme.css"
        pattern = re.compile(rf"({prop}:\s*)([^;]+);")
        css = path.read_text("utf-8")
        value = another(values, pattern.search(css).group(2), self.value)
        write(path, pattern.sub(lambda m: f"{m.group(1)}{value};", css, count=1))
        return f"templates/theme.css: {prop} set to {value}"


# (table of careprint.toml, key, values an edit may give it, as TOML); the first one
# changes one edition's outputs alone
SETTINGS = (("editions.partners", "title", ('"For partners and loved ones"',
                                            '"For partners, family and friends"')),
            ("guide", "subtitle", ('"A short, plain-language guide"',
                                   '"A gentle guide, one step at a time"')),
            ("guide", "version", ('"0.1.0"', '"0.2.0"')),
            ("guide", "publisher", ('"Your organisation"', '"Harbour Community Health"')),
            ("formats.pdf", "crisis_line",
             ('"In the US call or text 988. In the UK call Samaritans on 116 123."',
              '"In the US call or text 988. In the UK and Ireland call 116 123."')),
            ("paper", "size", ('"a4"', '["a4", "letter"]')))


@dataclass(frozen=True)
class EditConfig:
    setting: int
    value: int

    def apply(self, project: Path) -> str:
        table, key, values = pick(SETTINGS, self.setting)
        path = project / "careprint.toml"
        text = path.read_text("utf-8")
        start = text.index(f"[{table}]\n")
        line = re.compile(rf"^{key} = (.*)$", re.M).search(text, start)
        value = another(values, line.group(1), self.value)
        write(path, text[:line.start(1)] + value + text[line.end(1):])
        return f"careprint.toml: {table}.{key} = {value}"


PICTURES = tuple((size, colour) for size in ((120, 80), (160, 90), (90, 90))
                 for colour in ((200, 120, 40), (40, 120, 200), (90, 160, 90)))


def png(picture) -> bytes:
    from PIL import Image

    size, colour = picture
    data = io.BytesIO()
    Image.new("RGB", size, colour).save(data, format="PNG")
    return data.getvalue()


@dataclass(frozen=True)
class ReplaceImage:
    picture: int

    def apply(self, project: Path) -> str:
        path = project / PICTURE
        now = path.read_bytes()
        picture = next(p for p in PICTURES[self.picture % 9:] + PICTURES if png(p) != now)
        path.write_bytes(png(picture))
        return f"{PICTURE} replaced: {picture[0][0]}x{picture[0][1]} px, RGB {picture[1]}"


FIELDS = ("  - type: lines\n    label: {}\n    lines: 1\n",
          "  - type: checklist\n    label: {}\n    options: [A short walk, A warm drink]\n",
          "  - type: text\n    label: {}\n    height: 2\n",
          "  - type: date\n    label: {}\n")
LABELS = ("Something I noticed", "A person I could call", "What I might try next")


@dataclass(frozen=True)
class AddWorksheetField:
    kind: int

    def apply(self, project: Path) -> str:
        path = project / WORKSHEET
        text = path.read_text("utf-8")
        free = [label for label in LABELS if f"label: {label}\n" not in text]
        if not free:  # a page holds no more
            return "no worksheet field added: the worksheet is full"
        field = pick(FIELDS, self.kind).format(free[0])
        write(path, text.replace("closing: |", field + "closing: |"))
        return f"{WORKSHEET}: field added: {field.strip()!r}"


# ---------------------------------------------------------------- strategies

ANY = st.integers(0, 9)
KINDS = (st.builds(AddSentence, ANY, ANY, st.booleans()),
         st.builds(AddPage, ANY),
         st.builds(AddChapter, ANY, ANY),
         st.builds(RemoveChapter, ANY),
         st.builds(ReorderChapters, ANY, ANY),
         st.builds(RetargetXref, ANY),
         st.builds(EditTemplate, ANY, ANY),
         st.builds(EditStylesheet, ANY, ANY),
         st.builds(EditConfig, ANY, ANY),
         st.builds(ReplaceImage, ANY),
         st.builds(AddWorksheetField, ANY))


def tours():
    """Every kind of edit once, in an order and with choices Hypothesis draws."""
    return st.permutations(KINDS).flatmap(lambda kinds: st.tuples(*kinds))


def sequences(steps: int):
    """From 1 to `steps` edits of any kind."""
    return st.lists(st.one_of(KINDS), min_size=1, max_size=steps)
