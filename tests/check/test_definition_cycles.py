"""A check whose formula takes a symbol from another labelled equation never ends in an internal error.

Adam's update uses the bias-corrected moments defined in their own labelled equations. When such a
definition is wrong (a mutated one, one that uses itself, a recurrence with no first value), the check
ends refuted with the counterexample and the defining equation named, or unchecked with the reason and
the defining equation named.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import veritex.runtime as vt
from veritex.runtime import session

UPDATE = r"\theta_t = \theta_{t-1} - \alpha \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}"
M_HAT = r"\hat m_t = \frac{m_t}{1 - \beta_1^t}"
V_HAT = r"\hat v_t = \frac{v_t}{1 - \beta_2^t}"
M_RECURRENCE = r"m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t"

rng = np.random.default_rng(3)
THETA, M, V, G = rng.standard_normal(5), rng.standard_normal(5), rng.random(5) + 0.1, rng.standard_normal(5)
VALUES: dict[str, Any] = {"theta": THETA, "m": M, "v": V, "alpha": 0.01, "beta_1": 0.9, "beta_2": 0.999, "t": 3,
                          "eps": 1e-8}
SYMBOLS = {"theta": r"\theta_{t-1}", "m": "m_t", "v": "v_t", "eps": r"\epsilon"}


def adam(theta: Any, m: Any, v: Any, alpha: float, beta_1: float, beta_2: float, t: int, eps: float) -> Any:
    return theta - alpha * (m / (1 - beta_1**t)) / (np.sqrt(v / (1 - beta_2**t)) + eps)


def document(*definitions: tuple[str, str]) -> str:
    parts = ["---\ntitle: Adam\n---\n\nThe bias-corrected moments:\n"]
    for label, tex in definitions:
        parts.append(f"$$\n{tex}\n$$ ({label})\n")
    parts.append(f"and the update:\n\n$$\n{UPDATE}\n$$ (eq:adam)\n")
    return "\n".join(parts)


@pytest.fixture(autouse=True)
def plain_session(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    saved = session.context
    session.context = {}
    session.verdicts.clear()
    yield
    session.context = saved
    session.verdicts.clear()


def check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, **overrides: Any) -> dict[str, Any]:
    path = tmp_path / "adam.md"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    values = {**VALUES, **overrides}
    fn = overrides.pop("fn", adam)
    values.pop("fn", None)
    vt.check("eq:adam", fn, symbols=SYMBOLS, **values)
    verdict = session.verdicts[-1]
    assert verdict["detail"].get("reason") != "internal", verdict["message"]
    assert verdict["status"] != "error", verdict["message"]
    return verdict


def test_the_right_definitions_verify(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    verdict = check(tmp_path, monkeypatch, document(("eq:mhat", M_HAT), ("eq:vhat", V_HAT)))
    assert verdict["status"] == "verified", verdict["message"]
    assert "eq:mhat" in verdict["message"] and "eq:vhat" in verdict["message"]


@pytest.mark.parametrize("wrong", [
    r"\hat m_t = \frac{m_t}{1 - \beta_1}",  # the exponent dropped
    r"\hat m_t = \frac{m_t}{1 + \beta_1^t}",  # a sign flipped
    r"\hat m_t = \frac{1}{2}\frac{m_t}{1 - \beta_1^t}",  # halved
    r"\hat m_t = \frac{\hat v_t}{1 - \beta_1^t}",  # the other moment
])
def test_a_wrong_definition_is_refuted_with_its_equation_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wrong: str) -> None:
    verdict = check(tmp_path, monkeypatch, document(("eq:mhat", wrong), ("eq:vhat", V_HAT)))
    assert verdict["status"] == "refuted", verdict["message"]
    assert "the formula gives" in verdict["message"] and "the code gives" in verdict["message"]
    assert "from eq:mhat" in verdict["message"]


def test_the_likely_mistake_is_found_in_the_defining_equation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    verdict = check(tmp_path, monkeypatch, document(("eq:mhat", r"\hat m_t = \frac{m_t}{1 - \beta_1}"),
                                                    ("eq:vhat", V_HAT)))
    assert verdict["status"] == "refuted", verdict["message"]
    assert verdict["detail"]["likely_mistake"].endswith("(an exponent missing) in eq:mhat"), verdict["message"]
    assert "`\\beta_1^{t}` in place of `\\beta_1`" in verdict["detail"]["likely_mistake"]


@pytest.mark.parametrize("wrong", [
    r"\hat m_t = \frac{\hat m_t}{1 - \beta_1^t}",  # defined in terms of itself
    r"\hat m_t = \frac{\hat m_{t-1}}{1 - \beta_1^t}",  # a recurrence with no first value
])
def test_a_definition_that_uses_itself_is_unchecked_with_its_equation_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wrong: str) -> None:
    verdict = check(tmp_path, monkeypatch, document(("eq:mhat", wrong), ("eq:vhat", V_HAT)))
    assert verdict["status"] == "unchecked", verdict["message"]
    assert verdict["detail"]["reason"] == "cannot-evaluate"
    message = verdict["message"]
    assert "in eq:mhat" in message and ("itself" in message or "recurrence" in message), message


def test_a_recurrence_without_its_first_value_is_unchecked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """m_t = beta_1 m_{t-1} + ...: with only the gradient given, m_{t-1} has no value anywhere."""
    text = document(("eq:m", M_RECURRENCE), ("eq:mhat", M_HAT), ("eq:vhat", V_HAT))

    def from_gradient(theta: Any, v: Any, g: Any, alpha: float, beta_1: float, beta_2: float, t: int,
                      eps: float) -> Any:
        return adam(theta, M, v, alpha, beta_1, beta_2, t, eps)

    path = tmp_path / "adam.md"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    values = {k: x for k, x in VALUES.items() if k != "m"}
    vt.check("eq:adam", from_gradient, symbols={k: s for k, s in SYMBOLS.items() if k != "m"}, g=G, **values)
    verdict = session.verdicts[-1]
    assert verdict["status"] == "unchecked", verdict["message"]
    assert "recurrence" in verdict["message"] and "in eq:m)" in verdict["message"]


def test_a_mutated_recurrence_is_unchecked_not_internal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """v_{t-1} where v_t was meant: the recurrence defining v has no first value, so this is unchecked."""
    v_recurrence = r"v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2"
    text = document(("eq:m", M_RECURRENCE), ("eq:v", v_recurrence), ("eq:mhat", M_HAT),
                    ("eq:vhat", r"\hat v_t = \frac{v_{t-1}}{1 - \beta_2^t}"))
    verdict = check(tmp_path, monkeypatch, text)
    assert verdict["status"] == "unchecked", verdict["message"]
    assert "recurrence" in verdict["message"] and "in eq:v)" in verdict["message"]
