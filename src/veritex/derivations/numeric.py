"""Checking `lhs = rhs` at random points: sizes instantiated, sums expanded, domains respected.

Sizes (the symbolic bounds of sums, and declared dimensions) take small distinct values of at least
2, in two rounds with different values, so an identity that only holds for `n = 1` or for equal
sizes does not pass. Each other symbol is drawn from its domain: a stated condition (`x > 0`,
`x = 2`) first; a symbol that sits directly in a logarithm or a root is drawn positive; the rest
from [-2, 2]. Points where either side is not a finite real number are skipped, so a domain that
nothing states is still respected. A disagreement seen in float64 is confirmed at 40 digits before
it counts, so rounding never refutes anything.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import sympy

from veritex.math.evaluated_later import InfiniteSeries

from . import quadrature
from .reasons import INTEGRAL_NO_VALUE

CANDIDATES = 96
"""Random points tried per round; the first valid ones are kept."""
RTOL = 1e-7
ATOL = 1e-9
CONFIRM_DIGITS = 40
QUADRATURE_CANDIDATES = 16
QUADRATURE_POINTS = 3
QUADRATURE_SECONDS = (0.3, 2.0)
"""Points tried, and points compared, per round when a side holds an integral or an endless series:
each costs a quadrature (or hundreds of terms), and values that agree to seven digits at three random
points are not a coincidence. After the first of the two times (seconds) no new point is tried once one
has been compared, after the second none at all: a nested integral must not hold up the build."""


@dataclass
class Domain:
    """What the text says about the symbols: fixed values, intervals, positivity; and the sizes."""

    fixed: dict[sympy.Symbol, sympy.Expr] = field(default_factory=dict)
    lower: dict[sympy.Symbol, float] = field(default_factory=dict)
    upper: dict[sympy.Symbol, float] = field(default_factory=dict)
    positive: set[sympy.Symbol] = field(default_factory=set)
    sizes: set[sympy.Symbol] = field(default_factory=set)
    integers: set[str] = field(default_factory=set)  # names drawn as small positive integers


@dataclass
class Sample:
    point: dict[str, float]
    lhs: float
    rhs: float


@dataclass
class NumericOutcome:
    status: Literal["holds", "fails", "unknown"]
    points: int = 0
    failure: Sample | None = None
    reason: str = ""
    sizes: dict[str, int] = field(default_factory=dict)
    max_relative: float = 0.0  # the largest relative difference seen (for approximations)
    samples: list[Sample] = field(default_factory=list)  # every point compared, for approximations


MAX_TERMS = 400
"""Most terms a sum may expand to; longer ones (`\\sum_{i=1}^{10000}`) are not sampled."""


class Unsampleable(Exception):
    """The sides cannot be evaluated at points: an infinite sum, a sum too long to expand."""


class Abstract(Exception):
    """The expression still holds functions or derivatives that nothing defines."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        super().__init__(", ".join(names))


def size_symbols(exprs: Iterable[sympy.Expr], declared: Iterable[sympy.Symbol] = ()) -> list[sympy.Symbol]:
    """Symbols that are sizes: the free symbols of sum and product limits, and declared ones."""
    found: dict[sympy.Symbol, None] = {}
    for expr in exprs:
        for node in sympy.preorder_traversal(expr):
            if isinstance(node, sympy.Sum | sympy.Product):
                for _, low, high in node.limits:
                    for s in (low.free_symbols | high.free_symbols):
                        found[s] = None  # type: ignore[index]
    present = set().union(*(e.free_symbols for e in exprs)) if exprs else set()
    for s in declared:
        if s in present:
            found[s] = None
    return sorted(found, key=str)


def size_rounds(sizes: list[sympy.Symbol], rng: np.random.Generator, rounds: int = 2) -> list[dict[sympy.Symbol, int]]:
    """Distinct small values (>= 2) for the sizes: 3, 4, 5... first, then a shuffled draw."""
    if not sizes:
        return [{}]
    out = [{s: 3 + k for k, s in enumerate(sizes)}]
    for _ in range(rounds - 1):
        pool = rng.permutation(np.arange(2, 2 + len(sizes) + 3))[: len(sizes)]
        out.append({s: int(v) for s, v in zip(sizes, pool, strict=True)})
    return out


def instantiate(expr: sympy.Expr, sizes: Mapping[sympy.Symbol, int],
                free_index: Callable[[sympy.Symbol], int]) -> sympy.Expr:
    """`expr` with sizes replaced, sums and products expanded, and `x[i]` made plain symbols."""
    out = expr.subs(dict(sizes)) if sizes else expr
    out = _endless_as_series(out)
    _refuse_unexpandable(out)
    out = out.doit()
    # An index left free (`z_i` outside any sum) names one element: pick one that the sums reach.
    loose = {s for node in sympy.preorder_traversal(out) if isinstance(node, sympy.Indexed)
             for index in node.indices for s in index.free_symbols if isinstance(s, sympy.Symbol)}
    loose -= set(sizes)
    if loose:
        out = out.subs({s: free_index(s) for s in loose}).doit()
    remaining = [n for n in sympy.preorder_traversal(out) if isinstance(n, sympy.Sum | sympy.Product)
                 and not isinstance(n, InfiniteSeries)]
    if remaining:
        raise Abstract([f"a sum over {remaining[0].limits[0][0]} that cannot be expanded"])
    return _flatten_indexed(out)


def _endless_as_series(expr: sympy.Expr) -> sympy.Expr:
    """`\\sum_{k=0}^{\\infty}` that SymPy could not close is summed at each point, where it visibly converges."""
    endless = [n for n in sympy.preorder_traversal(expr) if isinstance(n, sympy.Sum)
               and not isinstance(n, InfiniteSeries) and len(n.limits) == 1
               and n.limits[0][2] == sympy.oo and n.limits[0][1].is_Integer]
    if not endless:
        return expr
    return expr.xreplace({n: InfiniteSeries(n.function, n.limits[0]) for n in endless})


def _refuse_unexpandable(expr: sympy.Expr) -> None:
    for node in sympy.preorder_traversal(expr):
        if not isinstance(node, sympy.Sum | sympy.Product) or isinstance(node, InfiniteSeries):
            continue
        terms = 1
        for _, low, high in node.limits:
            if low.is_infinite or high.is_infinite:
                raise Unsampleable(f"an infinite {'sum' if isinstance(node, sympy.Sum) else 'product'} "
                                   "cannot be sampled")
            count = high - low + 1
            if count.is_number:
                terms *= max(int(count), 0)
        if terms > MAX_TERMS:
            raise Unsampleable(f"a sum of {terms} terms is too long to expand")


def _flatten_indexed(expr: sympy.Expr) -> sympy.Expr:
    mapping: dict[sympy.Expr, sympy.Symbol] = {}
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Indexed) and node not in mapping:
            indices = ",".join(str(i) for i in node.indices)
            mapping[node] = sympy.Symbol(f"{node.base}[{indices}]", real=True)
    return expr.xreplace(mapping) if mapping else expr


def undefined_parts(expr: sympy.Expr) -> list[str]:
    """Names of the functions nothing defines and of derivatives that could not be taken."""
    names: list[str] = []
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.core.function.AppliedUndef):
            names.append(str(node.func))
        elif isinstance(node, sympy.Derivative):
            names.append(f"d{node.expr}/d{', '.join(str(v) for v, _ in node.variable_count)}")
    return list(dict.fromkeys(names))


def positive_symbols(exprs: Iterable[sympy.Expr]) -> set[sympy.Symbol]:
    """Symbols that are direct factors of a logarithm's or a root's argument (`\\log x`,
    `\\sqrt{\\sigma^2}`, `\\log(x/y)`): drawing them positive is what the formula means."""
    out: set[sympy.Symbol] = set()

    def factors(arg: sympy.Expr) -> Iterable[sympy.Expr]:
        for f in sympy.Mul.make_args(arg):
            base = f.base if isinstance(f, sympy.Pow) else f
            yield base

    for expr in exprs:
        for node in sympy.preorder_traversal(expr):
            if isinstance(node, sympy.log):
                args: Iterable[sympy.Expr] = factors(node.args[0])
            elif isinstance(node, sympy.Pow) and not node.exp.is_integer:
                args = factors(node.base)
            else:
                continue
            out.update(a for a in args if isinstance(a, sympy.Symbol))
    return out


def _draw(symbols: list[sympy.Symbol], domain: Domain, positive: set[sympy.Symbol],
          rng: np.random.Generator, count: int) -> dict[sympy.Symbol, np.ndarray]:
    values: dict[sympy.Symbol, np.ndarray] = {}
    for s in symbols:
        if s in domain.fixed:
            values[s] = np.full(count, float(domain.fixed[s]))
            continue
        low = domain.lower.get(s)
        high = domain.upper.get(s)
        if s.is_integer or s.name in domain.integers:
            lo = int(math.ceil(low)) if low is not None else (1 if s.is_positive or s.name in domain.integers else -3)
            hi = int(math.floor(high)) if high is not None else lo + 5
            values[s] = rng.integers(lo, max(lo, hi) + 1, size=count).astype(float)
            continue
        if low is None and (s in positive or s.is_positive or s in domain.positive):
            low = 0.0
        if low is not None and high is None:
            high = low + 3.0
        elif high is not None and low is None:
            low = high - 3.0
        if low is None or high is None:
            values[s] = rng.uniform(-2.0, 2.0, size=count)
        else:
            span = high - low
            values[s] = rng.uniform(low + 0.02 * span, high - 0.02 * span, size=count)
    return values


def _evaluate(fn: Callable[..., Any], args: list[np.ndarray], count: int) -> np.ndarray:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            out = fn(*args)
        except (ZeroDivisionError, OverflowError, ValueError, TypeError):
            return np.full(count, np.nan)
    arr = np.asarray(out)
    if np.iscomplexobj(arr):
        real = np.where(np.abs(arr.imag) <= 1e-12 * (1 + np.abs(arr.real)), arr.real, np.nan)
        arr = real
    return np.broadcast_to(arr.astype(float), (count,)).copy()




def _only_absolutely(a: float, b: float) -> bool:
    """Sides close only by the absolute tolerance (`(x+1)^{3000}` against `(x+2)^{3000}` near x = -1.5,
    both far below it in float64): they are asked again at 40 digits before they count as agreeing."""
    return abs(a - b) > RTOL * max(abs(a), abs(b))


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= ATOL + RTOL * max(abs(a), abs(b))


def _confirmed(lhs: sympy.Expr, rhs: sympy.Expr, point: Mapping[sympy.Symbol, float]) -> bool:
    """Whether the sides still differ when evaluated with 40 digits at `point`."""
    if quadrature.has_integrals(lhs, rhs):
        return _confirmed_by_quadrature(lhs, rhs, point)
    subs = {s: sympy.Float(v, CONFIRM_DIGITS) for s, v in point.items()}
    try:
        left = complex(lhs.evalf(CONFIRM_DIGITS, subs=subs))
        right = complex(rhs.evalf(CONFIRM_DIGITS, subs=subs))
    except (TypeError, ValueError):
        return True  # the float64 evidence stands
    scale = max(abs(left), abs(right))
    return abs(left - right) > 1e-6 * RTOL * scale + 1e-25


def _tiny_sides_differ(lhs: sympy.Expr, rhs: sympy.Expr, point: Mapping[sympy.Symbol, float]) -> bool:
    r"""Sides that agreed in float64 only by the absolute tolerance, asked at 40 and at 80 digits: a value
    that changes between the two is rounding noise and counts as zero (`\sin(\pi)`); a value that holds
    is real however small (`0.1^{3000}`). They differ when one is zero and the other not, or relatively."""
    if quadrature.has_integrals(lhs, rhs):
        return False

    def settled(expr: sympy.Expr) -> sympy.Expr:
        coarse = expr.evalf(CONFIRM_DIGITS, subs={s: sympy.Float(v, CONFIRM_DIGITS) for s, v in point.items()})
        fine = expr.evalf(2 * CONFIRM_DIGITS, subs={s: sympy.Float(v, 2 * CONFIRM_DIGITS) for s, v in point.items()})
        if not (coarse.is_number and fine.is_number):
            raise TypeError("not a number")
        noise = fine == 0 or sympy.Abs(coarse - fine) > sympy.Float(1e-20) * sympy.Abs(fine)
        return sympy.Integer(0) if noise else fine

    try:
        left, right = settled(lhs), settled(rhs)
        if left == 0 and right == 0:
            return False
        return bool(sympy.Abs(left - right) > sympy.Float(1e-13) * sympy.Max(sympy.Abs(left), sympy.Abs(right)))
    except (TypeError, ValueError, ZeroDivisionError):
        return False  # no evidence beyond the float64 values


def _confirmed_by_quadrature(lhs: sympy.Expr, rhs: sympy.Expr, point: Mapping[sympy.Symbol, float]) -> bool:
    symbols = list(point)
    values = [point[s] for s in symbols]
    left = quadrature.evaluate_at(quadrature.compile_expr(lhs, symbols), values, CONFIRM_DIGITS)
    right = quadrature.evaluate_at(quadrature.compile_expr(rhs, symbols), values, CONFIRM_DIGITS)
    if left is None or right is None:
        return False  # no 40-digit value: the float64 difference is not evidence enough
    scale = max(abs(left), abs(right))
    return bool(abs(left - right) > 1e-6 * RTOL * scale + 1e-25)


def _by_quadrature(left: sympy.Expr, right: sympy.Expr, symbols: list[sympy.Symbol],
                   draws: dict[sympy.Symbol, np.ndarray], wanted: int,
                   failures: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Both sides at the first candidate points, one point at a time, until `wanted` have values;
    why an integral had no value is added to `failures`."""
    fl, fr = quadrature.compile_expr(left, symbols), quadrature.compile_expr(right, symbols)
    lv = np.full(CANDIDATES, np.nan)
    rv = np.full(CANDIDATES, np.nan)
    found = 0
    started = time.perf_counter()
    for k in range(min(CANDIDATES, QUADRATURE_CANDIDATES)):
        spent = time.perf_counter() - started
        if (found and spent > QUADRATURE_SECONDS[0]) or spent > QUADRATURE_SECONDS[1]:
            break
        values = [float(draws[s][k]) for s in symbols]
        a = quadrature.evaluate_at(fl, values, failures=failures)
        b = quadrature.evaluate_at(fr, values, failures=failures) if a is not None else None
        if a is None or b is None:
            continue
        lv[k], rv[k] = float(a), float(b)
        found += 1
        if found >= wanted:
            break
    return lv, rv


def instantiate_first(lhs: sympy.Expr, rhs: sympy.Expr, domain: Domain) -> tuple[sympy.Expr, sympy.Expr]:
    """Both sides with the first sizes of `sample_identity` (3, 4, 5...) and sums expanded."""
    sizes = size_symbols([lhs, rhs], domain.sizes)
    assignment = size_rounds(sizes, np.random.default_rng(0), rounds=1)[0]
    element = _ElementPicker(np.random.default_rng(0), min(assignment.values(), default=3))
    left, right = instantiate(lhs, assignment, element), instantiate(rhs, assignment, element)
    if domain.fixed:
        left, right = left.subs(domain.fixed), right.subs(domain.fixed)
    return left, right


class _ElementPicker:
    """One element per free index, the same on both sides (`z_i` on the left is `z_i` on the right),
    within the smallest size so that every sum reaches it."""

    def __init__(self, rng: np.random.Generator, size: int) -> None:
        self.rng = rng
        self.size = size
        self.chosen: dict[sympy.Symbol, int] = {}

    def __call__(self, symbol: sympy.Symbol) -> int:
        if symbol not in self.chosen:
            self.chosen[symbol] = int(self.rng.integers(1, self.size + 1))
        return self.chosen[symbol]


def sample_identity(lhs: sympy.Expr, rhs: sympy.Expr, domain: Domain, *, seed: int, points: int = 8,
                    approximate: bool = False) -> NumericOutcome:
    """Compare the sides at `points` random points over two rounds of sizes.

    A step that fails for unconstrained entries but holds whenever one vector's entries are a
    probability distribution (the softmax cross-entropy gradient `p - y` needs one-hot targets) rests
    on a condition the formulas do not state: it is unchecked with that condition, never refuted.
    """
    outcome = _sample_identity(lhs, rhs, domain, seed=seed, points=points, approximate=approximate)
    if outcome.status != "fails" or not (lhs.free_symbols and rhs.free_symbols):
        return outcome  # a constant side is a constraint (`\sum_k \pi_k = 1`), judged by the caller
    for base in _indexed_bases(lhs, rhs):
        constrained = _sample_identity(lhs, rhs, domain, seed=seed, points=points, approximate=approximate,
                                       simplex=base)
        if constrained.status == "holds":
            return NumericOutcome(
                "unknown", constrained.points, failure=outcome.failure,
                reason=f"it fails for arbitrary {base} but holds whenever the entries of {base} are "
                "non-negative and sum to 1 (one-hot or probability vectors), a condition no formula states; "
                "vt.check can test the code on the document's own values",
                sizes=constrained.sizes, max_relative=outcome.max_relative,
            )
    return outcome


def _indexed_bases(*exprs: sympy.Expr) -> list[str]:
    bases = {str(node.base) for expr in exprs for node in sympy.preorder_traversal(expr)
             if isinstance(node, sympy.Indexed)}
    return sorted(bases)


def _on_simplex(draws: dict[sympy.Symbol, np.ndarray], base: str, rng: np.random.Generator) -> None:
    """Redraw the entries `base[...]` as a probability vector at every candidate point."""
    members = [s for s in draws if str(s).startswith(base + "[")]
    if len(members) < 2:
        return
    raw = {s: rng.uniform(0.05, 1.0, size=len(draws[s])) for s in members}
    total = sum(raw.values())
    for s in members:
        draws[s] = raw[s] / total


def _sample_identity(lhs: sympy.Expr, rhs: sympy.Expr, domain: Domain, *, seed: int, points: int,
                     approximate: bool, simplex: str | None = None) -> NumericOutcome:
    rng = np.random.default_rng(seed)
    sizes = size_symbols([lhs, rhs], domain.sizes)
    rounds = size_rounds(sizes, rng)
    per_round = max(1, math.ceil(points / len(rounds)))
    checked = 0
    worst = 0.0
    samples: list[Sample] = []
    used_sizes: dict[str, int] = {}
    failures: list[str] = []
    for assignment in rounds:
        smallest = min(assignment.values(), default=3)
        element = _ElementPicker(rng, smallest)
        left = instantiate(lhs, assignment, element)
        right = instantiate(rhs, assignment, element)
        undefined = undefined_parts(left) + undefined_parts(right)
        if undefined:
            raise Abstract(list(dict.fromkeys(undefined)))
        symbols = sorted(left.free_symbols | right.free_symbols, key=str)
        positive = positive_symbols([left, right])
        draws = _draw(symbols, domain, positive, rng, CANDIDATES)
        if simplex is not None:
            _on_simplex(draws, simplex, rng)
        if quadrature.has_integrals(left, right):
            lv, rv = _by_quadrature(left, right, symbols, draws, min(per_round, QUADRATURE_POINTS), failures)
        else:
            fl = sympy.lambdify(symbols, left, modules="numpy")
            fr = sympy.lambdify(symbols, right, modules="numpy")
            args = [draws[s] for s in symbols]
            lv, rv = _evaluate(fl, args, CANDIDATES), _evaluate(fr, args, CANDIDATES)
        valid = np.flatnonzero(np.isfinite(lv) & np.isfinite(rv))[:per_round]
        if not used_sizes:
            used_sizes = {str(s): v for s, v in assignment.items()}
        for k in valid:
            a, b = float(lv[k]), float(rv[k])
            checked += 1
            worst = max(worst, abs(a - b) / max(abs(a), abs(b), 1e-300))
            point = {s: float(draws[s][k]) for s in symbols}
            tiny_differ = False  # close only by the absolute tolerance, yet apart at 40 and 80 digits
            if not approximate and _close(a, b):
                tiny_differ = _only_absolutely(a, b) and _tiny_sides_differ(left, right, point)
                if not tiny_differ:
                    continue
            if approximate:
                samples.append(Sample(_shown(assignment, element, domain, point), a, b))
                continue
            if not tiny_differ and not _confirmed(left, right, point):
                continue
            return NumericOutcome("fails", checked, Sample(_shown(assignment, element, domain, point), a, b),
                                  sizes=used_sizes, max_relative=worst)
    if checked == 0 and failures:
        return NumericOutcome("unknown", 0, reason=INTEGRAL_NO_VALUE.say(what=failures[0]), sizes=used_sizes)
    if checked == 0:
        return NumericOutcome("unknown", 0, reason="no point was found where both sides are finite real "
                              "numbers", sizes=used_sizes)
    return NumericOutcome("holds", checked, sizes=used_sizes, max_relative=worst, samples=samples)


def _shown(assignment: dict[sympy.Symbol, int], element: _ElementPicker, domain: Domain,
           point: dict[sympy.Symbol, float]) -> dict[str, float]:
    """The whole point as a reader needs it: sizes, chosen elements, fixed values, drawn values."""
    shown: dict[str, float] = {str(s): v for s, v in assignment.items()}
    shown.update((str(s), v) for s, v in element.chosen.items())
    shown.update((str(s), float(v)) for s, v in domain.fixed.items())
    shown.update((str(s), v) for s, v in point.items())
    return shown
