"""imprints/<id>.toml -> Imprint: a clinic that hands the guide out, in one file.

    name = "Larkspur Community Clinic"
    address = "12 Example Street, Edinburgh"
    phone = "0131 496 0123"
    email = "hello@larkspur.example"
    website = "https://larkspur.example"
    logo = "imprints/larkspur-logo.svg"   # an image inside imprints/, checked like any
    region = "GB-SCT"                     # ISO 3166: whose services its guide lists
    url = "https://larkspur.example/guide" # optional: where it publishes the web edition
    fill_in = ["My clinician", "Next appointment"]

    [[services]]                          # its local services, as content/resources/
    name = "..."

`careprint build --imprint ID` builds the guide stamped for that clinic (region_view.py,
for_imprint). Every problem names the file and line: tomllib keeps no lines, so they are
found in the text (one key a line, as careprint.toml is written).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Collector, ProjectError, at
from ..guard.urls import address_problem, url_problem
from . import regions
from .assets import image_file_problems
from .config import NAME_RE
from .model import Resource
from .resourceload import read_resource
from .sourcefile import files_in, read_text, rel_path
from .tomllines import long_integer_problem
from .yamlload import LineDict

FOLDER = "imprints"
KEYS = ("name", "address", "phone", "email", "website", "logo", "region", "url", "fill_in",
        "services")
TEXT = ("name", "address", "phone", "email", "website", "url")
MAX_FILL_IN = 4
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Imprint:
    id: str  # the file's name: imprints/<id>.toml
    path: str
    name: str
    region: str
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    url: str = ""  # where it publishes the web edition (QR codes), or ""
    logo: str = ""  # the logo's path in the project, or ""
    fill_in: tuple[str, ...] = ()
    services: tuple[Resource, ...] = field(default=())
    # the line of `logo` in its file: not part of a target's key (an output's repr)
    logo_line: int = field(default=0, repr=False, compare=False)

    def logo_picture(self) -> tuple:
        """(where, src, path in the project) of the logo, for careprint.source.assets.undrawable;
        () without one."""
        return (at(self.path, self.logo_line), self.logo, self.logo) if self.logo else ()


def load_imprints(root: Path, errs: Collector) -> tuple[Imprint, ...]:
    out = []
    for path in files_in(Path(root) / FOLDER):
        if path.suffix != ".toml":
            continue
        rel = rel_path(root, path)
        if not NAME_RE.match(path.stem):
            errs.add(rel, "an imprint's file name is its id: lower-case letters, digits and "
                     "hyphens, e.g. imprints/riverside-clinic.toml")
            continue
        imprint = _load_one(root, rel, path.stem, errs)
        if imprint is not None:
            out.append(imprint)
    return tuple(out)


def _load_one(root: Path, rel: str, ident: str, errs: Collector) -> Imprint | None:
    try:
        text = read_text(Path(root) / rel, rel)
        data = tomllib.loads(text)
    except ProjectError as exc:
        errs.extend(exc.problems)
        return None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+)", str(exc))
        errs.add(at(rel, int(m.group(1)) if m else None), f"invalid TOML: {exc}")
        return None
    except ValueError:  # an integer of more digits than Python converts
        errs.extend([long_integer_problem(text, rel)])
        return None
    lines = key_lines(text)
    before = len(errs.problems)
    top = _line_dict(data, 1, lines.get(0, {}))
    for key in data:
        if key not in KEYS:
            errs.add(at(rel, top.line_of(key)), f"unknown key {key!r}; expected one of: "
                     f"{', '.join(KEYS)}")
    values = {k: _text(top, k, rel, errs) for k in TEXT}
    if not values["name"]:
        errs.add(at(rel, 1), "missing required key 'name': the clinic's name, as its "
                 "readers know it")
    region = _region(top, rel, errs)
    logo = _logo(root, top, rel, errs)
    fill_in = _fill_in(top, rel, errs)
    services = _services(data, lines, rel, errs)
    if len(errs.problems) > before:
        return None
    return Imprint(ident, rel, values["name"], region, values["address"], values["phone"],
                   values["email"], values["website"], values["url"], logo, fill_in, services,
                   top.line_of("logo") if logo else 0)


def key_lines(text: str) -> dict[int, dict[str, int]]:
    """{table number: {key: line}}: 0 is the top level, n the n-th [[services]] table."""
    out: dict[int, dict[str, int]] = {0: {}}
    table = 0
    for n, line in enumerate(text.split("\n"), 1):
        s = line.strip()
        if s.startswith("[["):
            table = max(out) + 1
            out[table] = {"": n}
        elif s.startswith("["):
            table = -1
        else:
            m = re.match(r'^([A-Za-z0-9_-]+|"[^"]*")\s*=', s)
            if m and table >= 0:
                out.setdefault(table, {}).setdefault(m.group(1).strip('"'), n)
    return out


def _line_dict(data: dict, line: int, lines: dict[str, int]) -> LineDict:
    d = LineDict(data)
    d.line = lines.get("", line)
    d.key_lines = {k: v for k, v in lines.items() if k}
    return d


def _text(top: LineDict, key: str, rel: str, errs: Collector) -> str:
    value = top.get(key, "")
    if not isinstance(value, str):
        errs.add(at(rel, top.line_of(key)), f"{key}: expected a string")
        return ""
    value = value.strip()
    problem = None
    if value and key in ("website", "url"):
        problem = url_problem(value)
        if not problem and not value.lower().startswith(("https://", "http://")):
            problem = f"{key}: expected an https:// address"
    elif value and key == "email" and not EMAIL_RE.match(value):
        problem = f"email {value[:60]!r}: expected an address such as hello@clinic.example"
    elif value and key == "email":  # the page links it as mailto:{email}
        problem = address_problem(f"mailto:{value}")
    if problem:
        errs.add(at(rel, top.line_of(key)), problem)
        return ""
    return value


def _region(top: LineDict, rel: str, errs: Collector) -> str:
    code = top.get("region")
    if code is None:
        errs.add(at(rel, 1), "missing required key 'region': the ISO 3166 code of where the "
                 "clinic is (US, GB-SCT...), whose services its guide lists")
        return ""
    if not isinstance(code, str) or not regions.known(code):
        errs.add(at(rel, top.line_of("region")), f"region {str(code)[:40]!r}: not an ISO "
                 "3166 code careprint knows: a country (US, GB...) or a part of one "
                 "(GB-SCT...), in capitals")
        return ""
    return code


def _logo(root: Path, top: LineDict, rel: str, errs: Collector) -> str:
    src = top.get("logo", "")
    if not src:
        return ""
    where = at(rel, top.line_of("logo"))
    if not isinstance(src, str) or src.startswith("/") or ".." in Path(src).parts or \
            "://" in src:
        errs.add(where, f"logo {str(src)[:60]!r}: a path inside the project's imprints/ "
                 "folder, e.g. imprints/clinic-logo.png")
        return ""
    real = (Path(root) / src).resolve()
    if not real.is_relative_to((Path(root) / FOLDER).resolve()):
        errs.add(where, f"logo {src!r} is not inside imprints/ (a symbolic link?); copy "
                 "the image into imprints/")
        return ""
    _, problems = image_file_problems(real, Path(root), src, where)
    errs.extend(problems)
    return src if not problems else ""


def _fill_in(top: LineDict, rel: str, errs: Collector) -> tuple[str, ...]:
    value = top.get("fill_in", [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() and
                                              len(v) <= 40 for v in value) \
            or len(value) > MAX_FILL_IN:
        errs.add(at(rel, top.line_of("fill_in")), f"fill_in: a list of at most {MAX_FILL_IN} "
                 "short labels (40 characters), e.g. [\"My clinician\", \"Next appointment\"]")
        return ()
    return tuple(v.strip() for v in value)


def _services(data: dict, lines, rel: str, errs: Collector) -> tuple[Resource, ...]:
    tables = data.get("services", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        errs.add(at(rel, lines[0].get("services")), "services: write each local service as "
                 "a [[services]] table, with the keys of content/resources/")
        return ()
    out = []
    for i, table in enumerate(tables, 1):
        item = _line_dict(table, lines.get(i, {}).get("", 1), lines.get(i, {}))
        resource = read_resource(item, rel, errs)
        if resource is not None:
            out.append(resource)
    return tuple(out)
