"""A mean or variance stated in prose ("the mean of the distribution is $1/\\theta$") held against the
moment computed from the density or mass function the document gives just before it, by quadrature and
summation at sampled parameters. When the document's function is a standard distribution, the message
names it, with its known moment and a reference.

The stated formula is linked only within the same cell and section, with no other displayed formula
between, and only in a sentence that states the moment plainly (not a sample mean, not under a condition).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from veritex.math import MathSyntaxError, parse

from .context import CrossContext
from .distributions import Distribution, candidates
from .finding import Finding

if TYPE_CHECKING:
    import sympy

    from veritex.model import Math

    from .distributions import Support

CHECK = "stated_moments"
AGREE = 1e-7
APART = 1e-4

_CLAIM = re.compile(r"(?:^|[\s,;(])(?:and\s+)?(?:the\s+)?(?:formula\s+for\s+the\s+)?"
                    r"(?P<what>mean|expected value|expectation|variance)"
                    r"(?:\s+of\s+(?:the|this|that)\s+(?:distribution|random variable))?"
                    r"\s+is(?:\s+also)?\s*$", re.IGNORECASE)
# A sentence that states something else than the moment of the distribution just given.
_OTHER = re.compile(r"\b(?:if|suppose|assume|when|whether|sample|empirical|estimated?|conditional|posterior|"
                    r"prior|running|moving|weighted|log|approximately|roughly|about|not|sum|average of)\b",
                    re.IGNORECASE)
_SENTENCE = re.compile(r"[.!?]\s+(?=[A-Z])|\n\s*\n")


def run(context: CrossContext) -> list[Finding]:
    found = candidates(context)
    if not found:
        return []
    from .sentences import stream_of

    stream = stream_of(context.doc)
    macros = context.doc.meta.macros
    out: list[Finding] = []
    for n, dist in enumerate(found):
        stop = found[n + 1].index if n + 1 < len(found) else len(stream.maths)
        for j in range(dist.index + 1, stop):
            if not stream.same_section(dist.index, j):
                break
            what = _claim(stream.texts[j], stream.maths[j])
            if what is None:
                continue
            finding = check(dist, what, stream.maths[j], macros)
            if finding is not None:
                out.append(finding)
    return out


def _claim(before: str, math: Math) -> str | None:
    """"mean" or "variance" when the prose right before an inline formula states that moment."""
    if math.display:
        return None
    match = _CLAIM.search(before)
    if match is None:
        return None
    sentence = _SENTENCE.split(before)[-1]
    if _OTHER.search(sentence[: len(sentence) - (len(before) - match.start())]):
        return None
    return "variance" if match.group("what").lower() == "variance" else "mean"


def check(dist: Distribution, what: str, math: Math, macros: dict[str, str]) -> Finding | None:
    import sympy

    from veritex.math import Uninterpretable

    from .quadrature import function_at, sample_points, total
    from .symbolic import translate

    support = _support(dist)
    if support is None:
        return None
    try:
        formula = parse(math.tex, macros=macros)
    except MathSyntaxError:
        return None
    if len(formula.statements) != 1 or formula.statements[0].relations or formula.shapes:
        return None
    try:
        stated = translate(formula.statements[0].sides[0])
    except (Uninterpretable, ValueError, TypeError):
        return None
    if not stated.free_symbols <= set(dist.parameters) or not stated.is_number and not stated.free_symbols:
        return None
    points = sample_points(dist.domains) if dist.parameters else [{}]
    computed: list[float] = []
    claimed: list[float] = []
    for point in points:
        f = function_at(dist.expr, dist.variable, point)
        moments = [total(f, support, point, power, key=dist.expr) for power in (0, 1, 2)]
        if any(m is None for m in moments):
            return None
        mass, first, second = (float(m) for m in moments)  # type: ignore[arg-type]
        if abs(mass - 1) > AGREE:
            return None  # the function is not normalised: its moments are not the ones meant
        computed.append(first if what == "mean" else second - first ** 2)
        try:
            claimed.append(float(sympy.sympify(stated).xreplace({s: sympy.Float(v, 30) for s, v in point.items()}).evalf(20)))
        except (TypeError, ValueError):
            return None
    if all(abs(c - s) <= AGREE * max(1.0, abs(c)) for c, s in zip(computed, claimed, strict=True)):
        return _verified(dist, what, math, stated, points, support)
    if support.stated and all(abs(c - s) > APART * max(1.0, abs(c)) for c, s in zip(computed, claimed, strict=True)):
        return _refuted(dist, what, math, stated, points, computed, claimed)
    return None


def _support(dist: Distribution) -> Support | None:
    """The stated support; when none is stated, the usual one over which the function sums to one (then a
    moment can be verified, never refuted)."""
    from .normalisation import TOLERANCE, _supports
    from .quadrature import function_at, sample_points, total

    if dist.support.stated:
        return dist.support
    points = sample_points(dist.domains) if dist.parameters else [{}]
    for support in _supports(dist):
        masses = [total(function_at(dist.expr, dist.variable, p), support, p, key=dist.expr) for p in points]
        if all(m is not None and abs(m - 1) <= TOLERANCE for m in masses):
            return support
    return None


def _standard(dist: Distribution, points: list[dict[sympy.Symbol, float]]) -> Any:
    from .standard_results import identify

    return identify(dist, points)


def _verified(dist: Distribution, what: str, math: Math, stated: sympy.Expr,
              points: list[dict[sympy.Symbol, float]], support: Support) -> Finding:
    from .standard_results import describe

    match = _standard(dist, points)
    known = f" ({match.standard.name})" if match is not None else ""
    detail: dict[str, Any] = {"against": f"{dist.tex_name} at line {dist.math.position.line}"}
    if match is not None:
        detail["reference"] = match.standard.reference
    return Finding(math, "verified", f"The {what} {describe(stated)} agrees with the {what} computed from "
                   f"{dist.tex_name} on {support.describe()} at line {dist.math.position.line}{known}.",
                   CHECK, detail=detail)


def _refuted(dist: Distribution, what: str, math: Math, stated: sympy.Expr,
             points: list[dict[sympy.Symbol, float]], computed: list[float], claimed: list[float]) -> Finding:
    from .normalisation import _where
    from .standard_results import describe

    match = _standard(dist, points)
    point = points[0]
    at = f" at {_where(dist, point)}" if point else ""
    line = dist.math.position.line
    if match is not None:
        right = describe(match.moment(what))
        message = (f"The {what} of {dist.tex_name} on {dist.support.describe()} (line {line}) is {right}, not "
                   f"{describe(stated)}: {at.strip()} it is {computed[0]:.6g}, while {describe(stated)} gives "
                   f"{claimed[0]:.6g}.")
    else:
        message = (f"The {what} computed from {dist.tex_name} on {dist.support.describe()} (line {line}) is "
                   f"{computed[0]:.6g}{at}, while the stated {describe(stated)} gives {claimed[0]:.6g}.")
    detail: dict[str, Any] = {
        "against": f"{dist.tex_name} = {dist.math.tex.strip()} at line {line}",
        "values": [f"{_where(dist, p) or 'no parameters'}: computed {c:.6g}, stated {s:.6g}"
                   for p, c, s in zip(points, computed, claimed, strict=True)],
    }
    if match is not None:
        detail["fix"] = f"{describe(match.moment(what))} ({match.standard.name})"
        detail["reference"] = match.standard.reference
    return Finding(math, "refuted", message.replace(":  it", ": it").replace(": at", ": at"), CHECK, detail=detail)
