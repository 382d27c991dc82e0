"""The evaluator's state: scopes, names and their values, the document's definitions, and sizes.

`EvaluatorCore` resolves a name the way a check must: an index bound by a sum or a function's
parameter, then a value the check was given, then a size read off the values' shapes, then the
document's definition (substituted only for names without a value), then the constants `e`, `\\pi`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import numpy as np

from veritex.math import ast

from .names import SymbolName
from .symbols import Definition, SymbolTable, index_symbols, symbol_name
from .value import DTYPE, FreeIndex, Inputs, Unevaluable, Val, scalar, stack

CONSTANTS: dict[SymbolName, float] = {
    SymbolName("e"): math.e, SymbolName("pi"): math.pi, SymbolName("infty"): math.inf,
}


class EvaluatorCore:
    """The state of one evaluation of formula `origin` against a document's `table` and `inputs`,
    and the dispatch `visit` to the `_visit_<NodeClass>` methods that subclasses define.

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
        token = DTYPE.set(self.dtype)
        try:
            with np.errstate(all="ignore"):
                self.bind_sum_sizes(expr)
                return self._with_free_indices(expr)
        finally:
            DTYPE.reset(token)

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
            stacked = stack(parts)
            return Val(stacked, tensor=any(p.tensor for p in parts))

    def visit(self, node: ast.Node) -> Val:
        method = getattr(self, "_visit_" + type(node).__name__, None)
        if method is None:
            raise self._fail(f"{describe(node)} has no numeric meaning here", node)
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
            unknown = self._not_given(node.upper)
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

    def _not_given(self, expr: ast.Expr) -> list[SymbolName]:
        r"""Names in a sum's bound that neither the caller nor the formula itself gives a value. A
        definition elsewhere in the document does not count: the arrays the sum indexes are given values, and given values win
        (`N = 20\,000` in one section must not size a sum over an 8-element batch in another)."""
        names: list[SymbolName] = []
        for node in expr.walk():
            if isinstance(node, ast.Symbol | ast.Subscript):
                name = symbol_name(node)
                if (name is None or name in names or name in self.inputs.values or name in self.inputs.sizes
                        or name in self._free or any(name in scope for scope in self._scopes)
                        or self._defined_here(name)):
                    continue
                names.append(name)
        return names

    def _defined_here(self, name: SymbolName) -> bool:
        r"""Defined by the formula being checked (`\quad\text{where } N = 2`): as good as given."""
        return any(d.origin == self.origin for d in self.table.values.get(name, []))

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
        data = stack(values).reshape(tuple(sizes) + values[0].data.shape)
        self.substituted[definition.name] = definition
        result = Val(data)
        self._cache[key] = result
        return result

    def _integer(self, value: Val, node: ast.Node) -> int:
        data = np.asarray(value.data)
        if data.ndim != 0 or np.iscomplexobj(data) or not float(data).is_integer():
            raise self._fail(f"`{self._tex(node)}` must be a whole number here", node)
        return int(data)

    def _pass_hint(self, name: SymbolName, node: ast.Node) -> str:
        if name.python.isidentifier():
            return f"pass {name.python}=... to the check, or define it in the document"
        return (f"pass it under a name of your choice and say which symbol it is, e.g. "
                f"symbols={{'x': r'{self._tex(node)}'}}, or define it in the document")


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


_DESCRIPTIONS = {"BigOp": "the reduction", "Apply": "the function application", "BinOp": "the operator"}


def describe(node: ast.Node) -> str:
    if isinstance(node, ast.BigOp):
        return f"`\\{node.op}`"
    if isinstance(node, ast.BinOp):
        return f"`{node.op}`"
    return _DESCRIPTIONS.get(type(node).__name__, type(node).__name__)
