"""A closed form of a family that a recurrence defines, held against the recurrence.

`X_t = a^t X_0 + b \\sum_{j=0}^{t-1} a^j + ...` beside `X_{t+1} = a X_t + b + c W_{t+1}`: the closed form
is written out at the first few indices the recurrence reaches from `X_0` (t = 1, 2, 3, 4), and compared
with the recurrence iterated from `X_0`, every other term (`W_1`, `W_2`, ...) drawn freely. Only a family
with one unambiguous recurrence in the same index variable is compared (`derivations.recurrences`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from veritex.derivations.definitions import substitute
from veritex.derivations.reading import ReadFormula
from veritex.derivations.recurrences import ClosedForm, closed_form
from veritex.math import ast

from .context import CrossContext
from .finding import Finding

if TYPE_CHECKING:
    from veritex.derivations.numeric import Sample

SEED = 1729


def run(context: CrossContext) -> list[Finding]:
    if not context.math.table.recurrences():
        return []
    findings = []
    for read in context.formulas(display=True):
        assert read.formula is not None
        for statement in read.formula.statements:
            if not statement.relations or statement.relations[0] not in ("=", "def"):
                continue
            found = closed_form(statement.sides[0], statement.sides[1], context.math.table)
            if found is not None:
                finding = _compare(context, read, found)
                if finding is not None:
                    findings.append(finding)
    return findings


def _compare(context: CrossContext, read: ReadFormula, found: ClosedForm) -> Finding | None:
    math = context.math
    variable = found.variable.name.lstrip("\\")
    failure = None
    for n, iterated, stated in found.instances:
        left = substitute(iterated, math.table, read.order, everywhere=True).expr
        right = substitute(stated, math.table, read.order, everywhere=True).expr
        outcome = _outcome(left, right, math.known, SEED + n)
        if outcome is None:
            return None  # a term the check cannot read: it says nothing
        if outcome != "holds":
            failure = (n, outcome)
            break
    against = found.describe()
    if failure is None:
        indices = ", ".join(str(n) for n, _, _ in found.instances)
        return Finding(read.math, "verified", f"the closed form agrees with {against} at {variable} = {indices}",
                       "closed_forms", detail={"against": found.recurrence.labels[0], "indices": indices})
    n, sample = failure
    point = {_plain(k): v for k, v in sample.point.items()}
    values = ", ".join(f"{k} = {v:.6g}" for k, v in point.items())
    message = (f"at {variable} = {n} the closed form gives {sample.rhs:.6g} but {against} gives {sample.lhs:.6g} "
               f"(at {values})")
    return Finding(read.math, "refuted", message, "closed_forms",
                   detail={"against": found.recurrence.labels[0], "values": point,
                           "closed_form": sample.rhs, "iterated": sample.lhs})


def _outcome(left: ast.Expr, right: ast.Expr, known: frozenset[str], seed: int) -> Literal["holds"] | Sample | None:
    """"holds", the confirmed point where the sides part, or None when the check cannot say. Every
    sum has whole-number bounds here, so it is written out; SymPy only expands, it never simplifies."""
    import sympy  # only once a closed form is found

    from veritex.derivations import numeric
    from veritex.derivations.translate import translate_pair
    from veritex.math.errors import Uninterpretable

    try:
        lhs, rhs = translate_pair(left, right, known=known)
        lhs, rhs = lhs.doit(), rhs.doit()
        if sympy.expand(lhs - rhs) == 0:
            return "holds"
        outcome = numeric.sample_identity(lhs, rhs, numeric.Domain(), seed=seed)
    except (Uninterpretable, numeric.Abstract, numeric.Unsampleable, TypeError, ValueError):
        return None
    if outcome.status == "holds":
        return "holds"
    return outcome.failure if outcome.status == "fails" else None


def _plain(name: str) -> str:
    """`Z[1]`, as the sampler names an element, written `Z_1` as the document does."""
    return re.sub(r"^(.+)\[(-?\d+)\]$", r"\1_\2", name)
