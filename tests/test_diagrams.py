"""Mermaid diagrams: drawn in the HTML page by the mermaid script veritex ships (offline), drawn once into
a PDF for LaTeX (cached), and a syntax error reported at its line."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_html_browser import CHROMIUM, CHROMIUM_ARGS

from veritex.builder import build

pytestmark = pytest.mark.browser
DIAGRAM = """# Layers

```mermaid
graph LR
  x[Input] --> h[Hidden layer]
  h --> y[Softmax output]
```
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (make browser)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def test_the_html_page_draws_the_diagram_offline(browser: Any, tmp_path: Path) -> None:
    source = tmp_path / "layers.md"
    source.write_text(DIAGRAM, encoding="utf-8")
    build([source], tmp_path / "site")
    page_path = tmp_path / "site" / "layers.html"
    assert (tmp_path / "site" / "_veritex" / "mermaid" / "mermaid.min.js").is_file()
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_path.as_uri())
    page.wait_for_selector("pre.mermaid svg", timeout=20_000)
    labels = page.locator("pre.mermaid svg").text_content() or ""
    assert "Hidden layer" in labels and "Softmax output" in labels
    assert all(url.startswith(("file:", "data:")) for url in requests), requests


def test_a_page_without_diagrams_loads_no_mermaid(tmp_path: Path) -> None:
    source = tmp_path / "plain.md"
    source.write_text("# Plain\n\nNo diagram.\n", encoding="utf-8")
    build([source], tmp_path / "site")
    assert "mermaid" not in (tmp_path / "site" / "plain.html").read_text(encoding="utf-8")
    assert not (tmp_path / "site" / "_veritex" / "mermaid").exists()


@pytest.mark.skipif(shutil.which("xelatex") is None or shutil.which("pdftotext") is None,
                    reason="xelatex or pdftotext is not installed (make latex)")
def test_the_pdf_has_the_diagram_drawn_once(tmp_path: Path) -> None:
    pytest.importorskip("playwright.sync_api")
    source = tmp_path / "layers.md"
    source.write_text(DIAGRAM, encoding="utf-8")
    report = build([source], tmp_path / "site", formats="latex,pdf")
    assert report.ok, [i.message for i in report.items()]
    text = subprocess.run(["pdftotext", str(tmp_path / "site" / "layers.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Hidden layer" in text and "Softmax output" in text  # the diagram's text, drawn as a picture
    graphics = list((tmp_path / "site" / ".veritex-cache" / "graphics").rglob("*.json"))
    assert len(graphics) == 1  # one drawing in the cache, used by both the .tex and the PDF


def test_a_syntax_error_is_reported_at_its_line_by_the_page_build(tmp_path: Path) -> None:
    pytest.importorskip("playwright.sync_api")
    source = tmp_path / "bad.md"
    source.write_text("# Bad\n\nText.\n\n```mermaid\ngraph TD\n  A --> B\n  B -->> ]]C\n```\n", encoding="utf-8")
    report = build([source], tmp_path / "site", formats="html,latex")
    (item,) = [i for i in report.items() if i.kind == "diagram"]  # once, though two writers met it
    assert item.status == "error" and item.position is not None and item.position.line == 8
    assert "Parse error on line 3" in item.message and not report.ok
