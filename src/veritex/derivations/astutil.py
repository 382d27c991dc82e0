"""Small tree operations on the parser's syntax tree: replace subtrees, find names and indices."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from veritex.math import ast
from veritex.math.plain_words import words
from veritex.math.rewrite import rewrite_expr


def replace_nodes(node: ast.Expr, mapping: dict[ast.Node, ast.Expr]) -> ast.Expr:
    """`node` with every subtree equal to a key replaced by its value (simultaneously)."""
    if not mapping:
        return node
    return rewrite_expr(node, lambda n: mapping.get(n) if isinstance(n, ast.Expr) else None)


def bound_indices(node: ast.Node) -> set[ast.Expr]:
    """Index variables bound by sums, products and families inside `node`."""
    out: set[ast.Expr] = set()
    for n in node.walk():
        if isinstance(n, ast.BigOp | ast.Family) and n.index is not None:
            index = n.index
            out.update(index.items if isinstance(index, ast.Tuple) else (index,))
    return out


def contains(node: ast.Node, target: ast.Node) -> bool:
    return any(n == target for n in node.walk())


def symbols_in(node: ast.Node) -> Iterator[ast.Symbol]:
    """Every `Symbol` node, operator names (`\\log`) and text words left out."""
    for n in node.walk():
        if isinstance(n, ast.Symbol) and n.font not in ("op", "text"):
            yield n


def display_name(node: ast.Node) -> str:
    """A short readable name for a symbol-like node, for messages: `L`, `o`, `y_hat`, `W_1`."""
    if isinstance(node, ast.Symbol):
        name = node.name.lstrip("\\")
        return "_".join([name, *node.accents])
    if isinstance(node, ast.Subscript):
        return f"{display_name(node.base)}_{display_name(node.index)}"
    if isinstance(node, ast.SuperIndex):
        return f"{display_name(node.base)}^({display_name(node.index)})"
    if isinstance(node, ast.Juxt):
        return "".join(display_name(f) for f in node.factors)
    if isinstance(node, ast.Number):
        return node.value
    if isinstance(node, ast.Apply):
        return display_name(node.function)
    if isinstance(node, ast.Tuple):
        return ",".join(display_name(i) for i in node.items)
    return f"({words(node)})"  # never the parser's tree


def respan(node: ast.Expr, span: ast.Span) -> ast.Expr:
    """`node` with every span set to `span`: text substituted from a definition points at the
    place it was substituted into, so an error inside it is reported where the reader looks."""
    out = _respan_value(node, span)
    assert isinstance(out, ast.Expr)
    return out


def _respan_value(value: object, span: ast.Span) -> object:
    if isinstance(value, ast.Node):
        changes = {f.name: _respan_value(getattr(value, f.name), span)
                   for f in dataclasses.fields(value) if f.name != "span"}
        return dataclasses.replace(value, span=span, **changes)  # type: ignore[arg-type]
    if isinstance(value, tuple):
        return tuple(_respan_value(v, span) for v in value)
    return value
