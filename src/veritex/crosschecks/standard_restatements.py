"""A standard result restated in a document, recognised by its shape and held against the canonical form
of the library (`standard_results.IDENTITIES`).

A restatement is recognised only when one side of an equality is exactly the result's left-hand side in the
document's own notation, with the variables bound as the result binds them (`restated_forms`):
`\\sum_{k=0}^{n} r^k` (the summation index is the exponent, the base free of it), `P(A|B)` with the reversed
conditional `P(B|A)` on the other side, `\\operatorname{Var}(aX+bY)` against `Var(X)`, `Var(Y)` and
`Cov(X, Y)`, a product of two Gaussian densities in the same variable (`\\mathcal{N}(x; \\mu, \\sigma^2)`,
`\\text{Norm}_x[\\mu, \\sigma^2]`), the integral over `u` of `N(y; a u + b, s^2) N(u; m, S^2)`. The other
side must use nothing but what the left side binds, so that both are functions of the same quantities; then
they are compared symbolically, else at sampled points.
A side that agrees is a verified consistency finding naming the reference; one that differs at every
sampled point is refuted with the canonical form. Anything else says nothing.
"""

from __future__ import annotations

import random
import re
from typing import TYPE_CHECKING

from .context import CrossContext
from .finding import Finding
from .restated_forms import Restatement, mentions_candidate, recognise

if TYPE_CHECKING:
    import sympy

    from veritex.derivations.reading import ReadFormula

CHECK = "standard_restatements"
POINTS = 6
SEED = 1931
AGREE = 1e-9
APART = 1e-6
_INDEPENDENT = re.compile(r"\bindependent|\buncorrelated|\bindependence", re.IGNORECASE)
_NEGATED = re.compile(r"\bnot\b|n't\b|\bneither\b|\bnor\b|\bunless\b|\bdependent\b", re.IGNORECASE)


def run(context: CrossContext) -> list[Finding]:
    findings: list[Finding] = []
    for read in context.formulas():
        assert read.formula is not None
        if not mentions_candidate(read.formula):
            continue
        finding = _formula(context, read)
        if finding is not None:
            findings.append(finding)
    return findings


def _formula(context: CrossContext, read: ReadFormula) -> Finding | None:
    assert read.formula is not None
    for statement in read.formula.statements:
        if statement.conditions or any(r != "=" for r in statement.relations):
            continue
        for a, b in zip(statement.sides, statement.sides[1:], strict=False):
            for left, right in ((a, b), (b, a)):
                restated = recognise(left, right, read.math.tex)
                if restated is not None:
                    return _judge(context, read, restated)
    return None


def _judge(context: CrossContext, read: ReadFormula, restated: Restatement) -> Finding | None:
    import sympy

    outcome = _compare(restated.stated, restated.canonical, restated)
    if outcome is None:
        return None
    where = f"{restated.identity.name} ({restated.identity.reference})"
    if outcome == "holds":
        return Finding(read.math, "verified", f"agrees with {where}", CHECK,
                       detail={"reference": restated.identity.reference, "canonical": restated.canonical_tex})
    if restated.special is not None and _compare(restated.stated, restated.special, restated) == "holds":
        # The special case (independent variables): it holds only where the prose says so.
        sentence = _prose_near(context, read)
        if _INDEPENDENT.search(sentence) and not _NEGATED.search(sentence):
            return Finding(read.math, "verified", f"agrees with {where} for {restated.special_when}", CHECK,
                           detail={"reference": restated.identity.reference,
                                   "canonical": restated.canonical_tex})
        return None
    assert not isinstance(outcome, str)
    point, stated, canonical = outcome
    relevant = {k: v for k, v in point.items() if k in restated.stated.free_symbols | restated.canonical.free_symbols}
    values = {restated.names.get(k, sympy.pretty(k, use_unicode=True)): v for k, v in relevant.items()}
    shown = ", ".join(f"{name} = {v:.4g}" for name, v in values.items())
    message = (f"{restated.shown} differs from {where}, which gives {restated.canonical_tex}: at {shown} the "
               f"formula gives {stated:.6g} but the result {canonical:.6g}")
    return Finding(read.math, "refuted", message, CHECK,
                   detail={"reference": restated.identity.reference,
                           "fix": f"{restated.shown} = {restated.canonical_tex}",
                           "values": {**values, "stated": stated, "canonical": canonical}})


def _compare(stated: sympy.Expr, canonical: sympy.Expr,
             restated: Restatement) -> str | tuple[dict[sympy.Symbol, float], float, float] | None:
    """"holds"; the first sampled point where the two part (when they part at every point); or None when
    they cannot be evaluated or agree at some points only."""
    import sympy

    try:
        if restated.symbolic and sympy.simplify(stated - canonical) == 0:
            return "holds"
    except (TypeError, ValueError, RecursionError):
        return None
    rng = random.Random(SEED)
    apart: list[tuple[dict[sympy.Symbol, float], float, float]] = []
    agree = 0
    for _ in range(POINTS):
        point = restated.draw(rng)
        try:
            a = complex(sympy.N(stated.subs(point), 30))
            b = complex(sympy.N(canonical.subs(point), 30))
        except (TypeError, ValueError, ZeroDivisionError):
            return None
        if abs(a.imag) > AGREE or abs(b.imag) > AGREE or a != a or b != b:
            return None
        scale = max(1.0, abs(b.real))
        if abs(a.real - b.real) <= AGREE * scale:
            agree += 1
        elif abs(a.real - b.real) > APART * scale:
            apart.append((point, a.real, b.real))
    if agree == POINTS:
        return "holds"
    if len(apart) == POINTS:
        return apart[0]
    return None


def _prose_near(context: CrossContext, read: ReadFormula) -> str:
    """The sentence that leads into the formula (for an inline one, its sentence up to the formula)."""
    from .sentences import stream_of

    stream = getattr(context, "_stream", None)
    if stream is None:
        stream = stream_of(context.doc)
        context._stream = stream  # type: ignore[attr-defined]
    k = stream.index(read.math)
    return stream.sentence_before(k)[0] if k is not None else ""
