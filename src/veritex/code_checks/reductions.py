"""Sums, products and reductions over bound indices: `\\sum_{i=1}^{n}`, `\\prod`, `\\max_j`, `\\argmax`.

Indices count from 1 as in TeX. A reduction whose terms are numbers is evaluated with its index
bound to all its values at once; anything else (matrix terms, nested reductions) loops.
"""

from __future__ import annotations

import numpy as np

from veritex.math import ast

from .core import describe
from .names import SymbolName
from .products import Products
from .symbols import symbol_name
from .value import REDUCERS, NotVectorizable, ShapeMismatch, Val, positions, scalar


class Reductions(Products):
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
            raise self._fail(f"the index of {describe(node)} is not a plain letter", node)
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
                        f"the range of `{name.python}` in {describe(node)} is not written and no array "
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
        raise self._fail(f"the index set of {describe(node)} cannot be evaluated", node)

    def _reduce_over(self, node: ast.BigOp, names: list[SymbolName], ranges: list[tuple[int, int]]) -> Val:
        if node.op in ("argmax", "argmin") and len(names) != 1:
            raise self._fail(f"{node.op} over several indices", node)
        if len(names) == 1 and node.op in ("sum", "prod", "max", "min") and self.vectorise:
            fast = self._vectorised(node, names[0], ranges[0])
            if fast is not None:
                return fast
        terms: list[Val] = []
        for position in positions(ranges):
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
        except NotVectorizable:
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
        return Val(np.asarray(REDUCERS[node.op](data)))

    def _combine(self, node: ast.BigOp, terms: list[Val], first: int) -> Val:
        if not terms:
            empty = {"sum": 0.0, "prod": 1.0}
            if node.op not in empty:
                raise self._fail(f"{describe(node)} over an empty range", node)
            return scalar(empty[node.op])
        try:
            stacked = np.stack([np.asarray(t.data) for t in terms])
        except ValueError:
            raise self._fail(f"the terms of {describe(node)} have different shapes", node, ShapeMismatch) from None
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
                raise self._fail(f"{describe(node)} of a list", node)
            result = items[0]
            for item in items[1:]:
                result = self._elementwise(node, result, item, ops[node.op])
            return result
        value = self.visit(body)
        if value.batched:
            raise NotVectorizable
        if node.op in REDUCERS:
            return Val(np.asarray(REDUCERS[node.op](value.data)))
        if value.data.ndim != 1:
            raise self._fail(f"{node.op} of a value that is not a vector", node)
        position = int(np.argmax(value.data) if node.op == "argmax" else np.argmin(value.data))
        return scalar(float(position + 1))
