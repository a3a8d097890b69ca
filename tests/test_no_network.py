"""No output loads anything from outside the project (docs/security.md, the sandbox).

CSS is checked with a real tokenizer (careprint.guard.cssguard), the same way for every format:
style attributes in content, the project's stylesheets and HTML templates, and the
stylesheets as Jinja renders them. The web edition also carries a Content-Security-Policy
that allows only its own files, checked in headless Chromium.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess

import pytest
from conftest import ROOT, copy_fixture, run_careprint
from test_bad_input import (
    BASE,
    CHAPTER,
    assert_refused,
    build_ok,
    chapter_text,
    line_of,
    write_png,
)

AXE = ROOT / "tests" / "tools" / "axe.js"


@pytest.fixture
def fresh(tmp_path):
    return copy_fixture(BASE, tmp_path)


# Each loads http://host/x in a way a regular expression for `url(` does not see.
STYLE_ATTRIBUTES = {
    "css-escape": r'<p style="background-image: \75 rl(http://host/x)">text</p>',
    "escaped-in-string": r'<p style="background: url(&quot;ht\74 tp://host/x&quot;)">t</p>',
    "src-function": '<p style="background-image: src(\'http://host/x\')">text</p>',
    "protocol-relative": r'<p style="background: \55 RL(//host/x)">text</p>',
    "attr-list": '{: style="background: u\\rl(http://host/x)" }',
}


@pytest.mark.parametrize("case", list(STYLE_ATTRIBUTES))
def test_style_attribute_that_loads_a_url_is_refused_however_it_is_spelt(fresh, case):
    markup = STYLE_ATTRIBUTES[case]
    if case == "attr-list":
        markup = "A styled paragraph.\n" + markup
    text = chapter_text(f"## Styled\n\nA line before.\n\n{markup}\n\nAfter.\n")
    (fresh / CHAPTER).write_text(text, encoding="utf-8")
    line = line_of(text, markup.split("\n")[-1])
    stderr = assert_refused(fresh, (f"{CHAPTER}:{line}", "not allowed"), args=("-f", "html"))
    assert "host" in stderr, stderr


def test_worksheet_style_attribute_is_checked_too(fresh):
    path = fresh / "content/worksheets/check-in.yaml"
    text = path.read_text("utf-8").replace(
        "Write as much", r'<span style="color: red; background: \75 rl(https://host/x)">'
        "Write</span> as much", 1)
    assert "https://host/x" in text
    path.write_text(text, encoding="utf-8")
    assert_refused(fresh, ("content/worksheets/check-in.yaml:" +
                           str(line_of(text, "https://host/x")), "not allowed"),
                   args=("-f", "epub"))


THEMES = {
    "url": "body { background: url(http://host/x.png); }",
    "escaped": "body { background: \\75 rl('https://host/x.png'); }",
    "import": '@import "https://host/theme.css";',
    "image-set": 'body { background: image-set("https://host/x.png" 1x); }',
    "data": 'body { background: url("data:image/png;base64,AAAA"); }',
    "file": "body { background: url(file:///etc/passwd); }",
    "outside": "body { background: url(../../../secret.png); }",
}


@pytest.mark.parametrize("fmt", ["html", "epub", "pdf"])
@pytest.mark.parametrize("case", list(THEMES))
def test_theme_css_that_loads_a_url_is_refused_in_every_format(fresh, case, fmt):
    (fresh / "templates").mkdir()
    theme = f":root {{ --ink: #111; }}\n/* a comment: url(http://not-a-url) */\n{THEMES[case]}\n"
    (fresh / "templates/theme.css").write_text(theme, encoding="utf-8")
    assert_refused(fresh, ("templates/theme.css:3", "not allowed"), args=("-f", fmt))


def test_url_put_together_by_jinja_is_refused(fresh):
    (fresh / "templates").mkdir()
    (fresh / "templates/web.css").write_text(
        '{% include "theme.css" %}\nbody { background: {{ "ur" ~ "l(http://host/x)" }}; }\n',
        encoding="utf-8")
    proc = run_careprint("build", fresh, "-f", "html", cwd=fresh.parent)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "templates/web.css: stylesheet: url(): http: URL 'http://host/x' is not allowed" \
        in proc.stderr, proc.stderr
    assert not list((fresh / "build").rglob("*.css")) and not list(fresh.rglob("*.html"))


def test_style_element_in_an_html_template_is_checked(fresh):
    guide = (ROOT / "careprint/templates/guide.html").read_text("utf-8")
    guide = guide.replace("</head>", "<style>\nbody { background: url(//host/x) }\n</style>\n"
                          "</head>", 1)
    (fresh / "templates").mkdir()
    (fresh / "templates/guide.html").write_text(guide, encoding="utf-8")
    line = line_of(guide, "//host/x")
    assert_refused(fresh, (f"templates/guide.html:{line}", "another host"), args=("-f", "pdf"))


def test_theme_css_with_a_file_inside_the_project_builds(fresh):
    """A relative URL is resolved as WeasyPrint resolves it, from content/chapters/."""
    (fresh / "templates").mkdir()
    write_png(fresh / "templates/dot.png")
    theme = (ROOT / "careprint/templates/theme.css").read_text("utf-8")
    (fresh / "templates/theme.css").write_text(
        theme + ".box { background-image: url(../../templates/dot.png); }\n", "utf-8")
    proc = run_careprint("build", fresh, "-e", "survivors", "-f", "pdf", "-f", "html",
                         cwd=fresh.parent)
    assert proc.returncode == 0 and "warning:" not in proc.stderr, proc.stderr
    assert "dot.png" in (fresh / "build/survivors/html/style.css").read_text("utf-8")


# ---------------------------------------------------------------- the web edition's CSP


def test_a_page_template_without_the_policy_gets_it(fresh):
    page = (ROOT / "careprint/templates/web-page.html").read_text("utf-8")
    (fresh / "templates").mkdir()
    (fresh / "templates/web-page.html").write_text(
        page.replace("Content-Security-Policy", "X-Nothing"), encoding="utf-8")
    out = build_ok(fresh, "-e", "survivors", "-f", "html") / "html"
    for file in out.glob("*.html"):
        head = file.read_text("utf-8").split("<head>", 1)[1].lstrip()
        assert head.startswith('<meta http-equiv="Content-Security-Policy" content="default-src'
                               " 'self';"), file.name


def test_web_pages_allow_only_their_own_files(fresh, tmp_path):
    """Every page carries the policy; in Chromium a good page breaks none of it, and a page
    that tries to load from elsewhere is stopped before any connection is made."""
    out = build_ok(fresh, "-e", "survivors", "-f", "html") / "html"
    pages = sorted(out.glob("*.html"))
    for page in pages:
        text = page.read_text("utf-8")
        assert '<meta http-equiv="Content-Security-Policy" content="default-src \'self\'' \
            in text, page.name
        assert "form-action 'none'; base-uri 'none'" in text
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    evil = out / "tampered.html"
    evil.write_text((out / "01-start.html").read_text("utf-8").replace(
        "</main>", f'<img src="http://127.0.0.1:{port}/x.png" alt="x"/>'
        f'<p style="background: url(http://127.0.0.1:{port}/y.png)">y</p>'
        f'<script src="http://127.0.0.1:{port}/z.js"></script></main>'), encoding="utf-8")
    node = shutil.which("node")
    assert node, "Node.js is needed to run Chromium through puppeteer"
    proc = subprocess.run([node, str(AXE), *map(str, pages), str(evil)], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    with pytest.raises(BlockingIOError):
        listener.accept()  # nothing connected: the browser made no request
    listener.close()
    for page in pages:
        assert results[str(page)]["csp_violations"] == [], page.name
        assert results[str(page)]["violations"] == [], page.name
    blocked = " ".join(results[str(evil)]["csp_violations"])
    assert f"img-src http://127.0.0.1:{port}/x.png" in blocked
    assert f"img-src http://127.0.0.1:{port}/y.png" in blocked
    assert "script-src" in blocked
