"""The PDF writer: the LaTeX writer's `.tex` compiled by xelatex in a build folder under the cache,
the PDF copied atomically beside the other outputs. A LaTeX error is one error item at the source line
of the block it came from, with LaTeX's message and the `.tex` line.

Without xelatex the HTML page is printed to PDF by headless Chromium instead, and a warning says so.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cache import digest
from ..fsutil import atomic_write_bytes
from ..model import Document, Item, Position
from .latex.engine import engine

if TYPE_CHECKING:
    from .base import WriteContext

BUILD_FOLDER = "_latex"  # under the cache root; not a cache namespace, so pruning leaves it alone


def write_pdf(doc: Document, context: WriteContext) -> list[Path]:
    if engine() is None:
        return _print_page(doc, context)
    return _compile(doc, context)


def _compile(doc: Document, context: WriteContext) -> list[Path]:
    from .latex.compile import Failure, compile_tex, source_line
    from .latex.document import render_latex

    folder = context.cache_root / BUILD_FOLDER / digest([str(doc.path.resolve())])[:16]
    tex = folder / "document.tex"
    text, _ = render_latex(doc, tex, context.cache_root)
    folder.mkdir(parents=True, exist_ok=True)
    tex.write_text(text, encoding="utf-8")
    result = compile_tex(tex)
    if isinstance(result, Failure):
        where = Position(str(doc.path), 1, 1)
        quoted = ""
        if result.tex_line is not None:
            found = source_line(text, result.tex_line)
            if found is not None:
                where = Position(str(doc.path), found[0], 1, found[1])
            shown = text.split("\n")[result.tex_line - 1].strip() if result.tex_line <= text.count("\n") + 1 else ""
            quoted = f" (line {result.tex_line} of the .tex: `{shown[:100]}`)" if shown else ""
        doc.add(Item("document", "error", f"LaTeX could not make the PDF: {result.message}{quoted}; "
                     f"the .tex is {tex}", where))
        return []
    atomic_write_bytes(context.output, result.read_bytes())
    return [context.output]


def _print_page(doc: Document, context: WriteContext) -> list[Path]:
    """The HTML page printed by headless Chromium, for a machine without LaTeX."""
    from .chromium import ChromiumMissing, with_browser
    from .html import write_html

    where = Position(str(doc.path), 1, 1)
    context.cache_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".pdf-", dir=context.cache_root) as scratch:
        page_path = write_html(doc, Path(scratch) / "page.html", assets_root=Path(scratch),
                               cache_dir=context.cache_root)
        try:
            data = with_browser(lambda launched: _print(launched, page_path))
        except ChromiumMissing as exc:
            doc.add(Item("document", "error", f"no PDF: xelatex is not installed and {exc}", where))
            return []
    atomic_write_bytes(context.output, bytes(data))
    doc.add(Item("document", "warning", "xelatex is not installed: the PDF is the HTML page printed by "
                 "headless Chromium (install texlive-xetex, latexmk and texlive-lang-chinese for the LaTeX PDF)",
                 where))
    return [context.output]


def _print(launched: Any, page_path: Path) -> bytes:
    from .chromium import offline

    page = launched.new_page()
    offline(page)
    page.goto(page_path.resolve().as_uri())
    page.wait_for_load_state("load")
    page.wait_for_function("!document.querySelector('pre.mermaid:not([data-processed])')", timeout=30_000)
    page.emulate_media(media="print")
    return bytes(page.pdf(format="A4", print_background=True,
                          margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"}))
