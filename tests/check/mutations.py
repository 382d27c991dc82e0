"""Correct (formula, implementation) pairs from ML, each with mistakes planted in the formula or in
the code. A checker must verify every correct pair and refute every planted mistake.

Each pair is a tiny document: `context` holds the other formulas (definitions, shape
declarations) and `formula` is the one checked. Values are NumPy unless the pair says otherwise;
pairs with `shapes` are checked on random inputs as `@vt.implements` does.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

rng = np.random.default_rng(20240601)


def _normal(*shape: int) -> np.ndarray:
    return rng.standard_normal(shape)


def _probabilities(n: int) -> np.ndarray:
    p = rng.random(n) + 0.1
    return p / p.sum()


def _logistic(x: Any) -> Any:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass
class Pair:
    name: str
    area: str
    formula: str
    code: Callable[..., Any]
    values: dict[str, Any] = field(default_factory=dict)
    context: tuple[str, ...] = ()
    wrong_formulas: tuple[tuple[str, str], ...] = ()
    wrong_code: tuple[tuple[str, Callable[..., Any]], ...] = ()
    symbols: dict[str, str] | None = None
    shapes: dict[str, tuple[int | str, ...]] | None = None
    where: dict[str, Any] | None = None
    macros: dict[str, str] | None = None


y10, yhat10 = _normal(10), _normal(10)
x7 = _normal(7)
x9 = np.linspace(-3.0, 3.0, 9)
labels = (rng.random(12) > 0.5).astype(float)
probs = rng.uniform(0.05, 0.95, 12)
p6, q6 = _probabilities(6), _probabilities(6)
Z, Yoh = _normal(6, 4), np.eye(4)[rng.integers(0, 4, 6)]
m_t, v_t = _normal(5), rng.random(5) + 0.1
theta5, g5 = _normal(5), _normal(5)
X, w, yv = _normal(8, 3), _normal(3), _normal(8)
B = _normal(6, 3)


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


PAIRS: list[Pair] = [
    # ---- losses ------------------------------------------------------------------------------------
    Pair("mse", "losses", r"L = \frac{1}{n}\sum_{i=1}^{n}\left(y_i - \hat{y}_i\right)^2",
         lambda y, y_hat: np.mean((y - y_hat) ** 2), {"y": y10, "y_hat": yhat10},
         wrong_formulas=(("1/(n-1)", r"L = \frac{1}{n-1}\sum_{i=1}^{n}\left(y_i - \hat{y}_i\right)^2"),
                         ("a sign inside", r"L = \frac{1}{n}\sum_{i=1}^{n}\left(y_i + \hat{y}_i\right)^2")),
         wrong_code=(("sum instead of mean", lambda y, y_hat: np.sum((y - y_hat) ** 2)),)),
    Pair("mae", "losses", r"\frac{1}{n}\sum_{i=1}^{n}\left|y_i - \hat{y}_i\right|",
         lambda y, y_hat: np.mean(np.abs(y - y_hat)), {"y": y10, "y_hat": yhat10},
         wrong_formulas=(("no absolute value", r"\frac{1}{n}\sum_{i=1}^{n}\left(y_i - \hat{y}_i\right)"),)),
    Pair("rmse", "losses", r"\sqrt{\frac{1}{n}\sum_{i=1}^{n}(y_i - \hat{y}_i)^2}",
         lambda y, y_hat: np.sqrt(np.mean((y - y_hat) ** 2)), {"y": y10, "y_hat": yhat10},
         wrong_formulas=(("no square root", r"\frac{1}{n}\sum_{i=1}^{n}(y_i - \hat{y}_i)^2"),)),
    Pair("binary cross-entropy", "losses",
         r"-\frac{1}{n}\sum_{i=1}^{n}\left(y_i\log p_i + (1 - y_i)\log(1 - p_i)\right)",
         lambda y, p: -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), {"y": labels, "p": probs},
         wrong_formulas=(("dropped minus", r"\frac{1}{n}\sum_{i=1}^{n}\left(y_i\log p_i + (1 - y_i)\log(1 - p_i)\right)"),
                         ("log(1+p)", r"-\frac{1}{n}\sum_{i=1}^{n}\left(y_i\log p_i + (1 - y_i)\log(1 + p_i)\right)")),
         wrong_code=(("sum instead of mean", lambda y, p: -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))),)),
    Pair("categorical cross-entropy", "losses",
         r"\mathcal{L} = -\frac{1}{N}\sum_{i=1}^{N}\sum_{c=1}^{C} Y_{ic}\log \hat{Y}_{ic}",
         lambda Z, Y: -np.mean(np.sum(Y * np.log(_softmax(Z)), axis=1)), {"Z": Z, "Y": Yoh},
         context=(r"\hat{Y} = \mathrm{softmax}(Z)", r"Z \in \mathbb{R}^{N\times C}"),
         wrong_formulas=(("1/C instead of 1/N", r"\mathcal{L} = -\frac{1}{C}\sum_{i=1}^{N}\sum_{c=1}^{C} Y_{ic}\log \hat{Y}_{ic}"),),
         wrong_code=(("logits instead of log-probabilities", lambda Z, Y: -np.mean(np.sum(Y * Z, axis=1))),)),
    Pair("hinge", "losses", r"L = \frac{1}{n}\sum_{i=1}^n \max(0, 1 - y_i s_i)",
         lambda y, s: np.mean(np.maximum(0.0, 1.0 - y * s)), {"y": 2 * labels - 1, "s": _normal(12)},
         wrong_formulas=(("margin sign", r"L = \frac{1}{n}\sum_{i=1}^n \max(0, 1 + y_i s_i)"),)),
    Pair("huber", "losses",
         r"\ell(r) = \begin{cases}\frac{1}{2}r^2 & |r|\le\delta\\ \delta\left(|r| - \frac{1}{2}\delta\right) & \text{otherwise}\end{cases}",
         lambda r, delta: np.where(np.abs(r) <= delta, 0.5 * r**2, delta * (np.abs(r) - 0.5 * delta)),
         {"r": np.linspace(-3, 3, 13), "delta": 1.0},
         wrong_formulas=(("missing 1/2 in the linear part", r"\ell(r) = \begin{cases}\frac{1}{2}r^2 & |r|\le\delta\\ \delta\left(|r| - \delta\right) & \text{otherwise}\end{cases}"),)),
    Pair("kl divergence", "probability", r"D_{\mathrm{KL}}(P \parallel Q) = \sum_{i=1}^{n} p_i \log\frac{p_i}{q_i}",
         lambda p, q: np.sum(p * np.log(p / q)), {"p": p6, "q": q6},
         wrong_formulas=(("weights q", r"D_{\mathrm{KL}}(P \parallel Q) = \sum_{i=1}^{n} q_i \log\frac{p_i}{q_i}"),),
         wrong_code=(("reversed ratio", lambda p, q: np.sum(p * np.log(q / p))),)),
    Pair("entropy in bits", "probability", r"H(p) = -\sum_{i} p_i \log_2 p_i",
         lambda p: -np.sum(p * np.log2(p)), {"p": p6},
         wrong_code=(("nats instead of bits", lambda p: -np.sum(p * np.log(p))),)),
    Pair("cross-entropy of distributions", "probability", r"H(p, q) = -\sum_{i=1}^{n} p_i \log q_i",
         lambda p, q: -np.sum(p * np.log(q)), {"p": p6, "q": q6},
         wrong_formulas=(("p and q swapped", r"H(p, q) = -\sum_{i=1}^{n} q_i \log p_i"),)),
    # ---- activations -------------------------------------------------------------------------------
    Pair("sigmoid", "activations", r"\sigma(x) = \frac{1}{1 + e^{-x}}", _logistic, {"x": x9},
         wrong_formulas=(("sign of the exponent", r"\sigma(x) = \frac{1}{1 + e^{x}}"),)),
    Pair("sigmoid derivative", "activations", r"\sigma'(x) = \sigma(x)\left(1 - \sigma(x)\right)",
         lambda x: _logistic(x) * (1 - _logistic(x)), {"x": x9},
         wrong_formulas=(("1 + sigma", r"\sigma'(x) = \sigma(x)\left(1 + \sigma(x)\right)"),),
         wrong_code=(("missing factor", lambda x: _logistic(x)),)),
    Pair("tanh", "activations", r"\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}", np.tanh, {"x": x9},
         wrong_formulas=(("sign in the denominator", r"\frac{e^{x} - e^{-x}}{e^{x} - e^{-x} + 2}"),)),
    Pair("tanh derivative", "activations", r"1 - \tanh^2(x)", lambda x: 1 - np.tanh(x) ** 2, {"x": x9},
         wrong_formulas=(("no square", r"1 - \tanh(x)"),)),
    Pair("softplus", "activations", r"\log\left(1 + e^{x}\right)", lambda x: np.logaddexp(0, x), {"x": x9},
         wrong_formulas=(("e^{-x}", r"\log\left(1 + e^{-x}\right)"),)),
    Pair("gelu (tanh)", "activations",
         r"\frac{1}{2}x\left(1+\tanh\left(\sqrt{2/\pi}\,(x + 0.044715 x^3)\right)\right)",
         lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))), {"x": x9},
         wrong_formulas=(("missing 1/2", r"x\left(1+\tanh\left(\sqrt{2/\pi}\,(x + 0.044715 x^3)\right)\right)"),)),
    Pair("leaky relu", "activations", r"\begin{cases} x & x > 0 \\ \alpha x & \text{otherwise}\end{cases}",
         lambda x, alpha: np.where(x > 0, x, alpha * x), {"x": x9, "alpha": 0.1},
         wrong_code=(("slope on the wrong side", lambda x, alpha: np.where(x > 0, alpha * x, x)),)),
    Pair("swish", "activations", r"x\,\sigma(\beta x)", lambda x, beta: x * _logistic(beta * x),
         {"x": x9, "beta": 1.7}, wrong_formulas=(("beta dropped", r"x\,\sigma(x)"),)),
    Pair("elu", "activations", r"\begin{cases} x & x > 0 \\ \alpha\left(e^{x} - 1\right) & x \le 0\end{cases}",
         lambda x, alpha: np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))), {"x": x9, "alpha": 1.3},
         wrong_formulas=(("missing -1", r"\begin{cases} x & x > 0 \\ \alpha e^{x} & x \le 0\end{cases}"),)),
    Pair("softmax", "activations", r"\mathrm{softmax}(z)_i = \frac{e^{z_i}}{\sum_{j=1}^{n} e^{z_j}}",
         _softmax, {"z": x7},
         wrong_formulas=(("sign of the exponent", r"\mathrm{softmax}(z)_i = \frac{e^{-z_i}}{\sum_{j=1}^{n} e^{-z_j}} \cdot 1"),
                         ("sum stops early", r"\mathrm{softmax}(z)_i = \frac{e^{z_i}}{\sum_{j=1}^{n-1} e^{z_j}}"))),
    Pair("log-softmax", "activations", r"z_i - \log\sum_{j=1}^{n} e^{z_j}",
         lambda z: z - np.log(np.sum(np.exp(z))), {"z": x7},
         wrong_code=(("log of the max", lambda z: z - np.max(z)),)),
    # ---- normalisation -----------------------------------------------------------------------------
    Pair("mean", "normalisation", r"\mu = \frac{1}{n}\sum_{i=1}^{n} x_i", np.mean, {"x": x7},
         wrong_formulas=(("1/(n-1)", r"\mu = \frac{1}{n-1}\sum_{i=1}^{n} x_i"),)),
    Pair("population variance", "normalisation", r"\sigma^2 = \frac{1}{d}\sum_{k=1}^{d}(x_k - \mu)^2",
         lambda x: np.var(x), {"x": x7}, context=(r"\mu = \frac{1}{d}\sum_{k=1}^{d} x_k", r"x \in \mathbb{R}^{d}"),
         wrong_formulas=(("1/(d-1)", r"\sigma^2 = \frac{1}{d-1}\sum_{k=1}^{d}(x_k - \mu)^2"),),
         wrong_code=(("Bessel's correction", lambda x: np.var(x, ddof=1)),)),
    Pair("sample variance", "normalisation", r"s^2 = \frac{1}{n-1}\sum_{i=1}^{n}\left(x_i - \bar{x}\right)^2",
         lambda x: np.var(x, ddof=1), {"x": x7}, context=(r"\bar{x} = \frac{1}{n}\sum_{i=1}^{n} x_i",),
         wrong_formulas=(("1/n", r"s^2 = \frac{1}{n}\sum_{i=1}^{n}\left(x_i - \bar{x}\right)^2"),)),
    Pair("layer norm", "normalisation", r"y_k = \gamma\frac{x_k - \mu}{\sqrt{\sigma^2 + \epsilon}} + \beta",
         lambda x, gamma, beta, epsilon: gamma * (x - x.mean()) / np.sqrt(x.var() + epsilon) + beta,
         {"x": x7, "gamma": 1.5, "beta": -0.2, "epsilon": 1e-3},
         context=(r"\mu = \frac{1}{d}\sum_{k=1}^{d} x_k", r"\sigma^2 = \frac{1}{d}\sum_{k=1}^{d}(x_k - \mu)^2"),
         wrong_formulas=(("sigma instead of sigma^2", r"y_k = \gamma\frac{x_k - \mu}{\sqrt{\sigma + \epsilon}} + \beta"),
                         ("epsilon dropped", r"y_k = \gamma\frac{x_k - \mu}{\sqrt{\sigma^2}} + \beta")),
         wrong_code=(("no shift", lambda x, gamma, beta, epsilon: gamma * (x - x.mean()) / np.sqrt(x.var() + epsilon)),)),
    Pair("batch norm", "normalisation", r"\hat{x}_{ij} = \frac{x_{ij} - \mu_j}{\sqrt{\sigma_j^2 + \epsilon}}",
         lambda x, epsilon: (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + epsilon), {"x": B, "epsilon": 1e-3},
         context=(r"\mu_j = \frac{1}{m}\sum_{i=1}^{m} x_{ij}", r"\sigma_j^2 = \frac{1}{m}\sum_{i=1}^{m}(x_{ij} - \mu_j)^2"),
         wrong_code=(("statistics over the wrong axis", lambda x, epsilon: (x - x.mean(axis=1, keepdims=True))
                      / np.sqrt(x.var(axis=1, keepdims=True) + epsilon)),)),
    Pair("l2 normalisation", "normalisation", r"\frac{\mathbf{x}}{\lVert \mathbf{x} \rVert_2}",
         lambda x: x / np.linalg.norm(x), {"x": x7},
         wrong_formulas=(("squared norm", r"\frac{\mathbf{x}}{\lVert \mathbf{x} \rVert_2^2}"),)),
    Pair("min-max scaling", "normalisation", r"\frac{x_i - \min_j x_j}{\max_j x_j - \min_j x_j}",
         lambda x: (x - x.min()) / (x.max() - x.min()), {"x": x7},
         wrong_code=(("divides by the max", lambda x: (x - x.min()) / x.max()),)),
    Pair("z-score", "normalisation", r"\frac{x - \mu}{\sigma}", lambda x, mu, sigma: (x - mu) / sigma,
         {"x": x9, "mu": 0.5, "sigma": 2.0}, wrong_code=(("variance instead of std", lambda x, mu, sigma: (x - mu) / sigma**2),)),
    # ---- attention and linear algebra ----------------------------------------------------------------
    Pair("scaled dot-product attention", "attention",
         r"\mathrm{Attention}(Q, K, V) = \mathrm{softmax}\left(\frac{Q K^\top}{\sqrt{d_k}}\right) V",
         lambda Q, K, V: _softmax(Q @ K.T / math.sqrt(Q.shape[-1])) @ V,
         context=(r"Q \in \mathbb{R}^{n\times d_k}", r"K \in \mathbb{R}^{m\times d_k}", r"V \in \mathbb{R}^{m\times d_v}"),
         shapes={"Q": ("n", "d_k"), "K": ("m", "d_k"), "V": ("m", "d_v")},
         wrong_formulas=(("dropped 1/sqrt(d_k)", r"\mathrm{Attention}(Q, K, V) = \mathrm{softmax}\left(Q K^\top\right) V"),
                         ("K instead of K^T", r"\mathrm{Attention}(Q, K, V) = \mathrm{softmax}\left(\frac{Q K}{\sqrt{d_k}}\right) V")),
         wrong_code=(("divides by d_k", lambda Q, K, V: _softmax(Q @ K.T / Q.shape[-1]) @ V),
                     ("softmax over the wrong axis", lambda Q, K, V: _softmax((Q @ K.T / math.sqrt(Q.shape[-1])).T).T @ V))),
    Pair("linear layer", "attention", r"W\mathbf{x} + \mathbf{b}", lambda W, x, b: W @ x + b,
         shapes={"W": ("m", "n"), "x": ("n",), "b": ("m",)},
         wrong_code=(("no bias", lambda W, x, b: W @ x),)),
    Pair("cosine similarity", "attention", r"\frac{\mathbf{a}\cdot\mathbf{b}}{\lVert\mathbf{a}\rVert\,\lVert\mathbf{b}\rVert}",
         lambda a, b: a @ b / (np.linalg.norm(a) * np.linalg.norm(b)), shapes={"a": ("n",), "b": ("n",)},
         wrong_formulas=(("one norm missing", r"\frac{\mathbf{a}\cdot\mathbf{b}}{\lVert\mathbf{a}\rVert}"),)),
    Pair("quadratic form", "attention", r"\mathbf{x}^\top A \mathbf{x}", lambda x, A: x @ A @ x,
         shapes={"x": ("n",), "A": ("n", "n")}, wrong_code=(("symmetrised twice", lambda x, A: x @ (A + A.T) @ x),)),
    Pair("normal equations", "attention", r"\hat{\mathbf{w}} = (X^\top X)^{-1} X^\top \mathbf{y}",
         lambda X, y: np.linalg.solve(X.T @ X, X.T @ y), {"X": X, "y": yv},
         wrong_formulas=(("X X^T", r"\hat{\mathbf{w}} = (X X^\top)^{-1} X^\top \mathbf{y}"),)),
    Pair("least-squares gradient", "attention", r"\nabla_{\mathbf{w}} L = \frac{2}{n} X^\top (X\mathbf{w} - \mathbf{y})",
         lambda X, w, y: 2 / len(y) * X.T @ (X @ w - y), {"X": X, "w": w, "y": yv},
         context=(r"X \in \mathbb{R}^{n\times d}",),
         wrong_formulas=(("missing 2", r"\nabla_{\mathbf{w}} L = \frac{1}{n} X^\top (X\mathbf{w} - \mathbf{y})"),)),
    Pair("logistic regression gradient", "attention", r"\frac{1}{n} X^\top\left(\sigma(X\mathbf{w}) - \mathbf{y}\right)",
         lambda X, w, y: X.T @ (_logistic(X @ w) - y) / len(y), {"X": X, "w": w, "y": (yv > 0).astype(float)},
         context=(r"X \in \mathbb{R}^{n\times d}",),
         wrong_code=(("sign", lambda X, w, y: X.T @ (y - _logistic(X @ w)) / len(y)),)),
    # ---- optimisers --------------------------------------------------------------------------------
    Pair("sgd step", "optimisers", r"\theta \leftarrow \theta - \eta\, g", lambda theta, eta, g: theta - eta * g,
         {"theta": theta5, "eta": 0.1, "g": g5},
         wrong_formulas=(("ascent", r"\theta \leftarrow \theta + \eta\, g"),)),
    Pair("momentum (ema)", "optimisers", r"v \leftarrow \beta v + (1 - \beta) g",
         lambda v, beta, g: beta * v + (1 - beta) * g, {"v": m_t, "beta": 0.9, "g": g5},
         wrong_code=(("weights swapped", lambda v, beta, g: (1 - beta) * v + beta * g),)),
    Pair("adam bias correction", "optimisers", r"\hat{m}_t = \frac{m_t}{1 - \beta_1^t}",
         lambda m_t, beta_1, t: m_t / (1 - beta_1**t), {"m_t": m_t, "beta_1": 0.9, "t": 5},
         wrong_formulas=(("without its exponent", r"\hat{m}_t = \frac{m_t}{1 - \beta_1}"),),
         wrong_code=(("exponent t-1", lambda m_t, beta_1, t: m_t / (1 - beta_1 ** (t - 1))),)),
    Pair("adam step", "optimisers", r"\theta_t = \theta_{t-1} - \alpha\frac{\hat{m}_t}{\sqrt{\hat{v}_t} + \epsilon}",
         lambda theta, m, v, alpha, beta_1, beta_2, t, eps: theta - alpha * (m / (1 - beta_1**t))
         / (np.sqrt(v / (1 - beta_2**t)) + eps),
         {"theta": theta5, "m": m_t, "v": v_t, "alpha": 0.01, "beta_1": 0.9, "beta_2": 0.999, "t": 3, "eps": 1e-8},
         context=(r"\hat{m}_t = \frac{m_t}{1 - \beta_1^t}", r"\hat{v}_t = \frac{v_t}{1 - \beta_2^t}"),
         symbols={"theta": r"\theta_{t-1}", "m": "m_t", "v": "v_t", "eps": r"\epsilon"},
         wrong_code=(("no bias correction of v", lambda theta, m, v, alpha, beta_1, beta_2, t, eps: theta - alpha
                      * (m / (1 - beta_1**t)) / (np.sqrt(v) + eps)),)),
    Pair("rmsprop", "optimisers", r"\theta - \frac{\eta}{\sqrt{v + \epsilon}}\, g",
         lambda theta, eta, v, epsilon, g: theta - eta / np.sqrt(v + epsilon) * g,
         {"theta": theta5, "eta": 0.01, "v": v_t, "epsilon": 1e-6, "g": g5},
         wrong_formulas=(("no square root", r"\theta - \frac{\eta}{v + \epsilon}\, g"),)),
    Pair("weight decay", "optimisers", r"\theta - \eta\left(g + \lambda\theta\right)",
         lambda theta, eta, g, lam: theta - eta * (g + lam * theta), {"theta": theta5, "eta": 0.1, "g": g5, "lam": 0.01},
         symbols={"lam": r"\lambda"}, wrong_formulas=(("decay sign", r"\theta - \eta\left(g - \lambda\theta\right)"),)),
    Pair("gradient clipping", "optimisers", r"g\,\min\left(1, \frac{c}{\lVert g\rVert}\right)",
         lambda g, c: g * min(1.0, c / np.linalg.norm(g)), {"g": g5, "c": 0.5},
         wrong_code=(("clips to c squared", lambda g, c: g * min(1.0, c**2 / np.linalg.norm(g))),)),
    # ---- convolution arithmetic -----------------------------------------------------------------
    Pair("conv output size", "convolution", r"H_{\text{out}} = \left\lfloor\frac{H + 2p - k}{s}\right\rfloor + 1",
         lambda H, p, k, s: (H + 2 * p - k) // s + 1, {"H": 33, "p": 2, "k": 3, "s": 2},
         wrong_formulas=(("one-sided padding", r"H_{\text{out}} = \left\lfloor\frac{H + p - k}{s}\right\rfloor + 1"),
                         ("missing +1", r"H_{\text{out}} = \left\lfloor\frac{H + 2p - k}{s}\right\rfloor"))),
    Pair("transposed conv size", "convolution", r"(H - 1)s - 2p + k", lambda H, s, p, k: (H - 1) * s - 2 * p + k,
         {"H": 16, "s": 2, "p": 1, "k": 4}, wrong_code=(("forgets the padding", lambda H, s, p, k: (H - 1) * s + k),)),
    Pair("conv parameters", "convolution", r"k^2 C_{\text{in}} C_{\text{out}} + C_{\text{out}}",
         lambda k, C_in, C_out: k * k * C_in * C_out + C_out, {"k": 3, "C_in": 16, "C_out": 32},
         wrong_code=(("no bias", lambda k, C_in, C_out: k * k * C_in * C_out),)),
    # ---- probability -------------------------------------------------------------------------------
    Pair("gaussian density", "probability",
         r"\frac{1}{\sqrt{2\pi\sigma^2}}\exp\left(-\frac{(x-\mu)^2}{2\sigma^2}\right)",
         lambda x, mu, sigma: np.exp(-((x - mu) ** 2) / (2 * sigma**2)) / np.sqrt(2 * np.pi * sigma**2),
         {"x": x9, "mu": 0.3, "sigma": 1.4},
         wrong_formulas=(("missing 2 in the exponent", r"\frac{1}{\sqrt{2\pi\sigma^2}}\exp\left(-\frac{(x-\mu)^2}{\sigma^2}\right)"),)),
    Pair("logit", "probability", r"\log\frac{p}{1 - p}", lambda p: np.log(p / (1 - p)), {"p": probs},
         wrong_code=(("log-odds upside down", lambda p: np.log((1 - p) / p)),)),
    Pair("bernoulli log-likelihood", "probability", r"\sum_{i=1}^{n} \left(y_i \log p + (1 - y_i)\log(1 - p)\right)",
         lambda y, p: np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)), {"y": labels, "p": 0.3},
         wrong_code=(("mean instead of sum", lambda y, p: np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))),)),
    # ---- initialisation ----------------------------------------------------------------------------
    Pair("xavier uniform bound", "initialisation", r"a = \sqrt{\frac{6}{n_{\text{in}} + n_{\text{out}}}}",
         lambda n_in, n_out: math.sqrt(6 / (n_in + n_out)), {"n_in": 256, "n_out": 128},
         wrong_formulas=(("2 instead of 6", r"a = \sqrt{\frac{2}{n_{\text{in}} + n_{\text{out}}}}"),)),
    Pair("he std", "initialisation", r"\sigma = \sqrt{\frac{2}{n_{\text{in}}}}", lambda n_in: math.sqrt(2 / n_in),
         {"n_in": 784}, wrong_code=(("xavier std", lambda n_in: math.sqrt(1 / n_in)),)),
    # ---- metrics -----------------------------------------------------------------------------------
    Pair("precision", "metrics", r"\frac{TP}{TP + FP}", lambda TP, FP: TP / (TP + FP), {"TP": 40, "FP": 10, "FN": 5},
         wrong_formulas=(("recall's denominator", r"\frac{TP}{TP + FN}"),), ),
    Pair("f1", "metrics", r"F_1 = \frac{2PR}{P + R}", lambda P, R: 2 * P * R / (P + R), {"P": 0.8, "R": 0.6},
         wrong_formulas=(("missing 2", r"F_1 = \frac{PR}{P + R}"),)),
    Pair("r squared", "metrics",
         r"R^2 = 1 - \frac{\sum_{i=1}^{n}(y_i - \hat{y}_i)^2}{\sum_{i=1}^{n}(y_i - \bar{y})^2}",
         lambda y, y_hat: 1 - np.sum((y - y_hat) ** 2) / np.sum((y - y.mean()) ** 2),
         {"y": y10, "y_hat": y10 + 0.3 * yhat10}, context=(r"\bar{y} = \frac{1}{n}\sum_{i=1}^{n} y_i",),
         wrong_code=(("variance of the predictions", lambda y, y_hat: 1 - np.sum((y - y_hat) ** 2)
                      / np.sum((y_hat - y_hat.mean()) ** 2)),)),
]


# ---- mutating a formula's TeX -------------------------------------------------------------------------
# The mistakes of `PAIRS` are written by hand; these are made mechanically from any formula, for the
# mutation test over whole documents: each edits the TeX at a node's span, so the mutant is a formula a
# user could have written.

_OPEN, _CLOSE = "([{", ")]}"


@dataclass(frozen=True)
class Mutant:
    kind: str  # "drop an exponent", "flip a sign", "halve a term", "swap two indices", "drop a term"
    where: str  # the TeX the edit touched
    tex: str  # the whole formula, edited


def _balanced(tex: str, start: int, end: int) -> tuple[int, int]:
    """The span widened to its brackets: `x-\\mu)^2` (a span that starts inside a parenthesis) takes the
    opening parenthesis, and a `\\left` before it."""
    depth = 0
    for char in tex[start:end]:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
    while depth < 0 and start > 0:
        start -= 1
        if tex[start] in _CLOSE:
            depth -= 1
        elif tex[start] in _OPEN:
            depth += 1
    if depth == 0 and tex[max(0, start - 5):start] == "\\left":
        start -= 5
    while depth > 0 and end < len(tex):
        if tex[end] in _OPEN:
            depth += 1
        elif tex[end] in _CLOSE:
            depth -= 1
        end += 1
    return start, end


def _text(tex: str, node: Any, *, term: bool = False) -> tuple[int, int, str]:
    """A node's TeX with its brackets; a `term` of a sum also takes the parentheses around it."""
    start, end = _balanced(tex, *node.span)
    while term:
        before, after = tex[:start].rstrip(), tex[end:].lstrip()
        left = "\\left(" if before.endswith("\\left(") else "(" if before.endswith("(") else ""
        right = "\\right)" if after.startswith("\\right)") else ")" if after.startswith(")") else ""
        if not left or not right:
            break
        start, end = len(before) - len(left), len(tex) - len(after) + len(right)
    return start, end, tex[start:end]


def _terms(node: Any) -> list[Any]:
    from veritex.math import ast

    if isinstance(node, ast.BinOp) and node.op in ("+", "-"):
        return [*_terms(node.left), node.right]
    return [node]


def _signed_terms(node: Any) -> list[tuple[str, Any]]:
    from veritex.math import ast

    if isinstance(node, ast.BinOp) and node.op in ("+", "-"):
        return [*_signed_terms(node.left), (node.op, node.right)]
    return [("+", node)]


def tex_mutants(tex: str, region: Any) -> list[Mutant]:
    """Every mutant of `tex` made by one edit inside the expression `region` (a node parsed from `tex`):
    an exponent dropped, a sign flipped, a term halved, two indices swapped, a term dropped."""
    from veritex.code_checks.symbols import index_symbols
    from veritex.math import ast

    found: list[Mutant] = []

    def add(kind: str, start: int, end: int, new: str) -> None:
        edited = tex[:start] + new + tex[end:]
        if edited != tex:
            found.append(Mutant(kind, tex[start:end], edited))

    nodes = [n for n in region.walk() if isinstance(n, ast.Expr) and n.span[1] > n.span[0]]
    # `a + b - c` is one chain of three terms: only its outermost node drops each of them
    chained = {id(n.left) for n in nodes if isinstance(n, ast.BinOp) and n.op in ("+", "-")}
    for node in nodes:
        if isinstance(node, ast.Power) and node.exponent.span[1] > node.exponent.span[0]:
            caret = tex.rfind("^", 0, node.exponent.span[0])
            between = tex[caret + 1:node.exponent.span[0]].strip()
            if caret >= 0 and between in ("", "{"):
                end = node.exponent.span[1]
                if between == "{":
                    end = tex.find("}", end) + 1
                if end > 0:
                    add("drop an exponent", caret, end, "")
        if isinstance(node, ast.BinOp) and node.op in ("+", "-"):
            gap_start, gap_end = node.left.span[1], node.right.span[0]
            at = tex.find(node.op, gap_start, gap_end)
            if at >= 0:
                add("flip a sign", at, at + 1, "-" if node.op == "+" else "+")
            if id(node) not in chained:
                start, end, _ = _text(tex, node)
                signed = _signed_terms(node)
                for k in range(len(signed)):
                    rest = signed[:k] + signed[k + 1:]
                    texts = [f"{sign} {_text(tex, term, term=True)[2]}" for sign, term in rest]
                    add("drop a term", start, end, " ".join(texts).removeprefix("+ "))
        elif isinstance(node, ast.Neg):
            at = tex.find("-", node.span[0], node.operand.span[0])
            if at >= 0:
                add("flip a sign", at, at + 1, "")
        if isinstance(node, ast.Subscript):
            parts = [p for p in index_symbols(node.index) if p.span[1] > p.span[0]]
            if len(parts) >= 2:
                first, second = sorted(parts[:2], key=lambda p: p.span)
                a, b = tex[slice(*first.span)], tex[slice(*second.span)]
                if a != b and first.span[1] <= second.span[0]:
                    middle = tex[first.span[1]:second.span[0]]
                    add("swap two indices", first.span[0], second.span[1], b + middle + a)
    for term in _terms(region):
        start, end, text = _text(tex, term, term=term is not region)
        add("halve a term", start, end, f"\\frac{{1}}{{2}}\\left({text}\\right)")
    unique: dict[str, Mutant] = {}
    for mutant in found:
        unique.setdefault(mutant.tex, mutant)
    return list(unique.values())


# ---- telling a harmless mutant from a missed one --------------------------------------------------------


@contextlib.contextmanager
def watching_cases() -> Iterator[list[Any]]:
    """Every case the checker runs while this is open, with its tolerance and the evaluator that knows
    which definitions it substituted."""
    from veritex.code_checks import case, outcome, property

    cases: list[Any] = []
    real = case.run_case

    def run_case(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        cases.append(result)
        return result

    outcome.run_case = property.run_case = run_case  # type: ignore[assignment]
    try:
        yield cases
    finally:
        outcome.run_case = property.run_case = real  # type: ignore[assignment]


def formula_value(target: str, context: dict[str, Any], values: dict[str, Any], symbols: dict[str, str] | None,
                  sizes: dict[str, int] | None = None, given: Iterable[str] = ()) -> np.ndarray | None:
    """The value of the checked formula under `context` at `values`, as the checker computes it."""
    from veritex.code_checks.case import Stop, bind_values, evaluate_formula, prepare
    from veritex.code_checks.evaluate import Unevaluable

    try:
        prepared = prepare(target, context, given=[*values, *given, *(symbols or {}).values()])
        bound = bind_values(prepared, values, symbols, sizes)
        value, _ = evaluate_formula(prepared, bound)
    except (Stop, Unevaluable, ArithmeticError, ValueError, TypeError, IndexError):
        return None
    return value


def indistinguishable(original: np.ndarray | None, mutant: np.ndarray | None, tolerance: Any) -> bool:
    """Whether the mutant formula takes the original's value at the check's values, within the check's
    own tolerance: then no checker could refute it with these values, and it is not a miss."""
    from veritex.code_checks.compare import compare

    if original is None or mutant is None or np.shape(original) != np.shape(mutant):
        return False
    return bool(compare(np.asarray(mutant, dtype=float), np.asarray(original, dtype=float), tolerance).agrees)
