"""`careprint init`: any title gives a project that reads back, builds, and shows the format."""

from __future__ import annotations

import re
import tomllib

import pytest
from click.testing import CliRunner
from conftest import contains, pdf_text, run_careprint
from pypdf import PdfReader

from careprint.cli import main
from careprint.source.load import load_project
from careprint.source.slugs import slugify

QUOTED = 'Say "no" \\ then rest'
ACCENTED = "Cómo dormir: niños y niñas"


def init(project, title):
    result = CliRunner().invoke(main, ["init", str(project), "--title", title])
    assert result.exit_code == 0, result.output
    return tomllib.loads((project / "careprint.toml").read_text("utf-8"))


@pytest.mark.parametrize("text, slug", [
    (ACCENTED, "como-dormir-ninos-y-ninas"),
    ("Straße, Æsir & Øresund", "strasse-aesir-oresund"),
    ("Çà et là — 2ᵉ édition", "ca-et-la-2e-edition"),
    ("安全", ""),
])
def test_slugify_drops_accents_not_letters(text, slug):
    assert slugify(text) == slug


def test_init_writes_a_title_with_quotes_and_backslashes_as_valid_toml(tmp_path):
    project = tmp_path / "g"
    config = init(project, QUOTED)
    assert config["guide"]["title"] == QUOTED
    assert config["guide"]["slug"] == "say-no-then-rest"
    run_careprint("build", project, "-f", "pdf", "-e", "survivors", "--jobs", 1, check=True)
    pdf = project / "build/survivors/say-no-then-rest-survivors-a4.pdf"
    # what careprint prints gets typographic quotes (issue 16), the PDF's title too
    title = PdfReader(str(pdf)).metadata.title
    assert title.startswith(QUOTED.replace('"no"', "\u201cno\u201d")), title
    assert QUOTED in (project / "README.md").read_text("utf-8")


def test_init_slugs_an_accented_title_without_losing_its_letters(tmp_path):
    project = tmp_path / "g"
    config = init(project, ACCENTED)
    assert config["guide"]["title"] == ACCENTED
    assert config["guide"]["slug"] == "como-dormir-ninos-y-ninas"
    assert config["guide"]["identifier_base"] == "urn:careprint:como-dormir-ninos-y-ninas"
    run_careprint("build", project, "-f", "pdf", "--jobs", 1, check=True)
    for edition in ("survivors", "partners"):
        pdf = project / f"build/{edition}/como-dormir-ninos-y-ninas-{edition}-a4.pdf"
        assert contains(pdf_text(pdf), "niños y niñas"), edition


def test_the_scaffold_shows_each_part_of_the_format_once(tmp_path):
    project = tmp_path / "g"
    init(project, "My Guide")
    chapters = "".join(p.read_text("utf-8")
                       for p in sorted((project / "content/chapters").glob("*.md")))
    assert len(re.findall(r"^editions: \[", chapters, re.M)) == 1
    assert len(re.findall(r"^content_note: \S", chapters, re.M)) == 1
    assert len(re.findall(r"\[\[chapter:[a-z0-9-]+\]\]", chapters)) == 1
    assert "build/" in (project / ".gitignore").read_text("utf-8").splitlines()
    readme = (project / "README.md").read_text("utf-8")
    assert readme.startswith("# My Guide\n")
    assert "careprint build" in readme and "`careprint docs config`" in readme
    assert "docs/config.md" in (project / "careprint.toml").read_text("utf-8")
    # the chapter limited to one edition is in that edition only, its reference resolved
    run_careprint("build", project, "-f", "pdf", "--jobs", 1, check=True)
    partners = pdf_text(project / "build/partners/my-guide-partners-a4.pdf")
    survivors = pdf_text(project / "build/survivors/my-guide-survivors-a4.pdf")
    assert contains(partners, "Supporting someone you care about")
    assert not contains(survivors, "Supporting someone you care about")
    assert contains(partners, "The chapter Welcome to this guide")


def test_worksheet_field_keys_drop_accents_like_slugs(tmp_path):
    project = tmp_path / "g"
    init(project, "My Guide")
    sheet = project / "content/worksheets/first-steps.yaml"
    sheet.write_text(sheet.read_text("utf-8").replace("label: Date", "label: Cómo estás"),
                     "utf-8")
    worksheet = load_project(project).worksheets[0]
    assert worksheet.fields[0].key == "como-estas"


@pytest.mark.parametrize("link", ["careprint.toml", "content", "templates/theme.css"])
def test_init_force_never_writes_through_a_symbolic_link(tmp_path, link):
    """A folder to init into may hold links out of it: --force writes nothing through one."""
    project, outside = tmp_path / "g", tmp_path / "outside"
    outside.mkdir()
    (outside / "mine.txt").write_text("keep me\n")
    target = outside if link == "content" else outside / "mine.txt"
    (project / link).parent.mkdir(parents=True, exist_ok=True)
    (project / link).symlink_to(target)
    result = CliRunner().invoke(main, ["init", str(project), "--force"])
    assert result.exit_code == 1, result.output
    assert (f"{project / link} is a symbolic link (to {target}); careprint init never "
            "writes through one. Nothing was written: remove the link, or init a new "
            "folder.") in result.output
    assert "Traceback" not in result.output
    assert [p.name for p in outside.iterdir()] == ["mine.txt"]
    assert (outside / "mine.txt").read_text() == "keep me\n"
    assert not (project / "README.md").exists()
