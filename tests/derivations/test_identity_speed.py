"""Sampling first, `simplify` only where the points cannot settle a step, within a budget per formula."""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy

from veritex.derivations import reasons, symbolic
from veritex.model import Item
from veritex.readers.markdown import read_markdown
from veritex.stages.derivations import check_identities


def one(tex: str) -> Item:
    doc = read_markdown(f"$$\n{tex}\n$$ (eq:it)\n", Path("doc.md"))
    check_identities(doc, None)
    return next(i for i in doc.items if i.kind == "identity" and i.label == "eq:it")


@pytest.fixture
def simplify_calls(monkeypatch: pytest.MonkeyPatch) -> list[sympy.Expr]:
    """Every expression handed to `sympy.simplify` while the test runs."""
    calls: list[sympy.Expr] = []
    original = sympy.simplify

    def counted(expr: sympy.Expr, *args: object, **kwargs: object) -> sympy.Expr:
        calls.append(expr)
        return original(expr, *args, **kwargs)

    monkeypatch.setattr(sympy, "simplify", counted)
    return calls


def steps(item: Item) -> list[dict[str, object]]:
    return list(item.detail["steps"])


def test_an_identity_the_points_settle_never_calls_simplify(simplify_calls: list[sympy.Expr]) -> None:
    item = one(r"\sin(a + b) = \sin a \cos b + \cos a \sin b")
    assert item.status == "verified" and str(steps(item)[0]["how"]).startswith("numeric")
    assert simplify_calls == []


def test_a_mistake_the_points_show_never_calls_simplify(simplify_calls: list[sympy.Expr]) -> None:
    item = one(r"\cos(a + b) = \cos a \cos b + \sin a \sin b")
    assert item.status == "refuted"
    assert simplify_calls == []


def test_what_expanding_proves_stays_symbolic(simplify_calls: list[sympy.Expr]) -> None:
    item = one(r"(u - 2)(u + 2) = u^2 - 4")
    assert item.status == "verified" and steps(item)[0]["how"] == "symbolic"
    assert simplify_calls == []


def test_simplify_settles_what_the_points_cannot(simplify_calls: list[sympy.Expr]) -> None:
    # A function nothing defines is not sampled: only a symbolic proof can verify it.
    item = one(r"g(u) \sin^2 u + g(u) \cos^2 u = g(u)")
    assert item.status == "verified" and steps(item)[0]["how"] == "symbolic"
    assert len(simplify_calls) == 1


def test_a_formula_past_its_budget_is_unchecked_with_the_listed_reason(
        monkeypatch: pytest.MonkeyPatch, simplify_calls: list[sympy.Expr]) -> None:
    monkeypatch.setattr(symbolic, "SIMPLIFY_CALLS_PER_FORMULA", 1)
    item = one(r"g(u) \sin^2 u + g(u) \cos^2 u = g(u) = g(u) (\sin^2 u + \cos^2 u) + 0 \cdot u")
    first, second = steps(item)
    assert first["status"] == "verified" and first["how"] == "symbolic"
    assert second["status"] == "unchecked" and second["code"] == reasons.SYMBOLIC_BUDGET.code
    assert "g" in str(second["reason"]) and "allowance of 1" in str(second["reason"])
    assert item.status == "unchecked" and len(simplify_calls) == 1


def test_the_budget_counts_calls_not_seconds() -> None:
    budget = symbolic.Budget(calls=2)
    x = sympy.Symbol("x")
    assert budget.simplifies_to_zero(sympy.sin(x) ** 2 + sympy.cos(x) ** 2 - 1) is True
    assert budget.simplifies_to_zero(sympy.sin(x) - x) is False
    assert budget.simplifies_to_zero(sympy.cos(x) ** 2 - 1 + sympy.sin(x) ** 2) is None  # spent: not tried
    assert budget.simplifies_to_zero(sympy.Integer(0)) is True  # nothing to prove costs nothing
