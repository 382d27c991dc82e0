"""What every cross-check reads: the document, its formulas parsed once, and its prose and code."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from veritex.cache import Store
from veritex.derivations.reading import DocumentMath, ReadFormula
from veritex.model import CodeCell, Document, MarkdownCell

T = TypeVar("T")
NAMESPACE = "crosscheck-results"


@dataclass
class CrossContext:
    doc: Document
    math: DocumentMath  # every formula parsed, the definitions, shapes, values bound in prose and code
    store: Store | None = None  # where `remember` keeps results between builds

    def remember(self, check: str, inputs: Any, compute: Callable[[], T]) -> T:
        """`compute()` (a JSON value), kept under `inputs` (JSON, the formulas as text): an edit of prose
        beside a formula reruns the checks, and this spares them the numbers (and NumPy's import) they
        worked out for the same formulas last time."""
        if self.store is None:
            return compute()
        key = self.store.key({"check": check, "inputs": inputs})
        found = self.store.load(NAMESPACE, key)
        if found is not None and "value" in found:
            value: T = found["value"]
            return value
        value = compute()
        self.store.save(NAMESPACE, key, {"value": value})
        return value

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
