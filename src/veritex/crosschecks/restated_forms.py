"""The shapes of the library's standard results in a document's notation, read off one side of an equality.

Each reader takes the side that may be a result's left-hand side and the side it is set equal to, and
returns the canonical value of the first and the document's expression for the second, over the same
SymPy symbols, or None when the reading is not certain: an operator that is not the result's, a variable
bound otherwise than the result binds it, or anything on the other side that the first does not bind.
SymPy is imported only once a shape matches.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from veritex.math import ast

if TYPE_CHECKING:
    import sympy

    from .standard_results import Identity

_PROBABILITY = frozenset({"P", "Pr", "\\Pr", "p"})


@dataclass
class Restatement:
    identity: Identity
    shown: str  # the recognised side as the document writes it
    stated: sympy.Expr  # the document's other side
    canonical: sympy.Expr  # what the result says the recognised side is
    canonical_tex: str  # the canonical form in the document's notation
    draw: Callable[[random.Random], dict[sympy.Symbol, float]]  # a point to compare them at
    symbolic: bool = True  # whether SymPy may try to simplify the difference first
    special: sympy.Expr | None = None  # a special case the result has, and when it holds
    special_when: str = ""
    names: dict[sympy.Symbol, str] = field(default_factory=dict)  # how the document writes each symbol


def _identity(name: str) -> Identity:
    from .standard_results import IDENTITIES  # with SymPy: only once a shape matched

    return next(i for i in IDENTITIES if i.name == name)


def mentions_candidate(formula: ast.Formula) -> bool:
    """Cheap, without SymPy: does the formula hold a sum, a probability of a conditional or a variance?"""
    for node in formula.walk():
        if isinstance(node, ast.BigOp) and node.op == "sum":
            return True
        if isinstance(node, ast.Symbol) and node.name in ("N", "Norm") and node.font in ("cal", "text", "rm"):
            return True
        if isinstance(node, ast.Apply) and isinstance(node.function, ast.Symbol) and (
                node.function.name == "Var" or node.function.name in _PROBABILITY):
            return True
    return False


def recognise(left: ast.Expr, right: ast.Expr, tex: str) -> Restatement | None:
    for reader in (_geometric, _bayes, _variance, _gaussian_product, _gaussian_marginal):
        try:
            found = reader(left, right, tex)
        except _Unreadable:
            return None
        if found is not None:
            return found
    return None


class _Unreadable(Exception):
    pass


def _text(node: ast.Node, tex: str) -> str:
    return tex[node.span[0]:node.span[1]].strip()


def _translate(node: ast.Expr) -> sympy.Expr:
    from veritex.math.errors import Uninterpretable

    from .symbolic import translate

    try:
        return translate(node)
    except (Uninterpretable, ValueError, TypeError, NotImplementedError) as error:
        raise _Unreadable from error


def _replace(node: ast.Expr, swap: Callable[[ast.Node], ast.Expr | None]) -> ast.Expr:
    """`node` with every subtree that `swap` maps replaced (outermost first)."""
    new = swap(node)
    if new is not None:
        return new

    def visit(value: object) -> object:
        if isinstance(value, ast.Expr):
            return _replace(value, swap)
        if isinstance(value, tuple):
            return tuple(visit(v) for v in value)
        return value

    changes = {f.name: visit(getattr(node, f.name)) for f in dataclasses.fields(node) if f.name != "span"}
    return dataclasses.replace(node, **changes)  # type: ignore[arg-type]


# ---- the geometric series ----------------------------------------------------------------------------

def _geometric(left: ast.Expr, right: ast.Expr, tex: str) -> Restatement | None:
    """`\\sum_{k=L}^{U} c r^k`: the index is the exponent, the base and the factor are free of it."""
    if not (isinstance(left, ast.BigOp) and left.op == "sum" and isinstance(left.index, ast.Symbol)
            and isinstance(left.lower, ast.Number) and left.upper is not None and left.domain is None):
        return None
    assert isinstance(left, ast.BigOp) and left.index is not None and left.upper is not None
    index = left.index
    factors = left.body.factors if isinstance(left.body, ast.Juxt) else (left.body,)
    powers = [f for f in factors if isinstance(f, ast.Power) and f.exponent == index]
    if len(powers) != 1 or not left.lower.value.isdigit():  # type: ignore[union-attr]
        return None
    power = powers[0]
    others = [f for f in factors if f is not power]
    if any(index in set(f.walk()) for f in [power.base, *others]) or index in set(right.walk()):
        return None
    infinite = isinstance(left.upper, ast.Symbol) and left.upper.name == "\\infty"
    if not infinite and index in set(left.upper.walk()):
        return None
    import sympy

    r = _translate(power.base)
    c = sympy.Mul(*[_translate(f) for f in others])
    low = int(left.lower.value)  # type: ignore[union-attr]
    stated = _translate(right)
    upper = None if infinite else _translate(left.upper)
    bound = r.free_symbols | c.free_symbols | (upper.free_symbols if upper is not None else set())
    if not r.free_symbols or not stated.free_symbols <= bound:
        return None
    counts = upper.free_symbols if upper is not None else set()
    last = sympy.Integer(0) if upper is None else r ** (upper + 1)  # the tail beyond the last term
    canonical = c * (r ** low - last) / (1 - r)
    r_tex, c_tex = _text(power.base, tex), " ".join(_text(f, tex) for f in others)
    r_tex = r_tex if isinstance(power.base, ast.Symbol) else f"({r_tex})"
    top = "1" if low == 0 else f"{r_tex}^{{{low}}}" if low != 1 else r_tex
    if upper is not None:
        top += f" - {r_tex}^{{{_text(left.upper, tex)}+1}}"
    canonical_tex = f"{c_tex}\\frac{{{top}}}{{1 - {r_tex}}}".strip()

    def draw(rng: random.Random) -> dict[sympy.Symbol, float]:
        point = {s: float(rng.randint(2, 7)) for s in counts}
        for s in sorted(bound - counts, key=lambda s: s.name):
            point[s] = rng.uniform(0.2, 0.8) * rng.choice((-1, 1))
        return point

    name = "the geometric series" if upper is None else "the finite geometric series"
    if upper is None and any(s in counts for s in r.free_symbols):
        return None
    return Restatement(_identity(name), _text(left, tex), stated, canonical, canonical_tex, draw)


# ---- Bayes' rule -------------------------------------------------------------------------------------

def _bayes(left: ast.Expr, right: ast.Expr, tex: str) -> Restatement | None:
    """`P(A|B)` set equal to an expression of `P(B|A)`, `P(A)`, `P(B)` (and `P(A, B)`), the same `P`."""
    if not (isinstance(left, ast.Apply) and isinstance(left.function, ast.Symbol)
            and left.function.name in _PROBABILITY and len(left.args) == 1):
        return None
    given = left.args[0]
    if not (isinstance(given, ast.BinOp) and given.op == "given") or given.left == given.right:
        return None
    a, b, function = given.left, given.right, left.function
    import sympy

    names = {"A": sympy.Symbol("pr_A", positive=True), "B": sympy.Symbol("pr_B", positive=True),
             "AB": sympy.Symbol("pr_AB", positive=True), "A|B": sympy.Symbol("pr_A_given_B", positive=True),
             "B|A": sympy.Symbol("pr_B_given_A", positive=True)}
    seen: set[str] = set()
    unknown: list[ast.Node] = []

    def event(node: ast.Expr) -> str | None:
        return "A" if node == a else "B" if node == b else None

    def swap(node: ast.Node) -> ast.Expr | None:
        if isinstance(node, ast.Apply) and node.function == function:
            key = None
            if len(node.args) == 2 and {event(node.args[0]), event(node.args[1])} == {"A", "B"}:
                key = "AB"
            elif len(node.args) == 1 and isinstance(node.args[0], ast.BinOp) and node.args[0].op == "given":
                first, second = event(node.args[0].left), event(node.args[0].right)
                key = f"{first}|{second}" if first and second and first != second else None
            elif len(node.args) == 1:
                key = event(node.args[0])
            if key is None:
                unknown.append(node)
                return None
            seen.add(key)
            return ast.Symbol(name=names[key].name)
        if isinstance(node, ast.Apply) and isinstance(node.function, ast.Symbol) and \
                node.function.name in _PROBABILITY:
            unknown.append(node)  # another probability operator: not the result's notation
        return None

    rewritten = _replace(right, swap)
    if unknown or "B|A" not in seen or any(n in (a, b) for n in rewritten.walk()):
        return None
    stated = _translate(rewritten).xreplace({sympy.Symbol(s.name, real=True): s for s in names.values()})
    if not stated.free_symbols <= set(names.values()):
        return None
    canonical = names["B|A"] * names["A"] / names["B"]
    p = _text(function, tex)
    a_tex, b_tex = _text(a, tex), _text(b, tex)
    canonical_tex = f"\\frac{{{p}({b_tex} \\mid {a_tex})\\,{p}({a_tex})}}{{{p}({b_tex})}}"

    def draw(rng: random.Random) -> dict[sympy.Symbol, float]:
        weights = [rng.uniform(0.1, 1.0) for _ in range(4)]
        total = sum(weights)
        both, only_a, only_b = (w / total for w in weights[:3])
        pa, pb = both + only_a, both + only_b
        return {names["A"]: pa, names["B"]: pb, names["AB"]: both, names["A|B"]: both / pb,
                names["B|A"]: both / pa}

    written = {"A": f"{p}({a_tex})", "B": f"{p}({b_tex})", "AB": f"{p}({a_tex}, {b_tex})",
               "A|B": f"{p}({a_tex} | {b_tex})", "B|A": f"{p}({b_tex} | {a_tex})"}
    return Restatement(_identity("Bayes' rule"), _text(left, tex), stated, canonical, canonical_tex, draw,
                       names={names[k]: written[k] for k in names})


# ---- the variance of a sum ---------------------------------------------------------------------------

def _variance(left: ast.Expr, right: ast.Expr, tex: str) -> Restatement | None:
    """`Var(aX + bY)` set equal to an expression of `Var(X)`, `Var(Y)` and `Cov(X, Y)`, the same `Var`."""
    if not (isinstance(left, ast.Apply) and isinstance(left.function, ast.Symbol)
            and left.function.name == "Var" and len(left.args) == 1):
        return None
    combination = left.args[0]
    if not (isinstance(combination, ast.BinOp) and combination.op in ("+", "-")):
        return None
    terms = [_term(combination.left), _term(combination.right)]
    if None in terms:
        return None
    (a_node, x), (b_node, y) = terms  # type: ignore[misc]
    if x == y:
        return None
    variance = left.function
    import sympy

    v_x, v_y = sympy.Symbol("var_X", positive=True), sympy.Symbol("var_Y", positive=True)
    cov = sympy.Symbol("cov_XY", real=True)
    unknown: list[ast.Node] = []
    seen: set[str] = set()

    def swap(node: ast.Node) -> ast.Expr | None:
        if not (isinstance(node, ast.Apply) and isinstance(node.function, ast.Symbol)):
            return None
        if node.function == variance and len(node.args) == 1 and node.args[0] in (x, y):
            seen.add("x" if node.args[0] == x else "y")
            return ast.Symbol(name=v_x.name if node.args[0] == x else v_y.name)
        if node.function.name == "Cov" and len(node.args) == 2 and set(node.args) == {x, y}:
            return ast.Symbol(name=cov.name)
        if node.function.name in ("Var", "Cov", "Corr", "E"):
            unknown.append(node)
        return None

    rewritten = _replace(right, swap)
    if unknown or seen != {"x", "y"} or any(n in (x, y) for n in rewritten.walk()):
        return None
    coefficient_a = _translate(a_node) if a_node is not None else sympy.Integer(1)
    coefficient_b = _translate(b_node) if b_node is not None else sympy.Integer(1)
    if combination.op == "-":
        coefficient_b = -coefficient_b
    placeholders = {sympy.Symbol(s.name, real=True): s for s in (v_x, v_y, cov)}
    stated = _translate(rewritten).xreplace(placeholders)
    coefficients = coefficient_a.free_symbols | coefficient_b.free_symbols
    if not stated.free_symbols <= {v_x, v_y, cov} | coefficients:
        return None
    canonical = coefficient_a ** 2 * v_x + coefficient_b ** 2 * v_y + 2 * coefficient_a * coefficient_b * cov
    special = coefficient_a ** 2 * v_x + coefficient_b ** 2 * v_y
    v, x_tex, y_tex = _text(variance, tex), _text(x, tex), _text(y, tex)
    a_tex = "" if a_node is None else f"{_text(a_node, tex)}^2"
    b_tex = "" if b_node is None else f"{_text(b_node, tex)}^2"
    sign = "-" if combination.op == "-" else "+"
    two = "2" + (_text(a_node, tex) if a_node is not None else "") + (_text(b_node, tex) if b_node else "")
    cov_name = "\\operatorname{Cov}"
    canonical_tex = (f"{a_tex}{v}({x_tex}) + {b_tex}{v}({y_tex}) {sign} {two}{cov_name}({x_tex}, {y_tex})")

    def draw(rng: random.Random) -> dict[sympy.Symbol, float]:
        point = {v_x: rng.uniform(0.5, 2.0), v_y: rng.uniform(0.5, 2.0)}
        point[cov] = rng.uniform(-0.9, 0.9) * float(sympy.sqrt(point[v_x] * point[v_y]))
        for s in sorted(coefficients, key=lambda s: s.name):
            point[s] = rng.uniform(0.5, 2.0) * rng.choice((-1, 1))
        return point

    return Restatement(_identity("the variance of a sum"), _text(left, tex), stated, canonical, canonical_tex,
                       draw, special=special, special_when="independent (uncorrelated) variables",
                       names={v_x: f"{v}({x_tex})", v_y: f"{v}({y_tex})", cov: f"Cov({x_tex}, {y_tex})"})


def _term(node: ast.Expr) -> tuple[ast.Expr | None, ast.Expr] | None:
    """`X` or `aX` with `X` a capital letter and `a` a number or a lower-case letter."""
    if _random(node):
        return None, node
    if isinstance(node, ast.Juxt) and len(node.factors) == 2 and _random(node.factors[1]):
        a = node.factors[0]
        if isinstance(a, ast.Number) or (isinstance(a, ast.Symbol) and a.font is None
                                         and not a.name[-1].isupper()):
            return a, node.factors[1]
    return None


def _random(node: ast.Expr) -> bool:
    return isinstance(node, ast.Symbol) and len(node.name) == 1 and node.name.isupper() and node.font is None


# ---- the product of two Gaussian densities -----------------------------------------------------------

@dataclass(frozen=True)
class _Gaussian:
    """`\\mathcal{N}(x; \\mu, \\sigma^2)` (or `| \\mu`) or `\\text{Norm}_x[\\mu, \\sigma^2]`: variable, mean, variance."""

    variable: ast.Expr
    mean: ast.Expr
    variance: ast.Expr
    operator: ast.Expr


def _gaussian_call(node: ast.Node) -> _Gaussian | None:
    if isinstance(node, ast.Apply) and isinstance(node.function, ast.Symbol) and node.function.name == "N" \
            and node.function.font == "cal" and len(node.args) == 2 and isinstance(node.args[0], ast.BinOp) \
            and node.args[0].op in (";", "given"):
        return _Gaussian(node.args[0].left, node.args[0].right, node.args[1], node.function)
    return None


def _norm_pair(head: ast.Expr, tail: ast.Expr) -> _Gaussian | None:
    if isinstance(head, ast.Subscript) and isinstance(head.base, ast.Symbol) and head.base.name == "Norm" \
            and isinstance(tail, ast.Tuple) and len(tail.items) == 2:
        return _Gaussian(head.index, tail.items[0], tail.items[1], head.base)
    return None


def _factors(node: ast.Expr) -> list[ast.Expr]:
    if isinstance(node, ast.Juxt):
        return [f for factor in node.factors for f in _factors(factor)]
    if isinstance(node, ast.BinOp) and node.op in ("cdot", "times", "*"):
        return _factors(node.left) + _factors(node.right)
    return [node]


def _gaussians(factors: list[ast.Expr]) -> list[_Gaussian | ast.Expr]:
    out: list[_Gaussian | ast.Expr] = []
    k = 0
    while k < len(factors):
        pair = _norm_pair(factors[k], factors[k + 1]) if k + 1 < len(factors) else None
        if pair is not None:
            out.append(pair)
            k += 2
            continue
        out.append(_gaussian_call(factors[k]) or factors[k])
        k += 1
    return out


def _gaussian_product(left: ast.Expr, right: ast.Expr, tex: str) -> Restatement | None:
    """Two Gaussian densities of the same variable multiplied, their variances written as squares."""
    terms = _gaussians(_factors(left))
    if len(terms) != 2 or not all(isinstance(t, _Gaussian) for t in terms):
        return None
    first, second = terms  # type: ignore[misc]
    assert isinstance(first, _Gaussian) and isinstance(second, _Gaussian)
    if first.variable != second.variable or first.operator != second.operator \
            or not isinstance(first.variable, ast.Symbol):
        return None
    if not (_is_variance(first.variance) and _is_variance(second.variance)) or _is_vector(first) \
            or _is_vector(second):
        return None  # a second parameter that is surely a variance, of a scalar
    stated = _with_densities(right, first.operator)
    v = _translate(first.variable)
    m1, s1, m2, s2 = (_translate(n) for n in (first.mean, first.variance, second.mean, second.variance))
    bound = v.free_symbols | m1.free_symbols | s1.free_symbols | m2.free_symbols | s2.free_symbols
    if stated is None or not stated.free_symbols <= bound:
        return None
    identity = _identity("the product of two Gaussian densities")
    canonical = identity.sides({"x": v, "mu1": m1, "mu2": m2, "v1": s1, "v2": s2})[1]  # type: ignore[dict-item]
    positive = s1.free_symbols | s2.free_symbols
    t = {n: _text(getattr(g, n), tex) for g in (first,) for n in ("variable", "mean", "variance")}
    u = {n: _text(getattr(second, n), tex) for n in ("mean", "variance")}

    def show(at: str, mean: str, var: str) -> str:
        op = _text(first.operator, tex)
        return f"{op}_{{{at}}}[{mean}, {var}]" if isinstance(first.operator, ast.Symbol) and \
            first.operator.name == "Norm" else f"{op}({at}; {mean}, {var})"

    s_sum = f"{t['variance']} + {u['variance']}"
    canonical_tex = (show(t["mean"], u["mean"], s_sum) + " " + show(
        t["variable"], f"\\frac{{{t['mean']} {u['variance']} + {u['mean']} {t['variance']}}}{{{s_sum}}}",
        f"\\frac{{{t['variance']} {u['variance']}}}{{{s_sum}}}"))

    def draw(rng: random.Random) -> dict[sympy.Symbol, float]:
        return {s: rng.uniform(0.4, 2.0) if s in positive else rng.uniform(-1.5, 1.5)
                for s in sorted(bound, key=lambda s: s.name)}

    return Restatement(identity, _text(left, tex), stated, canonical, canonical_tex, draw, symbolic=False)


def _density(v: sympy.Expr, mean: sympy.Expr, variance: sympy.Expr) -> sympy.Expr:
    import sympy

    return sympy.exp(-(v - mean) ** 2 / (2 * variance)) / sympy.sqrt(2 * sympy.pi * variance)


def _with_densities(right: ast.Expr, operator: ast.Expr) -> sympy.Expr | None:
    """The side with each Gaussian written as its density; None when it names a Gaussian otherwise."""
    import sympy

    found: list[_Gaussian] = []
    unknown: list[ast.Node] = []

    def placeholder(g: _Gaussian) -> ast.Expr:
        if g.operator != operator:
            unknown.append(g.operator)
        found.append(g)
        return ast.Symbol(name=f"gauss_{len(found)}")

    def swap(node: ast.Node) -> ast.Expr | None:
        call = _gaussian_call(node)
        if call is not None:
            return placeholder(call)
        if isinstance(node, ast.Juxt):
            parts = [placeholder(t) if isinstance(t, _Gaussian) else _replace(t, swap)
                     for t in _gaussians(list(node.factors))]
            return parts[0] if len(parts) == 1 else ast.Juxt(factors=tuple(parts))
        if isinstance(node, ast.Symbol) and node.name in ("N", "Norm") and node.font in ("cal", "text", "rm"):
            unknown.append(node)
        return None

    rewritten = _replace(right, swap)
    if unknown or not found:
        return None
    densities = {sympy.Symbol(f"gauss_{k}", real=True):
                 _density(_translate(g.variable), _translate(g.mean), _translate(g.variance))
                 for k, g in enumerate(found, start=1)}
    stated = _translate(rewritten).xreplace(densities)
    if any(str(s).startswith("gauss_") for s in stated.free_symbols):
        return None
    return stated


def _is_variance(node: ast.Expr) -> bool:
    return isinstance(node, ast.Power) and node.exponent == ast.Number(value="2")


def _is_vector(g: _Gaussian) -> bool:
    return any(isinstance(n, ast.Symbol) and n.font == "bf" for n in (*g.mean.walk(), *g.variance.walk()))


# ---- the marginal of a linear-Gaussian model ---------------------------------------------------------

def _gaussian_marginal(left: ast.Expr, right: ast.Expr, tex: str) -> Restatement | None:
    """`\\int N(y; a u + b, s^2) N(u; m, S^2) du` over the whole line, the first mean affine in `u`."""
    if not (isinstance(left, ast.Integral) and isinstance(left.variable, ast.Symbol) and left.region is None):
        return None
    whole = (left.lower is None and left.upper is None) or (
        isinstance(left.lower, ast.Neg) and left.lower.operand == ast.Symbol(name="\\infty")
        and left.upper == ast.Symbol(name="\\infty"))
    terms = _gaussians(_factors(left.body))
    if not whole or len(terms) != 2 or not all(isinstance(t, _Gaussian) for t in terms):
        return None
    outer, inner = sorted(terms, key=lambda t: t.variable == left.variable)  # type: ignore[union-attr]
    assert isinstance(outer, _Gaussian) and isinstance(inner, _Gaussian)
    u_node = left.variable
    if inner.variable != u_node or outer.variable == u_node or outer.operator != inner.operator \
            or not isinstance(outer.variable, ast.Symbol):
        return None
    if not (_is_variance(outer.variance) and _is_variance(inner.variance)) or _is_vector(outer) or _is_vector(inner):
        return None
    if any(u_node in set(n.walk()) for n in (outer.variance, inner.mean, inner.variance)):
        return None
    import sympy

    u = _translate(u_node)
    y, mean = _translate(outer.variable), _translate(outer.mean)
    a = sympy.diff(mean, u)
    b = sympy.expand(mean - a * u)
    if a == 0 or u in a.free_symbols or u in b.free_symbols:
        return None  # the mean is not affine in the variable integrated out
    m, s_inner, s_outer = _translate(inner.mean), _translate(inner.variance), _translate(outer.variance)
    stated = _with_densities(right, outer.operator)
    bound = (y.free_symbols | mean.free_symbols | m.free_symbols | s_inner.free_symbols
             | s_outer.free_symbols) - {u}
    if stated is None or not stated.free_symbols <= bound:
        return None
    identity = _identity("the marginal of a linear-Gaussian model")
    canonical = identity.sides({"x": y, "mu1": m, "v1": s_inner, "v2": s_outer,  # type: ignore[dict-item]
                                "a": a, "b": b})[1]
    positive = s_inner.free_symbols | s_outer.free_symbols
    op = _text(outer.operator, tex)
    at, a_tex, m_tex = _text(outer.variable, tex), sympy.latex(a), _text(inner.mean, tex)
    b_tex = "" if b == 0 else f" + {sympy.latex(b)}"
    a_m = f"{m_tex}" if a == 1 else f"{a_tex} {m_tex}" if isinstance(inner.mean, ast.Symbol) \
        else f"{a_tex} ({m_tex})"
    plain = isinstance(a, sympy.Symbol) or (a.is_Integer and a > 0)
    a_sq = "" if a == 1 else f"{a_tex}^2 " if plain else f"({a_tex})^2 "
    var_tex = f"{_text(outer.variance, tex)} + {a_sq}{_text(inner.variance, tex)}"
    canonical_tex = (f"{op}_{{{at}}}[{a_m}{b_tex}, {var_tex}]" if isinstance(outer.operator, ast.Symbol)
                     and outer.operator.name == "Norm" else f"{op}({at}; {a_m}{b_tex}, {var_tex})")

    def draw(rng: random.Random) -> dict[sympy.Symbol, float]:
        return {s: rng.uniform(0.4, 2.0) if s in positive else rng.uniform(-1.5, 1.5)
                for s in sorted(bound, key=lambda s: s.name)}

    return Restatement(identity, _text(left, tex), stated, canonical, canonical_tex, draw, symbolic=False)
