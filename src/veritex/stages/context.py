"""The document's math as the kernel sees it: what `vt.check` needs to find formulas by label."""

from __future__ import annotations

from typing import Any

from ..code_checks.context import FormulaEntry
from ..code_checks.context import math_context as context_of
from ..model import Document


def math_context(doc: Document, *, positions: bool = True) -> dict[str, Any]:
    """A JSON-able summary of every formula, macro and label, passed to the kernel before the first cell.

    Without `positions` it is the part of the execution cache key that checks depend on: editing a
    formula re-runs the checks that read it; adding a line of prose above it does not.
    """
    formulas = (FormulaEntry(m.tex, m.label, m.display, m.position.line, m.position.column, m.position.cell)
                for m in doc.all_math())
    return context_of(formulas, doc.meta.macros, str(doc.path), positions=positions)
