"""What a document's shape declarations say (`W \\in \\mathbb{R}^{n \times d}`), and the SymPy name of a
name-like node: read for every document, so kept apart from the planner and what it imports."""

from __future__ import annotations

from dataclasses import dataclass

from veritex.math import ast
from veritex.math.names import subscripted_name, symbol_name

from .astutil import symbols_in
from .definitions import head_key


@dataclass(frozen=True)
class Shapes:
    """What the document's shape declarations say: names of arrays (with dimensions) and of sizes
    (the symbols the dimensions are made of)."""

    arrays: frozenset[ast.Expr] = frozenset()  # as `head_key` spells them: fonts count
    sizes: frozenset[str] = frozenset()
    integers: frozenset[str] = frozenset()
    dims: tuple[tuple[ast.Expr, tuple[ast.Expr, ...]], ...] = ()  # each array's dimensions

    @classmethod
    def of(cls, declarations: list[ast.ShapeDecl]) -> Shapes:
        arrays: set[ast.Expr] = set()
        sizes: set[str] = set()
        integers: set[str] = set()
        dims: dict[ast.Expr, tuple[ast.Expr, ...]] = {}
        for decl in declarations:
            if decl.dims:
                arrays.update(head_key(t) for t in decl.targets)
                dims.update((head_key(t), decl.dims) for t in decl.targets)
            elif decl.domain in ("N", "Z"):
                integers.update(n for n in (name_of(t) for t in decl.targets) if n)
            for dim in decl.dims:
                for part in _dimension_names(dim):
                    sizes.add(part)
        return cls(frozenset(arrays), frozenset(sizes), frozenset(integers), tuple(dims.items()))


def _dimension_names(dim: ast.Expr) -> list[str]:
    direct = name_of(dim)
    if direct:
        return [direct]
    return [n for n in (name_of(s) for s in symbols_in(dim)) if n]


def name_of(node: ast.Expr) -> str | None:
    """The SymPy name of a name-like node, by the document naming rules (`d_k`, `y_hat`, `W_1`)."""
    try:
        if isinstance(node, ast.Symbol):
            return symbol_name(node) if node.font not in ("op", "text") else None
        if isinstance(node, ast.Subscript) and isinstance(node.base, ast.Symbol):
            return subscripted_name(symbol_name(node.base), node.index)
        if isinstance(node, ast.SuperIndex) and isinstance(node.base, ast.Symbol):
            return symbol_name(node.base)
    except Exception:  # a subscript the naming rules refuse: not a name
        return None
    return None
