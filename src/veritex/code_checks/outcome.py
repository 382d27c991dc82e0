"""What a check concludes: the verdict, its message and evidence, and the likely mistake.

A refutation names the mistake when it can: a simple relation between the values (a sign, a
factor such as 2 or n/(n-1), a shift) found by `diagnose`, else the one edit of the formula that
makes it agree with the code on every case (`repair`), else an unnamed constant factor.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from veritex.math import ast
from veritex.math.plain_words import words

from .case import (
    Bound,
    Case,
    Prepared,
    Stop,
    Verdict,
    describe_values,
    evaluate_formula,
    prepare,
    run_case,
)
from .compare import compare, fmt
from .diagnose import diagnose
from .evaluate import Inputs, Unevaluable
from .names import SymbolName
from .repair import candidates
from .symbols import Definition, SymbolTable

_REPAIR_BUDGET_S = 0.5
_NEVER_REFUTED = {"approx": "\u2248", "sim": "~"}


def verdict_for(prepared: Prepared, case: Case, values: Mapping[str, Any], symbols: Mapping[str, str] | None,
                *, diagnose_with: list[Case] | None = None) -> Verdict:
    comparison = case.comparison
    detail: dict[str, Any] = {
        "formula": _quote(prepared, prepared.expr),
        "values": describe_values(values),
        "called": case.binding,
        "tolerance": {"rtol": case.tolerance.rtol, "atol": case.tolerance.atol,
                      "precision": case.tolerance.precision},
        "substituted": {d.name.python: d.label or "the document" for d in case.evaluator.substituted.values()},
        "shape": list(comparison.code_shape),
    }
    if case.bound.inputs.sizes:
        detail["sizes"] = {k.python: v for k, v in case.bound.inputs.sizes.items()}
    unused = [n for s, n in case.bound.names.items() if s not in case.evaluator.used and n in case.bound.unmatched]
    if unused:
        detail["unused"] = unused
    if comparison.notes:
        detail["notes"] = comparison.notes
    substitution = _substitution_text(detail["substituted"])
    if comparison.outcome == "agree":
        count = int(np.asarray(case.code).size)
        message = (f"the code agrees with {_quote(prepared, prepared.expr, short=True)}"
                   f"{' on all ' + str(count) + ' elements' if count > 1 else ''}{substitution} "
                   f"({case.tolerance.describe()})")
        return Verdict("verified", message, detail)
    if comparison.outcome == "formula-not-finite":
        detail["reason"] = "formula-not-finite"
        return Verdict("unchecked", comparison.message, detail)
    if comparison.outcome == "shape":
        detail.update(reason="shape", formula_shape=list(comparison.formula_shape),
                      code_shape=list(comparison.code_shape))
        return Verdict("refuted", comparison.message, detail)
    detail.update(
        index=list(comparison.index or ()), formula_value=comparison.formula, code_value=comparison.code,
        difference=comparison.difference,
    )
    inputs = _inputs_at(case, values)
    if inputs:
        detail["inputs"] = inputs
    cases = diagnose_with or [case]
    mistake = likely_mistake(prepared, cases)
    if mistake:
        detail["likely_mistake"] = mistake
    found = comparison.message
    if inputs:
        where = ", ".join(f"{k} = {v}" for k, v in list(inputs.items())[:4])
        found = found.replace(f" at index {list(comparison.index or ())}", "")
        indexed = any(k.endswith("]") for k in inputs)
        index_note = f" (index {list(comparison.index)})" if comparison.index and not indexed else ""
        found = f"at {where}{index_note}: {found}"
    message = found + substitution
    if mistake:
        message += f"; likely mistake: {mistake}"
    if prepared.relation in _NEVER_REFUTED:
        detail["reason"] = "approximate"
        symbol = _NEVER_REFUTED[prepared.relation]
        return Verdict("unchecked", f"the formula says {symbol}, so a difference is no refutation: {message}",
                       detail)
    return Verdict("refuted", message, detail)


def _substitution_text(substituted: Mapping[str, str]) -> str:
    if not substituted:
        return ""
    parts = [f"{name} from {origin}" for name, origin in substituted.items()]
    return " (" + ", ".join(parts) + ")"


def _quote(prepared: Prepared, node: ast.Node, *, short: bool = False) -> str:
    start, end = node.span
    text = prepared.ref.tex[start:end].strip() if end > start else words(node)
    if short and len(text) > 60:
        return "the formula's " + ("right side" if prepared.relation else "value")
    return f"`{text}`" if short else text


def _inputs_at(case: Case, values: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs at the worst element: the scalars given, and each array's element at that index
    when the array has the result's shape (an element-wise formula)."""
    index = case.comparison.index
    shown: dict[str, Any] = {}
    for name in values:
        array = case.bound.inputs.values.get(_symbol_of(case, name))
        if array is None:
            continue
        if array.ndim == 0:
            shown[name] = _number(array.item())
        elif index is not None and tuple(array.shape) == tuple(case.code.shape) and len(index) == array.ndim:
            shown[f"{name}{list(index)}"] = _number(array[index].item())
    return shown


def _symbol_of(case: Case, name: str) -> SymbolName:
    for symbol, python in case.bound.names.items():
        if python == name:
            return symbol
    return SymbolName(name)


def _number(value: Any) -> Any:
    if isinstance(value, complex):
        return fmt(value)
    if isinstance(value, float):
        return float(f"{value:.10g}")
    return value


def likely_mistake(prepared: Prepared, cases: list[Case]) -> str | None:
    """Name the mistake: a simple relation between the values (a sign, a named factor or shift),
    else the one edit of the formula that makes it agree with the code on every case, else an
    unnamed constant factor or shift."""
    sizes, scalars = _common_sizes(cases)
    comparable = [c for c in cases if c.formula.size == c.code.size]
    formula = np.concatenate([np.ravel(c.formula) for c in comparable]) if comparable else np.zeros(0)
    code = np.concatenate([np.ravel(c.code) for c in comparable]) if comparable else np.zeros(0)
    named = diagnose(formula, code, sizes, scalars, unnamed=False) if comparable else None
    if named is not None:
        return named
    edit = _repair(prepared, cases)
    if edit is not None:
        hedge = "" if code.size > 1 else " (one input: other edits may agree there too)"
        return f"the code matches the formula with {edit}{hedge}"
    return diagnose(formula, code, sizes, scalars) if comparable else None


def _common_sizes(cases: list[Case]) -> tuple[dict[str, int], dict[str, float]]:
    """Sizes (declared, bounds of sums, array lengths) and scalar values that every case shares:
    a factor named after a size must hold in each case. Whole-number scalars given by the user
    (`t`, counts) are not sizes: naming a ratio after them would be a guess."""
    per_case: list[tuple[dict[str, int], dict[str, float]]] = []
    for case in cases:
        sizes = {symbol.python: size for symbol, size in case.bound.inputs.sizes.items()}
        scalars: dict[str, float] = {}
        for symbol, array in case.bound.inputs.values.items():
            if array.ndim == 0 and not np.iscomplexobj(array):
                value = float(array)
                if not value.is_integer():
                    scalars[symbol.python] = value
            for axis, n in enumerate(array.shape):
                if n >= 2 and n not in sizes.values():
                    key = f"len({symbol.python})" if array.ndim == 1 else f"{symbol.python}.shape[{axis}]"
                    sizes.setdefault(key, int(n))
        per_case.append((sizes, scalars))
    first_sizes, first_scalars = per_case[0] if per_case else ({}, {})
    sizes = {k: v for k, v in first_sizes.items() if all(other.get(k) == v for other, _ in per_case)}
    scalars = {k: v for k, v in first_scalars.items() if all(other.get(k) == v for _, other in per_case)}
    return sizes, scalars


def _repair(prepared: Prepared, cases: list[Case]) -> str | None:
    started = time.perf_counter()
    sizes: dict[SymbolName, int] = {}
    integers: set[SymbolName] = set()
    fractions: set[SymbolName] = set()
    for case in cases:
        for symbol, size in case.bound.inputs.sizes.items():
            sizes.setdefault(symbol, size)
        for symbol, array in case.bound.inputs.values.items():
            if array.ndim != 0 or np.iscomplexobj(array):
                continue
            value = float(array)
            if value.is_integer():
                integers.add(symbol)
                if value >= 2:
                    sizes.setdefault(symbol, int(value))
            else:
                fractions.add(symbol)
    quote = _quoter(prepared)
    for description, edited in candidates(prepared.expr, sizes, quote, frozenset(integers), frozenset(fractions)):
        if time.perf_counter() - started > _REPAIR_BUDGET_S:
            return None
        if all(_agrees(prepared, case, edited) for case in cases):
            return description
    # the formula may be right and a definition it substituted wrong (`\hat{m}_t` without its `^t`)
    for definition in _substituted(cases):
        quote = _quoter(prepared, definition.origin)
        for description, edited in candidates(definition.body, sizes, quote, frozenset(integers),
                                              frozenset(fractions)):
            if time.perf_counter() - started > _REPAIR_BUDGET_S:
                return None
            variant = dataclasses.replace(prepared, table=_with_body(prepared.table, definition, edited))
            if all(_agrees(variant, case, prepared.expr) for case in cases):
                return f"{description} in {definition.label or 'the definition of ' + definition.name.python}"
    return None


def _substituted(cases: list[Case]) -> list[Definition]:
    """The document's definitions the cases substituted, each once, in the order they were used."""
    found: dict[int, Definition] = {}
    for case in cases:
        for definition in case.evaluator.substituted.values():
            if definition.origin >= 0:
                found.setdefault(id(definition), definition)
    return list(found.values())


def _with_body(table: SymbolTable, definition: Definition, body: ast.Expr) -> SymbolTable:
    """`table` with `definition` saying `body` instead."""
    edited = table.copy()
    for group in (edited.values, edited.functions, edited.indexed):
        for definitions in group.values():
            for k, candidate in enumerate(definitions):
                if candidate is definition:
                    definitions[k] = dataclasses.replace(definition, body=body)
    return edited


def _agrees(prepared: Prepared, case: Case, edited: ast.Expr) -> bool:
    try:
        inputs = Inputs(dict(case.bound.inputs.values), dict(case.bound.inputs.sizes),
                        dict(case.bound.inputs.callables))
        bound = Bound(inputs, case.bound.names, case.bound.unmatched, case.bound.precisions, case.bound.shapes)
        value, _ = evaluate_formula(prepared, bound, edited)
    except (Unevaluable, ArithmeticError, ValueError, IndexError, TypeError, RecursionError):
        return False
    return compare(value, case.code, case.tolerance).agrees


def _quoter(prepared: Prepared, origin: int | None = None) -> Callable[[ast.Node], str]:
    """Quote a node in the TeX of the checked formula, or of formula `origin` of the document."""
    refs = {ref.index: ref for ref in prepared.document.formulas}
    tex = refs[origin].tex if origin is not None and origin in refs else prepared.ref.tex

    def quote(node: ast.Node) -> str:
        start, end = node.span
        if end > start:
            return tex[start:end].strip()
        return words(node)  # a node made by rewriting has no TeX of its own: never show the parser's tree

    return quote


def check_once(
    target: str,
    fn: Callable[..., Any],
    values: Mapping[str, Any],
    *,
    symbols: Mapping[str, str] | None = None,
    rtol: float | None = None,
    atol: float | None = None,
    context: Mapping[str, Any] | None = None,
    context_note: str = "",
) -> Verdict:
    """The verdict of `vt.check(target, fn, **values)`; never raises for the user's mistakes."""
    try:
        prepared = prepare(target, context, context_note=context_note, given=[*values, *(symbols or {}).values()])
        case = run_case(prepared, fn, values, symbols=symbols, rtol=rtol, atol=atol)
    except Stop as stop:
        return stop.verdict
    verdict = verdict_for(prepared, case, values, symbols)
    verdict.detail["formula_ms"] = round(case.seconds_formula * 1000, 3)
    return verdict
