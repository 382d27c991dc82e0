"""Shared fixtures: documents built straight from the model, without any reader."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from veritex.model import CodeCell, Document, FrontMatter, InlineEval, MarkdownCell, Position

MakeDoc = Callable[..., Document]


def build_doc(
    code_cells: Sequence[str | CodeCell],
    *,
    path: Path = Path("doc.md"),
    evals: Sequence[str] = (),
    prose: str = "Some prose.",
    **frontmatter: Any,
) -> Document:
    """A document of one prose cell (holding `evals` as `{eval}` nodes) then the code cells, each code
    cell placed ten lines after the previous one."""
    file = str(path)
    cells: list[MarkdownCell | CodeCell] = [
        MarkdownCell(prose, Position(file, 1), evals=[InlineEval(e, Position(file, 1)) for e in evals])
    ]
    for index, code in enumerate(code_cells):
        cell = code if isinstance(code, CodeCell) else CodeCell(code, Position(file, 10 * (index + 1)))
        cells.append(cell)
    return Document(path=path, meta=FrontMatter(**frontmatter), cells=cells)


@pytest.fixture
def make_doc(tmp_path: Path) -> MakeDoc:
    """`make_doc(["print(1)", ...], evals=["x"], timeout=5, seed=1)`: a Document in `tmp_path`."""

    def make(code_cells: Sequence[str | CodeCell], **options: Any) -> Document:
        options.setdefault("path", tmp_path / "doc.md")
        return build_doc(code_cells, **options)

    return make
