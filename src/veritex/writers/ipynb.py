"""`write_ipynb`: the executed notebook (nbformat 4.5), with its outputs, verdicts and front matter.

Prose cells are printed from the body tree with math in the form JupyterLab, Jupyter Notebook and
Colab render: `$...$` and `$$...$$` (their Markdown renderers take math out before Markdown reads
the text, so nothing inside needs escaping), macros expanded, labelled equations tagged `\\tag{n}`
under an anchor that references link to. A verdict output gains a `text/markdown` badge, which
Jupyter shows where it cannot show veritex's own MIME type. The front matter is kept as
`metadata.veritex`, which veritex reads back when it builds the notebook.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..fsutil import atomic_write_text
from ..model import VERDICT_MIME, CodeCell, Document, Heading, Math, walk
from ..portable.tex import FormulaRewriter
from .gfm import verdict_badge
from .markdown_print import TEX_DOLLAR, MarkdownPrinter, bars_as_commands, escape_text, verdict_table

# Cell metadata keys nbformat's schema types; an option of the same name and another type stays out.
_TYPED_KEYS: dict[str, type | tuple[type, ...]] = {"collapsed": bool, "scrolled": (bool, str), "name": str,
                                                   "jupyter": dict, "execution": dict, "deletable": bool,
                                                   "editable": bool, "format": str}


class JupyterPrinter(MarkdownPrinter):
    def __init__(self, doc: Document, rewriter: FormulaRewriter | None = None) -> None:
        super().__init__(doc)
        self.rewriter = rewriter or FormulaRewriter(doc, "ipynb")

    def inline_math(self, math: Math) -> str:
        return f"${self.rewriter.of(math).tex.strip()}$"

    def display_math(self, math: Math) -> str:
        return f"$$\n{self.rewriter.of(math).tex.strip(chr(10))}\n$$"

    def math_in_table(self, math: Math) -> str:
        # Jupyter takes formulas out before it reads the table (an escaped bar would stay escaped), while
        # veritex, MyST and GitHub split the row at every bar: bars spelled as commands suit both.
        return f"${bars_as_commands(self.rewriter.of(math).tex.strip())}$"

    def anchor(self, math: Math) -> str:
        return f'<a id="{math.anchor}"></a>'


def _json_safe(value: Any) -> Any:
    """YAML front matter may hold dates and other values JSON has no type for: those become text."""
    return json.loads(json.dumps(value, default=str))


def _output(output: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(output)
    data = out.get("data")
    if isinstance(data, Mapping) and isinstance(data.get(VERDICT_MIME), Mapping):
        out["data"] = {**data, "text/markdown": verdict_badge(data[VERDICT_MIME], TEX_DOLLAR)}
    return out


def _code_metadata(cell: CodeCell) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    for key, value in _json_safe(cell.options).items():
        if key == "tags":
            continue
        expected = _TYPED_KEYS.get(key)
        if expected is None or isinstance(value, expected):
            metadata[key] = value
    if cell.tags:
        metadata["tags"] = list(cell.tags)
    if cell.metadata.get("veritex"):
        metadata["veritex"] = _json_safe(cell.metadata["veritex"])
    return metadata


def _markdown_cell(source: str, number: int) -> dict[str, Any]:
    return {"cell_type": "markdown", "id": f"vt-{number}", "metadata": {}, "source": source}


def notebook(doc: Document) -> dict[str, Any]:
    """The notebook of a compiled document, as nbformat 4.5 JSON data."""
    printer = JupyterPrinter(doc)
    cells: list[dict[str, Any]] = []
    has_title = any(isinstance(n, Heading) and n.level == 1 for c in doc.markdown_cells() for n in walk(c.body))
    if doc.meta.title and not has_title:
        cells.append(_markdown_cell(f"# {escape_text(doc.meta.title)}", 0))
    for number, cell in enumerate(doc.cells, start=1):
        if isinstance(cell, CodeCell):
            cells.append({
                "cell_type": "code", "id": f"vt-{number}", "metadata": _code_metadata(cell),
                "execution_count": cell.execution_count, "source": cell.source,
                "outputs": [_output(o) for o in cell.outputs],
            })
        else:
            cells.append(_markdown_cell(printer.blocks(cell.body), number))
    table = verdict_table(doc.items)
    if table:
        cells.append(_markdown_cell(f"**veritex** ({Path(doc.display_path).name}):\n\n{table}", len(doc.cells) + 1))
    kernel = doc.meta.kernel or "python3"
    metadata: dict[str, Any] = {
        "kernelspec": {"name": kernel, "display_name": "Python 3 (ipykernel)" if kernel == "python3" else kernel,
                       "language": "python"},
        "language_info": {"name": "python"},
    }
    if doc.meta.raw:
        metadata["veritex"] = _json_safe(doc.meta.raw)
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": metadata, "cells": cells}


def write_ipynb(doc: Document, output: Path) -> list[Path]:
    text = json.dumps(notebook(doc), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    atomic_write_text(output, text)
    return [output]
