"""Issue 21: regions and checked services.

Resources carry ISO 3166 regions and roles; only entries checked against the service's own
page or an official one are printed; `build --region` builds one region's guide into a
folder of its own; `[[help:role]]` names the region's service, or points to the support
page; `check` reports uncovered regions, unchecked or old entries and bare emergency
numbers, each at its line.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, run_careprint
from pypdf import PdfReader

from careprint.check import run_checks
from careprint.source import regions
from careprint.source.load import load_project


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def squash(text: str) -> str:
    return " ".join(text.split())


def sums(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".careprint" not in p.parts}


# ---------------------------------------------------------------- names and codes


def test_region_names_come_from_babel_and_iso_3166_2():
    assert regions.name("GB") == "United Kingdom"
    assert regions.name("US") == "United States"
    assert regions.name("GB-SCT") == "Scotland"
    assert regions.name("GB-WLS") == "Wales"  # ISO's "[Cymru GB-CYM]" is not printed
    assert regions.name("NZ", "es") == "Nueva Zelanda"
    assert regions.known("GB-NIR") and not regions.known("GB-XYZ")
    assert not regions.known("gb") and not regions.known("Testland")


def test_a_country_covers_its_parts_and_a_part_its_country():
    assert regions.covers(("GB",), "GB-SCT")
    assert regions.covers(("GB-SCT",), "GB")
    assert not regions.covers(("GB-ENG",), "GB-SCT")
    assert not regions.covers(("US",), "GB")


@pytest.mark.parametrize(("entry", "message"), [
    ("regions: [Scotland]", "'Scotland' is not an ISO 3166 code"),
    ("regions: [gb-sct]", "write ISO 3166 codes in capitals: GB-SCT"),
    ("roles: [crisis-line]", "unknown role 'crisis-line'. Did you mean crisis?"),
    ("source_kind: news", "source_kind: expected `service`"),
    ("region: United Kingdom", "region: no longer used; use regions"),
    ("crisis: true", "crisis: no longer used; use roles"),
])
def test_a_bad_resource_is_an_error_at_its_line(fixture_project, entry, message):
    root = fixture_project("regions")
    lines = root / "content" / "resources" / "lines.yaml"
    key = entry.split(":")[0]
    text = lines.read_text().split("\n")
    if key in ("regions", "roles", "source_kind"):  # the first entry's own key, replaced
        n = next(i for i, line in enumerate(text) if line.startswith(f"  {key}:"))
        text[n] = f"  {entry}"
    else:  # an old key, added to the first entry
        n = 1
        text.insert(n, f"  {entry}")
    lines.write_text("\n".join(text))
    proc = run_careprint("build", root, "--out", root / "out")
    assert proc.returncode == 1, proc.stderr
    assert f"content/resources/lines.yaml:{n + 1}" in proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


# ---------------------------------------------------------------- building for a region


def test_a_region_build_lists_its_services_and_its_countrys_in_a_folder_of_its_own(
        fixture_project):
    root = fixture_project("regions")
    out = root / "build"
    run_careprint("build", root, "-f", "pdf", "-f", "handouts", "-f", "epub", check=True)
    before = sums(out)
    proc = run_careprint("build", root, "--region", "GB-SCT", "-f", "pdf", "-f", "handouts",
                         "-f", "epub", check=True)
    assert "Building for GB-SCT" in proc.stderr
    assert sums(out / "regions" / "gb-sct") and before == {
        k: v for k, v in sums(out).items() if not k.startswith("regions/")}  # untouched
    folder = out / "regions" / "gb-sct" / "everyone"
    handout = folder / "handouts" / "rg-gb-sct-everyone-ch01-help-a4.pdf"
    text = squash(pdf_text(handout))
    for name in ("Test Emergency UK", "Test Listening UK", "Test Breathing Scotland",
                 "Test Rape Crisis Scotland"):
        assert name in text
    assert "Test Crisis US" not in text and "911" not in text
    assert "If you are in danger now, call 999." in text
    # the footer is made from the region's crisis lines, nearest first
    assert "Need to talk now? Test Breathing Scotland 0800 83 85 87" in text
    assert "not yet checked" not in text.lower()
    guide = squash(pdf_text(folder / "rg-gb-sct-everyone-a4.pdf"))
    assert "Scotland" in guide and "Test Assault Line US" not in guide
    # [[help:role]] in the text names Scotland's services
    assert "If you are in danger now, call 999." in guide
    assert "talk to Test Rape Crisis Scotland (08088 01 03 02) about" in guide
    index = (out / "regions" / "gb-sct" / "index.html").read_text()
    assert "for Scotland" in index and "rg-gb-sct-everyone-a4.pdf" in index


def test_a_build_for_every_region_points_to_the_support_page(fixture_project):
    root = fixture_project("regions")
    run_careprint("build", root, "-f", "pdf", "-f", "epub", check=True)
    folder = root / "build" / "everyone"
    text = squash(pdf_text(folder / "rg-everyone-a4.pdf"))
    assert "call your local emergency number (page " in text
    assert "talk to a sexual-violence support service (page " in text
    # grouped by country, each part of a country after it
    assert text.index("United States") < text.index("Scotland")
    with zipfile.ZipFile(folder / "rg-everyone.epub") as z:
        chapter = next(z.read(n).decode() for n in z.namelist() if "01-help" in n
                       or n.endswith("chapter-01.xhtml") or "help" in n and
                       n.endswith(".xhtml") and "nav" not in n)
    assert 'href="resources.xhtml"' in chapter and "your local emergency number" in chapter


def test_region_all_builds_every_declared_region(fixture_project):
    root = fixture_project("regions")
    proc = run_careprint("build", root, "--region", "all", "-f", "handouts", check=True)
    assert (root / "build" / "regions" / "us" / "everyone" / "handouts").is_dir()
    assert (root / "build" / "regions" / "gb-sct" / "everyone" / "handouts").is_dir()
    assert not (root / "build" / "everyone").exists()
    us = squash(pdf_text(next((root / "build" / "regions" / "us").rglob("*.pdf"))))
    assert "call 911." in us and "Test Listening UK" not in us
    assert proc.stdout.count("Built ") == 2


@pytest.mark.parametrize(("value", "message"), [
    ("XX", "--region XX: not an ISO 3166 code careprint knows"),
    ("AU", "--region AU: the guide has no service for Australia"),
])
def test_an_unknown_region_is_refused(fixture_project, value, message):
    root = fixture_project("regions")
    proc = run_careprint("build", root, "--region", value)
    assert proc.returncode == 1 and message in proc.stderr
    assert "Traceback" not in proc.stderr and not (root / "build").exists()


@pytest.mark.allow_warnings
def test_an_unchecked_entry_is_left_out_and_named(fixture_project):
    root = fixture_project("regions")
    lines = root / "content" / "resources" / "lines.yaml"
    n = len(lines.read_text().split("\n"))
    lines.write_text(lines.read_text() + "\n- name: Test Unchecked Line\n  regions: [GB-SCT]\n"
                     "  roles: [crisis]\n  contact: Call 0800 000 111\n")
    proc = run_careprint("build", root, "-f", "pdf", "--region", "GB-SCT",
                         allow_warnings=True, check=True)
    assert f"content/resources/lines.yaml:{n + 1}: Test Unchecked Line is left out" \
        in proc.stderr
    text = pdf_text(next((root / "build" / "regions").rglob("*.pdf")))
    assert "Test Unchecked Line" not in text and "not yet checked" not in text.lower()
    # and check --strict fails on it
    report = run_checks(root, strict=True)
    assert report.exit_status == 1
    assert any(f.rule == "resource-verified" and f.line == n + 1 for f in report.findings)


# ---------------------------------------------------------------- check


def test_check_reports_a_region_without_a_sexual_violence_service(fixture_project):
    root = fixture_project("regions")
    lines = root / "content" / "resources" / "lines.yaml"
    lines.write_text(lines.read_text().replace("roles: [sexual-violence]\n  contact: Call 800",
                                               "roles: [domestic-abuse]\n  contact: Call 800"))
    report = run_checks(root)
    found = [f for f in report.findings if f.rule == "resource-coverage"]
    assert len(found) == 1, report.to_text()
    assert found[0].file == "careprint.toml" and found[0].line == 18  # the line of "US",
    assert "United States (US) has no checked sexual-violence entry" in found[0].message
    assert found[0].severity == "error"


def test_check_ages_out_a_check_and_wants_the_kind_of_page(fixture_project):
    root = fixture_project("regions")
    toml = root / "careprint.toml"
    toml.write_text(toml.read_text().replace("[resources]\n", "[resources]\nmax_age_days = 5\n"))
    lines = root / "content" / "resources" / "lines.yaml"
    text = lines.read_text().replace("  source_kind: official\n", "", 1)
    lines.write_text(text)
    report = run_checks(root)
    old = [f for f in report.findings if f.rule == "resource-verified"
           and "days ago ([resources] max_age_days = 5)" in f.message]
    assert len(old) == 7 and all(f.severity == "error" for f in old)
    kind = [f for f in report.findings if "verified_on needs source_kind" in f.message]
    assert len(kind) == 1 and kind[0].line == 5 and kind[0].severity == "error"


def test_check_warns_on_a_bare_emergency_number(fixture_project):
    root = fixture_project("regions")
    chapter = root / "content" / "chapters" / "01-help.md"
    chapter.write_text(chapter.read_text().replace(
        "Save one number in your phone today, if you want to.",
        "Save one number in your phone today, if you want to. In danger, call 999."))
    report = run_checks(root)
    found = [f for f in report.findings if f.rule == "emergency-number"]
    assert len(found) == 1 and found[0].line == 14 and found[0].severity == "warning"
    assert "[[help:emergency]]" in found[0].message
    # a number that only looks like one is left alone
    chapter.write_text(chapter.read_text().replace("call 999.", "page 1999, 10,000 steps."))
    assert not [f for f in run_checks(root).findings if f.rule == "emergency-number"]


def test_an_unknown_help_role_is_an_error(fixture_project):
    root = fixture_project("regions")
    chapter = root / "content" / "chapters" / "01-help.md"
    chapter.write_text(chapter.read_text().replace("[[help:sexual-violence]]",
                                                   "[[help:sexual-violense]]"))
    proc = run_careprint("build", root)
    assert proc.returncode == 1
    assert "content/chapters/01-help.md:10: [[help:sexual-violense]]: no such role. Did you " \
           "mean sexual-violence?" in proc.stderr


# ---------------------------------------------------------------- the bundled guide


def test_the_bundled_guide_serves_ten_regions_each_checked(bundled_guide):
    from careprint.source.region_view import declared

    assert declared(bundled_guide) == ("US", "CA", "GB", "GB-ENG", "GB-SCT", "GB-WLS",
                                       "GB-NIR", "IE", "AU", "NZ")
    for r in bundled_guide.resources:
        assert r.checked and r.source_kind in ("service", "official"), r.name
        assert r.source.startswith(("https://", "http://")), r.name
    report = run_checks(ROOT, strict=True)
    assert report.exit_status == 0, report.to_text()


@pytest.mark.parametrize(("code", "expected", "absent"), [
    ("GB-SCT", ("Rape Crisis Scotland helpline", "Breathing Space", "Samaritans", "999"),
     ("988", "Lifeline Australia", "National Domestic Abuse Helpline")),
    ("AU", ("Lifeline Australia", "13 11 14", "1800RESPECT", "000"),
     ("Samaritans", "988 Suicide")),
    ("US", ("988 Suicide & Crisis Lifeline", "911", "National Sexual Assault Hotline"),
     ("Samaritans", "Lifeline Australia")),
])
def test_a_bundled_region_build_prints_only_its_checked_services(tmp_path, code, expected,
                                                                  absent):
    run_careprint("build", ROOT, "--out", tmp_path, "--region", code, "-e", "survivors",
                  "-f", "handouts", "--only", "safety-first", check=True)
    handout = next((tmp_path / "regions" / code.lower()).rglob("*.pdf"))
    text = squash(pdf_text(handout))
    for words in expected:
        assert words in text, (code, words)
    for words in absent:
        assert words not in text, (code, words)
    assert "not yet checked" not in text.lower()


# ---------------------------------------------------------------- the handout's back


def placed_runs(page) -> list[tuple[str, float, float]]:
    """(text, size in pt, height on the page) of every run of text on `page`, top first."""
    out = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            out.append((text.strip(), round(size * scale, 2), y))

    page.extract_text(visitor_text=visit)
    return sorted(out, key=lambda r: -r[2])


@pytest.fixture(scope="module")
def backs(tmp_path_factory):
    """The bundled survivors' 'Safety first' handout, for every region and for Scotland, in
    print and in large print."""
    out = tmp_path_factory.mktemp("backs")
    for region in ("", "GB-SCT"):
        run_careprint("build", ROOT, "--out", out, "-e", "survivors", "-f", "handouts",
                      "-f", "large-print", "--only", "safety-first",
                      *(("--region", region) if region else ()), check=True)
    return out


@pytest.mark.parametrize("region", ["", "gb-sct"])
def test_if_you_need_help_now_is_the_largest_block_of_the_back(backs, region):
    folder = backs / "regions" / region if region else backs
    handout = next(p for p in folder.rglob("*-ch02-safety-first-a4.pdf"))
    page = next(p for p in PdfReader(handout).pages
                if "If you need help now" in (p.extract_text() or ""))
    found = placed_runs(page)
    texts = [t for t, _, _ in found]
    start = texts.index("If you need help now")
    end = next(i for i, t in enumerate(texts) if t.startswith("Details checked"))
    heading = found[start]
    # its heading is the largest text of the page; its entries are at body size or more
    assert heading[1] == max(size for _, size, _ in found) >= 15
    entries = found[start + 1:end]
    assert len(entries) > 8 and min(size for _, size, _ in entries) >= 11.5, entries
    # crisis lines first: every emergency number comes before any other service's name
    assert texts.index("Emergency services") < end
    # it never sits below a quarter page of blank space
    height = float(page.mediabox.height)
    above = [y for _, _, y in found[:start] if y < height - 20 * 72 / 25.4]  # not the head
    top = max(above) if above else height - 20 * 72 / 25.4
    assert top - heading[2] < height / 4, (top, heading[2])


def test_large_print_keeps_a_regions_heading_with_its_entries(backs):
    from careprint.source.support import region_groups

    guide = __import__("careprint.source.load", fromlist=["load_project"]).load_project(ROOT)
    names = {g.name for g in region_groups(guide.resources)}
    handout = next(backs.rglob("*-ch02-safety-first-large-print-a4.pdf"))
    seen = 0
    for page in PdfReader(handout).pages:
        body = [t for t, size, y in placed_runs(page)
                if y > 25 * 72 / 25.4 and not t.startswith(("Page ", "Crisis lines"))]
        seen += sum(1 for t in body if t in names)
        assert not body or body[-1] not in names, body[-3:]
    assert seen >= 5


def test_list_names_a_regions_outputs(fixture_project):
    root = fixture_project("regions")
    proc = run_careprint("list", root, "--region", "gb-sct", check=True)
    assert "for GB-SCT: its services, into build/regions/gb-sct/" in proc.stdout
    assert "[pdf] build/regions/gb-sct/everyone/rg-gb-sct-everyone-a4.pdf" in proc.stdout
    assert "[library] build/regions/gb-sct/index.html" in proc.stdout
    assert not (root / "build").exists()  # list writes nothing


# ---------------------------------------------------------------- who stands behind it
# (issue 24, item 18: here because it is read where the support list is: the colophon)


def test_the_colophon_says_who_reviewed_it_and_never_claims_a_review(fixture_project):
    root = fixture_project("regions")
    run_careprint("build", root, "-f", "pdf", check=True)
    text = squash(pdf_text(root / "build" / "everyone" / "rg-everyone-a4.pdf"))
    assert "No named clinician has reviewed this guide yet." in text
    assert "People with lived experience have not yet been involved" in text
    assert "If you find a mistake, please tell the person or service who gave you" in text
    found = [f for f in run_checks(root).findings if f.rule == "review-record"]
    assert len(found) == 1 and found[0].file == "careprint.toml"
    toml = root / "careprint.toml"
    toml.write_text(toml.read_text() + '\n[review]\nclinical_reviewers = ["Dr Test, GP"]\n'
                    'reviewed_on = "2026-10-01"\nnext_review = "2026-11-01"\n'
                    'lived_experience = "Two survivors read every chapter"\n'
                    'report_errors = "errors@example.org"\n')
    run_careprint("build", root, "-f", "pdf", "-f", "epub", check=True)
    text = squash(pdf_text(root / "build" / "everyone" / "rg-everyone-a4.pdf"))
    assert "Reviewed clinically on 1 October 2026 by Dr Test, GP." in text
    assert "Two survivors read every chapter." in text
    assert "Next review due by 1 November 2026." in text and "errors@example.org" in text
    found = [f for f in run_checks(root).findings if f.rule == "review-record"]
    assert [f.message.split(":")[0] for f in found] == ["the next review was due on 2026-11-01"]
    assert found[0].line == 25
    with zipfile.ZipFile(root / "build" / "everyone" / "rg-everyone.epub") as z:
        opf = z.read(next(n for n in z.namelist() if n.endswith(".opf"))).decode()
    assert 'refines="#reviewer-1" property="role" scheme="marc:relators">rev' in opf
    # a review date without reviewers is refused
    toml.write_text(toml.read_text().replace('clinical_reviewers = ["Dr Test, GP"]\n', ""))
    proc = run_careprint("build", root)
    assert proc.returncode == 1 and "review.clinical_reviewers: reviewed_on names a review" \
        in proc.stderr


def test_the_published_date_is_the_guides_own(fixture_project):
    """Not the build's fixed timestamp (SOURCE_DATE_EPOCH, 14 November 2023 in the suite)."""
    root = fixture_project("regions")
    run_careprint("build", root, "-f", "pdf", "-f", "handouts", "-f", "chapters", check=True)
    pdfs = list((root / "build").rglob("*.pdf"))
    texts = {pdf.name: squash(pdf_text(pdf)) for pdf in pdfs}
    assert "2 January 2026" in texts["rg-everyone-a4.pdf"]  # the title page and colophon
    assert "2 January 2026" in texts["rg-everyone-ch01-help-full-a4.pdf"]  # its colophon
    assert len(pdfs) == 3 and not [name for name, text in texts.items() if "2023" in text]


def test_help_names_a_service_for_everyone_never_one_for_some_readers_only():
    """[[help:domestic-abuse]] printed Galop (LGBT+ people only) for the whole UK, and
    [[help:supporters]] a young people's line: a sentence for everyone names neither."""
    from careprint.source.region_view import help_for

    guide = load_project(ROOT)
    assert help_for(guide.resources, "GB", "domestic-abuse") is None  # Galop, Refuge: some
    assert help_for(guide.resources, "GB", "lgbtq").name == "Galop helpline"
    assert help_for(guide.resources, "GB-ENG", "domestic-abuse") is None  # for women
    assert help_for(guide.resources, "GB", "supporters") is None  # PAPYRUS: under 35
    assert help_for(guide.resources, "GB-ENG", "supporters").name == \
        "Rape Crisis 24/7 Support Line"
    assert help_for(guide.resources, "US", "sexual-violence").name == \
        "National Sexual Assault Hotline (RAINN)"


@pytest.mark.parametrize("name", ["regions", "imprints"])
def test_an_edition_cannot_take_the_folder_of_region_or_clinic_builds(fixture_project, name):
    root = fixture_project("regions")
    toml = root / "careprint.toml"
    toml.write_text(toml.read_text().replace("[editions.everyone]", f"[editions.{name}]"))
    proc = run_careprint("build", root)
    assert proc.returncode == 1
    line = toml.read_text().split("\n").index(f"[editions.{name}]") + 1
    assert f"careprint.toml:{line}: editions.{name}: '{name}' is the build folder" \
        in proc.stderr
