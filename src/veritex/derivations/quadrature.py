"""Definite integrals evaluated at a point by numeric quadrature (mpmath's Gauss-Legendre and
tanh-sinh rules), nested integrals included, and series written with dots that run on forever, by
their partial sums, for the identity check's sampling.

An improper integral (a limit at ±∞) is evaluated only when its integrand visibly decays faster
than 1/x there: |x f(x)| small far out. Otherwise the point has no value, as a divergent or merely
conditionally convergent integral (`\\int_1^\\infty dx/x`, `\\int_0^\\infty \\sin x / x\\,dx`) would give
quadrature a number that means nothing. A point without a value is skipped, like any point where a
side is not a finite real number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import mpmath
import sympy

from veritex.math.evaluated_later import DefiniteIntegral, InfiniteSeries

FAR = (1e4, 1e6, 1e8)
"""Where an improper integrand is looked at to judge that it decays."""
DECAY = 1e-4
"""The most |x f(x)| may be at those places for the integral to count as convergent."""

Evaluator = Callable[..., Any]
FLOAT_DIGITS = 15
_FAILURES = (ArithmeticError, ValueError, TypeError, mpmath.libmp.NoConvergence)


class NoValue(Exception):
    """The integral has no finite value at this point (or quadrature cannot tell it)."""


SERIES_TERMS = {15: 400, 40: 2000}
"""Terms of an infinite series summed at 15 and at 40 digits; the last fifty must be negligible."""


def has_integrals(*exprs: sympy.Expr) -> bool:
    """Whether the expressions hold an integral or an infinite series, evaluated here point by point."""
    return any(e.has(DefiniteIntegral, InfiniteSeries) for e in exprs)


def compile_expr(expr: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> Evaluator:
    """A function of the symbols' values giving `expr` as an mpmath number; raises NoValue."""
    outer = _outermost(expr)
    if not outer:
        fn = sympy.lambdify(list(symbols), expr, modules="mpmath")
        return fn  # type: ignore[no-any-return]
    slots = [sympy.Dummy(f"I{k}") for k in range(len(outer))]
    inner = [_compile_integral(node, symbols) for node in outer]
    base = sympy.lambdify([*symbols, *slots], expr.xreplace(dict(zip(outer, slots, strict=True))),
                          modules="mpmath")

    def evaluate(*values: Any) -> Any:
        return base(*values, *(integral(*values) for integral in inner))

    return evaluate


def _outermost(expr: sympy.Expr) -> list[sympy.Expr]:
    found: list[sympy.Expr] = []

    def visit(node: sympy.Basic) -> None:
        if isinstance(node, DefiniteIntegral | InfiniteSeries):
            if node not in found:
                found.append(node)
            return
        for arg in node.args:
            visit(arg)

    visit(expr)
    return found


def _compile_integral(node: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> Evaluator:
    if isinstance(node, InfiniteSeries):
        return _compile_series(node, symbols)
    # `Integral(f, (x, a, b), (y, c, d))`: the first limit is the innermost.
    *inner_limits, (variable, low, high) = node.limits
    body = DefiniteIntegral(node.function, *inner_limits) if inner_limits else node.function
    t = sympy.Dummy("t")
    integrand = compile_expr(body.xreplace({variable: t}), [*symbols, t])
    lower = compile_expr(low, symbols)
    upper = compile_expr(high, symbols)
    breaks = [compile_expr(point, symbols) for point in _breakpoints(body, variable)]

    def value(*values: Any) -> Any:
        a, b = _real(lower(*values)), _real(upper(*values))
        inside = sorted({_real(point(*values)) for point in breaks} - {a, b})
        inside = [c for c in inside if min(a, b) < c < max(a, b)]
        nodes = [a, *(inside if a <= b else inside[::-1]), b]

        def f(x: Any) -> Any:
            return integrand(*values, x)

        for end in (a, b):
            if mpmath.isinf(end):
                _require_decay(f, 1 if end > 0 else -1)
        # Gauss-Legendre is quick on the smooth integrands most formulas have; tanh-sinh copes with
        # singular ends, and alone confirms a disagreement at 40 digits.
        methods = ("gauss-legendre", "tanh-sinh") if mpmath.mp.dps <= FLOAT_DIGITS else ("tanh-sinh",)
        for method in methods:
            try:
                result, error = mpmath.quad(f, nodes, error=True, method=method)
            except _FAILURES as exc:
                raise NoValue(f"integral cannot be evaluated ({exc})") from None
            result = _real(result)
            # A kink, a singularity inside the interval or an oscillation leaves the rule unsure of its
            # digits: such a value could refute a true formula, so it is not used.
            if abs(error) <= mpmath.mpf(10) ** (8 - mpmath.mp.dps) * (1 + abs(result)):
                return result
        raise NoValue("integral has digits quadrature cannot settle (a kink, a singularity or an oscillation)")

    return value


def _compile_series(node: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> Evaluator:
    (index, low, _high), = node.limits
    k = sympy.Dummy("k")
    term = compile_expr(node.function.xreplace({index: k}), [*symbols, k])
    start = int(low)

    def value(*values: Any) -> Any:
        count = SERIES_TERMS[15] if mpmath.mp.dps <= FLOAT_DIGITS else SERIES_TERMS[40]
        # Terms that do not shrink between the 50th and the 100th cannot make a convergent tail.
        if not abs(_real(term(*values, start + 100))) < abs(_real(term(*values, start + 50))) + mpmath.eps:
            raise NoValue("series has terms that do not visibly vanish (it may diverge here)")
        total = mpmath.mpf(0)
        tail = mpmath.mpf(0)
        for n in range(start, start + count):
            t = _real(term(*values, n))
            total += t
            if n >= start + count - 50:
                tail = max(tail, abs(t))
        if not tail <= mpmath.mpf(10) ** (1 - mpmath.mp.dps) * (1 + abs(total)):
            raise NoValue("series has terms that do not visibly vanish (it may diverge here)")
        return total

    return value


def _breakpoints(body: sympy.Expr, variable: sympy.Symbol) -> list[sympy.Expr]:
    """Where a piecewise integrand (a density given by cases) may jump: the values its conditions
    compare the variable with. Quadrature splits its interval there, since a jump inside an interval
    leaves the rule unsure of its digits."""
    points: list[sympy.Expr] = []
    for node in sympy.preorder_traversal(body):
        if not isinstance(node, sympy.Piecewise):
            continue
        for _, condition in node.args:
            for relation in condition.atoms(sympy.Rel):
                for this, other in ((relation.lhs, relation.rhs), (relation.rhs, relation.lhs)):
                    if this == variable and variable not in other.free_symbols and other not in points:
                        points.append(other)
    return points


def _real(value: Any) -> Any:
    value = +mpmath.mpmathify(value)  # a constant such as mpmath.pi becomes a number
    if isinstance(value, mpmath.mpc):
        if abs(value.imag) > 1e-12 * (1 + abs(value.real)):
            raise NoValue("value is complex")
        value = value.real
    if not isinstance(value, mpmath.mpf | int | float) or mpmath.isnan(value):
        raise NoValue("value is not a real number")
    return mpmath.mpf(value)


def _require_decay(f: Callable[[Any], Any], sign: int) -> None:
    for far in FAR:
        x = mpmath.mpf(sign * far)
        try:
            size = abs(x * _real(f(x)))
        except _FAILURES:
            raise NoValue("integral has an integrand that cannot be evaluated far out") from None
        if not size <= DECAY:
            raise NoValue("integral has an integrand that does not decay fast enough far out to be sure it converges")


def evaluate_at(fn: Evaluator, values: Sequence[float], digits: int = 15,
                failures: list[str] | None = None) -> Any:
    """`fn` at the point as an mpmath number of `digits` digits; None where it has no finite real
    value there (why an integral has none is added to `failures`)."""
    with mpmath.workdps(digits):
        try:
            out = _real(fn(*(mpmath.mpf(v) for v in values)))
        except NoValue as exc:
            if failures is not None:
                failures.append(str(exc))
            return None
        except _FAILURES:
            return None
        return out if mpmath.isfinite(out) else None
