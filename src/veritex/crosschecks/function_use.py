"""A function defined by a formula, held against a later claim that applies it at other arguments.

`g(\\mathbf{x}) = \\log \\sum_i \\exp x_i` defined, then `g(\\mathbf{x} + b) = g(\\mathbf{x})` claimed: both
sides are computed from the definition at sampled points (a bold name as a vector of a few components, a
bare sum over its components, a scalar added to a vector broadcast). The claim is refuted only when it
fails at every point sampled, its free names are generic letters that sit in the function's arguments
(so the claim speaks of all their values), the definition uses nothing but its parameters, and the
prose does not suppose or question it; it is verified when it holds at every point.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from veritex.derivations.astutil import bound_indices
from veritex.derivations.definitions import Definition, head_key
from veritex.math import ast
from veritex.model import Math

from .context import CrossContext
from .definitions import rule_text
from .finding import Finding
from .prose import hedged, same_paragraph, same_section

if TYPE_CHECKING:
    from .evaluate import Value

CHECK = "function_use"
LENGTHS = (2, 3)  # components of a sampled vector
POINTS = 6  # random points per vector length, after the plain one (zeros and ones)


def run(context: CrossContext) -> list[Finding]:
    functions = [d for d in context.math.table.definitions if d.kind == "function" and not d.recursive]
    if not functions:
        return []
    keys = {d.key for d in functions}
    findings: list[Finding] = []
    for read in context.formulas():
        assert read.formula is not None
        for statement in read.formula.statements:
            if statement.conditions:
                continue
            for left, relation, right in statement.steps():
                if relation != "=":
                    continue
                uses = [n for side in (left, right) for n in side.walk()
                        if isinstance(n, ast.Apply) and head_key(n.function) in keys]
                if not uses:
                    continue
                finding = _check(context, read.math, read.order, left, right, uses)
                if finding is not None:
                    findings.append(finding)
    return findings


def _check(context: CrossContext, math: Math, order: int, left: ast.Expr, right: ast.Expr,
           uses: list[ast.Apply]) -> Finding | None:
    table = context.math.table
    used: dict[ast.Expr, Definition] = {}
    for use in uses:
        definition = table.lookup("function", use.function, order)
        if definition is None or definition.order >= order or not closed(definition):
            return None  # defined here (a definition, not a use), later, or over names it does not bind
        if not same_section(context, context.math.formulas[definition.order].math, math):
            return None  # a letter such as f may name another function in another section
        used[definition.key] = definition
    if all(use.args == used[head_key(use.function)].params for use in uses):
        return None  # the definition restated, not applied elsewhere
    free = _free_names(left, right, used)
    if free is None or any(not _generic(n, context, math, order) for n in free):
        return None
    if free and (isinstance(left, ast.Number) or isinstance(right, ast.Number)):
        return None  # `f(2x) = 0`: an equation to solve for x, not a claim for every x
    inside = {head_key(n) for use in uses for a in use.args for n in a.walk() if isinstance(n, ast.Expr)}
    if any(head_key(n) not in inside for n in free):
        return None  # a name outside every argument (a size, a constant) may be pinned by the text
    from .evaluate import shown_precision  # NumPy only once a claim is found

    outcome = _sample(left, right, used, free, max(shown_precision(left), shown_precision(right)))
    if outcome is None:
        return None
    holds, point, values = outcome
    definitions = "; ".join(f"{rule_text(d)} ({d.label or 'an earlier formula'})" for d in used.values())
    claim = math.tex[left.span[0]:right.span[1]].strip()
    if holds:
        return Finding(math, "verified", f"{claim} holds for the definition {definitions} at every "
                       "point sampled.", CHECK, left.span[0], {"against": definitions})
    if hedged(context, math):
        return None
    shown = ", ".join(f"{_plain(n)} = {_number(v)}" for n, v in point.items())
    lhs, rhs = values
    message = (f"{claim} contradicts {definitions}: at {shown} the left side is {_number(lhs)} "
               f"and the right side {_number(rhs)}.")
    return Finding(math, "refuted", message, CHECK, left.span[0],
                   {"against": definitions, "point": {_plain(n): _number(v) for n, v in point.items()},
                    "values": {"left": _number(lhs), "right": _number(rhs)},
                    "fix": "restate the claim so that it follows from the definition at these arguments"})


def closed(definition: Definition) -> bool:
    """Whether the body uses only the parameters and its own summation indices (and e, pi)."""
    params = {head_key(p) for p in definition.params}
    bound = params | {head_key(i) for i in bound_indices(definition.body)}
    for n in definition.body.walk():
        if (isinstance(n, ast.Symbol) and n.font not in ("op", "text") and head_key(n) not in bound
                and n.name not in ("e", "\\pi")
                and head_key(ast.Symbol(n.name, "bf", n.accents)) not in params):
            return False  # `a` in `f(x) = a x`: the claim's truth depends on a value the text may set
    return True


def _free_names(left: ast.Expr, right: ast.Expr, used: dict[ast.Expr, Definition]) -> list[ast.Expr] | None:
    """The names of the claim, outside the applied functions' heads; None when one is not a plain name."""
    out: dict[ast.Expr, ast.Expr] = {}
    heads = set(used)
    for side in (left, right):
        for n in _leaves(side, heads):
            if isinstance(n, ast.Number):
                continue
            if not isinstance(n, ast.Symbol) or n.font not in (None, "bf") or n.accents:
                return None
            if n.name in ("e", "\\pi"):
                continue
            out.setdefault(head_key(n), n)
    return list(out.values())


def _leaves(node: ast.Expr, heads: set[ast.Expr]) -> Iterator[ast.Expr]:
    if isinstance(node, ast.Apply):
        if head_key(node.function) not in heads:
            function = node.function
            if not (isinstance(function, ast.Symbol) and function.font == "op"):
                yield function  # an unknown function: not a plain name, the claim is left alone
        for a in node.args:
            yield from _leaves(a, heads)
        return
    children = list(node.children())
    if not children or isinstance(node, ast.Subscript):
        yield node
        return
    for c in children:
        if isinstance(c, ast.Expr):
            yield from _leaves(c, heads)


def _generic(name: ast.Expr, context: CrossContext, math: Math, order: int) -> bool:
    """A letter that nothing before the claim binds: no definition, no declared shape, no value from
    code, and no value from prose in the claim's own paragraph (a value set in another exercise is
    another letter)."""
    assert isinstance(name, ast.Symbol)
    if name.is_word or any(context.math.table.lookup(kind, name, order) is not None
                           for kind in ("symbol", "indexed")):
        return False
    if any(head_key(a) == head_key(name) for a in context.math.shapes.arrays):
        return False
    for value in context.math.values:
        if head_key(value.name) != head_key(name) or value.order >= order:
            continue
        if value.order != int(value.order) or value.order == order:
            return False  # from code, or from the claim's own formula
        if same_paragraph(context, context.math.formulas[int(value.order)].math, math):
            return False
    return True


def _sample(left: ast.Expr, right: ast.Expr, used: dict[ast.Expr, Definition], free: list[ast.Expr],
            shown: float) -> tuple[bool, dict[ast.Expr, Value], tuple[Value, Value]] | None:
    """(holds everywhere, the first point, the two sides there), or None when the sides cannot be read
    or a point disagrees while another agrees (the claim may hold on a domain the text assumes)."""
    import numpy as np

    from .evaluate import Scope, Unreadable, evaluate

    rng = np.random.default_rng(17)
    agree = disagree = 0
    first: tuple[dict[ast.Expr, Value], tuple[Value, Value]] | None = None
    for length in LENGTHS:
        for k in range(POINTS + 1):
            point: dict[ast.Expr, Value] = {}
            for n in free:
                vector = isinstance(n, ast.Symbol) and n.font == "bf"
                if k == 0:
                    point[n] = np.zeros(length) if vector else 1.0
                else:
                    point[n] = rng.uniform(-2, 2, length) if vector else float(rng.uniform(-2, 2))
            scope = Scope({head_key(n): v for n, v in point.items()}, used)
            try:
                lhs, rhs = evaluate(left, scope), evaluate(right, scope)
            except Unreadable:
                return None
            if np.shape(lhs) != np.shape(rhs):
                return None
            if not (np.all(np.isfinite(lhs)) and np.all(np.isfinite(rhs))):
                continue
            if np.allclose(lhs, rhs, rtol=1e-9, atol=max(1e-9, shown)):
                agree += 1
            else:
                disagree += 1
                first = first or (point, (lhs, rhs))
    if agree + disagree < 4 or (agree and disagree):
        return None
    if disagree:
        assert first is not None
        return False, first[0], first[1]
    return True, {}, (0.0, 0.0)


def _plain(name: ast.Expr) -> str:
    assert isinstance(name, ast.Symbol)
    return name.name.lstrip("\\")


def _number(value: Value) -> str:
    import numpy as np

    if isinstance(value, np.ndarray):
        return "(" + ", ".join(_number(float(v)) for v in value) + ")"
    return f"{value:.4g}"
