"""Products in a formula: juxtaposition, `\\cdot`, `\\odot`, and the arithmetic that broadcasts.

Juxtaposition is a matrix product when both sides are vectors or matrices, scaling when one is a
number, and element by element between batches of scalars; a vector given with leading axes is a
batch of vectors, each multiplied on its own.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from veritex.math import ast

from .core import EvaluatorCore
from .value import NotVectorizable, ShapeMismatch, Val, align_batches, scalar, shape_text


class Products(EvaluatorCore):
    def _check_broadcast(self, node: ast.Node, left: Val, right: Val) -> None:
        try:
            np.broadcast_shapes(left.data.shape, right.data.shape)
        except ValueError:
            if left.batched or right.batched:
                raise NotVectorizable from None
            raise self._fail(
                f"`{self._tex(node)}` combines values of shapes {left.data.shape} and {right.data.shape}, "
                "which do not fit together", node, ShapeMismatch,
            ) from None

    def _elementwise(self, node: ast.Node, left: Val, right: Val, op: Callable[..., np.ndarray]) -> Val:
        left, right = align_batches(left, right)
        self._check_broadcast(node, left, right)
        data = op(left.data, right.data)
        vbatch = left.vbatch or right.vbatch
        if vbatch and (left.batched or right.batched):
            raise NotVectorizable
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
            raise NotVectorizable
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
                f"`{self._tex(node)}` multiplies a {shape_text(a)} by a {shape_text(b)}: the inner sizes differ",
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
