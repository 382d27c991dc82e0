"""The acceptance documents' checks, run in-process: the context comes from the document itself
(`veritex.readers.read` + `math_context`), the values are the ones the documents use."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import veritex.runtime as vt
from veritex.readers import read
from veritex.runtime import session
from veritex.stages.context import math_context

ACCEPTANCE = Path("/work/shared/acceptance")
if not ACCEPTANCE.is_dir():
    ACCEPTANCE = Path(__file__).resolve().parents[2] / "shared" / "acceptance"
pytestmark = pytest.mark.skipif(not ACCEPTANCE.is_dir(), reason="acceptance documents not found")


def use_document(name: str) -> dict[str, Any]:
    context = math_context(read(ACCEPTANCE / name))
    session.context = context
    return context


@pytest.fixture(autouse=True)
def fresh_session() -> Iterator[None]:
    saved = session.context
    session.verdicts.clear()
    yield
    session.context = saved
    session.verdicts.clear()


def last() -> dict[str, Any]:
    return session.verdicts[-1]


# ---- autograd.md -------------------------------------------------------------------------------------


def test_autograd_logits_substitutes_h_and_calls_forward_with_x() -> None:
    torch = pytest.importorskip("torch")
    from torch import nn

    use_document("autograd.md")

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc1 = nn.Linear(784, 256)
            self.fc2 = nn.Linear(256, 10)

        def forward(self, x: Any) -> Any:
            return self.fc2(torch.relu(self.fc1(x)))

    torch.manual_seed(0)
    net = Net()
    x = torch.randn(784)
    verdict = vt.check("eq:logits", net.forward, x=x, W_1=net.fc1.weight, b_1=net.fc1.bias,
                       W_2=net.fc2.weight, b_2=net.fc2.bias)
    assert verdict, last()["message"]
    payload = last()
    assert payload["kind"] == "check" and payload["label"] == "eq:logits"
    assert payload["detail"]["substituted"] == {"h": "eq:hidden"}
    assert payload["detail"]["tolerance"]["precision"] == "single"  # nn.Linear's float32 weights
    assert payload["detail"]["called"] == "called with x"
    assert payload["detail"]["case"] == 1
    json.dumps(payload, allow_nan=False)

    # The same check with the bias of the second layer dropped from the code is refuted.
    wrong = vt.check("eq:logits", lambda x: net.fc2.weight @ torch.relu(net.fc1(x)), x=x,
                     W_1=net.fc1.weight, b_1=net.fc1.bias, W_2=net.fc2.weight, b_2=net.fc2.bias)
    assert not wrong and last()["status"] == "refuted"
    assert last()["detail"]["case"] == 2


def test_autograd_cross_entropy_and_its_gradient() -> None:
    torch = pytest.importorskip("torch")
    import torch.nn.functional as F

    use_document("autograd.md")
    torch.manual_seed(1)
    Z = torch.randn(8, 5, dtype=torch.float64)
    labels = torch.randint(0, 5, (8,))
    Y = F.one_hot(labels, 5).to(torch.float64)
    Y_hat = torch.softmax(Z, dim=1)
    assert vt.check("eq:xent", lambda Z, Y: F.cross_entropy(Z, Y.argmax(dim=1)), Z=Z, Y=Y, Y_hat=Y_hat), last()

    def autograd_grad(Z: Any, Y: Any) -> Any:
        Z = Z.clone().requires_grad_(True)
        F.cross_entropy(Z, Y.argmax(dim=1)).backward()
        return Z.grad

    assert vt.check("eq:xent-grad", autograd_grad, Z=Z, Y=Y, Y_hat=Y_hat), last()
    assert last()["detail"]["sizes"]["N"] == 8  # from Z \in R^{N x C} in the prose
    assert last()["detail"]["tolerance"]["precision"] == "double"

    # A gradient that is twice too large is refuted, and the factor is named.
    assert not vt.check("eq:xent-grad", lambda Z, Y: 2 * autograd_grad(Z, Y), Z=Z, Y=Y, Y_hat=Y_hat)
    assert "2 times the formula at every input" in last()["detail"]["likely_mistake"]


def test_autograd_chain_rule_is_not_checkable() -> None:
    use_document("autograd.md")
    verdict = vt.check("eq:chain", lambda: 0.0)
    assert last()["status"] == "unchecked" and not verdict
    assert "derivative" in last()["message"]


# ---- linear_regression_tf.md -------------------------------------------------------------------------


def test_linear_regression_mse_and_gradient_with_tensorflow() -> None:
    tf = pytest.importorskip("tensorflow")
    use_document("linear_regression_tf.md")
    rng = np.random.default_rng(42)
    x = rng.normal(size=100)
    y = 3.0 * x + 2.0 + rng.normal(scale=0.5, size=100)

    def mse(w: Any, b: Any, x: Any, y: Any) -> Any:
        return tf.reduce_mean(tf.square(y - (w * x + b)))

    def grad_w(w: Any, b: Any, x: Any, y: Any) -> Any:
        w = tf.Variable(w)
        with tf.GradientTape() as tape:
            loss = mse(w, b, x, y)
        return tape.gradient(loss, w)

    assert vt.check("eq:mse", mse, w=0.7, b=-0.3, x=x, y=y), last()
    assert last()["detail"]["substituted"] == {"y_hat": "eq:model"}
    assert last()["detail"]["sizes"]["n"] == 100
    assert vt.check("eq:grad-w", grad_w, w=0.7, b=-0.3, x=x, y=y), last()
    assert last()["detail"]["tolerance"]["precision"] == "single"  # the float32 tf.Variable inside grad_w

    out_shape = (1, 30, 30, 16)
    assert vt.check("eq:conv-size", lambda H, k: out_shape[1], H=32, k=3), last()


def test_linear_regression_with_numpy_alone() -> None:
    use_document("linear_regression_tf.md")
    rng = np.random.default_rng(42)
    x = rng.normal(size=100)
    y = 3.0 * x + 2.0 + rng.normal(scale=0.5, size=100)
    assert vt.check("eq:mse", lambda w, b, x, y: np.mean((y - (w * x + b)) ** 2), w=0.7, b=-0.3, x=x, y=y)
    assert vt.check("eq:grad-w", lambda w, b, x, y: -2 * np.mean(x * (y - (w * x + b))), w=0.7, b=-0.3, x=x, y=y)
    # The gradient without its 2 is refuted with the factor named.
    assert not vt.check("eq:grad-w", lambda w, b, x, y: -np.mean(x * (y - (w * x + b))), w=0.7, b=-0.3, x=x, y=y)
    assert "1/2 times" in last()["detail"]["likely_mistake"]
    # An output size off by one is refuted.
    assert not vt.check("eq:conv-size", lambda H, k: H - k, H=32, k=3)


# ---- attention.md ------------------------------------------------------------------------------------


def test_attention_implements_on_ten_torch_samples() -> None:
    torch = pytest.importorskip("torch")
    use_document("attention.md")

    @vt.implements("eq:attention", shapes={"Q": (4, 8), "K": (6, 8), "V": (6, 3)}, where={"d_k": 8}, samples=10)
    def attention(Q: Any, K: Any, V: Any) -> Any:
        d_k = Q.shape[-1]
        scores = Q @ K.transpose(-2, -1) / math.sqrt(d_k)
        return torch.softmax(scores, dim=-1) @ V

    payload = last()
    assert payload["kind"] == "implements" and payload["status"] == "verified", payload["message"]
    assert payload["detail"]["samples"] == 10 and payload["detail"]["framework"] == "torch"
    assert callable(attention)  # the decorator returns the function unchanged

    @vt.implements("eq:attention", shapes={"Q": ("n", "d_k"), "K": ("m", "d_k"), "V": ("m", "d_v")}, samples=5)
    def unscaled(Q: Any, K: Any, V: Any) -> Any:
        return torch.softmax(Q @ K.transpose(-2, -1), dim=-1) @ V

    payload = last()
    assert payload["status"] == "refuted"
    assert "`Q K^\\top` not divided by `\\sqrt{d_k}`" in payload["detail"]["likely_mistake"]
    assert payload["detail"]["sample"] == 1 and isinstance(payload["detail"]["inputs"]["Q"], list)


def test_attention_l2_with_the_front_matter_macro() -> None:
    torch = pytest.importorskip("torch")
    context = use_document("attention.md")
    assert "\\norm" in context["macros"]

    def regularised(L: Any, lam: Any, theta: Any) -> Any:
        return L + lam * torch.sum(theta ** 2)

    assert vt.check("eq:l2", regularised, L=torch.tensor(0.3), lam=0.01, theta=torch.randn(20),
                    symbols={"lam": r"\lambda"}), last()


# ---- softmax_stability.ipynb -------------------------------------------------------------------------


def test_logsumexp_against_the_last_side() -> None:
    use_document("softmax_stability.ipynb")

    def logsumexp(z: np.ndarray) -> float:
        m = np.max(z)
        return float(m + np.log(np.sum(np.exp(z - m))))

    z = np.array([1000.0, 999.0, 998.0])
    assert vt.check("eq:logsumexp", logsumexp, z=z, m=np.max(z)), last()
    assert last()["detail"]["substituted"] == {}  # m is given, never re-derived from m = max_j z_j
    # Without m, it comes from the document's inline definition m = \max_j z_j.
    assert vt.check("eq:logsumexp", logsumexp, z=z), last()
    assert last()["detail"]["substituted"] == {"m": "the document"}
    assert last()["detail"]["case"] == 2


# ---- planted_sigmoid.md ------------------------------------------------------------------------------


def test_planted_sigmoid_gradient_is_refuted_with_the_worst_input() -> None:
    use_document("planted_sigmoid.md")

    def sigmoid(x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-x))

    def sigmoid_grad(x: np.ndarray) -> np.ndarray:
        s = sigmoid(x)
        return s * (1.0 - s)

    x = np.linspace(-4.0, 4.0, 9)
    assert not vt.check("eq:sigmoid-grad", sigmoid_grad, x=x)
    payload = last()
    detail = payload["detail"]
    assert payload["status"] == "refuted"
    assert detail["index"] == [8] and detail["inputs"] == {"x[8]": 4.0}
    s = 1 / (1 + math.exp(-4.0))
    assert detail["formula_value"] == pytest.approx(s * (1 + s)) and detail["code_value"] == pytest.approx(s * (1 - s))
    assert detail["substituted"] == {"sigma": "eq:sigmoid"}
    assert "`-` in place of `+`" in detail["likely_mistake"]
    assert "x[8] = 4.0" in payload["message"]
