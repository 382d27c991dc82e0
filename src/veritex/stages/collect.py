"""Turn what the kernel left in the cells into report items, the same way for fresh and cached runs."""

from __future__ import annotations

from typing import Any

from ..execution.errors import RAISE_TIMEOUT_ADVICE
from ..model import VERDICT_MIME, CodeCell, Document, Item
from ..terminal import strip_ansi

_CASE_ORDER = {"refuted": 0, "error": 1, "verified": 2, "unchecked": 3}


def collect(doc: Document) -> None:
    """Append cell errors, verdicts and inline-eval failures to `doc.items`."""
    for cell in doc.code_cells():
        _cell_items(doc, cell)
    _aggregate_cases(doc)
    for ev in doc.all_evals():
        if ev.error:
            doc.add(Item("eval", "error", f"{{eval}}`{ev.expr}` failed: {ev.error}", ev.position))
        elif ev.value is not None:
            shown = str(ev.value.get("text/plain", ""))
            doc.add(Item("eval", "verified", f"{{eval}}`{ev.expr}` = {shown}", ev.position))


def _cell_items(doc: Document, cell: CodeCell) -> None:
    facts: dict[str, Any] = getattr(cell, "metadata", {}).get("veritex", {})
    for output in cell.outputs:
        kind = output.get("output_type")
        if kind == "error":
            _error_item(doc, cell, output, facts)
        elif kind in ("display_data", "execute_result") and VERDICT_MIME in output.get("data", {}):
            payload = output["data"][VERDICT_MIME]
            line = payload.get("line") or 1
            doc.add(
                Item(
                    kind=payload.get("kind", "expect"),
                    status=payload.get("status", "error"),
                    message=payload.get("message", ""),
                    position=cell.position_of_line(int(line)),
                    label=payload.get("label"),
                    detail={k: v for k, v in payload.items() if k in ("actual", "detail") and v is not None},
                )
            )


def _error_item(doc: Document, cell: CodeCell, output: dict[str, Any], facts: dict[str, Any]) -> None:
    ename, evalue = output.get("ename", "Error"), output.get("evalue", "")
    status = facts.get("status", "error")
    if cell.raises_ok and status == "error":
        return  # the author said this cell raises
    line = int(facts.get("error_line") or 1)
    traceback = strip_ansi("\n".join(output.get("traceback", [])))
    if status == "timeout":
        message = f"{evalue or 'cell timed out'}; later cells ran. {RAISE_TIMEOUT_ADVICE}"
    elif status == "dead":
        message = f"the kernel died while running this cell ({evalue}); later cells ran in a restarted kernel"
    else:
        message = f"{ename}: {evalue}"
    doc.add(Item("cell", "error", message, cell.position_of_line(line), detail={"traceback": traceback}))


def _aggregate_cases(doc: Document) -> None:
    """Every `vt.check` / `vt.implements` call on one label is a case of one verdict: one disagreeing
    case refutes the label and is the one reported (its call's line is the item's position)."""
    groups: dict[tuple[str, str], list[Item]] = {}
    for item in doc.items:
        if item.kind in ("check", "implements") and item.label:
            groups.setdefault((item.kind, item.label), []).append(item)
    for cases in groups.values():
        if len(cases) < 2:
            continue
        deciding = min(cases, key=lambda i: _CASE_ORDER.get(i.status, 9))
        statuses = [c.status for c in cases]
        if deciding.status == "verified":
            undecided = statuses.count("unchecked")
            summary = f"all {len(cases)} cases agree" if not undecided else (
                f"{len(cases) - undecided} of {len(cases)} cases agree, {undecided} could not be decided")
        else:
            summary = f"case {cases.index(deciding) + 1} of {len(cases)}"
        merged = Item(deciding.kind, deciding.status, f"{summary}: {deciding.message}", deciding.position,
                      deciding.label, {**deciding.detail, "cases": len(cases), "case_statuses": statuses})
        first = doc.items.index(cases[0])
        doc.items = [i for i in doc.items if not any(i is c for c in cases)]
        doc.items.insert(min(first, len(doc.items)), merged)
