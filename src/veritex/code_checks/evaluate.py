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
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from veritex.math import ast

from .core import EvaluatorCore, describe
from .functions import builtin
from .names import SymbolName
from .reductions import Reductions
from .symbols import Definition, index_symbols, symbol_name
from .value import (
    REDUCERS,
    FreeIndex,
    Inputs,
    NotVectorizable,
    ShapeMismatch,
    Unevaluable,
    Val,
    has_negative,
    log,
    power,
    scalar,
)

__all__ = ["Evaluator", "EvaluatorCore", "FreeIndex", "Inputs", "ShapeMismatch", "Unevaluable", "Val"]


class Evaluator(Reductions):
    """Evaluates expressions of one formula (`origin`) against a document's `table` and `inputs`:
    one `_visit_<NodeClass>` method per construct (sums in `Reductions`, products in `Products`,
    names and definitions in `EvaluatorCore`)."""

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
                if base_name in self._expanding:
                    # `m_t = \\beta m_{t-1} + ...`: a recurrence, and the document states no first value
                    raise self._fail(
                        f"`{self._tex(node)}` needs the recurrence that defines `{base_name.python}` again, "
                        f"and the document gives no starting value: give the check a value for `{self._tex(node)}`", node)
                bindings = {i: self.visit(p) for i, p in zip(chosen.indices, parts, strict=True)}
                self.substituted[base_name] = chosen
                self._expanding.append(base_name)
                try:
                    with self._isolated(bindings, chosen.origin):
                        self.bind_sum_sizes(chosen.body)
                        return self.visit(chosen.body)
                finally:
                    self._expanding.pop()
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


    def _index_array(
        self, node: ast.Node, array: Val, parts: list[ast.Expr], part_names: list[SymbolName | None],
    ) -> Val:
        if array.vbatch and not _bold_sample(node):  # x_i of a batch of vectors: element i of every vector
            if array.batched or len(parts) != 1:
                raise NotVectorizable if array.batched else self._fail(
                    f"`{self._tex(node)}` takes {len(parts)} indices of a batch of vectors", node)
            size = int(array.data.shape[-1])
            name = part_names[0]
            if name is not None and isinstance(parts[0], ast.Symbol) and self._try_lookup(name, parts[0]) is None:
                raise FreeIndex(name, size)
            index = self.visit(parts[0])
            if index.batched:
                raise NotVectorizable
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
                    raise NotVectorizable
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
            raise NotVectorizable
        return Val(result, tensor=array.tensor and result.ndim - (1 if batched else 0) >= 1, batched=batched)


    def _visit_Dots(self, node: ast.Dots) -> Val:
        raise self._fail("`\\dots` stands for terms that are not written out", node)

    # ---- arithmetic --------------------------------------------------------------------------

    def _visit_Neg(self, node: ast.Neg) -> Val:
        value = self.visit(node.operand)
        return value.with_data(-value.data)

    def _visit_BinOp(self, node: ast.BinOp) -> Val:
        if node.op in ("given", "parallel", ";", "pm", "mp", "circ", "otimes"):
            raise self._fail(f"the operator {describe(node)} cannot be evaluated", node)
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
        result = self.visit(node.factors[0])
        for factor in node.factors[1:]:
            result = self._product(node, result, self.visit(factor))
        return result

    def _visit_Frac(self, node: ast.Frac) -> Val:
        return self._divide(node, self.visit(node.numerator), self.visit(node.denominator))

    def _visit_Sqrt(self, node: ast.Sqrt) -> Val:
        value = self.visit(node.radicand)
        if node.index is None:
            data = np.emath.sqrt(value.data) if has_negative(value.data) else np.sqrt(value.data)
        else:
            degree = self.visit(node.index)
            data = power(value.data, 1.0 / degree.data)
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
                raise NotVectorizable
            try:
                return Val(np.linalg.inv(base.data), tensor=True)
            except np.linalg.LinAlgError as exc:
                raise self._fail(f"`{self._tex(node)}`: the matrix is singular", node) from exc
        self._check_broadcast(node, base, exponent)
        if (base.vbatch or exponent.vbatch) and (base.batched or exponent.batched):
            raise NotVectorizable
        return Val(power(base.data, exponent.data), base.tensor or exponent.tensor, base.row,
                   base.batched or exponent.batched, vbatch=base.vbatch or exponent.vbatch)

    def _visit_Transpose(self, node: ast.Transpose) -> Val:
        value = self.visit(node.operand)
        if value.batched:
            raise NotVectorizable
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

    def _visit_Percent(self, node: ast.Percent) -> Val:
        value = self.visit(node.operand)
        return value.with_data(value.data / 100.0)

    def _visit_Abs(self, node: ast.Abs) -> Val:
        value = self.visit(node.body)
        if value.tensor and value.ndim == 2:
            return self._visit_reduction(node, value, np.linalg.det, "determinant")
        return value.with_data(np.abs(value.data))

    def _visit_Norm(self, node: ast.Norm) -> Val:
        value = self.visit(node.body)
        if value.batched:
            raise NotVectorizable
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
            return value.with_data(log(value.data) / np.log(base.data))
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
                raise NotVectorizable
            return Val(np.asarray(REDUCERS[which](args[0].data)))
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
            raise NotVectorizable
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


def _bold_sample(node: ast.Node) -> bool:
    """`\\mathbf{x}_i` and `\\mathbf{x}^{(i)}` pick the i-th vector of a batch (a sample), where a plain
    `x_i` picks entry i of a vector."""
    if isinstance(node, ast.SuperIndex):
        return True
    base = node.base if isinstance(node, ast.Subscript) else None
    return isinstance(base, ast.Symbol) and (base.font == "bf" or "vec" in base.accents)


def _function_word(function: ast.Expr) -> str | None:
    """The name a builtin is looked up under: `log`, `relu`, `\\sigma`, `softmax`."""
    node = function.base if isinstance(function, ast.Subscript) else function
    if isinstance(node, ast.Symbol):
        return node.name
    return None
