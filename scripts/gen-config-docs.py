#!/usr/bin/env python3
"""Write docs/config.md from the schema of careprint.toml in careprint/source/config_schema.py and
the rules' @rule declarations, and the table of rules in docs/checks.md from the same.

    python scripts/gen-config-docs.py           # rewrite both
    python scripts/gen-config-docs.py --check   # exit 1 if either is out of date
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from careprint.commands.config_docs import CHECKS_DOC_PATH, DOC_PATH, checks_doc, render  # noqa: E402


def main(argv: list[str]) -> int:
    checks = (ROOT / CHECKS_DOC_PATH).read_text("utf-8")
    wanted = {DOC_PATH: render(), CHECKS_DOC_PATH: checks_doc(checks)}
    if "--check" in argv:
        stale = [rel for rel, text in wanted.items()
                 if not (ROOT / rel).is_file() or (ROOT / rel).read_text("utf-8") != text]
        for rel in stale:
            print(f"{rel} is out of date: run python scripts/gen-config-docs.py",
                  file=sys.stderr)
        return 1 if stale else 0
    for rel, text in wanted.items():
        (ROOT / rel).write_text(text, "utf-8")
        print(f"wrote {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
