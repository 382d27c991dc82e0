"""The formats veritex ships: `html` (one page per document), `json` (the document model), `ipynb` (the
executed notebook), `gfm` (GitHub Markdown with its figures), `latex` (a `.tex` for xelatex) and `pdf` (that
`.tex` compiled, or the page printed by Chromium without LaTeX).

These classes are light: the modules that do the writing (Jinja2, Pygments) are imported by `write`,
so naming a format costs nothing on a rebuild that writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import Document
    from ..report import Report
    from .base import WriteContext


class HtmlWriter:
    name = "html"
    suffix = ".html"

    def write(self, document: Document, context: WriteContext) -> list[Path]:
        from .diagrams import check_diagrams
        from .html import write_html
        from .page_files import copy_local_files

        check_diagrams(document, context.cache_root)
        page = write_html(document, context.output, assets_root=context.assets_root, cache_dir=context.cache_root)
        return [page, *copy_local_files(document, context.output.parent)]

    def prepare(self, document: Document, context: WriteContext) -> None:
        from .html import prepare_page

        prepare_page(document, assets_root=context.assets_root, cache_dir=context.cache_root)

    def finish(self, report: Report, outdir: Path) -> Path | None:
        from .index import write_index

        return write_index(report, outdir, format_name=self.name)


class JsonWriter:
    name = "json"
    suffix = ".json"

    def write(self, document: Document, context: WriteContext) -> list[Path]:
        from .json_model import write_json

        return [write_json(document, context.output)]


class IpynbWriter:
    name = "ipynb"
    suffix = ".ipynb"
    version = 1  # in the stamp: bumped when the notebook veritex writes changes

    def write(self, document: Document, context: WriteContext) -> list[Path]:
        from .ipynb import write_ipynb

        return write_ipynb(document, context.output)


class GfmWriter:
    name = "gfm"
    suffix = ".md"
    version = 1  # in the stamp: bumped when the Markdown veritex writes changes

    def write(self, document: Document, context: WriteContext) -> list[Path]:
        from .gfm import write_gfm

        return write_gfm(document, context.output)


class LatexWriter:
    name = "latex"
    suffix = ".tex"

    def write(self, document: Document, context: WriteContext) -> list[Path]:
        from .latex.document import write_latex

        return write_latex(document, context.output, context.cache_root)

    def prepare(self, document: Document, context: WriteContext) -> None:
        from .latex.document import prepare_latex

        prepare_latex(document, context.cache_root)


class PdfWriter:
    name = "pdf"
    suffix = ".pdf"

    @property
    def version(self) -> str:
        """Part of the output's stamp: a PDF printed without LaTeX is made again once xelatex is installed."""
        from .latex.engine import engine

        return engine() or "chromium"

    def write(self, document: Document, context: WriteContext) -> list[Path]:
        from .pdf import write_pdf

        return write_pdf(document, context)

    def prepare(self, document: Document, context: WriteContext) -> None:
        from .latex.document import prepare_latex

        prepare_latex(document, context.cache_root)
