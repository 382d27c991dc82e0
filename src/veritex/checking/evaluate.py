"""Evaluate a formula's expression with NumPy, given values for its symbols.

A visitor over `veritex.math.ast` with one `_visit_<NodeClass>` method per construct. Meaning
follows ML notation (and docs/symbols.md for names):

- juxtaposition of two arrays that are vectors or matrices is a matrix product; with a scalar it
  scales; `\\odot` is element-wise; `\\cdot` between vectors is a dot product;
- a lower-case, non-bold symbol whose value is an array is a batch of scalars (`\\sigma(x)(1-\\sigma(x))`
  with `x` an array is evaluated element by element); bold, capital or declared symbols
  (`W \\in \\mathbb{R}^{n\\times d}`) are vectors and matrices;
- a subscript that is a bound index indexes, 1-based (`Y_{ic}` is `Y[i-1, c-1]`, `x^{(i)}` is
  `x[i-1]`); any other subscript is part of the name (`W_1`, `d_k`);
- an index that nothing binds makes the formula element-wise: `y_k = 2 x_k` is evaluated for every
  `k` the arrays allow;
- a sum's missing bound (`\\sum_{i=1}^{n}` with no `n`) is the length of the arrays it indexes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace

import numpy as np

from veritex.math import ast

from .functions import builtin
from .names import SymbolName
from .symbols import Definition, SymbolTable, index_symbols, symbol_name

CONSTANTS: dict[SymbolName, float] = {
    SymbolName("e"): math.e, SymbolName("pi"): math.pi, SymbolName("infty"): math.inf,
}


class Unevaluable(Exception):
    """The formula cannot be evaluated: an unknown symbol, an undefined function, a construct
    without a numeric meaning. `node` points into the formula whose index is `origin`."""

    def __init__(self, reason: str, node: ast.Node | None = None, origin: int | None = None) -> None:
        self.reason = reason
        self.node = node
        self.origin = origin
        super().__init__(reason)


class ShapeMismatch(Unevaluable):
    """The values' shapes do not fit the formula (a matrix product of (3, 5) by (4,))."""


class FreeIndex(Exception):
    """An index that nothing binds: the formula is element-wise over `size` values of it."""

    def __init__(self, name: SymbolName, size: int) -> None:
        self.name = name
        self.size = size
        super().__init__(f"{name} ranges over {size}")


class _NotVectorizable(Exception):
    pass


@dataclass(frozen=True)
class Val:
    """A value during evaluation. `tensor`: a vector or matrix in the linear-algebra sense (products
    contract); otherwise an array is a batch of scalars. `row`: a transposed vector."""

    data: np.ndarray
    tensor: bool = False
    row: bool = False
    batched: bool = False  # leading axis runs over a vectorised sum's index
    vbatch: bool = False  # a vector given with leading batch axes: its last axis is the vector

    @property
    def ndim(self) -> int:
        if self.vbatch:
            return 1
        return int(self.data.ndim) - (1 if self.batched else 0)

    def with_data(self, data: np.ndarray) -> Val:
        """The same kind of value with other numbers (an element-wise function of this one)."""
        return replace(self, data=np.asarray(data))


_DTYPE: ContextVar[type[np.floating]] = ContextVar("veritex_evaluation_dtype", default=np.float64)
"""The float type of this evaluation: float64, or float32 to measure how rounding moves a result."""


def scalar(x: float | np.floating | np.ndarray) -> Val:
    value = np.asarray(x)
    if np.iscomplexobj(value):
        return Val(value)
    return Val(value.astype(_DTYPE.get()))


@dataclass
class Inputs:
    """What a check knows: the given values by symbol, sizes, and Python callables for functions."""

    values: dict[SymbolName, np.ndarray] = field(default_factory=dict)
    sizes: dict[SymbolName, int] = field(default_factory=dict)
    callables: dict[SymbolName, Callable[..., object]] = field(default_factory=dict)


class Evaluator:
    """Evaluates expressions of one formula (`origin`) against a document's `table` and `inputs`.

    `exclude` is the (formula, statement) being checked, whose own left side must not be
    substituted into itself. `used` collects the symbols whose given values were read, and
    `substituted` the definitions that were used, for the verdict's explanation.
    """

    def __init__(
        self,
        table: SymbolTable,
        inputs: Inputs,
        *,
        origin: int = -1,
        exclude: tuple[int, int] | None = None,
        vectorise: bool = True,
        sources: Mapping[int, str] | None = None,
        dtype: type[np.floating] = np.float64,
    ) -> None:
        self.table = table
        self.sources = dict(sources or {})
        self.dtype = dtype
        self.inputs = inputs
        self.origin = origin
        self.exclude = exclude
        self.vectorise = vectorise
        self.used: set[SymbolName] = set()
        self.substituted: dict[SymbolName, Definition] = {}
        self._scopes: list[dict[SymbolName, Val]] = [{}]
        self._free: dict[SymbolName, Val] = {}
        self._cache: dict[tuple[object, ...], Val] = {}
        self._expanding: list[SymbolName] = []
        self._current_origin = origin
        self._vector_index: SymbolName | None = None
        self._sized: set[int] = set()

    # ---- entry points ------------------------------------------------------------------------

    def evaluate(self, expr: ast.Expr) -> Val:
        """The value of `expr`; element-wise over any index that nothing binds."""
        token = _DTYPE.set(self.dtype)
        try:
            with np.errstate(all="ignore"):
                self.bind_sum_sizes(expr)
                return self._with_free_indices(expr)
        finally:
            _DTYPE.reset(token)

    def _with_free_indices(self, expr: ast.Expr) -> Val:
        try:
            return self.visit(expr)
        except FreeIndex as free:
            if free.name in self._free:
                raise Unevaluable(f"the index `{free.name}` is used inconsistently", expr) from None
            parts = []
            for k in range(1, free.size + 1):
                self._free[free.name] = scalar(k)
                parts.append(self._with_free_indices(expr))
            del self._free[free.name]
            stacked = _stack(parts)
            return Val(stacked, tensor=any(p.tensor for p in parts))

    def visit(self, node: ast.Node) -> Val:
        method = getattr(self, "_visit_" + type(node).__name__, None)
        if method is None:
            raise self._fail(f"{_describe(node)} has no numeric meaning here", node)
        result: Val = method(node)
        return result

    def _tex(self, node: ast.Node) -> str:
        """The TeX a node came from, quoted in messages (its S-expression when the source is unknown)."""
        text = self.sources.get(self._current_origin, "")
        start, end = node.span
        if text and 0 <= start < end <= len(text):
            return text[start:end].strip()
        return node.sexpr() if isinstance(node, ast.Expr) else type(node).__name__

    def _fail(self, reason: str, node: ast.Node | None, cls: type[Unevaluable] = Unevaluable) -> Unevaluable:
        return cls(reason, node, self._current_origin)

    # ---- sizes -------------------------------------------------------------------------------

    def bind_sum_sizes(self, expr: ast.Expr) -> None:
        """Bind a sum's upper bound that has no value (`n` in `\\sum_{i=1}^{n}`) to the length of
        the arrays the sum indexes, before evaluating, so that `\\frac{2}{n}` outside it sees it.
        In a bound such as `n-1` the unknown `n` is the arrays' length itself."""
        if id(expr) in self._sized:
            return
        self._sized.add(id(expr))
        self._refuse_sum_overreach(expr)
        for node in expr.walk():
            if not isinstance(node, ast.BigOp) or node.upper is None or not isinstance(node.index, ast.Symbol):
                continue
            index = symbol_name(node.index)
            unknown = self._unknown_names(node.upper)
            if index is None or len(unknown) != 1:
                continue
            size = self._infer_range(index, node.body)
            if size is None:
                continue
            name = unknown[0]
            if symbol_name(node.upper) == name:
                lower = 1
                if node.lower is not None:
                    try:
                        lower = self._integer(self.visit(node.lower), node.lower)
                    except Unevaluable:
                        continue
                self.inputs.sizes[name] = size + lower - 1
            else:
                self.inputs.sizes[name] = size

    def _refuse_sum_overreach(self, expr: ast.Expr) -> None:
        """`\\sum_i a_i + b_i`: by TeX's reading the sum stops at `+`, so `b_i` is outside it, yet the
        author almost surely meant the sum to cover both terms. Evaluating either reading could
        refute a correct document, so the formula is unchecked with the fix."""
        for node in expr.walk():
            if not isinstance(node, ast.BinOp) or node.op not in ("+", "-"):
                continue
            bigop = _trailing_bigop(node.left)
            if bigop is None or bigop.index is None:
                continue
            index = symbol_name(bigop.index) if isinstance(bigop.index, ast.Symbol) else None
            if index is None or self._is_bound(index) or self._has_value(index, bigop.index):
                continue
            if _uses_index_freely(node.right, index):
                raise self._fail(
                    f"`{self._tex(node.right)}` uses the index `{index.python}` of the sum before it, outside that "
                    f"sum (a sum stops at `+` and `-`): put the summand in parentheses, "
                    f"`\\{bigop.op}_{{...}}\\left(... \\right)`", node.right,
                )

    def _unknown_names(self, expr: ast.Expr) -> list[SymbolName]:
        """The names in `expr` that have no value."""
        unknown: list[SymbolName] = []
        for node in expr.walk():
            if isinstance(node, ast.Symbol | ast.Subscript):
                name = symbol_name(node)
                if name is not None and name not in unknown and not self._has_value(name, node):
                    unknown.append(name)
        return unknown

    def _has_value(self, name: SymbolName, node: ast.Node) -> bool:
        try:
            return self._try_lookup(name, node) is not None
        except (Unevaluable, FreeIndex):
            return True

    def _infer_range(self, index: SymbolName, body: ast.Node, depth: int = 0) -> int | None:
        """The length of the axis that `index` runs over in the arrays `body` indexes with it."""
        for node in body.walk():
            if not isinstance(node, ast.Subscript | ast.SuperIndex):
                continue
            if isinstance(node, ast.SuperIndex) and node.bracket != "(":
                continue
            parts = index_symbols(node.index)
            axes = [a for a, p in enumerate(parts) if symbol_name(p) == index]
            if not axes:
                continue
            base = symbol_name(node.base)
            if base is None:
                continue
            value = self._given_or_size(base)
            if value is None and base not in self._bound_names():
                definitions = self.table.indexed.get(base, [])
                chosen = self.table.nearest(definitions, self.origin, self.exclude)
                if chosen is not None and len(chosen.indices) == len(parts) and depth < 5:
                    inner = self._infer_range(chosen.indices[axes[0]], chosen.body, depth + 1)
                    if inner is not None:
                        return inner
                try:
                    value = self._try_lookup(base, node.base)
                except (Unevaluable, FreeIndex):
                    value = None
            if value is not None and value.data.ndim > axes[0]:
                return int(value.data.shape[axes[0]])
        return None

    def _given_or_size(self, name: SymbolName) -> Val | None:
        if name in self.inputs.values:
            return Val(self.inputs.values[name])
        return None

    def _bound_names(self) -> set[SymbolName]:
        names: set[SymbolName] = set(self._free)
        for scope in self._scopes:
            names |= set(scope)
        return names

    # ---- names -------------------------------------------------------------------------------

    def _is_bound(self, name: SymbolName) -> bool:
        return name in self._free or any(name in scope for scope in self._scopes)

    def _try_lookup(self, name: SymbolName, node: ast.Node) -> Val | None:
        """The value of `name`, or None when it has none (a definition that fails still raises)."""
        for scope in reversed(self._scopes):
            if name in scope:
                return scope[name]
        if name in self._free:
            return self._free[name]
        if name in self.inputs.values:
            self.used.add(name)
            return self._given(name, node, self.inputs.values[name])
        if name in self.inputs.sizes:
            return scalar(float(self.inputs.sizes[name]))
        definition = self.table.nearest(self.table.values.get(name, []), self.origin, self.exclude)
        if definition is not None:
            return self._evaluate_definition(definition, node)
        indexed = self.table.nearest(self.table.indexed.get(name, []), self.origin, self.exclude)
        if indexed is not None:
            return self._evaluate_indexed_whole(indexed, node)
        if name in CONSTANTS and name not in self.table.shapes:  # `e` is Euler's number unless declared
            return scalar(CONSTANTS[name])
        return None

    def _lookup(self, name: SymbolName, node: ast.Node) -> Val:
        value = self._try_lookup(name, node)
        if value is None:
            raise self._fail(f"`{self._tex(node)}` has no value: {self._pass_hint(name, node)}", node)
        return value

    def _given(self, name: SymbolName, node: ast.Node, value: np.ndarray) -> Val:
        if value.dtype.kind == "f" and value.dtype != self.dtype:
            value = value.astype(self.dtype)
        """A given value; a vector (declared with one axis, or bold lower case) given with more axes
        is a batch of vectors, as when a module is called on a batch (`W\\mathbf{x}` with x of
        shape (N, d) is every row's product)."""
        tensor = self._is_tensor(name, node, value)
        if tensor and value.ndim >= 2 and self._vector_rank(name, node) == 1:
            return Val(value, tensor=True, vbatch=True)
        return Val(value, tensor=tensor)

    def _vector_rank(self, name: SymbolName, node: ast.Node) -> int | None:
        if name in self.table.shapes:
            return len(self.table.shapes[name])
        symbol = node
        while isinstance(symbol, ast.Subscript | ast.SuperIndex | ast.Prime):
            symbol = symbol.base if not isinstance(symbol, ast.Prime) else symbol.operand
        if (isinstance(symbol, ast.Symbol) and (symbol.font == "bf" or "vec" in symbol.accents)
                and symbol.name.lstrip("\\")[:1].islower()):
            return 1
        return None

    def _is_tensor(self, name: SymbolName, node: ast.Node, value: np.ndarray) -> bool:
        if value.ndim == 0:
            return False
        if name in self.table.shapes:
            return len(self.table.shapes[name]) >= 1
        if name in self.table.element_shapes:
            return False
        symbol = node
        while isinstance(symbol, ast.Subscript | ast.SuperIndex | ast.Prime):
            symbol = symbol.base if not isinstance(symbol, ast.Prime) else symbol.operand
        if isinstance(symbol, ast.Symbol):
            if symbol.font == "bf" or "vec" in symbol.accents:
                return True
            letter = symbol.name.lstrip("\\")
            return letter[:1].isupper()
        return False

    @contextmanager
    def _isolated(self, bindings: Mapping[SymbolName, Val], origin: int) -> Iterator[None]:
        """Evaluate a definition's body: only its own parameters are in scope."""
        saved_scopes, saved_origin, saved_vector = self._scopes, self._current_origin, self._vector_index
        self._scopes = [dict(bindings)]
        self._current_origin = origin
        self._vector_index = None
        try:
            yield
        finally:
            self._scopes, self._current_origin, self._vector_index = saved_scopes, saved_origin, saved_vector

    def _free_key(self) -> tuple[tuple[str, int], ...]:
        return tuple(sorted((str(k), int(v.data)) for k, v in self._free.items()))

    def _evaluate_definition(self, definition: Definition, node: ast.Node) -> Val:
        key = ("value", definition.name, definition.origin, definition.statement, self._free_key())
        if key in self._cache:
            return self._cache[key]
        if definition.name in self._expanding:
            raise self._fail(f"`{definition.name.python}` is defined in terms of itself", node)
        self._expanding.append(definition.name)
        try:
            with self._isolated({}, definition.origin):
                self.bind_sum_sizes(definition.body)
                value = self.visit(definition.body)
        finally:
            self._expanding.pop()
        self.substituted[definition.name] = definition
        self._cache[key] = value
        return value

    def _evaluate_indexed_whole(self, definition: Definition, node: ast.Node) -> Val:
        """An indexed definition used without its index (`\\hat{y}` from `\\hat{y}^{(i)} = ...`):
        its values for every index, stacked."""
        key = ("whole", definition.name, definition.origin, definition.statement, self._free_key())
        if key in self._cache:
            return self._cache[key]
        with self._isolated({}, definition.origin):
            self.bind_sum_sizes(definition.body)
        sizes = []
        for index in definition.indices:
            size = self._infer_range(index, definition.body)
            if size is None:
                raise self._fail(f"cannot tell how many values `{definition.name.python}` has", node)
            sizes.append(size)
        values = []
        for position in np.ndindex(*sizes):
            bindings = {i: scalar(k + 1) for i, k in zip(definition.indices, position, strict=True)}
            with self._isolated(bindings, definition.origin):
                values.append(self.visit(definition.body))
        data = _stack(values).reshape(tuple(sizes) + values[0].data.shape)
        self.substituted[definition.name] = definition
        result = Val(data)
        self._cache[key] = result
        return result

    # ---- atoms -------------------------------------------------------------------------------

    def _visit_Number(self, node: ast.Number) -> Val:
        return scalar(float(node.value))

    def _visit_Symbol(self, node: ast.Symbol) -> Val:
        if node.font == "rm" and node.name == "e" and not node.accents:
            return scalar(math.e)
        name = symbol_name(node)
        if name is None:
            raise self._fail(f"`{self._tex(node)}` is not a value here", node)
        return self._lookup(name, node)

    def _visit_Subscript(self, node: ast.Subscript) -> Val:
        return self._indexed(node, node.base, node.index)

    def _visit_SuperIndex(self, node: ast.SuperIndex) -> Val:
        if node.bracket in ("(", "["):
            base = node.base
            if isinstance(base, ast.Subscript) and not self._names_a_value(base):
                # x^{(i)}_j is x[i, j]: the sample first, then the entry
                combined = ast.Tuple((*index_symbols(node.index), *index_symbols(base.index)), span=node.span)
                return self._indexed(node, base.base, combined)
            return self._indexed(node, base, node.index)
        name = symbol_name(node)
        if name is None:
            raise self._fail(f"`{self._tex(node)}` is not a name veritex can read", node)
        return self._lookup(name, node)

    def _visit_Prime(self, node: ast.Prime) -> Val:
        name = symbol_name(node)
        if name is None:
            raise self._fail(f"`{self._tex(node)}` (a derivative written with a prime) cannot be evaluated", node)
        return self._lookup(name, node)

    def _indexed(self, node: ast.Subscript | ast.SuperIndex, base: ast.Expr, index: ast.Expr) -> Val:
        parts = index_symbols(index)
        part_names = [symbol_name(p) for p in parts]
        bound = any(
            self._is_bound(n) for p in parts for sub in p.walk()
            if isinstance(sub, ast.Symbol) and (n := symbol_name(sub)) is not None
        )
        name = symbol_name(node)
        if not bound and name is not None:
            value = self._try_lookup(name, node)
            if value is not None:
                return value
        base_name = symbol_name(base)
        if base_name is not None and base_name not in self.inputs.values and not self._is_bound(base_name):
            definitions = self.table.indexed.get(base_name, [])
            chosen = self.table.nearest(definitions, self.origin, self.exclude)
            if chosen is not None and len(chosen.indices) == len(parts) and all(
                n is not None and self._is_bound(n) or isinstance(p, ast.Number) or not isinstance(p, ast.Symbol)
                for n, p in zip(part_names, parts, strict=True)
            ):
                bindings = {i: self.visit(p) for i, p in zip(chosen.indices, parts, strict=True)}
                self.substituted[base_name] = chosen
                with self._isolated(bindings, chosen.origin):
                    self.bind_sum_sizes(chosen.body)
                    return self.visit(chosen.body)
        if not bound and name is not None and not all(self._may_index(p) for p in parts):
            # `\\theta_{t-1}` with `t` given is a name (the previous iterate), not an element of theta
            raise self._fail(f"`{self._tex(node)}` has no value: {self._pass_hint(name, node)}", node)
        if base_name is not None:
            array = self._try_lookup(base_name, base)
            if array is None:
                shown = name if name is not None and not bound else base_name
                raise self._fail(f"`{self._tex(node)}` has no value: {self._pass_hint(shown, node)}", node)
        else:
            array = self.visit(base)
        return self._index_array(node, array, parts, part_names)

    def _names_a_value(self, node: ast.Subscript) -> bool:
        """Whether `W_1` in `W_1^{(l)}` is a name with a value (rather than `x_j` indexing x)."""
        name = symbol_name(node)
        if name is None or any(
            isinstance(sub, ast.Symbol) and (n := symbol_name(sub)) is not None and self._is_bound(n)
            for sub in node.index.walk()
        ):
            return False
        return self._has_value(name, node)

    def _may_index(self, part: ast.Expr) -> bool:
        """A subscript part that indexes: a number, or a letter that nothing else gives a value to
        (an index of an element-wise formula)."""
        if isinstance(part, ast.Number):
            return True
        if isinstance(part, ast.Symbol):
            name = symbol_name(part)
            return name is not None and not self._has_value(name, part)
        return False

    def _pass_hint(self, name: SymbolName, node: ast.Node) -> str:
        if name.python.isidentifier():
            return f"pass {name.python}=... to the check, or define it in the document"
        return (f"pass it under a name of your choice and say which symbol it is, e.g. "
                f"symbols={{'x': r'{self._tex(node)}'}}, or define it in the document")

    def _index_array(
        self, node: ast.Node, array: Val, parts: list[ast.Expr], part_names: list[SymbolName | None],
    ) -> Val:
        if array.vbatch and not _bold_sample(node):  # x_i of a batch of vectors: element i of every vector
            if array.batched or len(parts) != 1:
                raise _NotVectorizable if array.batched else self._fail(
                    f"`{self._tex(node)}` takes {len(parts)} indices of a batch of vectors", node)
            size = int(array.data.shape[-1])
            name = part_names[0]
            if name is not None and isinstance(parts[0], ast.Symbol) and self._try_lookup(name, parts[0]) is None:
                raise FreeIndex(name, size)
            index = self.visit(parts[0])
            if index.batched:
                raise _NotVectorizable
            k = self._integer(index, parts[0])
            if not 1 <= k <= size:
                raise self._fail(f"`{self._tex(node)}`: index {k} is outside 1..{size}", node)
            return Val(np.asarray(array.data[..., k - 1]))
        data = array.data
        offset = 1 if array.batched else 0
        if data.ndim - offset < len(parts):
            raise self._fail(
                f"`{self._tex(node)}` takes {len(parts)} ind{'ex' if len(parts) == 1 else 'ices'} of a value "
                f"of shape {tuple(data.shape[offset:])}", node, ShapeMismatch,
            )
        positions: list[np.ndarray | int] = []
        batched = array.batched
        for axis, (part, part_name) in enumerate(zip(parts, part_names, strict=True)):
            size = int(data.shape[axis + offset])
            if part_name is not None and isinstance(part, ast.Symbol) and self._try_lookup(part_name, part) is None:
                raise FreeIndex(part_name, size)
            value = self.visit(part)
            if value.batched:
                if batched:
                    raise _NotVectorizable
                ks = np.asarray(value.data).astype(np.int64)
                if ks.min() < 1 or ks.max() > size:
                    raise self._fail(f"index out of range in `{self._tex(node)}` (axis of length {size})", node)
                positions.append(ks - 1)
                batched = True
                continue
            k = self._integer(value, part)
            if not 1 <= k <= size:
                raise self._fail(
                    f"`{self._tex(node)}`: index {k} is outside 1..{size} (indices in formulas count from 1)", node,
                )
            positions.append(k - 1)
        result = data[slice(None), *positions] if array.batched else data[tuple(positions)]
        result = np.asarray(result)
        if batched and result.ndim > 1:
            raise _NotVectorizable
        return Val(result, tensor=array.tensor and result.ndim - (1 if batched else 0) >= 1, batched=batched)

    def _integer(self, value: Val, node: ast.Node) -> int:
        data = np.asarray(value.data)
        if data.ndim != 0 or np.iscomplexobj(data) or not float(data).is_integer():
            raise self._fail(f"`{self._tex(node)}` must be a whole number here", node)
        return int(data)

    def _visit_Dots(self, node: ast.Dots) -> Val:
        raise self._fail("`\\dots` stands for terms that are not written out", node)

    # ---- arithmetic --------------------------------------------------------------------------

    def _visit_Neg(self, node: ast.Neg) -> Val:
        value = self.visit(node.operand)
        return value.with_data(-value.data)

    def _visit_BinOp(self, node: ast.BinOp) -> Val:
        if node.op in ("given", "parallel", ";", "pm", "mp", "circ", "otimes"):
            raise self._fail(f"the operator {_describe(node)} cannot be evaluated", node)
        left = self.visit(node.left)
        right = self.visit(node.right)
        if node.op == "+":
            return self._elementwise(node, left, right, np.add)
        if node.op == "-":
            return self._elementwise(node, left, right, np.subtract)
        if node.op == "/":
            return self._divide(node, left, right)
        if node.op == "odot":
            return self._elementwise(node, left, right, np.multiply)
        if node.op == "cdot":
            return self._product(node, left, right, dot=True)
        return self._product(node, left, right)

    def _visit_Juxt(self, node: ast.Juxt) -> Val:
        joined = self._word_value(node)
        if joined is not None:
            return joined
        result = self.visit(node.factors[0])
        for factor in node.factors[1:]:
            result = self._product(node, result, self.visit(factor))
        return result

    def _word_value(self, node: ast.Juxt) -> Val | None:
        """`lr` written as letters side by side, when a value is given under that name."""
        if len(node.factors) < 2 or not all(
            isinstance(f, ast.Symbol) and not f.name.startswith("\\") and not f.accents and f.font is None
            for f in node.factors
        ):
            return None
        word = SymbolName("".join(f.name for f in node.factors if isinstance(f, ast.Symbol)))
        if word in self.inputs.values:
            self.used.add(word)
            return Val(self.inputs.values[word])
        return None

    def _visit_Frac(self, node: ast.Frac) -> Val:
        return self._divide(node, self.visit(node.numerator), self.visit(node.denominator))

    def _visit_Sqrt(self, node: ast.Sqrt) -> Val:
        value = self.visit(node.radicand)
        if node.index is None:
            data = np.emath.sqrt(value.data) if _has_negative(value.data) else np.sqrt(value.data)
        else:
            degree = self.visit(node.index)
            data = _power(value.data, 1.0 / degree.data)
        return value.with_data(data)

    def _visit_Power(self, node: ast.Power) -> Val:
        exponent = self.visit(node.exponent)
        if isinstance(node.base, ast.Symbol) and symbol_name(node.base) == SymbolName("e"):
            base_value = self._try_lookup(SymbolName("e"), node.base)
            upright = node.base.font == "rm"  # `\\mathrm{e}` is always Euler's number
            if upright or (base_value is not None and base_value.data.ndim == 0 and float(base_value.data) == math.e):
                return exponent.with_data(np.exp(exponent.data))
        base = self.visit(node.base)
        if base.tensor and base.ndim == 2 and exponent.data.ndim == 0 and float(np.real(exponent.data)) == -1:
            if base.batched:
                raise _NotVectorizable
            try:
                return Val(np.linalg.inv(base.data), tensor=True)
            except np.linalg.LinAlgError as exc:
                raise self._fail(f"`{self._tex(node)}`: the matrix is singular", node) from exc
        self._check_broadcast(node, base, exponent)
        if (base.vbatch or exponent.vbatch) and (base.batched or exponent.batched):
            raise _NotVectorizable
        return Val(_power(base.data, exponent.data), base.tensor or exponent.tensor, base.row,
                   base.batched or exponent.batched, vbatch=base.vbatch or exponent.vbatch)

    def _visit_Transpose(self, node: ast.Transpose) -> Val:
        value = self.visit(node.operand)
        if value.batched:
            raise _NotVectorizable
        if value.vbatch:
            return replace(value, row=not value.row)
        if value.data.ndim >= 2:
            return Val(np.swapaxes(value.data, -1, -2), tensor=True)
        if value.data.ndim == 1:
            return Val(value.data, tensor=True, row=not value.row)
        return value

    def _visit_Factorial(self, node: ast.Factorial) -> Val:
        value = self.visit(node.operand)
        data = np.vectorize(lambda v: math.gamma(v + 1.0), otypes=[np.float64])(value.data)
        return value.with_data(data)

    def _visit_Abs(self, node: ast.Abs) -> Val:
        value = self.visit(node.body)
        if value.tensor and value.ndim == 2:
            return self._visit_reduction(node, value, np.linalg.det, "determinant")
        return value.with_data(np.abs(value.data))

    def _visit_Norm(self, node: ast.Norm) -> Val:
        value = self.visit(node.body)
        if value.batched:
            raise _NotVectorizable
        data = value.data
        order: float | str | None = None
        if node.order is not None:
            if isinstance(node.order, ast.Symbol) and node.order.name == "F":
                order = "fro"
            elif isinstance(node.order, ast.Symbol) and node.order.name == "\\infty":
                order = math.inf
            else:
                order = float(self._integer(self.visit(node.order), node.order))
        if value.vbatch:  # one norm per vector of the batch
            return Val(np.asarray(np.linalg.norm(data, 2 if order in (None, "fro") else order, axis=-1)))  # type: ignore[arg-type]
        if order is None or order == "fro" or data.ndim <= 1 or not value.tensor:
            flat = np.ravel(data)
            norm = np.linalg.norm(flat, 2 if order in (None, "fro") else order)  # type: ignore[arg-type]
        else:
            norm = np.linalg.norm(data, order)  # type: ignore[arg-type]
        return scalar(norm)

    def _visit_Floor(self, node: ast.Floor) -> Val:
        value = self.visit(node.body)
        return value.with_data(np.floor(value.data))

    def _visit_Ceil(self, node: ast.Ceil) -> Val:
        value = self.visit(node.body)
        return value.with_data(np.ceil(value.data))

    def _visit_Matrix(self, node: ast.Matrix) -> Val:
        rows = []
        for row in node.rows:
            entries = [self.visit(entry) for entry in row]
            if any(e.data.ndim != 0 or e.batched for e in entries):
                raise self._fail("a matrix whose entries are not numbers", node)
            rows.append([e.data for e in entries])
        data = np.array(rows, dtype=np.result_type(*[e for r in rows for e in r]))
        if node.delimiter in ("v", "V"):
            return scalar(np.linalg.det(data)) if node.delimiter == "v" else scalar(np.linalg.norm(data))
        if data.shape[0] == 1 or data.shape[1] == 1:
            return Val(data.ravel(), tensor=True, row=data.shape[0] == 1 and data.shape[1] > 1)
        return Val(data, tensor=True)

    def _visit_Cases(self, node: ast.Cases) -> Val:
        values = []
        masks = []
        default: Val | None = None
        for row in node.rows:
            value = self.visit(row.value)
            if any(c.keyword == "otherwise" or c.body is None for c in row.conditions):
                default = value
                continue
            mask: np.ndarray | None = None
            for condition in row.conditions:
                if not isinstance(condition.body, ast.Statement):
                    raise self._fail("a case condition that is not a comparison", row)
                truth = self._truth(condition.body)
                mask = truth if mask is None else mask & truth
            values.append(value)
            masks.append(mask if mask is not None else np.asarray(True))
        if not values:
            if default is None:
                raise self._fail("cases without a condition", node)
            return default
        fallback = default.data if default is not None else np.nan
        data = np.select([np.asarray(m) for m in masks], [v.data for v in values],
                         default=fallback)  # type: ignore[arg-type]
        batched = any(v.batched for v in values) or (default is not None and default.batched)
        return Val(np.asarray(data), any(v.tensor for v in values), batched=batched)

    def _truth(self, statement: ast.Statement) -> np.ndarray:
        comparisons = {"lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal,
                       "=": np.equal, "ne": np.not_equal}
        truth = np.asarray(True)
        sides = [self.visit(s) for s in statement.sides]
        for k, relation in enumerate(statement.relations):
            compare = comparisons.get(relation)
            if compare is None:
                raise self._fail(f"the condition relation `{relation}` cannot be evaluated", statement)
            truth = truth & compare(np.real(sides[k].data), np.real(sides[k + 1].data))
        return np.asarray(truth)

    def _visit_Styled(self, node: ast.Styled) -> Val:
        raise self._fail(f"`{self._tex(node)}` (a styled constant such as a vector of ones) cannot be evaluated", node)

    # ---- products ----------------------------------------------------------------------------

    def _check_broadcast(self, node: ast.Node, left: Val, right: Val) -> None:
        try:
            np.broadcast_shapes(left.data.shape, right.data.shape)
        except ValueError:
            if left.batched or right.batched:
                raise _NotVectorizable from None
            raise self._fail(
                f"`{self._tex(node)}` combines values of shapes {left.data.shape} and {right.data.shape}, "
                "which do not fit together", node, ShapeMismatch,
            ) from None

    def _elementwise(self, node: ast.Node, left: Val, right: Val, op: Callable[..., np.ndarray]) -> Val:
        left, right = _align_batches(left, right)
        self._check_broadcast(node, left, right)
        data = op(left.data, right.data)
        vbatch = left.vbatch or right.vbatch
        if vbatch and (left.batched or right.batched):
            raise _NotVectorizable
        return Val(np.asarray(data), left.tensor or right.tensor, left.row and right.row or
                   (left.row and right.ndim == 0) or (right.row and left.ndim == 0),
                   left.batched or right.batched, vbatch=vbatch and np.asarray(data).ndim >= 1)

    def _divide(self, node: ast.Node, left: Val, right: Val) -> Val:
        if right.tensor and right.ndim >= 2:
            raise self._fail(f"`{self._tex(node)}` divides by a matrix", node)
        return self._elementwise(node, left, right, np.divide)

    def _product(self, node: ast.Node, left: Val, right: Val, *, dot: bool = False) -> Val:
        """Juxtaposition: a matrix product when both sides are vectors or matrices, else scaling
        (or element by element, for batches of scalars)."""
        if left.ndim == 0 or right.ndim == 0 or not (left.tensor or right.tensor):
            return self._elementwise(node, left, right, np.multiply)
        if left.batched or right.batched:
            raise _NotVectorizable
        if left.vbatch or right.vbatch:
            return self._batched_product(node, left, right, dot=dot)
        a, b = left.data, right.data
        if a.ndim == 1 and b.ndim == 1:
            if len(a) != len(b) and not (not left.row and right.row):
                raise self._fail(
                    f"`{self._tex(node)}` multiplies vectors of lengths {len(a)} and {len(b)}", node, ShapeMismatch,
                )
            if not left.row and right.row and not dot:
                return Val(np.outer(a, b), tensor=True)  # x x^T
            return scalar(np.dot(a, b))
        try:
            data = np.matmul(a, b)
        except ValueError:
            raise self._fail(
                f"`{self._tex(node)}` multiplies a {_shape_text(a)} by a {_shape_text(b)}: the inner sizes differ",
                node, ShapeMismatch,
            ) from None
        row = a.ndim == 1 and b.ndim >= 2
        return Val(np.asarray(data), tensor=True, row=row)

    def _batched_product(self, node: ast.Node, left: Val, right: Val, *, dot: bool) -> Val:
        """Products with a batch of vectors: the product of each vector, stacked."""
        a, b = left.data, right.data
        try:
            if left.ndim == 1 and right.ndim == 1:
                if not left.row and right.row and not dot:  # x x^T for each x
                    return Val(np.einsum("...i,...j->...ij", a, b), tensor=True)
                return Val(np.asarray(np.sum(a * b, axis=-1)))  # x^T y for each pair
            if right.vbatch and not right.row:  # W x
                return Val(np.asarray(np.matmul(b, np.swapaxes(a, -1, -2))), tensor=True, vbatch=True)
            if left.vbatch and left.row:  # x^T W
                return Val(np.asarray(np.matmul(a, b)), tensor=True, row=True, vbatch=True)
        except ValueError:
            raise self._fail(
                f"`{self._tex(node)}` multiplies values of shapes {a.shape} and {b.shape}: the inner sizes differ",
                node, ShapeMismatch,
            ) from None
        raise self._fail(f"`{self._tex(node)}`: a product of a batch of vectors veritex cannot read", node)

    # ---- functions ---------------------------------------------------------------------------

    def _visit_Apply(self, node: ast.Apply) -> Val:
        function = node.function
        name = symbol_name(function)
        word = _function_word(function)
        for arg in node.args:
            if isinstance(arg, ast.BinOp) and arg.op in ("given", ";", "parallel"):
                raise self._fail(f"`{self._tex(node)}` is probability notation, which cannot be evaluated", node)
        if name is not None:
            if name in self.inputs.callables:
                args = [self.visit(a) for a in node.args]
                result = self.inputs.callables[name](*[a.data for a in args])
                self.used.add(name)
                return Val(np.asarray(result, dtype=np.result_type(np.asarray(result), np.float64)))
            value = None if name in self.table.functions else self._try_value_only(name, function)
            if value is not None:  # `W(x + b)`: a value times parentheses
                result = value
                for arg in node.args:
                    result = self._product(node, result, self.visit(arg))
                return result
            definition = self.table.nearest(self.table.functions.get(name, []), self.origin, self.exclude)
            if definition is not None:
                return self._call_definition(node, definition)
        if isinstance(function, ast.Subscript) and word is not None and word.lower() in ("log", "\\log"):
            base = self.visit(function.index)
            value = self._single_argument(node)
            return value.with_data(_log(value.data) / np.log(base.data))
        if word is not None and word.lstrip("\\").lower() in ("max", "min"):
            return self._extremum(node, word.lstrip("\\").lower())
        found = builtin(word) if word is not None else None
        if found is None:
            raise self._fail(
                f"the function `{self._tex(function)}` is never defined: define it in the document "
                f"(`{self._tex(function)}(x) = ...`) or pass it to the check as a Python function", node,
            )
        kind, func = found
        value = self._single_argument(node)
        if kind == "elementwise":
            return value.with_data(np.asarray(func(value.data)))
        return self._visit_reduction(node, value, func, word or "")

    def _extremum(self, node: ast.Apply, which: str) -> Val:
        """`\\max(0, x)` element by element; `\\max(z)` over the elements of one vector."""
        args = [self.visit(a) for a in node.args]
        if len(args) == 1:
            if args[0].batched:
                raise _NotVectorizable
            return Val(np.asarray(_REDUCERS[which](args[0].data)))
        op = np.maximum if which == "max" else np.minimum
        result = args[0]
        for arg in args[1:]:
            result = self._elementwise(node, result, arg, op)
        return result

    def _try_value_only(self, name: SymbolName, node: ast.Node) -> Val | None:
        """A given or defined value for a function-looking name (never a constant or a builtin)."""
        if name in self.inputs.values or self._is_bound(name) or name in self.table.values:
            return self._try_lookup(name, node)
        return None

    def _single_argument(self, node: ast.Apply) -> Val:
        if len(node.args) != 1:
            raise self._fail(f"`{self._tex(node.function)}` takes one argument, got {len(node.args)}", node)
        return self.visit(node.args[0])

    def _visit_reduction(self, node: ast.Node, value: Val, func: Callable[[np.ndarray], object], word: str) -> Val:
        if value.batched:
            raise _NotVectorizable
        data = np.asarray(func(value.data))
        if value.vbatch:  # softmax keeps each vector; a mean makes one number per vector
            return Val(data, tensor=True, vbatch=True) if data.shape == value.data.shape else Val(data)
        return Val(data, tensor=value.tensor and data.ndim >= 1 or (data.ndim >= 1 and value.data.ndim >= 2))

    def _call_definition(self, node: ast.Apply, definition: Definition) -> Val:
        if len(definition.params) != len(node.args):
            raise self._fail(
                f"`{definition.name.python}` is defined with {len(definition.params)} parameters but applied "
                f"to {len(node.args)}", node,
            )
        args = [self.visit(a) for a in node.args]
        if len(self._expanding) > 50:
            raise self._fail(f"`{definition.name.python}` calls itself too deeply", node)
        self._expanding.append(definition.name)
        try:
            with self._isolated(dict(zip(definition.params, args, strict=True)), definition.origin):
                self.bind_sum_sizes(definition.body)
                result = self.visit(definition.body)
        finally:
            self._expanding.pop()
        self.substituted[definition.name] = definition
        return result

    # ---- sums and reductions -----------------------------------------------------------------

    def _visit_BigOp(self, node: ast.BigOp) -> Val:
        if node.index is None:
            return self._reduce_whole(node)
        if node.domain is not None:
            lower, upper = self._domain_range(node)
        else:
            lower, upper = None, None
        indices = list(node.index.items) if isinstance(node.index, ast.Tuple) else [node.index]
        names = [symbol_name(i) for i in indices]
        if any(n is None for n in names):
            raise self._fail(f"the index of {_describe(node)} is not a plain letter", node)
        ranges = []
        for k, name in enumerate(names):
            assert name is not None
            lo = lower if lower is not None else (
                self._integer(self.visit(node.lower), node.lower) if node.lower is not None and k == 0 else 1
            )
            if upper is not None:
                hi = upper
            elif node.upper is not None and k == len(names) - 1 and len(names) == 1:
                hi = self._integer(self.visit(node.upper), node.upper)
            else:
                size = self._infer_range(name, node.body)
                if size is None:
                    raise self._fail(
                        f"the range of `{name.python}` in {_describe(node)} is not written and no array "
                        "it indexes has a value", node,
                    )
                hi = size
            ranges.append((lo, hi))
        return self._reduce_over(node, [n for n in names if n is not None], ranges)

    def _domain_range(self, node: ast.BigOp) -> tuple[int, int]:
        domain = node.domain
        if isinstance(domain, ast.SetOf) and len(domain.items) == 3 and isinstance(domain.items[1], ast.Dots):
            return (self._integer(self.visit(domain.items[0]), domain.items[0]),
                    self._integer(self.visit(domain.items[2]), domain.items[2]))
        raise self._fail(f"the index set of {_describe(node)} cannot be evaluated", node)

    def _reduce_over(self, node: ast.BigOp, names: list[SymbolName], ranges: list[tuple[int, int]]) -> Val:
        if node.op in ("argmax", "argmin") and len(names) != 1:
            raise self._fail(f"{node.op} over several indices", node)
        if len(names) == 1 and node.op in ("sum", "prod", "max", "min") and self.vectorise:
            fast = self._vectorised(node, names[0], ranges[0])
            if fast is not None:
                return fast
        terms: list[Val] = []
        for position in _positions(ranges):
            scope = {n: scalar(k) for n, k in zip(names, position, strict=True)}
            self._scopes.append(scope)
            try:
                terms.append(self.visit(node.body))
            finally:
                self._scopes.pop()
        return self._combine(node, terms, ranges[0][0] if len(ranges) == 1 else 1)

    def _vectorised(self, node: ast.BigOp, name: SymbolName, bounds: tuple[int, int]) -> Val | None:
        """The reduction with the index bound to all its values at once, when every term is a
        number (no matrix products, no nested reductions): much faster than a loop. None when the
        body does not allow it."""
        if self._vector_index is not None or bounds[1] - bounds[0] < 3:
            return None
        self._vector_index = name
        self._scopes.append({name: Val(np.arange(bounds[0], bounds[1] + 1), batched=True)})
        try:
            body = self.visit(node.body)
        except _NotVectorizable:
            return None
        finally:
            self._scopes.pop()
            self._vector_index = None
        if not body.batched:
            body = Val(np.broadcast_to(body.data, (bounds[1] - bounds[0] + 1, *body.data.shape)), body.tensor,
                       batched=True)
        if body.data.ndim != 1:
            return None
        data = body.data
        return Val(np.asarray(_REDUCERS[node.op](data)))

    def _combine(self, node: ast.BigOp, terms: list[Val], first: int) -> Val:
        if not terms:
            empty = {"sum": 0.0, "prod": 1.0}
            if node.op not in empty:
                raise self._fail(f"{_describe(node)} over an empty range", node)
            return scalar(empty[node.op])
        try:
            stacked = np.stack([np.asarray(t.data) for t in terms])
        except ValueError:
            raise self._fail(f"the terms of {_describe(node)} have different shapes", node, ShapeMismatch) from None
        tensor = any(t.tensor for t in terms)
        if node.op == "sum":
            return Val(np.sum(stacked, axis=0), tensor)
        if node.op == "prod":
            return Val(np.prod(stacked, axis=0), tensor)
        if node.op == "max":
            return Val(np.max(stacked, axis=0), tensor)
        if node.op == "min":
            return Val(np.min(stacked, axis=0), tensor)
        if stacked.ndim != 1:
            raise self._fail(f"{node.op} of non-scalar terms", node)
        position = int(np.argmax(stacked) if node.op == "argmax" else np.argmin(stacked))
        return scalar(float(first + position))

    def _reduce_whole(self, node: ast.BigOp) -> Val:
        """`\\max(a, b)`, `\\max(0, x)` element-wise; `\\sum x` and `\\max z` over all elements."""
        body = node.body
        if isinstance(body, ast.Tuple):
            items = [self.visit(i) for i in body.items]
            ops = {"max": np.maximum, "min": np.minimum}
            if node.op not in ops:
                raise self._fail(f"{_describe(node)} of a list", node)
            result = items[0]
            for item in items[1:]:
                result = self._elementwise(node, result, item, ops[node.op])
            return result
        value = self.visit(body)
        if value.batched:
            raise _NotVectorizable
        if node.op in _REDUCERS:
            return Val(np.asarray(_REDUCERS[node.op](value.data)))
        if value.data.ndim != 1:
            raise self._fail(f"{node.op} of a value that is not a vector", node)
        position = int(np.argmax(value.data) if node.op == "argmax" else np.argmin(value.data))
        return scalar(float(position + 1))

    # ---- constructs without a numeric meaning ------------------------------------------------

    def _visit_Derivative(self, node: ast.Derivative) -> Val:
        raise self._fail("a derivative on the compared side (compare with its closed form instead)", node)

    def _visit_Gradient(self, node: ast.Gradient) -> Val:
        raise self._fail("a gradient on the compared side (compare with its closed form instead)", node)

    def _visit_Expectation(self, node: ast.Expectation) -> Val:
        raise self._fail("an expectation has no value at a sample point", node)

    def _visit_Evaluated(self, node: ast.Evaluated) -> Val:
        bindings: dict[SymbolName, Val] = {}
        for statement in node.at:
            target = symbol_name(statement.sides[0]) if len(statement.sides) == 2 else None
            if target is None:
                raise self._fail("an evaluation bar whose point is not `x = value`", node)
            bindings[target] = self.visit(statement.sides[1])
        self._scopes.append(bindings)
        try:
            return self.visit(node.body)
        finally:
            self._scopes.pop()


_REDUCERS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sum": np.sum, "prod": np.prod, "max": np.max, "min": np.min,
}


# ---- helpers -------------------------------------------------------------------------------------


def _bold_sample(node: ast.Node) -> bool:
    """`\\mathbf{x}_i` and `\\mathbf{x}^{(i)}` pick the i-th vector of a batch (a sample), where a plain
    `x_i` picks entry i of a vector."""
    if isinstance(node, ast.SuperIndex):
        return True
    base = node.base if isinstance(node, ast.Subscript) else None
    return isinstance(base, ast.Symbol) and (base.font == "bf" or "vec" in base.accents)


def _trailing_bigop(node: ast.Expr) -> ast.BigOp | None:
    """The sum that ends `node` (`c \\sum_i x_i`, `-\\sum_i x_i`), if any."""
    while True:
        if isinstance(node, ast.BigOp):
            return node
        if isinstance(node, ast.Neg):
            node = node.operand
        elif isinstance(node, ast.Juxt):
            node = node.factors[-1]
        elif isinstance(node, ast.BinOp) and node.op in ("+", "-", "cdot", "times"):
            node = node.right
        else:
            return None


def _uses_index_freely(node: ast.Node, index: SymbolName) -> bool:
    """Whether `node` indexes with `index` outside any sum that binds it."""
    if isinstance(node, ast.BigOp) and isinstance(node.index, ast.Symbol) and symbol_name(node.index) == index:
        return False
    if isinstance(node, ast.Subscript | ast.SuperIndex):
        for part in index_symbols(node.index):
            if any(isinstance(sub, ast.Symbol) and symbol_name(sub) == index for sub in part.walk()):
                return True
    return any(_uses_index_freely(child, index) for child in node.children())


def _positions(ranges: list[tuple[int, int]]) -> Iterator[tuple[int, ...]]:
    if not ranges:
        yield ()
        return
    (lo, hi), rest = ranges[0], ranges[1:]
    for k in range(lo, hi + 1):
        for tail in _positions(rest):
            yield (k, *tail)


def _stack(parts: list[Val]) -> np.ndarray:
    try:
        return np.stack([np.asarray(p.data) for p in parts])
    except ValueError:
        raise Unevaluable("the formula's values for different indices have different shapes") from None


def _align_batches(left: Val, right: Val) -> tuple[Val, Val]:
    """A batched term (leading index axis) against an unbatched array of more than 0 axes cannot be
    aligned element by element."""
    if left.batched != right.batched and (left.ndim > 0 if right.batched else right.ndim > 0):
        raise _NotVectorizable
    return left, right


def _has_negative(data: np.ndarray) -> bool:
    return not np.iscomplexobj(data) and bool(np.any(data < 0))


def _power(base: np.ndarray, exponent: np.ndarray) -> np.ndarray:
    if np.iscomplexobj(base) or np.iscomplexobj(exponent):
        return np.asarray(np.power(base.astype(np.complex128), exponent))
    integral = np.all(np.equal(np.mod(exponent, 1), 0))
    if _has_negative(base) and not integral:
        return np.asarray(np.power(base.astype(np.complex128), exponent))
    if integral and np.all(exponent >= 0):
        return np.asarray(np.power(base, exponent))
    return np.asarray(np.float_power(base, exponent))


def _log(data: np.ndarray) -> np.ndarray:
    return np.emath.log(data) if _has_negative(data) else np.log(data)


def _shape_text(a: np.ndarray) -> str:
    if a.ndim == 1:
        return f"vector of length {a.shape[0]}"
    return "matrix of shape " + "x".join(str(d) for d in a.shape)


def _function_word(function: ast.Expr) -> str | None:
    """The name a builtin is looked up under: `log`, `relu`, `\\sigma`, `softmax`."""
    node = function.base if isinstance(function, ast.Subscript) else function
    if isinstance(node, ast.Symbol):
        return node.name
    return None


_DESCRIPTIONS = {"BigOp": "the reduction", "Apply": "the function application", "BinOp": "the operator"}


def _describe(node: ast.Node) -> str:
    if isinstance(node, ast.BigOp):
        return f"`\\{node.op}`"
    if isinstance(node, ast.BinOp):
        return f"`{node.op}`"
    return _DESCRIPTIONS.get(type(node).__name__, type(node).__name__)
