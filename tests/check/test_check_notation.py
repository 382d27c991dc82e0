"""Notation found in real documents: a trailing shape annotation, a letter reused for two sizes."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import veritex.runtime as vt
from veritex.readers import read_markdown
from veritex.runtime import session
from veritex.stages.context import math_context

DOC = r"""
A Monte Carlo estimate with $N = 20\,000$ pairs.

$$
S = \frac{Q K^\top}{\sqrt{d_k}} \in \mathbb{R}^{n\times m}
$$ (eq:scores)

Later, a batch of $N$ labelled points:

$$
\mathcal{L} = -\frac{1}{N}\sum_{i=1}^{N}\left[y^{(i)}\log p^{(i)} + \left(1 - y^{(i)}\right)\log\left(1 - p^{(i)}\right)\right]
$$ (eq:bce)
"""


def _use() -> None:
    session.context = math_context(read_markdown(DOC, Path("doc.md")))


def test_trailing_shape_annotation_is_not_the_compared_side() -> None:
    _use()
    rng = np.random.default_rng(0)
    Q, K = rng.normal(size=(4, 8)), rng.normal(size=(6, 8))
    assert vt.check("eq:scores", lambda Q, K: Q @ K.T / np.sqrt(8), Q=Q, K=K, d_k=8).status == "verified"
    assert vt.check("eq:scores", lambda Q, K: Q @ K.T, Q=Q, K=K, d_k=8).status == "refuted"


def test_sum_over_given_arrays_is_sized_by_them_not_by_a_size_defined_elsewhere() -> None:
    _use()
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 8).astype(float)
    p = 1 / (1 + np.exp(-rng.normal(size=8)))

    def bce(p: np.ndarray, y: np.ndarray) -> float:
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

    assert vt.check("eq:bce", bce, p=p, y=y).status == "verified"
    assert vt.check("eq:bce", lambda p, y: 2 * bce(p, y), p=p, y=y).status == "refuted"
