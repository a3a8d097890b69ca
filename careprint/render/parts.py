"""A guide laid out a chapter at a time, each part kept, and the parts joined (issue 23).

An edit to one chapter once laid the whole guide out again, in every edition and variant:
nearly half of a cold build for one sentence. Now a guide is rendered in parts: the front
matter (title page, "before you begin", contents), each chapter, and the back matter.
Each part is laid out alone, kept under a key of its own HTML (render/partcache.py), and
the parts are joined with their tags, links and bookmarks (render/partjoin.py). Only one
part is in memory at a time, so memory stays flat however long the guide grows.

A part's HTML holds a slot for each page number it shows (the contents', a
cross-reference's "(page N)"), as wide as the number, never left to target-counter():
WeasyPrint cannot see other parts, and a number not yet known once sized a table's
columns differently in a fresh build and a rebuild. The digits are written into the slots
as the parts are joined (render/pageslots.py). "Page N of M" and a booklet's folio are not
in the parts: they are drawn on the joined guide (render/folio.py). So a part does not
depend on where it falls, and an edit that moves every later page lays out again only the
parts whose numbers changed width. (A booklet's part does depend on whether it starts on a
left-hand page.)

Where the numbers come from: the layout of the guide's last build (Job.layout), when there
is one; else a first round with stand-ins (PLACEHOLDER). After each round the numbers are
read from where the anchors fell, and the parts whose numbers were wrong are rendered
again, at most MAX_ROUNDS times, as WeasyPrint itself repaginates. Either way the guide
ends at the same numbers, and so at the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..errors import Problem, ProjectError
from ..source.editions import EditionGuide
from . import pageslots
from .partjoin import ELSEWHERE

MAX_ROUNDS = 3
PLACEHOLDER = 999  # as wide as the page numbers of most long guides
FRONT, BACK = "(front)", "(back)"  # the names of the parts that hold no chapter


@dataclass(frozen=True)
class Part:
    """What one part of the guide holds, and the page numbers it shows.

    The guide template gets it as `part`. `starts_left`: a booklet's part whose first page
    is a left-hand one (booklet.css mirrors the margins)."""

    index: int
    count: int
    chapters: frozenset[str]  # chapter slugs
    numbers: dict = field(default_factory=dict, compare=False)
    starts_left: bool = False
    # the anchors it was asked for and has no number for yet: a stand-in was written
    missing: set = field(default_factory=set, compare=False)
    # its numbers written into its HTML, not into slots after the layout (pageslots.py)
    exact: bool = False

    @property
    def front(self) -> bool:
        return self.index == 0

    @property
    def back(self) -> bool:
        return self.index == self.count - 1

    def page(self, anchor: str) -> int | str:
        """The page number of `anchor` (e.g. "chapter-safety-first") in the joined guide:
        for a `data-page` attribute, where render/pageslots.py finds it."""
        if anchor not in self.numbers:
            self.missing.add(anchor)
        return self.numbers.get(anchor, PLACEHOLDER) if self.exact else pageslots.token(anchor)


def plan(eg: EditionGuide) -> list[list[str]]:
    """The chapter slugs of each part: none in the front matter's and the back matter's,
    one in each chapter's."""
    return [[], *([v.chapter.slug] for v in eg.chapters), []]


def names(groups: list[list[str]]) -> list[str]:
    """What the layout the manifest keeps calls each part (decide.py reads it back)."""
    return [FRONT, *(g[0] for g in groups[1:-1]), BACK]


@dataclass
class _Round:
    """What the rounds of render_in_parts know: each part's layout and its render."""

    layout: list  # (pages, {anchor: page index}) of each part, (0, {}) while unknown
    # index -> (html, pdf, pages, warnings, key, slots)
    done: dict = field(default_factory=dict)
    # (index, numbers, starts_left, exact) -> (html, Part): a part's HTML is made once per
    # numbers
    made: dict = field(default_factory=dict)
    exact: set = field(default_factory=set)  # the parts whose slots cannot be filled


def render_in_parts(groups: list[list[str]], make_html: Callable[[Part], str], ctx,
                    where: str, seed=None, booklet: bool = False, exact: bool = False):
    """Render and number the parts; (the parts' PDFs, pages, warnings, part HTMLs, layout,
    part keys, fill(index, part PDF)): render/pdf.py joins them, fill writing the numbers
    into a part's slots (render/pageslots.py). `seed`: the layout the manifest kept
    ((pages, anchors, name) per part). `exact`: every part's numbers in its HTML.

    The parts are laid out in order, each with the numbers known so far: those of earlier
    parts are exact, so a part that refers only back is final at once. A part that refers
    ahead (the contents) is only laid out, to learn its length, and rendered in the next
    round, when every number is known. A round renders only the parts whose HTML changed;
    the guide is done when every part is rendered with the numbers of where they fell."""
    parts = [Part(i, len(groups), frozenset(g)) for i, g in enumerate(groups)]
    state = _Round(_seeded(names(groups), seed))
    if exact or ctx.shared:  # a clinic's build lays out every part (render/shared.py)
        state.exact.update(range(len(parts)))
    for round_ in range(MAX_ROUNDS + 1):
        for part in parts:
            _render_one(state, part, make_html, ctx, where, booklet, final=round_ > 0)
        _no_repeats(state.layout, where)
        if _settled(state, parts, make_html, booklet):
            break
    results = [state.done[p.index] for p in parts]
    notes = tuple(dict.fromkeys(w for r in results for w in r[3]))
    if not _settled(state, parts, make_html, booklet):
        if len(state.exact) < len(parts):  # a slot may be narrower than its number
            return render_in_parts(groups, make_html, ctx, where, seed, booklet, exact=True)
        notes += (f"page numbers did not settle after {MAX_ROUNDS} renderings of the "
                  "guide: a number in the contents or after a cross-reference may be one "
                  "page off",)
    layout = tuple((p, a, n) for (p, a), n in zip(state.layout, names(groups), strict=True))
    numbers = numbering(state.layout)[2]
    return ([r[1] for r in results], sum(r[2] for r in results), notes,
            tuple(r[0] for r in results), layout, tuple(r[4] for r in results),
            lambda index, pdf: pageslots.fill(pdf, results[index][5] or [], numbers))


def _numbered(state: _Round, part: Part, make_html, booklet: bool) -> tuple[str, Part]:
    """The part's HTML with the numbers known now, and the part as it was given them."""
    firsts, _, numbers = numbering(state.layout)
    left = booklet and firsts[part.index] % 2 == 0
    exact = part.index in state.exact
    memo = (part.index, tuple(sorted(numbers.items())), left, exact)
    if memo not in state.made:
        numbered = replace(part, numbers=numbers, missing=set(), starts_left=left,
                           exact=exact)
        html = make_html(numbered)
        if not exact:  # the numbers as slots, or, where none can be found, in the HTML
            html = pageslots.slotted(html, numbers, PLACEHOLDER)
            if html is None:
                state.exact.add(part.index)
                return _numbered(state, part, make_html, booklet)
        state.made[memo] = (link_elsewhere(html), numbered)
    return state.made[memo]


def _render_one(state: _Round, part: Part, make_html, ctx, where: str, booklet: bool,
                final: bool) -> None:
    """Lay out one part with the numbers known now, and render it unless a number it
    shows is still a stand-in (in the first round)."""
    from .partcache import render_part
    from .weasy import render_pdf

    html, numbered = _numbered(state, part, make_html, booklet)
    done = state.done.get(part.index)
    if done is not None and done[0] == html and (done[1] or not final):
        return
    if numbered.missing and not final:  # its length alone, for the numbers after it
        _, pages, notes, anchors = render_pdf(html, ctx, where, write=False)
        state.done[part.index] = (html, b"", pages, notes, "", [])
    else:
        data, pages, notes, anchors, key, slots = render_part(html, ctx, where)
        if slots is None:  # they cannot be filled: the numbers go into its HTML
            state.exact.add(part.index)
            return _render_one(state, part, make_html, ctx, where, booklet, final)
        state.done[part.index] = (html, data, pages, notes, key, slots)
    state.layout[part.index] = (pages, _own(anchors))


def _settled(state: _Round, parts: list[Part], make_html, booklet: bool) -> bool:
    """Whether every part is rendered, with the numbers of where the parts fell."""
    return all(p.index in state.done and state.done[p.index][1] and
               state.done[p.index][0] == _numbered(state, p, make_html, booklet)[0]
               for p in parts)


def _seeded(part_names: list[str], seed) -> list:
    """Each part's layout from the last build's, by its name; a part it lacks (a chapter
    added) starts empty: the first round finds where it falls."""
    kept = {}
    for item in seed or ():
        if len(item) == 3:
            kept[item[2]] = (item[0], dict(item[1]))
    return [kept.get(name, (0, {})) for name in part_names]


def _no_repeats(layout, where: str) -> None:
    """A template that ignores `part` shows everything in every part: stop, and say so."""
    seen: dict[str, int] = {}
    for index, (_, anchors) in enumerate(layout):
        for name in anchors:
            if seen.setdefault(name, index) != index:
                raise ProjectError(Problem(where, f"the guide is laid out a chapter at a "
                                           f"time, but part {index + 1} repeats #{name} "
                                           f"from part {seen[name] + 1}: a guide template "
                                           "must show only what `part` holds "
                                           "(docs/templates.md)"))


_HREF_RE = re.compile(r'href="#([^"]+)"')
_ID_RE = re.compile(r'\bid="([^"]+)"')


def link_elsewhere(html: str) -> str:
    """Keep links to other parts: WeasyPrint drops a link to an anchor its document lacks,
    so such a link goes to a stand-in anchor at the end of the part, and join() points it
    at the real one."""
    ids = set(_ID_RE.findall(html))
    missing = sorted(set(_HREF_RE.findall(html)) - ids)
    if not missing:
        return html
    gone = set(missing)
    html = _HREF_RE.sub(lambda m: f'href="#{ELSEWHERE}{m.group(1)}"'
                        if m.group(1) in gone else m.group(0), html)
    stubs = "".join(f'<span id="{ELSEWHERE}{name}"></span>' for name in missing)
    end = html.rfind("</body>")
    end = len(html) if end < 0 else end
    return f'{html[:end]}<div aria-hidden="true">{stubs}</div>\n{html[end:]}'


def _own(anchors: dict) -> dict:
    return {k: v for k, v in anchors.items() if not k.startswith(ELSEWHERE)}


def numbering(layout) -> tuple[list[int], int, dict[str, int]]:
    """Where each part starts, the total page count, and the page number of every anchor."""
    numbers: dict[str, int]
    firsts, numbers, page = [], {}, 1
    for pages, anchors in layout:
        firsts.append(page)
        for name, index in anchors.items():
            numbers.setdefault(name, page + index)
        page += pages
    return firsts, page - 1, numbers


