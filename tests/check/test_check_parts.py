"""The checker's parts on their own: names, comparison, diagnosis, calling, sampling."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from veritex.code_checks.calling import BindingError, plan_call
from veritex.code_checks.compare import compare
from veritex.code_checks.diagnose import describe_factor, diagnose
from veritex.code_checks.frameworks import least_precise, precision_of, to_numpy
from veritex.code_checks.names import SymbolName, match_values, parse_symbol_tex
from veritex.code_checks.sampling import draw_sizes, framework_of_function
from veritex.code_checks.tolerance import tolerance_for

# ---- names -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("python", "tex"),
    [("W_1", "W_1"), ("W1", "W_1"), ("y_hat", r"\hat{y}"), ("yhat", r"\hat{y}"), ("alpha", r"\alpha"),
     ("L", r"\mathcal{L}"), ("mu_1", r"\mu_1"), ("b_1", r"\mathbf{b}_1"), ("x", r"\mathbf{x}"),
     ("lam", r"\lambda"), ("m_hat_t", r"\hat{m}_t"), ("m_t_hat", r"\hat{m}_t"), ("H_out", r"H_{\text{out}}"),
     ("α", r"\alpha"), ("eps", r"\epsilon"), ("Y_hat", r"\hat{Y}")],
)
def test_python_names_find_their_symbols(python: str, tex: str) -> None:
    symbol = parse_symbol_tex(tex)
    others = [parse_symbol_tex(t) for t in ("y", "Y", r"\hat{m}", "m_t", "W", "b", "H")]
    matched, unmatched = match_values({python: 1.0}, [*others, symbol])
    assert matched.get(symbol) == python and not unmatched


def test_case_and_accents_matter() -> None:
    matched, unmatched = match_values({"y_hat": 1.0}, [parse_symbol_tex(r"\hat{Y}"), parse_symbol_tex("y")])
    assert matched == {} and unmatched == ["y_hat"]


def test_explicit_symbols_win() -> None:
    theta_prev = SymbolName("theta", None, "t-1")
    matched, _ = match_values({"theta": 1.0, "lam": 2.0}, [SymbolName("theta"), theta_prev, SymbolName("lambda")],
                              {"theta": theta_prev})
    assert matched[theta_prev] == "theta" and matched[SymbolName("lambda")] == "lam"
    assert SymbolName("theta") not in matched


def test_not_a_symbol() -> None:
    with pytest.raises(ValueError):
        parse_symbol_tex(r"x + y")


# ---- values and tolerances ---------------------------------------------------------------------------


def test_precision_follows_the_least_precise_dtype() -> None:
    assert precision_of(0.5) is None and precision_of(np.float32(1.0)) == "single"
    assert least_precise([None, "double", precision_of(np.zeros(2, np.float32))]) == "single"
    assert least_precise([None, None]) == "double"
    assert tolerance_for("single").rtol == 1e-4 and tolerance_for("double", rtol=1e-3).rtol == 1e-3


def test_torch_values_are_detached_and_read() -> None:
    torch = pytest.importorskip("torch")
    value = torch.ones(3, requires_grad=True) * 2
    assert precision_of(value) == "single"
    array = to_numpy(value)
    assert array.dtype == np.float64 and array.tolist() == [2.0, 2.0, 2.0]
    assert precision_of(torch.ones(2, dtype=torch.bfloat16)) == "half"
    assert to_numpy(torch.ones(2, dtype=torch.bfloat16)).tolist() == [1.0, 1.0]


@pytest.mark.skipif("not __import__('importlib').util.find_spec('torch')")
def test_cuda_tensors_are_moved_to_the_cpu() -> None:
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    value = torch.arange(4.0, device="cuda", requires_grad=True)
    assert to_numpy(value * 1).tolist() == [0.0, 1.0, 2.0, 3.0]


def test_not_numbers() -> None:
    with pytest.raises(TypeError):
        to_numpy("text")


# ---- comparison --------------------------------------------------------------------------------------


def test_worst_element_and_both_values() -> None:
    result = compare(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.5, 3.0]), tolerance_for("double"))
    assert not result.agrees and result.index == (1,) and result.formula == 2.0 and result.code == 2.5


def test_shape_mismatch_names_the_axis_and_a_transpose() -> None:
    a = np.arange(6.0).reshape(2, 3)
    result = compare(a, a.T.copy(), tolerance_for("double"))
    assert result.outcome == "shape"
    assert "axis 0 has 2 in the formula and 3 in the code" in result.message
    assert "transpose" in result.message


def test_length_one_axes_are_ignored() -> None:
    assert compare(np.arange(3.0), np.arange(3.0).reshape(3, 1), tolerance_for("double")).agrees


def test_overflowing_formula_decides_nothing() -> None:
    result = compare(np.array([np.inf, 1.0]), np.array([5.0, 1.0]), tolerance_for("double"))
    assert result.outcome == "formula-not-finite"
    assert compare(np.array([1.0]), np.array([np.nan]), tolerance_for("double")).outcome == "disagree"


def test_single_precision_tolerates_rounding_only() -> None:
    rounded = np.array(1.000002)  # what a float32 reduction drifts by
    assert compare(np.array(1.0), rounded, tolerance_for("single")).agrees
    assert not compare(np.array(1.0), rounded, tolerance_for("double")).agrees
    assert not compare(np.array(1.0), np.array(1.01), tolerance_for("single")).agrees


# ---- diagnosis ---------------------------------------------------------------------------------------


def test_named_factors() -> None:
    assert describe_factor(10 / 9, {"n": 10}, {}) == "n/(n-1)"
    assert describe_factor(1 / math.sqrt(8), {"d_k": 8}, {}) == "1/sqrt(d_k)"
    assert describe_factor(-0.5, {}, {}) == "-1/2"
    assert describe_factor(1.2345678, {}, {}) is None


def test_diagnoses() -> None:
    f = np.array([1.0, 2.0, 3.0])
    assert "negative" in (diagnose(f, -f) or "")
    assert "2 times the formula at every input" in (diagnose(f, 2 * f) or "")
    assert "`n` against `n-1`" in (diagnose(f, f * 5 / 4, {"n": 5}) or "")
    assert "additive constant" in (diagnose(f, f + 0.5) or "")
    assert diagnose(f, f**2) is None


# ---- calling -----------------------------------------------------------------------------------------


def test_parameters_are_matched_by_name() -> None:
    args, kwargs, _ = plan_call(lambda w, x: None, {"x": 1, "w": 2, "b": 3})
    assert args == [] and kwargs == {"w": 2, "x": 1}


def test_zero_argument_callable_is_called_bare() -> None:
    assert plan_call(lambda: None, {"x": 1})[:2] == ([], {})


def test_unmatched_single_parameter_takes_the_first_value() -> None:
    def forward(input: Any) -> Any:
        return input

    assert plan_call(forward, {"x": 1, "W": 2})[0] == [1]
    assert plan_call(np.tanh, {"x": 5.0})[0] == [5.0]  # a ufunc has no inspectable signature


def test_missing_parameters_are_an_error() -> None:
    with pytest.raises(BindingError, match="`b`"):
        plan_call(lambda a, b: None, {"a": 1})


def test_modules_are_called_as_modules() -> None:
    torch = pytest.importorskip("torch")
    layer = torch.nn.Linear(3, 2)
    args, kwargs, _ = plan_call(layer, {"x": torch.ones(3), "W": layer.weight})
    assert args == [] or len(args) == 1
    assert len(args) + len(kwargs) == 1  # forward(input): the first value, positionally


# ---- sampling ----------------------------------------------------------------------------------------


def test_free_sizes_are_distinct_and_fixed_ones_kept() -> None:
    rng = np.random.default_rng(0)
    for _ in range(20):
        sizes = draw_sizes({"Q": ("n", "d"), "K": ("m", "d"), "V": ("m", 3)}, {"d": 8}, rng)
        assert sizes["d"] == 8
        assert len({sizes["n"], sizes["m"], 8, 3}) == 4 and min(sizes.values()) >= 2


def test_framework_of_a_function() -> None:
    torch = pytest.importorskip("torch")

    def uses_torch(x: Any) -> Any:
        return torch.relu(x)

    def uses_numpy(x: Any) -> Any:
        return np.maximum(x, 0)

    assert framework_of_function(uses_torch) == "torch"
    assert framework_of_function(uses_numpy) == "numpy"
    assert framework_of_function(torch.nn.Linear(2, 2)) == "torch"


def test_single_precision_cancellation_is_no_refutation() -> None:
    """A float32 gradient at the optimum is pure rounding noise; the formula's own float32 noise
    there shows it, so only a real difference refutes."""
    from veritex.code_checks.outcome import check_once

    context = {"formulas": [{"tex": r"-\frac{2}{n}\sum_{i=1}^{n} x_i(y_i - w x_i - b)", "label": "eq:g"}]}
    rng = np.random.default_rng(0)
    x = rng.normal(100, 1, 10_000)
    y = 3 * x + 2 + rng.normal(0, 0.5, 10_000)
    w = float(np.sum(x * (y - 2)) / np.sum(x * x))

    def gradient32(w: float, b: float, x: np.ndarray, y: np.ndarray) -> Any:
        x32, y32 = x.astype(np.float32), y.astype(np.float32)
        return -2 * np.mean(x32 * (y32 - np.float32(w) * x32 - np.float32(b)))

    values = {"w": w, "b": 2.0, "x": x, "y": y}
    assert abs(float(gradient32(**values))) > 1e-5  # beyond atol: the tolerance alone would refute
    assert check_once("eq:g", gradient32, values, context=context).status == "verified"
    wrong = check_once("eq:g", lambda w, b, x, y: gradient32(w, b, x, y) + 0.5, values, context=context)
    assert wrong.status == "refuted"
