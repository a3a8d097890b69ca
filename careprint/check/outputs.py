"""The output rules (`careprint check --outputs`): check what `careprint build` wrote.

- outputs: every output of every checked edition exists;
- epubcheck: EPUBCheck's errors and warnings on every EPUB;
- ace: Ace by DAISY's serious and critical violations on every EPUB;
- pdf-accessibility and worksheet-fields: see careprint.check.pdfs;
- worksheet-fit: every worksheet printed alone fits its pages, on every paper (check/fit.py);
- crisis-resources: every edition's guide, EPUB, handouts and chapters carry the crisis
  resources;
- phone-split: no phone number is split across two lines in any PDF (check/pdfs.py).

A checker that cannot run (no Java, Node or Chromium) is reported as a warning naming
what to install, never as a pass; under --strict it fails the check.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..render.job import Job
from ..render.pages import chapter_file, worksheet_file
from ..source.editions import EditionGuide
from ..source.model import Guide
from ..source.region_view import handout_services
from .pdfs import page_texts, pdf_accessibility, phone_patterns, phone_split, worksheet_fields
from .text import clip
from .tools import ACE_INSTALL, EPUBCHECK_INSTALL, find_ace, find_epubcheck

TOOL_TIMEOUT = 900  # seconds, per EPUB


def check_outputs(guide: Guide, views: list[EditionGuide], out_dir: Path, sink,
                  formats: tuple[str, ...], progress=None) -> None:
    """Check the `formats` that `careprint build` wrote to `out_dir` for every view: each
    file exists, and has what its format's `checks` name (render/registry.py).
    `progress(line)` is told of each file as it is checked."""
    from ..render import registry
    from .fit import worksheet_fit
    from .stale import stale_outputs

    root = Path(guide.config.root)
    show = _shower(root)
    progress = progress or (lambda line: None)
    planned = {eg.edition.id: expected_outputs(eg, out_dir, formats) for eg in views}
    epubs = [(eg, p) for eg in views for fmt, files in planned[eg.edition.id].items()
             for job, p in files if "epub-tools" in registry.get(fmt).checks_of(job)
             and p.is_file()]
    progress(f"Checking the outputs in {show(out_dir)}/ ...")
    stale_outputs(guide, views, out_dir, formats, show, sink)
    # EPUBCheck and Ace are slow and run in other processes: start them first
    with ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 1))) as pool:
        collect = start_epub_tools(root, epubs, show, sink, pool)
        for eg in views:
            _check_files(eg, planned[eg.edition.id], show, sink, progress)
            # issue 16: worksheets fit their pages (check/fit.py)
            if any("worksheet-fit" in registry.get(fmt).checks_of(job)
                   for fmt, files in planned[eg.edition.id].items() for job, _ in files):
                worksheet_fit(eg, out_dir, show, sink, progress)
        collect(progress)


def expected_outputs(eg: EditionGuide, out_dir: Path, formats
                     ) -> dict[str, list[tuple[Job, Path]]]:
    """format -> (job, file) of each file `careprint build` writes for one edition (as
    `careprint list` shows). Made from the edition the check already read: an edition that
    could not be read is a `project` finding, not a crash here. PDFs on every paper the
    project asks for."""
    from ..pipeline.plan import format_jobs

    return {fmt: [(j, out_dir / j.relpath) for j in format_jobs(eg, fmt, eg.config.papers)]
            for fmt in formats}


def _language(guide) -> str:
    """` --language CODE` for a build in a language (the command that makes its files)."""
    return f" --language {guide.language}" if guide.language else ""


def _check_files(eg: EditionGuide, outs: dict[str, list[tuple[Job, Path]]], show, sink,
                 progress) -> None:
    # Whether a file is up to date is checked against the build's manifest (check/stale.py)
    from ..render import registry

    eid = eg.edition.id
    for fmt, files in outs.items():
        absent = [p for _, p in files if not p.is_file()]
        if absent:
            what = show(absent[0]) if len(absent) == 1 else \
                f"{len(absent)} of the {len(files)} {fmt} files (e.g. {show(absent[0])})"
            sink.add("outputs", show(absent[0].parent), None,
                     f"{what} not found: run `careprint build{_language(eg.guide)} "
                     f"--edition {eid} --format "
                     f"{fmt}` (with --out, and check with --build-dir), then check again", eid)
        progress(f"found {len(files) - len(absent)} of the {len(files)} {fmt} files of the "
                 f"{eid} edition")
    phones = phone_patterns(_phone_numbers(eg)) if sink.settings["phone-split"]["enabled"] \
        else []
    checked = sorted(((p, job, registry.get(fmt).checks_of(job))
                      for fmt, files in outs.items() for job, p in files if p.is_file()),
                     key=lambda c: (c[0].suffix != ".pdf", c[0]))
    for path, job, checks in checked:
        what = [w for check in checks
                if (w := _check_file(check, eg, job, path, phones, show, sink))]
        if what:
            progress(f"checked {show(path)}: {', '.join(what)}")


def _check_file(check, eg: EditionGuide, job: Job, path: Path, phones, show, sink) -> str:
    """Run one of a format's checks on one of its files: what was checked ("" if nothing)."""
    eid = eg.edition.id
    if callable(check):  # a format's own check: its findings are the `outputs` rule's
        for problem in check(eg, job, path.read_bytes()):
            sink.add("outputs", show(path), None, problem, eid)
        return f"the {job.fmt} format's {getattr(check, '__name__', 'check')}"
    if check in ("pdf-accessibility", "pdf-print-only"):
        pdf_accessibility(path, show(path), eid, sink, check == "pdf-print-only")
        return "PDF tags, title, language and fonts"
    if check == "phone-split" and phones:
        phone_split(path, show(path), eid, phones, sink)
        return "phone numbers"
    if check == "worksheet-fields":
        worksheet_fields(eg, path, show(path), sink)
        return "form fields"
    if check in ("crisis-resources", "crisis-lines") and \
            crisis_in_outputs(eg, [path], show, sink, lines_only=check == "crisis-lines"):
        return "crisis resources"
    return ""  # worksheet-fit and epub-tools run once an edition (check_outputs)


def _phone_numbers(eg: EditionGuide) -> list[str]:
    """Every phone number of the edition's resources and of the footer's crisis line."""
    from ..source.phones import phone_numbers

    texts = [r.contact for r in eg.resources] + [eg.config.fmt("pdf", "crisis_line") or ""]
    return [number for text in texts for number, _ in phone_numbers(text)]


def _shower(root: Path):
    def show(path: Path) -> str:
        path = Path(path)
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    return show


def crisis_in_outputs(eg: EditionGuide, paths: list[Path], show, sink,
                      lines_only: bool = False) -> bool:
    """Every crisis and support resource is in each of `paths` (the edition's guide, PDF or
    EPUB); with `lines_only`, every crisis line (what a handout or a chapter printed alone
    carries: its format's check is "crisis-lines"). Whether there was anything to check."""
    resources = eg.resources
    if not resources:
        return False
    wanted = handout_services(resources, eg.region, eg.config.resources["regions"]) \
        if lines_only else resources
    for path in paths:
        try:
            text = _squash(_epub_text(path) if path.suffix == ".epub" else _pdf_text(path))
        except Exception:  # unreadable outputs are reported by other rules
            continue
        absent = [r.name for r in wanted if _squash(r.name) not in text]
        if absent:
            sink.add("crisis-resources", show(path), None,
                     f"does not carry {', '.join(absent)}: every edition lists the crisis "
                     "and support resources; check the templates", eg.edition.id)
    return True


def _pdf_text(path: Path) -> str:
    return "\n".join(page_texts(path))


def _epub_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        docs = [z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xhtml")]
    return html.unescape(re.sub(r"<[^>]+>", " ", "\n".join(docs)))


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.replace("\u00ad", "").lower())


# ---------------------------------------------------------------- EPUBCheck and Ace


def start_epub_tools(root: Path, epubs: list[tuple[EditionGuide, Path]], show, sink, pool):
    """Start EPUBCheck and Ace on every EPUB in `pool`; return a function that waits for
    them and turns their reports into findings."""
    settings = sink.settings
    jobs = []
    if not epubs:
        return lambda progress: None
    epubcheck_cmd, why_not_epubcheck = find_epubcheck()
    ace_cmd, ace_env, why_not_ace = find_ace(root)
    for eg, path in epubs:
        eid = eg.edition.id
        if settings["epubcheck"]["enabled"]:
            if epubcheck_cmd:
                jobs.append(("epubcheck", eg, path,
                             pool.submit(_run_epubcheck, epubcheck_cmd, path)))
            else:
                sink.add("epubcheck", show(path), None, f"EPUBCheck was not run: "
                         f"{why_not_epubcheck}; install {EPUBCHECK_INSTALL}", eid,
                         severity="warning")
        if settings["ace"]["enabled"]:
            if ace_cmd:
                jobs.append(("ace", eg, path, pool.submit(_run_ace, ace_cmd, ace_env, path)))
            else:
                sink.add("ace", show(path), None, f"Ace by DAISY was not run: {why_not_ace}; "
                         f"install {ACE_INSTALL}", eid, severity="warning")

    def collect(progress) -> None:
        for tool, eg, path, future in jobs:
            eid = eg.edition.id
            sources = {chapter_file(v): v.chapter.path for v in eg.chapters}
            sources |= {worksheet_file(w): w.worksheet.path for w in eg.worksheets}
            ok, result = future.result()
            name = "EPUBCheck" if tool == "epubcheck" else "Ace by DAISY"
            progress(f"{name} {'checked' if ok else 'could not check'} {show(path)}")
            if not ok:
                sink.add(tool, show(path), None, f"{name} failed to run on this EPUB, so it "
                         f"was not checked: {result}", eid)
            elif tool == "epubcheck":
                _epubcheck_findings(result, show(path), eid, sources, sink)
            else:
                impacts = set(settings["ace"]["impacts"])
                _ace_findings(result, show(path), eid, sources, impacts, sink, root)
    return collect


def _run_epubcheck(cmd: list[str], path: Path):
    try:
        proc = subprocess.run([*cmd, str(path), "--json", "-"], capture_output=True,
                              text=True, timeout=TOOL_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    start = proc.stdout.find("{")
    try:
        report = json.loads(proc.stdout[start:]) if start >= 0 else None
    except json.JSONDecodeError:
        report = None
    if not isinstance(report, dict) or "messages" not in report:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no report"]
        return False, f"exit {proc.returncode}: {tail[0][:200]}"
    return True, report["messages"]


def _epubcheck_findings(messages, shown, eid, sources, sink) -> None:
    severity = {"FATAL": None, "ERROR": None, "WARNING": "warning"}
    for m in messages:
        sev = m.get("severity")
        if sev not in severity:
            continue
        locs = m.get("locations") or [{}]
        loc = locs[0]
        inner = loc.get("path") or ""
        where = inner + (f":{loc['line']}" if loc.get("line", -1) > 0 else "")
        src = sources.get(Path(inner).name)
        src = f" (from {src})" if src else ""
        text = " ".join(str(m.get("message", "")).split())
        sink.add("epubcheck", shown, None, f"{m.get('ID')} {where}{src}: {text}", eid,
                 severity=severity[sev])


def _run_ace(cmd: list[str], env: dict, path: Path):
    with tempfile.TemporaryDirectory(prefix="careprint-ace-") as tmp:
        out = Path(tmp) / "report"
        try:
            proc = subprocess.run([*cmd, "--outdir", str(out), "--tempdir", str(Path(tmp) / "t"),
                                   "--force", "--silent", str(path)], capture_output=True,
                                  text=True, timeout=TOOL_TIMEOUT, env=env, cwd=tmp)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return False, str(exc)
        report = out / "report.json"
        if not report.is_file():
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no report"]
            return False, f"exit {proc.returncode}: {tail[0][:200]}"
        try:
            return True, json.loads(report.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            return False, f"unreadable report.json ({exc})"


def _ace_findings(report: dict, shown, eid, sources, impacts, sink, root: Path) -> None:
    for doc in report.get("assertions", []):
        url = (doc.get("earl:testSubject") or {}).get("url", "")
        src = sources.get(Path(url).name)
        for a in doc.get("assertions", []):
            test, result = a.get("earl:test") or {}, a.get("earl:result") or {}
            impact = test.get("earl:impact")
            if result.get("earl:outcome") != "fail" or impact not in impacts:
                continue
            rule = test.get("dct:title", "?")
            what = " ".join(str(result.get("dct:description", "")).split())
            markup = " ".join(str(result.get("html", "")).split())
            snippet = f" at {clip(markup, 80)}" if markup else ""
            help_url = (test.get("help") or {}).get("url", "")
            more = f"; see {help_url}" if help_url else ""
            line = _source_line(root, src, markup) if src else None
            if line:  # the element's text is in the source: point there
                sink.add("ace", src, line, f"{impact} {rule} in {shown} ({url}): {what}"
                         f"{snippet}{more}", eid)
            else:
                origin = f" (from {src})" if src else ""
                sink.add("ace", shown, None, f"{impact} {rule} in {url}{origin}: {what}"
                         f"{snippet}{more}", eid)


def _source_line(root: Path, rel: str, markup: str) -> int | None:
    """The line of `rel` that holds the text of the element `markup`, if it is unique."""
    text = " ".join(html.unescape(re.sub(r"<[^>]*>?", " ", markup)).split())
    if len(text) < 12:
        return None
    needle = text[:40]
    try:
        lines = (root / rel).read_text(encoding="utf-8-sig").split("\n")
    except OSError:
        return None
    hits = [i for i, t in enumerate(lines, 1) if needle in " ".join(t.split())]
    return hits[0] if len(hits) == 1 else None
