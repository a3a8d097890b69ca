"""Issue 25: type that travels with careprint.

careprint ships the bundled theme's typefaces (careprint/fonts/, SIL OFL) and sets every
PDF with them, whatever the machine has: the same project gives the same bytes on a
machine with Lato installed and on one that knows DejaVu Sans alone. A font a theme names
that nobody has is an error at its line, never a silent fallback.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, careprint_env, copy_fixture, run_careprint

from careprint.source.typefaces import (
    BUNDLED,
    FONTS,
    SCRIPT_FACES,
    conf_text,
    font_file,
    named_families,
)

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
# what a machine's fonts would change: every PDF kind, large print, and the EPUB's cover
FORMATS = ("pdf", "handouts", "large-print", "booklet", "worksheets", "epub")


def machine_fonts(folder: Path, decoy: bool) -> Path:
    """A fontconfig configuration that knows DejaVu Sans and, with `decoy`, a Lato of its
    own: careprint's Lato with every glyph 15% wider, as another version would differ."""
    dirs = [DEJAVU]
    if decoy:
        from fontTools.ttLib import TTFont

        (folder / "decoy").mkdir()
        for bold in (False, True):
            font = TTFont(font_file("Lato", bold=bold))
            font["hmtx"].metrics = {g: (round(w * 1.15), lsb)
                                    for g, (w, lsb) in font["hmtx"].metrics.items()}
            font.save(folder / "decoy" / font_file("Lato", bold=bold).name)
        dirs.append(folder / "decoy")
    conf = folder / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                    "<fontconfig>" + "".join(f"<dir>{d}</dir>" for d in dirs)
                    + f"<cachedir>{folder / 'cache'}</cachedir></fontconfig>\n",
                    encoding="utf-8")
    return conf


def build(project: Path, out: Path, **env) -> dict[str, str]:
    args = ["build", str(project), "--out", str(out), "-e", "survivors", "-q",
            *(x for fmt in FORMATS for x in ("-f", fmt))]
    proc = subprocess.run([sys.executable, "-m", "careprint", *args], capture_output=True,
                          text=True, timeout=900, env=careprint_env(**env))
    assert proc.returncode == 0, proc.stderr
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file() and ".careprint" not in p.parts}


def test_the_machines_fonts_do_not_change_a_byte(tmp_path):
    """A guide in the bundled guide's theme (tests/fixtures/small-guide, survivors: every
    PDF kind and the EPUB) built with this machine's fonts, with a fontconfig that knows
    DejaVu Sans alone, and with one whose Lato is another: the same bytes, SHA256SUMS
    included. (The bundled guide itself took three minutes here: issue 26.)"""
    assert (DEJAVU / "DejaVuSans.ttf").is_file(), "fonts-dejavu-core is needed"
    project = copy_fixture("small-guide", tmp_path)
    theme = "templates/theme.css"  # the bundled guide's own, which sets Lato
    assert (project / theme).read_text("utf-8") == (ROOT / theme).read_text("utf-8")
    machine = build(project, tmp_path / "machine")
    assert len(machine) > 15 and "survivors/SHA256SUMS" in machine
    for decoy in (False, True):
        folder = tmp_path / f"fonts-{decoy}"
        folder.mkdir()
        other = build(project, tmp_path / f"out-{decoy}",
                      FONTCONFIG_FILE=str(machine_fonts(folder, decoy)))
        assert other.keys() == machine.keys()
        differ = sorted(name for name in machine if machine[name] != other[name])
        assert not differ, (decoy, differ)


def test_careprint_ships_its_typefaces_with_their_licences():
    for family in BUNDLED:
        for bold in (False, True):
            for italic in (False, True):
                assert font_file(family, bold, italic).is_file(), (family, bold, italic)
    for stem in SCRIPT_FACES.values():  # other scripts: regular and bold (issue 28)
        assert all((FONTS / f"{stem}-{face}.ttf").is_file() for face in ("Regular", "Bold"))
    licences = sorted(p.name for p in FONTS.glob("*-OFL.txt"))
    assert licences == ["AtkinsonHyperlegible-OFL.txt", "Lato-OFL.txt",
                        "NotoSansArabic-OFL.txt", "NotoSansDevanagari-OFL.txt",
                        "NotoSansHebrew-OFL.txt"]
    for licence in licences:
        assert "SIL Open Font License, Version 1.1" in (FONTS / licence).read_text("utf-8")
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    assert '"fonts/*"' in pyproject  # installed with the package, not only in a checkout


def test_careprints_configuration_hides_the_machines_copy_of_a_shipped_family(tmp_path):
    """fc-list through careprint's configuration over a machine with a Lato of its own:
    every Lato it lists is careprint's file."""
    conf = tmp_path / "careprint-fonts.conf"
    conf.write_text(conf_text(str(machine_fonts(tmp_path, decoy=True))), encoding="utf-8")
    out = subprocess.run(["fc-list", ":", "family", "file"], capture_output=True, text=True,
                         check=True, env=careprint_env(FONTCONFIG_FILE=str(conf))).stdout
    files = [line.split(":")[0] for line in out.splitlines() if "Lato" in line]
    assert len(files) == 4 and all(Path(f).parent == FONTS for f in files), files
    assert any("DejaVu" in line for line in out.splitlines())  # the rest is the machine's


@pytest.mark.parametrize("css, line", [
    (':root {\n  --body-font: "Frutiger Nowhere", sans-serif;\n}\n', 2),
    ('/* a theme */\nh1 {\n  color: red;\n  font-family: "Lato", "Frutiger Nowhere";\n}\n', 4),
    ('h2 { color: red; }\nh1 { font: bold 14pt/1.3 "Frutiger Nowhere", sans-serif; }\n', 2),
])
def test_a_font_nobody_has_is_an_error_at_its_line(tmp_path, css, line):
    project = copy_fixture("minimal", tmp_path)
    (project / "templates").mkdir(exist_ok=True)
    (project / "templates" / "theme.css").write_text(css, encoding="utf-8")
    proc = run_careprint("build", project)
    assert proc.returncode == 1, proc.stderr
    assert f"templates/theme.css:{line}:" in proc.stderr, proc.stderr
    assert "Frutiger Nowhere" in proc.stderr and proc.stderr.count("Frutiger Nowhere") == 1
    assert "Traceback" not in proc.stderr
    assert not (project / "build").exists()  # read everything before writing anything


def test_a_font_the_project_brings_or_the_machine_has_is_no_error(tmp_path):
    project = copy_fixture("minimal", tmp_path)
    (project / "templates").mkdir(exist_ok=True)
    font = project / "templates" / "own.ttf"
    font.write_bytes((DEJAVU / "DejaVuSans.ttf").read_bytes())
    theme = (ROOT / "careprint" / "templates" / "theme.css").read_text("utf-8")
    theme = theme.replace('--body-font: "Lato", sans-serif;',
                          '--body-font: "Own Face", "DejaVu Sans", serif;')
    assert "Own Face" in theme
    (project / "templates" / "theme.css").write_text(
        '@font-face { font-family: "Own Face"; src: url(../../templates/own.ttf); }\n'
        + theme, "utf-8")
    run_careprint("build", project, "-f", "pdf", check=True)


def test_the_bundled_templates_name_only_what_careprint_ships():
    for css in ("theme.css", "large-print.css"):
        text = (ROOT / "careprint" / "templates" / css).read_text("utf-8")
        assert {f for _, f in named_families(text)} <= set(BUNDLED), css
    text = (ROOT / "templates" / "theme.css").read_text("utf-8")  # the bundled guide's own
    assert {f for _, f in named_families(text)} <= set(BUNDLED)


def test_the_configuration_is_kept_where_only_this_user_can_write(tmp_path, monkeypatch):
    """What fontconfig reads decides every PDF's type: careprint never keeps its
    configuration in a folder that is a link, or that others can write to."""
    import os
    import tempfile

    from careprint.source.typefaces import use_bundled_fonts

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    shared = tmp_path / f"careprint-{os.getuid()}"

    def used() -> Path:
        monkeypatch.delenv("FONTCONFIG_FILE", raising=False)
        use_bundled_fonts()
        return Path(os.environ["FONTCONFIG_FILE"]).parent

    assert used() == shared and (shared.stat().st_mode & 0o777) == 0o700
    shared.chmod(0o777)  # writable by others: passed over
    assert used() not in (shared,) and used().parent == tmp_path
    shared.chmod(0o700)
    shared.rename(tmp_path / "elsewhere")
    shared.symlink_to(tmp_path / "elsewhere")  # a link: passed over
    assert used() != shared and not used().is_symlink()
