"""One exception hierarchy. Every message names file:line or a config key path.

The errors subclass click.ClickException so that the CLI needs no try/except:
Click prints the message and exits with status 1, without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

import click


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the user's input, and where it is."""

    where: str  # "content/chapters/01-x.md:12" or "careprint.toml: editions.partners.title"
    message: str
    edition: str | None = None

    def __str__(self) -> str:
        sep = ": " if self.where else ""
        tag = f" [edition {self.edition}]" if self.edition else ""
        return f"{self.where}{sep}{self.message}{tag}"


def at(path: str, line: int | None = None) -> str:
    """Format a source location as `path:line`."""
    return f"{path}:{line}" if line else path


class CareprintError(click.ClickException):
    """Base class for every error caused by the user's input or environment."""

    exit_code = 1


class ProjectError(CareprintError):
    """The project has one or more problems; all of them are listed."""

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = sorted(set(problems), key=_order)
        count = len(self.problems)
        head = "1 problem" if count == 1 else f"{count} problems"
        lines = [f"{head} found; nothing was written:"] + [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))

    def __reduce__(self):  # survives the trip back from a worker process
        return (ProjectError, (self.problems,))


def _order(p: Problem):
    path, _, line = p.where.partition(":")
    return (path, int(line) if line.isdigit() else 0, p.edition or "", p.message)


class OutputError(CareprintError):
    """Writing an output failed (permissions, full disk...)."""


class Collector:
    """Gather problems while reading, then raise them together."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, where: str, message: str, edition: str | None = None) -> None:
        self.problems.append(Problem(where, message, edition))

    def extend(self, problems) -> None:
        self.problems.extend(problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise ProjectError(self.problems)
