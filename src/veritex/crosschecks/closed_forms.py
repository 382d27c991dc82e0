"""A closed form of a family that a recurrence defines, held against the recurrence.

`X_t = a^t X_0 + b \\sum_{j=0}^{t-1} a^j + ...` beside `X_{t+1} = a X_t + b + c W_{t+1}`: the closed form
is written out at the first few indices the recurrence reaches from `X_0` (t = 1, 2, 3, 4), and compared
with the recurrence iterated from `X_0`, every other term (`W_1`, `W_2`, ...) drawn freely. Only a family
with one unambiguous recurrence in the same index variable is compared (`derivations.recurrences`).
"""

from __future__ import annotations

import re

from veritex.derivations.definitions import substitute
from veritex.derivations.plan import FormulaPlan, StepPlan
from veritex.derivations.reading import ReadFormula
from veritex.derivations.recurrences import ClosedForm, closed_form

from .context import CrossContext
from .finding import Finding

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
    from veritex.derivations.steps import check_step  # SymPy only once a closed form is found

    math = context.math
    variable = found.variable.name.lstrip("\\")
    steps = []
    for n, iterated, stated in found.instances:
        left = substitute(iterated, math.table, read.order, everywhere=True).expr
        right = substitute(stated, math.table, read.order, everywhere=True).expr
        steps.append(StepPlan(f"{variable} = {n}", "=", (left, right), (left, right)))
    plan = FormulaPlan(steps, math.known, math.shapes)
    results = [check_step(step, plan, SEED + k) for k, step in enumerate(steps)]
    indices = ", ".join(str(n) for n, _, _ in found.instances)
    against = found.describe()
    if all(r.status == "verified" for r in results):
        return Finding(read.math, "verified", f"the closed form agrees with {against} at {variable} = {indices}",
                       "closed_forms", detail={"against": found.recurrence.labels[0], "indices": indices})
    failed = next((r for r in results if r.status == "refuted"), None)
    if failed is None or failed.point is None:
        return None  # a term the check could not read: says nothing
    values = ", ".join(f"{_plain(k)} = {v:.6g}" for k, v in failed.point.items())
    message = (f"at {failed.step} the closed form gives {failed.rhs:.6g} but {against} gives {failed.lhs:.6g} "
               f"(at {values})")
    return Finding(read.math, "refuted", message, "closed_forms",
                   detail={"against": found.recurrence.labels[0], "values": failed.point,
                           "closed_form": failed.rhs, "iterated": failed.lhs})



def _plain(name: str) -> str:
    """`Z[1]`, as the sampler names an element, written `Z_1` as the document does."""
    return re.sub(r"^(.+)\[(-?\d+)\]$", r"\1_\2", name)
