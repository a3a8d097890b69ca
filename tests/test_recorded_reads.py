"""What a render reads is part of its output's key because it was read (careprint/source/reads.py,
issue 23): a config value of any table, a template the project adds or includes, a file
WeasyPrint fetches. Nothing lists them by hand, and an output that did not read a thing is
not made again when it changes."""

from __future__ import annotations

import json

from click.testing import CliRunner
from conftest import copy_fixture, pdf_text

from careprint.cli import main
from careprint.render import PACKAGE_TEMPLATES, Artifact, Job, digest, registry

SLUG = "tiny-everyone-ch01-hello"


def invoke(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], prog_name="careprint")
    assert result.exit_code == 0, result.output
    return result.output


def rebuilt(output: str) -> int:
    return int(output.split("Built ")[1].split(" file")[0])


def set_config(project, text: str) -> None:
    with open(project / "careprint.toml", "a", encoding="utf-8") as fh:
        fh.write(text)


def bundled(name: str) -> str:
    return (PACKAGE_TEMPLATES / name).read_text("utf-8")


def words_jobs(eg, paper):
    return [Job("words", eg.edition.id, "", f"{eg.edition.id}/words.txt", 1, digest("v1"))]


def words_render(eg, ctx, job):
    # reads a value of [formats.pdf], not of a table of its own: the recipe for a new
    # template variable (docs/architecture.md) that went stale before issue 23
    return Artifact(job.relpath, f"{eg.config.fmt('pdf', 'part_words')}\n".encode())


WORDS = registry.Format("words", words_jobs, words_render, paperless=True)


def test_a_config_value_of_another_table_remakes_the_output_that_read_it(tmp_path):
    project = copy_fixture("minimal", tmp_path)
    out = project / "build"
    with registry.registered(WORDS):
        invoke("build", project, "-f", "words", "-j", "1")
        before = (out / "everyone/words.txt").read_text()
        set_config(project, "\n[formats.pdf]\npart_words = 12345\n")
        output = invoke("build", project, "-f", "words", "-j", "1")
        assert rebuilt(output) == 1, output
        assert (out / "everyone/words.txt").read_text() == "12345\n" != before
        reads = json.loads((out / ".careprint/manifest.json").read_text())["targets"][
            "everyone/words.txt"]["reads"]
        assert list(reads) == ["config:formats.pdf.part_words"]


def test_a_template_the_project_includes_remakes_the_outputs_that_use_it(tmp_path):
    """A stylesheet the project's handout template includes: an edit to it remakes the
    handout, and leaves the EPUB, which never read it, alone."""
    project = copy_fixture("minimal", tmp_path)
    out = project / "build"
    (project / "templates").mkdir()
    (project / "templates" / "handout.html").write_text(bundled("handout.html").replace(
        "</style>", "{% include 'extra.css' %}</style>", 1), "utf-8")
    (project / "templates" / "extra.css").write_text("h1 { color: #123456; }\n", "utf-8")
    args = ("build", project, "-f", "handouts", "-f", "epub", "--paper", "a4", "-j", "1")
    invoke(*args)
    handout = out / f"everyone/handouts/{SLUG}-a4.pdf"
    first = handout.read_bytes()
    (project / "templates" / "extra.css").write_text("h1 { color: #654321; }\n", "utf-8")
    output = invoke(*args)
    assert rebuilt(output) == 1, output  # the handout; the EPUB never read extra.css
    assert handout.read_bytes() != first


def test_a_picture_a_stylesheet_draws_remakes_the_outputs_that_drew_it(tmp_path):
    """A file WeasyPrint fetches (a picture in the theme, in no chapter) is read by the
    render: replacing it remakes what drew it."""
    project = copy_fixture("minimal", tmp_path)
    out = project / "build"
    images = project / "content" / "chapters" / "images"
    images.mkdir()
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
           '<rect width="10" height="10" fill="{}"/></svg>')
    (images / "mark.svg").write_text(svg.format("#000"), "utf-8")
    (project / "templates").mkdir()
    (project / "templates" / "theme.css").write_text(
        bundled("theme.css") + '\nh1 { background: url("images/mark.svg"); }\n', "utf-8")
    args = ("build", project, "-f", "handouts", "--paper", "a4", "-j", "1")
    invoke(*args)
    reads = json.loads((out / ".careprint/manifest.json").read_text())["targets"][
        f"everyone/handouts/{SLUG}-a4.pdf"]["reads"]
    assert "file:content/chapters/images/mark.svg" in reads
    handout = out / f"everyone/handouts/{SLUG}-a4.pdf"
    first = handout.read_bytes()
    (images / "mark.svg").write_text(svg.format("#fff"), "utf-8")
    output = invoke(*args)
    assert rebuilt(output) == 1, output
    assert handout.read_bytes() != first


def test_a_template_the_project_adds_over_a_bundled_one_remakes_what_used_it(tmp_path):
    project = copy_fixture("minimal", tmp_path)
    out = project / "build"
    args = ("build", project, "-f", "handouts", "--paper", "a4", "-j", "1")
    invoke(*args)
    (project / "templates").mkdir()
    (project / "templates" / "crisis-footer.css").write_text(
        bundled("crisis-footer.css") + "\n/* the clinic's own */\n", "utf-8")
    output = invoke(*args)
    assert rebuilt(output) == 1, output
    assert "Hello" in pdf_text(out / f"everyone/handouts/{SLUG}-a4.pdf")


def test_an_entry_without_its_reads_is_made_again_and_check_names_a_stale_read(tmp_path):
    """An output recorded by an earlier careprint (no reads) is made again; `check
    --outputs` names an output one of whose reads has changed since."""
    project = copy_fixture("minimal", tmp_path)
    out = project / "build"
    args = ("build", project, "-f", "handouts", "--paper", "a4", "-j", "1")
    invoke(*args)
    path = out / ".careprint/manifest.json"
    manifest = json.loads(path.read_text())
    for entry in manifest["targets"].values():
        del entry["reads"]
    manifest["fast"]["inputs"] = ""  # past the no-op's shortcut
    path.write_text(json.dumps(manifest))
    assert rebuilt(invoke(*args)) == 1
    assert rebuilt(invoke(*args)) == 0
    set_config(project, '\n[formats.pdf]\ncrisis_line = "Call 116 123 at any time."\n')
    result = CliRunner().invoke(main, ["check", str(project), "--outputs"],
                                prog_name="careprint")
    assert "built from older sources" in result.output, result.output
    assert "--format handouts" in result.output


def test_a_chapter_moved_remakes_the_chapters_printed_alone_that_name_it(tmp_path):
    """A chapter printed alone names another by its place: "(chapter 2 of the full
    guide)". Moving that chapter changes the words, so the key holds the number and the
    title of each chapter it names (found by the differential test)."""
    project = copy_fixture("two-editions", tmp_path)
    out = project / "build"
    args = ("build", project, "-e", "b", "-f", "chapters", "--paper", "a4", "-j", "1")
    invoke(*args)
    pdf = out / "b/chapters/twin-b-ch01-start-full-a4.pdf"
    assert "(chapter 2 of the full guide)" in pdf_text(pdf)
    chapters = project / "content" / "chapters"
    (chapters / "02-second-steps.md").rename(chapters / "04-second-steps.md")
    invoke(*args)
    assert "(chapter 3 of the full guide)" in pdf_text(pdf)
