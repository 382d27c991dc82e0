"""The document's math as the kernel sees it: what `vt.check` needs to find formulas by label."""

from __future__ import annotations

from typing import Any

from ..model import Document


def math_context(doc: Document) -> dict[str, Any]:
    """A JSON-able summary of every formula, macro and label, passed to the kernel before the first cell.

    It is part of the execution cache key: editing a formula re-runs the checks that read it,
    editing prose does not.
    """
    formulas = [
        {
            "tex": m.tex,
            "label": m.label,
            "display": m.display,
            "line": m.position.line,
            "column": m.position.column,
            "cell": m.position.cell,
        }
        for m in doc.all_math()
    ]
    return {"path": str(doc.path), "macros": dict(doc.meta.macros), "formulas": formulas}
