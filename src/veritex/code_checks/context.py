"""The document's math as a check sees it: a JSON-able context made from plain data.

The build makes it from the document model and hands it to the kernel (`session.context`); a kernel
that no build started makes it from the file being edited (`document_file`). Both go through
`math_context`, so a check sees the same formulas either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FormulaEntry:
    """One formula of a document: its TeX, label, whether it is displayed, and where it is."""

    tex: str
    label: str | None = None
    display: bool = False
    line: int | None = None
    column: int | None = None
    cell: int | None = None


def math_context(formulas: Iterable[FormulaEntry], macros: Mapping[str, str], path: str | None, *,
                 positions: bool = True) -> dict[str, Any]:
    """A JSON-able summary of every formula, macro and label, in document order.

    Without `positions` it is the part of the execution cache key that checks depend on: editing a
    formula re-runs the checks that read it; adding a line of prose above it does not.
    """
    entries = []
    for formula in formulas:
        entry: dict[str, Any] = {"tex": formula.tex, "label": formula.label, "display": formula.display}
        if positions:
            entry.update(line=formula.line, column=formula.column, cell=formula.cell)
        entries.append(entry)
    context: dict[str, Any] = {"macros": dict(macros), "formulas": entries}
    if positions:
        context["path"] = path
    return context


def macro_table(raw: Mapping[str, Any]) -> dict[str, str]:
    """Front matter `macros:` as the parser takes them: every name with its backslash."""
    return {(k if k.startswith("\\") else "\\" + k): str(v) for k, v in raw.items()}
