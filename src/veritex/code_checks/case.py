"""One case of a check: find and parse the formula, bind the values to its symbols, evaluate its
last side, call the code, compare.

`prepare` runs once per check (or once for all the samples of `@vt.implements`); `run_case` runs
per set of values. What stops a check early (unchecked, error) is raised as `Stop` with its verdict;
`outcome.py` turns a finished case into the verdict.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from veritex.math import MathSyntaxError, ast
from veritex.math.words import given_words, join_in_formula

from .calling import BindingError, call
from .compare import Comparison, compare
from .evaluate import Evaluator, Inputs, ShapeMismatch, Unevaluable
from .formulas import DocumentMath, FormulaRef, document_math, looks_like_label, names_in, parse_formula
from .frameworks import Precision, describe_value, least_precise, precision_of, to_numpy
from .names import SymbolName, match_values, parse_symbol_tex, python_key
from .symbols import SymbolTable, symbol_name
from .tolerance import Tolerance, tolerance_for

Status = Literal["verified", "refuted", "unchecked", "error"]
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


def prepare(target: str, context: Mapping[str, Any] | None, *, context_note: str = "",
            given: Iterable[str] = ()) -> Prepared:
    """Find the formula (`target` is a label or raw TeX), parse it, and pick the side to compare.
    `given` names the values and symbols the check passes: `PE` makes the letters `P E` one name."""
    document = document_math(dict(context or {})).with_words(given)
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
        formula = document.parsed.get(ref.index) or join_in_formula(parse_formula(ref.tex, document.macros),
                                                                    document.words | given_words(given))
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
    sides, relations = list(statement.sides), list(statement.relations)
    while len(relations) > 1 and relations[-1] == "in":  # `S = QK^T/\sqrt{d} \in R^{n x m}` states a shape
        sides.pop()
        relations.pop()
    relation = relations[-1] if relations else None
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
    return Prepared(document, ref, sides[-1], relation, number, ref.label, table)


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
        return parse_symbol_tex(name)
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
                           {"reason": "shape", "values": describe_values(values)})) from None
    except Unevaluable as exc:
        verdict = unevaluable_verdict(prepared, exc)
        if bound.unmatched:  # `w_1` given where the formula says `W_1`: say which names matched nothing
            verdict.message += f"; values that name no symbol of the document: {', '.join(bound.unmatched)}"
            verdict.detail["unmatched"] = list(bound.unmatched)
        raise Stop(verdict) from None
    except RecursionError:  # a guard above missed a cycle: say so rather than fail inside veritex
        raise Stop(Verdict(
            "unchecked", "cannot evaluate the formula: its definitions nest deeper than Python's recursion "
            "limit (does a definition use itself?)", {"reason": "cannot-evaluate"},
        )) from None
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


def describe_values(values: Mapping[str, Any]) -> dict[str, str]:
    return {name: describe_value(v) for name, v in values.items()}
