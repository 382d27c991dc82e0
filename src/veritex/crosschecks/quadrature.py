"""Total mass and moments of a density or a mass function at one choice of its parameters: numeric
quadrature and summation with mpmath, saying "cannot tell" (None) when the integral or the sum does not
settle, rather than a number it does not trust."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import mpmath
import sympy

from .distributions import Domain, Support

DIGITS = 15
MAX_TERMS = 20000
_TAIL = 1e6  # a density must fall faster than 1/x by here for its integral over an infinite range to count


def sample_points(domains: Mapping[sympy.Symbol, Domain], count: int = 3) -> list[dict[sympy.Symbol, float]]:
    """`count` choices of the parameters inside their domains, away from the ends (a probability is
    drawn from (0, 1), a rate from (0, ∞))."""
    fractions = (0.23, 0.61, 0.84, 0.37)
    spreads = (0.45, 0.8, 1.3, 0.6)
    points = []
    for n in range(count):
        point: dict[sympy.Symbol, float] = {}
        for j, (symbol, domain) in enumerate(sorted(domains.items(), key=lambda kv: kv[0].name)):
            turn = (n + j) % len(fractions)
            if domain.integer:
                point[symbol] = float(int(domain.low) + (n + j) % max(1, int(domain.high - domain.low) + 1))
            elif math.isfinite(domain.low) and math.isfinite(domain.high):
                point[symbol] = domain.low + (domain.high - domain.low) * fractions[turn]
            elif math.isfinite(domain.low):
                point[symbol] = domain.low + spreads[turn]
            elif math.isfinite(domain.high):
                point[symbol] = domain.high - spreads[turn]
            else:
                point[symbol] = spreads[turn] - 1.1
        points.append(point)
    return points


def function_at(expr: sympy.Expr, variable: sympy.Symbol,
                point: Mapping[sympy.Symbol, float]) -> Callable[[object], object]:
    """The function of the variable alone, evaluated in floats (fast) and, where floats fail (a
    factorial of a float, a logarithm of a negative), with mpmath."""
    params = tuple(sorted(expr.free_symbols - {variable}, key=lambda s: s.name))
    fast, exact = _compiled(expr, variable, params)
    values = [point[s] for s in params]
    exact_values = [mpmath.mpf(v) for v in values]

    def f(x: object) -> object:
        if fast is not None:
            try:
                return mpmath.mpf(fast(float(x), *values))  # type: ignore[arg-type]
            except (ValueError, TypeError, OverflowError, ZeroDivisionError, NameError, AttributeError):
                pass
        return exact(x, *exact_values)

    return f


_COMPILED: dict[tuple[sympy.Expr, sympy.Symbol], tuple[Any, Any]] = {}


def _compiled(expr: sympy.Expr, variable: sympy.Symbol, params: tuple[sympy.Symbol, ...]) -> tuple[Any, Any]:
    """The expression as Python functions of (variable, *parameters), in floats and in mpmath; kept, since
    every sampled point and every rebuild asks for the same few laws."""
    key = (expr, variable)
    if key not in _COMPILED:
        if len(_COMPILED) > 512:
            _COMPILED.clear()
        exact = sympy.lambdify((variable, *params), expr, modules="mpmath")
        try:
            fast = sympy.lambdify((variable, *params), expr, modules="math")
        except (TypeError, ValueError, NameError, KeyError):
            fast = None
        _COMPILED[key] = (fast, exact)
    return _COMPILED[key]


def bounds_at(support: Support, point: Mapping[sympy.Symbol, float]) -> tuple[Any, Any] | None:
    values = []
    for bound in (support.low, support.high):
        value = bound.xreplace({s: sympy.Float(v, DIGITS) for s, v in point.items()})
        if value == sympy.oo:
            values.append(mpmath.inf)
        elif value == -sympy.oo:
            values.append(-mpmath.inf)
        elif value.is_number:
            values.append(mpmath.mpf(str(sympy.Float(value, DIGITS))))
        else:
            return None
    return values[0], values[1]


_KEPT: dict[tuple[object, ...], float | None] = {}


def total(f: Callable[[object], object], support: Support, point: Mapping[sympy.Symbol, float],
          power: int = 0, key: object = None) -> float | None:
    """The integral (or sum) of `x^power f(x)` over the support; None when it does not converge or
    is not a real number. `key` names the function, so a second check asking the same is answered from
    memory."""
    if key is None:
        return _total(f, support, point, power)
    memo = (key, support.discrete, support.low, support.high, tuple(sorted(point.items(), key=str)), power)
    if memo not in _KEPT:
        if len(_KEPT) > 4096:
            _KEPT.clear()
        _KEPT[memo] = _total(f, support, point, power)
    return _KEPT[memo]


def _total(f: Callable[[object], object], support: Support, point: Mapping[sympy.Symbol, float],
           power: int) -> float | None:
    ends = bounds_at(support, point)
    if ends is None:
        return None
    low, high = ends
    with mpmath.workdps(DIGITS):
        try:
            if support.discrete:
                return _sum(f, low, high, power)
            return _integral(f, low, high, power)
        except (ZeroDivisionError, OverflowError, ValueError, TypeError):
            return None


def _real(value: object) -> float | None:
    if isinstance(value, mpmath.mpc):
        if abs(value.imag) > 1e-20 * max(1, abs(value.real)):
            return None
        value = value.real
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _integral(f: Callable[[object], object], low: Any, high: Any, power: int) -> float | None:
    def g(x: object) -> object:
        return x ** power * f(x) if power else f(x)  # type: ignore[operator]

    for end, sign in ((high, 1), (low, -1)):
        if end in (mpmath.inf, -mpmath.inf):
            far = _real(g(mpmath.mpf(sign * _TAIL)))
            if far is None or abs(far) * _TAIL > 1e-4:
                return None
    value, error = mpmath.quad(g, [low, high], error=True)
    number = _real(value)
    if number is None or _real(error) is None or float(error) > 1e-8 * max(1.0, abs(number)):
        return None
    return number


def _sum(f: Callable[[object], object], low: Any, high: Any, power: int) -> float | None:
    if not (mpmath.isint(low) and (high == mpmath.inf or mpmath.isint(high))):
        return None
    start = int(low)
    stop = start + MAX_TERMS if high == mpmath.inf else int(high)
    if stop - start > MAX_TERMS:
        return None
    total_ = mpmath.mpf(0)
    small = 0
    for i in range(start, stop + 1):
        term = _real(f(mpmath.mpf(i)))
        if term is None:
            return None
        term *= float(i) ** power if power else 1.0
        total_ += term
        if high == mpmath.inf:
            small = small + 1 if abs(term) <= 1e-18 * max(1.0, abs(float(total_))) else 0
            if small >= 20:
                return float(total_)
    return float(total_) if high != mpmath.inf else None


def negative_value(f: Callable[[object], object], support: Support,
                   point: Mapping[sympy.Symbol, float]) -> tuple[float, float] | None:
    """A place in the support where f is negative, and its value there (None when f is never seen
    negative)."""
    ends = bounds_at(support, point)
    if ends is None:
        return None
    low, high = ends
    if support.discrete:
        stop = int(low) + 50 if high == mpmath.inf else min(int(high), int(low) + 200)
        xs = [float(i) for i in range(int(low), stop + 1)]
    else:
        lo = float(low) if low != -mpmath.inf else -50.0
        hi = float(high) if high != mpmath.inf else 50.0
        xs = [lo + (hi - lo) * (j + 0.5) / 81 for j in range(81)]
    with mpmath.workdps(DIGITS):
        for x in xs:
            try:
                value = _real(f(mpmath.mpf(x)))
            except (ZeroDivisionError, OverflowError, ValueError, TypeError):
                continue
            if value is not None and value < -1e-12:
                return x, value
    return None


def name_of(value: float) -> str | None:
    """A closed form for a simple constant (π, π/2, √(2π), 2), for messages."""
    for q in (1, 2, 3, 4, 6, 8, 12):
        for p in range(1, 25):
            for base, text in ((1.0, ""), (math.pi, "π"), (math.sqrt(math.pi), "√π"),
                               (math.sqrt(2 * math.pi), "√(2π)"), (math.e, "e")):
                if abs(value - p / q * base) <= 1e-9 * max(1.0, abs(value)):
                    if not text:
                        return f"{p}/{q}" if q > 1 else str(p)
                    coefficient = "" if p == 1 else str(p)
                    return f"{coefficient}{text}" + (f"/{q}" if q > 1 else "")
    return None
