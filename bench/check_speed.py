"""Time per formula check on the acceptance documents, excluding the user's own code.

    .venv/bin/python bench/check_speed.py [--rounds 5]

The implementations are NumPy one-liners, and their own time is subtracted: what is left is veritex's
work (finding the formula, parsing it, binding names and sizes, evaluating, comparing). Target: a median
under 30 ms per check.
"""

from __future__ import annotations

import argparse
import inspect
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from veritex.code_checks.outcome import check_once
from veritex.readers import read
from veritex.stages.context import math_context

ACCEPTANCE = Path(__file__).resolve().parents[2] / "shared" / "acceptance"



def _numpy_checks() -> list[tuple[str, str, Callable[..., Any], dict[str, Any]]]:
    """The acceptance checks with NumPy implementations: the checker's own time is what is measured."""
    rng = np.random.default_rng(0)
    W1, b1, W2, b2, x784 = (rng.standard_normal((256, 784)), rng.standard_normal(256),
                            rng.standard_normal((10, 256)), rng.standard_normal(10), rng.standard_normal(784))
    Z = rng.standard_normal((8, 5))
    Y = np.eye(5)[rng.integers(0, 5, 8)]
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    Y_hat = e / e.sum(axis=1, keepdims=True)
    x, y = rng.normal(size=100), rng.normal(size=100)
    z = np.array([1000.0, 999.0, 998.0])
    theta = rng.standard_normal(20)
    return [
        ("autograd.md", "eq:logits", lambda x: W2 @ np.maximum(W1 @ x + b1, 0) + b2,
         {"x": x784, "W_1": W1, "b_1": b1, "W_2": W2, "b_2": b2}),
        ("autograd.md", "eq:xent", lambda Y, Y_hat: -np.mean(np.sum(Y * np.log(Y_hat), axis=1)),
         {"Z": Z, "Y": Y, "Y_hat": Y_hat}),
        ("autograd.md", "eq:xent-grad", lambda Y, Y_hat: (Y_hat - Y) / len(Y), {"Z": Z, "Y": Y, "Y_hat": Y_hat}),
        ("linear_regression_tf.md", "eq:mse", lambda w, b, x, y: np.mean((y - w * x - b) ** 2),
         {"w": 0.7, "b": -0.3, "x": x, "y": y}),
        ("linear_regression_tf.md", "eq:grad-w", lambda w, b, x, y: -2 * np.mean(x * (y - w * x - b)),
         {"w": 0.7, "b": -0.3, "x": x, "y": y}),
        ("linear_regression_tf.md", "eq:conv-size", lambda H, k: 30, {"H": 32, "k": 3}),
        ("attention.md", "eq:l2", lambda L, lam, theta: L + lam * np.sum(theta**2),
         {"L": 0.3, "lam": 0.01, "theta": theta}),
        ("softmax_stability.ipynb", "eq:logsumexp", lambda z, m: m + np.log(np.sum(np.exp(z - m))),
         {"z": z, "m": 1000.0}),
        ("planted_sigmoid.md", "eq:sigmoid-grad", lambda x: x, {"x": np.linspace(-4.0, 4.0, 9)}),
    ]


def measure(rounds: int) -> list[float]:
    contexts = {name: math_context(read(ACCEPTANCE / name)) for name in
                ("autograd.md", "linear_regression_tf.md", "attention.md", "softmax_stability.ipynb",
                 "planted_sigmoid.md")}
    timings: list[float] = []
    for _ in range(rounds):
        for document, label, fn, values in _numpy_checks():
            spent = [0.0]

            def timed(*args: Any, _fn: Callable[..., Any] = fn, _spent: list[float] = spent, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return _fn(*args, **kwargs)
                finally:
                    _spent[0] += time.perf_counter() - started

            timed.__signature__ = inspect.signature(fn)  # type: ignore[attr-defined]
            started = time.perf_counter()
            verdict = check_once(label, timed, values, symbols={"lam": r"\lambda"}, context=contexts[document])
            timings.append(time.perf_counter() - started - spent[0])
            assert verdict.status in ("verified", "refuted"), (label, verdict.message)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    measure(1)  # warm: imports, parse caches
    timings = measure(args.rounds)
    median_ms = statistics.median(timings) * 1000
    worst_ms = max(timings) * 1000
    print(f"checks: {len(timings)}; median {median_ms:.2f} ms, worst {worst_ms:.2f} ms per check "
          f"(target: median < 30 ms) -> {'met' if median_ms < 30 else 'NOT MET'}")


if __name__ == "__main__":
    main()
