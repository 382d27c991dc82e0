"""A small library of standard results that documents restate, each with a textbook reference.

The distributions are matched to a document's own density or mass function (same kind, same support,
equal at sampled points under some naming of the parameters), so that a message can name the
distribution and give its known mean and variance in the document's own symbols. The identities are the
results these documents derive (product and sum of Gaussians, variance of a sum, Bayes' rule, the softmax
cross-entropy gradient, the geometric series), each in a canonical form that its own test verifies.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import mpmath
import sympy

from .distributions import Distribution, Domain, Support

CASELLA_BERGER = "Casella & Berger, Statistical Inference, 2nd ed. (2002), §3.2-3.3 and Table of Common Distributions"
BISHOP = "Bishop, Pattern Recognition and Machine Learning (2006)"
WASSERMAN = "Wasserman, All of Statistics (2004)"

x = sympy.Symbol("x", real=True)
_p, _lam, _mu, _a, _b = (sympy.Symbol(n, real=True) for n in ("p", "lambda", "mu", "a", "b"))
_sigma = sympy.Symbol("sigma", real=True)
_n = sympy.Symbol("n", real=True)


@dataclass(frozen=True)
class StandardDistribution:
    name: str
    kind: str  # "density" or "mass"
    parameters: tuple[sympy.Symbol, ...]
    domains: tuple[Domain, ...]
    law: sympy.Expr  # in `x` and the parameters
    support: Support
    mean: sympy.Expr
    variance: sympy.Expr
    reference: str


def _positive() -> Domain:
    return Domain(0.0, float("inf"))


def _unit() -> Domain:
    return Domain(0.0, 1.0)


_ZERO, _ONE = sympy.Integer(0), sympy.Integer(1)

DISTRIBUTIONS: tuple[StandardDistribution, ...] = (
    StandardDistribution("the Bernoulli distribution", "mass", (_p,), (_unit(),),
                         _p ** x * (1 - _p) ** (1 - x), Support(True, _ZERO, _ONE), _p, _p * (1 - _p),
                         CASELLA_BERGER + " (Bernoulli)"),
    StandardDistribution("the binomial distribution", "mass", (_n, _p), (Domain(2, 6, integer=True), _unit()),
                         sympy.binomial(_n, x) * _p ** x * (1 - _p) ** (_n - x), Support(True, _ZERO, _n),
                         _n * _p, _n * _p * (1 - _p), CASELLA_BERGER + " (binomial)"),
    StandardDistribution("the geometric distribution counting failures before the first success", "mass",
                         (_p,), (_unit(),), (1 - _p) ** x * _p, Support(True, _ZERO, sympy.oo),
                         (1 - _p) / _p, (1 - _p) / _p ** 2, CASELLA_BERGER + " (geometric, Y = X - 1)"),
    StandardDistribution("the geometric distribution counting trials up to the first success", "mass",
                         (_p,), (_unit(),), (1 - _p) ** (x - 1) * _p, Support(True, _ONE, sympy.oo),
                         1 / _p, (1 - _p) / _p ** 2, CASELLA_BERGER + " (geometric)"),
    StandardDistribution("the Poisson distribution", "mass", (_lam,), (_positive(),),
                         _lam ** x * sympy.exp(-_lam) / sympy.factorial(x), Support(True, _ZERO, sympy.oo),
                         _lam, _lam, CASELLA_BERGER + " (Poisson)"),
    StandardDistribution("the uniform distribution", "density", (_a, _b), (Domain(-1.0, 0.0), Domain(1.0, 2.0)),
                         1 / (_b - _a), Support(False, _a, _b), (_a + _b) / 2, (_b - _a) ** 2 / 12,
                         CASELLA_BERGER + " (uniform)"),
    StandardDistribution("the exponential distribution", "density", (_lam,), (_positive(),),
                         _lam * sympy.exp(-_lam * x), Support(False, _ZERO, sympy.oo), 1 / _lam, 1 / _lam ** 2,
                         CASELLA_BERGER + " (exponential, rate λ = 1/β)"),
    StandardDistribution("the normal distribution", "density", (_mu, _sigma),
                         (Domain(float("-inf"), float("inf")), _positive()),
                         sympy.exp(-(x - _mu) ** 2 / (2 * _sigma ** 2)) / sympy.sqrt(2 * sympy.pi * _sigma ** 2),
                         Support(False, -sympy.oo, sympy.oo), _mu, _sigma ** 2, CASELLA_BERGER + " (normal)"),
    StandardDistribution("the beta distribution", "density", (_a, _b), (_positive(), _positive()),
                         x ** (_a - 1) * (1 - x) ** (_b - 1) / sympy.beta(_a, _b), Support(False, _ZERO, _ONE),
                         _a / (_a + _b), _a * _b / ((_a + _b) ** 2 * (_a + _b + 1)), CASELLA_BERGER + " (beta)"),
    StandardDistribution("the gamma distribution", "density", (_a, _b), (_positive(), _positive()),
                         _b ** _a * x ** (_a - 1) * sympy.exp(-_b * x) / sympy.gamma(_a),
                         Support(False, _ZERO, sympy.oo), _a / _b, _a / _b ** 2,
                         CASELLA_BERGER + " (gamma, rate β)"),
    StandardDistribution("the lognormal distribution", "density", (_mu, _sigma),
                         (Domain(float("-inf"), float("inf")), _positive()),
                         sympy.exp(-(sympy.log(x) - _mu) ** 2 / (2 * _sigma ** 2)) / (x * _sigma * sympy.sqrt(2 * sympy.pi)),
                         Support(False, _ZERO, sympy.oo), sympy.exp(_mu + _sigma ** 2 / 2),
                         (sympy.exp(_sigma ** 2) - 1) * sympy.exp(2 * _mu + _sigma ** 2),
                         CASELLA_BERGER + " (lognormal)"),
)


@dataclass(frozen=True)
class Match:
    standard: StandardDistribution
    renaming: dict[sympy.Symbol, sympy.Symbol]  # the library's parameters -> the document's

    def moment(self, which: str) -> sympy.Expr:
        expr = self.standard.mean if which == "mean" else self.standard.variance
        return expr.xreplace(self.renaming)


def identify(dist: Distribution, points: list[dict[sympy.Symbol, float]]) -> Match | None:
    """The library distribution the document's one is, with the parameters renamed; None when none is
    equal to it at every sampled point, or when more than one is."""
    if hasattr(dist, "_standard"):
        kept: Match | None = dist._standard
        return kept
    params = dist.parameters
    found: list[Match] = []
    for standard in DISTRIBUTIONS:
        if standard.kind != dist.kind or len(standard.parameters) != len(params):
            continue
        for order in itertools.permutations(params):
            renaming = dict(zip(standard.parameters, order, strict=True))
            law = standard.law.xreplace({x: dist.variable, **renaming})
            low = standard.support.low.xreplace(renaming)
            high = standard.support.high.xreplace(renaming)
            if not (_same(low, dist.support.low) and _same(high, dist.support.high)):
                continue
            if _agree(law, dist, points):
                found.append(Match(standard, renaming))
    match = found[0] if len(found) == 1 else None
    dist._standard = match  # type: ignore[attr-defined]
    return match


def _same(a: sympy.Expr, b: sympy.Expr) -> bool:
    if a.is_infinite or b.is_infinite:
        return bool(a == b)
    return bool(sympy.simplify(a - b) == 0)


def _agree(law: sympy.Expr, dist: Distribution, points: list[dict[sympy.Symbol, float]]) -> bool:
    from .quadrature import function_at

    xs = [0, 1, 2, 3] if dist.kind == "mass" else [0.3, 0.55, 0.8, 1.7]
    for point in points:
        ours, theirs = function_at(dist.expr, dist.variable, point), function_at(law, dist.variable, point)
        for value in xs:
            try:
                a = complex(ours(mpmath.mpf(value)))  # type: ignore[call-overload]
                b = complex(theirs(mpmath.mpf(value)))  # type: ignore[call-overload]
            except (TypeError, ValueError, ZeroDivisionError, OverflowError):
                return False
            if abs(a - b) > 1e-9 * max(1.0, abs(b)):
                return False
    return True


# ---- identities ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Identity:
    """A standard result as `lhs == rhs` over named symbols, with the domains to test it on."""

    name: str
    reference: str
    sides: Callable[[Mapping[str, sympy.Symbol]], tuple[sympy.Expr, sympy.Expr]]
    symbols: tuple[str, ...]


def _gaussian(v: sympy.Expr, m: sympy.Expr, s2: sympy.Expr) -> sympy.Expr:
    return sympy.exp(-(v - m) ** 2 / (2 * s2)) / sympy.sqrt(2 * sympy.pi * s2)


def _product(s: Mapping[str, sympy.Symbol]) -> tuple[sympy.Expr, sympy.Expr]:
    v, m1, m2, s1, s2 = s["x"], s["mu1"], s["mu2"], s["v1"], s["v2"]
    lhs = _gaussian(v, m1, s1) * _gaussian(v, m2, s2)
    var = s1 * s2 / (s1 + s2)
    mean = (m1 * s2 + m2 * s1) / (s1 + s2)
    return lhs, _gaussian(m1, m2, s1 + s2) * _gaussian(v, mean, var)


def _sum_of_gaussians(s: Mapping[str, sympy.Symbol]) -> tuple[sympy.Expr, sympy.Expr]:
    z, m1, m2, s1, s2 = s["x"], s["mu1"], s["mu2"], s["v1"], s["v2"]
    u = sympy.Symbol("u", real=True)
    convolution = sympy.Integral(_gaussian(u, m1, s1) * _gaussian(z - u, m2, s2), (u, -sympy.oo, sympy.oo))
    return convolution, _gaussian(z, m1 + m2, s1 + s2)


def _gaussian_marginal(s: Mapping[str, sympy.Symbol]) -> tuple[sympy.Expr, sympy.Expr]:
    # The marginal of y when y | u ~ N(a u + b, v2) and u ~ N(mu1, v1): the noise variance stays in it.
    y, m, v1, v2, a, b = s["x"], s["mu1"], s["v1"], s["v2"], s["a"], s["b"]
    u = sympy.Symbol("u", real=True)
    joint = _gaussian(y, a * u + b, v2) * _gaussian(u, m, v1)
    return sympy.Integral(joint, (u, -sympy.oo, sympy.oo)), _gaussian(y, a * m + b, v2 + a ** 2 * v1)


def _variance_of_sum(s: Mapping[str, sympy.Symbol]) -> tuple[sympy.Expr, sympy.Expr]:
    # Over a joint law on two points each, p = (p00, p01, p10, p11): Var(X+Y) = Var X + Var Y + 2 Cov(X, Y).
    p00, p01, p10 = s["p00"], s["p01"], s["p10"]
    p11 = 1 - p00 - p01 - p10
    a, b, c, d = s["a"], s["b"], s["c"], s["d"]
    law = {(a, c): p00, (a, d): p01, (b, c): p10, (b, d): p11}

    def e(f: Callable[[sympy.Expr, sympy.Expr], sympy.Expr]) -> sympy.Expr:
        return sum((w * f(u, v) for (u, v), w in law.items()), sympy.Integer(0))

    var_sum = e(lambda u, v: (u + v) ** 2) - e(lambda u, v: u + v) ** 2
    var_x = e(lambda u, v: u ** 2) - e(lambda u, v: u) ** 2
    var_y = e(lambda u, v: v ** 2) - e(lambda u, v: v) ** 2
    cov = e(lambda u, v: u * v) - e(lambda u, v: u) * e(lambda u, v: v)
    return var_sum, var_x + var_y + 2 * cov


def _bayes(s: Mapping[str, sympy.Symbol]) -> tuple[sympy.Expr, sympy.Expr]:
    # P(A|B) = P(B|A) P(A) / P(B), P(B) by total probability, against the joint's definition.
    pa, pba, pbna = s["pa"], s["pba"], s["pbna"]
    joint = pba * pa
    evidence = pba * pa + pbna * (1 - pa)
    return joint / evidence, pba * pa / (pba * pa + pbna * (1 - pa))


def _softmax_cross_entropy(s: Mapping[str, sympy.Symbol]) -> tuple[sympy.Expr, sympy.Expr]:
    # d/dz_1 of -sum_k y_k log softmax(z)_k = softmax(z)_1 - y_1 when sum_k y_k = 1 (three classes).
    z = [s["z1"], s["z2"], s["z3"]]
    y = [s["y1"], s["y2"], 1 - s["y1"] - s["y2"]]
    norm = sum(sympy.exp(v) for v in z)
    loss = -sum(yk * sympy.log(sympy.exp(zk) / norm) for yk, zk in zip(y, z, strict=True))
    return sympy.diff(loss, z[0]), sympy.exp(z[0]) / norm - y[0]


def _geometric_series(s: Mapping[str, sympy.Symbol]) -> tuple[sympy.Expr, sympy.Expr]:
    r, n = s["r"], sympy.Symbol("n", integer=True, nonnegative=True)
    return sympy.Sum(r ** n, (n, 0, sympy.oo)), 1 / (1 - r)


def _finite_geometric_series(s: Mapping[str, sympy.Symbol]) -> tuple[sympy.Expr, sympy.Expr]:
    r, t = s["r"], sympy.Symbol("t", integer=True, nonnegative=True)
    return sympy.Sum(r ** t, (t, 0, 6)), (1 - r ** 7) / (1 - r)


IDENTITIES: tuple[Identity, ...] = (
    Identity("the product of two Gaussian densities", BISHOP + ", §2.3.3 and exercise 2.40",
             _product, ("x", "mu1", "mu2", "v1", "v2")),
    Identity("the sum of two independent Gaussians", BISHOP + ", §2.3.3 (eq. 2.115)",
             _sum_of_gaussians, ("x", "mu1", "mu2", "v1", "v2")),
    Identity("the marginal of a linear-Gaussian model", BISHOP + ", §2.3.3 (eq. 2.115)",
             _gaussian_marginal, ("x", "mu1", "v1", "v2", "a", "b")),
    Identity("the variance of a sum", CASELLA_BERGER.split(",")[0] + ", Statistical Inference, Theorem 4.5.6",
             _variance_of_sum, ("p00", "p01", "p10", "a", "b", "c", "d")),
    Identity("Bayes' rule", WASSERMAN + ", Theorem 2.16", _bayes, ("pa", "pba", "pbna")),
    Identity("the gradient of softmax cross-entropy", BISHOP + ", §4.3.4 (eq. 4.109)",
             _softmax_cross_entropy, ("z1", "z2", "z3", "y1", "y2")),
    Identity("the geometric series", "Rudin, Principles of Mathematical Analysis, 3rd ed., Theorem 3.26",
             _geometric_series, ("r",)),
    Identity("the finite geometric series", "Rudin, Principles of Mathematical Analysis, 3rd ed., Theorem 3.26",
             _finite_geometric_series, ("r",)),
)


def describe(expr: sympy.Expr) -> str:
    """An expression in plain text with Greek letters, for messages: `(1 - θ)/θ^2`."""
    text = sympy.sstr(expr).replace("**", "^")
    for name, letter in _GREEK.items():
        text = text.replace(name, letter)
    return text


_GREEK = {"lambda": "λ", "theta": "θ", "sigma": "σ", "alpha": "α", "beta": "β", "gamma": "γ", "mu": "μ",
          "kappa": "κ", "rho": "ρ", "tau": "τ", "phi": "φ", "pi": "π", "nu": "ν", "eta": "η"}
