"""Every number of careprint.toml has a range, and a value outside it (or nan, or an
integer too long for Python to read) is an error at its line, exit 1, no traceback
(issue 22, item 18). `max_grade = nan` used to switch readability off silently, and
`part_words = -5` was accepted; SOURCE_DATE_EPOCH before 1970 was accepted too."""

from __future__ import annotations

import datetime as _dt

import pytest
from conftest import copy_fixture, run_careprint

from careprint.check.registry import check_options
from careprint.errors import ProjectError
from careprint.render.job import source_date
from careprint.source.config import load_config
from careprint.source.config_schema import (
    EDITION_OPTS,
    GUIDE_OPTS,
    PAPER_OPTS,
    RESOURCES_OPTS,
    REVIEW_OPTS,
    format_opts,
)


def every_opt():
    tables = [GUIDE_OPTS, EDITION_OPTS, PAPER_OPTS, RESOURCES_OPTS, REVIEW_OPTS,
              *format_opts().values(), *check_options().values()]
    return [(key, opt) for table in tables for key, opt in table.items()]


def test_every_number_of_the_schema_has_a_range():
    numbers = [(key, opt) for key, opt in every_opt()
               if int in (opt.kind if isinstance(opt.kind, tuple) else (opt.kind,))]
    assert len(numbers) >= 9
    for key, opt in numbers:
        assert opt.lo is not None and opt.hi is not None and opt.lo <= opt.default <= opt.hi, \
            key


def problems(tmp_path, extra: str) -> dict[int, str]:
    """{line: problem} of the minimal project with `extra` added to its careprint.toml."""
    project = copy_fixture("minimal", tmp_path)
    toml = project / "careprint.toml"
    toml.write_text(toml.read_text("utf-8") + extra, "utf-8")
    with pytest.raises(ProjectError) as err:
        load_config(project)
    return {p.where.line: str(p) for p in err.value.problems}


def test_a_number_outside_its_range_is_an_error_at_its_line(tmp_path):
    found = problems(tmp_path, "\n[formats.pdf]\npart_words = -5\n"  # line 17
                     "\n[check.readability]\nmax_grade = nan\neveryone = inf\n"  # 20, 21
                     "min_words = 0\n"  # 22
                     "\n[check.long-paragraph]\nmax_sentences = 10001\n"  # 25
                     "\n[resources]\nmax_age_days = 0\n")  # 28
    assert found == {
        17: "careprint.toml:17: formats.pdf.part_words: -5 is out of range: expected a "
            "whole number from 1 to 10,000,000",
        20: "careprint.toml:20: check.readability.max_grade: nan is out of range: expected "
            "a number from 1 to 30",
        21: "careprint.toml:21: check.readability.everyone: inf is out of range: expected "
            "a number from 1 to 30",
        22: "careprint.toml:22: check.readability.min_words: 0 is out of range: expected a "
            "whole number from 1 to 100,000",
        25: "careprint.toml:25: check.long-paragraph.max_sentences: 10001 is out of range: "
            "expected a whole number from 1 to 10,000",
        28: "careprint.toml:28: resources.max_age_days: 0 is out of range: expected a "
            "whole number from 1 to 3,650"}


def test_numbers_inside_their_ranges_load(tmp_path):
    project = copy_fixture("minimal", tmp_path)
    toml = project / "careprint.toml"
    toml.write_text(toml.read_text("utf-8") + "\n[check.readability]\nmax_grade = 30\n"
                    "everyone = 7.5\n\n[formats.pdf]\npart_words = 1\n", "utf-8")
    config = load_config(project)
    assert config.check["readability"]["grades"]["everyone"] == 7.5
    assert config.check["readability"]["max_grade"] == 30


def test_an_integer_of_5000_digits_is_an_error_at_its_line(tmp_path):
    project = copy_fixture("minimal", tmp_path)
    toml = project / "careprint.toml"
    text = toml.read_text("utf-8") + "\n[check.long-sentence]\n# 1" + "0" * 5000 + \
        '\nenabled = true\nmax_words = [\n  "' + "1" * 5000 + '",\n  ' + "1" * 5000 + "\n]\n"
    toml.write_text(text, "utf-8")
    line = text.split("\n").index("  " + "1" * 5000) + 1
    proc = run_careprint("build", project, "-f", "html")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert f"careprint.toml:{line}: check.long-sentence.max_words: a number with more " \
        "than 4,300 digits: no setting needs one; write a smaller number" in proc.stderr


@pytest.mark.parametrize("value", ["-1", "-86400", "1e9", "12.5", "x", "253402300800",
                                   "9" * 5000])
def test_a_source_date_epoch_that_is_not_a_time_from_1970_to_9999_is_refused(value):
    with pytest.raises(ProjectError) as err:
        source_date(_dt.date(2026, 1, 2), {"SOURCE_DATE_EPOCH": value})
    message = str(err.value.problems[0])
    assert message.startswith("SOURCE_DATE_EPOCH: ") and "from 0 to 253402300799" in message
    assert len(message) < 300


def test_source_date_epoch_from_1970_to_the_end_of_9999_is_used():
    assert source_date(_dt.date(2026, 1, 2), {"SOURCE_DATE_EPOCH": "0"}) == \
        _dt.datetime(1970, 1, 1)
    assert source_date(_dt.date(2026, 1, 2), {"SOURCE_DATE_EPOCH": "253402300799"}) == \
        _dt.datetime(9999, 12, 31, 23, 59, 59)


def test_a_negative_source_date_epoch_stops_the_build(tmp_path):
    project = copy_fixture("minimal", tmp_path)
    proc = run_careprint("build", project, "-f", "html", env={"SOURCE_DATE_EPOCH": "-1"})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "SOURCE_DATE_EPOCH: '-1' is not a Unix timestamp" in proc.stderr
    assert not (project / "build").exists()


def test_an_integer_of_5000_digits_in_an_imprint_is_an_error_at_its_line(tmp_path):
    from test_imprints import imprint_project

    from careprint.source.load import load_project

    root = imprint_project(tmp_path)
    path = root / "imprints" / "hilltop.toml"
    path.write_text(path.read_text() + "fill_in = " + "7" * 5000 + "\n")
    with pytest.raises(ProjectError) as err:
        load_project(root)
    assert [str(p) for p in err.value.problems] == [
        "imprints/hilltop.toml:4: fill_in: a number with more than 4,300 digits: no setting "
        "needs one; write a smaller number"]
