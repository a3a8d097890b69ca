#!/usr/bin/env python3
"""Write docs/config.md from the schema of careprint.toml in careprint/config_schema.py.

    python scripts/gen-config-docs.py           # rewrite docs/config.md
    python scripts/gen-config-docs.py --check   # exit 1 if docs/config.md is out of date
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from careprint.config_docs import DOC_PATH, render  # noqa: E402


def main(argv: list[str]) -> int:
    doc = ROOT / DOC_PATH
    text = render()
    if "--check" in argv:
        current = doc.read_text("utf-8") if doc.is_file() else ""
        if current != text:
            print(f"{DOC_PATH} is out of date: run python scripts/gen-config-docs.py",
                  file=sys.stderr)
            return 1
        return 0
    doc.write_text(text, "utf-8")
    print(f"wrote {DOC_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
