"""Find the one small edit of a formula that makes it agree with the code: the likely mistake.

Each candidate is the formula with one change that people make by accident: a sign flipped, an
exponent dropped or off by one (`1-\\beta^t` against `1-\\beta`), `n` against `n-1`, a factor
dropped, a square root or a division missing, a transpose missing. The caller evaluates the
candidates and keeps the first that agrees with the code on every input it has.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping

from veritex.math import ast
from veritex.math.rewrite import rewrite_expr

from .names import GREEK, SymbolName
from .symbols import symbol_name

Quote = Callable[[ast.Node], str]


def _is_exponent_of_power(root: ast.Expr, node: ast.Node) -> bool:
    return any(isinstance(n, ast.Power) and (n.base is node or n.exponent is node) for n in root.walk())


def symbol_node(name: SymbolName) -> ast.Expr:
    """The AST of a plain name: `t`, `\\beta`, `d_k`."""
    letter = ast.Symbol("\\" + name.base if name.base in GREEK else name.base)
    if name.subscript is None:
        return letter
    return ast.Subscript(letter, ast.Symbol(name.subscript))


def _one() -> ast.Number:
    return ast.Number("1")


def candidates(
    expr: ast.Expr,
    sizes: Mapping[SymbolName, int],
    quote: Quote,
    integers: frozenset[SymbolName] = frozenset(),
    fractions: frozenset[SymbolName] = frozenset(),
) -> Iterator[tuple[str, ast.Expr]]:
    """(description, edited formula) for every single edit, the likeliest kinds first. `sizes` are
    sizes in scope (tried off by one); `integers` the whole-number scalars given (`t`), tried as a
    missing exponent of the non-integer scalars given (`\\beta`), as in a bias correction."""
    nodes = list(expr.walk())
    parents = {id(child): node for node in nodes for child in node.children()}

    def context(node: ast.Node) -> str:
        parent = parents.get(id(node))
        while parent is not None and parent.span == node.span:
            parent = parents.get(id(parent))
        return f" in `{quote(parent)}`" if parent is not None and parent.span[1] > parent.span[0] else ""

    size_names = set(sizes)
    exponents = [symbol_node(name) for name in sorted(integers, key=str)]

    def edit(target: ast.Node, new: ast.Node) -> ast.Expr:
        """The formula with that very node (not an equal one elsewhere) replaced."""
        return rewrite_expr(expr, lambda node: new if node is target else None)

    for node in nodes:  # signs
        if isinstance(node, ast.BinOp) and node.op in ("+", "-"):
            flipped = "-" if node.op == "+" else "+"
            yield (f"`{flipped}` in place of `{node.op}` in `{quote(node)}`",
                   edit(node, dataclasses.replace(node, op=flipped)))
        elif isinstance(node, ast.Neg):
            yield f"no minus sign in `{quote(node)}`", edit(node, node.operand)
    for node in nodes:  # exponents
        if isinstance(node, ast.Power):
            yield f"the exponent `{quote(node.exponent)}` of `{quote(node)}` dropped", edit(node, node.base)
            if isinstance(node.exponent, ast.Symbol | ast.Number | ast.Subscript):
                for op, shown in (("-", "-1"), ("+", "+1")):
                    shifted = ast.BinOp(op, node.exponent, _one())
                    yield (f"the exponent `{quote(node.exponent)}{shown}` in place of `{quote(node.exponent)}` in "
                           f"`{quote(node)}`", edit(node, dataclasses.replace(node, exponent=shifted)))
    for node in nodes:  # an exponent missing (`1-\\beta` against `1-\\beta^t`)
        if (isinstance(node, ast.Symbol | ast.Subscript) and symbol_name(node) in fractions
                and not _is_exponent_of_power(expr, node)):
            for power in exponents:
                if symbol_name(node) != symbol_name(power):
                    yield (f"`{quote(node)}^{{{quote(power)}}}` in place of `{quote(node)}` (an exponent missing)",
                           edit(node, ast.Power(node, power)))
    for node in nodes:  # sizes off by one
        if not isinstance(node, ast.Symbol | ast.Subscript):
            continue
        name = symbol_name(node)
        if name is not None and name in size_names:
            for op in ("-", "+"):
                yield (f"`{quote(node)}{op}1` in place of `{quote(node)}`{context(node)}",
                       edit(node, ast.BinOp(op, node, _one())))
    for node in nodes:  # dropped pieces
        if isinstance(node, ast.Juxt) and len(node.factors) > 1:
            for k, factor in enumerate(node.factors):
                rest = node.factors[:k] + node.factors[k + 1:]
                new = rest[0] if len(rest) == 1 else dataclasses.replace(node, factors=rest)
                yield f"the factor `{quote(factor)}` dropped", edit(node, new)
        elif isinstance(node, ast.Frac):
            yield f"`{quote(node.numerator)}` not divided by `{quote(node.denominator)}`", edit(node, node.numerator)
            if not isinstance(node.denominator, ast.Sqrt):
                yield (f"`\\sqrt{{{quote(node.denominator)}}}` in place of `{quote(node.denominator)}` "
                       f"in `{quote(node)}`",
                       edit(node, dataclasses.replace(node, denominator=ast.Sqrt(node.denominator))))
        elif isinstance(node, ast.Sqrt):
            yield f"`{quote(node.radicand)}` in place of `{quote(node)}` (no square root)", edit(node, node.radicand)
        elif isinstance(node, ast.Transpose):
            yield f"`{quote(node.operand)}` in place of `{quote(node)}` (no transpose)", edit(node, node.operand)
        elif isinstance(node, ast.BinOp) and node.op in ("cdot", "odot", "times", "/"):
            yield f"`{quote(node.right)}` dropped from `{quote(node)}`", edit(node, node.left)
    for node in nodes:  # missing scalings inside a function (a dropped 1/sqrt(d_k) inside a softmax)
        if isinstance(node, ast.Apply) and len(node.args) == 1:
            arg = node.args[0]
            for name in sorted(size_names, key=str):
                size = symbol_node(name)
                for scaled, shown in ((ast.Frac(arg, ast.Sqrt(size)), f"divided by `sqrt({name.python})`"),
                                      (ast.Frac(arg, size), f"divided by `{name.python}`"),
                                      (ast.Juxt((ast.Sqrt(size), arg)), f"times `sqrt({name.python})`")):
                    yield (f"the argument of `{quote(node.function)}` {shown}",
                           edit(node, dataclasses.replace(node, args=(scaled,))))
