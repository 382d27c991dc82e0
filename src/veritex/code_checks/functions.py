"""The functions a formula may use without defining them, evaluated with NumPy.

Keys are lower case and without a backslash: `\\log`, `\\mathrm{ReLU}` and `\\operatorname{softmax}`
find `log`, `relu` and `softmax`. A document's own definition (`\\sigma(x) = ...`) always wins.
Reductions (`softmax`, `logsumexp`) work on the last axis, so a matrix is taken row by row.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

Elementwise = Callable[[np.ndarray], np.ndarray]


def _logistic(x: np.ndarray) -> np.ndarray:
    if np.iscomplexobj(x):
        return 1.0 / (1.0 + np.exp(-x))
    out = np.empty_like(x, dtype=np.float64)
    positive = x >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-x[positive]))
    z = np.exp(x[~positive])
    out[~positive] = z / (1.0 + z)
    return out


def _erf(x: np.ndarray) -> np.ndarray:
    return np.vectorize(math.erf, otypes=[np.float64])(x)


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def _softplus(x: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, x)


def _elu(x: np.ndarray) -> np.ndarray:
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0.0)))


def _selu(x: np.ndarray) -> np.ndarray:
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    return scale * np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def _log(x: np.ndarray) -> np.ndarray:
    return np.emath.log(x) if np.any(np.real(x) < 0) else np.log(x)


ELEMENTWISE: dict[str, Elementwise] = {
    "exp": np.exp, "log": _log, "ln": _log, "lg": np.log10,
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "cot": lambda x: 1.0 / np.tan(x),
    "sec": lambda x: 1.0 / np.cos(x), "csc": lambda x: 1.0 / np.sin(x),
    "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "coth": lambda x: 1.0 / np.tanh(x),
    "arcsin": np.arcsin, "arccos": np.arccos, "arctan": np.arctan,
    "sigma": _logistic, "sigmoid": _logistic, "logistic": _logistic,
    "relu": lambda x: np.maximum(x, 0.0), "softplus": _softplus, "gelu": _gelu, "elu": _elu, "selu": _selu,
    "silu": lambda x: x * _logistic(x), "swish": lambda x: x * _logistic(x),
    "mish": lambda x: x * np.tanh(_softplus(x)), "erf": _erf, "erfc": lambda x: 1.0 - _erf(x),
    "sign": np.sign, "sgn": np.sign, "abs": np.abs,
}
"""Functions applied element by element."""


def _softmax(x: np.ndarray) -> np.ndarray:
    if x.ndim == 0:
        return np.ones_like(x)
    shifted = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def _logsumexp(x: np.ndarray) -> np.ndarray:
    if x.ndim == 0:
        return x
    m = np.max(x, axis=-1, keepdims=True)
    return np.squeeze(m, -1) + np.log(np.sum(np.exp(x - m), axis=-1))


def _trace(x: np.ndarray) -> np.ndarray:
    return np.trace(x, axis1=-2, axis2=-1)


REDUCTIONS: dict[str, Elementwise] = {
    "softmax": _softmax, "logsumexp": _logsumexp, "lse": _logsumexp,
    "mean": lambda x: np.mean(x, axis=-1) if x.ndim else x,
    "var": lambda x: np.var(x, axis=-1) if x.ndim else 0.0 * x,
    "std": lambda x: np.std(x, axis=-1) if x.ndim else 0.0 * x,
    "tr": _trace, "trace": _trace, "det": np.linalg.det, "diag": np.diag,
}
"""Functions of a whole vector (last axis) or matrix."""

# Names under which `\sigma` is the logistic function unless the document defines it.
_ALIASES = {"varsigma": "sigma"}


def builtin(name: str) -> tuple[str, Elementwise] | None:
    """('elementwise' | 'reduction', function) for a function name, or None."""
    key = name[1:] if name.startswith("\\") else name.lower()  # `\Sigma` is not `\sigma`; `ReLU` is `relu`
    key = _ALIASES.get(key, key)
    if key in ELEMENTWISE:
        return "elementwise", ELEMENTWISE[key]
    if key in REDUCTIONS:
        return "reduction", REDUCTIONS[key]
    return None
