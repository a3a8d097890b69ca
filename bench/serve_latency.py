"""How long `careprint serve` takes from saving a chapter to its new handout PDF: prints
figures, asserts nothing. Not part of the test suite.

    .venv/bin/python bench/serve_latency.py               # chapter 5 of the bundled guide
    .venv/bin/python bench/serve_latency.py --saves 10 --chapter 02-safety-first

It copies the bundled guide into a temporary folder (the repository is never edited),
starts `careprint serve` on it, and saves the chapter again and again, each time with a
new word in it. For each save it times what a browser on the print preview does: the page's
question "has the print changed?" (/__careprint/state, answered when it has), then the
handout PDF, read until it holds the new word. The serve process prints where its own time
went ("Printed ... in N s", "Rebuilt ... in N s").
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from run import ENV, copy_project


def get(url: str, timeout: float = 60) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read()


def lines(pipe, out: queue.Queue) -> None:
    for line in pipe:
        out.put(line.rstrip("\n"))


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages
                             ).split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=6, help="at least 2")
    parser.add_argument("--chapter", default="05-gentle-touch-and-comfort-mapping")
    parser.add_argument("--edition", default="survivors")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp) / "guide")
        chapter = project / "content" / "chapters" / f"{args.chapter}.md"
        proc = subprocess.Popen([sys.executable, "-m", "careprint", "serve", str(project),
                                 "-e", args.edition, "--port", "0"],
                                env={**ENV, "CAREPRINT_TODAY": "2026-12-07"},
                                stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        said: queue.Queue = queue.Queue()
        threading.Thread(target=lines, args=(proc.stderr, said), daemon=True).start()
        try:
            started = time.perf_counter()
            while not (line := said.get(timeout=120)).startswith("Serving"):
                print("  serve:", line)
            print(f"serve ready in {time.perf_counter() - started:.2f} s: {line}")
            base = re.search(r"http://\S+/", line).group(0)
            times = [save(base, chapter, i, said) for i in range(args.saves)]
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(f"\nsave -> new handout PDF read: first save {times[0]:.2f} s (the chapter's "
          f"first print in the process), then median {statistics.median(times[1:]):.2f} s,"
          f" max {max(times[1:]):.2f} s over {len(times) - 1} saves")


def save(base: str, chapter: Path, i: int, said: queue.Queue) -> float:
    seen = json.loads(get(f"{base}__careprint/state?watch=print"))["stamp"]
    word = f"Zephyrword{i}x"
    text = re.sub(r"Zephyrword\d+x ", "", chapter.read_text("utf-8"))
    text = text.replace("key_points:\n  - ", f"key_points:\n  - {word} ", 1)  # on the handout
    saved = time.perf_counter()
    chapter.write_text(text, "utf-8")
    while json.loads(get(f"{base}__careprint/state?watch=print&seen={seen}"))["stamp"] == seen:
        pass  # the server answered after its wait with nothing new: ask again
    noticed = time.perf_counter() - saved
    page = get(f"{base}__careprint/print/").decode()
    handout = re.search(r'<iframe src="([^"]+)"', page).group(1)
    data = get(base.rstrip("/") + handout.replace("&amp;", "&"))
    total = time.perf_counter() - saved
    found = word in pdf_text(data)
    while not said.empty():
        print("  serve:", said.get())
    print(f"save {i}: print preview told after {noticed:.2f} s, handout PDF read after "
          f"{total:.2f} s ({len(data) // 1024} KiB, new word {'in' if found else 'NOT in'} "
          "it)")
    return total


if __name__ == "__main__":
    os.chdir(Path(__file__).parent)
    main()
