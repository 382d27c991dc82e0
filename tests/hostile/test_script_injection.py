"""Planted scripts do not run in a built page (Chromium, offline, with the page's Content-Security-Policy),
while the math is typeset and folding works; a trusted page keeps its author's script."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from veritex import build
from veritex.readers import read
from veritex.stages.numbering import number_equations
from veritex.stages.render_math import render_math
from veritex.writers.html import write_html

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")

pytestmark = pytest.mark.browser

RAW_MARKDOWN = """# Raw HTML

The loss $L(\\theta) = \\frac{1}{n}\\sum_i \\ell_i$ is typeset.

<script>window.__pwned = "raw script"</script>

Inline <img src="missing.png" onerror="window.__pwned='onerror'"> and
<a id="jslink" href="javascript:window.__pwned='javascript link'">a link</a> and
[a markdown link](javascript:window.__pwned='md') and <svg onload="window.__pwned='svg'"></svg>.

<iframe srcdoc="<script>parent.__pwned='iframe'</script>"></iframe>

<details id="fold"><summary>More</summary>Hidden text.</details>

$$ a^2 + b^2 = c^2 $$ (eq:pyth)

```python
print("a closed fence")
```
"""


def _notebook(outputs: list[dict[str, Any]]) -> str:
    cell = {"cell_type": "code", "id": "c1", "metadata": {}, "execution_count": 1, "source": "x",
            "outputs": outputs}
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell]})


def _display(data: dict[str, Any]) -> dict[str, Any]:
    return {"output_type": "display_data", "metadata": {}, "data": data}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


def _open(browser: Any, page_path: Path) -> tuple[Any, list[str]]:
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_path.as_uri())
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)  # an onerror / onload would have fired by now
    return page, requests


def _assert_page_works(page: Any, requests: list[str]) -> None:
    assert page.locator(".katex").count() >= 1
    assert page.evaluate("document.fonts.ready.then(() => document.fonts.check('16px KaTeX_Main'))")
    # The stylesheet from the shared assets applies under the policy.
    assert page.evaluate("getComputedStyle(document.querySelector('.vt-page')).maxWidth") != "none"
    assert all(url.startswith(("file:", "data:")) for url in requests), requests


def test_planted_scripts_do_not_run(browser: Any, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "raw.md").write_text(RAW_MARKDOWN, encoding="utf-8")
    (src / "outputs.ipynb").write_text(_notebook([
        _display({"image/png": PNG + '"><script>window.__pwned="image data"</script>', "text/plain": "img"}),
        _display({"image/jpeg": PNG + '" onerror="window.__pwned=\'jpeg\'', "text/plain": "img"}),
        _display({"text/html": "<b>bold</b><script>window.__pwned='text/html'</script>"
                               "<img src=x onerror=\"window.__pwned='html onerror'\">", "text/plain": "h"}),
        _display({"text/markdown": "<script>window.__pwned='markdown'</script>*md*", "text/plain": "m"}),
        _display({"image/svg+xml": "<svg xmlns='http://www.w3.org/2000/svg' onload=\"window.__pwned='svg'\">"
                                   "<script>window.__pwned='svg script'</script></svg>", "text/plain": "s"}),
        {"output_type": "error", "ename": "ValueError", "evalue": "<script>window.__pwned='evalue'</script>",
         "traceback": ["<img src=x onerror=\"window.__pwned='traceback'\">"]},
    ]), encoding="utf-8")
    report = build([src], tmp_path / "site", execute=False)
    assert report.exit_code in (0, 1)
    for name in ("raw.html", "outputs.html"):
        page, requests = _open(browser, tmp_path / "site" / name)
        assert page.evaluate("typeof window.__pwned") == "undefined", name
        if name == "raw.html":
            _assert_page_works(page, requests)
            assert page.locator("#jslink").get_attribute("href") is None
            fold = page.locator("#fold")
            assert fold.evaluate("d => d.open") is False
            fold.locator("summary").click()
            assert fold.evaluate("d => d.open") is True
        else:
            assert page.locator("b", has_text="bold").count() == 1  # the harmless HTML is kept
            folded = page.locator("details.vt-traceback")
            folded.locator("summary").click()
            assert folded.evaluate("d => d.open") is False  # it starts open; the click folds it
        page.close()


def _eval_page(tmp_path: Path, html: str, **front: Any) -> Path:
    lines = "".join(f"{k}: {v}\n" for k, v in front.items())
    header = f"---\n{lines}---\n" if lines else ""
    source = tmp_path / "ev.md"
    source.write_text(f"{header}# Values\n\nThe value {{eval}}`widget` and $x^2$.\n", encoding="utf-8")
    doc = read(source)
    number_equations(doc)
    render_math(doc, None)
    (node,) = doc.all_evals()
    node.value = {"text/html": html, "text/plain": "w"}
    return write_html(doc, tmp_path / "site" / "ev.html")


def test_eval_value_html_is_cleaned(browser: Any, tmp_path: Path) -> None:
    page_path = _eval_page(tmp_path, "<i>ok</i><img src=x onerror=\"window.__pwned='eval'\">")
    page, requests = _open(browser, page_path)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator(".vt-eval i", has_text="ok").count() == 1
    _assert_page_works(page, requests)
    page.close()


def test_a_trusted_page_keeps_its_authors_script(browser: Any, tmp_path: Path) -> None:
    """The same planted script runs when the author says `trust: true`: the other tests can fail."""
    page_path = _eval_page(tmp_path, "<img src=x onerror=\"window.__pwned='eval'\">", trust="true")
    assert "Content-Security-Policy" not in page_path.read_text(encoding="utf-8")
    page, _ = _open(browser, page_path)
    assert page.evaluate("window.__pwned") == "eval"
    page.close()
