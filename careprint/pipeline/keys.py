"""What a target depends on: the keys that decide whether an output is made again.

A target's key hashes careprint's version and code, the guide's and the edition's own
settings, the edition-filtered content it includes (Job.content) and the build options.
The config values, templates and files a render reads are not listed here: they are
recorded as it reads them (careprint/source/reads.py), and the next build asks whether each
still gives what it gave. The input digest hashes every file a build could read: the fast
no-op's key. `check --outputs` compares a target's source key (the key without the
build's options) and its reads with the project as it is now (check/stale.py).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..render import BuildContext, Job, digest, registry
from ..source.config import Config
from ..source.digests import careprint_digest
from ..source.editions import EditionGuide


def config_values(config: Config, edition: str) -> tuple:
    """The settings every output of `edition` is made with: the guide's (its title,
    language, date...), the edition's, the papers and the review dates. The values of the
    [formats] tables a render reads are recorded as it reads them (careprint/source/reads.py)."""
    return (config.guide, config.edition(edition), config.papers, dict(config.review))


def target_keys(config: Config, views: list[EditionGuide], jobs: list[Job],
                ctx: BuildContext, keep_html: bool) -> dict[str, str]:
    imprint = _imprint(views)
    return {j.relpath: digest(careprint_digest(), config_values(config, j.edition),
                              j.content, j.paper, ctx.source_date, ctx.bleed, ctx.marks,
                              keep_html and registry.get(j.fmt).keeps_html, j.relpath,
                              *imprint)
            for j in jobs}


def _imprint(views: list[EditionGuide]) -> tuple:
    """The clinic a build is stamped for, and its logo's bytes: part of every key."""
    imprint = views[0].guide.imprint if views else None
    if imprint is None:
        return ()
    logo = (Path(views[0].config.root) / imprint.logo) if imprint.logo else None
    return (imprint, hashlib.sha256(logo.read_bytes()).hexdigest() if logo else "")


def source_keys(config: Config, views: list[EditionGuide], jobs: list[Job],
                root: Path) -> dict[str, str]:
    """What each target was made from, without the build's options: `check --outputs`
    compares it, and the target's recorded reads, with the project as it is now
    (check/stale.py)."""
    imprint = _imprint(views)
    return {j.relpath: digest(careprint_digest(), config_values(config, j.edition),
                              j.content, j.relpath, *imprint)
            for j in jobs}
