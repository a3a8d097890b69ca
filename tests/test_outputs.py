"""Finding and naming outputs (issue 14): every paper and edition has its own file names,
`--only` builds one chapter or worksheet, build/index.html lists every output, and the
build says where its outputs are, what `--strict` did not write, and what `check` finds."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT, copy_fixture, run_careprint
from pypdf import PdfReader

AXE = ROOT / "tests" / "tools" / "axe.js"
A4, LETTER = (595, 842), (612, 792)  # points


def page_size(path: Path) -> tuple[int, int]:
    box = PdfReader(path).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


# ---------------------------------------------------------------- paper


def test_a4_and_letter_never_share_a_name(tmp_path):
    project = copy_fixture("minimal", tmp_path)
    handouts = project / "build/everyone/handouts"
    run_careprint("build", project, "-f", "handouts", check=True)
    a4 = handouts / "tiny-everyone-ch01-hello-a4.pdf"
    before = a4.read_bytes()
    run_careprint("build", project, "-f", "handouts", "--paper", "letter", check=True)
    letter = handouts / "tiny-everyone-ch01-hello-letter.pdf"
    assert sorted(p.name for p in handouts.glob("*.pdf")) == sorted([a4.name, letter.name])
    assert a4.read_bytes() == before and page_size(a4) == A4
    assert page_size(letter) == LETTER
    # the next plain build has nothing to do, and leaves the Letter handout alone
    again = run_careprint("build", project, "-f", "handouts", check=True)
    assert "Built 0 files" in again.stdout
    assert page_size(letter) == LETTER and a4.read_bytes() == before


def test_a_project_can_ask_for_both_papers(tmp_path):
    project = copy_fixture("minimal", tmp_path)
    toml = project / "careprint.toml"
    text = toml.read_text()
    assert "[paper]" not in text
    toml.write_text(text + '\n[paper]\nsize = ["a4", "letter"]\n')
    listed = run_careprint("list", project, check=True).stdout
    assert "build/everyone/tiny-everyone-a4.pdf" in listed
    assert "build/everyone/tiny-everyone-letter.pdf" in listed
    assert listed.count("build/everyone/tiny-everyone.epub") == 1  # the EPUB has no paper
    run_careprint("build", project, "-f", "pdf", check=True)
    out = project / "build/everyone"
    assert page_size(out / "tiny-everyone-a4.pdf") == A4
    assert page_size(out / "tiny-everyone-letter.pdf") == LETTER

    toml.write_text(text + '\n[paper]\nsize = ["a4", "a5"]\n')
    bad = run_careprint("list", project)
    assert bad.returncode == 1
    line = (text + '\n[paper]\nsize').count("\n") + 1
    assert f"careprint.toml:{line}: paper.size: 'a5' is not one of: a4, letter" in bad.stderr


# ---------------------------------------------------------------- names


def test_names_say_guide_edition_chapter_number_and_paper():
    """The numbers are those the reader sees in that edition, not the source file's."""
    listed = run_careprint("list", ROOT, "-e", "groups", "-e", "partners", check=True).stdout
    assert "survivors:" not in listed
    assert ("build/groups/handouts/safe-to-feel-groups-ch12-group-agreements-and-safety-a4.pdf"
            in listed)
    assert "build/partners/handouts/safe-to-feel-partners-ch13-references-a4.pdf" in listed
    assert re.search(r"build/groups/worksheets/safe-to-feel-groups-worksheet\d\d-"
                     r"sensation-log-a4\.pdf", listed)
    assert "build/partners/handouts/safe-to-feel-partners-ch03-consent-as-a-living-practice-" \
           "large-print-a4.pdf" in listed
    assert "build/groups/worksheets/safe-to-feel-groups-worksheets-a4.pdf" in listed
    assert "[library] build/index.html" in listed


def test_list_edition_unknown_is_an_error(tmp_path):
    proc = run_careprint("list", copy_fixture("two-editions", tmp_path), "-e", "zzz")
    assert proc.returncode == 1
    assert "valid editions: a, b" in proc.stderr


# ---------------------------------------------------------------- --only


def test_only_builds_the_outputs_of_one_chapter(tmp_path):
    project = copy_fixture("two-editions", tmp_path)
    proc = run_careprint("build", project, "--only", "b-extra", "-f", "handouts",
                         "-f", "large-print", "-f", "pdf", check=True)
    made = sorted(p.relative_to(project / "build").as_posix()
                  for p in (project / "build").rglob("*.pdf"))
    assert made == ["b/handouts/twin-b-ch03-b-extra-a4.pdf",
                    "b/handouts/twin-b-ch03-b-extra-large-print-a4.pdf"]
    # said: which editions lack it, what was built, and where
    assert "--only b-extra: not in the a edition; built for b" in proc.stderr
    assert "The outputs of b-extra:" in proc.stdout
    for rel in made:
        assert re.search(rf"^  \S*build/{re.escape(rel)}$", proc.stdout, re.M), proc.stdout


def test_only_a_worksheet_by_its_id(tmp_path):
    project = copy_fixture("worksheets", tmp_path)
    run_careprint("build", project, "-e", "a", "--only", "all-fields", check=True)
    made = sorted(p.name for p in (project / "build").rglob("*.pdf"))
    assert made == ["wsfix-a-worksheet01-all-fields-a4.pdf"]


def test_only_an_unknown_or_absent_name_is_an_error(tmp_path):
    project = copy_fixture("two-editions", tmp_path)
    typo = run_careprint("build", project, "--only", "secnod-steps")
    assert typo.returncode == 1
    assert "--only secnod-steps: no chapter or worksheet has this name." in typo.stderr
    assert "Did you mean second-steps?" in typo.stderr
    assert "start, second-steps, b-extra" in typo.stderr
    absent = run_careprint("build", project, "-e", "a", "--only", "b-extra")
    assert absent.returncode == 1
    assert "--only b-extra: not in the a edition; it is in: b" in absent.stderr
    whole = run_careprint("build", project, "--only", "start", "-f", "pdf", "-f", "epub")
    assert whole.returncode == 1 and "nothing to build" in whole.stderr
    assert not (project / "build").exists() or not list((project / "build").rglob("*.pdf"))


# ---------------------------------------------------------------- the library page


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.tags, self.lang, self.text, self.scripts = [], [], None, [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "a":
            self.links.append(a["href"])
        if tag == "script":
            self.scripts.append(a.get("src"))
        if a.get("id") == "quick-exit":
            return  # the quick-exit button leaves for a neutral page (issue 25)
        for key in ("src", "href"):
            assert not (a.get(key) or "").startswith(("http:", "https:", "//")), a

    def handle_data(self, data):
        self.text.append(data)


def read_page(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text("utf-8"))
    page.words = re.sub(r"\s+", " ", "".join(page.text))
    return page


def test_library_page_lists_every_edition_in_words_and_passes_axe(tmp_path):
    project = copy_fixture("two-editions", tmp_path)
    run_careprint("build", project, "-e", "a", "-f", "handouts", "-f", "pdf", check=True)
    second = run_careprint("build", project, "-e", "b", "-f", "handouts", "--paper", "letter",
                           check=True)
    build = project / "build"
    index = build / "index.html"
    assert f"open {index}." in second.stdout
    page = read_page(index)
    assert page.lang == "en" and "main" in page.tags
    # its one script is the quick-exit button's (Escape leaves too), inline: the page
    # loads nothing (issue 25)
    assert page.tags.count("script") == 1 and page.scripts == [None]
    manifest = json.loads((build / ".careprint/manifest.json").read_text())["targets"]
    pdfs = sorted(p.relative_to(build).as_posix() for p in build.rglob("*.pdf"))
    # every output of both builds, each linked relative to the page
    assert sorted(link for link in page.links if link.endswith(".pdf")) == pdfs
    for rel in pdfs:
        assert (build / rel).is_file()
    words = page.words
    assert "Edition A" in words and "Edition B" in words
    # a chapter's handouts are a row of its table: the paper is the link's text, and the
    # file's name the rest of it, for a screen reader (issue 25)
    assert "Handout: Getting started, A4 1 page" in words
    assert "3. Extra for BHandout: Extra for B, US Letter 1 page" in words
    assert "The whole guide (A4)" in words
    pages = manifest["a/twin-a-a4.pdf"]["pages"]
    assert re.search(rf"The whole guide \(A4\) {pages} pages, PDF \d+ KB", words), words

    node = shutil.which("node")
    assert node, "Node.js is needed to run axe-core"
    proc = subprocess.run([node, str(AXE), str(index)], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)[str(index)]
    assert result["violations"] == [] and result["passes"] > 10
    assert result["external_requests"] == []


def test_a_no_op_build_writes_a_missing_library_page(tmp_path):
    project = copy_fixture("minimal", tmp_path)
    run_careprint("build", project, "-f", "epub", check=True)
    index = project / "build/index.html"
    index.unlink()
    again = run_careprint("build", project, "-f", "epub", check=True)
    assert "Built 0 files" in again.stdout and index.is_file()
    assert "E-book (EPUB)" in read_page(index).words


# ---------------------------------------------------------------- what the build says


def test_build_says_where_its_outputs_are(tmp_path):
    project = copy_fixture("two-editions", tmp_path)
    proc = run_careprint("build", project, "-f", "handouts", cwd=tmp_path, check=True)
    tail = proc.stdout.strip().splitlines()[-2:]
    assert tail == ["The outputs are in two-editions/build/a/, two-editions/build/b/.",
                    "To pick a file and print it, open two-editions/build/index.html."]


def test_strict_build_that_fails_claims_nothing_was_rendered(tmp_path):
    project = copy_fixture("worksheets", tmp_path)
    proc = run_careprint("build", project, "-f", "worksheets", "-e", "b", "--strict")
    assert proc.returncode == 1
    assert "nothing was written" in proc.stderr
    assert "rendered" not in proc.stdout + proc.stderr
    assert not list((project / "build").rglob("*.pdf"))
    # a strict build that succeeds says what it wrote, once it has written it
    ok = run_careprint("build", project, "-f", "worksheets", "-e", "a", "--strict", check=True)
    lines = [ln for ln in ok.stdout.splitlines() if ln.startswith("rendered ")]
    assert len(lines) == 2
    for ln in lines:
        assert Path(ln.split()[1]).is_file(), ln


def test_build_says_when_check_finds_errors_without_slowing_a_no_op(tmp_path):
    from test_check import check
    from test_check import project as check_project

    root = check_project(tmp_path, "check-heading-levels")
    status, report = check(root)
    errors = report["summary"]["errors"]
    assert status == 1 and errors >= 1
    what = "1 error" if errors == 1 else f"{errors} errors"
    note = f"note: careprint check finds {what} in this guide; run careprint check to see them"
    first = run_careprint("build", root, "-f", "epub", check=True)
    assert note in first.stderr
    # a no-op build runs no check: it reads the count the last build kept
    state = root / "build/.careprint/check.json"
    kept = json.loads(state.read_text())
    assert kept["errors"] == errors
    state.write_text(json.dumps(kept | {"errors": 99}))
    again = run_careprint("build", root, "-f", "epub", check=True)
    assert "Built 0 files" in again.stdout
    assert "note: careprint check finds 99 errors" in again.stderr

    clean = check_project(tmp_path, name="clean")
    quiet = run_careprint("build", clean, "-f", "epub", check=True)
    assert "careprint check finds" not in quiet.stderr


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_check_note_is_counted_while_the_workers_render(tmp_path, jobs):
    """The build counts check's errors in its own process while its workers render (once
    they are forked), not after: with --jobs 1, after the jobs, as before."""
    import multiprocessing

    from careprint.pipeline.build import build

    root = copy_fixture("two-editions", tmp_path)
    seen: list[int] = []

    def counter(guide, views) -> int:
        seen.append(len(multiprocessing.active_children()))
        return 3

    report = build(root, formats=["epub"], jobs=jobs, count_check=counter)
    assert report.check_errors == 3
    assert seen == [jobs if jobs > 1 else 0]
