"""mypy holds careprint/ at the level pyproject.toml states ([tool.mypy]), and the bugs it
found stay fixed."""

import subprocess
import sys
from pathlib import Path

from careprint.render import stamps

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_finds_no_error():
    result = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental"], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def test_stamp_of_a_template_without_head():
    # a project's template may leave out <head>: the stamp still gets its style (it crashed)
    html = f"<html><body><div{stamps.MARK}>Clinic</div></body></html>"
    out = stamps.stamp_html(html, 0)
    assert "<head><style>" in out and stamps.STAMP_CSS[:20] in out
