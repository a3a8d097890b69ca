"""One exception hierarchy. Every message names file:line or a config key path.

The errors subclass click.ClickException so that the CLI needs no try/except:
Click prints the message and exits with status 1, without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import click


class Location(str):
    """Where a problem is: a path, with a line or a careprint.toml key path.

    Its text is what every message prints: `content/chapters/01-x.md:12`,
    `careprint.toml:22: editions.partners.title` (a key, at its line when it is written),
    or the path alone. The parts are kept as data
    (`path`, `line`, `key`), so nothing ever parses that text back.
    """

    __slots__ = ("path", "line", "key")
    path: str
    line: int | None
    key: str

    def __new__(cls, path: str = "", line: int | None = None, key: str = "") -> Location:
        line = line or None
        where = f"{path}:{line}" if line else path
        text = f"{where}: {key}" if key else where
        self = super().__new__(cls, text)
        for name, value in (("path", path), ("line", line), ("key", key)):
            object.__setattr__(self, name, value)
        return self

    def __setattr__(self, name, value):
        raise AttributeError("a Location cannot be changed")

    def __reduce__(self):  # survives the trip back from a worker process
        return (Location, (self.path, self.line, self.key))

    def __repr__(self) -> str:
        return f"Location({self.path!r}, {self.line!r}, {self.key!r})"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the user's input, and where it is."""

    where: Location  # a plain string is taken as a path with no line
    message: str
    edition: str | None = None

    if TYPE_CHECKING:  # the __init__ dataclass writes, told that it takes a plain string too
        def __init__(self, where: Location | str, message: str,
                     edition: str | None = None) -> None: ...

    def __post_init__(self) -> None:
        if not isinstance(self.where, Location):
            object.__setattr__(self, "where", Location(self.where))

    def __str__(self) -> str:
        sep = ": " if self.where else ""
        tag = f" [edition {self.edition}]" if self.edition else ""
        return f"{self.where}{sep}{self.message}{tag}"


def at(path: str, line: int | None = None) -> Location:
    """A source location: `path:line` (or the path alone, without a line)."""
    return Location(path, line)


def at_key(path: str, key: str) -> Location:
    """A location in a TOML file named by its key path: `careprint.toml: guide.slug`."""
    return Location(path, key=key)


class CareprintError(click.ClickException):
    """Base class for every error caused by the user's input or environment."""

    exit_code = 1


class ProjectError(CareprintError):
    """The project has one or more problems; all of them are listed."""

    def __init__(self, problems: list[Problem] | Problem, *, writes: bool = True):
        """`writes`: the command would have written something (a build); a command that
        only reads (list, check) does not say "nothing was written"."""
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = sorted(set(problems), key=_order)
        count = len(self.problems)
        head = "1 problem" if count == 1 else f"{count} problems"
        head += " found; nothing was written:" if writes else " found:"
        lines = [head] + [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))

    def __reduce__(self):  # survives the trip back from a worker process
        return (ProjectError, (self.problems,))


def _order(p: Problem):
    return (p.where.path, p.where.line or 0, p.edition or "", p.message, p.where.key)


class YamlError(CareprintError):
    """YAML that cannot be read (careprint.source.yamlload), at `line` of its file. The loader turns
    it into a Problem that names the file."""

    def __init__(self, line: int, message: str):
        super().__init__(message)  # sets self.message
        self.line = line

    def __reduce__(self):
        return (YamlError, (self.line, self.message))


class OutputError(CareprintError):
    """Writing an output failed (permissions, full disk...)."""


class Collector:
    """Gather problems while reading, then raise them together."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, where: Location | str, message: str, edition: str | None = None) -> None:
        self.problems.append(Problem(where, message, edition))

    def extend(self, problems) -> None:
        self.problems.extend(problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise ProjectError(self.problems)
