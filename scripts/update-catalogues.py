#!/usr/bin/env python3
"""Extract careprint's own words into careprint/locale/careprint.pot and bring each shipped
catalogue (careprint/locale/<lang>/LC_MESSAGES/careprint.po) in step with it: a new message
is added with an empty text (English: its own words), a message no longer used is dropped.

    python scripts/update-catalogues.py

Then translate every empty msgstr of each catalogue; tests/test_i18n.py fails while one is
empty or a catalogue lacks a message (docs/templates.md, "careprint's words").
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "careprint" / "locale"


def main() -> int:
    from babel.messages.pofile import read_po, write_po

    pot = LOCALE / "careprint.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(ROOT / "babel.cfg"), "--no-location", "--sort-output", "--omit-header",
                    "-o", str(pot), str(ROOT / "careprint")], check=True, cwd=ROOT,
                   capture_output=True)
    template = read_po(pot.open("rb"))
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/careprint.po")):
        catalog = read_po(po.open("rb"), locale=po.parent.parent.name)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        if po.parent.parent.name == "en":  # English: each message is its own text
            for msg in catalog:
                empty = not msg.string if isinstance(msg.string, str) else not any(msg.string)
                if msg.id and empty:
                    msg.string = msg.id if isinstance(msg.id, str) else tuple(msg.id)
        with po.open("wb") as fh:
            write_po(fh, catalog, omit_header=False, sort_output=True, no_location=True)
        print(f"updated {po.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
