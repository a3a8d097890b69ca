"""careprint's own words in the guide's language (issue 28): every word careprint prints
into an output is a message of its catalogues (careprint/locale/), which ship complete for
English and Spanish; a guide in Spanish prints none of careprint's English words, and its
dates and page numbers read as Spanish ones; a project may change any message, and a
rebuild picks the change up (careprint/source/i18n.py, docs/templates.md)."""

from __future__ import annotations

import datetime as _dt
import html
import re
import zipfile
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from click.testing import CliRunner
from conftest import ROOT, copy_fixture, normalize, pdf_text

from careprint.cli import main
from careprint.source import i18n

LOCALE = ROOT / "careprint" / "locale"
SHIPPED = ("en", "es")


def invoke(*args, code: int = 0) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args], prog_name="careprint")
    assert result.exit_code == code, result.output
    return result.output


def catalogue(lang: str):
    with (LOCALE / lang / "LC_MESSAGES" / "careprint.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def extracted() -> set:
    """Every message careprint's templates and code use, extracted now as
    scripts/update-catalogues.py extracts them (babel.cfg)."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / "careprint", method_map, options_map):
        found.add(message if isinstance(message, str) else tuple(message[:2]))
    return found


def ids(cat) -> set:
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in cat if m.id}


def test_every_message_careprint_uses_is_in_the_template_and_both_catalogues():
    used = extracted()
    assert len(used) > 100, "the extraction found too few messages: is babel.cfg right?"
    with (LOCALE / "careprint.pot").open("rb") as fh:
        pot = ids(read_po(fh))
    assert used - pot == set(), ("messages missing from careprint/locale/careprint.pot: "
                                 "run python scripts/update-catalogues.py")
    assert pot - used == set(), "careprint.pot holds messages careprint no longer uses"
    for lang in SHIPPED:
        cat = catalogue(lang)
        assert used - ids(cat) == set(), f"{lang}: messages missing from the catalogue"
        assert ids(cat) - used == set(), f"{lang}: the catalogue holds stale messages"
        empty = [m.id for m in cat if m.id and not (
            m.string if isinstance(m.string, str) else all(m.string))]
        assert empty == [], f"{lang}: messages with no text: {empty}"


def test_the_english_catalogue_says_each_message_in_its_own_words():
    """English outputs stay as they were: each English text is its message."""
    for m in catalogue("en"):
        if m.id:
            assert (m.string if isinstance(m.id, str) else tuple(m.string)) == (
                m.id if isinstance(m.id, str) else tuple(m.id))


def test_dates_and_numbers_follow_the_locale():
    day = _dt.date(2026, 11, 30)
    assert i18n.long_date(day, "es") == "30 de noviembre de 2026"
    assert i18n.long_date(day, "es-MX") == "30 de noviembre de 2026"
    assert i18n.long_date(day, "en") == "30 November 2026"  # as careprint always wrote it
    assert i18n.long_date(day, "en-US") == "30 November 2026"
    assert i18n.number(1234.5, "es", 1) == "1.234,5"
    assert i18n.number(3, "es", 1) == "3,0"
    assert i18n.number(12345, "es") == "12.345"
    assert i18n.number(1024, "en") == "1024"


# ---------------------------------------------------------------- a guide in Spanish


def english_phrases() -> list[str]:
    """careprint's English words that Spanish says otherwise: each message's text between
    its placeholders and tags, of two words or more, or one long word."""
    es = catalogue("es")
    out = set()
    for m in catalogue("en"):
        if not m.id or es[m.id].string == m.string:
            continue
        spanish = " ".join(str(t) for t in ([es[m.id].string] if isinstance(m.id, str)
                                            else es[m.id].string))
        for form in [m.id] if isinstance(m.id, str) else m.id:
            for piece in re.split(r"%\(\w+\)s|<[^>]+>", form):
                piece = " ".join(piece.split()).strip(" :.,;()?")
                if (len(piece.split()) >= 2 or len(piece) >= 6) and piece not in spanish:
                    out.add(piece)  # ("careprint build" is the same in Spanish)
    return sorted(out)


def english_found(text: str, phrases: list[str]) -> list[str]:
    text = " ".join(text.split())
    return [p for p in phrases if re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", text)]


def markup_text(markup: str) -> str:
    """What a reader sees of a page and its attributes' words, without its style sheet and
    script (their comments are careprint's notes, not words it prints)."""
    markup = re.sub(r"<(style|script)\b.*?</\1>", " ", markup, flags=re.S)
    attrs = " ".join(re.findall(r'(?:alt|title|aria-label)="([^"]*)"', markup))
    return html.unescape(re.sub(r"<[^>]+>", " ", markup) + " " + attrs)


@pytest.mark.slow
def test_a_guide_in_spanish_prints_none_of_careprints_english_words(tmp_path):
    project = copy_fixture("spanish", tmp_path)
    out = tmp_path / "out"
    invoke("build", project, "--out", out, "-j", "2", "-f", "html", "-f", "epub",
           "-f", "handouts", "-f", "pdf")
    phrases = english_phrases()
    assert "Before you begin" in phrases and "Words used in this guide" in phrases
    texts = {p.relative_to(out).as_posix(): markup_text(p.read_text("utf-8"))
             for p in out.rglob("*.html")}
    with zipfile.ZipFile(out / "todos" / "guia-todos.epub") as z:
        texts |= {n: markup_text(z.read(n).decode("utf-8")) for n in z.namelist()
                  if n.endswith((".xhtml", ".ncx", ".opf"))}
    handout = out / "todos" / "handouts" / "guia-todos-ch01-empezar-a4.pdf"
    texts["handout"] = pdf_text(handout)
    texts["guide"] = pdf_text(out / "todos" / "guia-todos-a4.pdf")
    leaks = {name: found for name, text in texts.items()
             if (found := english_found(text, phrases))}
    assert leaks == {}
    # the words careprint writes, in Spanish, and the dates as a Spanish reader writes them
    assert "Antes de empezar" in texts["todos/html/before.html"]
    assert "30 de noviembre de 2026" in normalize(texts["todos/html/colophon.html"])
    assert "30 de noviembre de 2026" in normalize(texts["EPUB/colophon.xhtml"])
    assert "Página 1 de 1" in texts["handout"]
    guide = normalize(texts["guide"])
    assert "Página 1 de" not in guide  # the cover has no number...
    assert "Página 3 de" in guide and "(página 5)" in guide  # ...the contents and a link do
    assert "Capítulo 1" in texts["EPUB/01-empezar.xhtml"]
    assert "(ficha 1 del cuaderno de fichas)" in normalize(texts["EPUB/01-empezar.xhtml"])
    assert "Salida rápida" in texts["todos/html/index.html"]
    assert "archivos para imprimir" in texts["index.html"]


# ---------------------------------------------------------------- a project's own words

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Before you begin"
msgstr "{text}"
"""


def own_catalogue(project: Path, text: str, lang: str = "en") -> Path:
    path = project / "locale" / lang / "LC_MESSAGES" / "careprint.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PO.format(text=text), "utf-8")
    return path


def rebuilt(output: str) -> int:
    return int(output.split("Built ")[1].split(" file")[0])


def test_a_projects_catalogue_and_strings_change_a_word_and_a_rebuild_picks_it_up(tmp_path):
    project = copy_fixture("minimal", tmp_path)
    page = project / "build" / "everyone" / "html" / "before.html"
    invoke("build", project, "-f", "html", "-j", "1")
    assert "<h1 id=\"h-before\">Before you begin</h1>" in page.read_text("utf-8")

    own_catalogue(project, "First, gently")
    output = invoke("build", project, "-f", "html", "-j", "1")
    assert rebuilt(output) >= 1, output
    assert "<h1 id=\"h-before\">First, gently</h1>" in page.read_text("utf-8")
    # the pages that print no word of the project's catalogue are the same files
    own_catalogue(project, "First, slowly")
    output = invoke("build", project, "-f", "html", "-j", "1")
    assert "First, slowly" in page.read_text("utf-8")

    with open(project / "careprint.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[strings]\n"Before you begin" = "Before anything else"\n'
                 '"Contents" = "What is inside"\n')
    invoke("build", project, "-f", "html", "-j", "1")
    text = page.read_text("utf-8")
    assert "Before anything else" in text and "What is inside" in text  # [strings] wins


def test_an_override_that_breaks_its_message_is_an_error_at_its_line(tmp_path):
    project = copy_fixture("minimal", tmp_path)
    own_catalogue(project, "Hello %(name)s")
    output = invoke("build", project, "-f", "html", "-j", "1", code=1)
    assert "locale/en/LC_MESSAGES/careprint.po:5: this text uses %(name)s, which message " \
           "'Before you begin' does not give" in output, output
    assert "Traceback" not in output
    own_catalogue(project, "Before <script>")
    output = invoke("build", project, "-f", "html", "-j", "1", code=1)
    assert "careprint.po:5: this text's HTML tags differ" in output, output
    path = own_catalogue(project, "x")
    path.write_text('msgid "Before you begin"\nmsgstr "x\n', "utf-8")  # unclosed quote
    output = invoke("build", project, "-f", "html", "-j", "1", code=1)
    assert ("locale/en/LC_MESSAGES/careprint.po:2: this line of the catalogue cannot be "
            "read") in output, output
    path.unlink()
    with open(project / "careprint.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[strings]\n"Chapter %(n)s" = "Part %(m)s"\n')
    output = invoke("build", project, "-f", "html", "-j", "1", code=1)
    assert "careprint.toml:17: [strings] 'Chapter %(n)s': this text uses %(m)s" in output, \
        output


def test_a_project_template_can_use_careprints_words(tmp_path):
    project = copy_fixture("minimal", tmp_path)
    (project / "careprint.toml").write_text(
        (project / "careprint.toml").read_text("utf-8").replace('"en"', '"es"'), "utf-8")
    (project / "templates").mkdir()
    (project / "templates" / "crisis-line.txt").write_text(
        '{{ _("Need to talk now?") }} {{ ngettext("%(num)s page", "%(num)s pages", 2) }}',
        "utf-8")
    from careprint.render.templating import render_template

    with i18n.active(i18n.catalogue(project, "es")):
        text = render_template(project, "crisis-line.txt", services=[], region="")
    assert text == "¿Necesitas hablar ahora? 2 páginas"


# ---------------------------------------------------------------- a new guide in Spanish

# English words that no sentence of a Spanish guide holds: with careprint's own English
# phrases, what tells an English word left in an output
ENGLISH_WORDS = re.compile(r"\b(?:the|and|you|your|with|this|page|chapter|worksheet|"
                           r"handout|support|help|contents|before|about)\b", re.I)


@pytest.mark.slow
def test_a_new_guide_in_spanish_has_no_english_word_in_any_output(tmp_path):
    project = tmp_path / "nueva"
    invoke("init", "--language", "es", project)
    assert 'language = "es"' in (project / "careprint.toml").read_text("utf-8")
    invoke("check", project)
    out = tmp_path / "out"
    invoke("build", project, "--out", out, "-j", "2")
    texts = {p.relative_to(out).as_posix(): markup_text(p.read_text("utf-8"))
             for p in out.rglob("*.html")}
    for epub in out.rglob("*.epub"):
        with zipfile.ZipFile(epub) as z:
            texts |= {f"{epub.name}/{n}": markup_text(z.read(n).decode("utf-8"))
                      for n in z.namelist() if n.endswith((".xhtml", ".ncx"))}
    pdfs = sorted(out.rglob("*.pdf"))
    assert len(pdfs) > 10
    texts |= {p.relative_to(out).as_posix(): pdf_text(p) for p in pdfs}
    phrases = english_phrases()
    leaks = {name: found for name, text in texts.items()
             if (found := english_found(text, phrases) + ENGLISH_WORDS.findall(text))}
    assert leaks == {}
    assert any("Antes de empezar" in t for t in texts.values())


def test_every_role_has_its_words_when_no_service_is_named(tmp_path):
    """`[[help:women]]` in a build for every region points to the support page in words of
    careprint's catalogue, as every other role does (it stopped the build with a KeyError)."""
    from careprint.source.region_view import HELP_PHRASES
    from careprint.source.regions import ROLES

    assert set(HELP_PHRASES) == set(ROLES)
    project = copy_fixture("minimal", tmp_path)
    chapter = next((project / "content" / "chapters").glob("*.md"))
    with chapter.open("a", encoding="utf-8") as fh:
        fh.write("\nYou can contact [[help:women]].\n")
    invoke("build", project, "-f", "html", "-j", "1")
    page = next((project / "build" / "everyone" / "html").glob("01-*.html"))
    assert "a support service for women</a>" in page.read_text("utf-8")
