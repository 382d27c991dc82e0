"""Deciding a statement about moments on random finite distributions.

The random variables are vectors of outcomes on one shared finite sample space with random probabilities,
so they are jointly distributed (or, when the text says they are independent, each lives on its own factor
of a product space). An expectation is the weighted sum; variance, covariance, standard deviation and
correlation follow from their definitions. Constants take values of both signs, every sign pattern in
turn. Values and weights are small integers, so a counterexample can be written down and redone by hand.

A statement that agrees on every sampled distribution is verified; one whose sides differ on a sampled
distribution is refuted (when the reading allows it: `MomentStep.refutable`), with that distribution and
the constants as the evidence.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass, field, replace
from typing import Literal

from .moments import MomentStep, Term
from .reasons import MOMENTS_NOT_GENERAL
from .results import StepResult

TRIALS = 24
OUTCOMES = 5
FACTOR_OUTCOMES = 3
"""Outcomes of each variable's own factor when the variables are independent."""
MIN_DEFINED = 12
"""A verdict needs at least this many distributions where both sides are defined."""
AGREE = 1e-9
DIFFER = 1e-6
_MAGNITUDES = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0)

Value = float | list[float]


class Undefined(Exception):
    """A side has no value on this distribution (a zero variance under a correlation, a square root of a
    negative number)."""


@dataclass
class Distribution:
    weights: list[int]  # of each outcome; its probability is the weight over their sum
    values: dict[str, list[float]]  # each variable's value at each outcome
    # A stated pmf: each variable's values (`x_1, x_2, ...`), and each outcome's index into them.
    supports: dict[str, list[float]] = field(default_factory=dict)
    cells: dict[tuple[int, ...], int] = field(default_factory=dict)

    @property
    def probabilities(self) -> list[float]:
        total = sum(self.weights)
        return [w / total for w in self.weights]

    def describe(self) -> str:
        if self.supports:
            values = "; ".join(f"{name} takes ({', '.join(_num(v) for v in vals)})"
                               for name, vals in self.supports.items())
            weights = ", ".join(f"{'/'.join(str(k + 1) for k in cell)}: {self.weights[n]}"
                                for cell, n in self.cells.items())
            return f"{values}; weights of each combination of indices {weights}"
        columns = ", ".join(f"{name} = ({', '.join(_num(v) for v in vals)})" for name, vals in self.values.items())
        return f"{len(self.weights)} outcomes with weights ({', '.join(map(str, self.weights))}): {columns}"


@dataclass
class MomentOutcome:
    status: Literal["verified", "refuted", "undecided"]
    points: int = 0  # distributions where both sides were defined
    constants: dict[str, float] = field(default_factory=dict)  # at the counterexample
    distribution: Distribution | None = None
    lhs: float | None = None
    rhs: float | None = None
    summary: dict[str, float] = field(default_factory=dict)  # the counterexample's moments
    positive_only: tuple[str, ...] = ()  # constants whose sign alone makes the statement fail
    substituted: bool = False  # verified with the document's definitions put in


def decide(step: MomentStep, seed: int = 0, signs: dict[str, int] | None = None) -> MomentOutcome:
    """Both sides of `step` on `TRIALS` random distributions. `signs` fixes the sign of some constants.
    When the sides as written do not settle it, the form with the document's definitions put in may verify."""
    outcome = _decide(step, step.left, step.right, seed, signs)
    if outcome.status != "verified" and step.substituted is not None:
        again = _decide(replace(step, refutable=False), *step.substituted, seed, signs)
        if again.status == "verified":
            again.substituted = True
            return again
    return outcome


def _decide(step: MomentStep, left: Term, right: Term, seed: int, signs: dict[str, int] | None) -> MomentOutcome:
    rng = random.Random(seed)
    defined = 0
    for trial in range(TRIALS):
        distribution = _distribution(step, rng)
        constants = _constants(step.constants, trial, rng, signs or {})
        try:
            lhs = _scalar(evaluate(left, distribution, constants))
            rhs = _scalar(evaluate(right, distribution, constants))
        except Undefined:
            continue
        defined += 1
        scale = max(1.0, abs(lhs), abs(rhs))
        if abs(lhs - rhs) <= AGREE * scale:
            continue
        if abs(lhs - rhs) > DIFFER * scale and step.refutable:
            return MomentOutcome("refuted", defined, constants, distribution, lhs, rhs,
                                 _summary(step, distribution), _sign_culprits(step, seed) if signs is None else ())
        return MomentOutcome("undecided", defined)
    return MomentOutcome("verified" if defined >= MIN_DEFINED else "undecided", defined)


def _sign_culprits(step: MomentStep, seed: int) -> tuple[str, ...]:
    """The constants whose being positive alone makes the statement hold: the likely missing condition."""
    out = []
    for name in step.constants:
        if decide(step, seed, {name: 1}).status == "verified":
            out.append(name)
    return tuple(out)


PMF_SIZE = 3
"""Values of each variable of a stated pmf; the same for all, so that `y_i` is defined (and wrong)."""


def _distribution(step: MomentStep, rng: random.Random) -> Distribution:
    distribution = _drawn(step, rng)
    for name in step.centered:
        mean = _mean(distribution.values[name], distribution)
        distribution.values[name] = [v - mean for v in distribution.values[name]]
        if name in distribution.supports:
            distribution.supports[name] = [v - mean for v in distribution.supports[name]]
    return distribution


def _drawn(step: MomentStep, rng: random.Random) -> Distribution:
    if step.pmf is not None:
        names = step.pmf.variables
        supports = {name: [float(rng.randint(-5, 5)) for _ in range(PMF_SIZE)] for name in names}
        return _pmf_distribution(step, names, supports, rng)
    if not step.independent or len(step.random) > 4:
        return Distribution([rng.randint(1, 9) for _ in range(OUTCOMES)],
                            {name: [float(rng.randint(-5, 5)) for _ in range(OUTCOMES)] for name in step.random})
    factors = [[rng.randint(1, 9) for _ in range(FACTOR_OUTCOMES)] for _ in step.random]
    own = [[float(rng.randint(-5, 5)) for _ in range(FACTOR_OUTCOMES)] for _ in step.random]
    weights: list[int] = []
    values: dict[str, list[float]] = {name: [] for name in step.random}
    for outcome in itertools.product(range(FACTOR_OUTCOMES), repeat=len(step.random)):
        weights.append(math.prod(factors[k][o] for k, o in enumerate(outcome)))
        for k, name in enumerate(step.random):
            values[name].append(own[k][outcome[k]])
    return Distribution(weights, values)


def _pmf_distribution(step: MomentStep, names: tuple[str, ...], supports: dict[str, list[float]],
                      rng: random.Random) -> Distribution:
    """Every combination of the variables' values is an outcome, with its own weight (or, independent, the
    product of each variable's own)."""
    own = [[rng.randint(1, 9) for _ in range(PMF_SIZE)] for _ in names]
    independent = step.independent or len(names) == 1
    cells: dict[tuple[int, ...], int] = {}
    weights: list[int] = []
    values: dict[str, list[float]] = {name: [] for name in names}
    for cell in itertools.product(range(PMF_SIZE), repeat=len(names)):
        cells[cell] = len(weights)
        weights.append(math.prod(own[k][c] for k, c in enumerate(cell)) if independent else rng.randint(1, 9))
        for k, name in enumerate(names):
            values[name].append(supports[name][cell[k]])
    return Distribution(weights, values, supports, cells)


def _constants(names: tuple[str, ...], trial: int, rng: random.Random, signs: dict[str, int]) -> dict[str, float]:
    """Each constant's sign runs through every pattern as the trials go (the first five constants)."""
    out = {}
    for k, name in enumerate(names):
        sign = -1 if (k < 5 and (trial >> k) & 1) or (k >= 5 and rng.random() < 0.5) else 1
        out[name] = signs.get(name, sign) * rng.choice(_MAGNITUDES)
    return out


def evaluate(term: Term, distribution: Distribution, constants: dict[str, float],
             at: dict[str, int] | None = None) -> Value:
    """A term's value: a number, or for a random quantity its value at each outcome. `at`: the values of
    the indices of the sums being evaluated."""
    op, args = term.op, term.args
    at = at or {}
    if op == "num":
        return term.value
    if op == "sum":
        letters = term.name.split(",")
        total = 0.0
        for indices in itertools.product(range(PMF_SIZE), repeat=len(letters)):
            inner = {**at, **dict(zip(letters, indices, strict=True))}
            total += _scalar(evaluate(args[0], distribution, constants, inner))
        return total
    if op == "value":
        name, index = term.name.split("@")
        return distribution.supports[name][at[index]]
    if op == "prob":
        cell = tuple(at[i] for i in term.name.split(","))
        return distribution.weights[distribution.cells[cell]] / sum(distribution.weights)
    if op == "const":
        return constants[term.name]
    if op == "rv":
        return list(distribution.values[term.name])
    if op in ("E", "Var", "sd"):
        x = evaluate(args[0], distribution, constants, at)
        if op == "E":
            return _mean(x, distribution)
        variance = _cov(x, x, distribution)
        return variance if op == "Var" else math.sqrt(max(variance, 0.0))  # -1e-17 is a zero variance
    if op in ("Cov", "corr"):
        x, y = (evaluate(a, distribution, constants, at) for a in args)
        cov = _cov(x, y, distribution)
        if op == "Cov":
            return cov
        vx, vy = _cov(x, x, distribution), _cov(y, y, distribution)
        if vx < 1e-9 or vy < 1e-9:
            raise Undefined("a zero variance")
        return cov / math.sqrt(vx * vy)
    values = [evaluate(a, distribution, constants, at) for a in args]
    return _elementwise(op, values)


def _elementwise(op: str, values: list[Value]) -> Value:
    size = next((len(v) for v in values if isinstance(v, list)), None)
    if size is None:
        return _arith(op, [float(v) for v in values])  # type: ignore[arg-type]
    columns = [v if isinstance(v, list) else [v] * size for v in values]
    return [_arith(op, [c[k] for c in columns]) for k in range(size)]


def _arith(op: str, xs: list[float]) -> float:
    if op == "+":
        return sum(xs)
    if op == "*":
        return math.prod(xs)
    if op == "neg":
        return -xs[0]
    if op == "/":
        if abs(xs[1]) < 1e-12:
            raise Undefined("a division by zero")
        return xs[0] / xs[1]
    if op == "^":
        base, exponent = xs
        if (base < 0 and not float(exponent).is_integer()) or (base == 0 and exponent < 0):
            raise Undefined("a power without a real value")
        try:
            return float(base ** exponent)
        except OverflowError:
            raise Undefined("an overflow") from None
    if op == "sqrt":
        if xs[0] < -1e-12:
            raise Undefined("the square root of a negative number")
        return math.sqrt(max(xs[0], 0.0))
    if op == "abs":
        return abs(xs[0])
    if op == "sign":
        return float((xs[0] > 0) - (xs[0] < 0))
    raise ValueError(f"unknown operation {op}")


def _mean(x: Value, distribution: Distribution) -> float:
    if not isinstance(x, list):
        return x
    return sum(p * v for p, v in zip(distribution.probabilities, x, strict=True))


def _cov(x: Value, y: Value, distribution: Distribution) -> float:
    mx, my = _mean(x, distribution), _mean(y, distribution)
    if not isinstance(x, list) or not isinstance(y, list):
        return 0.0
    return sum(p * (a - mx) * (b - my) for p, a, b in zip(distribution.probabilities, x, y, strict=True))


def _scalar(value: Value) -> float:
    if isinstance(value, list):
        raise Undefined("a random quantity")
    if not math.isfinite(value):
        raise Undefined("not finite")
    return value


def _summary(step: MomentStep, distribution: Distribution) -> dict[str, float]:
    """Means and variances of the variables, and their correlation when there are two."""
    out: dict[str, float] = {}
    for name in step.random:
        x = distribution.values[name]
        out[f"E[{name}]"] = _mean(x, distribution)
        out[f"Var({name})"] = _cov(x, x, distribution)
    for a, b in itertools.combinations(step.random, 2):
        out[f"Cov({a}, {b})"] = _cov(distribution.values[a], distribution.values[b], distribution)
    return out


def _num(value: float) -> str:
    return f"{0.0 if abs(value) < 1e-12 else value:.6g}"


def describe_counterexample(step: MomentStep, outcome: MomentOutcome, constants: bool = True) -> str:
    """`a = -1.5, b = 2 and X, Y jointly distributed with E[X] = 0.4, ...`: the values a reader needs to redo
    the check (the distribution itself is `outcome.distribution.describe()`)."""
    parts = [f"{name} = {_num(v)}" for name, v in outcome.constants.items()] if constants else []
    moments = ", ".join(f"{k} = {_num(v)}" for k, v in outcome.summary.items())
    variables = ", ".join(step.random)
    if step.pmf is not None:
        sizes = " × ".join(str(PMF_SIZE) for _ in step.pmf.variables)
        joint = f"with a {'joint ' if len(step.pmf.variables) > 1 else ''}pmf on {sizes} values"
    else:
        joint = "independent" if step.independent and len(step.random) > 1 else \
            "jointly distributed" if len(step.random) > 1 else "distributed"
    centered = f" ({', '.join(step.centered)} of mean zero, as the text assumes)" if step.centered else ""
    where = f"{', '.join(parts)} and " if parts else ""
    return f"{where}{variables} {joint}{centered}, where {moments}"


def likely_fix(outcome: MomentOutcome) -> str | None:
    if not outcome.positive_only:
        return None
    names = ", ".join(outcome.positive_only)
    return f"it holds only for {names} > 0: state that condition, or correct the side for negative {names}"


def check_step(name: str, relation: str, step: MomentStep, seed: int) -> StepResult:
    """The identity stage's verdict on a step read as a statement about moments."""
    outcome = decide(step, seed)
    variables = ", ".join(step.random)
    if outcome.status == "verified":
        kind = "independent " if step.independent and len(step.random) > 1 else \
            "joint " if len(step.random) > 1 else ""
        how = f"numeric ({outcome.points} random {kind}distributions of {variables})"
        uses = list(step.uses) if outcome.substituted else None
        return StepResult(name, "verified", how=how, relation=relation, uses=uses)
    if outcome.status == "refuted":
        reason = f"with {describe_counterexample(step, outcome, constants=False)}"
        return StepResult(name, "refuted", reason=reason, point=dict(outcome.constants) or None, lhs=outcome.lhs, rhs=outcome.rhs,
                          relation=relation, fix=likely_fix(outcome))
    operators = sorted({t.op for side in (step.left, step.right) for t in side.walk() if t.op in MOMENT_WORDS},
                       key=list(MOMENT_WORDS).index)
    words = ", ".join(MOMENT_WORDS[o] for o in operators)
    return StepResult(name, "unchecked", reason=MOMENTS_NOT_GENERAL.say(name=words), relation=relation,
                      code=MOMENTS_NOT_GENERAL.code)


MOMENT_WORDS = {"E": "E", "Var": "Var", "Cov": "Cov", "corr": "the correlation", "sd": "the standard deviation",
                "sum": "a sum over a pmf"}
