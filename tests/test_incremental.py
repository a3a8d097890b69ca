"""The build plan: unchanged targets are skipped, changed ones (and only those) re-rendered."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import copy_fixture, run_careprint

from careprint.cli import main
from careprint.pipeline.build import build, in_shard

ALL = {
    "a/twin-a-a4.pdf", "a/twin-a.epub", "a/handouts/twin-a-ch01-start-a4.pdf",
    "a/handouts/twin-a-ch02-second-steps-a4.pdf",
    "b/twin-b-a4.pdf", "b/twin-b.epub", "b/handouts/twin-b-ch01-start-a4.pdf",
    "b/handouts/twin-b-ch02-second-steps-a4.pdf", "b/handouts/twin-b-ch03-b-extra-a4.pdf",
}


FORMATS = ["pdf", "handouts", "epub"]


def rendered(project, **kw) -> set[str]:
    kw.setdefault("jobs", 1)
    kw.setdefault("formats", FORMATS)
    report = build(project, environ={"SOURCE_DATE_EPOCH": "1700000000"}, **kw)
    out = project / "build"
    return {w.path.relative_to(out).as_posix() for w in report.rendered}


@pytest.fixture
def built(tmp_path):
    project = copy_fixture("two-editions", tmp_path)
    assert rendered(project) == ALL
    return project


def test_unchanged_rebuild_renders_nothing(built):
    assert rendered(built) == set()
    manifest = json.loads((built / "build/.careprint/manifest.json").read_text())
    assert set(manifest["targets"]) == ALL


def test_unchanged_rebuild_does_not_import_weasyprint_or_ebooklib(built):
    code = ("import sys, careprint.cli as c\n"
            "sys.argv=['careprint','build',sys.argv[1],'-f','pdf','-f','handouts','-f','epub']\n"
            "try:\n    c.run()\nexcept SystemExit:\n    pass\n"
            "print('HEAVY', [m for m in ('weasyprint', 'ebooklib') if m in sys.modules])")
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", code, str(built)], capture_output=True,
                          text=True, env={"SOURCE_DATE_EPOCH": "1700000000", "PATH": "",
                                          "CAREPRINT_TODAY": os.environ["CAREPRINT_TODAY"]})
    assert "HEAVY []" in proc.stdout, proc.stdout + proc.stderr
    assert "9 unchanged outputs skipped" in proc.stdout


def test_editing_one_chapter_rerenders_exactly_the_outputs_that_include_it(built):
    path = built / "content/chapters/02-second-steps.md"
    path.write_text(path.read_text() + "\nA new sentence about harbour lights.\n")
    assert rendered(built) == {"a/twin-a-a4.pdf", "a/twin-a.epub",
                               "a/handouts/twin-a-ch02-second-steps-a4.pdf",
                               "b/twin-b-a4.pdf", "b/twin-b.epub",
                               "b/handouts/twin-b-ch02-second-steps-a4.pdf"}


def test_editing_a_passage_only_one_edition_keeps_rebuilds_only_that_edition(built):
    path = built / "content/chapters/01-start.md"
    path.write_text(path.read_text().replace("juniper kites", "juniper kites and gulls"))
    assert rendered(built) == {"b/twin-b-a4.pdf", "b/twin-b.epub",
                               "b/handouts/twin-b-ch01-start-a4.pdf"}


def test_editing_a_template_rerenders_exactly_the_outputs_that_use_it(built):
    templates = built / "templates"
    templates.mkdir()
    from careprint.render import PACKAGE_TEMPLATES

    text = (PACKAGE_TEMPLATES / "handout.html").read_text()
    (templates / "handout.html").write_text(text.replace("If you need help now",
                                                         "If you would like help now"))
    assert rendered(built) == {p for p in ALL if "/handouts/" in p}


def test_editing_a_shared_stylesheet_rerenders_the_pdfs_not_the_epubs(built):
    """print.css is shared by the guide and the handouts, not by the EPUB. (theme.css now
    reaches the EPUB too: test_a_new_theme_colour_remakes_the_epub.)"""
    from careprint.render import PACKAGE_TEMPLATES

    templates = built / "templates"
    templates.mkdir()
    css = (PACKAGE_TEMPLATES / "print.css").read_text()
    (templates / "print.css").write_text(css + "\nblockquote { margin-left: 1.5em; }\n")
    assert rendered(built) == {p for p in ALL if p.endswith(".pdf")}


def test_deleting_an_output_rerenders_it(built):
    (built / "build/a/handouts/twin-a-ch01-start-a4.pdf").unlink()
    assert rendered(built) == {"a/handouts/twin-a-ch01-start-a4.pdf"}


def test_changing_a_config_value_rerenders_the_outputs_that_read_it(built):
    toml = built / "careprint.toml"
    toml.write_text(toml.read_text().replace('title = "Edition B"', 'title = "Edition Bee"'))
    assert rendered(built) == {p for p in ALL if p.startswith("b/")}


def test_force_rebuilds_everything(built):
    assert rendered(built, force=True) == ALL


def test_shards_are_disjoint_and_cover_every_target(tmp_path):
    seen = []
    for k in (1, 2, 3):
        project = copy_fixture("two-editions", tmp_path / str(k))
        seen.append(rendered(project, shard=f"{k}/3"))
    assert set.union(*seen) == ALL
    assert sum(len(s) for s in seen) == len(ALL)
    assert all(seen)


def test_in_shard_is_deterministic():
    from careprint.render import Job

    jobs = [Job("pdf", "a", str(i), f"a/{i}.pdf", i % 4, "") for i in range(10)]
    assert in_shard(jobs, (2, 3)) == in_shard(list(reversed(jobs)), (2, 3))


def test_bad_shard_is_a_clear_error(built):
    result = CliRunner().invoke(main, ["build", str(built), "--shard", "4/3"])
    assert result.exit_code == 1
    assert "--shard '4/3': expected K/N with 1 <= K <= N" in result.output


def test_jobs_2_gives_the_same_bytes_as_jobs_1(tmp_path):
    one = copy_fixture("two-editions", tmp_path / "one")
    two = copy_fixture("two-editions", tmp_path / "two")
    rendered(one, jobs=1)
    rendered(two, jobs=2)
    sums = [(p / "build" / e / "SHA256SUMS").read_text() for e in ("a", "b") for p in (one, two)]
    assert sums[0] == sums[1] and sums[2] == sums[3]


def test_keep_html_writes_the_html_behind_each_pdf(tmp_path):
    project = copy_fixture("two-editions", tmp_path)
    run_careprint("build", project, "--keep-html", "-e", "a", "-f", "pdf", "-f", "handouts",
                  check=True)
    html = project / "build/a/twin-a-a4.part-01.html"  # the front matter's part
    assert "<title>Twin Guide: Edition A</title>" in html.read_text()
    assert (project / "build/a/handouts/twin-a-ch01-start-a4.html").is_file()
    # the kept HTML renders with bare WeasyPrint
    import weasyprint

    pdf = weasyprint.HTML(filename=str(html),
                          base_url=str(project / "content/chapters") + "/").write_pdf()
    assert pdf.startswith(b"%PDF")


def test_removed_chapter_removes_its_stale_handout(built):
    (built / "content/chapters/03-b-extra.md").unlink()
    rendered(built)
    assert not (built / "build/b/handouts/twin-b-ch03-b-extra-a4.pdf").exists()
    assert "03-b-extra" not in (built / "build/b/SHA256SUMS").read_text()


def test_web_edition_rebuilds_only_the_page_of_an_edited_chapter(tmp_path):
    project = copy_fixture("two-editions", tmp_path)
    assert len(rendered(project, formats=["html"])) > 10
    path = project / "content/chapters/02-second-steps.md"
    path.write_text(path.read_text() + "\nA new sentence about harbour lights.\n")
    assert rendered(project, formats=["html"]) == {"a/html/02-second-steps.html",
                                                   "b/html/02-second-steps.html"}
    path.write_text(path.read_text().replace("title: Second steps", "title: Next steps"))
    # a new title shows in every page's contents and in its neighbours' links
    assert len(rendered(project, formats=["html"])) > 10


def test_booklets_made_with_their_pdfs_match_booklets_made_alone(tmp_path):
    together = copy_fixture("two-editions", tmp_path / "together")
    alone = copy_fixture("two-editions", tmp_path / "alone")
    made = rendered(together, formats=["pdf", "handouts", "booklet"], jobs=2)
    assert "b/twin-b-booklet-a4.pdf" in made
    assert "b/handouts/twin-b-ch03-b-extra-booklet-a4.pdf" in made
    rendered(alone, formats=["booklet"])
    for rel in ("b/twin-b-booklet-a4.pdf", "b/handouts/twin-b-ch03-b-extra-booklet-a4.pdf"):
        assert (together / "build" / rel).read_bytes() == (alone / "build" / rel).read_bytes()


def test_jobs_2_reports_each_target_as_it_finishes(tmp_path, monkeypatch):
    """Progress comes while the build works, not all at once at the end: edition A's guide
    (in its worker) waits to render until another target has been reported."""
    import multiprocessing

    import careprint.pipeline.workers as build_module

    reported = multiprocessing.get_context("fork").Event()  # workers inherit it (fork)
    real = build_module.format_module

    class Held:
        def __init__(self, fmt):
            self.module = real(fmt)

        def __getattr__(self, name):
            return getattr(self.module, name)

        def render(self, eg, ctx, job):
            if job.relpath == "a/twin-a-a4.pdf":
                assert reported.wait(120), "no target was reported while this one waited"
            return self.module.render(eg, ctx, job)

    monkeypatch.setattr(build_module, "format_module", Held)
    order = []

    def progress(message, written, done, total):
        order.append(message)
        reported.set()

    project = copy_fixture("two-editions", tmp_path)
    build(project, formats=["pdf", "handouts"], jobs=2, progress=progress,
          environ={"SOURCE_DATE_EPOCH": "1700000000"})
    assert len(order) == 7 and order[0] != "rendered a/twin-a-a4.pdf", order
    assert "rendered a/twin-a-a4.pdf" in order


def test_kept_html_always_matches_the_pdf_beside_it(tmp_path):
    """A PDF rendered again keeps only the HTML this build gave WeasyPrint: no part files of
    a chapter no longer there, and no old HTML beside a PDF built without it."""
    project = copy_fixture("two-editions", tmp_path)
    out = project / "build" / "a"
    rendered(project, editions=["a"], formats=["pdf"], keep_html=True)
    parts = sorted(p.name for p in out.glob("*.html"))
    # the front matter, each of the edition's chapters, the back matter
    assert parts == [f"twin-a-a4.part-{i:02d}.html" for i in range(1, len(parts) + 1)]
    assert len(parts) >= 4
    assert all(p in (out / "SHA256SUMS").read_text() for p in parts)

    (project / "content/chapters/02-second-steps.md").unlink()
    start = project / "content/chapters/01-start.md"
    start.write_text(start.read_text().replace("For more, see [[chapter:second-steps]].", ""))
    rendered(project, editions=["a"], formats=["pdf"], keep_html=True)
    assert len(list(out.glob("*.html"))) == len(parts) - 1

    assert rendered(project, editions=["a"], formats=["pdf"]) == {"a/twin-a-a4.pdf"}
    assert list(out.glob("*.html")) == []
    assert "html" not in (out / "SHA256SUMS").read_text()


def test_fonts_a_document_brings_do_not_stay_for_the_next_one(tmp_path):
    """Workers share one font configuration between documents, but not the fonts a
    document adds with @font-face: the next document would render with them, and a PDF's
    bytes would depend on what its worker rendered before."""
    import datetime as dt

    from pypdf import PdfReader

    from careprint.render import BuildContext
    from careprint.render.weasy import render_pdf

    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    assert font.is_file(), "fonts-dejavu-core (scripts/install-system-deps.sh) provides it"
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "own.ttf").write_bytes(font.read_bytes())
    ctx = BuildContext(tmp_path, "a4", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    body = '<body><p style="font-family: Own">Some words</p></body></html>'

    def fonts(html):
        data = render_pdf(html, ctx, "test")[0]
        page = PdfReader(io.BytesIO(data)).pages[0]
        return {str(f["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}

    face = (f'<style>@font-face {{ font-family: Own; src: url('
            f'{(tmp_path / "templates" / "own.ttf").as_uri()}) }}</style>')
    head = '<html lang="en"><head><title>t</title>'
    assert any(f.endswith("+Own") for f in fonts(head + face + "</head>" + body))
    assert not any(f.endswith("+Own") for f in fonts(head + "</head>" + body))


def test_a_new_theme_colour_remakes_the_epub(tmp_path):
    """epub.css takes the theme's colours as values (render/theme.py), not by including
    theme.css: the EPUB still depends on theme.css, and on its nav and cover templates."""
    import zipfile

    from careprint.render import PACKAGE_TEMPLATES

    project = copy_fixture("minimal", tmp_path)
    assert rendered(project, formats=["epub"]) == {"everyone/tiny-everyone.epub"}
    templates = project / "templates"
    templates.mkdir(exist_ok=True)
    theme = (PACKAGE_TEMPLATES / "theme.css").read_text()
    (templates / "theme.css").write_text(theme.replace("#1d5c63", "#5a2d6b"))
    assert rendered(project, formats=["epub"]) == {"everyone/tiny-everyone.epub"}
    with zipfile.ZipFile(project / "build/everyone/tiny-everyone.epub") as z:
        assert "#5a2d6b" in z.read("EPUB/style.css").decode()
    nav = (PACKAGE_TEMPLATES / "epub-nav.xhtml").read_text()
    (templates / "epub-nav.xhtml").write_text(nav.replace("<h1 id=", "<h1 class='x' id="))
    assert rendered(project, formats=["epub"]) == {"everyone/tiny-everyone.epub"}
