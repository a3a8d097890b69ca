"""Issue 22, item 16: each pathological input the hostile round used is refused with a
clear error at its file:line, in bounded memory, by `careprint check` as by a build.

Each runs `careprint check` in a child of a small wrapper process, whose
RUSAGE_CHILDREN is then that check's own peak memory alone. Before these bounds they took
from 1.4 GB to 6 GB, or hung; refused, each takes under 100 MB (and a second or two:
bench/run.py, section 8, times them; tests assert no time). The limits' messages are
compared with docs/content-format.md in tests/test_limits.py."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT, copy_fixture

sys.path.insert(0, str(ROOT / "bench"))
import bombs  # noqa: E402  (bench/bombs.py)

PEAK_MB = 400  # a refusal's generous ceiling; the inputs took 1.4 to 6 GB
WRAPPER = ("import resource, subprocess, sys\n"
           "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
           "sys.stdout.write(r.stdout + r.stderr)\n"
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)\n"
           "sys.exit(r.returncode)\n")


def refused(project, *args) -> tuple[int, str, int]:
    """(exit status, output, peak RSS in MB) of `careprint ARGS PROJECT`."""
    proc = subprocess.run([sys.executable, "-c", WRAPPER, sys.executable, "-m", "careprint",
                           *args, str(project)], capture_output=True, text=True,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                                         "SOURCE_DATE_EPOCH": "1700000000"})
    output, _, peak = proc.stdout.rstrip("\n").rpartition("\n")
    return proc.returncode, " ".join(output.split()), int(peak)  # lines wrapped as one


@pytest.mark.parametrize("name", list(bombs.BOMBS))
def test_pathological_input_is_refused_in_bounded_memory(tmp_path, name):
    project = copy_fixture("bad-input/base", tmp_path)
    expected = bombs.BOMBS[name](project)
    status, output, peak = refused(project, "check", "--strict")
    assert status == 1, output
    assert expected in output
    assert "Traceback" not in output and "Warning" not in output  # no raw Pillow warning
    assert peak < PEAK_MB, f"{name}: {peak} MB"


def test_a_huge_image_stops_a_build_before_anything_is_written(tmp_path):
    project = copy_fixture("bad-input/base", tmp_path)
    bombs.big_png(project)
    out = tmp_path / "out"
    status, output, peak = refused(project, "build", "--format", "html", "--out", out)
    assert status == 1 and "content/chapters/01-start.md:12: " in output, output
    assert "13000 x 13000 pixels (169 megapixels)" in output
    assert not out.exists() and peak < PEAK_MB


def test_a_huge_careprint_toml_is_refused_by_a_build_without_reading_it_whole(tmp_path):
    """The build's digests of the project's files (careprint/source/digests.py) read each file a
    MiB at a time, so the size check is what a huge file meets; before, a build held a
    50 MiB careprint.toml in memory twice over (a sparse 200 MiB file here, written in no
    time)."""
    project = copy_fixture("bad-input/base", tmp_path)
    with open(project / "careprint.toml", "ab") as fh:
        fh.truncate(200 * 1024 * 1024)
    status, output, peak = refused(project, "build", "--format", "html", "--out",
                                   tmp_path / "out")
    assert status == 1 and "the limit for careprint.toml is 256 KiB" in output, output
    assert peak < 200, f"{peak} MB"


def test_a_huge_source_is_refused_without_being_read(tmp_path):
    """A worksheet past the limit of a source file is refused before it is read, and no
    other check (the glyph check reads every source) reads it whole (sparse: 300 MiB of
    nothing)."""
    project = copy_fixture("bad-input/base", tmp_path)
    with open(project / "content/worksheets/huge.yaml", "wb") as fh:
        fh.truncate(300 * 1024 * 1024)
    status, output, peak = refused(project, "check")
    assert status == 1 and "the limit for one source file is 2048 KiB" in output, output
    assert peak < 200, f"{peak} MB"


def test_a_huge_image_a_template_shows_stops_the_build_undecoded(tmp_path):
    """A template's images are not checked at load (no chapter shows them): careprint's
    fetcher refuses one past the limit from its header, before WeasyPrint decodes it."""
    project = copy_fixture("bad-input/base", tmp_path)
    (project / "templates").mkdir()
    (project / "templates/huge.png").write_bytes(bombs.png_header_only(13_000, 13_000))
    handout = (ROOT / "careprint/templates/handout.html").read_text("utf-8")
    (project / "templates/handout.html").write_text(handout.replace(
        "<body>", '<body><img src="../../templates/huge.png" alt="Logo"/>', 1), "utf-8")
    status, output, peak = refused(project, "build", "-f", "handouts", "-e", "survivors",
                                   "--out", tmp_path / "out")
    assert status == 1, output
    assert "image 'huge.png' is 13000 x 13000 pixels (169 megapixels)" in output, output
    assert "Traceback" not in output and "Warning" not in output
    assert peak < PEAK_MB, f"{peak} MB"
