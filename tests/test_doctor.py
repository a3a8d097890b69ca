"""`careprint doctor`: every tool careprint uses, and the command that installs a missing one."""

from __future__ import annotations

import os
import re
import shutil

from click.testing import CliRunner
from conftest import copy_fixture

from careprint.cli import main


def doctor(project, status=0, **env):
    result = CliRunner().invoke(main, ["doctor", str(project)], env=env)
    assert result.exit_code == status, result.output
    return result.output


def test_doctor_reports_every_tool_careprint_uses(tmp_path):
    out = doctor(copy_fixture("minimal", tmp_path))
    for row in (r"Java \(runs EPUBCheck\): \d+", r"EPUBCheck: 5\.",
                r"Node\.js \(runs Ace by DAISY\): \d+", r"Chromium \(Ace by DAISY drives it\): /",
                r"Ace by DAISY \(careprint check --outputs\): \d+\.",
                r"Fonts for the guide's language \(en\): .*DejaVu Sans",
                r"Font Lato \(theme\.css\): shipped with careprint",
                r"Font Atkinson Hyperlegible \(large-print\.css\): shipped with careprint"):
        assert re.search(rf"^ok  {row}", out, re.M), f"{row}\n{out}"


def test_doctor_names_the_debian_package_of_each_missing_tool(tmp_path, monkeypatch):
    project = copy_fixture("minimal", tmp_path)
    toml = project / "careprint.toml"
    toml.write_text(toml.read_text().replace('language = "en"', 'language = "ja"'))
    bin_dir = tmp_path / "bin"  # a PATH with fontconfig's fc-list and nothing else
    bin_dir.mkdir()
    (bin_dir / "fc-list").symlink_to(shutil.which("fc-list"))
    empty = tmp_path / "fonts.conf"  # fontconfig with no font folders: no fonts at all
    empty.write_text('<?xml version="1.0"?>\n<fontconfig></fontconfig>\n')
    monkeypatch.setattr("careprint.check.tools.CHROMIUM_PATHS", ())
    for var in ("PUPPETEER_EXECUTABLE_PATH", "CAREPRINT_ACE"):
        monkeypatch.delenv(var, raising=False)
    # the guide's fonts are missing: a build would fail, so doctor exits 1 (issue 26)
    out = doctor(project, 1, PATH=str(bin_dir), FONTCONFIG_FILE=str(empty))
    assert os.environ["PATH"] != str(bin_dir)  # CliRunner put the PATH back
    for row in (r"Java \(runs EPUBCheck\): missing \(Debian: apt-get install "
                r"default-jre-headless\)",
                r"EPUBCheck: cannot run: .*apt-get install default-jre-headless",
                r"Node\.js \(runs Ace by DAISY\): missing: .*apt-get install nodejs npm",
                r"Chromium \(Ace by DAISY drives it\): missing \(Debian: apt-get install "
                r"chromium\)",
                r"Ace by DAISY \(careprint check --outputs\): cannot run: .*npm install",
                r"Fonts for the guide's language \(ja\): missing: .*apt-get install "
                r"fonts-noto-cjk"):
        assert re.search(rf"^!!  {row}", out, re.M), f"{row}\n{out}"
    # careprint's own typefaces travel with it: present on a machine with no fonts at all
    assert re.search(r"^ok  Font Lato \(theme\.css\): shipped with careprint", out, re.M), out
    # outside a project, fonts are checked for English, and doctor says so
    out = doctor(tmp_path / "bin", PATH=str(bin_dir), FONTCONFIG_FILE=str(empty))
    assert re.search(r"^ok  Guide project: no careprint\.toml in .*careprint doctor DIR", out,
                     re.M), out
    # ... which careprint's own typefaces cover, on a machine with no fonts at all
    assert re.search(r"^ok  Fonts for the guide's language \(en\): Atkinson Hyperlegible, "
                     r"Lato$", out, re.M), out

