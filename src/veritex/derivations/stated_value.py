"""Stated values: a closed numeric expression `\\approx` a decimal number claims the digits shown.

`\\frac{1-\\theta}{\\theta^2} \\approx 90.0` with `\\theta` bound to 0.1 is refuted when the two differ
by more than one unit in the last digit shown (0.1 here); an `\\approx` between expressions, or one
whose other side still has a free name, is left to the ordinary check (never refuted).
"""

from __future__ import annotations

import math

import sympy

from veritex.math import ast

from .results import StepResult
from .values import decimal_of

PRECISION = 30
"""Significant digits the closed side is evaluated to."""


def closed_value(expr: sympy.Expr) -> float | None:
    """The value of an expression with no free name, when it is a finite real number."""
    if not isinstance(expr, sympy.Expr) or expr.free_symbols:
        return None
    try:
        value = complex(sympy.N(expr, PRECISION))
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if value.imag != 0 or not math.isfinite(value.real):
        return None
    return value.real


def check(step: str, left: ast.Expr, right: ast.Expr, lhs: sympy.Expr, rhs: sympy.Expr) -> StepResult | None:
    """The verdict on `left \\approx right` when one side is a decimal and the other closed; else None."""
    for stated, expression, computed_first in ((decimal_of(right), lhs, True), (decimal_of(left), rhs, False)):
        if stated is None:
            continue
        value = closed_value(expression)
        if value is None:
            return None
        text, places = stated
        claimed = float(text)
        unit = 10.0 ** -places
        if abs(value - claimed) <= unit * (1 + 1e-9):
            return StepResult(step, "verified", how=f"to the {places} decimal place{'s' if places != 1 else ''} shown", relation="approx")
        if _another_base_agrees(expression, claimed, unit):
            return None
        pair = (value, claimed) if computed_first else (claimed, value)
        off = abs(value - claimed) / abs(value) if value else math.inf
        reason = (f"the expression evaluates to {_shown(value, places)}, not the {text} stated "
                  f"(≈ claims the {places} decimal place{'s' if places != 1 else ''} shown, to one unit; "
                  f"off by {off:.0%})")
        return StepResult(step, "refuted", how="stated value", lhs=pair[0], rhs=pair[1], relation="approx",
                          reason=reason, fix=f"≈ {value:.{places}f}")
    return None


def _another_base_agrees(expression: sympy.Expr, claimed: float, unit: float) -> bool:
    """A logarithm whose base the text may not state: the digits of a base-10 or base-2 reading leave the
    claim in doubt, so nothing is said."""
    if not expression.has(sympy.log):
        return False
    for base in (10, 2):
        other = closed_value(expression.replace(sympy.log, lambda *a, b=base: sympy.log(*a) / sympy.log(b)))
        if other is not None and abs(other - claimed) <= unit * (1 + 1e-9):
            return True
    return False


def _shown(value: float, places: int) -> str:
    """The computed value with two more decimal places than the stated one."""
    if abs(value) < 10.0 ** -places:
        return f"{value:.3g}"
    return f"{value:.{places + 2}f}"
