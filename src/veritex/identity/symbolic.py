"""Proving `lhs - rhs == 0` with SymPy, cheaply: rewrites that cost little, in order of cost.

`simplify` can take seconds on a large expression, and a check runs on every build, so it is tried
only on expressions of modest size. Failing to prove zero proves nothing: the numeric check decides.
"""

from __future__ import annotations

import sympy

MAX_OPS_FOR_SIMPLIFY = 120
MAX_OPS_FOR_EXPAND = 400


def is_zero(difference: sympy.Expr) -> bool:
    """Whether `difference` is identically zero, as far as cheap rewriting can tell."""
    if difference == 0:
        return True
    if difference.has(sympy.Sum, sympy.Product) and difference.free_symbols:
        difference = _combine_sums(difference)
        if difference == 0:
            return True
    ops = sympy.count_ops(difference)
    if ops <= MAX_OPS_FOR_EXPAND:
        try:
            if sympy.expand(difference) == 0:
                return True
            if sympy.cancel(sympy.together(difference)) == 0:
                return True
        except (sympy.PolynomialError, TypeError, ValueError, NotImplementedError):
            pass
    if ops <= MAX_OPS_FOR_SIMPLIFY:
        try:
            return bool(sympy.simplify(difference) == 0)
        except (TypeError, ValueError, NotImplementedError, RecursionError):
            return False
    return False


def _combine_sums(expr: sympy.Expr) -> sympy.Expr:
    """Sums over the same range merged and constant factors pulled out, so that
    `-2/n * Sum(x_i*r_i) + 2/n * Sum(x_i*r_i)` cancels."""
    try:
        expanded = sympy.expand(expr)
        return sympy.simplify(sympy.factor_terms(expanded)) if sympy.count_ops(expanded) <= 200 else expanded
    except (TypeError, ValueError, NotImplementedError, RecursionError):
        return expr
