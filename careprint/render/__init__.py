"""Renderers: one module per output format, each registered as a Format (render/registry.py).

A format module declares, in one `FORMAT = Format(...)` at its end, its name and two
functions:

    jobs(eg: EditionGuide, paper: str) -> list[Job]      # its targets in one edition
    render(eg: EditionGuide, ctx: BuildContext, job: Job) -> Artifact

`render` returns bytes, never writes: the build (careprint/pipeline/build.py) writes every artifact
atomically. weasyprint and ebooklib are imported inside the renderers that need them, never
at CLI start-up.

This package's shared pieces live in modules named for what they do; the names renderers
use are re-exported here:

- job.py: Job, Artifact, BuildContext, source_date (what passes between build and renderer);
- keys.py: digest and the fingerprints of chapters and worksheets (a target's key);
- templating.py: the sandboxed Jinja environment, render_template;
- images.py: decorative images as backgrounds, image sizes;
- retarget.py: cross-reference links pointed at where an output keeps their target;
- pdfbytes.py: a PDF saved reproducibly.
"""

from __future__ import annotations

from .images import decorative_as_background, image_size
from .job import Artifact, BuildContext, Job, source_date
from .keys import chapter_fingerprint, digest, worksheet_fingerprint
from .pdfbytes import pdf_bytes
from .retarget import retarget_links
from .templating import PACKAGE_TEMPLATES, css_string, environment, long_date, render_template

__all__ = ["Artifact", "BuildContext", "Job", "PACKAGE_TEMPLATES", "chapter_fingerprint",
           "css_string", "decorative_as_background", "digest", "environment", "image_size",
           "long_date", "pdf_bytes", "render_template", "retarget_links", "source_date",
           "worksheet_fingerprint"]
