"""`careprint check` in the guide's language (issue 28): Spanish readability, pressure words
and structural patterns; a language with no validated formula reported as not measured,
never as a pass; Spanish practices and phone links.

The fixtures: tests/fixtures/check-es is a small guide in Spanish that passes `careprint
check --strict`; tests/fixtures/check-ar lays an Arabic careprint.toml and chapter over it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from conftest import FIXTURES

from careprint.check import RULES, SCHEMA, run_checks
from careprint.cli import main

CHAPTER = "content/chapters/01-pasos-con-calma.md"
SOURCE_RULES = [r for r, rule in RULES.items() if not rule.outputs]


def spanish(tmp_path: Path, name: str = "es") -> Path:
    root = tmp_path / name
    shutil.copytree(FIXTURES / "check-es", root)
    return root


def arabic(tmp_path: Path) -> Path:
    root = spanish(tmp_path, "ar")
    shutil.rmtree(root / "content/chapters")
    shutil.copytree(FIXTURES / "check-ar", root, dirs_exist_ok=True)
    return root


def check(root: Path, *args) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["check", str(root), "--format", "json", *args],
                                prog_name="careprint")
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.output
    return result.exit_code, json.loads(result.stdout)


def text_report(root: Path, *args) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", str(root), *args], prog_name="careprint")
    return result.exit_code, result.output


def edit(root: Path, old: str, new: str, path: str = CHAPTER) -> None:
    file = root / path
    text = file.read_text()
    assert old in text, old
    file.write_text(text.replace(old, new))


def found(report: dict, rule: str) -> list[tuple[int, str]]:
    return [(f["line"], f["message"]) for f in report["findings"] if f["rule"] == rule]


# ---------------------------------------------------------------- a guide in Spanish


def test_a_plain_spanish_guide_passes_strict(tmp_path):
    """"Prueba esto" ends a chapter as "Try this" does; Fernández-Huerta measures it."""
    status, report = check(spanish(tmp_path), "--strict")
    assert report["findings"] == [] and status == 0 and report["passed"]
    assert report["not_checked"] == []
    assert set(report["rules"]) == set(SOURCE_RULES)  # every source rule ran, in Spanish
    rows = report["readability"]
    assert [(r["chapter"], r["language"], r["graded"]) for r in rows] == [
        ("01-pasos-con-calma", "es", True), ("02-un-lugar-tranquilo", "es", True)]
    for r in rows:
        assert r["fernandez_huerta"] >= r["min_ease"] == 70
        assert r["szigriszt_pazos"] > 0 and r["flesch_kincaid_grade"] is None
    import jsonschema

    jsonschema.validate(report, SCHEMA)


HARD = ("La consideración pormenorizada de las manifestaciones psicofisiológicas "
        "consecutivas a experiencias traumáticas interpersonales requiere necesariamente "
        "una conceptualización multidimensional, interdisciplinaria y longitudinal, "
        "fundamentada en investigaciones epidemiológicas internacionales contemporáneas "
        "sobre la disociación somatosensorial persistente.")


def test_a_hard_spanish_chapter_fails_with_its_fernandez_huerta_score(tmp_path):
    root = spanish(tmp_path)
    for old in ("La calma suele crecer despacio.", "¿Qué te ayuda a ti?",
                "La calma puede crecer poco a poco."):
        edit(root, old, HARD)
    status, report = check(root)
    row = next(r for r in report["readability"] if r["chapter"] == "01-pasos-con-calma")
    assert row["fernandez_huerta"] < 70
    assert status == 1
    assert found(report, "readability") == [(
        2, f"Fernández-Huerta reading ease {row['fernandez_huerta']:.1f} is below 70, the "
           f"lowest for this edition (Szigriszt-Pazos {row['szigriszt_pazos']:.1f}): use "
           "shorter sentences and everyday words")]


def test_the_spanish_threshold_is_set_in_careprint_toml(tmp_path):
    root = spanish(tmp_path)
    longer = ("Las emociones difíciles aparecen a veces sin avisar, y reconocerlas con "
              "paciencia facilita comprender lo que necesitas en cada momento. ")
    edit(root, "La calma suele crecer despacio.", longer * 2 + "La calma crece despacio.")
    status, report = check(root)
    assert status == 0 and found(report, "readability") == []  # about 92: above 70
    path = root / "careprint.toml"
    path.write_text(path.read_text() + "\n[check.readability]\nmin_ease_es = 95\n")
    status, report = check(root)
    assert status == 1
    assert [(line, m.split(",")[0]) for line, m in found(report, "readability")] == [
        (2, "Fernández-Huerta reading ease 92.6 is below 95")]


def test_an_editions_spanish_threshold_is_its_own(tmp_path):
    root = spanish(tmp_path)
    path = root / "careprint.toml"
    path.write_text(path.read_text().replace(
        "[review]", '[editions.groups]\ntitle = "Para grupos"\naudience = "Quienes llevan '
        'grupos"\ndescription = "Notas para grupos."\n\n[review]')
        + "\n[check.readability]\nsurvivors_es = 95\n")
    longer = ("Las emociones difíciles aparecen a veces sin avisar, y reconocerlas con "
              "paciencia facilita comprender lo que necesitas en cada momento. ")
    edit(root, "La calma suele crecer despacio.", longer * 2 + "La calma crece despacio.")
    status, report = check(root)
    assert status == 1
    assert [(f["file"], f["editions"]) for f in report["findings"]
            if f["rule"] == "readability"] == [(CHAPTER, ["survivors"])]  # about 92.6
    assert {r["edition"]: r["min_ease"] for r in report["readability"]} == \
        {"survivors": 95, "groups": 70}


def test_spanish_pressure_words_are_found_with_their_alternatives(tmp_path):
    root = spanish(tmp_path)
    edit(root, "La calma suele crecer despacio.", "Debes hacerlo. No te preocupes.")
    edit(root, "Un paso pequeño también es un paso.",
         "No tienes que hacerlo hoy. Solo tienes que respirar.")
    status, report = check(root, "--strict")
    assert status == 1
    assert sorted(found(report, "pressure-words")) == [
        (11, '"debes" can read as pressure; offer a choice instead, e.g. "puedes" or '
             '"si te sirve"'),
        (11, '"no te preocupes" can read as pressure; offer a choice instead, e.g. '
             '"está bien sentir dudas"'),
        # "no tienes que" gives permission; "solo tienes que" is reported, not "tienes que"
        (11, '"solo tienes que" can read as pressure; offer a choice instead, e.g. '
             '"puedes probar a"')]


def test_what_follows_a_spanish_phrase_can_change_what_it_means(tmp_path):
    """"les debes contacto" (you owe), "es fácil confundirlos" and "no pasa nada malo"
    press nobody; "debes descansar" and a bare "No pasa nada." do."""
    root = spanish(tmp_path)
    edit(root, "La calma suele crecer despacio.", "Nadie te obliga: no les debes contacto. "
         "Es fácil confundirlos. Di: no pasa nada malo.")
    edit(root, "Un paso pequeño también es un paso.", "Debes descansar. No pasa nada.")
    _, report = check(root, "--strict")
    assert [m.split(" can read")[0] for _, m in found(report, "pressure-words")] == \
        ['"debes"', '"no pasa nada"']


def test_no_before_debes_forbids_and_is_still_reported(tmp_path):
    root = spanish(tmp_path)
    edit(root, "La calma suele crecer despacio.", "No debes sentir culpa.")
    _, report = check(root, "--strict")
    assert [m.split(" can read")[0] for _, m in found(report, "pressure-words")] == \
        ['"debes"']


def test_a_spanish_chapter_ending_in_a_statement_has_nothing_to_do(tmp_path):
    root = spanish(tmp_path)
    edit(root, "## Prueba esto: una respiración lenta\n\nSi te parece bien, respira una vez "
         "despacio. Nota cómo te sientes. Si quieres, anota algo en "
         "[[worksheet:notas-de-calma]].", "## Más sobre el descanso\n\nEl descanso tiene "
         "muchas formas.")
    status, report = check(root)
    assert status == 1
    assert found(report, "ends-with-action") == [
        (26, "the last section, 'Más sobre el descanso', offers the reader nothing to do: "
             "end with a \"Prueba esto: ...\" section, a short practice or a "
             "[[worksheet:id]] to fill in")]


def test_a_spanish_invitation_heading_is_something_to_do(tmp_path):
    root = spanish(tmp_path)
    edit(root, "## Prueba esto: tu lugar en tres detalles", "## Si quieres, busca tu lugar",
         "content/chapters/02-un-lugar-tranquilo.md")
    status, report = check(root, "--strict")
    assert status == 0, report["findings"]


def test_spanish_generic_headings_and_link_texts(tmp_path):
    root = spanish(tmp_path)
    edit(root, "## Ideas que sirven a muchas personas", "## Introducción")
    edit(root, "[sitio web de la línea 988]", "[haz clic aquí]")
    _, report = check(root, "--strict")
    assert [line for line, _ in found(report, "informative-headings")] == [17]
    assert [line for line, _ in found(report, "link-text")] == [24]


def test_a_question_starts_a_new_sentence_in_spanish(tmp_path):
    """¿ and ¡ open a sentence: two sentences of 15 words are not one of 30."""
    root = spanish(tmp_path)
    fifteen = "uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce"
    edit(root, "¿Qué te ayuda a ti?", f"Hoy cuento {fifteen}. ¿Cuento {fifteen}?")
    status, report = check(root, "--strict")
    assert found(report, "long-sentence") == [] and status == 0, report["findings"]


# ---------------------------------------------------------------- a language not measured


def test_arabic_readability_is_not_measured_and_never_a_pass(tmp_path):
    root = arabic(tmp_path)
    status, report = check(root, "--strict")
    assert report["readability"] == []
    assert "readability" not in report["rules"]  # not a rule that ran and passed
    reasons = {n["rule"]: n["reason"] for n in report["not_checked"]}
    assert {n["language"] for n in report["not_checked"]} == {"ar"}
    assert reasons["readability"].startswith(
        "not measured: careprint has a validated readability formula for English "
        "(Flesch-Kincaid grade) and Spanish (Fernández-Huerta) only")
    assert {"pressure-words", "ends-with-action", "long-sentence"} <= set(reasons)
    assert not set(reasons) & set(report["rules"])
    assert "chapter-summary" in report["rules"]  # the rules that read no words still run
    import jsonschema

    jsonschema.validate(report, SCHEMA)
    status, text = text_report(root, "--strict")
    assert "Not checked in Arabic (ar), the guide's language:\n  readability: not measured: " \
        in text
    assert text.count("readability: not measured") == 1  # once, not once per chapter
    assert text.rstrip().endswith(f"; {len(reasons)} rules not checked in Arabic (ar) "
                                  "(listed above).")


def test_english_readability_is_unchanged_after_a_spanish_check(tmp_path):
    """textstat's language is global state: a Spanish check must not leak into English."""
    english = tmp_path / "en"
    shutil.copytree(FIXTURES / "check-clean", english)

    def figures():
        return [(r.flesch_kincaid_grade, r.smog_index)
                for r in run_checks(english).readability]
    before = figures()
    assert run_checks(spanish(tmp_path)).readability[0].fernandez_huerta is not None
    assert figures() == before


# ---------------------------------------------------------------- practices and phones


def test_prueba_esto_is_a_practice_panel_and_the_handouts_default(tmp_path):
    from careprint.render.handout_sections import handout_body
    from careprint.source.editions import apply_edition
    from careprint.source.load import load_project

    problems: list = []
    guide = load_project(spanish(tmp_path), problems)
    view = apply_edition(guide, "survivors", problems).chapters[0]
    assert problems == []
    assert view.html.count('<section class="practice">') == 1
    assert '<section class="practice"><h2>Prueba esto: una respiración lenta</h2>' in view.html
    assert handout_body(view).practice == "Prueba esto: una respiración lenta"


def test_spanish_contact_texts_link_sms_and_tel():
    from careprint.source.phones import link_numbers, phone_numbers

    assert phone_numbers("Envía AYUDA por mensaje de texto al 988") == [("988", "sms:988")]
    assert phone_numbers("Llama al 016") == [("016", "tel:016")]
    assert phone_numbers("Llama al 988 y marca 2 para español, o envía un SMS con la "
                         "palabra AYUDA al 988") == [("988", "tel:988"), ("988", "sms:988")]
    assert phone_numbers("puedes usar el teléfono de texto 900 116 016") == [
        ("900 116 016", "tel:900116016")]
    assert link_numbers("<p>Si estás en peligro, llama al 112.</p>") == \
        '<p>Si estás en peligro, llama al <a class="phone" href="tel:112">112</a>.</p>'
    assert link_numbers("<p>Escribe HOLA al 741741.</p>") == \
        '<p>Escribe HOLA al <a class="phone" href="sms:741741">741741</a>.</p>'


def test_every_spanish_phrase_is_in_docs_with_the_sources_of_the_list():
    from conftest import ROOT

    from careprint.source.lang_words import PRESSURE_WORDS

    section = (ROOT / "docs/checks.md").read_text().split("#### `pressure-words`", 1)[1]
    section = section.split("\n#### ", 1)[0]
    for phrase, suggestion in PRESSURE_WORDS["es"].items():
        assert f"| {phrase} | {suggestion} |" in section, phrase
    sources = " ".join(section.split("**Sources of the Spanish list.**", 1)[1].split())
    for cited in ("SAMHSA (2014), *TIP 57", "García Muñoz, Ó. (2012)", "UNE 153101:2018",
                  "Fernández Huerta, J. (1959)", "Szigriszt Pazos, F. (1993)"):
        assert cited in sources, cited


def test_a_rule_names_its_languages_as_codes():
    import pytest

    from careprint.check.registry import HEALTH_LITERACY, RuleError, rule

    with pytest.raises(RuleError, match="`languages` is a tuple of language codes"):
        rule("no-such-language-rule", "chapter", group=HEALTH_LITERACY, doc="nothing",
             languages="en")


def test_no_and_an_opening_guillemet_end_and_start_spanish_sentences():
    """"no." ends a Spanish sentence ("... o ahora no. También ...") unless a number
    follows ("No. 5"), and « opens one: the translators' two false long sentences."""
    from careprint.check.text import Text, sentences

    def count(text: str) -> int:
        return len(sentences(Text.of([(1, text)])))

    assert count("Marca bien, quizá o ahora no. También puedes dejarla vacía.") == 2
    assert count("Un límite claro ayuda. «Prefiero hablarlo mañana» es una frase.") == 2
    assert count("See form No. 5 in the pack. It is short.") == 2  # a number: one sentence
