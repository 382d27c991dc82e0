"""Proving `lhs - rhs == 0` with SymPy, cheaply: rewrites that cost little, in order of cost.

`simplify` can take seconds on a large expression, and far longer on sums with symbolic bounds
(it looks for closed forms), while a check runs on every build. So the proof comes in two parts:
`is_zero(..., thorough=False)` only expands, cancels and merges sums by linearity (sums over the
same range become one sum, whose body must expand to zero), a few milliseconds; the checker tries it
before sampling. `simplify` (with its `trigsimp` and factoring over the Gaussian rationals, a
second or more for a few trigonometric or complex identities) is tried only when sampling could not
settle the step, and only on modest expressions without symbolic sums: a bound on the work, not on
wall time, so a verdict never depends on how busy the machine is. Failing to prove zero proves
nothing: the numeric check decides.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sympy

from veritex.math.evaluated_later import InfiniteSeries

SIMPLIFY_CALLS_PER_FORMULA = 4
"""`simplify` calls one formula may make; its later steps that sampling cannot settle stay unchecked."""
MAX_OPS_FOR_SIMPLIFY = 120
MAX_OPS_FOR_EXPAND = 400
MAX_EXPANDED_POWER = 40


def evaluate(expr: sympy.Expr) -> sympy.Expr:
    """Derivatives taken and substitutions made, without asking SymPy to close any sum."""

    def take(node: sympy.Basic) -> sympy.Basic:
        if isinstance(node, sympy.Derivative):
            body = evaluate(node.expr)
            for variable, count in node.variable_count:
                body = sympy.diff(body, variable, count)
            return body
        if isinstance(node, sympy.Subs):
            return evaluate(node.expr).subs(dict(zip(node.variables, node.point, strict=True)))
        return node

    if not expr.has(sympy.Derivative, sympy.Subs):
        return expr
    return expr.replace(lambda n: isinstance(n, sympy.Derivative | sympy.Subs), take)


def is_zero(difference: sympy.Expr, *, thorough: bool = True) -> bool:
    """Whether `difference` is identically zero, as far as cheap rewriting can tell; without
    `thorough`, as far as expanding and cancelling can (no `simplify`: see `simplifies_to_zero`)."""
    if expands_to_zero(difference):
        return True
    return thorough and simplifies_to_zero(difference)


def expands_to_zero(difference: sympy.Expr) -> bool:
    """Whether `difference` expands, cancels or merges (sums by linearity) to zero: milliseconds."""
    if difference == 0:
        return True
    if difference.has(sympy.Integral, InfiniteSeries):
        # `simplify` would look for antiderivatives and closed forms: quadrature decides instead
        return bool(sympy.expand(difference) == 0)
    if _has_symbolic_sum(difference):
        try:
            return bool(merge_sums(difference) == 0)
        except (TypeError, ValueError, NotImplementedError, RecursionError):
            return False
    if _large_powers(difference) or sympy.count_ops(difference) > MAX_OPS_FOR_EXPAND:
        return False  # expanding `(x + 1)^{3000}` takes minutes: the numeric check decides
    try:
        return bool(sympy.expand(difference) == 0 or sympy.cancel(sympy.together(difference)) == 0)
    except (sympy.PolynomialError, TypeError, ValueError, NotImplementedError):
        return False


def simplifies_to_zero(difference: sympy.Expr) -> bool:
    """Whether `simplify` proves `difference` zero, tried only within a bound on the work: a modest
    expression (at most MAX_OPS_FOR_SIMPLIFY operations), no sum with symbolic bounds, no large power.
    Seconds at worst: the checker asks only when sampling could not settle the step."""
    if difference == 0:
        return True
    if difference.has(sympy.Integral, InfiniteSeries):
        return False  # `simplify` would look for antiderivatives and closed forms: quadrature decides
    if _has_symbolic_sum(difference) or _large_powers(difference):
        return False
    if sympy.count_ops(difference) > MAX_OPS_FOR_SIMPLIFY:
        return False
    try:
        return bool(sympy.simplify(difference) == 0)
    except (TypeError, ValueError, NotImplementedError, RecursionError):
        return False


@dataclass
class Budget:
    """What one formula may still spend on `simplify`: a count of calls, each bounded in size, so
    that the verdicts are the same on a busy machine and an idle one."""

    calls: int = field(default_factory=lambda: SIMPLIFY_CALLS_PER_FORMULA)

    def simplifies_to_zero(self, difference: sympy.Expr) -> bool | None:
        """`simplifies_to_zero`, or None when the budget is spent (nothing was tried)."""
        if difference == 0:
            return True
        if self.calls <= 0:
            return None
        self.calls -= 1
        return simplifies_to_zero(difference)


def _large_powers(expr: sympy.Expr) -> bool:
    return any(isinstance(n, sympy.Pow) and isinstance(n.base, sympy.Add) and n.exp.is_Integer
               and abs(int(n.exp)) > MAX_EXPANDED_POWER for n in sympy.preorder_traversal(expr))


def _has_symbolic_sum(expr: sympy.Expr) -> bool:
    return any(isinstance(n, sympy.Sum | sympy.Product) and n.free_symbols - {lim[0] for lim in n.limits}
               and any(not (low.is_number and high.is_number) for _, low, high in n.limits)
               for n in sympy.preorder_traversal(expr))


def merge_sums(expr: sympy.Expr, depth: int = 0) -> sympy.Expr:
    """`expr` expanded, with sums over the same range merged into one (their index renamed to a
    common one), recursively inside the merged bodies."""
    expanded = sympy.expand(expr)
    groups: dict[tuple[sympy.Expr, sympy.Expr], sympy.Expr] = defaultdict(lambda: sympy.Integer(0))
    rest: list[sympy.Expr] = []
    for term in sympy.Add.make_args(expanded):
        factors = sympy.Mul.make_args(term)
        sums = [f for f in factors if isinstance(f, sympy.Sum) and len(f.limits) == 1]
        if len(sums) != 1:
            rest.append(term)
            continue
        total = sums[0]
        variable, low, high = total.limits[0]
        coefficient = sympy.Mul(*(f for f in factors if f is not total))
        if variable in coefficient.free_symbols:
            rest.append(term)
            continue
        common = sympy.Symbol(f"_k{depth}", integer=True)
        groups[(low, high)] += coefficient * total.function.xreplace({variable: common})
    out = sympy.Add(*rest)
    for (low, high), body in groups.items():
        merged = merge_sums(body, depth + 1)
        if merged != 0:
            out += sympy.Sum(merged, (sympy.Symbol(f"_k{depth}", integer=True), low, high))
    return out
