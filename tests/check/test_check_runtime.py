"""`vt.check` and `@vt.implements` as a notebook uses them: verdicts, reasons, cases, no context."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import veritex.runtime as vt
from veritex.runtime import session

DOC = """---
title: t
---

The mean is

$$
\\mu = \\frac{1}{n}\\sum_{i=1}^{n} x_i
$$ (eq:mean)

and an integral is outside the subset:

$$
F = \\oint_C f(x)\\,dx
$$ (eq:integral)

$$
y \\approx 2x
$$ (eq:approx)
"""


@pytest.fixture(autouse=True)
def no_build(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    saved = session.context
    session.context = {}
    session.verdicts.clear()
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    yield
    session.context = saved
    session.verdicts.clear()


def last() -> dict[str, Any]:
    return session.verdicts[-1]


def use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plain Jupyter session editing doc.md: no build context, only JPY_SESSION_NAME."""
    path = tmp_path / "doc.md"
    path.write_text(DOC, encoding="utf-8")
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))


def test_raw_tex_without_any_context() -> None:
    x = np.arange(5.0)
    assert vt.check(r"\frac{1}{n}\sum_{i=1}^{n} x_i", np.mean, x=x)
    payload = last()
    assert payload["status"] == "verified" and payload["label"] is None
    assert payload["detail"]["tex"].startswith(r"\frac")
    assert payload["line"] is not None
    json.dumps(payload, allow_nan=False)


def test_a_label_without_context_says_so() -> None:
    verdict = vt.check("eq:mean", np.mean, x=np.arange(3.0))
    assert not verdict and last()["status"] == "unchecked"
    assert "no document context" in last()["message"] and "pass the TeX" in last()["message"]


def test_the_notebook_being_edited_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use(tmp_path, monkeypatch)
    assert vt.check("eq:mean", np.mean, x=np.arange(4.0)), last()
    assert not vt.check("eq:mean", np.median, x=np.array([0.0, 0.0, 9.0]))
    assert last()["detail"]["case"] == 2
    vt.check("eq:nowhere", np.mean, x=np.arange(3.0))
    assert last()["status"] == "unchecked" and "eq:mean" in last()["message"]  # lists the labels there are


def test_outside_the_subset_is_unchecked_with_the_construct_and_its_position(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(tmp_path, monkeypatch)
    vt.check("eq:integral", lambda: 0.5)
    payload = last()
    assert payload["status"] == "unchecked"
    assert "\\oint" in payload["message"] and "line 14, column 5" in payload["message"]
    assert payload["detail"]["construct"] == "\\oint"


def test_approx_is_never_refuted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use(tmp_path, monkeypatch)
    assert vt.check("eq:approx", lambda x: 2 * x, x=np.arange(3.0))
    vt.check("eq:approx", lambda x: 2.1 * x, x=np.arange(3.0))
    assert last()["status"] == "unchecked" and "\u2248" in last()["message"]


def test_a_failing_function_is_an_error_verdict_not_an_exception() -> None:
    def broken(x: Any) -> Any:
        raise ZeroDivisionError("boom")

    verdict = vt.check(r"2x", broken, x=np.ones(2))
    assert not verdict
    assert last()["status"] == "error" and "ZeroDivisionError: boom" in last()["message"]
    assert "boom" in last()["detail"]["traceback"]


def test_unknown_symbols_and_functions_are_unchecked() -> None:
    vt.check(r"W x + c", lambda x: x, x=np.ones(2))
    assert last()["status"] == "unchecked" and "`W` has no value: pass W=..." in last()["message"]
    vt.check(r"g(x)", lambda x: x, x=np.ones(2))
    assert last()["status"] == "unchecked" and "never defined" in last()["message"]


def test_builtins_modules_and_positional_inputs() -> None:
    torch = pytest.importorskip("torch")
    x = np.linspace(-1, 1, 5)
    assert vt.check(r"\tanh(x)", np.tanh, x=x), last()
    torch.manual_seed(0)
    layer = torch.nn.Linear(4, 3)
    v = torch.randn(4)
    assert vt.check(r"W\mathbf{x} + \mathbf{b}", layer, x=v, W=layer.weight, b=layer.bias), last()
    assert vt.check(r"\sigma(x)", torch.sigmoid, x=torch.linspace(-3, 3, 7, dtype=torch.float64)), last()


def test_symbols_name_what_the_rules_cannot() -> None:
    theta = np.arange(3.0)
    assert vt.check(r"\theta_{t-1} + 1", lambda prev: prev + 1, prev=theta, symbols={"prev": r"\theta_{t-1}"})
    vt.check(r"x + 1", lambda x: x + 1, x=theta, symbols={"x": r"a + b"})
    assert last()["status"] == "error" and "not one symbol" in last()["message"]


def test_implements_on_numpy_returns_the_function(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use(tmp_path, monkeypatch)

    def mean(x: np.ndarray) -> Any:
        return x.sum() / len(x)

    decorated = vt.implements("eq:mean", shapes={"x": ("n",)}, samples=7)(mean)
    assert decorated is mean
    assert last()["kind"] == "implements" and last()["status"] == "verified", last()["message"]
    assert last()["detail"]["samples"] == 7 and last()["detail"]["framework"] == "numpy"

    @vt.implements("eq:mean", shapes={"x": ("n",)}, samples=4)
    def off_by_one(x: np.ndarray) -> Any:
        return x.sum() / (len(x) - 1)

    payload = last()
    assert payload["status"] == "refuted" and payload["detail"]["sample"] == 1
    assert "`n-1` in place of `n`" in payload["detail"]["likely_mistake"]

    vt.implements("eq:mean")(mean)
    assert last()["status"] == "unchecked" and "shapes" in last()["message"]


def test_implements_in_single_precision() -> None:
    def scaled(x: np.ndarray) -> Any:
        return (x * np.float32(3)).astype(np.float32)

    vt.implements(r"3x", shapes={"x": ("n", "m")}, samples=3, dtype="float32")(scaled)
    assert last()["status"] == "verified" and last()["detail"]["tolerance"]["precision"] == "single"


def test_implements_with_tensorflow() -> None:
    tf = pytest.importorskip("tensorflow")

    @vt.implements(r"\frac{1}{n}\sum_{i=1}^{n} x_i^2", shapes={"x": ("n",)}, samples=3)
    def mean_square(x: Any) -> Any:
        return tf.reduce_mean(tf.square(x))

    assert last()["status"] == "verified", last()["message"]
    assert last()["detail"]["framework"] == "tensorflow"


def test_vt_check_stays_the_function_after_the_checker_is_imported() -> None:
    import veritex

    assert veritex.check(r"2x", lambda x: 2 * x, x=np.ones(2))
    assert callable(veritex.check) and veritex.check(r"x", lambda x: x, x=np.ones(2))
    assert callable(veritex.implements)


def test_a_module_called_on_a_batch() -> None:
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    fc1, fc2 = torch.nn.Linear(6, 5), torch.nn.Linear(5, 2)
    net = torch.nn.Sequential(fc1, torch.nn.ReLU(), fc2)
    values = {"x": torch.randn(8, 6), "W_1": fc1.weight, "b_1": fc1.bias, "W_2": fc2.weight, "b_2": fc2.bias}
    tex = r"W_2\,\mathrm{ReLU}(W_1 \mathbf{x} + \mathbf{b}_1) + \mathbf{b}_2"
    assert vt.check(tex, net, **values), last()["message"]
    assert not vt.check(tex, torch.nn.Sequential(fc1, fc2), **values)
