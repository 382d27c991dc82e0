"""The identity stage: every displayed formula that claims an equality is checked without any code.

One report item per such formula (kind "identity"): verified (symbolically, or numerically at N
points), refuted (which step, the point, both values) or unchecked (why). Verdicts are cached on
disk by what they depend on (the steps with the definitions they use substituted, the conditions,
the declarations), so an unchanged formula costs a hash and a file read, and SymPy is imported only
when something has to be decided.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from ..fsutil import atomic_write_text
from ..identity.document import ReadFormula, read_document_math
from ..identity.plan import FormulaPlan
from ..identity.results import FormulaResult, StepResult
from ..math import position_at
from ..model import Document, Item

__all__ = ["check_identities"]


def check_identities(doc: Document, cache_dir: Path | None) -> None:
    """Add one identity item to `doc` per displayed formula that claims an identity."""
    document = read_document_math(doc)
    for read in document.formulas:
        if read.error is not None and read.math.display and _may_claim(read):
            _report_unreadable(doc, read)
    for read in document.formulas:
        if not read.math.display or read.formula is None:
            continue
        try:
            plan = document.plan(read)
        except Exception as exc:  # a tree the planner does not expect: say so, do not stop the build
            doc.add(Item("identity", "unchecked", f"the check itself failed ({type(exc).__name__}: {exc})",
                         position=read.math.position, label=read.math.label, detail={"steps": []}))
            continue
        if plan is None:
            continue
        started = time.perf_counter()
        result, cached = _result(plan, cache_dir)
        seconds = time.perf_counter() - started
        doc.add(_item(read, result, seconds, cached))


def _may_claim(read: ReadFormula) -> bool:
    """An out-of-subset formula that looks like an equality: say why it was not checked. Broken TeX
    (an unclosed brace) is the render stage's error to report, not an unchecked identity."""
    assert read.error is not None
    return read.error.kind == "unsupported" and ("=" in read.math.tex or "\\approx" in read.math.tex)


def _report_unreadable(doc: Document, read: ReadFormula) -> None:
    assert read.error is not None
    math = read.math
    pos = read.error.position(math.tex, math.position)
    message = f"cannot interpret {read.error.construct} at {pos.line}:{pos.column}: {read.error.message}"
    doc.add(Item("identity", "unchecked", message, position=math.position, label=math.label,
                 detail={"steps": [], "reason": message}))


def _result(plan: FormulaPlan, cache_dir: Path | None) -> tuple[FormulaResult, bool]:
    key = plan.key()
    path = cache_dir / f"{key}.json" if cache_dir is not None else None
    if path is not None and path.exists():
        try:
            return FormulaResult.from_json(json.loads(path.read_text(encoding="utf-8"))), True
        except (ValueError, KeyError, TypeError):
            pass  # a damaged entry is recomputed and rewritten
    from ..identity.checker import check_plan  # imports SymPy

    try:
        result = check_plan(plan, seed=int(key[:8], 16))
    except Exception as exc:  # SymPy raises many kinds; one formula must not stop the build
        reason = f"the check itself failed ({type(exc).__name__}: {exc})"
        return FormulaResult([StepResult(s.name, "unchecked", reason=reason, relation=s.relation)
                              for s in plan.steps]), False
    if path is not None:
        atomic_write_text(path, json.dumps(result.to_json(), ensure_ascii=False))
    return result, False


def _item(read: ReadFormula, result: FormulaResult, seconds: float, cached: bool) -> Item:
    math = read.math
    where: dict[int, str] = {}
    for step in result.steps:
        if step.offset is not None:
            pos = position_at(math.tex, step.offset, math.position)
            where[step.offset] = f"{pos.line}:{pos.column}"
    steps: list[dict[str, Any]] = []
    for step in result.steps:
        data = step.to_json()
        data.pop("offset", None)
        if "reason" in data:
            data["reason"] = data["reason"].replace("{where}", where.get(step.offset or -1, ""))
        steps.append(data)
    detail: dict[str, Any] = {"steps": steps, "seconds": round(seconds, 4), "cached": cached}
    return Item("identity", result.status, result.message(where), position=math.position,
                label=math.label, detail=detail)
