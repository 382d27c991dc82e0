"""Values a document binds to names before a formula: in running prose (`with $\\theta = 0.1$`) and in
code literals (`theta = 0.1` in a code cell, read with Python's `ast`, never executed).

They are not definitions (`at $x = 2$` does not make `x` equal 2 everywhere): only the stated-value
check uses them, to evaluate a closed expression `\\approx` a decimal number.
"""

from __future__ import annotations

import ast as pyast
from collections.abc import Sequence
from dataclasses import dataclass

from veritex.math import ast
from veritex.math.names import symbol_name

from .astutil import bound_indices, replace_nodes
from .definitions import is_name, is_number


@dataclass(frozen=True)
class Value:
    name: ast.Expr  # as the formulas write it
    number: ast.Expr  # a literal number
    order: float  # it holds for the formulas of a later place in the document (`all_math` order)
    source: str  # where: "the prose at line 12", "code at line 40"

    def describe(self) -> str:
        return f"{_text(self.name)} = {_text(self.number)} from {self.source}"


def prose_values(statements: Sequence[ast.Statement], order: float, source: str) -> list[Value]:
    """`name = number` statements of a formula in running prose."""
    out = []
    for statement in statements:
        if tuple(statement.relations) == ("=",):
            name, number = statement.sides[0], statement.sides[1]
            if is_name(name) and is_number(number) and name != ast.Symbol("e"):
                out.append(Value(name, number, order, source))
    return out


def code_values(code: str, order: float, source: str, line: int = 1) -> list[Value]:
    """Module-level assignments of a number literal to a name in a Python code cell: `theta = 0.1`,
    `n = 10`, `T, r = 10, 0.03`; the name is read as the formulas would write it (`theta` -> `\\theta`)."""
    try:
        tree = pyast.parse(code)
    except (SyntaxError, ValueError):
        return []
    out = []
    for node in tree.body:
        if not isinstance(node, pyast.Assign) or len(node.targets) != 1:
            continue
        target, value = node.targets[0], node.value
        pairs = (list(zip(target.elts, value.elts, strict=False))
                 if isinstance(target, pyast.Tuple) and isinstance(value, pyast.Tuple)
                 and len(target.elts) == len(value.elts) else [(target, value)])
        for name, literal in pairs:
            number = _literal(literal)
            symbol = _symbol(name.id) if isinstance(name, pyast.Name) else None
            if number is not None and symbol is not None:
                out.append(Value(symbol, number, order, f"{source} line {line + node.lineno - 1}"))
    return out


def _literal(node: pyast.expr) -> ast.Expr | None:
    negative = isinstance(node, pyast.UnaryOp) and isinstance(node.op, pyast.USub)
    inner = node.operand if isinstance(node, pyast.UnaryOp) and negative else node
    if not isinstance(inner, pyast.Constant) or isinstance(inner.value, bool) \
            or not isinstance(inner.value, int | float):
        return None
    text = repr(inner.value)
    if "e" in text or "inf" in text or "nan" in text:
        return None
    number: ast.Expr = ast.Number(text)
    return ast.Neg(number) if negative else number


GREEK = frozenset({"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
                   "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega"})


def _symbol(name: str) -> ast.Expr | None:
    """A one-letter or Greek Python name as a formula's symbol; `lambda_` is `\\lambda`."""
    bare = name.rstrip("_")
    if bare == "e":  # Euler's number in the formulas, whatever a cell calls `e`
        return None
    if len(bare) == 1 and bare.isalpha() and bare.isascii():
        return ast.Symbol(bare)
    if bare in GREEK:
        return ast.Symbol("\\" + bare)
    return None


def decimal_of(node: ast.Expr) -> tuple[str, int] | None:
    """A decimal number as written (`9.57583`, `-0.25`): its text and the places after its point."""
    sign = ""
    if isinstance(node, ast.Neg):
        node, sign = node.operand, "-"
    if not isinstance(node, ast.Number) or "." not in node.value:
        return None
    places = len(node.value.split(".", 1)[1])
    return (sign + node.value, places) if places else None


def bind(side: ast.Expr, values: Sequence[Value], order: float) -> tuple[ast.Expr, list[Value]]:
    """`side` with each name replaced by its latest value bound before `order`; the values used."""
    latest: dict[ast.Expr, Value] = {}
    for value in sorted((v for v in values if v.order < order), key=lambda v: v.order):
        latest[value.name] = value
    bound = bound_indices(side)
    used = [v for name, v in latest.items() if name not in bound and any(n == name for n in side.walk())]
    return replace_nodes(side, {v.name: v.number for v in used}), used


def _text(node: ast.Expr) -> str:
    try:
        return symbol_name(node) if isinstance(node, ast.Symbol) else node.sexpr()
    except Exception:  # a name the naming rules refuse: its structure
        return node.sexpr()
