"""Approximation steps read by their order in the quantities the text calls small.

`A \\approx B`, with `r` and `g` stated small, is read as a truncated expansion: every small quantity
is scaled by one ε (`r = ε r̂`, `g = ε ĝ`), the other names and the ratios r̂, ĝ are drawn at random,
and both sides are expanded in powers of ε. The order the step claims is the highest order that a
term of `B` keeps (the leading order of each of its terms, so `x_0(T+1) + x_0 r g (T+1)/(r-g)` claims
order 1 and `x_0/(r-g)` only its leading order). The step is verified when `A` and `B` agree through
that order, and refuted only when they agree at their leading order and differ at an order `B`
itself claims, at every point drawn. Sides that differ already at leading order rest on another
regime (a large quantity, a different limit) and are left unchecked, as are sides that are not
power series in ε (logarithms, roots of a small quantity) and steps that name a quantity the text
calls large.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction

import sympy

from .reasons import APPROXIMATION_NOT_SERIES, APPROXIMATION_OTHER_REGIME, Reason
from .regime import Regime
from .results import StepResult

POINTS = 5
"""Random points at which the expansions are compared; a refutation needs most of them, at one order."""
SMALL_SCALE = 0.01
"""ε at which the evidence point is shown (r = ε r̂): values of the size a reader calls small."""
MAX_OPS = 400
"""Sides larger than this (in SymPy operations) are not expanded."""
INTEGER_LETTERS = frozenset({"i", "j", "k", "l", "m", "n", "t", "N", "K", "T"})
"""Letters that usually count something: drawn as integers (`(-1)^n`, `\\binom{T}{2}`)."""
_UNSURE = (sympy.Abs, sympy.sign, sympy.Piecewise, sympy.floor, sympy.ceiling, sympy.Max, sympy.Min,
           sympy.Sum, sympy.Product, sympy.Integral, sympy.Derivative, sympy.Indexed)


ZERO = 10**6
"""The lowest order of an expression that is zero."""


class _NotSeries(Exception):
    """A side is not a power series in ε at a point drawn."""


@dataclass(frozen=True)
class _Expansion:
    coefficients: dict[int, sympy.Expr]  # order -> coefficient (rational numbers)
    lowest: int


def check(step: str, lhs: sympy.Expr, rhs: sympy.Expr, regime: Regime | None, seed: int) -> StepResult | None:
    """The verdict on `lhs \\approx rhs` by order in the regime's small quantities, or None when the
    step involves none of them (or something the ordinary check should report, an undefined function)."""
    if regime is None or not regime.small:
        return None
    bare = {s.name: s for s in (lhs.free_symbols | rhs.free_symbols)
            if isinstance(s, sympy.Symbol) and s.name in regime.small}
    lhs, rhs = _products_for_scalars(lhs, bare), _products_for_scalars(rhs, bare)
    symbols = {s for s in (lhs.free_symbols | rhs.free_symbols) if isinstance(s, sympy.Symbol)}
    small = sorted((s for s in symbols if s.name in regime.small), key=str)
    if not small:
        return None
    if any(isinstance(n, sympy.core.function.AppliedUndef) for e in (lhs, rhs) for n in sympy.preorder_traversal(e)):
        return None
    names = _names(small)
    where = f" ({regime.where})" if regime.where else ""
    large = sorted(s.name for s in symbols if s.name in regime.large)
    if large:
        return _unchecked(step, APPROXIMATION_OTHER_REGIME, names=names, where=where,
                          why=f"the text also calls {', '.join(large)} large")
    if any(e.has(*_UNSURE) for e in (lhs, rhs)):
        return _unchecked(step, APPROXIMATION_NOT_SERIES, names=names, where=where,
                          why="it holds an absolute value, a sum, an array element or a piecewise part")
    if sympy.count_ops(lhs) + sympy.count_ops(rhs) > MAX_OPS:
        return None  # too large to expand within the budget of one formula: the ordinary check decides
    epsilon = sympy.Dummy("epsilon", positive=True)
    others = sorted(symbols - set(small), key=str)
    rng = random.Random(seed)
    uniform = _compare(lhs, rhs, small, others, {s: 1 for s in small}, epsilon, rng)
    if uniform.why is not None:
        reason = APPROXIMATION_NOT_SERIES if uniform.kind == "not-series" else APPROXIMATION_OTHER_REGIME
        return _unchecked(step, reason, names=names, where=where, why=uniform.why)
    if uniform.kind == "agree":
        return StepResult(step, "verified", relation="approx",
                          how=f"approximation to {uniform.words()} in the small {names}{where}, "
                              f"expanded at {POINTS} random points")
    # A truncation can be right when one small quantity is much smaller than another (h of the size of
    # σ²): refuted only when no such ordering of the small quantities makes it consistent.
    for smaller in small if len(small) > 1 else ():
        weights = {s: 2 if s == smaller else 1 for s in small}
        if _compare(lhs, rhs, small, others, weights, epsilon, rng).kind == "agree":
            return _unchecked(step, APPROXIMATION_OTHER_REGIME, names=names, where=where,
                              why=f"its sides agree through the order it keeps when {smaller} is much smaller "
                                  "than the other small quantities")
    assert uniform.found is not None
    return _refuted(step, lhs, rhs, small, epsilon, uniform.found, names, where)


@dataclass(frozen=True)
class _Comparison:
    kind: str  # "agree", "differ", "not-series", "other"
    claimed: int = 0
    leading: bool = False  # the right side keeps only its leading order
    why: str | None = None  # for "not-series" and "other"
    found: tuple[int, int, sympy.Expr, sympy.Expr, dict[sympy.Symbol, sympy.Rational]] | None = None

    def words(self) -> str:
        return f"leading order ({_order_words(self.claimed)})" if self.leading else _order_words(self.claimed)


def _compare(lhs: sympy.Expr, rhs: sympy.Expr, small: list[sympy.Symbol], others: list[sympy.Symbol],
             weights: dict[sympy.Symbol, int], epsilon: sympy.Dummy, rng: random.Random) -> _Comparison:
    """Both sides expanded in ε with each small quantity scaled by ε to its weight, at POINTS points."""
    scaled = {s: epsilon ** weights[s] * s for s in small}
    left, right = lhs.xreplace(scaled), rhs.xreplace(scaled)
    terms = sympy.Add.make_args(right)
    found: list[tuple[int, int, sympy.Expr, sympy.Expr, dict[sympy.Symbol, sympy.Rational]]] = []
    claimed = None
    for _ in range(POINTS):
        point = _draw(small, others, rng)
        try:
            kept = [o for o in (_expand(t.xreplace(point), epsilon, None).lowest for t in terms) if o != ZERO]
            order = max(kept, default=0)  # `r g \approx 0` claims the left side vanishes with ε
            a = _expand(left.xreplace(point), epsilon, order)
            b = _expand(right.xreplace(point), epsilon, order)
        except _NotSeries as exc:
            return _Comparison("not-series", why=str(exc))
        if claimed is not None and order != claimed:
            return _Comparison("not-series", why="the order its right side keeps depends on the point drawn")
        claimed = order
        lowest = min(a.lowest, b.lowest)
        differing = [k for k in range(lowest, order + 1)
                     if _nonzero(a.coefficients.get(k, sympy.Integer(0)) - b.coefficients.get(k, sympy.Integer(0)))]
        if not differing:
            continue
        first = differing[0]
        if first == lowest:
            return _Comparison("other", why="its sides differ already at leading order")
        found.append((first, order, a.coefficients.get(first, sympy.Integer(0)),
                      b.coefficients.get(first, sympy.Integer(0)), point))
    assert claimed is not None
    if not found:
        return _Comparison("agree", claimed, leading=claimed == b.lowest)
    # A coefficient that differs is a rational function of the other names: it may vanish where a counting
    # letter is drawn small (`n - 2` at n = 2), never at most points. Refuted when most points show it.
    if 2 * len(found) <= POINTS or len({f[0] for f in found}) != 1:
        return _Comparison("other", why="its sides agree at some points drawn and not at others")
    return _Comparison("differ", claimed, found=found[0])


def _refuted(step: str, lhs: sympy.Expr, rhs: sympy.Expr, small: list[sympy.Symbol], epsilon: sympy.Dummy,
             found: tuple[int, int, sympy.Expr, sympy.Expr, dict[sympy.Symbol, sympy.Rational]],
             names: str, where: str) -> StepResult:
    order, claimed, _, _, point = found
    kept = _term(rhs, small, epsilon, order)
    true = _term(lhs, small, epsilon, order)
    shown = {s: (v * SMALL_SCALE if s in small else v) for s, v in point.items()}
    values: tuple[float | None, float | None]
    try:
        values = (float(lhs.xreplace(shown)), float(rhs.xreplace(shown)))
    except (TypeError, ValueError, ZeroDivisionError):
        values = (None, None)
    if kept is not None and true is not None:
        terms = f"its {_order_words(order)} term is {_shown(kept)}, but the left side's is {_shown(true)}"
    else:
        terms = f"its {_order_words(order)} term differs from the left side's"
    reason = (f"with {names} small{where}, the right side keeps terms through {_order_words(claimed)}, and "
              f"{terms}: the step loses more than the small quantities allow")
    fix = f"the {_order_words(order)} term {_shown(true)}" if true is not None else None
    return StepResult(step, "refuted", how=f"approximation order in the small {names}", relation="approx",
                      reason=reason, point={str(s): float(v) for s, v in shown.items()}, lhs=values[0],
                      rhs=values[1], fix=fix)


def _term(expr: sympy.Expr, small: list[sympy.Symbol], epsilon: sympy.Dummy, order: int) -> sympy.Expr | None:
    """The part of `expr` of degree `order` in the small quantities, in the reader's symbols."""
    if sympy.count_ops(expr) > MAX_OPS:
        return None
    scaled = expr.xreplace({s: epsilon * s for s in small})
    rational = _rational_expansion(scaled, epsilon, order, symbolic=True)
    try:
        if rational is not None:
            coefficient = rational.coefficients.get(order, sympy.Integer(0))
        else:
            series = sympy.series(scaled, epsilon, 0, order + 1).removeO()
            coefficient = sympy.expand(series).coeff(epsilon, order)
    except (ValueError, NotImplementedError, TypeError, ZeroDivisionError):
        return None
    if coefficient.has(epsilon):
        return None
    return sympy.factor(sympy.cancel(coefficient))


def _expand(expr: sympy.Expr, epsilon: sympy.Dummy, through: int | None) -> _Expansion:
    """The Laurent coefficients of `expr` (numbers but for ε) through order `through`; only the
    leading one when `through` is None."""
    if not expr.has(epsilon):
        value = sympy.nsimplify(expr) if expr.is_number else expr
        if value == 0:
            return _Expansion({}, ZERO)
        return _Expansion({0: value}, 0)
    rational = _rational_expansion(expr, epsilon, through)
    if rational is not None:
        return rational
    try:
        leading = expr.as_leading_term(epsilon)
        coefficient, lowest = leading.as_coeff_exponent(epsilon)
    except (ValueError, NotImplementedError, TypeError, ZeroDivisionError) as exc:
        raise _NotSeries("its expansion cannot be taken") from exc
    if not (lowest.is_integer and coefficient.is_number and coefficient != 0) or coefficient.has(sympy.log):
        raise _NotSeries("a side has a logarithm or a fractional power of a small quantity")
    lowest = int(lowest)
    if through is None:
        return _Expansion({lowest: coefficient}, lowest)
    try:
        series = sympy.series(expr, epsilon, 0, through + 1).removeO()
    except (ValueError, NotImplementedError, TypeError, ZeroDivisionError) as exc:
        raise _NotSeries("its expansion cannot be taken") from exc
    coefficients: dict[int, sympy.Expr] = {}
    for term in sympy.Add.make_args(sympy.expand(series)):
        c, k = term.as_coeff_exponent(epsilon)
        if c.has(epsilon) or not k.is_integer or not c.is_number or c.has(sympy.log):
            raise _NotSeries("a side has a logarithm or a fractional power of a small quantity")
        coefficients[int(k)] = coefficients.get(int(k), sympy.Integer(0)) + c
    return _Expansion(coefficients, lowest)


def _rational_expansion(expr: sympy.Expr, epsilon: sympy.Dummy, through: int | None,
                        symbolic: bool = False) -> _Expansion | None:
    """The Laurent coefficients of a rational function of ε by dividing power series (fast, exact):
    with rational coefficients, or with `symbolic` ones in the other names; None for anything else
    (SymPy's series then)."""
    if not expr.is_rational_function(epsilon):
        return None
    numerator, denominator = sympy.fraction(sympy.together(expr))
    try:
        top = sympy.Poly(numerator, epsilon, domain=None if symbolic else "QQ")
        bottom = sympy.Poly(denominator, epsilon, domain=None if symbolic else "QQ")
    except (sympy.PolynomialError, sympy.CoercionFailed):
        return None
    if top.is_zero:
        return _Expansion({}, ZERO)

    def coefficients(poly: sympy.Poly) -> list[sympy.Expr]:
        found = [poly.coeff_monomial(epsilon**k) for k in range(poly.degree() + 1)]
        return [sympy.expand(c) for c in found] if symbolic else found

    a, b = coefficients(top), coefficients(bottom)
    shift_a = next(k for k, c in enumerate(a) if c != 0)
    shift_b = next(k for k, c in enumerate(b) if c != 0)
    a, b = a[shift_a:], b[shift_b:]
    lowest = shift_a - shift_b
    count = 1 if through is None else max(1, through - lowest + 1)
    quotient: list[sympy.Expr] = []
    for k in range(count):  # a = b q, term by term
        known = sum((b[j] * quotient[k - j] for j in range(1, min(k, len(b) - 1) + 1)), sympy.Integer(0))
        term = ((a[k] if k < len(a) else 0) - known) / b[0]
        quotient.append(sympy.cancel(term) if symbolic else term)
    return _Expansion({lowest + k: q for k, q in enumerate(quotient) if q != 0}, lowest)


def _draw(small: list[sympy.Symbol], others: list[sympy.Symbol],
          rng: random.Random) -> dict[sympy.Symbol, sympy.Rational]:
    """Distinct positive rationals (integers >= 2 for counting letters), so ratios such as r̂ - ĝ
    are never degenerate by construction."""
    used: set[Fraction] = set()
    point: dict[sympy.Symbol, sympy.Rational] = {}
    for s in [*small, *others]:
        while True:
            if s.name in INTEGER_LETTERS and s not in small:
                value = Fraction(rng.randint(2, 9))
            else:
                value = Fraction(rng.randint(3, 29), rng.randint(2, 9))
            if value not in used:
                break
        used.add(value)
        point[s] = sympy.Rational(value.numerator, value.denominator)
    return point


def _products_for_scalars(expr: sympy.Expr, bare: dict[str, sympy.Symbol]) -> sympy.Expr:
    """`r g(T+1)` where the text calls `g` a small number, uses it bare in the step (`r - g`) and defines
    no function `g`: the parentheses multiply, as a reader reads them."""

    def scalar(node: sympy.Basic) -> bool:
        return isinstance(node, sympy.core.function.AppliedUndef) and str(node.func) in bare \
            and len(node.args) == 1

    def powered(node: sympy.Expr) -> sympy.Expr:  # `g(T+1)^2` is g (T+1)^2 once `g` is a number
        return bare[str(node.base.func)] * node.base.args[0] ** node.exp

    expr = expr.replace(lambda n: isinstance(n, sympy.Pow) and scalar(n.base), powered)
    return expr.replace(scalar, lambda n: bare[str(n.func)] * n.args[0])


def _nonzero(value: sympy.Expr) -> bool:
    if value.is_Rational:
        return bool(value != 0)
    return bool(sympy.simplify(value) != 0)


def _names(small: list[sympy.Symbol]) -> str:
    names = [s.name for s in small]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _order_words(order: int) -> str:
    return f"order {order}"


def _unchecked(step: str, reason: Reason, **fields: str) -> StepResult:
    return StepResult(step, "unchecked", reason=reason.say(**fields), relation="approx", code=reason.code)


def _shown(expr: sympy.Expr) -> str:
    """A term as a reader writes it (`r - g`, not `-g + r`)."""
    return sympy.sstr(expr, order="old")
