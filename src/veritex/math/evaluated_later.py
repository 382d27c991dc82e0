"""SymPy forms that stand for a number computed only numerically, at a point: a definite integral and
a series that runs on forever. Their `doit` works inside them but never closes them, since SymPy's
`integrate` and `summation` can take minutes and a check runs on every build."""

from __future__ import annotations

from typing import Any

import sympy

__all__ = ["DefiniteIntegral", "InfiniteSeries"]


class DefiniteIntegral(sympy.Integral):  # type: ignore[misc]
    """A definite integral that is only ever evaluated numerically: `doit` works inside it but never
    looks for an antiderivative (SymPy's `integrate` can take minutes, and a check runs on every build)."""

    def doit(self, **hints: Any) -> sympy.Basic:
        if not hints.get("deep", True):
            return self
        return self.func(*(arg.doit(**hints) for arg in self.args))


class InfiniteSeries(sympy.Sum):  # type: ignore[misc]
    """A sum written out with dots that runs on forever (`1 + r + r^2 + \\cdots`): evaluated by its
    partial sums where they visibly converge, never closed by `doit`."""

    def doit(self, **hints: Any) -> sympy.Basic:
        if not hints.get("deep", True):
            return self
        return self.func(*(arg.doit(**hints) for arg in self.args))
