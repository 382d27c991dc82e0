"""Evaluating a side of a formula with matrices and vectors as what they are: products that do not commute,
transposes, inverses of matrices drawn invertible, integer powers, definitions substituted (the nearest
earlier one that does not refer to itself), everything else drawn at random with its shape.

`shape_of` needs no NumPy; `Evaluator` imports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from veritex.math import ast

from .array_kinds import ArrayNames, Definition, Kind, family_of, head_key

if TYPE_CHECKING:
    import numpy

Shape = tuple[Any, Any] | str  # (rows, cols), or "scalar"
MAX_DEPTH = 12
MAX_CALLS = 4000


class Unreadable(Exception):
    """The side holds something this reading does not cover: the check says nothing."""


def shape_of(expr: ast.Expr, names: ArrayNames) -> Shape | None:
    """The shape of `expr` from the names' kinds, or None when a part is unknown or the shapes do not fit."""
    try:
        return _shape(expr, names)
    except Unreadable:
        return None


def _shape(expr: ast.Expr, names: ArrayNames) -> Shape:
    if isinstance(expr, ast.Number):
        return "scalar"
    if isinstance(expr, ast.Symbol | ast.Subscript):
        kind = names.kind(expr)
        if kind is not None:
            return (kind.rows, kind.cols)
        if head_key(expr) in names.scalars or head_key(expr) in names.indices:
            return "scalar"
        raise Unreadable
    if isinstance(expr, ast.Juxt):
        out: Shape = "scalar"
        for factor in expr.factors:
            out = _product_shape(out, _shape(factor, names))
        return out
    if isinstance(expr, ast.BinOp) and expr.op in ("cdot", "times"):
        return _product_shape(_shape(expr.left, names), _shape(expr.right, names))
    if isinstance(expr, ast.BinOp) and expr.op in ("+", "-"):
        left, right = _shape(expr.left, names), _shape(expr.right, names)
        if left != right:
            raise Unreadable
        return left
    if isinstance(expr, ast.Neg):
        return _shape(expr.operand, names)
    if isinstance(expr, ast.Transpose):
        inner = _shape(expr.operand, names)
        return inner if inner == "scalar" else (inner[1], inner[0])
    if isinstance(expr, ast.Power):
        base = _shape(expr.base, names)
        if base != "scalar" and (base[0] != base[1] or _entry_superscript(expr.exponent)):
            raise Unreadable
        return base
    if isinstance(expr, ast.Matrix):
        return (len(expr.rows), len(expr.rows[0])) if expr.rows else "scalar"
    raise Unreadable


def infer_products(names: ArrayNames) -> None:
    """A name defined as a product of known arrays has the product's shape (repeated until nothing changes)."""
    for _ in range(4):
        changed = False
        for key, definitions in names.definitions.items():
            if key in names.kinds or key in names.scalars:
                continue
            for definition in definitions:
                shape = shape_of(definition.body, names)
                if shape is not None and shape != "scalar":
                    names.kinds[key] = Kind(*shape)
                    changed = True
                    break
        if not changed:
            return


def _entry_superscript(exponent: ast.Expr) -> bool:
    """`Q^{21}`: two digits on a matrix name an entry of its inverse, not a power."""
    return isinstance(exponent, ast.Number) and exponent.value.isdigit() and len(exponent.value) > 1


def _product_shape(left: Shape, right: Shape) -> Shape:
    if left == "scalar":
        return right
    if right == "scalar":
        return left
    if left[1] != right[0]:
        raise Unreadable
    return "scalar" if (left[0], right[1]) == (1, 1) else (left[0], right[1])


@dataclass
class Draw:
    """One point: the sizes, the index letters' values, and every random draw, shared by both sides."""

    sizes: dict[str, int]
    indices: dict[ast.Expr, int]
    rng: numpy.random.Generator
    values: dict[tuple[ast.Expr, int | None], Any] = field(default_factory=dict)


@dataclass
class Evaluator:
    names: ArrayNames
    draw: Draw
    limit: int  # only definitions displayed before this formula
    choice: dict[ast.Expr, int] = field(default_factory=dict)  # which candidate definition each name takes
    used: dict[str, str] = field(default_factory=dict)  # `H from eq:h` -> where the definition came from
    drawn: set[tuple[ast.Expr, int | None]] = field(default_factory=set)  # instances drawn at random
    several: set[ast.Expr] = field(default_factory=set)  # names with more than one candidate definition
    uncertain: bool = False  # a definition could not be read and another reading stood in
    seen: set[str] = field(default_factory=set)  # the letters of every name evaluated
    shapes: set[tuple[int, ...]] = field(default_factory=set)  # of the matrices and vectors met
    lines: set[int] = field(default_factory=set)  # where the definitions put in were displayed
    free_entries: bool = False  # numbers (entries of matrices written out, scalars) drawn freely, undefined
    _entries: int = 0
    _calls: int = 0
    _memo: dict[tuple[ast.Expr, int | None], tuple[Any, set[tuple[ast.Expr, int | None]]]] = field(
        default_factory=dict)  # a name's value from its definition, and the draws it took
    _stack: list[tuple[ast.Expr, int | None]] = field(default_factory=list)

    def value(self, expr: ast.Expr, bound: dict[ast.Expr, int] | None = None, limit: int | None = None) -> Any:
        import numpy as np

        bound = bound or {}
        limit = self.limit if limit is None else limit
        if len(self._stack) > MAX_DEPTH:
            raise Unreadable
        if isinstance(expr, ast.Number):
            return float(expr.value)
        if isinstance(expr, ast.Symbol | ast.Subscript):
            named = self._name(expr, bound, limit)
            if isinstance(named, np.ndarray):
                self.shapes.add(named.shape)
            return named
        if isinstance(expr, ast.Juxt):
            out: Any = 1.0
            for factor in expr.factors:
                out = _times(out, self.value(factor, bound, limit))
            return out
        if isinstance(expr, ast.BinOp) and expr.op in ("cdot", "times"):
            return _times(self.value(expr.left, bound, limit), self.value(expr.right, bound, limit))
        if isinstance(expr, ast.BinOp) and expr.op in ("+", "-"):
            left, right = self.value(expr.left, bound, limit), self.value(expr.right, bound, limit)
            if np.shape(left) != np.shape(right):
                raise Unreadable
            return left + right if expr.op == "+" else left - right
        if isinstance(expr, ast.Neg):
            return -self.value(expr.operand, bound, limit)
        if isinstance(expr, ast.Transpose):
            inner = self.value(expr.operand, bound, limit)
            return inner.T if isinstance(inner, np.ndarray) else inner
        if isinstance(expr, ast.Power):
            return self._power(self.value(expr.base, bound, limit), expr.exponent, bound, limit)
        if isinstance(expr, ast.Matrix):
            self._entries += 1
            try:
                rows = [[self.value(e, bound, limit) for e in row] for row in expr.rows]
            finally:
                self._entries -= 1
            if any(isinstance(v, np.ndarray) for row in rows for v in row) or len({len(r) for r in rows}) != 1:
                raise Unreadable
            return np.array(rows, dtype=float)
        raise Unreadable

    def _power(self, base: Any, exponent: ast.Expr, bound: dict[ast.Expr, int], limit: int) -> Any:
        import numpy as np

        if isinstance(base, np.ndarray) and _entry_superscript(exponent):
            raise Unreadable
        power = self.value(exponent, bound, limit)
        if not isinstance(base, np.ndarray):
            if isinstance(power, np.ndarray) or (base == 0 and power < 0):
                raise Unreadable
            return base ** power
        if isinstance(power, np.ndarray) or not float(power).is_integer() or base.shape[0] != base.shape[1]:
            raise Unreadable
        if power < 0:
            if np.linalg.cond(base) > 1e8:
                raise Unreadable  # a matrix drawn invertible stays so; a singular product is not read
            base, power = np.linalg.inv(base), -power
        return np.linalg.matrix_power(base, int(power))

    def _name(self, node: ast.Symbol | ast.Subscript, bound: dict[ast.Expr, int], limit: int) -> Any:
        key = head_key(node)
        base = node.base if isinstance(node, ast.Subscript) else node
        if isinstance(base, ast.Symbol):
            self.seen.add(base.name.lstrip("\\"))
        if key in bound:
            return float(bound[key])
        if key in self.draw.indices:
            return float(self.draw.indices[key])
        family = family_of(node)
        if family is not None and isinstance(family[1], ast.Symbol) and head_key(family[1]) not in bound \
                and head_key(family[1]) not in self.draw.indices:
            family = None  # `R_u`: a letter that indexes nothing here names one quantity
        index: int | None = None
        if family is not None:
            index_value = self.value(family[1], bound, limit)
            if not float(index_value).is_integer():
                raise Unreadable
            index = int(index_value)
            instance: tuple[ast.Expr, int | None] = (family[0], index)
        else:
            instance = (key, None)
        if instance in self.draw.values:
            self.drawn.add(instance)
            return self.draw.values[instance]
        if instance in self._memo:
            self.drawn |= self._memo[instance][1]
            return self._memo[instance][0]
        self._calls += 1
        if self._calls > MAX_CALLS:
            raise Unreadable  # definitions that refer to each other without end
        free = self.free_entries and (self._entries or self.names.kind(node) is None)
        candidates = [] if free else self._candidates(node, family, limit)
        for definition in candidates:
            if instance in self._stack:
                break
            self._stack.append(instance)
            drawn, used, lines = set(self.drawn), dict(self.used), set(self.lines)
            try:
                params = dict(bound)
                if definition.parameter is not None and index is not None:
                    params[head_key(definition.parameter)] = index
                out = self.value(definition.body, params, limit)
            except _Cycle:
                self.drawn, self.used, self.lines = drawn, used, lines
                continue
            except Unreadable:
                self.drawn, self.used, self.lines = drawn, used, lines
                # an older definition, or a draw, stands in for one not read: uncertain for an array
                self.uncertain = self.uncertain or self.names.kind(node) is not None
                continue
            finally:
                self._stack.pop()
            self.used.setdefault(f"{_display(family[0] if family is not None else node)} from {definition.place}",
                                 definition.place)
            self.lines.add(definition.line)
            self._memo[instance] = (out, self.drawn - drawn)
            return out
        if instance in self._stack:
            raise _Cycle
        kind = self.names.kind(node)
        if kind is None and key not in self.names.scalars or instance[0] in self.names.ambiguous:
            raise Unreadable
        value = self._random(kind)
        self.draw.values[instance] = value
        self.drawn.add(instance)
        return value

    def _candidates(self, node: ast.Symbol | ast.Subscript, family: tuple[ast.Expr, ast.Expr] | None,
                    limit: int) -> list[Definition]:
        """The definitions of `node` displayed before `limit`, nearest first (a matrix written out is
        evaluated with its entries drawn, so repeated entries and zeros keep their places); the one
        `choice` names first."""
        found = [d for d in self.names.definitions.get(head_key(node), []) if d.parameter is None]
        if family is not None:
            found += [d for d in self.names.definitions.get(family[0], []) if d.parameter is not None]
        usable = sorted((d for d in found if d.order < limit), key=lambda d: -d.order)
        key = head_key(node) if family is None else family[0]
        if len(usable) > 1:
            self.several.add(key)
        pick = self.choice.get(key, 0)
        if 0 < pick < len(usable):
            usable.insert(0, usable.pop(pick))
        return usable

    def _random(self, kind: Kind | None) -> Any:
        import numpy as np

        rng = self.draw.rng
        if kind is None:
            return float(rng.uniform(0.5, 2.0)) * float(rng.choice([-1.0, 1.0]))
        rows, cols = self._size(kind.rows), self._size(kind.cols)
        if kind.diagonal and rows == cols:
            return np.diag(rng.uniform(0.3, 1.7, size=rows))
        while True:
            value = rng.standard_normal((rows, cols))
            if rows != cols or np.linalg.cond(value) < 50:
                return value

    def _size(self, dim: Any) -> int:
        if isinstance(dim, int):
            return dim
        if dim not in self.draw.sizes:
            self.draw.sizes[dim] = 2 + len(self.draw.sizes)  # distinct sizes, so no transpose hides
        return self.draw.sizes[dim]


class _Cycle(Exception):
    pass


def _times(left: Any, right: Any) -> Any:
    import numpy as np

    if not isinstance(left, np.ndarray) or not isinstance(right, np.ndarray):
        return left * right
    if left.shape[1] != right.shape[0]:
        raise Unreadable
    out = left @ right
    return float(out[0, 0]) if out.shape == (1, 1) else out


def _display(node: ast.Expr) -> str:
    from ..derivations.astutil import display_name

    if isinstance(node, ast.Symbol) and node.accents == ("star",):
        return node.name.lstrip("\\") + "^*"
    return display_name(node)
