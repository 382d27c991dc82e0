"""Numbers for a formula's tree: the small arithmetic that cross-checks sample, with a bold (or indexed)
name as a vector of a few components, a bare sum running over those components, and a scalar added to a
vector broadcast over it.

Anything outside this subset raises `Unreadable`, and the check that asked says nothing: a value is
computed only where the reading is plain. No SymPy here, so a document with a candidate pays only NumPy.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from veritex.derivations.definitions import Definition, head_key
from veritex.math import ast

Value = float | np.ndarray

FUNCTIONS = {"log": np.log, "ln": np.log, "exp": np.exp, "sin": np.sin, "cos": np.cos, "tan": np.tan,
             "tanh": np.tanh, "sinh": np.sinh, "cosh": np.cosh, "sqrt": np.sqrt}
MAX_DEPTH = 8  # defined functions calling defined functions; deeper is a cycle


class Unreadable(Exception):
    """The tree holds something this evaluator does not read (a free name, an integral, a limit)."""


@dataclass
class Scope:
    names: dict[ast.Expr, Value]  # a name (by `head_key`) and its value: a float or a 1-d array
    functions: Mapping[ast.Expr, Definition] = field(default_factory=dict)  # by `head_key` of the name
    indices: dict[ast.Expr, int] = field(default_factory=dict)  # summation indices bound around the node
    depth: int = 0


def evaluate(node: ast.Expr, scope: Scope) -> Value:
    """The value of `node` in `scope`; `Unreadable` when it cannot be read as plain arithmetic."""
    with np.errstate(all="ignore"):
        return _eval(node, scope)


def _eval(node: ast.Expr, scope: Scope) -> Value:
    if isinstance(node, ast.Number):
        try:
            return np.float64(node.value)  # a NumPy number: 1/0 is inf, never an exception
        except ValueError:
            raise Unreadable(node.value) from None
    if isinstance(node, ast.Symbol | ast.Subscript):
        return _name(node, scope)
    if isinstance(node, ast.Neg):
        return -_eval(node.operand, scope)
    if isinstance(node, ast.BinOp):
        return _binary(node, scope)
    if isinstance(node, ast.Juxt):
        return _product([_eval(f, scope) for f in node.factors])
    if isinstance(node, ast.Frac):
        return _eval(node.numerator, scope) / _scalar(_eval(node.denominator, scope))
    if isinstance(node, ast.Power):
        return np.power(_eval(node.base, scope), _scalar(_eval(node.exponent, scope)))
    if isinstance(node, ast.Sqrt) and node.index is None:
        return np.sqrt(_eval(node.radicand, scope))
    if isinstance(node, ast.Abs):
        return np.abs(_eval(node.body, scope))
    if isinstance(node, ast.Apply):
        return _apply(node, scope)
    if isinstance(node, ast.BigOp):
        return _reduce(node, scope)
    raise Unreadable(type(node).__name__)


def _name(node: ast.Symbol | ast.Subscript, scope: Scope) -> Value:
    key = head_key(node)
    if key in scope.indices:
        return np.float64(scope.indices[key])
    if key in scope.names:
        return scope.names[key]
    if isinstance(node, ast.Symbol):
        if node.name == "e" and node.font is None and not node.accents:
            return np.float64(math.e)
        if node.name == "\\pi":
            return np.float64(math.pi)
        raise Unreadable(node.name)
    # `x_i` inside `\sum_i`: a component of the vector `x` (or `\mathbf{x}`)
    position = _index_value(node.index, scope)
    vector = _vector_named(node.base, scope)
    if position is None or vector is None or not 1 <= position <= len(vector):
        raise Unreadable("subscript")
    return np.float64(vector[position - 1])


def _index_value(index: ast.Expr, scope: Scope) -> int | None:
    if not any(head_key(n) in scope.indices for n in index.walk() if isinstance(n, ast.Symbol)):
        return None
    return whole(_eval(index, Scope({}, indices=scope.indices)))


def whole(value: Value) -> int | None:
    """`value` as an integer, when it is a finite number with no fraction."""
    if isinstance(value, np.ndarray) or not np.isfinite(value) or value != round(value):
        return None
    return int(value)


def _vector_named(base: ast.Expr, scope: Scope) -> np.ndarray | None:
    if not isinstance(base, ast.Symbol):
        return None
    for key in (head_key(base), head_key(ast.Symbol(base.name, "bf", base.accents))):
        found = scope.names.get(key)
        if isinstance(found, np.ndarray):
            return found
    return None


def _binary(node: ast.BinOp, scope: Scope) -> Value:
    left, right = _eval(node.left, scope), _eval(node.right, scope)
    if node.op == "+":
        return left + right
    if node.op == "-":
        return left - right
    if node.op in ("cdot", "ast"):
        return _product([left, right])
    if node.op == "times" and not isinstance(left, np.ndarray) and not isinstance(right, np.ndarray):
        return left * right
    if node.op == "/":
        return left / _scalar(right)
    raise Unreadable(node.op)


def _product(values: list[Value]) -> Value:
    """Factors side by side: at most one vector among them (two vectors could be a dot product)."""
    if sum(isinstance(v, np.ndarray) for v in values) > 1:
        raise Unreadable("product of vectors")
    out: Value = np.float64(1.0)
    for v in values:
        out = out * v
    return out


def _scalar(value: Value) -> float:
    if isinstance(value, np.ndarray):
        raise Unreadable("vector where a number is expected")
    return value


def _apply(node: ast.Apply, scope: Scope) -> Value:
    head = node.function
    if isinstance(head, ast.Symbol) and head.font == "op" and head.name in FUNCTIONS and len(node.args) == 1:
        return FUNCTIONS[head.name](_eval(node.args[0], scope))
    definition = scope.functions.get(head_key(head))
    if definition is None or len(definition.params) != len(node.args) or scope.depth >= MAX_DEPTH:
        raise Unreadable("function")
    names = dict(scope.names)
    for param, arg in zip(definition.params, node.args, strict=True):
        names[head_key(param)] = _eval(arg, scope)
    return _eval(definition.body, Scope(names, scope.functions, {}, scope.depth + 1))


def _reduce(node: ast.BigOp, scope: Scope) -> Value:
    index = node.index
    if not isinstance(index, ast.Symbol) or node.domain is not None or node.op not in ("sum", "prod", "max", "min"):
        raise Unreadable("reduction")
    key = head_key(index)
    if node.lower is not None and node.upper is not None:
        low, high = whole(_eval(node.lower, scope)), whole(_eval(node.upper, scope))
        if low is None or high is None or high - low > 1000:
            raise Unreadable("range")
        positions = range(low, high + 1)
    elif node.lower is None and node.upper is None:
        positions = range(1, _components(node.body, index, scope) + 1)
    else:
        raise Unreadable("range")
    terms = [_eval(node.body, Scope(scope.names, scope.functions, {**scope.indices, key: p}, scope.depth))
             for p in positions]
    if any(isinstance(t, np.ndarray) for t in terms) or not terms:
        raise Unreadable("reduction of vectors")
    reduce = {"sum": sum, "prod": math.prod, "max": max, "min": min}[node.op]
    return np.float64(reduce(terms))  # type: ignore[operator]


def _components(body: ast.Expr, index: ast.Symbol, scope: Scope) -> int:
    """A bare `\\sum_i x_i` runs over the components of the vectors its body indexes by `i`."""
    lengths = set()
    for n in body.walk():
        if isinstance(n, ast.Subscript) and n.index == index:
            vector = _vector_named(n.base, scope)
            if vector is None:
                raise Unreadable("bare sum over something not a vector")
            lengths.add(len(vector))
    if len(lengths) != 1:
        raise Unreadable("bare sum without a range")
    return lengths.pop()


def shown_precision(node: ast.Expr) -> float:
    """One unit in the last digit of the finest decimal written in `node` (0 when it has none): a value
    stated as `0.33` claims only the digits shown."""
    places = [len(n.value.partition(".")[2]) for n in node.walk() if isinstance(n, ast.Number) and "." in n.value]
    return 10.0 ** -max(places) if places else 0.0
