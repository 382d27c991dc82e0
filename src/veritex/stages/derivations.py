"""The identity stage: every displayed formula that claims an equality is checked without any code.

One report item per such formula (kind "identity"): verified (symbolically, or numerically at N
points), refuted (which step, the point, both values) or unchecked (why). Verdicts are cached on
disk by what they depend on (the steps with the definitions they use substituted, the conditions,
the declarations), so an unchanged formula costs a hash and a file read, and SymPy is imported only
when something has to be decided.

In front of that sits a cache for the whole document (`derivation_cache`): when no formula changed,
as after a prose edit, the plans are not worked out again and the math reader is not even imported;
the items are rebuilt from the cached verdicts at the formulas' current positions.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cache import Store
from ..derivations.reasons import CHECKER_FAILURE, OUTSIDE_SUBSET
from ..derivations.results import FormulaResult, StepResult
from ..model import Document, Item, Math
from ..places import position_at
from .derivation_cache import DocumentVerdicts, Recipe

if TYPE_CHECKING:
    from ..derivations.plan import FormulaPlan
    from ..derivations.reading import ReadFormula

__all__ = ["check_identities"]
NAMESPACE = "identities"  # one verdict per formula plan


def check_identities(doc: Document, cache_dir: Path | None) -> None:
    """Add one identity item to `doc` per displayed formula that claims an identity."""
    formulas = list(doc.all_math())
    store = Store(cache_dir) if cache_dir is not None else None
    verdicts = DocumentVerdicts(store, doc, formulas) if store is not None else None
    if verdicts is not None:
        replayed = verdicts.replay(lambda recipe: _replay(recipe, formulas, store))
        if replayed is not None:
            doc.items.extend(replayed)
            return
    recipes, plans = _check_all(doc, store)
    if verdicts is not None and recipes is not None:
        verdicts.store(recipes, plans)


def _check_all(doc: Document, store: Store | None) -> tuple[list[Recipe] | None, list[FormulaPlan]]:
    """Check every formula; return how to rebuild its items (None when a result must not be reused)
    and the plans, whose text says which unlabelled formulas the verdicts name."""
    from ..derivations.reading import read_document_math  # the math reader: only when something changed

    document = read_document_math(doc)
    recipes: list[Recipe] | None = []
    plans: list[FormulaPlan] = []
    for read in document.formulas:
        if read.error is not None and read.math.display and _may_claim(read):
            error = read.error
            doc.add(_unreadable_item(read.math, error.offset, error.construct, error.message))
            if recipes is not None:
                recipes.append({"formula": read.order, "unreadable": [error.offset, error.construct, error.message]})
    for read in document.formulas:
        if not read.math.display or read.formula is None:
            continue
        try:
            plan = document.plan(read)
        except Exception as exc:  # a tree the planner does not expect: a bug, named so the tests see it
            reason = CHECKER_FAILURE.say(error=type(exc).__name__)
            doc.add(Item("identity", "unchecked", reason, position=read.math.position, label=read.math.label,
                         detail={"steps": [], "reason": reason, "code": CHECKER_FAILURE.code}))
            recipes = None
            continue
        if plan is None:
            continue
        started = time.perf_counter()
        key = plan.key()
        result, cached, kept = _result(plan, key, store)
        seconds = time.perf_counter() - started
        doc.add(_item(read.math, result, seconds, cached))
        plans.append(plan)
        if recipes is not None and kept:
            recipes.append({"formula": read.order, "plan": key})
        else:
            recipes = None  # a check that failed is tried again by the next build
    return recipes, plans


def _may_claim(read: ReadFormula) -> bool:
    """An out-of-subset formula that looks like an equality: say why it was not checked. Broken TeX
    (an unclosed brace) is the render stage's error to report, not an unchecked identity."""
    assert read.error is not None
    return read.error.kind == "unsupported" and ("=" in read.math.tex or "\\approx" in read.math.tex)


def _unreadable_item(math: Math, offset: int, construct: str, reason: str) -> Item:
    pos = position_at(math.tex, offset, math.position)
    message = f"cannot interpret {construct} at {pos.line}:{pos.column}: {reason}"
    return Item("identity", "unchecked", message, position=math.position, label=math.label,
                detail={"steps": [], "reason": message, "code": OUTSIDE_SUBSET.code})


def _cached_result(store: Store | None, key: str) -> FormulaResult | None:
    if store is None:
        return None
    entry = store.load(NAMESPACE, store.key(key))
    if entry is None:
        return None
    try:
        return FormulaResult.from_json(entry)
    except (ValueError, KeyError, TypeError):
        store.note(store.path(NAMESPACE, store.key(key)), "not a verdict")
        return None  # a damaged entry is recomputed and rewritten


def _result(plan: FormulaPlan, key: str, store: Store | None) -> tuple[FormulaResult, bool, bool]:
    """The verdict, whether it came from the cache, and whether it is on disk for later builds."""
    found = _cached_result(store, key)
    if found is not None:
        return found, True, True
    from ..derivations.steps import check_plan  # imports SymPy

    try:
        result = check_plan(plan, seed=int(key[:8], 16))
    except Exception as exc:  # SymPy raises many kinds; one formula must not stop the build
        reason = CHECKER_FAILURE.say(error=type(exc).__name__)
        return FormulaResult([StepResult(s.name, "unchecked", reason=reason, relation=s.relation,
                                         code=CHECKER_FAILURE.code) for s in plan.steps]), False, False
    kept = store is not None and store.save(NAMESPACE, store.key(key), result.to_json())
    return result, False, kept


def _replay(recipe: Recipe, formulas: list[Math], store: Store | None) -> Item | None:
    """The item a recipe stands for, at its formula's current position; None when its verdict is gone."""
    math = formulas[recipe["formula"]]
    if "unreadable" in recipe:
        offset, construct, reason = recipe["unreadable"]
        return _unreadable_item(math, int(offset), str(construct), str(reason))
    started = time.perf_counter()
    result = _cached_result(store, str(recipe["plan"]))
    if result is None:
        return None
    return _item(math, result, time.perf_counter() - started, True)


def _item(math: Math, result: FormulaResult, seconds: float, cached: bool) -> Item:
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
