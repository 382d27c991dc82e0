"""Headless Chromium for the writers that need a browser: mermaid diagrams, SVG to PDF, a page printed
to PDF. Debian's Chromium driven by Playwright; never a browser download, never the network.

Playwright is imported only here, and only when a browser is needed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


class ChromiumMissing(RuntimeError):
    """No browser to draw with: Playwright or Chromium is not installed, or Chromium failed."""


def chromium_path() -> Path | None:
    """`VERITEX_CHROMIUM`, else Debian's Chromium, else one on PATH."""
    named = os.environ.get("VERITEX_CHROMIUM")
    if named:
        return Path(named) if Path(named).is_file() else None
    for candidate in _CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return Path(found) if found else None


@contextlib.contextmanager
def browser() -> Iterator[Any]:
    """A launched headless Chromium (a Playwright `Browser`); ChromiumMissing when there is none."""
    executable = chromium_path()
    if executable is None:
        raise ChromiumMissing("Chromium is not installed (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise ChromiumMissing("Playwright is not installed (pip install playwright)") from None
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=str(executable), args=ARGS)
        except Error as exc:
            raise ChromiumMissing(f"Chromium at {executable} did not start: {str(exc).splitlines()[0]}") from None
        try:
            yield launched
        finally:
            launched.close()


def offline(page: Any) -> None:
    """Refuse every request that would leave the machine (file: and data: URLs stay allowed)."""
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
               else route.abort())


def with_browser(work: Callable[[Any], T]) -> T:
    """`work(browser)` on a thread of its own: Playwright's synchronous API refuses a thread that runs an
    asyncio loop (a caller's own Playwright session, a notebook), and a fresh thread never has one.
    ChromiumMissing when there is no browser, or when it fails."""
    from concurrent.futures import ThreadPoolExecutor

    def run() -> T:
        try:
            from playwright.sync_api import Error
        except ImportError:
            raise ChromiumMissing("Playwright is not installed (pip install playwright)") from None
        try:
            with browser() as launched:
                return work(launched)
        except Error as exc:  # a page that never settles, a browser that crashed
            raise ChromiumMissing(f"Chromium failed: {str(exc).strip().splitlines()[0]}") from None

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="veritex-chromium") as pool:
        return pool.submit(run).result()
