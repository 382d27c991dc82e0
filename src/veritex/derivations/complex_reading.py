"""A step of a document about complex numbers: `i` (or `j`) read as the imaginary unit, never a real.

Verified symbolically, or numerically when both sides agree as complex numbers at random real values of
every other name; otherwise unchecked with the listed reason. A complex reading is used to verify only:
whether a mismatch is a mistake or a convention of the text (a principal branch, a real part meant) is not
certain enough to refute.
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


def check(step: StepPlan, plan: FormulaPlan, seed: int) -> StepResult:
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
        if symbolic.is_zero(lhs - rhs):
            how = "symbolic"
        elif _agree(lhs, rhs, seed):
            how = f"numeric ({POINTS} points, {unit} the imaginary unit)"
        if how is not None:
            return StepResult(step.name, "verified", how=how, relation=step.relation, uses=list(uses) or None)
    return StepResult(step.name, "unchecked", reason=IMAGINARY_UNIT.say(name=unit), relation=step.relation,
                      code=IMAGINARY_UNIT.code)


def _agree(lhs: sympy.Expr, rhs: sympy.Expr, seed: int) -> bool:
    """Both sides equal as complex numbers at every sampled point (real values of the other names)."""
    names = sorted(lhs.free_symbols | rhs.free_symbols, key=str)
    if any(not isinstance(n, sympy.Symbol) for n in names):
        return False
    rng = random.Random(seed)
    for _ in range(POINTS):
        point = {n: sympy.Float(rng.uniform(0.1, 2.0)) for n in names}
        try:
            left = complex(lhs.evalf(subs=point))
            right = complex(rhs.evalf(subs=point))
        except (TypeError, ValueError, ZeroDivisionError):
            return False
        if abs(left - right) > RELATIVE * max(1.0, abs(left), abs(right)):
            return False
    return True
