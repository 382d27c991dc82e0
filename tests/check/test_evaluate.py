"""The numeric evaluator: what a formula means with values, following ML notation."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from veritex.code_checks.case import Stop, bind_values, evaluate_formula, prepare, unevaluable_verdict
from veritex.code_checks.evaluate import ShapeMismatch, Unevaluable

rng = np.random.default_rng(3)


def value(tex: str, *context: str, macros: dict[str, str] | None = None, **values: Any) -> np.ndarray:
    """The last side of `tex`, evaluated in a document made of `context` and `tex`."""
    formulas = [{"tex": t, "label": None} for t in context] + [{"tex": tex, "label": "eq:it"}]
    prepared = prepare("eq:it", {"formulas": formulas, "macros": macros or {}})
    bound = bind_values(prepared, values, None)
    try:
        result, _ = evaluate_formula(prepared, bound)
    except Unevaluable as exc:
        raise Stop(unevaluable_verdict(prepared, exc)) from exc
    return result


def test_matrix_products_and_scaling() -> None:
    W, x, b = rng.standard_normal((3, 4)), rng.standard_normal(4), rng.standard_normal(3)
    np.testing.assert_allclose(value(r"W\mathbf{x} + \mathbf{b}", W=W, x=x, b=b), W @ x + b)
    np.testing.assert_allclose(value(r"2 W", W=W), 2 * W)
    np.testing.assert_allclose(value(r"\mathbf{x}^\top \mathbf{x}", x=x), x @ x)
    np.testing.assert_allclose(value(r"\mathbf{x} \mathbf{x}^\top", x=x), np.outer(x, x))
    np.testing.assert_allclose(value(r"\mathbf{a} \cdot \mathbf{b}", a=x, b=x), x @ x)
    np.testing.assert_allclose(value(r"W^\top W", W=W), W.T @ W)
    np.testing.assert_allclose(value(r"A \odot B", A=W, B=W), W * W)


def test_lower_case_arrays_are_batches_of_scalars() -> None:
    x = np.linspace(-2, 2, 5)
    np.testing.assert_allclose(value(r"\sigma(x)\left(1 - \sigma(x)\right)", x=x),
                               (1 / (1 + np.exp(-x))) * (1 - 1 / (1 + np.exp(-x))))
    np.testing.assert_allclose(value(r"w x + b", w=2.0, x=x, b=1.0), 2 * x + 1)


def test_declared_shapes_make_vectors() -> None:
    x = rng.standard_normal(4)
    A = rng.standard_normal((4, 4))
    np.testing.assert_allclose(value(r"x^\top A x", r"x \in \mathbb{R}^{n}", x=x, A=A), x @ A @ x)


def test_softmax_is_row_wise() -> None:
    Z = rng.standard_normal((3, 4))
    expected = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(value(r"\mathrm{softmax}(Z)", Z=Z), expected)


def test_functions_and_norms() -> None:
    x = np.array([3.0, -4.0])
    assert value(r"\lVert \mathbf{x} \rVert", x=x) == pytest.approx(5.0)
    assert value(r"\|\mathbf{x}\|_1", x=x) == pytest.approx(7.0)
    assert value(r"\lVert X \rVert_F", X=np.ones((2, 2))) == pytest.approx(2.0)
    np.testing.assert_allclose(value(r"|x|", x=x), [3.0, 4.0])
    np.testing.assert_allclose(value(r"\mathrm{ReLU}(x)", x=x), [3.0, 0.0])
    assert value(r"\log e", ) == pytest.approx(1.0)
    assert value(r"\sqrt{16} + \exp(0) + \tanh(0)") == pytest.approx(5.0)
    assert value(r"\max(0, -3) + \min(2, 5)") == pytest.approx(2.0)
    assert value(r"\log_2 8") == pytest.approx(3.0)


def test_sums_use_one_based_indices() -> None:
    x = np.array([1.0, 2.0, 4.0])
    assert value(r"\sum_{i=1}^{3} i x_i", x=x) == pytest.approx(1 + 4 + 12)
    assert value(r"\sum_{i=2}^{3} x_i", x=x) == pytest.approx(6.0)
    assert value(r"\prod_{i=1}^{n} x^{(i)}", x=x) == pytest.approx(8.0)  # n from len(x)
    assert value(r"\max_j x_j", x=x) == pytest.approx(4.0)
    Y = np.arange(6.0).reshape(2, 3)
    assert value(r"\sum_{i=1}^{N}\sum_{c=1}^{C} Y_{ic}", Y=Y) == pytest.approx(15.0)


def test_loops_and_vectorised_sums_agree() -> None:
    x = rng.standard_normal(50)
    fast = value(r"\frac{1}{n}\sum_{i=1}^{n} \left(x_i - \frac{1}{2}\right)^2 e^{-x_i}", x=x)
    assert fast == pytest.approx(np.mean((x - 0.5) ** 2 * np.exp(-x)))


def test_sizes_come_from_shape_declarations() -> None:
    Z = rng.standard_normal((8, 5))
    assert value(r"\frac{1}{N}", r"Z \in \mathbb{R}^{N\times C}", Z=Z) == pytest.approx(1 / 8)
    assert value(r"C", r"Z \in \mathbb{R}^{N\times C}", Z=Z) == pytest.approx(5)


def test_sizes_come_from_the_arrays_a_sum_indexes() -> None:
    x = np.arange(1.0, 5.0)
    assert value(r"\frac{2}{n}\sum_{i=1}^{n} x^{(i)}", x=x) == pytest.approx(5.0)


def test_element_wise_formulas_run_over_free_indices() -> None:
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(value(r"y_k = 2 x_k", x=x), [2.0, 4.0, 6.0])
    z = rng.standard_normal(4)
    np.testing.assert_allclose(value(r"\frac{e^{z_i}}{\sum_{j=1}^{n} e^{z_j}}", z=z), np.exp(z) / np.exp(z).sum())


def test_definitions_are_substituted_only_without_a_value() -> None:
    context = (r"m = \max_j z_j",)
    z = np.array([1.0, 5.0])
    assert value(r"m + 1", *context, z=z) == pytest.approx(6.0)
    assert value(r"m + 1", *context, z=z, m=0.0) == pytest.approx(1.0)


def test_functions_indexed_values_and_squares_defined_in_the_document() -> None:
    x = np.array([0.0, 1.0])
    np.testing.assert_allclose(value(r"\sigma(x)", r"\sigma(x) = 2x", x=x), [0.0, 2.0])
    xs, ys = np.arange(3.0), np.array([1.0, 1.0, 4.0])
    assert value(r"\sum_{i=1}^{n} \hat{y}^{(i)}", r"\hat{y}^{(i)} = w\,x^{(i)} + b", x=xs, w=2.0, b=1.0) == \
        pytest.approx(2 * 3 + 3)
    assert value(r"\sigma", r"\sigma^2 = \frac{1}{n}\sum_{i=1}^{n} y_i^2", y=ys) == pytest.approx(math.sqrt(6))


def test_euler_unless_declared() -> None:
    assert value(r"e^{1}") == pytest.approx(math.e)
    with pytest.raises(Stop):
        value(r"e + 1", r"e \in \mathbb{R}^{n}")


def test_cases() -> None:
    x = np.array([-2.0, 3.0])
    np.testing.assert_allclose(value(r"\begin{cases} x & x > 0 \\ 0.1 x & \text{otherwise}\end{cases}", x=x),
                               [-0.2, 3.0])


def test_a_name_with_an_expression_subscript_is_not_an_element() -> None:
    with pytest.raises(Stop) as stop:
        value(r"\theta_{t-1} + 1", theta=np.arange(3.0), t=2)
    assert "theta_{t-1}" in stop.value.verdict.message
    assert "symbols=" in stop.value.verdict.message


@pytest.mark.parametrize(
    ("tex", "reason"),
    [(r"f(x) + 1", "never defined"), (r"x + q", "`q` has no value"), (r"\mathbb{E}[x]", "expectation"),
     (r"\frac{d}{dx} x^2", "derivative"), (r"x + \dots", "dots")],
)
def test_what_cannot_be_evaluated_says_why(tex: str, reason: str) -> None:
    with pytest.raises(Stop) as stop:
        value(tex, x=np.ones(2))
    verdict = stop.value.verdict
    assert verdict.status == "unchecked" and reason in verdict.message


def test_shapes_that_do_not_fit() -> None:
    formulas = [{"tex": r"W\mathbf{x}", "label": "eq:it"}]
    prepared = prepare("eq:it", {"formulas": formulas})
    bound = bind_values(prepared, {"W": np.ones((3, 4)), "x": np.ones(3)}, None)
    with pytest.raises(ShapeMismatch, match="inner sizes differ"):
        evaluate_formula(prepared, bound)
    assert issubclass(ShapeMismatch, Unevaluable)


def test_front_matter_macros() -> None:
    theta = np.array([3.0, 4.0])
    assert value(r"\norm{\theta}^2", macros={"\\norm": "\\left\\lVert #1 \\right\\rVert"}, theta=theta) == \
        pytest.approx(25.0)


def test_a_vector_given_with_a_batch_axis_is_a_batch_of_vectors() -> None:
    W, b, X = rng.standard_normal((3, 4)), rng.standard_normal(3), rng.standard_normal((6, 4))
    np.testing.assert_allclose(value(r"W\mathbf{x} + \mathbf{b}", W=W, x=X, b=b), X @ W.T + b)
    np.testing.assert_allclose(value(r"\mathrm{ReLU}(W x) ", r"x \in \mathbb{R}^{d}", W=W, x=X),
                               np.maximum(X @ W.T, 0))
    w = rng.standard_normal(4)
    np.testing.assert_allclose(value(r"\mathbf{w}^\top \mathbf{x} + \lVert \mathbf{x} \rVert", w=w, x=X),
                               X @ w + np.linalg.norm(X, axis=1))
    np.testing.assert_allclose(value(r"x_2", r"x \in \mathbb{R}^{d}", x=X), X[:, 1])  # entry 2 of each vector
    np.testing.assert_allclose(value(r"\mathbf{x}_2", x=X), X[1])  # a bold x_i is the i-th vector


def test_naming_rules_of_the_symbols_document() -> None:
    X = np.arange(12.0).reshape(3, 4)
    assert value(r"\sum_{i=1}^{3} x^{(i)}_2", x=X) == pytest.approx(X[:, 1].sum())  # the sample first
    assert value(r"\mathrm{e}^{1}", r"e \in \mathbb{R}^{n}") == pytest.approx(math.e)
    assert value(r"\varepsilon + 1", epsilon=0.5) == pytest.approx(1.5)  # a var- form is the same letter
    assert value(r"\vec{v} \cdot \vec{v}", v=np.array([3.0, 4.0])) == pytest.approx(25.0)
    assert value(r"\hat{\bar{x}} + x^*", x_bar_hat=1.0, x_star=2.0) == pytest.approx(3.0)
    assert value(r"\mathcal{L} - L", L=1.0, L_cal=5.0) == pytest.approx(4.0)  # both letters: L_cal
    assert value(r"2\mathcal{L}", L=1.0) == pytest.approx(2.0)  # alone: L
    assert value(r"W^Q + 1", **{"W^Q": 1.0}) == pytest.approx(2.0)


def test_several_equations_compare_the_last_and_define_with_the_others() -> None:
    W1, b1, W2, b2, x = (rng.standard_normal((4, 3)), rng.standard_normal(4), rng.standard_normal((2, 4)),
                         rng.standard_normal(2), rng.standard_normal(3))
    tex = (r"\mathbf{h} = \mathrm{ReLU}(W_1 \mathbf{x} + \mathbf{b}_1), \quad "
           r"\mathbf{o} = W_2 \mathbf{h} + \mathbf{b}_2")
    np.testing.assert_allclose(value(tex, W_1=W1, b_1=b1, W_2=W2, b_2=b2, x=x),
                               W2 @ np.maximum(W1 @ x + b1, 0) + b2)
    with pytest.raises(Stop, match="2 equations"):
        value(r"PE_{(p, 2i)} = \sin(p), \quad PE_{(p, 2i+1)} = \cos(p)", p=np.arange(3.0))


def test_raw_tex_uses_its_own_conditions() -> None:
    x = np.arange(4.0)
    assert value(r"\frac{1}{N}\sum_{i=1}^{N} x_i \quad \text{where } N = 2", x=x) == pytest.approx(0.5)
