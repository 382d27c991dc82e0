"""A step of a document about complex numbers: `i` (or `j`) read as the imaginary unit, never a real.

Verified symbolically, or numerically when both sides agree as complex numbers at random real values of
every other name (tried before `simplify`, which is slow on such identities); otherwise unchecked with
the listed reason. A complex reading is used to verify only: whether a mismatch is a mistake or a
convention of the text (a principal branch, a real part meant) is not certain enough to refute.
"""

from __future__ import annotations

import random

import sympy

from veritex.math.errors import Uninterpretable

from . import symbolic
from .plan import FormulaPlan, StepPlan
from .reasons import IMAGINARY_UNIT
from .results import StepResult
from .translate import translate_pair

POINTS = 8
RELATIVE = 1e-9


def check(step: StepPlan, plan: FormulaPlan, seed: int,
          budget: symbolic.Budget | None = None) -> StepResult:
    budget = budget if budget is not None else symbolic.Budget()
    unit = step.imaginary_unit or "i"
    levels = [(step.free, step.free_uses), (step.full, step.full_uses)]
    if step.free == step.full:
        levels = levels[1:]
    for (left, right), uses in levels:
        try:
            lhs, rhs = translate_pair(left, right, known=plan.known, sizes=plan.shapes.sizes, ranges=step.ranges)
        except Uninterpretable:
            continue
        swap = {s: sympy.I for s in lhs.free_symbols | rhs.free_symbols
                if isinstance(s, sympy.Symbol) and s.name == unit}
        lhs, rhs = symbolic.evaluate(lhs.xreplace(swap)), symbolic.evaluate(rhs.xreplace(swap))
        how = None
        # Expanding first, then sampling, and `simplify` last (it costs up to a second on
        # trigonometric identities with `I`): only when no point could be evaluated, since sides
        # seen to differ at a point cannot simplify to zero.
        if symbolic.expands_to_zero(lhs - rhs):
            how = "symbolic"
        else:
            agree = _agree(lhs, rhs, seed)
            if agree:
                how = f"numeric ({POINTS} points, {unit} the imaginary unit)"
            elif agree is None and budget.simplifies_to_zero(lhs - rhs):
                how = "symbolic"
        if how is not None:
            return StepResult(step.name, "verified", how=how, relation=step.relation, uses=list(uses) or None)
    return StepResult(step.name, "unchecked", reason=IMAGINARY_UNIT.say(name=unit), relation=step.relation,
                      code=IMAGINARY_UNIT.code)


def _agree(lhs: sympy.Expr, rhs: sympy.Expr, seed: int) -> bool | None:
    """Both sides equal as complex numbers at every sampled point (real values of the other names);
    None when they cannot be evaluated at points (a name that is not a plain symbol, no number)."""
    names = sorted(lhs.free_symbols | rhs.free_symbols, key=str)
    if any(not isinstance(n, sympy.Symbol) for n in names):
        return None
    rng = random.Random(seed)
    for _ in range(POINTS):
        point = {n: sympy.Float(rng.uniform(0.1, 2.0)) for n in names}
        try:
            left = complex(lhs.evalf(subs=point))
            right = complex(rhs.evalf(subs=point))
        except (TypeError, ValueError, ZeroDivisionError):
            return None
        if abs(left - right) > RELATIVE * max(1.0, abs(left), abs(right)):
            return False
    return True
