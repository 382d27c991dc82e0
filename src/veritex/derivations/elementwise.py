"""Identities over whole arrays, read element by element where that reading is faithful.

`\\frac{\\partial \\mathcal{L}}{\\partial Z} = \\frac{1}{N}(\\hat{Y} - Y)` with `Z \\in \\mathbb{R}^{N\\times C}`
says, for every element, `\\partial \\mathcal{L} / \\partial Z_{pq} = (\\hat{Y}_{pq} - Y_{pq}) / N`. That
reading is exact when arrays only meet scalars, sums and elementwise functions; a product of two
arrays (a matrix product?), a transpose or a norm has no elementwise reading, and the step is left
to `vt.check`. Arrays are the declared ones (`Z \\in \\mathbb{R}^{N\\times C}`) and the names the step
also indexes with as many indices (`Y` next to `Y_{ic}`).
"""

from __future__ import annotations

from dataclasses import dataclass

from veritex.math import ast
from veritex.math.rewrite import rewrite_expr

from .astutil import symbols_in
from .definitions import head_key

_FRESH = ("p", "q", "r", "u", "v")
_ARRAY_FUNCTIONS = frozenset({"softmax"})
"""Functions whose value is an array the size of their argument, indexed after the call."""


@dataclass(frozen=True)
class Elementwise:
    left: ast.Expr
    right: ast.Expr
    indices: tuple[ast.Symbol, ...]
    ranges: tuple[tuple[ast.Symbol, ast.Expr], ...]  # each index and the size it runs to (from 1)


class _NoReading(Exception):
    pass


def elementwise(left: ast.Expr, right: ast.Expr, declared: dict[ast.Expr, tuple[ast.Expr, ...]]
                ) -> Elementwise | None:
    """Both sides read at one element `(p, q)` of the arrays they use whole, or None when the step
    has no faithful elementwise reading. `declared` maps each declared array (as `head_key`
    spells it) to its dimensions."""
    used = [n for side in (left, right) for n in _whole_uses(side, declared)]
    shapes = {len(declared[head_key(n)]) for n in used if head_key(n) in declared}
    if not used or len(shapes) != 1:
        return None
    rank = shapes.pop()
    dims = next(declared[head_key(n)] for n in used if head_key(n) in declared)
    arrays = {head_key(n) for n in used} | _indexed_alike(left, right, rank)
    taken = {s.name for side in (left, right) for s in symbols_in(side)}
    fresh = [name for name in _FRESH if name not in taken][:rank]
    if len(fresh) < rank:
        return None
    indices = tuple(ast.Symbol(name) for name in fresh)
    index: ast.Expr = indices[0] if rank == 1 else ast.Tuple(indices)
    try:
        new_left = _index_whole(left, arrays, index)
        new_right = _index_whole(right, arrays, index)
    except _NoReading:
        return None
    return Elementwise(new_left, new_right, indices, tuple(zip(indices, dims, strict=True)))


def _whole_uses(side: ast.Expr, declared: dict[ast.Expr, tuple[ast.Expr, ...]]) -> list[ast.Expr]:
    bases = {id(n.base) for n in side.walk() if isinstance(n, ast.Subscript | ast.SuperIndex)}
    return [n for n in side.walk() if isinstance(n, ast.Symbol | ast.Subscript) and id(n) not in bases
            and head_key(n) in declared]


def _indexed_alike(left: ast.Expr, right: ast.Expr, rank: int) -> set[ast.Expr]:
    """Names the step indexes with `rank` indices somewhere (`Y_{ic}`): arrays of that rank."""
    out: set[ast.Expr] = set()
    for side in (left, right):
        for n in side.walk():
            if isinstance(n, ast.Subscript) and isinstance(n.base, ast.Symbol) and _count(n.index) == rank:
                out.add(head_key(n.base))
    return out


def _count(index: ast.Expr) -> int:
    if isinstance(index, ast.Tuple):
        return len(index.items)
    if isinstance(index, ast.Juxt) and all(isinstance(f, ast.Symbol) for f in index.factors):
        return len(index.factors)
    return 1


def _mentions_array(node: ast.Expr, arrays: set[ast.Expr]) -> bool:
    bases = {id(n.base) for n in node.walk() if isinstance(n, ast.Subscript | ast.SuperIndex)}
    return any(isinstance(n, ast.Symbol | ast.Subscript) and id(n) not in bases and head_key(n) in arrays
               for n in node.walk())


def _index_whole(expr: ast.Expr, arrays: set[ast.Expr], index: ast.Expr) -> ast.Expr:
    def visit(node: ast.Node) -> ast.Node | None:
        if isinstance(node, ast.Subscript | ast.SuperIndex):
            if isinstance(node.base, ast.Apply) and _mentions_array(node.base, arrays):
                raise _NoReading  # an element of an array-valued call: already read element-wise
            if head_key(node) in arrays:
                return ast.Subscript(node, index, span=node.span)
            return node  # an element, or a name with a subscript: nothing whole inside
        if isinstance(node, ast.Symbol) and head_key(node) in arrays:
            return ast.Subscript(node, index, span=node.span)
        if isinstance(node, ast.Derivative):
            if _mentions_array(node.body, arrays) and not all(_is_array_name(v, arrays) for v in node.variables):
                raise _NoReading  # a Jacobian
            variables = tuple(_index_whole(v, arrays, index) for v in node.variables)
            return ast.Derivative(node.body, variables, node.orders, node.partial, span=node.span)
        if isinstance(node, ast.Apply) and _mentions_array(node, arrays):
            name = node.function.name.lower() if isinstance(node.function, ast.Symbol) else ""
            if name in _ARRAY_FUNCTIONS:
                return ast.Subscript(node, index, span=node.span)
            return None  # an elementwise function: its arguments are indexed
        if isinstance(node, ast.BinOp) and node.op == "odot":  # a Hadamard product is element-wise
            return ast.BinOp("cdot", _index_whole(node.left, arrays, index),
                             _index_whole(node.right, arrays, index), span=node.span)
        if isinstance(node, ast.Juxt | ast.BinOp) and _array_product(node, arrays):
            raise _NoReading
        if isinstance(node, ast.Transpose | ast.Norm | ast.Matrix | ast.Gradient) and _mentions_array(node, arrays):
            raise _NoReading
        return None

    return rewrite_expr(expr, visit)


def _is_array_name(node: ast.Expr, arrays: set[ast.Expr]) -> bool:
    return isinstance(node, ast.Symbol | ast.Subscript) and head_key(node) in arrays


def _array_product(node: ast.Juxt | ast.BinOp, arrays: set[ast.Expr]) -> bool:
    if isinstance(node, ast.Juxt):
        factors: tuple[ast.Expr, ...] = node.factors
    elif node.op in ("cdot", "times", "ast", "otimes", "/"):
        factors = (node.left, node.right)
    else:
        return False
    return sum(1 for f in factors if _mentions_array(f, arrays)) >= 2
