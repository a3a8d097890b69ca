"""careprint's benchmark: prints figures, asserts nothing. Not part of the test suite.

    .venv/bin/pip install -e ".[bench]"      # pandoc, for the comparison (pypandoc-binary)
    .venv/bin/python bench/run.py            # the bundled guide, and a synthetic 10x guide
    .venv/bin/python bench/run.py --quick    # skip the 10x guide
    .venv/bin/python bench/run.py --refusals # only section 8, pathological inputs refused

Every figure is a wall time measured in this run; the ratios compare figures of one run,
because these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}


def careprint(*args, cwd=None) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "careprint", *map(str, args)], cwd=cwd,
                          env=ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"careprint {' '.join(map(str, args))} failed:\n{proc.stdout}\n{proc.stderr}")
    return seconds, proc.stdout


def copy_project(dest: Path, src: Path = ROOT) -> Path:
    dest.mkdir(parents=True)
    shutil.copy(src / "careprint.toml", dest)
    for folder in ("content", "templates", "imprints"):
        if (src / folder).is_dir():
            shutil.copytree(src / folder, dest / folder)
    return dest


def rebuilt(stdout: str) -> int:
    m = re.search(r"Built (\d+) files?", stdout)
    return int(m.group(1)) if m else -1


def floor_seconds(out: Path, project: Path) -> tuple[float, int]:
    """Bare WeasyPrint on every kept HTML, in one process, import excluded; summed."""
    code = r"""
import sys, time
from pathlib import Path
import weasyprint
out, base = Path(sys.argv[1]), Path(sys.argv[2]).as_uri() + "/"
total, n = 0.0, 0
for html in sorted(out.rglob("*.html")):
    if "/html/" in html.as_posix():
        continue  # the web edition's pages, not the HTML behind a PDF
    forms = "/worksheets/" in html.as_posix()
    t = time.perf_counter()
    weasyprint.HTML(filename=str(html), base_url=base).write_pdf(
        pdf_variant="pdf/ua-1", pdf_forms=forms)
    total += time.perf_counter() - t
    n += 1
print(total, n)
"""
    proc = subprocess.run([sys.executable, "-c", code, str(out),
                           str(project / "content" / "chapters")],
                          capture_output=True, text=True, check=True)
    total, n = proc.stdout.split()
    return float(total), int(n)


def epub_seconds(project: Path, out: Path) -> float:
    """careprint's EPUB targets alone, rendered inline (no worker start-up), summed."""
    code = r"""
import sys, time
from careprint.pipeline.build import build
r = build(sys.argv[1], formats=["epub"], out=sys.argv[2], force=True, jobs=1)
print(sum(w.seconds for w in r.rendered))
"""
    proc = subprocess.run([sys.executable, "-c", code, str(project), str(out)], env=ENV,
                          capture_output=True, text=True, check=True)
    return float(proc.stdout.split()[-1])


def peak_child_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def synthetic(dest: Path, factor: int) -> Path:
    """A guide `factor` times the bundled one: every chapter repeated with its own slug."""
    project = copy_project(dest)
    chapters = sorted((ROOT / "content" / "chapters").glob("*.md"))
    target = project / "content" / "chapters"
    shutil.rmtree(target)
    target.mkdir()
    n = 0
    for copy in range(factor):
        for path in chapters:
            n += 1
            slug = path.stem.split("-", 1)[1]
            name = f"{n:03d}-{slug}" + ("" if copy == 0 else f"-copy{copy}")
            (target / f"{name}.md").write_text(path.read_text("utf-8"), "utf-8")
    return project


def clinics(project: Path, out: Path, n: int, cold: float) -> None:
    """N made-up clinics in one region (copies of the bundled example), every edition and
    format, against the cold build without them."""
    example = (project / "imprints" / "larkspur.toml").read_text("utf-8")
    for i in range(2, n + 1):
        (project / "imprints" / f"clinic-{i:02d}.toml").write_text(
            example.replace("Larkspur Community Clinic", f"Clinic {i:02d}"), "utf-8")
    seconds, s = careprint("build", project, "--out", out, "--imprint", "all", "--force")
    print(f"\n7. Clinic imprints: {n} clinics in one region, every edition and format")
    made = sum(map(int, re.findall(r"Built (\d+) files?", s)))
    print(f"   {seconds:.2f} s ({made} targets) = {seconds / cold:.1f}x the cold build "
          "without imprints (issue 27's target: 3x)")


REFUSAL_WRAPPER = ("import resource, subprocess, sys\n"
                   "r = subprocess.run(sys.argv[1:], capture_output=True)\n"
                   "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN)"
                   ".ru_maxrss // 1024)\n")


def check_cost(project: Path) -> tuple[float, int, int]:
    """(seconds, exit status, peak RSS in MB) of `careprint check --strict` on `project`,
    run under a wrapper process so that the peak is that check's alone."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", REFUSAL_WRAPPER, sys.executable, "-m",
                           "careprint", "check", "--strict", str(project)], env=ENV,
                          capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    status, peak = proc.stdout.split()
    return seconds, int(status), int(peak)


def refusals(tmp: Path) -> None:
    """Each pathological input of issue 22, item 16 (bench/bombs.py), refused by `careprint
    check`: its time and peak memory, against `check` of the same small project without it.
    Before the bounds these took 1.4 to 6 GB, or hung."""
    sys.path.insert(0, str(ROOT / "bench"))
    import bombs

    base = ROOT / "tests" / "fixtures" / "bad-input" / "base"
    plain, _, plain_mb = check_cost(base)
    print("\n8. Refusals of pathological inputs (issue 22, item 16): careprint check")
    print(f"   the small project itself: {plain:.2f} s, peak RSS {plain_mb} MB")
    for i, (name, make) in enumerate(bombs.BOMBS.items()):
        project = tmp / f"bomb-{i}"
        shutil.copytree(base, project)
        expected = make(project)
        seconds, status, peak = check_cost(project)
        refused = "refused" if status == 1 else f"NOT REFUSED (exit {status})"
        print(f"   {name:40} {refused}: {seconds:5.2f} s ({seconds / plain:.1f}x), "
              f"peak RSS {peak} MB ({peak / plain_mb:.1f}x)  [{expected}]")
        shutil.rmtree(project)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 10x guide")
    parser.add_argument("--refusals", action="store_true",
                        help="only section 8: the refusals of pathological inputs")
    parser.add_argument("--imprints", type=int, default=20, metavar="N",
                        help="clinics to build in one region (issue 27's target: 20 cost at "
                        "most 3x the build without them); 0 skips it")
    args = parser.parse_args()
    jobs = os.cpu_count() or 1
    print(f"careprint benchmark: {jobs} CPUs, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.refusals:
            return refusals(tmp)
        project = copy_project(tmp / "guide")
        out = tmp / "out"

        cold1, s1 = careprint("build", project, "--out", out, "--force", "--jobs", 1,
                              "--keep-html")
        cold, s = careprint("build", project, "--out", out, "--force", "--keep-html")
        targets = rebuilt(s)
        print("\n1. Cold build of the bundled guide (all editions, all formats)")
        print(f"   --jobs 1: {cold1:6.2f} s   ({rebuilt(s1)} targets)")
        print(f"   --jobs {jobs}: {cold:6.2f} s   speed-up {cold1 / cold:.2f}x")

        wp, n_pdf = floor_seconds(out, project)
        ep = epub_seconds(project, tmp / "epub-only")
        floor = (wp + ep) / jobs
        print("\n2. The floor: bare WeasyPrint on the same HTML, plus EPUB writing, / jobs")
        print(f"   WeasyPrint {wp:.2f} s over {n_pdf} PDFs, EPUB {ep:.2f} s, floor "
              f"{floor:.2f} s")
        print(f"   cold build / floor = {cold / floor:.2f}")

        careprint("build", project, "--out", out)
        noop = [careprint("build", project, "--out", out)[0] for _ in range(5)]
        print("\n3. No-op rebuild (median of 5)")
        print(f"   {statistics.median(noop):.3f} s   (runs: "
              f"{', '.join(f'{t:.3f}' for t in noop)})")

        chapter = project / "content" / "chapters" / "04-mindful-attention.md"
        chapter.write_text(chapter.read_text("utf-8") + "\nYou can take a short break here.\n",
                           "utf-8")
        edit, s = careprint("build", project, "--out", out)
        print("\n4. One-chapter edit (a sentence appended to chapter 4)")
        print(f"   {rebuilt(s)} of {targets} targets rebuilt in {edit:.2f} s = "
              f"{edit / cold:.0%} of the cold build (issue 23's target: 12%)")
        longer = project / "content" / "chapters" / "02-safety-first.md"
        longer.write_text(longer.read_text("utf-8") + "\n" + "You can rest here. Take a slow "
                          "breath. " * 60 + "\n", "utf-8")
        edit, s = careprint("build", project, "--out", out)
        print("\n4b. A chapter a page longer (a paragraph appended to chapter 2: every later "
              "page moves)")
        print(f"   {rebuilt(s)} of {targets} targets rebuilt in {edit:.2f} s = "
              f"{edit / cold:.0%} of the cold build (issue 23's target: 25%)")

        print("\n5. Pandoc on the same content (an EPUB of the survivors' chapters)")
        pandoc = shutil.which("pandoc")
        if not pandoc:
            try:
                import pypandoc

                pandoc = pypandoc.get_pandoc_path()
            except Exception:  # pandoc is optional here
                pandoc = None
        if pandoc:
            md = sorted((project / "content" / "chapters").glob("*.md"))
            t = time.perf_counter()
            subprocess.run([pandoc, *map(str, md), "-o", str(tmp / "pandoc.epub"),
                            "--metadata", "title=Safe to Feel"], check=True,
                           capture_output=True)
            pd = time.perf_counter() - t
            ours, _ = careprint("build", project, "--out", tmp / "epub1", "--format", "epub",
                                "--edition", "survivors", "--force")
            print(f"   pandoc {pd:.2f} s, careprint's EPUB target {ours:.2f} s "
                  f"(ratio {ours / pd:.2f})")
        else:
            print("   pandoc is not installed (pip install pypandoc-binary); skipped")

        if args.imprints:
            clinics(project, tmp / "clinics", args.imprints, cold)
        refusals(tmp)
        if args.quick:
            return
        big = synthetic(tmp / "big", 10)
        base_rss = peak_child_rss_mb()
        t_big, s = careprint("build", big, "--out", tmp / "big-out", "--force")
        big_rss = peak_child_rss_mb()
        print("\n6. Scaling: a synthetic guide 10x the bundled one")
        print(f"   bundled: {cold:.2f} s, peak RSS of a process <= {base_rss:.0f} MB")
        print(f"   10x:     {t_big:.2f} s ({rebuilt(s)} targets) = {t_big / cold:.1f}x the "
              f"bundled guide; peak RSS of a process {big_rss:.0f} MB")


if __name__ == "__main__":
    main()
