"""A template's time and memory are bounded, and one that fails while it renders is an
error naming it (issue 22, items 18 and 19).

`{{ "x"*10**9 }}`, `{{ [0]*10**9 }}` and two nested loops of 100,000 turns ran forever or
took 4 GB; `lipsum(min=max)`, a macro that calls itself and a template that extends or
includes itself ended in a traceback (exit 70). Each now stops with an error at the
template's file:line, exit 1, nothing written (render/limits.py, render/sandbox.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_fixture
from test_sandbox import BASE, BUNDLED, line_of, override, refused

from careprint.errors import ProjectError
from careprint.render import limits
from careprint.render.templating import render_template

WEB = (BUNDLED / "web-page.html").read_text(encoding="utf-8")


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_fixture(BASE, tmp_path)


def in_web_page(project: Path, snippet: str) -> str:
    """The bundled web page with `snippet` before </body>, as the project's override;
    return the text."""
    text = WEB.replace("</body>", f"<p>{snippet}</p>\n</body>", 1)
    override(project, "web-page.html", text)
    return text


# Each: (what the template says, what the editor is told). The web edition is quick.
BUILDS = {
    "string-times": ('{{ "x" * 10**9 }}', "template stopped: it would make a text of "
                     "1,000,000,000 characters, more than 20,000,000"),
    "list-times": ("{{ [0] * 10**9 }}", "template stopped: it would make a list of "
                   "1,000,000,000 items, more than 1,000,000"),
    "nested-range": ("{% for i in range(100000) %}{% for j in range(100000) %}"
                     "{% endfor %}{% endfor %}",
                     "template stopped: its loops turned more than 10,000,000 times"),
    "lipsum": ("{{ lipsum(min=5, max=5) }}", "template error: 'lipsum' is undefined"),
    "random": ("{{ [1, 2, 3] | random }}", "No filter named 'random'"),
    "macro-calls-itself": ("{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}",
                           "template error: it calls itself without end"),
    "includes-itself": ('{% include "web-page.html" %}',
                        "template error: it calls itself without end"),
}


@pytest.mark.parametrize("case", list(BUILDS))
def test_a_template_that_runs_away_stops_the_build_at_its_line(project, case):
    snippet, told = BUILDS[case]
    text = in_web_page(project, snippet)
    line = refused(project, f"templates/web-page.html:{line_of(text, snippet)}",
                   "-f", "html", "-e", "survivors")
    assert told in line


def test_a_template_that_extends_itself_is_an_error_naming_it(project):
    override(project, "web-page.html", '{% extends "web-page.html" %}\n')
    line = refused(project, "templates/web-page.html:1", "-f", "html", "-e", "survivors")
    assert "template error: it calls itself without end" in line


# The same limits, in one process: quicker, and more spellings of the same runaway.
RENDERS = {
    "power": ("{{ 10 ** (10 ** 9) }}", "a number of about 3,000,000,000 bits"),
    "doubling-tilde": ("{% set ns = namespace(s='x') %}{% for i in range(40) %}"
                       "{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
                       "it made a text of more than 20,000,000 characters"),
    "doubling-plus": ("{% set ns = namespace(s='x') %}{% for i in range(40) %}"
                      "{% set ns.s = ns.s + ns.s %}{% endfor %}",
                      "it would make a text of 33,554,432 characters"),
    "percent-width": ("{{ '%999999999d' % 1 }}", "more than 20,000,000"),
    "format-width": ("{{ '{:999999999}'.format(1) }}", "more than 20,000,000"),
    "format-nested-width": ("{{ '{:{}}'.format(1, 999999999) }}", "more than 20,000,000"),
    "format-filter": ("{{ '%999999999s'|format('x') }}", "more than 20,000,000"),
    "center-filter": ("{{ 'x'|center(10**9) }}", "more than 20,000,000"),
    "ljust-method": ("{{ 'x'.ljust(10**9) }}", "more than 20,000,000"),
    "replace-method": ("{% set s = 'x' * 10000 %}{{ s.replace('x', s) }}",
                       "it would make a text of 100,000,000 characters"),
    "join-filter": ("{% set s = 'x' * 10**7 %}{{ [s, s, s]|join }}",
                    "it would make a text of 30,000,000 characters"),
    "batch-filter": ("{{ [1]|batch(10**9, 0)|list }}", "a list of 1,000,000,000 items"),
    "list-of-big-strings": ("{% set s = 'x' * 10**7 %}{{ [s] * 1000 }}",
                            "it would make a text of 10,000,000,000 characters"),
    "output": ("{% set s = 'x' * 10**7 %}{% for i in range(20) %}{{ s }}{% endfor %}",
               "its output passed 100,000,000 characters"),
    "division": ("{{ 1 / 0 }}", "template error: division by zero"),
}


def render(project: Path, snippet: str) -> str:
    override(project, "t.html", "<p>\n" + snippet + "\n</p>\n")
    with pytest.raises(ProjectError) as err:
        render_template(project, "t.html")
    (problem,) = err.value.problems
    return str(problem)


@pytest.mark.parametrize("case", list(RENDERS))
def test_each_runaway_is_stopped_with_what_it_passed(project, case, monkeypatch):
    monkeypatch.setattr(limits, "OUTPUT", 100_000_000)
    snippet, told = RENDERS[case]
    message = render(project, snippet)
    where = "templates/t.html" if case == "output" else "templates/t.html:2"
    assert message.startswith(f"{where}: template "), message
    assert told in message, message


def test_a_render_that_runs_too_long_stops(project, monkeypatch):
    """Macros that call each other twice, forty deep: 2**40 calls, no loop at all."""
    monkeypatch.setattr(limits, "SECONDS", 0.5)
    message = render(project, "{% macro m(n) %}{% if n %}{{ m(n - 1) }}{{ m(n - 1) }}"
                     "{% else %}x{% endif %}{% endmacro %}{{ m(40) }}")
    assert "template stopped: it ran for more than 0.5 seconds" in message


def test_what_templates_do_is_still_allowed(project):
    override(project, "t.html", (
        "{% set ns = namespace(n=0) %}{% for i in range(100000) %}{% set ns.n = ns.n + i %}"
        "{% if loop.last %}{{ ns.n }}/{{ loop.length }}{% endif %}{% endfor %}"
        "|{{ 'a' ~ 'b' }}|{{ [1, 2]|join(',') }}|{{ 'x'|center(5) }}|{{ '%3d' % 5 }}"
        "|{{ '{:>3}'.format(1) }}|{{ 2 ** 64 }}|{{ ('ab' * 3).replace('a', '-') }}"
        "|{{ [[1], [2]]|sum(start=[]) }}|{{ 'a b'|wordwrap(1) }}"))
    assert render_template(project, "t.html") == (
        "4999950000/100000|ab|1,2|  x  |  5|  1|18446744073709551616|-b-b-b|[1, 2]|a\nb")


def test_serve_shows_a_runaway_template_as_an_error(project):
    from careprint.commands.serve import Preview

    in_web_page(project, '{{ "x" * 10**9 }}')
    preview = Preview(project, "survivors")
    try:
        preview.rebuild()
        assert preview.error and "templates/web-page.html:" in preview.error
        assert "template stopped: it would make a text of 1,000,000,000" in preview.error
    finally:
        preview.close()


def test_the_limits_are_in_the_docs():
    docs = (Path(__file__).parent.parent / "docs/templates.md").read_text(encoding="utf-8")
    assert f"| run | {limits.SECONDS:g} seconds |" in docs
    assert f"| use memory, on Linux, over what careprint had when the render began | " \
        f"{limits.MEMORY // 1024 ** 3} GB |" in docs
    for figure in (limits.TURNS, limits.CHARS, limits.ITEMS, limits.OUTPUT):
        assert f"| {figure:,} " in docs, figure


def test_a_value_no_hook_measures_is_stopped_by_the_memory_cap(project, monkeypatch):
    """Lists written out by hand, nested, then printed: no operator or filter makes them,
    but their text would be 10,000,000,000 characters. The address-space cap (Linux)
    stops it, and the limit it had is restored afterwards."""
    import resource

    monkeypatch.setattr(limits, "MEMORY", 200 * 1024 ** 2)
    before = resource.getrlimit(resource.RLIMIT_AS)
    message = render(project, "{% set s = 'x' * 10**7 %}{% set a = [s, s, s, s, s, s, s, s, "
                     "s, s] %}{% set b = [a, a, a, a, a, a, a, a, a, a] %}"
                     "{% set c = [b, b, b, b, b, b, b, b, b, b] %}{{ [c, c, c, c, c, c, c, c, c,"
                     " c]|string }}")
    assert "template stopped: it needed more than 200 MB of memory" in message
    assert resource.getrlimit(resource.RLIMIT_AS) == before
