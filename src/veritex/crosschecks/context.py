"""What every cross-check reads: the document, its formulas parsed once, and its prose and code."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from veritex.derivations.reading import DocumentMath, ReadFormula
from veritex.model import CodeCell, Document, MarkdownCell


@dataclass
class CrossContext:
    doc: Document
    math: DocumentMath  # every formula parsed, the definitions, shapes, values bound in prose and code

    def formulas(self, display: bool | None = None) -> Iterator[ReadFormula]:
        """The formulas that parsed, in document order; only displayed (or only inline) ones when asked."""
        for read in self.math.formulas:
            if read.formula is not None and (display is None or read.math.display == display):
                yield read

    def code_cells(self, language: str = "python") -> Iterator[CodeCell]:
        for cell in self.doc.cells:
            if isinstance(cell, CodeCell) and cell.language == language:
                yield cell

    def markdown_cells(self) -> Iterator[MarkdownCell]:
        return self.doc.markdown_cells()
