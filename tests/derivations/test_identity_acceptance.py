"""The identity verdicts the acceptance documents call for, from the documents themselves."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from veritex.model import Item
from veritex.readers import read
from veritex.stages.derivations import check_identities

ACCEPTANCE = Path("/work/shared/acceptance")
pytestmark = pytest.mark.skipif(not ACCEPTANCE.is_dir(), reason="acceptance documents not present")


def identities(name: str, tmp_path: Path | None = None) -> dict[str | None, Item]:
    doc = read(ACCEPTANCE / name)
    check_identities(doc, tmp_path)
    items = [i for i in doc.items if i.kind == "identity"]
    return {i.label: i for i in items}


def test_square_grad_verified_chain_unchecked_xent_grad_not_refuted() -> None:
    items = identities("autograd.md")
    assert items["eq:square-grad"].status == "verified"
    assert items["eq:chain"].status == "unchecked"
    assert "never defined" in items["eq:chain"].message
    assert "o, h" in items["eq:chain"].message
    assert items["eq:xent-grad"].status != "refuted"
    assert items["eq:xent-grad"].message  # says why


def test_grad_w_as_a_derivative_of_the_mse() -> None:
    items = identities("linear_regression_tf.md")
    grad = items["eq:grad-w"]
    assert grad.status in ("verified", "unchecked")
    assert grad.status == "verified"  # J from eq:mse and y-hat from eq:model substituted
    assert "eq:mse" in grad.message and "eq:model" in grad.message
    assert set(items) == {"eq:grad-w"}  # eq:model, eq:mse, eq:conv-size are definitions


def test_rows_sum_not_refuted_and_definitions_not_checked() -> None:
    items = identities("attention.md")
    assert items["eq:rows-sum"].status in ("verified", "unchecked")
    assert set(items) == {"eq:rows-sum"}  # eq:attention, eq:posenc, eq:l2 define


def test_logsumexp_and_shift_both_steps_verified() -> None:
    items = identities("softmax_stability.ipynb")
    for label in ("eq:logsumexp", "eq:shift"):
        item = items[label]
        assert item.status == "verified", item.message
        assert [s["step"] for s in item.detail["steps"]] == ["1 → 2", "2 → 3"]
        assert all(s["status"] == "verified" for s in item.detail["steps"])
        assert item.position is not None and item.position.cell is not None


def test_planted_sigmoid_refuted_with_the_point_and_both_values() -> None:
    item = identities("planted_sigmoid.md")["eq:sigmoid-grad"]
    assert item.status == "refuted"
    (step,) = item.detail["steps"]
    assert step["step"] == "1 → 2"
    x = step["point"]["x"]
    sigma = 1 / (1 + math.exp(-x))
    assert step["lhs"] == pytest.approx(sigma * (1 - sigma), rel=1e-9)  # the true derivative
    assert step["rhs"] == pytest.approx(sigma * (1 + sigma), rel=1e-9)  # the document's claim
    assert "eq:sigmoid" in item.message and "step 1 → 2" in item.message
    assert item.position is not None and item.position.line == 16


@pytest.mark.parametrize("name", ["autograd.md", "linear_regression_tf.md", "attention.md",
                                  "softmax_stability.ipynb", "broken.md"])
def test_nothing_else_is_refuted(name: str) -> None:
    assert all(item.status != "refuted" for item in identities(name).values())


def test_verdicts_are_the_same_from_the_cache(tmp_path: Path) -> None:
    first = identities("softmax_stability.ipynb", tmp_path)
    second = identities("softmax_stability.ipynb", tmp_path)
    for label, item in first.items():
        assert item.detail["cached"] is False
        assert second[label].detail["cached"] is True
        assert (second[label].status, second[label].message) == (item.status, item.message)
