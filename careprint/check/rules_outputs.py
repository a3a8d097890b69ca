"""The rules that check built files (`careprint check --outputs`). Each is declared here,
once; careprint.check.outputs runs them on what `careprint build` wrote (with
careprint.check.pdfs and careprint.check.fit), so they take no function here.
"""

from __future__ import annotations

from ..source.config_schema import Opt
from .registry import OUTPUTS, rule

rule("outputs", "outputs", group=OUTPUTS, severity="error",
     doc="every output of every checked edition and format was built")
rule("epubcheck", "outputs", group=OUTPUTS, severity="error",
     doc="EPUBCheck finds no errors or warnings in any EPUB")
rule("ace", "outputs", group=OUTPUTS, severity="error",
     doc="Ace by DAISY finds no serious or critical violations in any EPUB",
     options={"impacts": Opt(list, "Ace impact levels that become findings.",
                             default=["serious", "critical"])})
rule("pdf-accessibility", "outputs", group=OUTPUTS, severity="error",
     doc="every PDF has a title, a language, a structure tree and embedded fonts")
rule("worksheet-fields", "outputs", group=OUTPUTS, severity="error",
     doc="every worksheet PDF has the form fields of its worksheet")
rule("worksheet-fit", "outputs", group=OUTPUTS, severity="error",
     doc="every worksheet printed alone fits its pages on every paper")
rule("phone-split", "outputs", group=OUTPUTS, severity="error",
     doc="no phone number is split across two lines in any PDF")
