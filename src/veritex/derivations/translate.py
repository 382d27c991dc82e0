"""From the syntax tree of a step to SymPy, through `veritex.math.to_sympy`, with what identity
checking adds on top of it:

- `\\mathrm{softmax}(s)_j` inside `\\sum_{j=1}^{m}` is spelled out as `e^{s_j} / \\sum_k e^{s_k}`
  over the same range (the translation refuses to index a function's value);
- symbols are real (ML quantities are), sizes are positive integers, so that `\\log e^{m} = m`
  simplifies and `n` in `\\frac{1}{n}` is the `n` that bounds the sum.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import sympy

from veritex.math import ast
from veritex.math.errors import Uninterpretable
from veritex.math.rewrite import rewrite_expr
from veritex.math.to_sympy import DefiniteIntegral, to_sympy

from .astutil import contains, symbols_in

_FRESH_INDICES = ("k", "l", "r", "q", "u", "v", "a", "b")


def translate_pair(left: ast.Expr, right: ast.Expr, *, known: Iterable[str] = (),
                   sizes: Iterable[str] = (),
                   ranges: Iterable[tuple[ast.Symbol, ast.Expr]] = ()) -> tuple[sympy.Expr, sympy.Expr]:
    """Both sides of a step in SymPy, translated in one scope so that names agree. `ranges`: free
    element indices and the sizes they run to, for a softmax indexed by them."""
    given: dict[ast.Expr, tuple[ast.Expr, ast.Expr]] = {index: (ast.Number("1"), size) for index, size in ranges}
    left, right = spell_out_softmax(left, given), spell_out_softmax(right, given)
    scope = ast.Statement((left, right), ("=",))
    known = frozenset(known)
    lhs = to_sympy(left, known=known, scope=scope)
    rhs = to_sympy(right, known=known, scope=scope)
    elements = _elements_of_indexed([lhs, rhs])
    if elements:
        lhs, rhs = lhs.xreplace(elements), rhs.xreplace(elements)
    mapping = _real_symbols([lhs, rhs], frozenset(sizes))
    return _antiderivative_claim(lhs.xreplace(mapping), rhs.xreplace(mapping), left.span[0])


def _indefinite(expr: sympy.Basic) -> bool:
    return isinstance(expr, sympy.Integral) and not isinstance(expr, DefiniteIntegral)


def _antiderivative_claim(lhs: sympy.Expr, rhs: sympy.Expr, offset: int) -> tuple[sympy.Expr, sympy.Expr]:
    """`\\int f\\,dx = F(x) + C` claims that F is an antiderivative of f: it is checked as `f = dF/dx`,
    which also leaves any constant of integration out. An indefinite integral anywhere else has no
    value to compare."""
    for side, other, flipped in ((lhs, rhs, False), (rhs, lhs, True)):
        if _indefinite(side) and len(side.limits) == 1 and not any(
                _indefinite(n) for n in sympy.preorder_traversal(other)):
            (variable,) = side.variables
            pair = (side.function, sympy.Derivative(other, variable))
            return (pair[1], pair[0]) if flipped else pair
    if any(_indefinite(n) for e in (lhs, rhs) for n in sympy.preorder_traversal(e)):
        raise Uninterpretable("\\int", offset, "an indefinite integral inside an expression has no value to "
                              "compare (write it alone on one side: \\int f\\,dx = F(x) + C)")
    return lhs, rhs


def _elements_of_indexed(exprs: list[sympy.Expr]) -> dict[sympy.Basic, sympy.Basic]:
    """`z_k` written outside the sum over `z_j` is an element of that same `z`, not a new name:
    the naming rules make an unbound subscript part of the name, which would leave
    `\\frac{\\partial}{\\partial z_k}\\sum_j e^{z_j}` differentiating by an unrelated symbol."""
    bases: dict[tuple[str, int], sympy.IndexedBase] = {}
    for expr in exprs:
        for node in sympy.preorder_traversal(expr):
            if isinstance(node, sympy.Indexed):
                bases[(str(node.base.label), len(node.indices))] = node.base
    if not bases:
        return {}
    mapping: dict[sympy.Basic, sympy.Basic] = {}
    for expr in exprs:
        for symbol in expr.atoms(sympy.Symbol):  # `free_symbols` leaves out a variable differentiated by
            match = _ELEMENT_NAME.fullmatch(symbol.name)
            if match is None:
                continue
            parts = (match.group("one") or match.group("many") or "").split(",")
            base = bases.get((match.group("base"), len(parts)))
            if base is None or not all(p.isdigit() or (len(p) == 1 and p.isalpha()) for p in parts):
                continue
            indices = [int(p) if p.isdigit() else sympy.Symbol(p, integer=True) for p in parts]
            mapping[symbol] = base[tuple(indices)]
    return mapping


_ELEMENT_NAME = re.compile(r"(?P<base>.+?)_(?:(?P<one>[A-Za-z0-9])|\{(?P<many>[A-Za-z0-9](?:,[A-Za-z0-9])+)\})")


def _real_symbols(exprs: list[sympy.Expr], sizes: frozenset[str]) -> dict[sympy.Basic, sympy.Basic]:
    limit_symbols: set[str] = set()
    for expr in exprs:
        for node in sympy.preorder_traversal(expr):
            if isinstance(node, sympy.Sum | sympy.Product):
                for _, low, high in node.limits:
                    limit_symbols.update(str(s) for s in low.free_symbols | high.free_symbols)
    mapping: dict[sympy.Basic, sympy.Basic] = {}
    for expr in exprs:
        for node in sympy.preorder_traversal(expr):
            if isinstance(node, sympy.IndexedBase) and node not in mapping:
                mapping[node] = sympy.IndexedBase(str(node.label), real=True)
            elif isinstance(node, sympy.Symbol) and node not in mapping:
                if node.name in sizes or node.name in limit_symbols:
                    if not node.is_integer or node.name in sizes:
                        mapping[node] = sympy.Symbol(node.name, integer=True, positive=True)
                elif not node.is_integer:
                    mapping[node] = sympy.Symbol(node.name, real=True)
    return mapping


def _is_softmax(node: ast.Expr) -> bool:
    return isinstance(node, ast.Symbol) and node.name.lower() == "softmax" and node.font in ("rm", "op", "text")


def _index_items(index: ast.Expr) -> tuple[ast.Expr, ...]:
    if isinstance(index, ast.Tuple):
        return index.items
    if isinstance(index, ast.Juxt) and all(isinstance(f, ast.Symbol) for f in index.factors):
        return index.factors
    return (index,)


def spell_out_softmax(expr: ast.Expr,
                      given: dict[ast.Expr, tuple[ast.Expr, ast.Expr]] | None = None) -> ast.Expr:
    """`\\mathrm{softmax}(s)_j` as `e^{s_j} / \\sum_k e^{s_k}`, the sum taken over the range of the
    sum that binds `j`; left alone where no sum gives that range."""
    if not any(isinstance(n, ast.Subscript) and isinstance(n.base, ast.Apply) and _is_softmax(n.base.function)
               for n in expr.walk()):
        return expr
    taken = {s.name for s in symbols_in(expr)}
    fresh = next((name for name in _FRESH_INDICES if name not in taken), None)
    if fresh is None:
        return expr
    k = ast.Symbol(fresh)

    def within(ranges: dict[ast.Expr, tuple[ast.Expr, ast.Expr]]):  # type: ignore[no-untyped-def]
        def visit(node: ast.Node) -> ast.Node | None:
            if isinstance(node, ast.BigOp) and node.op == "sum" and isinstance(node.index, ast.Symbol) \
                    and node.lower is not None and node.upper is not None:
                inner = {**ranges, node.index: (node.lower, node.upper)}
                return ast.BigOp(node.op, rewrite_expr(node.body, within(inner)), node.index, node.lower,
                                 node.upper, node.domain, span=node.span)
            if not (isinstance(node, ast.Subscript) and isinstance(node.base, ast.Apply)
                    and _is_softmax(node.base.function) and len(node.base.args) == 1):
                return None
            arg = node.base.args[0]
            indices = _index_items(node.index)
            if indices[-1] not in ranges or contains(arg, k):
                return None
            low, high = ranges[indices[-1]]
            e = ast.Symbol("e", "rm")

            def element(last: ast.Expr) -> ast.Expr:
                items = (*indices[:-1], last)
                return ast.Subscript(arg, items[0] if len(items) == 1 else ast.Tuple(items))

            # Row by row: a matrix's softmax normalises over its last index (`softmax(Z)_{ic}`).
            numerator = ast.Power(e, element(indices[-1]))
            denominator = ast.BigOp("sum", ast.Power(e, element(k)), k, low, high)
            return ast.Frac(numerator, denominator, span=node.span)

        return visit

    return rewrite_expr(expr, within(dict(given or {})))
