"""Check a formula against the code beside it: evaluate the formula's last side, call the code,
compare, and say verified (how), refuted (where, with both values and the likely mistake) or
unchecked (exactly why).

`check_once` serves `vt.check`; `Prepared` + `evaluate_case` + `compare_case` serve
`@vt.implements`, which evaluates one prepared formula on many samples.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from veritex.math import MathSyntaxError, ast

from .calling import BindingError, call
from .compare import Comparison, compare, fmt
from .diagnose import diagnose
from .document import DocumentMath, FormulaRef, document_math, looks_like_label, names_in, parse_formula
from .evaluate import Evaluator, Inputs, ShapeMismatch, Unevaluable
from .names import SymbolName, match_values, parse_symbol_tex, python_key
from .repair import candidates
from .symbols import SymbolTable, symbol_name
from .tolerance import Tolerance, tolerance_for
from .values import Precision, describe_value, least_precise, precision_of, to_numpy

Status = Literal["verified", "refuted", "unchecked", "error"]
_REPAIR_BUDGET_S = 0.5
_NEVER_REFUTED = {"approx": "\u2248", "sim": "~"}
_NOT_VALUES = {"le", "lt", "ge", "gt", "ne", "in", "notin", "propto"}


@dataclass
class Verdict:
    status: Status
    message: str
    detail: dict[str, Any] = field(default_factory=dict)

    def payload(self, kind: str, label: str | None) -> dict[str, Any]:
        return {"kind": kind, "status": self.status, "label": label, "message": self.message,
                "detail": self.detail}


class Stop(Exception):
    """Ends a check early with its verdict (unchecked or error)."""

    def __init__(self, verdict: Verdict) -> None:
        self.verdict = verdict
        super().__init__(verdict.message)


@dataclass
class Prepared:
    """A formula ready to evaluate: the side compared, its document, what it is called."""

    document: DocumentMath
    ref: FormulaRef
    expr: ast.Expr
    relation: str | None
    statement: int
    label: str | None
    table: SymbolTable

    @property
    def shown(self) -> str:
        return self.label or "the formula"


def prepare(target: str, context: Mapping[str, Any] | None, *, context_note: str = "") -> Prepared:
    """Find the formula (`target` is a label or raw TeX), parse it, and pick the side to compare."""
    document = document_math(dict(context or {}))
    ref = document.by_label(target) if looks_like_label(target) else None
    if ref is None and looks_like_label(target):
        known = [r.label for r in document.formulas if r.label]
        if not document.formulas:
            reason = f"no formula labelled `{target}`: there is no document context ({context_note or 'no build'})"
            reason += "; pass the TeX itself instead of the label"
        else:
            reason = f"no formula labelled `{target}` in {document.path or 'the document'}"
            if known:
                reason += f" (labels: {', '.join(known[:12])})"
        raise Stop(Verdict("unchecked", reason, {"reason": "unknown-label"}))
    if ref is None:
        ref = FormulaRef(-1, target)
    try:
        formula = parse_formula(ref.tex, document.macros)
    except MathSyntaxError as err:
        raise Stop(Verdict(
            "unchecked", f"{err.message}: cannot interpret `{err.construct}` at {ref.where(err.offset)}"
            + (f" ({err.hint})" if err.hint else ""),
            {"reason": "outside-subset", "construct": err.construct, "offset": err.offset},
        )) from None
    statements = [s for s in formula.statements if s.sides]
    if not statements:
        raise Stop(Verdict("unchecked", "the formula states no equation to evaluate", {"reason": "no-equation"}))
    if len(statements) > 1 and not all(_defines_a_name(s) for s in statements[:-1]):
        raise Stop(Verdict(
            "unchecked", f"the formula holds {len(statements)} equations; label and check them one at a time",
            {"reason": "several-equations"},
        ))
    # `h = ..., \\quad o = W h + b`: the last equation is compared, the others define its symbols
    statement = statements[-1]
    relation = statement.relations[-1] if statement.relations else None
    if relation in _NOT_VALUES:
        raise Stop(Verdict(
            "unchecked", f"the formula's last relation is `{relation}`, not an equality: there is no value to compare",
            {"reason": "not-an-equality"},
        ))
    number = formula.statements.index(statement)
    table = document.table
    if ref.index < 0:  # raw TeX: its own definitions, conditions and shapes count too
        table = document.table.copy()
        table.add_formula(formula, ref.index, None)
    return Prepared(document, ref, statement.sides[-1], relation, number, ref.label, table)


def _defines_a_name(statement: ast.Statement) -> bool:
    return len(statement.sides) >= 2 and set(statement.relations) <= {"=", "def"} and (
        symbol_name(statement.sides[0]) is not None)


# ---- values ---------------------------------------------------------------------------------------


@dataclass
class Bound:
    """The values of one case, matched to the formula's symbols."""

    inputs: Inputs
    names: dict[SymbolName, str]  # symbol -> Python name of the value given
    unmatched: list[str]
    precisions: list[Precision | None]
    shapes: dict[str, tuple[int, ...]]


def bind_values(
    prepared: Prepared,
    values: Mapping[str, Any],
    symbols: Mapping[str, str] | None,
    sizes: Mapping[str, int] | None = None,
) -> Bound:
    arrays: dict[str, np.ndarray] = {}
    functions: dict[str, Callable[..., object]] = {}
    precisions: list[Precision | None] = []
    for name, value in values.items():
        if callable(value) and not hasattr(value, "shape") and not isinstance(value, bool | int | float | complex):
            functions[name] = value
            continue
        try:
            arrays[name] = to_numpy(value)
        except TypeError as exc:
            raise Stop(Verdict("error", f"the value `{name}` is not numeric: {exc}", {"reason": "bad-value"})) from None
        if arrays[name].dtype.kind == "b":
            arrays[name] = arrays[name].astype(np.float64)
        precisions.append(precision_of(value))
    explicit: dict[str, SymbolName] = {}
    for name, tex in (symbols or {}).items():
        symbol = symbol_from_tex(tex, prepared.document.macros)
        if symbol is None:
            raise Stop(Verdict("error", f"symbols=: `{tex}` (for `{name}`) is not one symbol", {"reason": "bad-symbols"}))
        explicit[name] = symbol
    universe = prepared.document.names | names_in(prepared.expr)
    given = {**arrays, **functions}
    matched, unmatched = match_values(given, universe, explicit)
    for name in list(unmatched):  # a value the formulas never spell is still named for definitions
        fallback = _python_symbol(name)
        if fallback not in matched:
            matched[fallback] = name
    inputs = Inputs()
    for symbol, name in matched.items():
        if name in arrays:
            inputs.values[symbol] = arrays[name]
        else:
            inputs.callables[symbol] = functions[name]
    _bind_declared_sizes(prepared, inputs)
    for name, size in (sizes or {}).items():
        symbol = _python_symbol(name)
        if symbol not in inputs.values:
            inputs.sizes.setdefault(symbol, int(size))
    shapes = {name: tuple(int(d) for d in a.shape) for name, a in arrays.items()}
    return Bound(inputs, matched, unmatched, precisions, shapes)


def symbol_from_tex(tex: str, macros: Mapping[str, str] | None = None) -> SymbolName | None:
    """The symbol a piece of TeX names (`\\lambda`, `\\theta_{t-1}`, `\\hat{m}_t`), or None."""
    try:
        formula = parse_formula(tex, dict(macros or {}))
    except MathSyntaxError:
        formula = None
    if formula is not None and len(formula.statements) == 1 and len(formula.statements[0].sides) == 1:
        found = symbol_name(formula.statements[0].sides[0])
        if found is not None:
            return found
    try:
        return parse_symbol_tex(tex)
    except ValueError:
        return None


def _python_symbol(name: str) -> SymbolName:
    """A Python name as a symbol when no formula spells it: `d_k` -> d with subscript k."""
    try:
        return parse_symbol_tex(name if "_" not in name or name.count("_") > 1 else name)
    except ValueError:
        return SymbolName(python_key(name))


def _bind_declared_sizes(prepared: Prepared, inputs: Inputs) -> None:
    """Sizes named in shape declarations (`Z \\in \\mathbb{R}^{N\\times C}`), read off the values."""
    table = prepared.table
    for symbol, array in inputs.values.items():
        for dims, offset in ((table.shapes.get(symbol), 0), (table.element_shapes.get(symbol), 1)):
            if not dims or array.ndim != len(dims) + offset:
                continue
            for axis, dim in enumerate(dims):
                name = symbol_name(dim) if isinstance(dim, ast.Symbol | ast.Subscript) else None
                if name is not None and name not in inputs.values:
                    inputs.sizes.setdefault(name, int(array.shape[axis + offset]))


# ---- one case --------------------------------------------------------------------------------------


@dataclass
class Case:
    """One evaluation of the formula and one call of the code, with what the comparison found."""

    bound: Bound
    formula: np.ndarray
    code: np.ndarray
    comparison: Comparison
    tolerance: Tolerance
    evaluator: Evaluator
    binding: str
    seconds_formula: float


def evaluate_formula(prepared: Prepared, bound: Bound, expr: ast.Expr | None = None) -> tuple[np.ndarray, Evaluator]:
    evaluator = Evaluator(
        prepared.table, bound.inputs, origin=prepared.ref.index,
        exclude=(prepared.ref.index, prepared.statement),
        sources={**prepared.document.sources, prepared.ref.index: prepared.ref.tex},
    )
    value = evaluator.evaluate(expr if expr is not None else prepared.expr)
    return np.asarray(value.data), evaluator


def unevaluable_verdict(prepared: Prepared, exc: Unevaluable) -> Verdict:
    where = ""
    if exc.node is not None and exc.node.span != (0, 0):
        refs = {r.index: r for r in prepared.document.formulas}
        ref = refs.get(exc.origin if exc.origin is not None else -2, prepared.ref)
        where = f" (at {ref.where(exc.node.span[0])}" + (f", in {ref.label}" if ref.label and ref is not
                                                            prepared.ref else "") + ")"
    return Verdict("unchecked", f"cannot evaluate the formula: {exc.reason}{where}",
                   {"reason": "cannot-evaluate"})


def run_case(
    prepared: Prepared,
    fn: Callable[..., Any],
    values: Mapping[str, Any],
    *,
    symbols: Mapping[str, str] | None = None,
    rtol: float | None = None,
    atol: float | None = None,
    sizes: Mapping[str, int] | None = None,
) -> Case:
    """Evaluate, call, compare. Raises Stop for unchecked and error outcomes."""
    bound = bind_values(prepared, values, symbols, sizes)
    started = time.perf_counter()
    try:
        formula, evaluator = evaluate_formula(prepared, bound)
    except ShapeMismatch as exc:
        raise Stop(Verdict("refuted", f"the values do not fit the formula: {exc.reason}",
                           {"reason": "shape", "values": _describe_values(values)})) from None
    except Unevaluable as exc:
        raise Stop(unevaluable_verdict(prepared, exc)) from None
    except (ArithmeticError, ValueError, TypeError, IndexError) as exc:  # NumPy refusing what the values ask
        raise Stop(Verdict(
            "unchecked", f"cannot evaluate the formula with these values: {type(exc).__name__}: {exc}",
            {"reason": "cannot-evaluate"},
        )) from None
    seconds = time.perf_counter() - started
    try:
        result, binding = call(fn, values)
    except BindingError as exc:
        raise Stop(Verdict("error", str(exc), {"reason": "binding"})) from None
    except Exception as exc:  # noqa: BLE001 - the user's code failing is a verdict, not a crash
        raise Stop(Verdict(
            "error", f"the implementation raised {type(exc).__name__}: {exc}",
            {"reason": "raised", "exception": type(exc).__name__, "traceback": _short_traceback(exc)},
        )) from None
    if result is None:
        raise Stop(Verdict("error", "the implementation returned None", {"reason": "returned-none"}))
    try:
        code = to_numpy(result)
    except TypeError as exc:
        raise Stop(Verdict("error", f"the implementation returned something that is not numbers: {exc}",
                           {"reason": "bad-result"})) from None
    precision = least_precise([*bound.precisions, precision_of(result)])
    tolerance = tolerance_for(precision, rtol, atol)
    noise = _rounding_noise(prepared, bound, formula) if precision != "double" else None
    comparison = compare(formula, code, tolerance, noise)
    return Case(bound, formula, code, comparison, tolerance, evaluator, binding, seconds)


def _rounding_noise(prepared: Prepared, bound: Bound, formula: np.ndarray) -> np.ndarray | None:
    """How far the formula's value moves when evaluated in single precision: large where the
    result cancels large terms, which code in single precision cannot compute any better."""
    try:
        evaluator = Evaluator(
            prepared.table, bound.inputs, origin=prepared.ref.index,
            exclude=(prepared.ref.index, prepared.statement),
            dtype=np.float32,
        )
        low = np.asarray(evaluator.evaluate(prepared.expr).data)
    except (Unevaluable, ArithmeticError, ValueError, TypeError, IndexError):
        return None
    if low.shape != formula.shape:
        return None
    with np.errstate(all="ignore"):
        return np.asarray(np.abs(low.astype(formula.dtype) - formula), dtype=np.float64)


def _short_traceback(exc: BaseException, limit: int = 6) -> str:
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    return "".join(lines[-limit:])


def _describe_values(values: Mapping[str, Any]) -> dict[str, str]:
    return {name: describe_value(v) for name, v in values.items()}


# ---- verdicts --------------------------------------------------------------------------------------


def verdict_for(prepared: Prepared, case: Case, values: Mapping[str, Any], symbols: Mapping[str, str] | None,
                *, diagnose_with: list[Case] | None = None) -> Verdict:
    comparison = case.comparison
    detail: dict[str, Any] = {
        "formula": _quote(prepared, prepared.expr),
        "values": _describe_values(values),
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
    text = prepared.ref.tex[start:end].strip() if end > start else str(node)
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
    return None


def _agrees(prepared: Prepared, case: Case, edited: ast.Expr) -> bool:
    try:
        inputs = Inputs(dict(case.bound.inputs.values), dict(case.bound.inputs.sizes),
                        dict(case.bound.inputs.callables))
        bound = Bound(inputs, case.bound.names, case.bound.unmatched, case.bound.precisions, case.bound.shapes)
        value, _ = evaluate_formula(prepared, bound, edited)
    except (Unevaluable, ArithmeticError, ValueError, IndexError, TypeError):
        return False
    return compare(value, case.code, case.tolerance).agrees


def _quoter(prepared: Prepared) -> Callable[[ast.Node], str]:
    def quote(node: ast.Node) -> str:
        start, end = node.span
        if end > start:
            return prepared.ref.tex[start:end].strip()
        return str(node)

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
        prepared = prepare(target, context, context_note=context_note)
        case = run_case(prepared, fn, values, symbols=symbols, rtol=rtol, atol=atol)
    except Stop as stop:
        return stop.verdict
    verdict = verdict_for(prepared, case, values, symbols)
    verdict.detail["formula_ms"] = round(case.seconds_formula * 1000, 3)
    return verdict
