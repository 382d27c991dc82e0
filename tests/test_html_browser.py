"""A built page in headless Chromium (Debian's, driven by Playwright; never a browser download): the math
is typeset with KaTeX's own fonts from the local assets, references jump to their equation, badges open.
A full-page screenshot lands in tests/artifacts/ for a person to look at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_html import compiled

from veritex.writers.html import write_html

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (make browser)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def built_page(tmp_path: Path) -> Path:
    return write_html(compiled(tmp_path), tmp_path / "site" / "gd.html")


def test_page_reads_well_in_a_browser(browser: Any, built_page: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(built_page.as_uri())
    page.wait_for_load_state("load")

    text = page.evaluate("document.body.innerText")
    assert "$$" not in text and "\\frac{1}{n}" not in text  # typeset, not raw TeX
    assert page.locator(".katex").count() >= 5
    assert page.locator(".vt-eqno").all_inner_texts() == ["(1)", "(2)"]
    assert page.evaluate("document.fonts.ready.then(() => document.fonts.check('16px KaTeX_Main'))")
    assert all(url.startswith(("file:", "data:")) for url in requests), requests  # offline

    page.locator("a.vt-ref[href='#eq-eq-update']").first.click()
    assert page.evaluate("location.hash") == "#eq-eq-update"
    target = page.locator("#eq-eq-update")
    assert target.count() == 1 and target.is_visible()
    box = target.bounding_box()
    assert box is not None and 0 <= box["y"] < 900  # scrolled into view

    chip = page.locator("#eq-eq-loss .vt-chip.vt-refuted")
    assert "the code gives 3.5" in (chip.locator("summary").get_attribute("title") or "")
    assert not chip.locator(".vt-chip-body").is_visible()
    chip.locator("summary").click()
    assert chip.locator(".vt-chip-body").is_visible()

    page.locator(".vt-problem a.vt-where", has_text="gd.md:29:1").click()
    assert page.evaluate("location.hash") == "#cell-2"

    cjk_font = page.evaluate("getComputedStyle(document.querySelector('#中文小节')).fontFamily")
    assert "Noto Sans CJK SC" in cjk_font

    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0); history.replaceState(null, '', location.pathname)")
    page.screenshot(path=str(ARTIFACTS / "page.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "page-narrow.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1  # nothing sticks out sideways on a phone
    leftmost = page.evaluate("Math.min(...[...document.querySelectorAll('.vt-chip, .vt-equation, .vt-cell')]"
                             ".map(e => e.getBoundingClientRect().left))")
    assert leftmost >= 0
    page.close()
