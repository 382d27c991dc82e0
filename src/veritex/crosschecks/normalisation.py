"""A function the prose calls a probability density integrates to one over its support and is never
negative there; a probability mass function sums to one. Checked by quadrature and summation at sampled
parameters drawn from their stated domains.

Refuted only on a certain reading: the support stated (or, when unstated, neither the whole line nor
[0, ∞) giving one while the whole-line integral converges), the mass off one at every sampled point, and no
parameter that merely scales the function (a constant `C` that the author means to normalise it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .context import CrossContext
from .distributions import candidates
from .finding import Finding

if TYPE_CHECKING:
    import sympy

    from .distributions import Distribution, Support

CHECK = "normalisation"
TOLERANCE = 1e-6  # agreement with one, relative
APART = 1e-3  # how far from one a mass must be to refute


def run(context: CrossContext) -> list[Finding]:
    out = []
    for dist in candidates(context):
        finding = check(dist)
        if finding is not None:
            out.append(finding)
    return out


def check(dist: Distribution) -> Finding | None:
    from .quadrature import function_at, sample_points, total

    if _scale_parameter(dist):
        return None
    points = sample_points(dist.domains) if dist.parameters else [{}]
    supports = _supports(dist)
    masses: list[list[float | None]] = []
    for support in supports:
        masses.append([total(function_at(dist.expr, dist.variable, p), support, p, key=dist.expr) for p in points])
    for support, values in zip(supports, masses, strict=True):
        if all(v is not None and abs(v - 1) <= TOLERANCE for v in values):
            negative = _negative(dist, support, points) if support.stated else None
            if negative is not None and _certain(dist):
                return negative
            return _verified(dist, support, points)
    first = masses[0]
    if not _certain(dist) or any(v is None or abs(v - 1) <= APART for v in first):
        return None
    if not dist.support.stated and not all(v is None or abs(v - 1) > APART for v in masses[1]):
        return None
    return _refuted(dist, supports[0], points, [v for v in first if v is not None])


def _supports(dist: Distribution) -> list[Support]:
    """The stated support; when none is stated, the whole line and [0, ∞) (or {0, 1, …} and {1, 2, …})."""
    import sympy

    from .distributions import Support

    if dist.support.stated:
        return [dist.support]
    if dist.kind == "mass":
        return [Support(True, sympy.Integer(0), sympy.oo, False), Support(True, sympy.Integer(1), sympy.oo, False)]
    return [Support(False, -sympy.oo, sympy.oo, False), Support(False, sympy.Integer(0), sympy.oo, False)]


def _certain(dist: Distribution) -> bool:
    """Refutable: a mass function only over a stated support; a density over a stated or the usual one."""
    return dist.support.stated or dist.kind == "density"


def _scale_parameter(dist: Distribution) -> bool:
    """Whether some parameter only multiplies the function (`C e^{-x^2}`, `\\frac{1}{Z} ...`): then it is a
    normalising constant the document leaves to be chosen, and nothing can be said."""
    import sympy

    params = dist.parameters
    probes = [{**{s: sympy.Float(0.3 + 0.17 * j + 0.11 * n) for j, s in enumerate(params)},
               dist.variable: sympy.Float(0.4 + 0.5 * n)} for n in range(3)]
    for symbol in params:
        doubled = dist.expr.xreplace({symbol: 2 * symbol})
        ratios = set()
        for probe in probes:
            try:
                ratio = complex(doubled.xreplace(probe).evalf(15)) / complex(dist.expr.xreplace(probe).evalf(15))
            except (TypeError, ValueError, ZeroDivisionError):
                return False
            ratios.add(round(ratio.real, 9) if abs(ratio.imag) < 1e-12 else None)
        if ratios in ({2.0}, {0.5}):
            return True
    return False


def _where(dist: Distribution, point: dict[sympy.Symbol, float]) -> str:
    from .standard_results import describe

    return ", ".join(f"{describe(s)} = {v:.4g}" for s, v in sorted(point.items(), key=lambda kv: kv[0].name))


def _what(dist: Distribution) -> str:
    return "probability density" if dist.kind == "density" else "probability mass function"


def _verb(dist: Distribution) -> str:
    return "integrates" if dist.kind == "density" else "sums"


def _verified(dist: Distribution, support: Support, points: list[dict[sympy.Symbol, float]]) -> Finding:
    at = "" if not dist.parameters else " at " + "; ".join(_where(dist, p) for p in points)
    over = support.describe() if support.stated else f"{support.describe()} (no support is stated)"
    detail: dict[str, Any] = {"support": support.describe(), "points": [_where(dist, p) for p in points]}
    return Finding(dist.math, "verified", f"{dist.tex_name}, called a {_what(dist)}, {_verb(dist)} to 1 over "
                   f"{over}{at}.", CHECK, detail=detail)


def _refuted(dist: Distribution, support: Support, points: list[dict[sympy.Symbol, float]],
             values: list[float]) -> Finding:
    from .quadrature import name_of

    shown = [f"{v:.6g}" + (f" ({name})" if (name := name_of(v)) and not name.replace("/", "").isdigit() else "")
             for v in values]
    over = support.describe()
    if dist.parameters:
        pairs = "; ".join(f"{s} at {_where(dist, p)}" for s, p in zip(shown, points, strict=True))
        message = f"{dist.tex_name} is called a {_what(dist)} but {_verb(dist)} to {pairs} over {over}, not 1."
    else:
        message = f"{dist.tex_name} is called a {_what(dist)} but {_verb(dist)} to {shown[0]} over {over}, not 1."
    detail: dict[str, Any] = {"support": over, "values": shown,
                              "points": [_where(dist, p) for p in points] if dist.parameters else []}
    if not support.stated:
        detail["support_note"] = "no support is stated; [0, ∞) does not give 1 either"
    if not dist.parameters and (name := name_of(values[0])) is not None:
        detail["fix"] = f"divide {dist.tex_name} by {name}"
    return Finding(dist.math, "refuted", message, CHECK, detail=detail)


def _negative(dist: Distribution, support: Support, points: list[dict[sympy.Symbol, float]]) -> Finding | None:
    from .quadrature import function_at, negative_value

    for point in points:
        found = negative_value(function_at(dist.expr, dist.variable, point), support, point)
        if found is not None:
            x, value = found
            at = f" at {_where(dist, point)}" if point else ""
            message = (f"{dist.tex_name} is called a {_what(dist)} but is negative at {dist.variable} = {x:.4g}"
                       f"{at} ({value:.4g}).")
            return Finding(dist.math, "refuted", message, CHECK, detail={"support": support.describe()})
    return None
