"""The notebook veritex writes, turned into HTML by nbconvert itself (the `lab` template, JupyterLab's
look) and typeset by MathJax 3 in headless Chromium (Debian's, driven by Playwright): every formula
typesets without error, no raw TeX is left in the Markdown cells, `\\tag` numbers show and references
jump to their equation. A screenshot lands in tests/artifacts/ for a person to look at.

MathJax comes from the npm registry into .cache/mathjax (`make mathjax`), never from a CDN: the page is
opened offline. nbconvert's template still configures MathJax 2, which MathJax 3 ignores, so the page
gets the configuration JupyterLab gives MathJax 3 (`$`/`$$` delimiters, escapes, environments).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from publish_support import jupyter_formulas
from test_html_browser import ARTIFACTS, browser  # noqa: F401  (the fixture)
from test_publish_acceptance import ACCEPTANCE

from veritex.builder import build

MATHJAX = Path(__file__).resolve().parents[1] / ".cache" / "mathjax" / "es5" / "tex-chtml-full.js"

pytestmark = [pytest.mark.browser, pytest.mark.kernel, pytest.mark.slow]

# JupyterLab's MathJax 3 settings (@jupyterlab/mathjax-extension), put before MathJax loads; without
# `noundefined`, an unknown macro is an error node (mjx-merror) instead of red text that looks typeset.
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_mathjax -%}
<script>
window.MathJax = {
  tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']],
        processEscapes: true, processEnvironments: true,
        packages: {'[-]': ['noundefined']}},
  startup: {typeset: true}
};
</script>
{{ super() }}
{%- endblock html_head_js_mathjax -%}
"""

# The text a reader sees in the Markdown cells: typeset math, code spans (report messages quote TeX on
# purpose) and scripts left out.
_VISIBLE_MARKDOWN = """(() => Array.from(document.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown')).map(cell => {
  const copy = cell.cloneNode(true);
  copy.querySelectorAll('mjx-container, code, pre, script').forEach(e => e.remove());
  return copy.innerText;
}).join('\\n'))()"""

_RAW_TEX = re.compile(r"\$|\\(?:begin|end|frac|tag|label|eqref|ref|newcommand|mathrm|mathbf|sum|left|right)\b")


def nbconvert_page(notebook: Path, target: Path) -> Path:
    """The notebook as nbconvert's HTML (`lab` template), loading MathJax from the local copy."""
    jinja2 = pytest.importorskip("jinja2")
    exporters = pytest.importorskip("nbconvert.exporters")
    nbformat = pytest.importorskip("nbformat")
    exporter = exporters.HTMLExporter(
        template_name="lab", template_file="veritex_lab.html.j2",
        extra_loaders=[jinja2.DictLoader({"veritex_lab.html.j2": _TEMPLATE})])
    exporter.mathjax_url = MATHJAX.as_uri()
    body, _ = exporter.from_notebook_node(nbformat.read(notebook, as_version=4))
    target.write_text(body, encoding="utf-8")
    return target


@pytest.mark.parametrize("name", ["autograd.md", "attention.md"])
def test_nbconvert_html_has_no_raw_tex(browser: Any, tmp_path: Path, name: str) -> None:  # noqa: F811
    if not MATHJAX.exists():
        pytest.skip(f"MathJax 3 is not in {MATHJAX.parents[1]} (make mathjax; needs npm)")
    if not ACCEPTANCE.is_dir():
        pytest.skip("the shared acceptance documents are not beside this checkout")
    source = tmp_path / name
    shutil.copy(ACCEPTANCE / name, source)
    build([source], tmp_path / "out", formats="ipynb")
    notebook = (tmp_path / "out" / name).with_suffix(".ipynb")
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    formulas = [f for cell in markdown for f in jupyter_formulas(cell)]
    tags = re.findall(r"\\tag\{([^}]*)\}", "\n".join(formulas))
    links = sorted(set(re.findall(r"\]\((#[^)\s]+)\)", "\n".join(markdown))))
    assert formulas and tags  # the document has math to typeset, numbered equations among it

    page_file = nbconvert_page(notebook, tmp_path / "notebook.html")
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    # The template names require.js and the like on a CDN, which the page does not need: answered at once.
    page.route(re.compile(r"^https?://"), lambda route: route.abort())
    page.goto(page_file.as_uri())
    page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30_000)
    page.evaluate("MathJax.startup.promise")
    assert MATHJAX.as_uri() in requests

    typeset = page.locator(".jp-MarkdownCell mjx-container")
    assert typeset.count() == len(formulas), (typeset.count(), len(formulas))
    assert page.locator("mjx-merror").count() == 0, page.locator("mjx-merror").all_inner_texts()
    text = page.evaluate(_VISIBLE_MARKDOWN)
    assert "✓ verified" in text
    assert not _RAW_TEX.findall(text), sorted(set(_RAW_TEX.findall(text)))
    # Each \tag shows as its number beside a display formula (MathJax draws tags in an mjx-mtd label).
    displayed = " ".join(page.locator(".jp-MarkdownCell mjx-container[display='true']").all_inner_texts())
    for tag in tags:
        assert f"({tag})" in displayed, tag
    for href in links:
        anchor = page.locator(f"[id='{href[1:]}']")
        assert anchor.count() == 1, href
        page.locator(f".jp-MarkdownCell a[href='{href}']").first.click()
        assert page.evaluate("location.hash") == href
    if name == "autograd.md":
        assert links  # the document refers to its equations

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"nbconvert-{Path(name).stem}.png"), full_page=True)
