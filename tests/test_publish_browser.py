"""The notebook veritex writes, rendered the way Jupyter renders Markdown cells, in headless Chromium
(Debian's, driven by Playwright): no raw TeX is left, every formula typesets, a reference jumps to its
equation. A screenshot lands in tests/artifacts/ for a person to look at.

nbconvert is not among veritex's dependencies, so the page is made by a stand-in for Jupyter's
pipeline: the math is taken out of each Markdown cell first (as Jupyter's `removeMath` does: `$$..$$`,
`$..$`, none inside code spans), the rest goes through markdown-it (CommonMark with HTML, as Jupyter's
renderer), and the formulas are put back and typeset by KaTeX in the page (Jupyter uses MathJax; KaTeX
is the stricter of the two, so a formula it typesets MathJax typesets too).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from test_html_browser import ARTIFACTS, browser  # noqa: F401  (the fixture)
from test_publish import DOC

from veritex.builder import build
from veritex.katex import KATEX_DIR

pytestmark = [pytest.mark.browser, pytest.mark.kernel]

_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.DOTALL)
_CODE = re.compile(r"(`+)([^\n]*?[^`\n])\1(?!`)")


def jupyter_markdown(source: str) -> str:
    """A Markdown cell as Jupyter shows it before MathJax runs: math held aside, the rest as HTML."""
    held: list[tuple[str, bool]] = []
    text = source.replace("\\$", "\x01")
    text = _CODE.sub(lambda m: m.group(0).replace("$", "\x01"), text)

    def hold(match: re.Match[str]) -> str:
        display = match.group(1) is not None
        held.append(((match.group(1) if display else match.group(2)).replace("\x01", "\\$"), display))
        return f"@@{len(held) - 1}@@"

    text = _MATH.sub(hold, text).replace("\x01", "\\$")
    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)

    def put_back(match: re.Match[str]) -> str:
        tex, display = held[int(match.group(1))]
        tag = "div" if display else "span"
        return f'<{tag} class="tex" data-display="{int(display)}">{html.escape(tex)}</{tag}>'

    return re.sub(r"@@(\d+)@@", put_back, rendered)


def notebook_page(notebook: dict[str, Any], katex: Path) -> str:
    parts = []
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            parts.append(f'<div class="md">{jupyter_markdown(source)}</div>')
            continue
        parts.append(f"<pre class='code'>{html.escape(source)}</pre>")
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/markdown" in data:
                parts.append(f'<div class="out">{jupyter_markdown("".join(data["text/markdown"]))}</div>')
            elif "text/plain" in data or output.get("output_type") == "stream":
                text = "".join(data.get("text/plain", output.get("text", "")))
                parts.append(f"<pre class='out'>{html.escape(text)}</pre>")
    script = """
      window.failures = [];
      for (const el of document.querySelectorAll('.tex')) {
        try { katex.render(el.textContent, el, {displayMode: el.dataset.display === '1', throwOnError: true}); }
        catch (e) { window.failures.push(el.textContent + ': ' + e.message); }
      }"""
    return (f'<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="{katex.as_uri()}/katex.min.css">'
            f'<script src="{katex.as_uri()}/katex.min.js"></script><style>body{{font-family:sans-serif;max-width:900px;'
            f'margin:auto}} pre{{background:#f4f4f4;padding:6px}}</style></head><body>{"".join(parts)}'
            f"<script>{script}</script></body></html>")


def test_notebook_renders_without_raw_tex(browser: Any, tmp_path: Path) -> None:  # noqa: F811
    source = tmp_path / "pub.md"
    source.write_text(DOC + "\n```python\nimport veritex as vt\nvt.expect(2 + 2, equals=4)\n```\n", encoding="utf-8")
    build([source], tmp_path / "out", formats="ipynb")
    notebook = json.loads((tmp_path / "out" / "pub.ipynb").read_text(encoding="utf-8"))
    page_file = tmp_path / "notebook.html"
    page_file.write_text(notebook_page(notebook, KATEX_DIR), encoding="utf-8")

    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(page_file.as_uri())
    page.wait_for_load_state("load")
    assert page.evaluate("window.failures") == []
    # Report messages quote TeX in code spans on purpose: the rest of the page must hold none.
    text = page.evaluate("(() => { const b = document.body.cloneNode(true);"
                         " b.querySelectorAll('code, script, .katex-mathml').forEach(e => e.remove()); return b.innerText; })()")
    for raw in ("$", "\\frac", "\\tag", "\\norm", "\\begin", "\\newcommand", "\\label", "\\eqref"):
        assert raw not in text.replace("$5", ""), raw
    assert page.locator(".tex .katex").count() == page.locator(".tex").count() >= 9
    assert "(3)" in page.locator(".katex-display").nth(2).inner_text()  # the align's number, as \tag
    assert "✓ verified" in text
    page.locator("a[href='#eq-eq-grad']").first.click()
    assert page.evaluate("location.hash") == "#eq-eq-grad"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "notebook-rendered.png"), full_page=True)
    page.screenshot(path="/tmp/veritex-notebook-rendered.png", full_page=True)
