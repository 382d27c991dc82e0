"""Which parts of a formula claim an identity.

A chain `a = b = c` claims that each step holds. Its first step defines `a` instead when `a` is a
bare name or a signature (`f(x)`, `J(w, b)`) or when it is written with a definition mark (`:=`);
every later step is still a claim. A left side with an operator in it (a derivative, a sum,
arithmetic) makes the first step a claim too. In `A = S + \\dots \\approx B` the approximation claims
`A \\approx B`: the dots abbreviate the rest of A's series.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from veritex.math import ast

from .definitions import head_key, is_definable

CLAIM_RELATIONS = frozenset({"=", "approx"})
"""Relations a step can be checked for; inequalities and the rest are statements of another kind."""


@dataclass(frozen=True)
class Step:
    """One step of a chain: sides `left` (number `index`, 1-based) and `right` (`index + 1`)."""

    statement: int  # 0-based position of the statement in its formula
    index: int
    left: ast.Expr
    relation: str
    right: ast.Expr
    conditions: tuple[ast.Condition, ...] = ()

    def name(self, several_statements: bool) -> str:
        text = f"{self.index} → {self.index + 1}"
        return f"row {self.statement + 1}, {text}" if several_statements else text


def first_step_defines(statement: ast.Statement, defined_functions: set[ast.Expr]) -> bool:
    """Whether the first step of `statement` is a definition rather than a claim."""
    if not statement.relations:
        return False
    relation, lhs = statement.relations[0], statement.sides[0]
    if relation == "def":
        return True
    if relation != "=":
        return False
    if isinstance(lhs, ast.Apply) and isinstance(lhs.function, ast.Prime):
        # `f'(x) = ...` claims a derivative when `f` is defined, and defines `f'` otherwise.
        return head_key(lhs.function.operand) not in defined_functions
    return is_definable(lhs) or _is_word(lhs)


def _is_word(lhs: ast.Expr) -> bool:
    """`\\textrm{price} = w \\cdot \\textrm{area} + b`: a quantity named by an upright word, defined by a
    model equation rather than claimed equal to it."""
    base = lhs.base if isinstance(lhs, ast.Subscript) else lhs
    return isinstance(base, ast.Symbol) and base.font in ("text", "rm") and base.is_word


def claims_of(formula: ast.Formula, defined_functions: set[ast.Expr]) -> list[Step]:
    """The steps of `formula` that claim an identity, in order."""
    steps: list[Step] = []
    for number, statement in enumerate(formula.statements):
        skip_first = first_step_defines(statement, defined_functions)
        for k, (left, relation, right) in enumerate(statement.steps()):
            if k == 0 and skip_first:
                continue
            if relation in CLAIM_RELATIONS:
                steps.append(Step(number, k + 1, left, relation, right, statement.conditions))
    return through_series(steps, formula)


def through_series(steps: list[Step], formula: ast.Formula) -> list[Step]:
    """`A = S + \\dots \\approx B`: the approximation step is read as `A \\approx B`, since its left side
    only abbreviates the series of `A` (and cannot be read itself). A number `B` (`\\approx 2.5`) may be
    the value of the partial sum `S` alone: that step is left as written."""
    out = []
    for step in steps:
        statement = formula.statements[step.statement]
        k = step.index - 1  # the left side's place among the statement's sides
        if step.relation == "approx" and k >= 1 and _trailing_dots(step.left) and _has_name(step.right) \
                and statement.relations[k - 1] == "=" and not _has_dots(statement.sides[k - 1]):
            step = replace(step, left=statement.sides[k - 1])
        out.append(step)
    return out


def _trailing_dots(side: ast.Expr) -> bool:
    return isinstance(side, ast.BinOp) and side.op in ("+", "-") and isinstance(side.right, ast.Dots) \
        and not _has_dots(side.left)


def _has_dots(side: ast.Expr) -> bool:
    return any(isinstance(n, ast.Dots) for n in side.walk())


def _has_name(side: ast.Expr) -> bool:
    return any(isinstance(n, ast.Symbol) and n.name not in ("e", "\\pi") for n in side.walk())
