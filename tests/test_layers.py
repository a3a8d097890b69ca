"""The layers docs/architecture.md states are the import-linter contracts `make test` runs
(pyproject.toml, [tool.importlinter]; issue 26, "Layers that hold")."""

from __future__ import annotations

import re
import tomllib

from conftest import ROOT


def _layers_section() -> str:
    text = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    return text.split("## Layers\n", 1)[1].split("\n## ", 1)[0]


def _file(module: str) -> str:
    """careprint.render -> `render/`, careprint.guard.svgguard -> `svgguard.py`."""
    name = module.removeprefix("careprint.").replace(".", "/")
    return f"`{name}/`" if (ROOT / "careprint" / name).is_dir() else f"`{name}.py`"


def test_every_contract_and_each_module_it_names_is_in_the_documented_layers():
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))[
        "tool"]["importlinter"]["contracts"]
    section = _layers_section()
    # one numbered, bold statement a contract
    assert len(re.findall(r"^\d+\. \*\*", section, re.M)) == len(contracts), section
    missing = [(c["id"], _file(m)) for c in contracts if c["type"] == "forbidden"
               for m in (*c["source_modules"], *c["forbidden_modules"])
               if _file(m) not in section]
    assert not missing, missing
    ignored = [i for c in contracts for i in c.get("ignore_imports", [])]
    for importer, imported in (i.split(" -> ") for i in ignored):
        assert _file(importer) in section and _file(imported) in section, (importer, imported)


def test_the_module_map_names_every_module():
    """docs/architecture.md's module map names each of careprint's modules, by its file
    name (`render/sandbox.py`, or `sandbox.py` in its folder's paragraph)."""
    text = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    modules = [p.relative_to(ROOT / "careprint") for p in (ROOT / "careprint").rglob("*.py")
               if p.name != "__init__.py" and "scaffold" not in p.parts]
    assert len(modules) > 90
    missing = [m.as_posix() for m in modules if f"{m.name}`" not in text]
    assert not missing, missing
