"""Issue 28: translations that stay in step, and a guide built in a language.

tests/fixtures/translations is a small guide (two editions; a chapter, a worksheet, a
glossary and resources) whose `readers` edition is translated into Spanish in
content/translations/es/, each file marked (source_digest and a snapshot in .sources/).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, epubcheck, epubcheck_problems, run_careprint

from careprint.check import run_checks
from careprint.pipeline.build import build
from careprint.source import translations as tr
from careprint.source.load import load_project

ES = "content/translations/es"


def sums(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".careprint" not in p.parts}


def epub_words(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8") for n in z.namelist()
                         if n.endswith(".xhtml"))


def findings(root: Path, rule: str = "translation-in-step", **kw) -> list:
    return [f for f in run_checks(root, **kw).findings if f.rule == rule]


@pytest.fixture
def guide(fixture_project) -> Path:
    return fixture_project("translations")


# ---------------------------------------------------------------- a build in a language


def test_a_language_builds_into_its_own_folder_and_leaves_the_source_build_alone(guide):
    out = guide / "build"
    build(guide, formats=["epub"], out=out)
    english = sums(out / "readers")
    report = build(guide, formats=["epub"], out=out, language="es")
    folder = out / "languages" / "es"
    assert report.out_dir == folder
    assert sums(out / "readers") == english  # untouched
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        "index.html", "readers"]
    epub = folder / "readers" / "tiny-es-readers.epub"  # the helpers' edition is not built
    text = epub_words(epub)
    assert "Mantener la calma" in text and "Mi registro de respiración" in text
    assert "Anclaje" in text and "Línea de prueba" in text and "Guía pequeña" in text
    assert "Staying calm" not in text and "Test Helpline" not in text
    assert "only helpers read" not in text
    assert 'alt="Un punto oscuro y tranquilo"' in text  # its image, found where the source's is
    with zipfile.ZipFile(epub) as z:
        opf = z.read("EPUB/content.opf").decode()
    assert "<dc:language>es</dc:language>" in opf
    assert (folder / "readers" / "SHA256SUMS").read_text().endswith(
        "  tiny-es-readers.epub\n")


def test_a_language_and_a_region_build_together(guide):
    report = build(guide, formats=["epub"], out=guide / "build", language="es", region="ES")
    assert report.out_dir == guide / "build" / "languages" / "es" / "regions" / "es"
    text = epub_words(report.out_dir / "readers" / "tiny-es-es-readers.epub")
    assert "Línea de prueba en España" in text and "Llama al 000" not in text


def test_list_names_the_outputs_of_a_language(guide):
    proc = run_careprint("list", guide, "--language", "es", "--format", "json", check=True)
    found = json.loads(proc.stdout)
    assert found["language"] == "es"
    assert [e["id"] for e in found["editions"]] == ["readers"]
    assert "build/languages/es/readers/tiny-es-readers.epub" in found["editions"][0][
        "outputs"]["epub"]


def test_a_missing_translation_is_an_error_naming_both_files(guide):
    (guide / ES / "chapters" / "02-calm.md").unlink()
    proc = run_careprint("build", guide, "--language", "es", "-f", "epub")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert f"{ES}/chapters/02-calm.md: not found: the readers edition in es needs a " \
        "translation of content/chapters/02-calm.md" in proc.stderr
    assert "fallback = true" in proc.stderr
    assert not (guide / "build" / "languages").exists()


@pytest.mark.allow_warnings
def test_fallback_prints_the_source_and_names_each_file_that_fell_back(guide):
    (guide / ES / "chapters" / "02-calm.md").unlink()
    toml = guide / "careprint.toml"
    toml.write_text(toml.read_text().replace('regions = ["GB", "ES"]\n\n[languages.es.text',
                                             'regions = ["GB", "ES"]\nfallback = true\n\n'
                                             '[languages.es.text'))
    report = build(guide, formats=["epub"], out=guide / "build", language="es")
    text = epub_words(report.out_dir / "readers" / "tiny-es-readers.epub")
    assert "Staying calm" in text and "Hola" in text
    assert [w for w in report.warnings if "fell" in w or "no translation" in w] == [
        f"content/chapters/02-calm.md has no translation into es ({ES}/chapters/02-calm.md):"
        " the build prints its text in the source language"]


def test_careprint_toml_words_need_a_translation_too(guide):
    toml = guide / "careprint.toml"
    toml.write_text(toml.read_text().replace('subtitle = "Pequeña y tranquila"\n', ""))
    proc = run_careprint("build", guide, "--language", "es", "-f", "epub")
    assert proc.returncode == 1
    assert "careprint.toml: languages.es.text.guide.subtitle: missing: the es guide needs " \
        "careprint.toml's guide.subtitle in es" in proc.stderr


@pytest.mark.parametrize(("table", "message"), [
    ('editions = ["readers", "others"]', "languages.es.editions: 'others' is not an edition"),
    ('editions = ["readers"]\nregions = ["Spain"]', "'Spain' is not an ISO 3166 code"),
])
def test_a_wrong_languages_table_is_an_error_at_its_key(guide, table, message):
    toml = guide / "careprint.toml"
    toml.write_text(toml.read_text().replace('editions = ["readers"]\nregions = ["GB", "ES"]',
                                             table))
    proc = run_careprint("build", guide, "--language", "es", "-f", "epub")
    assert proc.returncode == 1 and message in proc.stderr and "Traceback" not in proc.stderr


def test_an_unknown_language_names_the_ones_there_are(guide):
    proc = run_careprint("build", guide, "--language", "fr", "-f", "epub")
    assert proc.returncode == 1
    assert "--language fr: careprint.toml has no [languages.fr] table; this guide's " \
        "translations: es" in proc.stderr


def test_an_incremental_rebuild_after_editing_a_translation_equals_a_forced_one(guide):
    out, forced = guide / "build", guide / "forced"
    build(guide, formats=["epub", "html"], out=out, language="es")
    before = sums(out / "languages" / "es")
    path = guide / ES / "chapters" / "02-calm.md"
    path.write_text(path.read_text().replace("Un segundo párrafo", "Otro párrafo"))
    build(guide, formats=["epub", "html"], out=out, language="es")
    build(guide, formats=["epub", "html"], out=forced, language="es", force=True)
    after = sums(out / "languages" / "es")
    assert after != before
    assert after == sums(forced / "languages" / "es")


# ---------------------------------------------------------------- staying in step


def edit_source(guide: Path) -> None:
    path = guide / "content" / "chapters" / "02-calm.md"
    path.write_text(path.read_text().replace("A second paragraph about calm.",
                                             "A second paragraph about calm, rewritten."))


def test_check_names_the_translation_and_the_source_lines_that_changed(guide):
    assert findings(guide) == []
    edit_source(guide)
    found = findings(guide)
    assert [(f.file, f.line, f.severity) for f in found] == [
        (f"{ES}/chapters/02-calm.md", 2, "warning")]
    assert found[0].message == (
        "translates an older content/chapters/02-calm.md: line 9 changed since; update the "
        f"translation, then run careprint translations mark {ES}/chapters/02-calm.md")
    assert [f.file for f in findings(guide, language="es")] == [f"{ES}/chapters/02-calm.md"]


def test_without_a_snapshot_check_says_it_cannot_name_the_lines(guide):
    shutil.rmtree(guide / ES / ".sources")
    edit_source(guide)
    (found,) = findings(guide)
    assert "it changed since, and careprint cannot name the lines: no copy of the source " \
        f"as it was is kept in {ES}/.sources/chapters/02-calm.md" in found.message


def test_check_translations_lists_every_state(guide):
    edit_source(guide)
    (guide / ES / "glossary.yaml").unlink()
    (guide / ES / "chapters" / "09-gone.md").write_text("---\ntitle: Ya no\n---\nTexto.\n")
    proc = run_careprint("check", guide, "--translations")
    assert proc.returncode == 1
    states = {line[16:]: line[:15].strip() for line in proc.stdout.splitlines()
              if line[:1].strip() and "content/" in line}
    assert states == {
        f"{ES}/chapters/01-hello.md": "up to date",
        f"{ES}/chapters/02-calm.md": "source changed",
        f"{ES}/worksheets/breath-log.yaml": "up to date",
        f"{ES}/glossary.yaml": "missing",
        f"{ES}/resources/lines.yaml": "up to date",
        f"{ES}/chapters/09-gone.md": "no source",
    }
    assert proc.stdout.splitlines()[-1] == "4 up to date, 1 source changed, 1 missing, " \
        "1 no source" or "1 missing" in proc.stdout.splitlines()[-1]
    data = json.loads(run_careprint("check", guide, "--translations", "--format",
                                    "json").stdout)
    by_file = {t["translation"]: t for t in data["translations"]}
    assert by_file[f"{ES}/chapters/01-hello.md"]["state"] == "up to date"
    assert by_file[f"{ES}/chapters/02-calm.md"]["state"] == "source changed"
    assert by_file[f"{ES}/chapters/02-calm.md"]["changed_lines"] == [[9, 9]]
    assert by_file[f"{ES}/glossary.yaml"]["state"] == "missing"
    assert by_file[f"{ES}/chapters/09-gone.md"]["state"] == "no source"


def test_marking_a_translation_makes_the_check_pass_again(guide):
    edit_source(guide)
    assert findings(guide)
    proc = run_careprint("translations", "mark", f"{ES}/chapters/02-calm.md", cwd=guide,
                         check=True)
    assert proc.stdout.splitlines() == [f"wrote {ES}/chapters/02-calm.md",
                                        f"wrote {ES}/.sources/chapters/02-calm.md"]
    assert findings(guide) == []
    snapshot = guide / ES / ".sources" / "chapters" / "02-calm.md"
    assert snapshot.read_bytes() == (guide / "content" / "chapters" / "02-calm.md").read_bytes()


def test_mark_writes_only_translations(guide):
    proc = run_careprint("translations", "mark", "content/chapters/02-calm.md", cwd=guide)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "content/chapters/02-calm.md: not a translation" in proc.stderr



def test_mark_writes_nothing_through_a_link_out_of_the_project(guide, tmp_path):
    """The snapshot folder a link to elsewhere: mark refuses before writing anything, as
    every command that reads the project does (guard/confine.py)."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    sources = guide / "content" / "translations" / "es" / ".sources"
    shutil.rmtree(sources, ignore_errors=True)
    sources.symlink_to(outside, target_is_directory=True)
    name = next((guide / "content" / "translations" / "es" / "chapters").glob("*.md"))
    before = name.read_bytes()
    proc = run_careprint("translations", "mark", str(name.relative_to(guide)), cwd=guide)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "outside the project" in proc.stderr or "leads out" in proc.stderr, proc.stderr
    assert list(outside.iterdir()) == [] and name.read_bytes() == before



def test_the_library_page_links_each_language_once_it_is_built(guide):
    """A clinician opens build/index.html: the guide's translations are named there in
    their own language, and linked once `build --language` has made them."""
    run_careprint("build", guide, "-f", "epub", check=True)
    page = (guide / "build" / "index.html").read_text("utf-8")
    assert '<h2 id="languages">In other languages</h2>' in page
    assert '<strong lang="es">Español</strong>' in page
    assert "not built yet (careprint build --language es)" in page
    run_careprint("build", guide, "--language", "es", "-f", "epub", check=True)
    page = (guide / "build" / "index.html").read_text("utf-8")
    assert '<a href="languages/es/index.html" hreflang="es" lang="es">Español</a>' in page
    assert "not built yet" not in page
    spanish = (guide / "build" / "languages" / "es" / "index.html").read_text("utf-8")
    assert 'id="languages"' not in spanish  # the Spanish page lists its own files


# ---------------------------------------------------------------- the bundled guide in Spanish


def spanish_epub_problems(build_dir: Path) -> tuple[list[str], str]:
    """(EPUBCheck's problems, the text) of the bundled guide's Spanish survivors' EPUB."""
    epub = build_dir / "languages" / "es" / "survivors" / "safe-to-feel-es-survivors.epub"
    return epubcheck_problems(epubcheck(epub)), epub_words(epub)


def test_the_bundled_guide_in_spanish_passes_epubcheck_and_reads_in_spanish(bundled_build):
    problems, text = spanish_epub_problems(bundled_build)
    assert problems == []
    for words in ("Primero, la seguridad", "Mi mapa de comodidad", "Anclaje",
                  "y marca 2 para español", "Línea 024", "A salvo para sentir"):
        assert words in text
    assert 'xml:lang="es"' in text or 'lang="es"' in text
    # the partners' passages and the English services are not in it
    assert "Crisis lines: US 988" not in text and "Call or text 988" not in text


def test_the_digest_is_read_and_written_in_the_front_matter_only(guide):
    path = guide / ES / "chapters" / "01-hello.md"
    text = path.read_text().replace("source_digest:", "summary_note:", 1)
    text = text.replace("Puedes parar", "source_digest: 0000000000000000\n\nPuedes parar")
    path.write_text(text.replace("summary_note: ", "# ", 1))
    states = {s.translation: s.state for s in tr.states(load_project(guide))}
    assert states[f"{ES}/chapters/01-hello.md"] == tr.NOT_MARKED
    tr.mark(guide, str(path))
    marked = path.read_text()
    assert marked.startswith("---\nsource_digest: ")
    assert "\nsource_digest: 0000000000000000\n" in marked  # the body's line, left as it was
    assert {s.state for s in tr.states(load_project(guide))} == {tr.UP_TO_DATE}


def test_check_outputs_of_a_language_looks_in_its_folder_and_says_how_to_build_it(guide):
    build(guide, formats=["epub"], out=guide / "build")  # the source language's only
    found = findings(guide, "outputs", language="es", outputs=True,
                     output_formats=["epub"])
    assert [(f.file, f.message) for f in found] == [
        ("build/languages/es/readers",
         "build/languages/es/readers/tiny-es-readers.epub not found: run `careprint build "
         "--language es --edition readers --format epub` (with --out, and check with "
         "--build-dir), then check again")]


def test_check_outputs_says_how_to_rebuild_a_languages_older_outputs(guide):
    build(guide, formats=["epub"], out=guide / "build", language="es")
    path = guide / ES / "chapters" / "02-calm.md"
    path.write_text(path.read_text().replace("Un segundo párrafo", "Otro párrafo"))
    found = findings(guide, "outputs", language="es", outputs=True, output_formats=["epub"])
    assert [f.message for f in found] == [
        "build/languages/es/readers/tiny-es-readers.epub was built from older sources than "
        "the project has now: run `careprint build --language es --edition readers "
        "--format epub`, then check again"]


def test_careprint_toml_markers_for_the_source_language_are_not_unused_in_another(guide):
    toml = guide / "careprint.toml"
    toml.write_text(toml.read_text().replace(
        '[resources]\nregions = ["GB", "ES"]',
        '[resources]\nregions = [\n  "GB",\n  "ES",\n'
        '  # careprint: allow resource-coverage: no service in France is checked yet\n'
        '  "FR",\n]'))
    assert findings(guide, "resource-coverage") == findings(guide, "allow-marker") == []
    assert findings(guide, "allow-marker", language="es") == []


def test_the_bundled_guide_in_spanish_passes_check_strict_with_its_outputs(bundled_build):
    """Issue 28: `careprint check --strict` in Spanish, with the Spanish EPUB's outputs
    checked too: EPUBCheck and Ace by DAISY find nothing, and the Spanish rules
    (readability by Fernández-Huerta, the Spanish pressure words) pass."""
    proc = run_careprint("check", ROOT, "--strict", "--language", "es", "--outputs",
                         "--output-format", "epub", "--build-dir", bundled_build,
                         "--format", "json", timeout=900)
    report = json.loads(proc.stdout)
    assert proc.returncode == 0, report["findings"]
    assert {"epubcheck", "ace", "readability", "pressure-words"} <= set(report["rules"])
    assert {r["language"] for r in report["readability"]} == {"es"}
    assert all(r["fernandez_huerta"] >= 70 for r in report["readability"])
