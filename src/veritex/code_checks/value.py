"""Values during a formula's evaluation, what stops an evaluation, and NumPy helpers for both."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field, replace

import numpy as np

from veritex.math import ast

from .names import SymbolName


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


class NotVectorizable(Exception):
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


DTYPE: ContextVar[type[np.floating]] = ContextVar("veritex_evaluation_dtype", default=np.float64)
"""The float type of this evaluation: float64, or float32 to measure how rounding moves a result."""


def scalar(x: float | np.floating | np.ndarray) -> Val:
    value = np.asarray(x)
    if np.iscomplexobj(value):
        return Val(value)
    return Val(value.astype(DTYPE.get()))


@dataclass
class Inputs:
    """What a check knows: the given values by symbol, sizes, and Python callables for functions."""

    values: dict[SymbolName, np.ndarray] = field(default_factory=dict)
    sizes: dict[SymbolName, int] = field(default_factory=dict)
    callables: dict[SymbolName, Callable[..., object]] = field(default_factory=dict)


REDUCERS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sum": np.sum, "prod": np.prod, "max": np.max, "min": np.min,
}


def positions(ranges: list[tuple[int, int]]) -> Iterator[tuple[int, ...]]:
    if not ranges:
        yield ()
        return
    (lo, hi), rest = ranges[0], ranges[1:]
    for k in range(lo, hi + 1):
        for tail in positions(rest):
            yield (k, *tail)


def stack(parts: list[Val]) -> np.ndarray:
    try:
        return np.stack([np.asarray(p.data) for p in parts])
    except ValueError:
        raise Unevaluable("the formula's values for different indices have different shapes") from None


def align_batches(left: Val, right: Val) -> tuple[Val, Val]:
    """A batched term (leading index axis) against an unbatched array of more than 0 axes cannot be
    aligned element by element."""
    if left.batched != right.batched and (left.ndim > 0 if right.batched else right.ndim > 0):
        raise NotVectorizable
    return left, right


def has_negative(data: np.ndarray) -> bool:
    return not np.iscomplexobj(data) and bool(np.any(data < 0))


def power(base: np.ndarray, exponent: np.ndarray) -> np.ndarray:
    if np.iscomplexobj(base) or np.iscomplexobj(exponent):
        return np.asarray(np.power(base.astype(np.complex128), exponent))
    integral = np.all(np.equal(np.mod(exponent, 1), 0))
    if has_negative(base) and not integral:
        return np.asarray(np.power(base.astype(np.complex128), exponent))
    if integral and np.all(exponent >= 0):
        return np.asarray(np.power(base, exponent))
    return np.asarray(np.float_power(base, exponent))


def log(data: np.ndarray) -> np.ndarray:
    return np.emath.log(data) if has_negative(data) else np.log(data)


def shape_text(a: np.ndarray) -> str:
    if a.ndim == 1:
        return f"vector of length {a.shape[0]}"
    return "matrix of shape " + "x".join(str(d) for d in a.shape)
