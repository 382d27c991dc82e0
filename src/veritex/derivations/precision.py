"""Precision first: readings of a claimed step that are not certain, found before anything is sampled.

The parser writes `E[X^2]`, `D_x f`, `\\frac{dg}{dx}(x)` and `f[x]` as letters side by side, which the
check would otherwise multiply; a document about complex numbers uses `i` as the imaginary unit; a
chain rule keeps its intermediate variables free while their definitions are substituted around
them; two sides that share no variable state an equation, not an identity. Each such step is left
unchecked with a listed reason (`reasons.py`) instead of being sampled under a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from veritex.math import ast

from .astutil import bound_indices, display_name, symbols_in
from .definitions import DefinitionTable, head_key
from .reasons import (
    BARE_SUM,
    BRACKET_APPLICATION,
    DEFINED_LATER,
    DERIVATIVE_AT_POINT,
    EQUATION_TO_SOLVE,
    INDEX_CAPTURE,
    INTERMEDIATE_VARIABLES,
    NOT_AN_IDENTITY,
    OPERATOR,
    Reason,
)

OPERATOR_NAMES = frozenset({"E", "P", "Pr", "Var", "Cov", "Corr", "D", "\\delta", "\\Gamma", "erf", "erfc",
                            "\\mathbb{E}", "\\mathbb{P}", "\\mathbb{V}"})
"""Letters and words that name an operator when an argument follows them in delimiters."""
STATISTICAL = frozenset({"E", "P", "Pr", "Var", "Cov", "Corr", "D"})
CONSTANTS = frozenset({"e", "\\pi", "\\infty"})
_SIZING = re.compile(r"\\(?:left|bigl|Bigl|biggl|Biggl|big|Big|bigg|Bigg)\b|\s+")


@dataclass(frozen=True)
class Doubt:
    """Why a step's reading is not certain: the listed reason and its sentence."""

    reason: Reason
    text: str


def doubt_in(left: ast.Expr, right: ast.Expr, tex: str, table: DefinitionTable, order: int) -> Doubt | None:
    """A reason to leave the step `left = right` (as written, before any substitution) unchecked."""
    for side in (left, right):
        found = _operator_doubt(side, tex, table, order) or _bare_sum(side)
        if found is not None:
            return found
    return None


def doubt_after_substitution(original: tuple[ast.Expr, ast.Expr], free: tuple[ast.Expr, ast.Expr],
                             full: tuple[ast.Expr, ast.Expr], table: DefinitionTable, order: int) -> Doubt | None:
    """Doubts about the step once definitions are substituted: intermediate variables left free, or
    sides that share no variable in either form."""
    for side in full:
        for node in side.walk():
            if not isinstance(node, ast.Derivative):
                continue
            for variable in node.variables:
                definition = table.lookup("symbol", variable, order) or table.lookup("function", variable, order)
                if definition is not None and _names(definition.body):  # `x = 3` is a value, not a variable
                    where = definition.label or "a formula before it"
                    return Doubt(INTERMEDIATE_VARIABLES,
                                 INTERMEDIATE_VARIABLES.say(name=display_name(variable), where=where))
    captured = _captured(original, full)
    if captured:
        return Doubt(INDEX_CAPTURE, INDEX_CAPTURE.say(name=captured))
    if _disjoint(*free) and _disjoint(*full):
        left, right = (", ".join(sorted(_names(s))) for s in free)
        return Doubt(NOT_AN_IDENTITY, NOT_AN_IDENTITY.say(left=left, right=right))
    return None


_CUES = (("solve", "an equation to solve"), ("solving", "an equation to solve"), ("equilibri", "an equilibrium"),
         ("steady state", "a steady state"), ("steady-state", "a steady state"), ("constraint", "a constraint"),
         ("condition", "a condition"), ("normaliz", "a normalisation"), ("normalis", "a normalisation"),
         ("must satisfy", "a condition"))
LEAD_IN = 200
"""Characters of prose before a formula read for what it introduces."""


def equation_doubt(lead_in: str) -> Doubt | None:
    """The prose just before a formula says it is an equation to solve, an equilibrium or a constraint."""
    text = " ".join(lead_in[-LEAD_IN:].lower().split())
    for cue, what in _CUES:
        if cue in text:
            return Doubt(EQUATION_TO_SOLVE, EQUATION_TO_SOLVE.say(what=what))
    return None


_ILLUSTRATION = re.compile(r"\b(consider|e\.g\.|for example|for instance|such as|like|imagine)\b[^.;:!?]*$",
                           re.IGNORECASE)


def illustrates(lead_in: str) -> bool:
    """The sentence leading to an inline formula gives it as an example (`consider the area under
    $f(x) = x^2$`): a formula given so illustrates, it defines nothing for the rest of the document."""
    return _ILLUSTRATION.search(" ".join(lead_in.split())) is not None


def imaginary_letters(formulas: list[ast.Formula]) -> frozenset[str]:
    """The letters a document uses as the imaginary unit: `i` (or `j`) in an exponent of `e`, in
    `i^2 = -1`, or `i` in a document that declares something complex (`z \\in \\mathbb{C}`)."""
    found: set[str] = set()
    for formula in formulas:
        if any(d.domain == "C" for d in formula.shapes):
            found.add("i")
        for statement in formula.statements:
            if _is_unit_square(statement):
                found.add(_unit_square_letter(statement))
            for side in statement.sides:
                for node in side.walk():
                    if isinstance(node, ast.Power) and isinstance(node.base, ast.Symbol) \
                            and node.base.name == "e" and node.base.font in (None, "rm"):
                        found.update(s.name for s in _loose_symbols(node.exponent) if s.name in ("i", "j"))
    return frozenset(found)


def _loose_symbols(node: ast.Node) -> list[ast.Symbol]:
    """Plain italic letters standing as values, not as indices (`z_i`, `x^{(i)}` leave `i` out)."""
    out: list[ast.Symbol] = []
    stack: list[ast.Node] = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ast.Symbol):
            if n.font is None and not n.accents:
                out.append(n)
        elif isinstance(n, ast.Subscript | ast.SuperIndex):
            stack.append(n.base)
        elif isinstance(n, ast.BigOp | ast.Family):
            stack.append(n.body)
        else:
            stack.extend(n.children())
    return out


def _is_unit_square(statement: ast.Statement) -> bool:
    if len(statement.sides) != 2:
        return False
    left, right = statement.sides
    return isinstance(left, ast.Power) and isinstance(left.base, ast.Symbol) and left.base.name in ("i", "j") \
        and str(left.exponent) == "2" and str(right) in ("(neg 1)", "-1", "(- 1)")


def _unit_square_letter(statement: ast.Statement) -> str:
    left = statement.sides[0]
    assert isinstance(left, ast.Power) and isinstance(left.base, ast.Symbol)
    return left.base.name


def _operator_doubt(side: ast.Expr, tex: str, table: DefinitionTable, order: int) -> Doubt | None:
    for node in side.walk():
        if isinstance(node, ast.Apply) and _is_statistical(node.function) \
                and table.lookup("function", node.function, order) is None:
            return Doubt(OPERATOR, OPERATOR.say(name=display_name(node.function)))
        if not isinstance(node, ast.Juxt):
            continue
        for k, (head, arg) in enumerate(zip(node.factors, node.factors[1:], strict=False)):
            written = opening(tex, head, arg)
            if isinstance(head, ast.Derivative | ast.Gradient) and written == "(":
                return Doubt(DERIVATIVE_AT_POINT, DERIVATIVE_AT_POINT.say(name=_shown(tex, head)))
            name = _operator_name(head)
            if name is not None and (written in ("(", "[") or (k == 0 and _is_differential(head))):
                return Doubt(OPERATOR, OPERATOR.say(name=name))
            if written == "[" and _is_name_like(head):
                return Doubt(BRACKET_APPLICATION, BRACKET_APPLICATION.say(name=_shown(tex, head)))
            if written == "(" and _defined_later(head, table, order):
                return Doubt(DEFINED_LATER, DEFINED_LATER.say(name=display_name(head)))
    return None


def _bare_sum(side: ast.Expr) -> Doubt | None:
    """`\\sum_i x_i p_i` gives no range: sampling would choose one the text never stated."""
    for node in side.walk():
        if isinstance(node, ast.BigOp) and node.op in ("sum", "prod") and node.index is not None \
                and node.upper is None and node.domain is None:
            return Doubt(BARE_SUM, BARE_SUM.say(op="\\" + node.op, index=display_name(node.index)))
    return None


def _captured(original: tuple[ast.Expr, ast.Expr], full: tuple[ast.Expr, ast.Expr]) -> str | None:
    """An index the step uses freely (`\\frac{df}{dx_i} = \\beta_i`) that a substituted definition binds
    (`f = \\sum_i \\beta_i x_i`): the substitution would capture it."""
    free_here: set[str] = set()
    for side in original:
        bound = {display_name(b) for b in bound_indices(side)}
        free_here |= {display_name(s) for s in symbols_in(side)} - bound
    for side in full:
        for index in bound_indices(side):
            if display_name(index) in free_here:
                return display_name(index)
    return None


def imaginary_unit_in(sides: tuple[ast.Expr, ...], imaginary: frozenset[str]) -> str | None:
    """The letter a step uses as the imaginary unit (the document works with complex numbers), if any:
    it is read as the unit, never sampled as a real number."""
    if not imaginary:
        return None
    for side in sides:
        bound = {b for b in bound_indices(side) if isinstance(b, ast.Symbol)}
        for symbol in _loose_symbols(side):
            if symbol.name in imaginary and symbol not in bound:
                return symbol.name
    return None


def opening(tex: str, head: ast.Expr, arg: ast.Expr) -> str:
    """The delimiter written between two factors (`(`, `[`), or "" when there is none."""
    start, end = head.span[1], arg.span[0]
    if not tex or end <= start or arg.span == (0, 0) or end > len(tex):
        return ""
    between = _SIZING.sub("", tex[start:end])
    if between.endswith(("(", "\\lparen")):
        return "("
    if between.endswith(("[", "\\lbrack")):
        return "["
    return ""


def _operator_name(node: ast.Expr) -> str | None:
    """`E`, `\\mathbb{E}`, `\\operatorname{Var}`, `D_x`, `\\delta`, or any upright word (`\\mathrm{lin}`,
    `\\text{f}`): the name of an operator or function when an argument follows."""
    base = node.base if isinstance(node, ast.Subscript) else node
    if not isinstance(base, ast.Symbol):
        return None
    if base.font == "bb" and base.name in ("E", "P", "V"):
        return f"\\mathbb{{{base.name}}}"
    if base.name in OPERATOR_NAMES and base.font in (None, "rm", "op", "text", "bb"):
        return display_name(node)
    if base.font in ("rm", "text", "op") and not base.accents:
        return display_name(node)
    return None


def _is_statistical(node: ast.Expr) -> bool:
    """`\\operatorname{Var}(X)`, `\\Pr(A)`, `\\mathbb{E}(X)`: operators on random variables, which the check
    does not evaluate even when the parser reads them as applied functions (`\\operatorname{erf}(x)` is
    evaluated)."""
    base = node.base if isinstance(node, ast.Subscript) else node
    return isinstance(base, ast.Symbol) and base.name in STATISTICAL


def _defined_later(head: ast.Expr, table: DefinitionTable, order: int) -> bool:
    """`k(t)` where the document defines the function `k` only after this formula."""
    key = head_key(head)
    if table.lookup("function", head, order) is not None:
        return False
    for d in table.definitions:
        if d.order <= order:
            continue
        if d.kind == "function" and d.key == key:
            return True
        if isinstance(d.head, ast.Juxt) and head_key(d.head.factors[0]) == key and "(" in d.tex:
            return True  # `k(t) = ...` read as letters side by side, the way this formula writes `k(t)`
    return False


def _is_differential(node: ast.Expr) -> bool:
    """`D_x`: an operator even without parentheses around what it acts on."""
    return isinstance(node, ast.Subscript) and isinstance(node.base, ast.Symbol) and node.base.name == "D"


def _is_name_like(node: ast.Expr) -> bool:
    base = node.base if isinstance(node, ast.Subscript | ast.SuperIndex) else node
    return isinstance(base, ast.Symbol) and not base.name.startswith("\\infty")


def _shown(tex: str, node: ast.Expr) -> str:
    start, end = node.span
    text = tex[start:end] if tex and 0 <= start < end <= len(tex) else ""
    return text or display_name(node)


def _names(side: ast.Expr) -> set[str]:
    bound = {display_name(b) for b in bound_indices(side)}
    return {display_name(s) for s in symbols_in(side) if s.name not in CONSTANTS} - bound


def _disjoint(left: ast.Expr, right: ast.Expr) -> bool:
    a, b = _names(left), _names(right)
    return bool(a) and bool(b) and not (a & b)
