"""`careprint check`: every rule fires on a fixture made to trigger it, at the right
file:line, with the right exit status, and stays quiet on fixtures that do not trigger it;
the bundled guide passes --strict with no findings; the JSON report follows its schema.

The fixtures: tests/fixtures/check-clean is a small guide that passes `careprint check
--strict` (and `--outputs`) with nothing to report. Each tests/fixtures/check-<case>/ holds
only the files that differ from it; `project(tmp_path, "check-<case>")` copies check-clean
and lays the case over it. EPUBCheck and Ace by DAISY are never skipped: a missing tool
fails the test (`sh scripts/install-ace.sh` installs Ace).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT, run_careprint

from careprint.check import RULES, SCHEMA, SCHEMA_ID, run_checks
from careprint.check.registry import check_options
from careprint.cli import main

TODAY = dt.date.fromisoformat(os.environ["CAREPRINT_TODAY"])  # conftest.py
EXTRA = "content/chapters/02-extra.md"
CLEAN_CHAPTER = "content/chapters/01-calm-steps.md"
OUTPUT_FORMATS = ("pdf", "handouts", "epub", "worksheets")
SOURCE_RULES = [r for r, rule in RULES.items() if not rule.outputs]


def project(tmp_path: Path, case: str | None = None, name: str = "guide") -> Path:
    """check-clean, its resources verified today, with tests/fixtures/CASE laid over it."""
    root = Path(tmp_path) / name
    shutil.copytree(FIXTURES / "check-clean", root)
    lines = root / "content/resources/lines.yaml"
    lines.write_text(re.sub(r"verified_on: \S+", f"verified_on: {TODAY.isoformat()}",
                            lines.read_text()))
    if case:
        shutil.copytree(FIXTURES / case, root, dirs_exist_ok=True)
    return root


def check(root: Path, *args) -> tuple[int, dict]:
    """Run `careprint check ROOT ARGS --format json` in-process: (exit status, report)."""
    result = CliRunner().invoke(main, ["check", str(root), "--format", "json", *map(str, args)],
                                prog_name="careprint")
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.output
    return result.exit_code, json.loads(result.stdout)


def places(report: dict, rule: str | None = None) -> list[str]:
    return [f"{f['file']}:{f['line']}" if f["line"] else f["file"]
            for f in report["findings"] if rule is None or f["rule"] == rule]


def add_config(root: Path, toml: str) -> None:
    path = root / "careprint.toml"
    path.write_text(path.read_text() + "\n" + toml + "\n")


# ---------------------------------------------------------------- every source rule

# (case, rule, the findings' file:line, severity, editions)
TRIGGERS = [
    ("check-readability", "readability", [f"{EXTRA}:2"], "error", ["survivors"]),
    ("check-long-sentence", "long-sentence", [f"{EXTRA}:10"], "warning", ["survivors", "groups"]),
    ("check-long-paragraph", "long-paragraph", [f"{EXTRA}:10"], "warning",
     ["survivors", "groups"]),
    ("check-chapter-summary", "chapter-summary", [f"{EXTRA}:2"], "error", ["survivors", "groups"]),
    ("check-key-points", "key-points", [f"{EXTRA}:2"], "error", ["survivors", "groups"]),
    ("check-ends-with-action", "ends-with-action", [f"{EXTRA}:12"], "error",
     ["survivors", "groups"]),
    ("check-informative-headings", "informative-headings", [f"{EXTRA}:8"], "warning",
     ["survivors", "groups"]),
    ("check-jargon", "jargon", [f"{EXTRA}:10", "content/chapters/03-more.md:10"], "warning",
     ["survivors", "groups"]),
    ("check-pressure-words", "pressure-words", [f"{EXTRA}:10"], "warning",
     ["survivors", "groups"]),
    ("check-content-note", "content-note", [f"{EXTRA}:7"], "warning", ["survivors", "groups"]),
    ("check-crisis-resources", "crisis-resources", ["content/resources/lines.yaml:1"], "error",
     []),
    ("check-resource-verified", "resource-verified", ["content/resources/lines.yaml:7"],
     "error", []),  # checked more than [resources] max_age_days ago
    ("check-resource-coverage", "resource-coverage", ["content/resources"], "error", []),
    ("check-emergency-number", "emergency-number", [f"{EXTRA}:10"], "warning",
     ["survivors", "groups"]),
    ("check-review-record", "review-record", ["careprint.toml"], "warning", []),
    ("check-image-alt", "image-alt", [f"{EXTRA}:10"], "error", ["survivors", "groups"]),
    ("check-heading-levels", "heading-levels", [f"{EXTRA}:10"], "error", ["survivors", "groups"]),
    ("check-link-text", "link-text", [f"{EXTRA}:10", f"{EXTRA}:12"], "warning",
     ["survivors", "groups"]),
    ("check-table-headers", "table-headers", [f"{EXTRA}:10"], "error", ["survivors", "groups"]),
    ("check-language", "language", ["careprint.toml:9"], "error", []),
    ("check-project", "project", [f"{EXTRA}:10"], "error", ["survivors", "groups"]),
    ("check-translation-in-step", "translation-in-step",
     ["content/translations/es/chapters/01-calm-steps.md:2"], "warning", []),
]


def test_every_source_rule_has_a_trigger_fixture():
    assert {t[1] for t in TRIGGERS} | {"allow-marker"} == set(SOURCE_RULES) | {"project"}


@pytest.mark.parametrize("case, rule, where, severity, editions", TRIGGERS,
                         ids=[t[1] for t in TRIGGERS])
def test_rule_triggers(tmp_path, case, rule, where, severity, editions):
    root = project(tmp_path, case)
    status, report = check(root)
    assert places(report, rule) == where, report["findings"]
    found = [f for f in report["findings"] if f["rule"] == rule]
    assert all(f["severity"] == severity and f["editions"] == editions for f in found), found
    assert all(f["message"] and "\n" not in f["message"] for f in found)
    # the case triggers this rule and nothing else
    assert places(report) == where, report["findings"]
    if severity == "error":
        assert status == 1 and report["exit_status"] == 1 and not report["passed"]
    else:
        assert status == 0 and report["passed"]
        strict_status, strict = check(root, "--strict")
        assert strict_status == 1 and strict["exit_status"] == 1 and not strict["passed"]


def test_the_clean_fixture_triggers_no_rule(tmp_path):
    status, report = check(project(tmp_path), "--strict")
    assert status == 0, report["findings"]
    assert report["findings"] == [] and report["passed"]
    assert report["summary"] == {"errors": 0, "warnings": 0, "silenced": 0}
    assert set(report["rules"]) == set(SOURCE_RULES)  # every source rule ran
    assert [(r["chapter"], r["edition"], r["graded"]) for r in report["readability"]] == [
        ("01-calm-steps", "survivors", True), ("01-calm-steps", "groups", True)]


@pytest.mark.parametrize("crisis_line, lengths", [
    # measured: 89 characters broke "116 / 123" across the footer of an A4 handout
    ("In the US call or text 988 at any time. In the UK and Ireland call Samaritans on "
     "116 123.", ["is 89 characters"]),
    # and a 60-character sentence broke "on / 116 123" in large print's footer
    ("In the US call 988. In the UK and Ireland please call the Samaritans on 116 123.",
     ['"In the UK and Ireland please call the Samaritans on 116 123." is 60 characters']),
    # the bundled guide's line fits both
    ("In the US call or text 988. In the UK and Ireland call Samaritans on 116 123.", []),
])
def test_a_crisis_line_too_long_for_the_footer_is_a_warning_at_its_line(tmp_path, crisis_line,
                                                                         lengths):
    root = project(tmp_path)
    add_config(root, f'[formats.pdf]\ncrisis_line = "{crisis_line}"')
    line = root.joinpath("careprint.toml").read_text().split("\n").index(
        f'crisis_line = "{crisis_line}"') + 1
    status, report = check(root)
    found = [f for f in report["findings"] if f["rule"] == "crisis-resources"]
    assert [f"{f['file']}:{f['line']}" for f in found] == [f"careprint.toml:{line}"] * len(
        lengths), report["findings"]
    assert all(f["severity"] == "warning" for f in found) and status == 0
    for f, length in zip(found, lengths, strict=True):
        assert length in f["message"] and "[formats.pdf] crisis_line" in f["message"], f
    assert check(root, "--strict")[0] == (1 if lengths else 0)


def test_readability_thresholds_are_per_edition(tmp_path):
    root = project(tmp_path, "check-readability")
    _, report = check(root)
    rows = {r["edition"]: r for r in report["readability"] if r["chapter"] == "02-extra"}
    assert rows["survivors"]["max_grade"] == 8 and rows["groups"]["max_grade"] == 10
    fk = rows["survivors"]["flesch_kincaid_grade"]
    assert 8 < fk <= 10 and rows["groups"]["flesch_kincaid_grade"] == fk
    assert rows["survivors"]["smog_index"] > 0
    finding = next(f for f in report["findings"] if f["rule"] == "readability")
    assert f"grade {fk:.1f} is above 8" in finding["message"] and "SMOG" in finding["message"]
    # checking only the groups edition: grade 10 allows it
    status, report = check(root, "--edition", "groups")
    assert status == 0 and report["findings"] == [] and report["editions"] == ["groups"]


def test_edition_only_passages_are_checked_in_their_edition(tmp_path):
    root = project(tmp_path)
    chapter = root / "content/chapters/01-calm-steps.md"
    text = chapter.read_text().replace("Invite people to try one idea.",
                                       "Everyone must try one idea.")
    chapter.write_text(text)
    line = text.split("\n").index("Everyone must try one idea. Sharing is always optional.") + 1
    _, report = check(root)
    assert [(f["rule"], f["line"], f["editions"]) for f in report["findings"]] == [
        ("pressure-words", line, ["groups"])]
    status, report = check(root, "--edition", "survivors", "--strict")
    assert status == 0 and report["findings"] == []


def test_pressure_words_suggest_a_choice(tmp_path):
    _, report = check(project(tmp_path, "check-pressure-words"))
    (finding,) = report["findings"]
    assert finding["message"].startswith('"must" can read as pressure; offer a choice')
    assert '"you can"' in finding["message"]


def test_a_negation_gives_permission(tmp_path):
    root = project(tmp_path)
    chapter = root / "content/chapters/01-calm-steps.md"
    chapter.write_text(chapter.read_text().replace(
        "You can also stop at any time.",
        "You do not have to explain, nobody needs to share and you don't have to finish."))
    status, report = check(root, "--strict")
    assert status == 0 and report["findings"] == []
    chapter.write_text(chapter.read_text().replace("nobody needs to share",
                                                   "you need to share"))
    assert places(check(root)[1]) == ["content/chapters/01-calm-steps.md:11"]


def test_pressure_words_in_front_matter_and_worksheets(tmp_path):
    root = project(tmp_path)
    ws = root / "content/worksheets/calm-notes.yaml"
    ws.write_text(ws.read_text().replace("label: What helped today?",
                                         "label: What should I have done?"))
    chapter = root / "content/chapters/01-calm-steps.md"
    chapter.write_text(chapter.read_text().replace("  - Small steps count.",
                                                   "  - Do not worry about failure."))
    _, report = check(root)
    assert sorted(places(report, "pressure-words")) == [
        "content/chapters/01-calm-steps.md:5", "content/worksheets/calm-notes.yaml:10"]


def test_jargon_messages(tmp_path):
    _, report = check(project(tmp_path, "check-jargon"))
    by_file = {f["file"]: f["message"] for f in report["findings"]}
    assert "never links it: write [[glossary:grounding]]" in by_file[EXTRA]
    assert "before its glossary link on line 12" in by_file["content/chapters/03-more.md"]


def test_key_points_messages_count_what_the_chapter_has(tmp_path):
    root = project(tmp_path, "check-key-points")
    _, report = check(root)
    (none,) = [f["message"] for f in report["findings"] if f["rule"] == "key-points"]
    assert none.startswith("this chapter lists no key points: add `key_points:`")
    extra = root / EXTRA
    extra.write_text(extra.read_text().replace("summary:", "key_points: [One point.]\nsummary:",
                                               1))
    _, report = check(root)
    (one,) = [f["message"] for f in report["findings"] if f["rule"] == "key-points"]
    assert one == ("this chapter lists only 1 key point: give `key_points:` 2 or more short "
                   "points")


def test_a_decorative_image_needs_no_alt_text(tmp_path):
    status, report = check(project(tmp_path, "check-image-decorative"), "--strict")
    assert status == 0 and report["findings"] == []


def test_resource_verified_today_passes_and_a_future_date_does_not(tmp_path):
    root = project(tmp_path)
    assert check(root, "--strict")[0] == 0
    lines = root / "content/resources/lines.yaml"
    future = TODAY + dt.timedelta(days=40)
    lines.write_text(lines.read_text().replace(f"verified_on: {TODAY}",
                                               f"verified_on: {future}", 1))
    _, report = check(root)
    assert places(report) == ["content/resources/lines.yaml:7"]
    assert "in the future" in report["findings"][0]["message"]


# ---------------------------------------------------------------- configuration


@pytest.mark.parametrize("case, toml", [
    ("check-long-sentence", "[check.long-sentence]\nmax_words = 40"),
    ("check-long-paragraph", "[check.long-paragraph]\nmax_sentences = 6"),
    ("check-readability", "[check.readability]\nsurvivors = 10"),
    ("check-content-note", "[check.content-note]\nmax_words = 40"),
    ("check-resource-verified", "[resources]\nmax_age_days = 3650"),
    ("check-pressure-words", '[check.pressure-words]\nignore = ["must"]'),
    ("check-informative-headings", '[check.informative-headings]\ngeneric = ["overview"]'),
    ("check-link-text", "[check.link-text]\nenabled = false"),
    ("check-heading-levels", "[check.heading-levels]\nenabled = false"),
], ids=lambda v: v if v.startswith("check-") else "")
def test_thresholds_and_switches_in_careprint_toml(tmp_path, case, toml):
    root = project(tmp_path, case)
    assert check(root)[1]["findings"], "the case triggers its rule before it is configured"
    add_config(root, toml)
    status, report = check(root, "--strict")
    assert status == 0 and report["findings"] == [], report["findings"]


def test_severity_can_be_changed(tmp_path):
    root = project(tmp_path, "check-pressure-words")
    assert check(root)[0] == 0
    add_config(root, '[check.pressure-words]\nseverity = "error"')
    status, report = check(root)
    assert status == 1 and report["findings"][0]["severity"] == "error"


def test_pressure_word_list_can_be_extended(tmp_path):
    root = project(tmp_path)
    add_config(root, '[check.pressure-words.add]\n"feel rushed" = \'"want more time"\'')
    lines = (root / "content/chapters/01-calm-steps.md").read_text().split("\n")
    line = next(i for i, t in enumerate(lines, 1) if "feel rushed" in t)  # in a table
    _, report = check(root)
    assert places(report) == [f"content/chapters/01-calm-steps.md:{line}"]
    assert '"want more time"' in report["findings"][0]["message"]


def test_an_unknown_rule_id_is_an_error(tmp_path):
    root = project(tmp_path)
    add_config(root, "[check.readabilty]\nmax_grade = 9\n\n[check.long-sentence]\nmax_wrds = 3")
    status, report = check(root)
    assert status == 1
    messages = [(f["rule"], f["file"], f["message"]) for f in report["findings"]]
    assert ("project", "careprint.toml",
            "check.readabilty: unknown rule; did you mean 'readability'? expected one of: "
            + ", ".join(RULES)) in messages
    assert any(m.startswith("check.long-sentence.max_wrds: unknown key") for _, _, m in messages)
    # build refuses the same config, naming the key path
    proc = run_careprint("build", root, "--format", "epub")
    assert proc.returncode == 1
    assert re.search(r"careprint\.toml:\d+: check\.readabilty: unknown rule", proc.stderr)


def test_readability_keys_must_be_editions(tmp_path):
    root = project(tmp_path)
    add_config(root, '[check.readability]\npartners = 8\ngroups = "ten"')
    _, report = check(root)
    messages = sorted(f["message"] for f in report["findings"])
    assert messages[0] == "check.readability.groups: expected a number"
    assert messages[1].startswith("check.readability.partners: unknown key; expected one of: "
                                  "enabled, severity, max_grade, min_ease_es, min_words, "
                                  "survivors, groups")


def test_every_rule_has_options_and_defaults():
    for rule_id, rule in RULES.items():
        opts = check_options()[rule_id]
        assert opts["enabled"].default is True
        assert rule.default_severity in ("error", "warning")
        assert all(o.doc for o in opts.values())


# ---------------------------------------------------------------- inline markers


def test_markers_silence_one_rule_at_one_place(tmp_path):
    root = project(tmp_path, "check-marker")
    status, report = check(root, "--strict")
    assert status == 0 and report["findings"] == []
    assert report["summary"]["silenced"] == 2
    # the marker silences only the lines it is on or before
    extra = root / EXTRA
    extra.write_text(extra.read_text() + "\nYou must rest.\n")
    _, report = check(root)
    assert places(report) == [f"{EXTRA}:19"]


def test_bad_and_unused_markers_are_reported(tmp_path):
    _, report = check(project(tmp_path, "check-allow-marker"))
    assert [(f["rule"], f["line"]) for f in report["findings"]] == [
        ("allow-marker", 10), ("pressure-words", 11), ("allow-marker", 13)]
    messages = [f["message"] for f in report["findings"]]
    assert "'pressure-word' is not a rule" in messages[0]
    assert "nothing here needs it any more" in messages[2]


def test_markers_are_stripped_from_the_outputs(tmp_path):
    from careprint.source.markup import markdown_to_xhtml

    html = markdown_to_xhtml("<!-- careprint: allow pressure-words: why -->\nYou must.\n\n"
                             "Text <!-- careprint: allow jargon --> more.")
    assert "careprint" not in html and "<p>You must.</p>" in html
    root = project(tmp_path, "check-marker")
    run_careprint("build", root, "--format", "epub", "--edition", "survivors", check=True)
    epub = root / "build/survivors/calm-steps-survivors.epub"
    with zipfile.ZipFile(epub) as z:
        text = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    assert "you must feel something" in text
    assert "careprint: allow" not in text and "<!--" not in text


# ---------------------------------------------------------------- the report


def test_text_report_is_grouped_by_file(tmp_path):
    root = project(tmp_path, "check-jargon")
    result = CliRunner().invoke(main, ["check", str(root)], prog_name="careprint")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == EXTRA
    assert lines[1].startswith(f"  {EXTRA}:10: warning: jargon: 'Grounding' is a glossary")
    assert lines[1].endswith(" [survivors, groups]")
    assert lines[2] == ""
    assert lines[3] == "content/chapters/03-more.md"
    assert lines[4].startswith("  content/chapters/03-more.md:10: warning: jargon: ")
    assert lines[-1] == "careprint check passed: 0 errors, 2 warnings in 2 files."


def test_stats_prints_readability_figures(tmp_path):
    result = CliRunner().invoke(main, ["check", str(project(tmp_path)), "--stats"])
    assert result.exit_code == 0
    assert "Readability (Flesch-Kincaid grade / SMOG index" in result.stdout
    assert re.search(r"01-calm-steps\s+survivors\s+\d+\s+[\d.]+\s+[\d.]+\s+8", result.stdout)


def test_exit_status_through_the_console_path(tmp_path):
    errors = project(tmp_path, "check-heading-levels", "errors")
    proc = run_careprint("check", errors)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"{EXTRA}:10: error: heading-levels:" in proc.stdout
    assert proc.stderr == ""
    warnings = project(tmp_path, "check-long-sentence", "warnings")
    assert run_careprint("check", warnings).returncode == 0
    proc = run_careprint("check", warnings, "--strict", "--format", "json")
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["summary"]["warnings"] == 1


def test_unknown_edition_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["check", str(project(tmp_path)), "--edition", "zzz"])
    assert result.exit_code == 1
    assert "valid editions: survivors, groups" in result.output


def _break(root: Path, case: str) -> str:
    """Spoil the project at `root` one way; return the file the `project` finding names."""
    if case == "cross-reference":
        chapter = root / CLEAN_CHAPTER
        chapter.write_text(chapter.read_text() + "\nSee [[chapter:nowhere]] next.\n")
        return CLEAN_CHAPTER
    if case == "bad-toml":
        (root / "careprint.toml").write_text('[guide\ntitle = "x"\n')
        return "careprint.toml"
    if case == "no-careprint-toml":
        (root / "careprint.toml").unlink()
        return "careprint.toml"
    if case == "chapter-not-utf8":
        (root / CLEAN_CHAPTER).write_bytes(b"---\ntitle: \xff\xfe\n---\nBody.\n")
        return CLEAN_CHAPTER
    assert case == "unknown-edition"
    return ""


@pytest.mark.parametrize("case", ["cross-reference", "bad-toml", "no-careprint-toml",
                                  "chapter-not-utf8", "unknown-edition"])
def test_outputs_check_of_a_broken_project_prints_a_valid_json_report(clean_build, tmp_path,
                                                                       case):
    """`check --outputs --format json` reports a project it cannot read as `project`
    findings, in a report that follows the schema, and exits 1: it never crashes."""
    import jsonschema

    root = built_copy(clean_build, tmp_path)
    file = _break(root, case)
    edition = "zzz" if case == "unknown-edition" else "survivors"
    proc = run_careprint("check", root, "--outputs", "--edition", edition, "--output-format",
                         "pdf", "--format", "json")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    jsonschema.validate(report, SCHEMA)
    assert not report["passed"] and report["exit_status"] == 1
    project_findings = [f for f in report["findings"] if f["rule"] == "project"]
    assert project_findings and all(f["severity"] == "error" for f in project_findings)
    assert {f["file"] for f in project_findings} == {file}
    if case == "cross-reference":
        assert "[[chapter:nowhere]]" in project_findings[0]["message"]
    if case == "unknown-edition":
        assert "valid editions: survivors, groups" in project_findings[0]["message"]


def test_outputs_check_reports_a_cross_reference_error_in_text(clean_build, tmp_path):
    root = built_copy(clean_build, tmp_path)
    _break(root, "cross-reference")
    proc = run_careprint("check", root, *output_args("pdf"))
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
    assert f"{CLEAN_CHAPTER}:" in proc.stdout
    assert "error: project: [[chapter:nowhere]]" in proc.stdout


def test_json_report_follows_its_schema(tmp_path):
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    reports = [check(project(tmp_path, case, case))[1] for case in
               ("check-jargon", "check-project", "check-resource-verified")]
    reports.append(check(project(tmp_path, None, "clean"), "--strict")[1])
    reports.append(check(project(tmp_path, None, "unbuilt"), "--outputs")[1])
    for report in reports:
        jsonschema.validate(report, SCHEMA)
        assert report["schema"] == SCHEMA_ID
        assert report["summary"]["errors"] == sum(f["severity"] == "error"
                                                  for f in report["findings"])
    jargon = reports[0]
    assert jargon["findings"][0] == {
        "rule": "jargon", "severity": "warning", "file": EXTRA, "line": 10,
        "editions": ["survivors", "groups"],
        "message": "'Grounding' is a glossary word, but this chapter never links it: write "
                   "[[glossary:grounding]] at its first use"}
    assert jargon["project"] == str((tmp_path / "check-jargon").resolve())
    assert reports[2]["findings"][0]["editions"] == []


def test_docs_list_every_rule_and_the_schema():
    from careprint.commands.config_docs import SECTIONS_BEGIN, SECTIONS_END

    docs = (ROOT / "docs/checks.md").read_text()
    generated = docs.split(SECTIONS_BEGIN, 1)[1].split(SECTIONS_END, 1)[0]
    for rule_id in RULES:
        section = docs.split(f"#### `{rule_id}`\n", 1)
        assert len(section) == 2, f"docs/checks.md has no section for {rule_id}"
        body = section[1].split("\n#### ", 1)[0]
        assert "**Checks**" in body
        if f"#### `{rule_id}`\n" in generated:  # made from its @rule: what, and how to silence
            assert f"careprint: allow {rule_id}" in body and "**Silence**" in body
        elif not RULES[rule_id].outputs and rule_id != "allow-marker":
            assert "**Why**" in body and "**Silence**" in body
            assert f"careprint: allow {rule_id}" in body
    schema = json.loads(docs.split("```json\n", 1)[1].split("```", 1)[0])
    assert schema == SCHEMA
    for source in ("PEMAT", "CDC Clear Communication Index", "NIH", "SAMHSA", "WCAG"):
        assert source in docs


def test_check_help_documents_every_option():
    result = CliRunner().invoke(main, ["check", "--help"], prog_name="careprint")
    assert result.exit_code == 0
    for option in ("--edition", "--strict", "--format", "--outputs", "--build-dir",
                   "--output-format", "--stats"):
        assert option in result.output
    assert "text|json" in result.output


# ---------------------------------------------------------------- the bundled guide


def test_bundled_guide_passes_strict_with_no_findings():
    proc = run_careprint("check", ROOT, "--strict", "--format", "json")
    report = json.loads(proc.stdout)
    assert report["findings"] == [], "\n".join(
        f"{f['file']}:{f['line']}: {f['rule']}: {f['message']}" for f in report["findings"])
    assert proc.returncode == 0 and report["passed"]
    assert report["editions"] == ["survivors", "partners", "groups"]
    rows = report["readability"]
    assert len(rows) == 12 + 13 + 15  # every chapter of every edition
    for r in rows:
        assert r["graded"] and r["flesch_kincaid_grade"] <= r["max_grade"], r
        assert r["max_grade"] == (10 if r["edition"] == "groups" else 8)


def test_bundled_epubs_pass_epubcheck_and_ace(bundled_build):
    """`check --outputs` runs EPUBCheck and Ace by DAISY on a bundled EPUB and finds
    nothing serious or critical. One edition's: each edition's EPUB is run through
    EPUBCheck by test_bundled.py and through Ace by test_ebook_web.py (Ace drives Chromium,
    about 12 s an EPUB)."""
    out = bundled_build  # the session's shared build (conftest.py)
    proc = run_careprint("check", ROOT, "--outputs", "--output-format", "epub", "--build-dir",
                         out, "--strict", "--format", "json", "-e", "survivors", timeout=900)
    report = json.loads(proc.stdout)
    assert report["findings"] == [], "\n".join(
        f"{f['file']}: {f['rule']}: {f['message']}" for f in report["findings"])
    assert proc.returncode == 0
    assert {"epubcheck", "ace", "outputs"} <= set(report["rules"])


# ---------------------------------------------------------------- --outputs


@pytest.fixture(scope="module")
def clean_build(tmp_path_factory) -> Path:
    """check-clean built in the four formats, once for the module."""
    root = project(tmp_path_factory.mktemp("clean-build"))
    args = [a for fmt in OUTPUT_FORMATS for a in ("--format", fmt)]
    run_careprint("build", root, *args, check=True)
    return root


def built_copy(clean_build: Path, tmp_path: Path) -> Path:
    """A copy of the built clean fixture, to spoil some of its outputs."""
    root = tmp_path / "guide"
    shutil.copytree(clean_build, root)
    return root


def output_args(*formats: str) -> list[str]:
    return ["--outputs", "--edition", "survivors",
            *[a for fmt in formats or OUTPUT_FORMATS for a in ("--output-format", fmt)]]


def test_outputs_of_the_clean_fixture_pass(clean_build):
    status, report = check(clean_build, *output_args(), "--strict")
    assert report["findings"] == [] and status == 0
    assert report["outputs"] is True
    assert {"outputs", "epubcheck", "ace", "pdf-accessibility", "worksheet-fields"} \
        <= set(report["rules"])


def test_outputs_not_built_are_errors(tmp_path):
    root = project(tmp_path)
    status, report = check(root, *output_args())
    assert status == 1
    assert places(report, "outputs") == ["build/survivors", "build/survivors",
                                         "build/survivors/handouts", "build/survivors/worksheets"]
    assert all("not found: run `careprint build --edition survivors" in f["message"]
               for f in report["findings"])


def test_outputs_check_shows_each_file_it_checks(clean_build):
    proc = run_careprint("check", clean_build, *output_args("pdf", "handouts", "worksheets"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[0] == "Checking the outputs in build/ ..."
    assert "found 1 of the 1 handouts files of the survivors edition" in lines
    assert "checked build/survivors/calm-steps-survivors-a4.pdf: PDF tags, title, language and " \
        "fonts, crisis resources" in lines
    assert ("checked build/survivors/handouts/calm-steps-survivors-ch01-calm-steps-a4.pdf: "
            "PDF tags, title, language and fonts, crisis resources") in lines
    assert any(ln.startswith("checked build/survivors/worksheets/") and
               ln.endswith("form fields") for ln in lines), lines
    assert json.loads(run_careprint("check", clean_build, *output_args("pdf"), "--format",
                                    "json").stdout)["passed"]


def test_outputs_built_from_older_sources_are_a_warning(clean_build, tmp_path):
    root = built_copy(clean_build, tmp_path)
    status, report = check(root, *output_args("pdf", "handouts"))
    assert status == 0 and report["findings"] == []
    chapter = root / CLEAN_CHAPTER
    chapter.write_text(chapter.read_text() + "\nOne more calm sentence.\n")
    status, report = check(root, *output_args("pdf", "handouts", "worksheets"))
    stale = [f for f in report["findings"] if f["rule"] == "outputs"]
    assert [(f["file"], f["severity"]) for f in stale] == [
        ("build/survivors", "warning"), ("build/survivors/handouts", "warning")]
    assert stale[0]["message"] == (
        "build/survivors/calm-steps-survivors-a4.pdf was built from older sources than the "
        "project has now: run `careprint build --edition survivors --format pdf`, then check "
        "again")
    assert status == 0  # the worksheets do not show the chapter: they are up to date
    assert check(root, *output_args("pdf", "handouts"), "--strict")[0] == 1
    run_careprint("build", root, "-e", "survivors", "-f", "pdf", "-f", "handouts", check=True)
    assert check(root, *output_args("pdf", "handouts"), "--strict")[1]["findings"] == []


def test_epubcheck_messages_become_findings(clean_build, tmp_path):
    root = built_copy(clean_build, tmp_path)
    epub = root / "build/survivors/calm-steps-survivors.epub"
    with zipfile.ZipFile(epub) as z:
        items = {n: z.read(n) for n in z.namelist()}
    with zipfile.ZipFile(epub, "w") as z:  # the stylesheet the pages link to goes missing
        for name, data in items.items():
            if not name.endswith(".css"):
                z.writestr(name, data, zipfile.ZIP_STORED if name == "mimetype"
                           else zipfile.ZIP_DEFLATED)
    add_config(root, "[check.ace]\nenabled = false")  # EPUBCheck alone, for speed
    status, report = check(root, *output_args("epub"))
    assert status == 1
    found = [f for f in report["findings"] if f["rule"] == "epubcheck"]
    assert found and all(f["file"] == "build/survivors/calm-steps-survivors.epub" for f in found)
    assert any(f["severity"] == "error" and f["message"].startswith("RSC-") for f in found), found


def test_ace_violations_become_findings_at_the_source_line(tmp_path):
    root = project(tmp_path, "check-ace")
    assert check(root)[1]["findings"] == []  # the source rules cannot see this one
    run_careprint("build", root, "--format", "epub", "--edition", "survivors", check=True)
    status, report = check(root, *output_args("epub"))
    assert status == 1
    ace = [f for f in report["findings"] if f["rule"] == "ace"]
    assert [(f["file"], f["line"], f["severity"], f["editions"]) for f in ace] == [
        (EXTRA, 10, "error", ["survivors"])]
    assert ace[0]["message"].startswith("critical aria-required-attr in "
                                        "build/survivors/calm-steps-survivors.epub")


def blank_pdf(path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with path.open("wb") as fh:
        writer.write(fh)


def test_pdf_without_title_language_or_tags_is_reported(clean_build, tmp_path):
    root = built_copy(clean_build, tmp_path)
    blank_pdf(root / "build/survivors/calm-steps-survivors-a4.pdf")
    status, report = check(root, *output_args("pdf"))
    assert status == 1
    pdf = [f for f in report["findings"] if f["rule"] == "pdf-accessibility"]
    assert [f["file"] for f in pdf] == ["build/survivors/calm-steps-survivors-a4.pdf"]
    assert "no title (/Title), no language (/Lang), no structure tree" in pdf[0]["message"]
    crisis = [f for f in report["findings"] if f["rule"] == "crisis-resources"]
    assert [f["file"] for f in crisis] == ["build/survivors/calm-steps-survivors-a4.pdf"]
    assert "Test Helpline" in crisis[0]["message"]


def test_worksheet_pdf_without_form_fields_is_reported(clean_build, tmp_path):
    root = built_copy(clean_build, tmp_path)
    sheet = "build/survivors/worksheets/calm-steps-survivors-worksheet01-calm-notes-a4.pdf"
    blank_pdf(root / sheet)
    status, report = check(root, *output_args("worksheets"))
    assert status == 1
    fields = [f for f in report["findings"] if f["rule"] == "worksheet-fields"]
    assert [f["file"] for f in fields] == [sheet]
    assert "has no form fields" in fields[0]["message"]


def test_missing_node_is_reported_and_fails_strict(clean_build, monkeypatch, tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("CAREPRINT_ACE", raising=False)
    status, report = check(clean_build, *output_args("epub"))
    assert status == 0  # a warning: the check did not run, and says so
    by_rule = {f["rule"]: f for f in report["findings"]}
    assert set(by_rule) == {"ace", "epubcheck"}
    ace = by_rule["ace"]
    assert ace["severity"] == "warning"
    assert ace["message"].startswith("Ace by DAISY was not run: Node.js (`node`) is not on PATH")
    assert "scripts/install-ace.sh" in ace["message"]
    assert "PUPPETEER_SKIP_DOWNLOAD=1 npm install @daisy/ace" in ace["message"]
    assert "Java (`java`) is not on PATH" in by_rule["epubcheck"]["message"]
    status, report = check(clean_build, *output_args("epub"), "--strict")
    assert status == 1 and not report["passed"]


def test_missing_chromium_is_reported(clean_build, monkeypatch, tmp_path):
    from careprint.check import tools

    node = shutil.which("node")
    assert node, "Node.js is needed for Ace by DAISY (sh scripts/install-ace.sh)"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "node").symlink_to(node)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.delenv("PUPPETEER_EXECUTABLE_PATH", raising=False)
    monkeypatch.setattr(tools, "CHROMIUM_PATHS", ())
    _, report = check(clean_build, *output_args("epub"))
    ace = next(f for f in report["findings"] if f["rule"] == "ace")
    assert "Chromium was not found" in ace["message"] and ace["severity"] == "warning"


def test_ace_is_installed_for_the_bundled_guide():
    """CI installs Ace (scripts/install-ace.sh); finding it must not depend on the PATH."""
    from careprint.check.tools import find_ace

    command, env, why = find_ace(ROOT)
    assert command, f"Ace by DAISY is not installed ({why}): run sh scripts/install-ace.sh"
    assert Path(env["PUPPETEER_EXECUTABLE_PATH"]).is_file()


# The readability text of KNOWN_CHAPTER in the survivors edition, written out by hand: the
# summary and key points, then the prose (paragraphs, list items, quotes) as a reader sees
# it, each part ending in a full stop. Headings, code, tables, the groups-only passage and
# markup are not part of it.
KNOWN_CHAPTER = """---
title: Known words
summary: A chapter with text we know
key_points:
  - Short points count
  - They end with a full stop.
---
## Some words to count

We *notice* the **room** around us. Then we [rest](https://example.org) a while.

- Breathe in slowly
- Breathe out: slowly too

> A quote counts as text.

    code is not prose

| Table | Cells |
| --- | --- |
| not | prose |

::: only groups
Only the groups read this passage.
:::

## Try this: a pause

Use [[glossary:grounding|grounding]] for a minute, if you like.
"""
KNOWN_TEXT = ("A chapter with text we know. Short points count. They end with a full stop. "
              "We notice the room around us. Then we rest a while. Breathe in slowly. "
              "Breathe out: slowly too. A quote counts as text. "
              "Use grounding for a minute, if you like.")
KNOWN_WORDS = 6 + 3 + 6 + 6 + 5 + 3 + 4 + 5 + 8  # counted by hand, sentence by sentence


def test_readability_reads_the_text_a_reader_sees(tmp_path):
    """The figures are those of KNOWN_TEXT, written by hand, not rebuilt with careprint's
    own helpers: a wrong extraction (a heading, code or markup counted, a list item or a
    quote lost) changes them."""
    import textstat

    root = project(tmp_path)
    (root / EXTRA).write_text(KNOWN_CHAPTER, encoding="utf-8")
    report = run_checks(root, ["survivors", "groups"])
    rows = {r.edition: r for r in report.readability if r.chapter == "02-extra"}
    row = rows["survivors"]
    assert KNOWN_WORDS == len(KNOWN_TEXT.split()) == 46
    assert (row.words, row.sentences) == (KNOWN_WORDS, 9)
    assert row.flesch_kincaid_grade == round(textstat.flesch_kincaid_grade(KNOWN_TEXT), 1)
    assert row.smog_index == round(textstat.smog_index(KNOWN_TEXT), 1)
    # the groups edition also reads its own passage: six more words, one more sentence
    assert (rows["groups"].words, rows["groups"].sentences) == (KNOWN_WORDS + 6, 10)


# ---------------------------------------------------------------- one run finds everything


def test_one_run_reports_a_toml_error_a_dead_xref_and_every_content_finding(tmp_path):
    """A careprint.toml error and a dead cross-reference no longer hide the content rules:
    each finding once, at its file:line, in one run (issue 26, CLI item 1)."""
    root = project(tmp_path, "check-pressure-words")  # 02-extra.md:10 "must"
    add_config(root, "[formats.pdf]\nbogus_key = 1")
    (root / "content/chapters/03-third.md").write_text(
        "---\ntitle: A third small step\nsummary: Another short chapter.\nkey_points:\n"
        "  - One.\n  - Two.\n---\n## What this chapter is about\n\n#### Two levels down\n\n"
        "See [[chapter:missing]] for nothing. Push through it, even if it feels hard.\n\n"
        "## Try this: a quiet minute\n\nSit for one quiet minute, if you like.\n")
    status, report = check(root)
    assert status == 1
    toml_line = (root / "careprint.toml").read_text().splitlines().index("bogus_key = 1") + 1
    third = "content/chapters/03-third.md"
    found = sorted((f["rule"], f"{f['file']}:{f['line']}") for f in report["findings"])
    assert found == sorted([
        ("project", f"careprint.toml:{toml_line}"),
        ("project", f"{third}:12"),  # the dead [[chapter:missing]]
        ("heading-levels", f"{third}:10"),
        ("pressure-words", f"{EXTRA}:10"),
        ("pressure-words", f"{third}:12"),  # "push through it"
        ("pressure-words", f"{third}:12"),  # "even if it feels hard"
    ]), report["findings"]
    # the text report says each once too
    result = CliRunner().invoke(main, ["check", str(root)], prog_name="careprint")
    assert result.exit_code == 1
    assert result.output.count("bogus_key") == 1
    assert result.output.count("[[chapter:missing]]") == 1


def test_a_guide_that_careprint_toml_cannot_name_is_reported_alone(tmp_path):
    """[guide] without a title: nothing else can be checked, and check says what is wrong."""
    root = project(tmp_path)
    toml = root / "careprint.toml"
    toml.write_text(toml.read_text().replace('title = "Calm Steps"\n', "", 1))
    status, report = check(root)
    assert status == 1
    assert [f["rule"] for f in report["findings"]] == ["project"], report["findings"]
    assert "guide.title" in report["findings"][0]["message"]
    assert report["rules"] == ["project"]
    # the text report says what it could not check, and why
    result = CliRunner().invoke(main, ["check", str(root)], prog_name="careprint")
    assert result.exit_code == 1
    assert "Not checked: the chapters, worksheets and resources were not checked: the " \
        "rules need careprint.toml's [guide] and [editions]" in result.output, result.output
    toml.write_text("[guide\n")  # not TOML at all: the same
    result = CliRunner().invoke(main, ["check", str(root)], prog_name="careprint")
    assert result.exit_code == 1 and "Not checked:" in result.output, result.output


@pytest.mark.parametrize("phrase", ["Push through it", "even if it feels hard",
                                    "You've got to", "pull yourself together"])
def test_pressure_phrases_are_found(tmp_path, phrase):
    root = project(tmp_path)
    chapter = root / CLEAN_CHAPTER
    chapter.write_text(chapter.read_text().replace(
        "Calm often grows slowly.", f"Calm often grows slowly. {phrase}, then rest."))
    status, report = check(root, "--strict")
    assert status == 1
    assert [(f["rule"], f["line"]) for f in report["findings"]] == [("pressure-words", 11)]


def test_the_build_note_counts_what_check_calls_errors(tmp_path):
    """A resource with verified_on and no source: an error of resource-verified (a rule whose
    severity is warning); the build's note counts it (issue 26, CLI item 3)."""
    root = project(tmp_path, "check-resource-source")
    status, report = check(root)
    errors = sum(1 for f in report["findings"] if f["severity"] == "error")
    assert status == 1 and errors >= 1
    proc = run_careprint("build", root, "-f", "epub", "-e", "survivors", "-e", "groups",
                         "--jobs", 1, allow_warnings=True)  # the unchecked lines left out
    assert proc.returncode == 0, proc.stderr
    what = "1 error" if errors == 1 else f"{errors} errors"
    assert f"careprint check finds {what} in this guide" in proc.stdout + proc.stderr


def test_every_pressure_phrase_is_in_docs_with_the_sources_of_the_list():
    from careprint.source.config_schema import DEFAULT_PRESSURE_WORDS

    section = (ROOT / "docs/checks.md").read_text().split("#### `pressure-words`", 1)[1]
    section = section.split("\n#### ", 1)[0]
    for phrase, suggestion in DEFAULT_PRESSURE_WORDS.items():
        assert f"| {phrase} | {suggestion} |" in section, phrase
    sources = " ".join(section.split("**Sources of the list.**", 1)[1].split())
    for cited in ("SAMHSA (2014)", "Harris & Fallot (2001)", "Emerson & Hopper (2011)",
                  "Linehan (1993)", "push through it", "even if it feels hard"):
        assert cited in sources, cited
