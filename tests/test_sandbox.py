"""A project cannot run code or read files outside itself (docs/security.md).

Templates, bundled and the project's own, render in a Jinja sandbox; no file a build reads
may be a symbolic link that leads out of the project. Each refused case: exit status 1,
the file (and line) named once, no traceback, and nothing written.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import copy_fixture, pdf_text, run_careprint

import careprint
from careprint.commands.serve import Preview
from careprint.pipeline.build import build

BASE = "bad-input/base"
CHAPTER = "content/chapters/01-start.md"
BUNDLED = Path(careprint.__file__).parent / "templates"


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_fixture(BASE, tmp_path)


def outputs(project: Path) -> list[str]:
    """Every file under build/ but the build's lock."""
    folder = project / "build"
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and p.name != ".careprint.lock")


def refused(project: Path, where: str, *args: str) -> str:
    """Build `project`: exit 1, `where` named on one problem line, no traceback, no output."""
    proc = run_careprint("build", project, "--jobs", "1", *args, cwd=project.parent)
    both = proc.stdout + proc.stderr
    assert proc.returncode == 1, f"exit {proc.returncode}\n{both}"
    assert "Traceback" not in both and "bug in careprint" not in both, both
    named = [ln for ln in proc.stderr.splitlines() if ln.startswith(f"  {where}: ")]
    assert len(named) == 1, f"{where!r} not named once in:\n{proc.stderr}"
    assert outputs(project) == []
    assert not (project.parent / "build").exists()
    return named[0]


def override(project: Path, name: str, text: str) -> None:
    (project / "templates").mkdir(exist_ok=True)
    (project / "templates" / name).write_text(text, encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if needle in line)


# ---------------------------------------------------------------- templates run in a sandbox

EXPLOITS = {
    "os-popen": "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "format-string": "{{ '{0.__class__.__init__.__globals__}'.format(cycler) }}",
    "list-append": "{% set xs = [] %}{{ xs.append('x') }}",
    "dict-update": "{% set d = {} %}{{ d.update(a=1) }}",
}


@pytest.mark.parametrize("case", list(EXPLOITS))
def test_a_template_cannot_reach_python(project, case):
    guide = (BUNDLED / "guide.html").read_text(encoding="utf-8")
    text = guide.replace("</body>", f"<p>{EXPLOITS[case]}</p>\n</body>", 1)
    override(project, "guide.html", text)
    line = refused(project, f"templates/guide.html:{line_of(text, EXPLOITS[case])}",
                   "-f", "pdf")
    assert "not allowed in a template" in line
    assert "uid=" not in line


def test_a_template_cannot_read_a_file_through_an_image_path(project):
    from PIL import Image

    (project / "content/chapters/images").mkdir()
    Image.new("RGB", (4, 3), (200, 120, 40)).save(project / "content/chapters/images/a.png")
    chapter = project / CHAPTER
    chapter.write_text(chapter.read_text() + "\n![A calm place](images/a.png)\n")
    handout = (BUNDLED / "handout.html").read_text(encoding="utf-8")
    probe = "{{ view.images[0].path.parent.joinpath('/etc/passwd').read_text() }}"
    text = handout.replace("</body>", f"<p>{probe}</p>\n</body>", 1)
    override(project, "handout.html", text)
    line = refused(project, f"templates/handout.html:{line_of(text, probe)}", "-f", "handouts")
    assert "not allowed in a template" in line and "root:" not in line


def test_a_sandboxed_template_still_does_what_templates_do(project):
    """Loops, macros, filters, set, namespace and the context: all still allowed."""
    handout = (BUNDLED / "handout.html").read_text(encoding="utf-8")
    extra = ("{% set ns = namespace(n=0) %}{% for r in resources %}{% set ns.n = ns.n + 1 %}"
             "{% endfor %}<p>Counted {{ ns.n }} resources in {{ edition.title|upper }} "
             "on {{ date|long_date }}.</p>")
    override(project, "handout.html", handout.replace("</body>", extra + "</body>", 1))
    proc = run_careprint("build", project, "--jobs", "1", "-f", "handouts", "-e", "survivors")
    assert proc.returncode == 0, proc.stderr
    text = pdf_text(project / "build/survivors/handouts/badin-survivors-ch01-start-a4.pdf")
    assert "Counted 1 resources in FOR SURVIVORS on 2 January 2026." in \
        " ".join(text.split())


# ---------------------------------------------------------------- a new override is seen


def test_a_template_added_while_serving_is_used(project):
    """serve rebuilds in one process: an override added to templates/ between two builds
    is used, not the bundled template compiled by the first build."""
    preview = Preview(project, "survivors")
    try:
        preview.rebuild()
        assert preview.error is None, preview.error
        style = preview.site() / "style.css"
        assert "--accent: #0a0b0c" not in style.read_text()
        override(project, "theme.css", ":root { --accent: #0a0b0c; }\n")
        preview.rebuild()
        assert preview.error is None, preview.error
        assert "--accent: #0a0b0c" in style.read_text()
    finally:
        preview.close()


def test_a_template_added_between_two_builds_is_used(project):
    build(project, formats=["handouts"], editions=["survivors"], jobs=1, keep_html=True)
    html = project / "build/survivors/handouts/badin-survivors-ch01-start-a4.html"
    assert "Bundled-or-not" not in html.read_text()
    handout = (BUNDLED / "handout.html").read_text(encoding="utf-8")
    override(project, "handout.html", handout.replace("</body>", "<p>Bundled-or-not</p></body>"))
    build(project, formats=["handouts"], editions=["survivors"], jobs=1, keep_html=True)
    assert "Bundled-or-not" in html.read_text()


# ---------------------------------------------------------------- links out of the project


def outside(project: Path, name: str, text: str) -> Path:
    path = project.parent / "elsewhere" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def link(project: Path, rel: str, target: Path) -> None:
    path = project / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    path.symlink_to(target)


SECRET_CHAPTER = "---\ntitle: Secret\n---\nA secret from outside the project.\n"
WORKSHEET = ("id: secret\ntitle: Secret\npurpose: A secret.\nfields:\n"
             "  - type: name\n    label: Name\n")
RESOURCE = ("- name: Secret line\n  regions: [GB]\n  contact: '000'\n  roles: [crisis]\n"
            "  verified_on: 2026-01-01\n")
GLOSSARY = "- id: secret\n  term: Secret\n  definition: From outside the project.\n"


def test_a_chapter_linked_out_of_the_project_is_refused(project):
    link(project, "content/chapters/02-secret.md", outside(project, "s.md", SECRET_CHAPTER))
    line = refused(project, "content/chapters/02-secret.md")
    assert "outside the project" in line


@pytest.mark.parametrize("rel,text", [
    ("content/worksheets/secret.yaml", WORKSHEET),
    ("content/resources/secret.yaml", RESOURCE),
    ("content/glossary.yaml", GLOSSARY),
], ids=["worksheet", "resource", "glossary"])
def test_a_source_linked_out_of_the_project_is_refused(project, rel, text):
    link(project, rel, outside(project, Path(rel).name, text))
    assert "outside the project" in refused(project, rel)


def test_careprint_toml_linked_out_of_the_project_is_refused(project):
    toml = outside(project, "careprint.toml", (project / "careprint.toml").read_text())
    link(project, "careprint.toml", toml)
    assert "outside the project" in refused(project, "careprint.toml")


def test_a_stylesheet_linked_to_etc_passwd_is_refused(project):
    link(project, "templates/theme.css", Path("/etc/passwd"))
    line = refused(project, "templates/theme.css", "-f", "html")
    assert "/etc/passwd" in line


def test_a_template_linked_out_of_the_project_is_refused(project):
    handout = outside(project, "handout.html", (BUNDLED / "handout.html").read_text())
    link(project, "templates/handout.html", handout)
    refused(project, "templates/handout.html", "-f", "handouts")


def test_an_image_linked_out_of_the_project_is_refused(project):
    from PIL import Image

    secret = project.parent / "elsewhere" / "a.png"
    secret.parent.mkdir()
    Image.new("RGB", (4, 3)).save(secret)
    link(project, "content/chapters/images/a.png", secret)
    chapter = project / CHAPTER
    text = chapter.read_text() + "\n![A calm place](images/a.png)\n"
    chapter.write_text(text)
    line = refused(project, f"{CHAPTER}:{line_of(text, 'images/a.png')}")
    assert "image 'images/a.png' leads outside content/" in line


@pytest.mark.parametrize("folder", ["content", "templates"])
def test_a_folder_linked_out_of_the_project_is_refused(project, folder):
    away = project.parent / "elsewhere" / folder
    if folder == "content":
        shutil.move(project / "content", away)
    else:
        away.mkdir(parents=True)
        (away / "theme.css").write_text(":root { --accent: #010203; }\n")
    link(project, folder, away)
    refused(project, folder, "-f", "html")


def test_links_that_stay_inside_the_project_work(project):
    shared = project / "shared"
    shared.mkdir()
    (shared / "theme.css").write_text(":root { --accent: #040506; }\n")
    link(project, "templates/theme.css", Path("../shared/theme.css"))
    os.rename(project / CHAPTER, shared / "01-start.md")
    link(project, CHAPTER, Path("../../shared/01-start.md"))
    proc = run_careprint("build", project, "--jobs", "1", "-f", "html", "-e", "survivors")
    assert proc.returncode == 0, proc.stderr
    assert "--accent: #040506" in (project / "build/survivors/html/style.css").read_text()
    assert "welcomes the reader gently" in \
        (project / "build/survivors/html/01-start.html").read_text()


def test_check_reports_a_link_out_of_the_project(project):
    link(project, "templates/theme.css", Path("/etc/passwd"))
    proc = run_careprint("check", project)
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
    assert "templates/theme.css: error: project: a symbolic link to /etc/passwd" in proc.stdout


def test_the_template_loader_refuses_a_link_out_of_the_project(project):
    """Templates are guarded where they are loaded too (a link made after the project was
    read, while a build runs)."""
    from careprint.errors import ProjectError
    from careprint.render import environment

    link(project, "templates/theme.css", Path("/etc/passwd"))
    with pytest.raises(ProjectError) as err:
        environment(project).get_template("theme.css")
    assert err.value.problems[0].where == "templates/theme.css"
