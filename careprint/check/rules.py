"""The rules of `careprint check`, by id: RULES, found from their `@rule` declarations
(careprint.check.registry), careprint's own and the plugins'. docs/checks.md explains
careprint's own.
"""

from __future__ import annotations

from .registry import RULES, Rule

__all__ = ["PROJECT_RULE", "RULES", "Rule"]

# Problems that stop the project from being read at all (careprint build reports the same).
PROJECT_RULE = "project"
