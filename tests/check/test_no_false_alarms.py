"""Correct formulas written the ways people write them, with the code that implements them: all
verified. (Planted mistakes are in the mutation suite.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from veritex.code_checks.outcome import check_once

rng = np.random.default_rng(11)
X = rng.standard_normal((7, 3))
S = rng.standard_normal((4, 5))
z = rng.standard_normal(6)
w3 = rng.standard_normal(3)
x_bar = r"\bar{\mathbf{x}} = \frac{1}{n}\sum_{i=1}^{n}\mathbf{x}_i"

CASES: list[tuple[str, tuple[str, ...], Callable[..., Any], dict[str, Any]]] = [
    (r"\frac{e^{z_i/\tau}}{\sum_{j} e^{z_j/\tau}}", (), lambda z, tau: np.exp(z / tau) / np.exp(z / tau).sum(),
     {"z": z, "tau": 0.7}),
    (r"P_{ij} = \frac{e^{S_{ij}}}{\sum_{k=1}^{m} e^{S_{ik}}}", (),
     lambda S: np.exp(S) / np.exp(S).sum(1, keepdims=True), {"S": S}),
    (r"\bar{\mathbf{x}} = \frac{1}{n}\sum_{i=1}^{n}\mathbf{x}_i", (), lambda x: x.mean(0), {"x": X}),
    (r"\Sigma = \frac{1}{n-1}\sum_{i=1}^{n}(\mathbf{x}_i - \bar{\mathbf{x}})(\mathbf{x}_i - \bar{\mathbf{x}})^\top",
     (x_bar,), lambda x: np.cov(x.T), {"x": X}),
    (r"\frac{1}{n}\sum_{i=1}^{n}\lVert \mathbf{x}^{(i)} - \boldsymbol{\mu}\rVert^2", (),
     lambda x, mu: np.mean(np.sum((x - mu) ** 2, 1)), {"x": X, "mu": X.mean(0)}),
    (r"\sigma(\mathbf{w}^\top\mathbf{x} + b)", (), lambda w, x, b: 1 / (1 + np.exp(-(x @ w + b))),
     {"w": w3, "x": X, "b": 0.1}),
    (r"\mathbf{y} = X\mathbf{w} + b", (), lambda X, w, b: X @ w + b, {"X": X, "w": w3, "b": 0.5}),
    (r"\log\left(\sum_{j=1}^{n}\exp(z_j)\right)", (), lambda z: np.log(np.exp(z).sum()), {"z": z}),
    (r"-\sum_{c=1}^{C} y_c \log \hat{y}_c", (), lambda y, y_hat: -(y * np.log(y_hat)).sum(),
     {"y": np.eye(4)[1], "y_hat": np.full(4, 0.25)}),
    (r"\frac{1}{m}\sum_{i=1}^{m} \left(\hat{y}^{(i)} - y^{(i)}\right) \mathbf{x}^{(i)}", (),
     lambda y_hat, y, x: ((y_hat - y)[:, None] * x).mean(0), {"y_hat": rng.random(7), "y": rng.random(7), "x": X}),
    (r"\sum_{i=1}^{n} w_i x_i + b", (), lambda w, x, b: w @ x + b, {"w": w3, "x": X[0], "b": 1.0}),
    (r"\mathbf{W}^{[2]}\mathbf{a}^{[1]} + \mathbf{b}^{[2]}", (), lambda W2, a1, b2: W2 @ a1 + b2,
     {"W2": S, "a1": rng.standard_normal(5), "b2": rng.standard_normal(4)}),
    (r"\mathrm{ReLU}(x) = \max(0, x)", (), lambda x: np.maximum(0, x), {"x": z}),
    (r"h_t = \tanh(W_h h_{t-1} + W_x x_t + b)", (),
     lambda W_h, h_prev, W_x, x_t, b: np.tanh(W_h @ h_prev + W_x @ x_t + b),
     {"W_h": S[:, :4], "h_prev": z[:4], "W_x": S[:, 1:], "x_t": z[:4], "b": z[2:]}),
    (r"\hat{y} = \sigma(z)", (r"\sigma(t) = \frac{1}{1 + \exp(-t)}",), lambda z: 1 / (1 + np.exp(-z)), {"z": z}),
    (r"\mathrm{GELU}(x) = x\,\Phi(x)", (r"\Phi(x) = \frac{1}{2}\left(1 + \mathrm{erf}\left(\frac{x}{\sqrt{2}}\right)\right)",),
     lambda x: 0.5 * x * (1 + np.vectorize(__import__("math").erf)(x / np.sqrt(2))), {"x": z}),
    (r"\frac{1}{2}\lVert X\mathbf{w} - \mathbf{y}\rVert_2^2", (), lambda X, w, y: 0.5 * np.sum((X @ w - y) ** 2),
     {"X": X, "w": w3, "y": rng.standard_normal(7)}),
    (r"\mathrm{tr}(A^\top B)", (), lambda A, B: np.sum(A * B), {"A": S, "B": S[::-1]}),
]


@pytest.mark.parametrize(("tex", "context", "fn", "values"), CASES, ids=[c[0][:40] for c in CASES])
def test_verified(tex: str, context: tuple[str, ...], fn: Callable[..., Any], values: dict[str, Any]) -> None:
    formulas = [{"tex": t, "label": None} for t in context] + [{"tex": tex, "label": "eq:t"}]
    symbols = {"h_prev": r"h_{t-1}"} if "h_prev" in values else None
    verdict = check_once("eq:t", fn, values, symbols=symbols, context={"formulas": formulas})
    assert verdict.status == "verified", verdict.message
