"""Rules on the translations of the guide (content/translations/<code>/).

translation-in-step: each translation translates its source as it is now. An editor who
changes a paragraph of a chapter is told which translation to update, and which lines of
the source changed since it was translated (source/translations.py keeps a copy of the
source as it was, written by `careprint translations mark`).
"""

from __future__ import annotations

from ..source.translations import MISSING, UP_TO_DATE, message, states
from .registry import HEALTH_LITERACY, Context, rule

RULE = "translation-in-step"


@rule(RULE, "guide", group=HEALTH_LITERACY, severity="warning",
      doc="each translation translates its source as it is now, and every file a "
      "translated edition prints has a translation")
def translation_in_step(ctx: Context) -> None:
    languages = ctx.guide.config.languages
    for s in states(ctx.guide):
        if s.state == UP_TO_DATE:
            continue
        if s.state == MISSING:  # an error where the build stops on it (fallback = false)
            severity = None if languages[s.code].fallback else "error"
            ctx.add(RULE, s.source, None, message(s), severity=severity)
            continue
        ctx.add(RULE, s.translation, s.line or None, message(s))
