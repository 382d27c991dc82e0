"""Sums and products written out with dots: `1 + r + r^2 + \\dots + r^n`, `x_1 + x_2 + \\cdots + x_n`,
`1 - r + r^2 - r^3 + \\cdots`, `a_1 a_2 \\cdots a_n`, read as the sum or product over the pattern their
terms show.

The pattern is read off the last term before the dots: each whole number in it is tried as the
running index, and the reading is kept only when it reproduces every term before the dots (the
first ones may be simplified: `1` for `r^0`, `r` for `r^1`) and, by matching, gives the index of
the last term. A number that is the factorial of the index value is tried as that factorial too
(`\\frac{x^3}{6}` after `1 + x + \\frac{x^2}{2}` is `\\frac{x^k}{k!}`). Signs may be constant or alternate.
Before the dots there must be at least two terms when a last term follows, three when the sum runs on
forever (a product needs its last factor); one suffices when the index sits only in subscripts
(`x_1 + \\cdots + x_n`). Anything else has no certain reading and is refused.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import sympy

from veritex.math import ast
from veritex.math.errors import Uninterpretable
from veritex.math.evaluated_later import InfiniteSeries
from veritex.math.rewrite import rewrite_expr

Translate = Callable[[ast.Expr], sympy.Expr]
_INDEX_NAMES = ("k", "m", "j", "l", "q")


def signed_terms(node: ast.Expr) -> list[tuple[int, ast.Expr]]:
    """The terms of a sum with their signs: `a - b + c` -> [(1, a), (-1, b), (1, c)]."""
    if isinstance(node, ast.BinOp) and node.op in ("+", "-"):
        right = signed_terms(node.right)
        if node.op == "-":
            right = [(-s, t) for s, t in right] if len(right) == 1 else [(-1, node.right)]
        return signed_terms(node.left) + right
    if isinstance(node, ast.Neg):
        return [(-s, t) for s, t in signed_terms(node.operand)] if not isinstance(node.operand, ast.BinOp) \
            else [(-1, node.operand)]
    return [(1, node)]


def factors(node: ast.Expr) -> list[ast.Expr]:
    """The factors of a product written with `\\cdot`, `\\times` or side by side."""
    if isinstance(node, ast.BinOp) and node.op in ("cdot", "times"):
        return factors(node.left) + factors(node.right)
    if isinstance(node, ast.Juxt):
        return [f for factor in node.factors for f in factors(factor)]
    return [node]


def has_dots_term(node: ast.BinOp) -> bool:
    return any(isinstance(t, ast.Dots) for _, t in signed_terms(node))


def has_dots_factor(node: ast.Expr) -> bool:
    return any(isinstance(f, ast.Dots) for f in factors(node))


def read_series(node: ast.BinOp, translate: Translate, bound_translate: Callable[[ast.Expr, str], sympy.Expr]
                ) -> sympy.Expr:
    """The sum the written-out terms of `node` stand for; raises Uninterpretable when the terms do not
    determine it. `translate` gives a term's SymPy value; `bound_translate(template, k)` the template's
    value with `k` bound as a summation index."""
    return _read(signed_terms(node), "sum", node, translate, bound_translate)


def read_product(node: ast.Expr, translate: Translate, bound_translate: Callable[[ast.Expr, str], sympy.Expr]
                 ) -> sympy.Expr:
    """The product the written-out factors of `node` stand for (`a_1 a_2 \\cdots a_n`); a last factor is
    required. Raises Uninterpretable when the factors do not determine it."""
    return _read([(1, f) for f in factors(node)], "product", node, translate, bound_translate)


def _read(terms: list[tuple[int, ast.Expr]], kind: str, node: ast.Expr, translate: Translate,
          bound_translate: Callable[[ast.Expr, str], sympy.Expr]) -> sympy.Expr:
    dots = [i for i, (_, t) in enumerate(terms) if isinstance(t, ast.Dots)]
    which = "terms" if kind == "sum" else "factors"
    refuse = Uninterpretable("\\dots", node.span[0], f"the {which} around the dots do not determine the {kind} "
                             f"(write two or more {which} before the dots and the last one after, or "
                             f"\\{'sum' if kind == 'sum' else 'prod'})")
    if len(dots) != 1 or (kind == "product" and dots[0] == len(terms) - 1):
        raise refuse
    where = dots[0]
    leading, trailing = terms[:where], terms[where + 1:]
    if len(trailing) > 1 or not leading:
        raise refuse
    last = trailing[0] if trailing else None
    needed = 2 if last is not None else 3
    taken = {n.name for _, t in terms for n in t.walk() if isinstance(n, ast.Symbol)}
    name = next((n for n in _INDEX_NAMES if n not in taken), None)
    if name is None:
        raise refuse
    index = ast.Symbol(name)
    candidates = [(value, _replace_number(leading[-1][1], value, index)) for value in _integers_in(leading[-1][1])]
    # `\frac{x^3}{6}` after `1 + x + \frac{x^2}{2}`: a number that is the index's factorial
    candidates += [(value, _replace_factorial(template, value, index)) for value, template in candidates
                   if int(value) > 2 and str(math.factorial(int(value))) in _integers_in(template)]
    for value, template in candidates:
        if len(leading) < needed and not (last is not None and _only_in_subscripts(leading[-1][1], value)):
            continue
        first = int(value) - (len(leading) - 1)
        signs = _sign_rule([s for s, _ in leading])
        if signs is None or not all(_same(_replace_number_expr(template, index, first + i), term,
                                          translate) for i, (_, term) in enumerate(leading)):
            continue
        upper: sympy.Expr
        if last is None:
            upper = sympy.oo
        else:
            sign, term = last
            found = _match(template, term, index)
            if found is None:
                continue
            upper = translate(found)
            if signs == "alternate" or sign != leading[0][0]:
                continue  # a last term's sign under alternation depends on the parity of its index
        body = bound_translate(template, name)
        k = sympy.Symbol(name, integer=True)
        if signs == "alternate":
            body = leading[0][0] * (-1) ** (k - first) * body
        elif leading[0][0] < 0:
            body = -body
        if kind == "product":
            return sympy.Product(body, (k, first, upper))
        if last is None:
            return InfiniteSeries(body, (k, first, upper))
        return sympy.Sum(body, (k, first, upper))
    raise refuse


def _sign_rule(signs: list[int]) -> str | None:
    if all(s == signs[0] for s in signs):
        return "constant"
    if len(signs) >= 3 and all(signs[i] == -signs[i + 1] for i in range(len(signs) - 1)):
        return "alternate"
    return None


def _integers_in(node: ast.Expr) -> list[str]:
    found = [n.value for n in node.walk() if isinstance(n, ast.Number) and n.value.isdigit()]
    return list(dict.fromkeys(found))


def _only_in_subscripts(node: ast.Expr, value: str) -> bool:
    inside: set[int] = set()
    for n in node.walk():
        if isinstance(n, ast.Subscript):
            inside.update(id(m) for m in n.index.walk())
    numbers = [n for n in node.walk() if isinstance(n, ast.Number) and n.value == value]
    return bool(numbers) and all(id(n) in inside for n in numbers)


def _replace_number(node: ast.Expr, value: str, index: ast.Symbol) -> ast.Expr:
    return rewrite_expr(node, lambda n: index if isinstance(n, ast.Number) and n.value == value else None)


def _replace_factorial(node: ast.Expr, value: str, index: ast.Symbol) -> ast.Expr:
    factorial = str(math.factorial(int(value)))
    return rewrite_expr(node, lambda n: ast.Factorial(index) if isinstance(n, ast.Number) and n.value == factorial
                        else None)


def _replace_number_expr(node: ast.Expr, index: ast.Symbol, value: int) -> ast.Expr:
    number: ast.Expr = ast.Number(str(abs(value)))
    if value < 0:
        number = ast.Neg(number)
    return rewrite_expr(node, lambda n: number if n == index else None)


def _same(a: ast.Expr, b: ast.Expr, translate: Translate) -> bool:
    if a == b:
        return True
    try:
        return bool(sympy.simplify(translate(a) - translate(b)) == 0)
    except (TypeError, ValueError, NotImplementedError, Uninterpretable):
        return False


def _match(template: ast.Expr, term: ast.Expr, index: ast.Symbol) -> ast.Expr | None:
    """What `index` stands for when `term` is `template` with it replaced, or None."""
    found: list[ast.Expr] = []

    def unify(a: object, b: object) -> bool:
        if a == index:
            if not isinstance(b, ast.Expr):
                return False
            if found and found[0] != b:
                return False
            found.append(b)
            return True
        if isinstance(a, ast.Power) and isinstance(b, ast.Transpose):
            # `c^T` after `c^2 + c^3 + \cdots`: among powers, a power, not a transpose
            return unify(a.base, b.operand) and unify(a.exponent, ast.Symbol("T", span=b.span))
        if isinstance(a, ast.Node) and isinstance(b, ast.Node):
            if type(a) is not type(b):
                return False
            return all(unify(getattr(a, f), getattr(b, f)) for f in a.__dataclass_fields__ if f != "span")
        if isinstance(a, tuple) and isinstance(b, tuple):
            return len(a) == len(b) and all(unify(x, y) for x, y in zip(a, b, strict=True))
        return bool(a == b)

    return found[0] if unify(template, term) and found else None
