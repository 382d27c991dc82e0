"""The document's math as the kernel sees it: what `vt.check` needs to find formulas by label."""

from __future__ import annotations

from typing import Any

from ..model import Document


def math_context(doc: Document, *, positions: bool = True) -> dict[str, Any]:
    """A JSON-able summary of every formula, macro and label, passed to the kernel before the first cell.

    Without `positions` it is the part of the execution cache key that checks depend on: editing a
    formula re-runs the checks that read it; adding a line of prose above it does not.
    """
    formulas = []
    for m in doc.all_math():
        entry: dict[str, Any] = {"tex": m.tex, "label": m.label, "display": m.display}
        if positions:
            entry.update(line=m.position.line, column=m.position.column, cell=m.position.cell)
        formulas.append(entry)
    context: dict[str, Any] = {"macros": dict(doc.meta.macros), "formulas": formulas}
    if positions:
        context["path"] = str(doc.path)
    return context
