"""Deciding each step of a plan: a cheap symbolic expansion, then random points, then `simplify`.

`simplify` (a second or more on some trigonometric identities) is tried only where the points cannot
settle a step: a function nothing defines, an infinite sum, no point where both sides are finite. A
step seen to hold at every point is verified numerically; one whose sides differ at a point (at 40
digits) cannot simplify to zero. Each formula may call `simplify` a few times (`symbolic.Budget`);
a step past that is unchecked with the listed reason `symbolic-budget`.

Each step is tried with bare names left free (an identity that holds for every value of `m` holds
for the `m` the prose defines), and, when that fails, with every definition substituted; only the
substituted form can refute. A step is refuted only when both sides are finite real numbers at a
point where they differ (confirmed at high precision), and only for scalar identities: a step over
whole arrays that fails is unchecked, since it may rely on a condition stated only in prose. An
approximation (`\\approx`) is refuted only by its order in quantities the text calls small
(`approximation_order.py`) or by the digits it states.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import sympy

from veritex.math import ast
from veritex.math.conditions import TOLERANCES, WITHIN_RELATIVE
from veritex.math.errors import Uninterpretable
from veritex.math.to_sympy import condition_to_sympy, to_sympy

from . import approximation_order, complex_reading, moment_check, numeric, stated_value, symbolic
from .numeric import Abstract, Domain, NumericOutcome, Sample, Unsampleable
from .plan import FormulaPlan, StepPlan
from .reasons import MATRIX_ARITHMETIC, SYMBOLIC_BUDGET, classify
from .results import FormulaResult, StepResult, format_point, format_value
from .translate import translate_pair

POINTS = 8
TOLERANCE_POINTS = 64
"""Points compared for an approximation with a stated tolerance: the claim is about every point."""
INTEGER_LETTERS = frozenset({"i", "j", "k", "l", "m", "n", "t", "N", "K", "T"})
"""Letters that usually count something; a step failing for real values is retried with them integer."""
MATRIX_FUNCTIONS = {"transpose": "a transpose", "hadamard": "a Hadamard product", "kron": "a Kronecker product",
                    "norm": "a norm", "max_over": "a maximum over an index", "min_over": "a minimum over an index",
                    "argmax_over": "an argmax", "argmin_over": "an argmin"}


class _Unchecked(Exception):
    def __init__(self, reason: str, offset: int | None = None) -> None:
        self.reason = reason
        self.offset = offset
        super().__init__(reason)


def check_plan(plan: FormulaPlan, seed: int) -> FormulaResult:
    budget = symbolic.Budget()  # shared by the formula's steps, in order: the verdicts do not vary
    return FormulaResult([_coded(check_step(step, plan, seed + k, budget))
                          for k, step in enumerate(plan.steps)])


def _coded(result: StepResult) -> StepResult:
    """Every unchecked step names its listed reason."""
    if result.status == "unchecked" and result.code is None:
        result.code = classify(result.reason or "").code
    return result


def check_step(step: StepPlan, plan: FormulaPlan, seed: int,
               budget: symbolic.Budget | None = None) -> StepResult:
    budget = budget if budget is not None else symbolic.Budget()
    result = StepResult(step.name, "unchecked", relation=step.relation)
    if step.abstract:
        result.reason = step.abstract
        result.code = step.abstract_code
        return result
    if step.imaginary_unit is not None:
        return complex_reading.check(step, plan, seed, budget)
    if step.moments is not None:
        return moment_check.check_step(step.name, step.relation, step.moments, seed)
    levels = [(step.free, step.free_uses), (step.full, step.full_uses)]
    if step.free == step.full:
        levels = levels[1:]
    if step.bound is not None:
        levels.append((step.bound, step.bound_uses))
    last: StepResult | None = None
    for k, ((left, right), uses) in enumerate(levels):
        final = k == len(levels) - 1
        try:
            outcome = _check_level(step, plan, left, right, seed, final, budget)
        except _Unchecked as exc:
            outcome = StepResult(step.name, "unchecked", reason=exc.reason, offset=exc.offset,
                                 relation=step.relation)
        except (TypeError, NotImplementedError, ValueError) as exc:
            if not _matrix_arithmetic(exc):
                raise
            outcome = StepResult(step.name, "unchecked", reason=MATRIX_ARITHMETIC.say(), relation=step.relation,
                                 code=MATRIX_ARITHMETIC.code)
        if uses and outcome.status != "unchecked":
            outcome.uses = list(uses)
        if outcome.status == "verified" or final:
            return outcome
        last = outcome
    assert last is not None
    return last


def _matrix_arithmetic(exc: Exception) -> bool:
    """SymPy refusing to combine a matrix written out with a scalar (`A - \\lambda` for `A - \\lambda I`,
    a scalar symbol inside a matrix product): the formula relies on a convention the check does not
    apply, not a failure of the check."""
    text = str(exc)
    return any(word in text for word in ("Matrix", "MatMul", "matrices", "Matrices", "ShapeError", "shape"))


def _check_level(step: StepPlan, plan: FormulaPlan, left: ast.Expr, right: ast.Expr, seed: int,
                 final: bool, budget: symbolic.Budget) -> StepResult:
    lhs, rhs = _translate(step, plan, left, right)
    differentiates = lhs.has(sympy.Derivative) or rhs.has(sympy.Derivative)
    domain = _domain(step.conditions, [lhs, rhs], plan)
    lhs = _apply_domain(symbolic.evaluate(lhs), domain)
    rhs = _apply_domain(symbolic.evaluate(rhs), domain)
    _refuse_matrix_meaning([lhs, rhs])
    if step.arrays and not step.elementwise:
        names = ", ".join(step.arrays)
        raise _Unchecked(f"it is an identity over whole arrays ({names}); sampled as scalars it would be "
                         "misread (matrix products do not commute, and a gradient may rely on conditions "
                         "stated only in prose, such as one-hot targets): vt.check tests it against code")
    if _undefined(lhs, rhs) and not final:
        return StepResult(step.name, "unchecked", reason="needs definitions", relation=step.relation)
    approximate = step.relation == "approx"
    if approximate:
        digits = stated_value.check(step.name, left, right, lhs, rhs)
        if digits is not None:
            return digits
        ordered = approximation_order.check(step.name, lhs, rhs, step.regime, seed)
        if ordered is not None:
            return ordered
    difference = lhs - rhs
    if symbolic.expands_to_zero(difference):
        return StepResult(step.name, "verified", how="symbolic", relation=step.relation)
    try:
        result = _sampled(step, plan, lhs, rhs, domain, seed, approximate, differentiates)
    except (_Unchecked, TypeError, NotImplementedError, ValueError) as exc:
        # Sampling cannot settle it (a function nothing defines, an infinite sum): `simplify` may.
        proved = budget.simplifies_to_zero(difference)
        if proved:
            return StepResult(step.name, "verified", how="symbolic", relation=step.relation)
        if proved is None and isinstance(exc, _Unchecked):
            return _out_of_budget(step, exc.reason, exc.offset)
        raise
    if result.status == "verified" or result.point is not None:
        return result  # settled by sampling, or sides that differ at a point (seen at 40 digits)
    proved = budget.simplifies_to_zero(difference)
    if proved:
        return StepResult(step.name, "verified", how="symbolic", relation=step.relation)
    if proved is None and result.status == "unchecked":
        return _out_of_budget(step, result.reason or "sampling could not settle it", result.offset)
    return result


def _out_of_budget(step: StepPlan, why: str, offset: int | None) -> StepResult:
    reason = SYMBOLIC_BUDGET.say(why=why, count=str(symbolic.SIMPLIFY_CALLS_PER_FORMULA))
    return StepResult(step.name, "unchecked", reason=reason, offset=offset, relation=step.relation,
                      code=SYMBOLIC_BUDGET.code)


def _sampled(step: StepPlan, plan: FormulaPlan, lhs: sympy.Expr, rhs: sympy.Expr, domain: Domain, seed: int,
             approximate: bool, differentiates: bool) -> StepResult:
    """The verdict of sampling: verified, refuted (the point and both values), or unchecked (why)."""
    tolerance = _tolerance(step.conditions, plan) if approximate else None
    points = TOLERANCE_POINTS if tolerance is not None else POINTS
    outcome, note = _sample(lhs, rhs, domain, seed, approximate, points)
    if step.elementwise:
        note += ", element by element"
    if tolerance is not None and outcome.status == "holds":
        bounded = bool(domain.lower or domain.upper or domain.fixed)
        result = _within_tolerance(step, outcome, tolerance, bounded)
    else:
        result = _verdict(step, outcome, approximate)
    if note and result.how:
        result.how = result.how[:-1] + note + ")"
    if result.status != "refuted":
        return result
    excused = _not_a_refutation(step, result, lhs, rhs, domain, differentiates)
    if excused is None and step.unrolled:
        result.fix = _difference(lhs, rhs)
    return excused or result


def _translate(step: StepPlan, plan: FormulaPlan, left: ast.Expr, right: ast.Expr) -> tuple[sympy.Expr, sympy.Expr]:
    try:
        lhs, rhs = translate_pair(left, right, known=plan.known, sizes=plan.shapes.sizes, ranges=step.ranges)
    except Uninterpretable as exc:
        where = "{where}" if exc.offset is not None else ""
        reason = f"cannot interpret {exc.construct} at {where}" + (f": {exc.reason}" if exc.reason else "")
        raise _Unchecked(reason, exc.offset) from None
    _refuse_vacuous_derivatives([lhs, rhs])
    return lhs, rhs


def _sample(lhs: sympy.Expr, rhs: sympy.Expr, domain: Domain, seed: int,
            approximate: bool, points: int = POINTS) -> tuple[NumericOutcome, str]:
    """The numeric outcome, and a note on how it was reached (`, k an integer`)."""
    try:
        outcome = numeric.sample_identity(lhs, rhs, domain, seed=seed, points=points, approximate=approximate)
        letters = _integer_letters([lhs, rhs], domain)
        if outcome.status != "holds" and letters and not approximate:
            # `\\cos(2\\pi k) = 1` is meant for integer k: try the usual integer letters as integers.
            as_integers = replace(domain, integers=domain.integers | set(letters))
            retry = numeric.sample_identity(lhs, rhs, as_integers, seed=seed + 1, points=POINTS)
            if retry.status == "holds":
                kind = "an integer" if len(letters) == 1 else "integers"
                return retry, f", {' and '.join(letters)} {kind}"
        return outcome, ""
    except Abstract as exc:
        raise _Unchecked(f"{', '.join(exc.names)} {'is' if len(exc.names) == 1 else 'are'} never defined: "
                         "an abstract statement no sample can test") from None
    except Unsampleable as exc:
        raise _Unchecked(str(exc)) from None


def _not_a_refutation(step: StepPlan, result: StepResult, lhs: sympy.Expr, rhs: sympy.Expr, domain: Domain,
                      differentiates: bool) -> StepResult | None:
    """The failing steps that are still not refuted: over arrays, about a quantity defined in words,
    or an equation rather than an identity. The evidence is kept; the verdict is unchecked."""
    reason = None
    derived = _one_sided_derived(lhs, rhs)
    # A derivative claims something about a function, for every value of its variable.
    unknowns = [] if differentiates or derived else _equation_unknowns(lhs, rhs, domain)
    if step.recurrent:
        reason = (f"{', '.join(step.recurrent)} is defined by a recurrence, and a relation among its terms "
                  "cannot be tested by drawing them freely")
    elif step.elementwise:
        reason = (f"over the arrays {', '.join(step.arrays)} it fails for unconstrained inputs; it may rely "
                  "on a condition stated only in prose (such as one-hot targets), so it is not refuted")
    elif derived:
        reason = (f"the sides differ for arbitrary {', '.join(derived)}, which appears on one side only and "
                  "which no formula defines: it may stand for a quantity the prose defines")
    elif unknowns:
        reason = (f"it holds only for some values of {', '.join(unknowns)}: an equation or a constraint "
                  "(such as weights that sum to one), not an identity")
    if reason is None:
        return None
    return StepResult(step.name, "unchecked", reason=reason, point=result.point, lhs=result.lhs,
                      rhs=result.rhs, relation=step.relation)


MAX_FIX_TERMS = 4


def _difference(lhs: sympy.Expr, rhs: sympy.Expr) -> str | None:
    """A recurrence unrolled: the few terms by which the sides differ, which is what a dropped or a
    doubled term in a hand-unrolled chain leaves."""
    gap = sympy.expand(lhs - rhs)
    if gap.is_zero or len(sympy.Add.make_args(gap)) > MAX_FIX_TERMS:
        return None
    return f"the left side minus the right side is {_as_written(gap)}: a term lost on one side"


def _as_written(gap: sympy.Expr) -> str:
    """`a b + a c W_{t-1}`: terms with fewer names first, parameters before indexed terms in each."""
    out = ""
    for term in sorted(sympy.Add.make_args(gap), key=lambda t: (len(t.free_symbols), sympy.default_sort_key(t))):
        coefficient, factors = term.as_coeff_mul()
        ordered = sorted(factors, key=lambda f: (any(c in str(f) for c in "_["), str(f)))
        body = " ".join(sympy.latex(f) for f in ordered)
        size = abs(coefficient)
        text = (body if size == 1 and body else f"{sympy.latex(size)} {body}".strip())
        sign = "-" if coefficient < 0 else "+"
        out += f" {sign} {text}" if out else ("-" if sign == "-" else "") + text
    return out


def _equation_unknowns(lhs: sympy.Expr, rhs: sympy.Expr, domain: Domain) -> list[str]:
    """`\\sum_k \\pi_k = 1`, `w_1 x_1 + w_2 x_2 + b = 0`: a constant on one side and a polynomial that
    still depends on its variables on the other is an equation to satisfy, not a claim for every
    value. A mistaken identity leaves a nonzero constant instead (`(x+1)^2 - x^2 - 2x = 2`), or
    functions that no polynomial equation describes (`\\sin^2 x + \\cos^2 x = 2`)."""
    if not (lhs.is_number or rhs.is_number):
        return []
    try:
        left, right = numeric.instantiate_first(lhs, rhs, domain)
        difference = sympy.expand(left - right)
    except (Abstract, Unsampleable, TypeError, ValueError):
        return []
    variables = sorted(difference.free_symbols, key=str)
    if not variables or not difference.is_polynomial(*variables):
        return []
    names = _names(lhs) | _names(rhs)
    return sorted(names & {str(v).split("[")[0] for v in variables}) or [str(v) for v in variables]


ACCENTED = ("_bar", "_hat", "_tilde", "_star", "_check")


def _one_sided_derived(lhs: sympy.Expr, rhs: sympy.Expr) -> list[str]:
    """Accented names (`\\bar{x}`, `\\hat{\\mu}`) on one side only: estimates and means whose
    definition, if any, is in words. A free variable is claimed for every value; these are not."""
    left, right = _names(lhs), _names(rhs)
    return sorted(n for n in left ^ right if any(a in n for a in ACCENTED))


def _names(expr: sympy.Expr) -> set[str]:
    names = {s.name for s in expr.free_symbols if isinstance(s, sympy.Symbol)}
    names |= {str(n.base.label) for n in sympy.preorder_traversal(expr) if isinstance(n, sympy.Indexed)}
    return names


def _integer_letters(exprs: list[sympy.Expr], domain: Domain) -> list[str]:
    names = {s.name for e in exprs for s in e.free_symbols if isinstance(s, sympy.Symbol) and not s.is_integer}
    fixed = {s.name for s in domain.fixed}
    return sorted((names & INTEGER_LETTERS) - fixed - domain.integers)


def _verdict(step: StepPlan, outcome: NumericOutcome, approximate: bool) -> StepResult:
    how = f"numeric ({outcome.points} point{'s' if outcome.points != 1 else ''})"
    if outcome.status == "unknown":
        return StepResult(step.name, "unchecked", reason=outcome.reason, relation=step.relation)
    if approximate:
        if outcome.max_relative <= numeric.RTOL:
            return StepResult(step.name, "verified", how=how, relation=step.relation)
        return StepResult(step.name, "unchecked", relation=step.relation,
                          reason=f"≈ is an approximation, never refuted; the sides differ by up to "
                                 f"{outcome.max_relative:.2g} (relative) at {outcome.points} random points")
    if outcome.status == "holds":
        return StepResult(step.name, "verified", how=how, relation=step.relation)
    failure = outcome.failure
    assert failure is not None
    return StepResult(step.name, "refuted", how=how, point=failure.point, lhs=failure.lhs, rhs=failure.rhs,
                      relation=step.relation)


@dataclass(frozen=True)
class Tolerance:
    """What a tolerance clause states: `\\text{to within } 10^{-3}` is absolute, `1\\%` and
    `\\text{relative error } 10^{-3}` are relative to the larger side."""

    value: float
    relative: bool
    text: str  # as a reader wrote it: "10^{-3}", "1%"

    def difference(self, sample: Sample) -> float:
        gap = abs(sample.lhs - sample.rhs)
        return gap / max(abs(sample.lhs), abs(sample.rhs), 1e-300) if self.relative else gap

    def words(self) -> str:
        return f"{'relative ' if self.relative else ''}tolerance {self.text}"


def _tolerance(conditions: tuple[ast.Condition, ...], plan: FormulaPlan) -> Tolerance | None:
    """The tolerance the formula's clauses state, if any."""
    for condition in conditions:
        if condition.keyword not in TOLERANCES or not isinstance(condition.body, ast.Statement):
            continue
        bound = condition.body.sides[0]
        try:
            value = None if condition.body.relations else to_sympy(bound, known=plan.known)
        except Uninterpretable:
            value = None
        if value is None or not (value.is_number and value.is_real and value.is_positive):
            raise _Unchecked(f"the tolerance after '{condition.text}' is not a positive number; "
                             "write one such as 10^{-3} or 1\\%", bound.span[0])
        number = float(value)
        percent = isinstance(bound, ast.Percent)
        return Tolerance(number, percent or condition.keyword == WITHIN_RELATIVE,
                         f"{number * 100:g}%" if percent else f"{number:g}")
    return None


def _within_tolerance(step: StepPlan, outcome: NumericOutcome, tolerance: Tolerance,
                      bounded: bool) -> StepResult:
    """An approximation with a stated tolerance: verified when every sampled point lies within it;
    otherwise unchecked with the worst point, since ≈ is a claim of closeness, never refuted."""
    worst = max(outcome.samples, key=tolerance.difference)
    gap = tolerance.difference(worst)
    shown = f"{gap * 100:.2g}%" if tolerance.text.endswith("%") else f"{gap:.2g}"
    if gap <= tolerance.value:
        return StepResult(step.name, "verified", relation=step.relation,
                          how=f"numeric ({outcome.points} points, within the stated {tolerance.words()}; "
                              f"largest {'relative ' if tolerance.relative else ''}difference {shown})")
    return StepResult(step.name, "unchecked", relation=step.relation, point=worst.point, lhs=worst.lhs,
                      rhs=worst.rhs,
                      reason=f"≈ is an approximation, never refuted, but the sides differ by {shown} at "
                             f"{format_point(worst.point)} ({format_value(worst.lhs)} against "
                             f"{format_value(worst.rhs)}), more than the stated {tolerance.words()}"
                             + ("" if bounded else "; if it holds only for some values, say for which "
                                "(\\text{for } |x| < 0.1)"))


def _refuse_vacuous_derivatives(exprs: Iterable[sympy.Expr]) -> None:
    """A derivative by a variable its body does not contain, where the text says it does (the plan
    checked that), means the translation lost the link: zero would be a verdict on a misreading."""
    for expr in exprs:
        for node in sympy.preorder_traversal(expr):
            if not isinstance(node, sympy.Derivative):
                continue
            body = node.expr
            for variable, _ in node.variable_count:
                if not _depends_on(body, variable):
                    raise _Unchecked(f"the derivative by {variable} does not see {variable} in what it "
                                     "differentiates, as read")


def _depends_on(body: sympy.Expr, variable: sympy.Expr) -> bool:
    if isinstance(variable, sympy.Indexed):
        return any(isinstance(n, sympy.Indexed) and n.base == variable.base for n in sympy.preorder_traversal(body))
    return variable in body.free_symbols


def _undefined(*exprs: sympy.Expr) -> bool:
    return any(numeric.undefined_parts(e) for e in exprs)


def _refuse_matrix_meaning(exprs: Iterable[sympy.Expr]) -> None:
    for expr in exprs:
        for node in sympy.preorder_traversal(expr):
            if isinstance(node, sympy.core.function.AppliedUndef) and str(node.func) in MATRIX_FUNCTIONS:
                raise _Unchecked(f"it uses {MATRIX_FUNCTIONS[str(node.func)]}, which the identity check "
                                 "does not sample")
            if isinstance(node, sympy.MatrixBase):
                raise _Unchecked("it holds a matrix written out, which the identity check does not sample")


def _domain(conditions: tuple[ast.Condition, ...], exprs: list[sympy.Expr], plan: FormulaPlan) -> Domain:
    """Fixed values and intervals from the conditions the formula states (`x > 0`, `当 x=2 时`)."""
    domain = Domain()
    present = {s.name: s for e in exprs for s in e.free_symbols if isinstance(s, sympy.Symbol)}
    domain.sizes = {s for name, s in present.items() if name in plan.shapes.sizes}
    domain.integers = set(plan.shapes.integers)
    for condition in conditions:
        if not isinstance(condition.body, ast.Statement) or not condition.body.relations:
            continue
        try:
            relation = condition_to_sympy(condition, known=plan.known)
        except Uninterpretable:
            continue
        for part in sympy.And.make_args(relation):
            _constrain(domain, part, present)
    return domain


def _constrain(domain: Domain, relation: sympy.Basic, present: dict[str, sympy.Symbol]) -> None:
    if not isinstance(relation, sympy.Rel):
        return
    left, right = relation.lhs, relation.rhs
    if isinstance(left, sympy.Abs) and isinstance(left.args[0], sympy.Symbol) and right.is_number \
            and relation.rel_op in ("<", "<="):
        symbol = present.get(left.args[0].name)
        if symbol is not None and right.is_real:
            domain.lower[symbol], domain.upper[symbol] = -float(right), float(right)
        return
    symbol, value, flipped = None, None, False
    if isinstance(left, sympy.Symbol) and right.is_number:
        symbol, value = present.get(left.name), right
    elif isinstance(right, sympy.Symbol) and left.is_number:
        symbol, value, flipped = present.get(right.name), left, True
    if symbol is None or value is None or not value.is_real:
        return
    number = float(value)
    op = relation.rel_op
    if op in ("==",):
        domain.fixed[symbol] = value
    elif (op in (">", ">=") and not flipped) or (op in ("<", "<=") and flipped):
        domain.lower[symbol] = max(number, domain.lower.get(symbol, number))
    elif op in ("<", "<=", ">", ">="):
        domain.upper[symbol] = min(number, domain.upper.get(symbol, number))


def _apply_domain(expr: sympy.Expr, domain: Domain) -> sympy.Expr:
    """Fixed values substituted (after differentiation), and symbols known positive marked so."""
    if domain.fixed:
        expr = expr.subs(domain.fixed)
    positives = {s: sympy.Symbol(s.name, positive=True) for s, low in domain.lower.items()
                 if low >= 0 and s in expr.free_symbols}
    if positives:
        expr = expr.xreplace(positives)
        for old, new in positives.items():
            domain.lower[new] = domain.lower[old]
            if old in domain.upper:
                domain.upper[new] = domain.upper[old]
    return expr


def sampled_points(step: StepPlan, plan: FormulaPlan, seed: int) -> tuple[Domain, NumericOutcome | None]:
    """The domain a step's substituted form is sampled on and the outcome with every point compared
    (`samples`), for `veritex check --explain`; no outcome when the step cannot be sampled."""
    try:
        lhs, rhs = _translate(step, plan, *step.full)
        domain = _domain(step.conditions, [lhs, rhs], plan)
        lhs = _apply_domain(symbolic.evaluate(lhs), domain)
        rhs = _apply_domain(symbolic.evaluate(rhs), domain)
        # Read as an approximation, the sampler keeps every point it compares.
        outcome = numeric.sample_identity(lhs, rhs, domain, seed=seed, points=POINTS, approximate=True)
    except (_Unchecked, Abstract, Unsampleable, TypeError, ValueError, NotImplementedError):
        return Domain(), None
    return domain, outcome
