"""`careprint join`: the build folders of a sharded build (`build --shard K/N`), joined.

A project is built whole, and in three shards into three folders; the shards are joined,
and the joined folder is compared with the whole build: the same files, the same
SHA256SUMS, the same library page, a manifest that `careprint check --outputs` and a later
build read as the whole build's. Then each refusal: shards of different sources, options or
splits, a shard given twice or missing, a folder that is no build, a damaged shard, two
shards holding one file with different bytes, an OUT that join may not write into. A
refusal exits 1, says what is wrong, and writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, SOURCE_DATE_EPOCH, TODAY, run_careprint

from careprint.cli import main
from careprint.pipeline.build import build

FORMATS = ("pdf", "handouts", "worksheets", "html")
ENV = {"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}


def clean_project(parent: Path, name: str = "guide") -> Path:
    """check-clean (two editions, a worksheet, an image), its resources checked today: a
    guide that `careprint check --outputs --strict` passes."""
    root = parent / name
    shutil.copytree(FIXTURES / "check-clean", root)
    lines = root / "content/resources/lines.yaml"
    lines.write_text(re.sub(r"verified_on: \S+", f"verified_on: {TODAY}", lines.read_text()))
    return root


def built(project: Path, out: Path, shard: str | None = None, formats=FORMATS,
          environ=ENV, **kw) -> Path:
    build(project, formats=formats, out=out, shard=shard, jobs=1, environ=environ, **kw)
    return out


def files(folder: Path) -> dict[str, bytes]:
    """Every file of a build folder but careprint's own state: relpath -> bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.relative_to(folder).as_posix().startswith(".careprint")}


def sums(folder: Path) -> dict[str, str]:
    """Each edition's SHA256SUMS, read: edition/name -> digest."""
    found = {}
    for path in folder.glob("*/SHA256SUMS"):
        for line in path.read_text().splitlines():
            digest, name = line.split("  ", 1)
            found[f"{path.parent.name}/{name}"] = digest
    return found


def links(page: Path) -> set[str]:
    return set(re.findall(r'href="([^"#]+)"', page.read_text("utf-8")))


def join(*args, cwd: Path | None = None):
    return run_careprint("join", *args, cwd=cwd)


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    """check-clean built whole into whole/, in shards 1/3, 2/3, 3/3 into s1/ s2/ s3/, and
    the shards joined into joined/."""
    tmp = tmp_path_factory.mktemp("join")
    project = clean_project(tmp)
    whole = built(project, tmp / "whole")
    shards = [built(project, tmp / f"s{k}", f"{k}/3") for k in (1, 2, 3)]
    proc = join("--project", project, "--out", tmp / "joined", *shards)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {"tmp": tmp, "project": project, "whole": whole, "shards": shards,
            "joined": tmp / "joined", "said": proc.stdout}


def test_each_build_records_what_it_was_made_from(catalogue):
    records = [json.loads((s / ".careprint/manifest.json").read_text())["build"]
               for s in (catalogue["whole"], *catalogue["shards"])]
    assert [r["shard"] for r in records] == [None, [1, 3], [2, 3], [3, 3]]
    assert all(r["options"] == records[0]["options"] and r["files"] == records[0]["files"]
               and r["careprint"] == records[0]["careprint"] for r in records)
    assert "shard" not in records[0]["options"] and records[0]["options"]["formats"] == \
        list(FORMATS)
    project = catalogue["project"]
    assert records[0]["files"] == {
        rel: hashlib.sha256((project / rel).read_bytes()).hexdigest()
        for rel in ("careprint.toml", "content/chapters/01-calm-steps.md",
                    "content/chapters/images/dot.png", "content/glossary.yaml",
                    "content/resources/lines.yaml", "content/worksheets/calm-notes.yaml")}


def test_joined_checksums_are_those_of_the_whole_build(catalogue):
    whole, joined, shards = catalogue["whole"], catalogue["joined"], catalogue["shards"]
    each = [sums(s) for s in shards]
    # the shards split the build: each lists some of its files, none lists them all
    assert all(0 < len(s) < len(sums(whole)) for s in each)
    assert sum(len(s) for s in each) == len(sums(whole))
    for edition in ("survivors", "groups"):
        assert (joined / edition / "SHA256SUMS").read_bytes() == \
            (whole / edition / "SHA256SUMS").read_bytes()
    assert files(joined) == files(whole)  # the same files, byte for byte
    assert {rel: hashlib.sha256(data).hexdigest() for rel, data in files(joined).items()
            if rel != "index.html" and not rel.endswith("/SHA256SUMS")} == sums(joined)


def test_the_joined_library_page_lists_every_output(catalogue):
    whole, joined = catalogue["whole"], catalogue["joined"]
    assert (joined / "index.html").read_bytes() == (whole / "index.html").read_bytes()
    listed = links(joined / "index.html")
    for shard in catalogue["shards"]:
        assert links(shard / "index.html") < listed  # a shard's page lists its own alone
    pdfs = {rel for rel in sums(joined) if rel.endswith(".pdf")}
    assert pdfs and pdfs <= listed
    assert {"survivors/html/index.html", "groups/html/index.html"} <= listed


def test_join_says_what_it_wrote(catalogue):
    tmp = catalogue["tmp"]
    assert catalogue["said"].splitlines() == [
        f"Joined shard 1/3 ({tmp}/s1), shard 2/3 ({tmp}/s2), shard 3/3 ({tmp}/s3) into "
        f"{tmp}/joined/: 28 outputs, 28 files copied.",
        f"Checksums of every output: {tmp}/joined/survivors/SHA256SUMS",
        f"Checksums of every output: {tmp}/joined/groups/SHA256SUMS",
        f"To pick a file and print it, open {tmp}/joined/index.html."]


def test_check_outputs_passes_on_the_joined_folder(catalogue):
    args = ["check", catalogue["project"], "--outputs", "--strict", "--format", "json",
            *[a for fmt in FORMATS for a in ("--output-format", fmt)]]
    proc = run_careprint(*args, "--build-dir", catalogue["joined"])
    report = json.loads(proc.stdout)
    assert proc.returncode == 0 and report["findings"] == [], proc.stdout
    proc = run_careprint(*args, "--build-dir", catalogue["shards"][0])  # one shard alone
    assert proc.returncode == 1
    assert {f["rule"] for f in json.loads(proc.stdout)["findings"]} == {"outputs"}


def test_a_build_into_the_joined_folder_renders_nothing(catalogue, tmp_path):
    out = tmp_path / "joined"
    shutil.copytree(catalogue["joined"], out)
    report = build(catalogue["project"], formats=FORMATS, out=out, jobs=1, environ=ENV)
    assert report.rendered == [] and len(report.skipped) == 28


def test_joining_again_copies_nothing_and_keeps_the_files(catalogue, tmp_path):
    out = tmp_path / "joined"
    shutil.copytree(catalogue["joined"], out)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.pdf")}
    proc = join("--project", catalogue["project"], "--out", out, *catalogue["shards"])
    assert proc.returncode == 0, proc.stderr
    assert "28 outputs, 0 files copied, 28 already there." in proc.stdout
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.pdf")} == before
    assert files(out) == files(catalogue["whole"])


def test_an_output_only_touched_is_joined_over(catalogue, tmp_path):
    """A joined output whose time changed but not its bytes (a backup tool, a `touch`) is
    still careprint's: join keeps it and does not refuse (the manifest's SHA-256)."""
    out = tmp_path / "joined"
    shutil.copytree(catalogue["joined"], out)
    touched = out / sorted(sums(out))[0]
    os.utime(touched, (1_000_000_000, 1_000_000_000))
    proc = join("--project", catalogue["project"], "--out", out, *catalogue["shards"])
    assert proc.returncode == 0, proc.stderr
    assert "28 outputs, 0 files copied, 28 already there." in proc.stdout


# ---------------------------------------------------------------- refusals


def refused(catalogue, *dirs, out: Path | None = None, project: Path | None = None) -> str:
    """Join `dirs`; assert that it exits 1 without a traceback and writes nothing into a
    new OUT. Returns what it said."""
    out = out or catalogue["tmp"] / "refused"
    proc = join("--project", project or catalogue["project"], "--out", out, *dirs)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    if out == catalogue["tmp"] / "refused":
        assert not out.exists()
    return " ".join(proc.stderr.split())


@pytest.fixture
def s1(catalogue):
    return catalogue["shards"][0]


@pytest.fixture
def s2(catalogue):
    return catalogue["shards"][1]


@pytest.fixture
def s3(catalogue):
    return catalogue["shards"][2]


def test_shards_of_other_sources_are_refused(catalogue, s1, s3, tmp_path):
    edited = clean_project(tmp_path)
    chapter = edited / "content/chapters/01-calm-steps.md"
    chapter.write_text(chapter.read_text() + "\nOne more calm sentence.\n")
    other = built(edited, tmp_path / "s2", "2/3")
    said = refused(catalogue, s1, other, s3)
    assert f"{other}: shard 2/3 was built from other sources than shard 1/3 ({s1}): " \
        "content/chapters/01-calm-steps.md differs" in said


def test_shards_of_other_options_are_refused(catalogue, s1, s3, tmp_path):
    other = built(catalogue["project"], tmp_path / "s2", "2/3", paper="letter",
                  environ={"SOURCE_DATE_EPOCH": "1600000000"})
    said = refused(catalogue, s1, other, s3)
    assert (f"{other}: shard 2/3 was built with other options than shard 1/3 ({s1}): "
            "--paper: letter in shard 2/3, not given in shard 1/3; SOURCE_DATE_EPOCH: "
            "1600000000 in shard 2/3, 1700000000 in shard 1/3") in said


def test_a_shard_of_another_split_is_refused(catalogue, s1, s2, s3):
    said = refused(catalogue, s1, s2, s3, catalogue["whole"])
    assert (f"the build ({catalogue['whole']}) is a whole build, not a shard (built without "
            f"--shard), but shard 1/3 ({s1}) is one of 3 shards") in said


def test_a_shard_given_twice_is_refused(catalogue, s1, s2, s3, tmp_path):
    again = tmp_path / "s2-again"
    shutil.copytree(s2, again)
    said = refused(catalogue, s1, s2, again, s3)
    assert f"{again}: shard 2/3 is given twice: {s2} and {again}" in said


def test_a_missing_shard_is_refused(catalogue, s1, s3):
    said = refused(catalogue, s1, s3)
    assert (f"shard 2/3 is missing: join needs all 3 shards of the build (given: shard 1/3 "
            f"({s1}), shard 3/3 ({s3}))") in said
    said = refused(catalogue, s3)
    assert "shards 1/3 and 2/3 are missing" in said


def test_a_folder_that_is_no_build_is_refused(catalogue, s1, s2, s3, tmp_path):
    (tmp_path / "downloads").mkdir()
    (tmp_path / "downloads/notes.txt").write_text("not a build")
    said = refused(catalogue, s1, s2, s3, tmp_path / "downloads", tmp_path / "nowhere")
    assert f"{tmp_path}/downloads: not a careprint build: it has no " \
        ".careprint/manifest.json" in said
    assert f"{tmp_path}/nowhere: no such folder" in said
    # uploaded without its hidden folder (upload-artifact leaves hidden files out)
    bare = tmp_path / "bare"
    shutil.copytree(s2, bare, ignore=shutil.ignore_patterns(".careprint*"))
    assert (f"{bare}: not a careprint build: it has no .careprint/manifest.json; its outputs "
            "are there without it: copy or upload the whole build folder, hidden ones "
            "included (actions/upload-artifact: include-hidden-files: true)") in \
        refused(catalogue, s1, bare, s3)
    old = tmp_path / "old"
    shutil.copytree(s2, old)
    manifest = json.loads((old / ".careprint/manifest.json").read_text())
    del manifest["build"]
    (old / ".careprint/manifest.json").write_text(json.dumps(manifest))
    assert f"{old}: its manifest does not record what it was built from" in \
        refused(catalogue, s1, old, s3)


def test_a_damaged_shard_is_refused(catalogue, s1, s3, tmp_path):
    damaged = tmp_path / "s2"
    shutil.copytree(catalogue["shards"][1], damaged)
    rel = sorted(sums(damaged))[0]
    path = damaged / rel
    path.write_bytes(path.read_bytes() + b"\n")
    edition = rel.split("/")[0]
    said = refused(catalogue, s1, damaged, s3)
    assert f"{damaged}: {rel} does not match its checksum in {edition}/SHA256SUMS" in said
    path.unlink()
    assert f"{damaged}: {rel} is not there, though its manifest lists it" in \
        refused(catalogue, s1, damaged, s3)


def test_two_shards_holding_one_file_with_other_bytes_are_refused(catalogue, s1, s3,
                                                                  tmp_path):
    """A shard whose manifest also claims a file of shard 1/3 (by hand, or by a careprint
    that dealt the targets otherwise), with its own bytes and checksum."""
    s2 = tmp_path / "s2"
    shutil.copytree(catalogue["shards"][1], s2)
    one = json.loads((s1 / ".careprint/manifest.json").read_text())
    rel = next(r for r in one["fast"]["outputs"] if r.endswith(".pdf"))
    data = (s1 / rel).read_bytes() + b"\n% another build\n"
    (s2 / rel).parent.mkdir(parents=True, exist_ok=True)
    (s2 / rel).write_bytes(data)
    edition, name = rel.split("/", 1)
    with (s2 / edition / "SHA256SUMS").open("a") as fh:
        fh.write(f"{hashlib.sha256(data).hexdigest()}  {name}\n")
    path = s2 / ".careprint/manifest.json"
    two = json.loads(path.read_text())
    two["fast"]["outputs"].append(rel)
    two["targets"][rel] = one["targets"][rel]
    path.write_text(json.dumps(two))
    said = refused(catalogue, s1, s2, s3)
    assert f"{s2}: {rel}: shard 2/3 and shard 1/3 ({s1}) both hold this file, with " \
        "different bytes" in said
    (s2 / rel).write_bytes((s1 / rel).read_bytes())  # the same bytes: one file, joined
    lines = (s2 / edition / "SHA256SUMS").read_text().splitlines()[:-1]
    (s2 / edition / "SHA256SUMS").write_text("\n".join(
        [*lines, f"{hashlib.sha256((s1 / rel).read_bytes()).hexdigest()}  {name}", ""]))
    proc = join("--project", catalogue["project"], "--out", tmp_path / "out", s1, s2, s3)
    assert proc.returncode == 0, proc.stderr
    assert files(tmp_path / "out") == files(catalogue["whole"])
    outputs = json.loads((tmp_path / "out/.careprint/manifest.json").read_text())["fast"]
    assert outputs["outputs"].count(rel) == 1


def test_another_project_is_refused(catalogue, s1, s2, s3, tmp_path):
    project = clean_project(tmp_path)
    (project / "careprint.toml").write_text((project / "careprint.toml").read_text()
                                            .replace("Calm Steps", "Calmer Steps"))
    said = refused(catalogue, s1, s2, s3, project=project)
    assert f"the project {project} is not the one the shards were built from: " \
        "careprint.toml differs" in said


def test_an_out_folder_join_may_not_write_into_is_refused(catalogue, s1, s2, s3, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "budget.xlsx").write_text("a clinic's own file")
    said = refused(catalogue, s1, s2, s3, out=out)
    assert f"--out {out} is not empty, and is no careprint build folder" in said
    assert [p.name for p in out.iterdir()] == ["budget.xlsx"]
    said = refused(catalogue, s1, s2, s3, out=s2)
    assert f"--out {s2}: shard 2/3 ({s2}) is there: join into a folder of its own" in said
    # a joined folder in which someone replaced an output: join does not overwrite it
    out = tmp_path / "joined"
    shutil.copytree(catalogue["joined"], out)
    rel = sorted(sums(out))[0]
    (out / rel).write_bytes(b"a clinic's own version")
    said = refused(catalogue, s1, s2, s3, out=out)
    assert f"{out / rel}: it has changed since careprint wrote it, and join would replace " \
        "it: move it away, or join into another folder" in said
    assert (out / rel).read_bytes() == b"a clinic's own version"


def test_join_needs_its_shards_and_out():
    result = CliRunner().invoke(main, ["join", "--out", "x"])
    assert result.exit_code == 2 and "Missing argument 'SHARD_DIR...'" in result.output
    result = CliRunner().invoke(main, ["join", "s1"])
    assert result.exit_code == 2 and "Missing option '--out'" in result.output


def test_a_whole_build_joins_alone(catalogue, tmp_path):
    """A whole build is shard 1/1: joined alone, it is copied as it is."""
    proc = join("--project", catalogue["project"], "--out", tmp_path / "copy",
                catalogue["whole"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"Joined the build ({catalogue['whole']}) into copy/")
    assert files(tmp_path / "copy") == files(catalogue["whole"])


def test_the_documented_workflow_joins_the_shards_it_uploads(catalogue, tmp_path):
    """docs/building.md's GitHub Actions example: each shard uploads its build folder with
    its hidden .careprint/, the join job downloads them side by side and ends by joining
    them. Its join command, run on the shards laid out as download-artifact lays them out,
    joins the catalogue."""
    import subprocess
    import sys

    import yaml
    from conftest import ROOT, careprint_env

    text = (ROOT / "docs/building.md").read_text("utf-8")
    workflow = yaml.safe_load(re.search(r"```yaml\n(name: build the guide.*?)```", text,
                                        re.S).group(1))
    build_job, join_job = workflow["jobs"]["build"], workflow["jobs"]["join"]
    upload = build_job["steps"][-1]
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["with"]["include-hidden-files"] is True
    assert join_job["needs"] == "build"
    steps = [s for s in join_job["steps"] if "uses" in s or "run" in s]
    download = next(s for s in steps if s.get("uses", "").startswith("actions/download-artifact"))
    joining = next(s for s in steps if s.get("run", "").startswith("careprint join"))
    assert steps.index(download) < steps.index(joining)
    assert all(s["uses"].startswith("actions/upload-artifact@") for s in
               steps[steps.index(joining) + 1:])  # it ends with the join, then keeps it
    name = upload["with"]["name"].replace("${{ matrix.shard }}", "*")
    assert name == download["with"]["pattern"]
    checkout = tmp_path / "checkout"
    shutil.copytree(catalogue["project"], checkout)
    for k, shard in enumerate(catalogue["shards"], 1):
        shutil.copytree(shard, checkout / download["with"]["path"] / name.replace("*", str(k)))
    command = joining["run"].replace("careprint", f"{sys.executable} -m careprint", 1)
    proc = subprocess.run(command, shell=True, cwd=checkout, env=careprint_env(),
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert files(checkout / "build") == files(catalogue["whole"])


def test_kept_html_is_joined_with_its_pdf(tmp_path):
    """--keep-html: the HTML beside each PDF travels with it, and the joined manifest
    records it as careprint's (a later build may replace or remove it)."""
    project = FIXTURES / "two-editions"
    kw = {"formats": ("handouts",), "keep_html": True}
    whole = built(project, tmp_path / "whole", **kw)
    shards = [built(project, tmp_path / f"s{k}", f"{k}/2", **kw) for k in (1, 2)]
    proc = join("--project", project, "--out", tmp_path / "joined", *shards)
    assert proc.returncode == 0, proc.stderr
    joined = files(tmp_path / "joined")
    assert joined == files(whole)
    assert len([rel for rel in joined if rel.endswith(".html") and "/" in rel]) == 5
    targets = json.loads((tmp_path / "joined/.careprint/manifest.json").read_text())["targets"]
    kept = {k: v for entry in targets.values() for k, v in entry["kept"].items()}
    assert len(kept) == 5
    for rel, st in kept.items():
        stat = (tmp_path / "joined" / rel).stat()
        assert (st["size"], st["mtime_ns"]) == (stat.st_size, stat.st_mtime_ns)
