"""Plugins: what other packages add to careprint, found through entry points.

A package adds a format or a rule by naming it in its own pyproject.toml:

    [project.entry-points."careprint.formats"]
    summary = "careprint_summary:FORMAT"

and careprint loads every entry point of a group with `load_entry_points(group)`. Each
one is imported when the group is first asked for, never before: `careprint --help`
imports no plugin. A plugin that cannot be imported is an error that names it and its
package, never a traceback (PluginError, a CareprintError).
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

from .errors import CareprintError


class PluginError(CareprintError):
    """An entry point that cannot be loaded."""


def _describe(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    package = f" of the package {dist.name!r}" if dist is not None else ""
    return f"the plugin {ep.name!r} ({ep.value}){package}, entry point group {ep.group!r}"


def load_entry_points(group: str) -> list:
    """The objects that the entry points of `group` name, sorted by entry point name (the
    same order on every machine). A name given twice (two installs of one plugin) is
    loaded once: the first one found on the path."""
    return [obj for _, obj in load_described(group)]


def load_described(group: str) -> list[tuple[str, object]]:
    """As load_entry_points, each object with the words that name its plugin ("the plugin
    'summary' (careprint_summary:FORMAT) of the package 'careprint-summary', entry point
    group 'careprint.formats'"), for an error about what it names."""
    seen: dict[str, EntryPoint] = {}
    for ep in entry_points(group=group):
        seen.setdefault(ep.name, ep)
    loaded = []
    for name in sorted(seen):
        ep = seen[name]
        try:
            loaded.append((_describe(ep), ep.load()))
        except Exception as exc:  # a plugin's import error is the plugin's, not ours
            raise PluginError(
                f"careprint could not load {_describe(ep)}: {type(exc).__name__}: {exc}. "
                "Reinstall or update that package, or uninstall it.") from exc
    return loaded
