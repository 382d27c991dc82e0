"""A closed form of a family held against the recurrence that defines the family."""

from __future__ import annotations

from pathlib import Path

import pytest

from veritex.crosschecks import CrossContext, Finding
from veritex.crosschecks.closed_forms import run
from veritex.derivations.reading import read_document_math
from veritex.readers.markdown import read_markdown

GROWTH = (r"V_{k+1} = g V_k + h + \eta E_{k+1}", "eq:growth")
CLOSED = r"V_k = g^k V_0 + h \sum_{i=0}^{k-1} g^i + \eta \sum_{i=0}^{k-1} g^i E_{k-i}"


def findings(*formulas: tuple[str, str]) -> dict[str | None, Finding]:
    text = "".join(f"$$\n{tex}\n$$ ({label})\n\n" for tex, label in formulas)
    doc = read_markdown(text, Path("doc.md"))
    return {f.math.label: f for f in run(CrossContext(doc, read_document_math(doc)))}


def test_a_correct_closed_form_agrees_with_the_recurrence_at_the_first_indices() -> None:
    found = findings(GROWTH, (CLOSED, "eq:closed"))["eq:closed"]
    assert found.status == "verified"
    assert found.message == "the closed form agrees with V iterated by its recurrence (eq:growth) at k = 1, 2, 3, 4"


def test_a_closed_form_with_a_wrong_range_is_refuted_with_the_values() -> None:
    wrong = CLOSED.replace(r"\sum_{i=0}^{k-1} g^i E", r"\sum_{i=1}^{k-1} g^i E")  # loses the newest shock
    found = findings(GROWTH, (wrong, "eq:closed"))["eq:closed"]
    assert found.status == "refuted"
    assert found.message.startswith("at k = 1 the closed form gives ")
    assert "E_1 = " in found.message and "V_0 = " in found.message
    point = found.detail["values"]
    assert found.detail["iterated"] - found.detail["closed_form"] == pytest.approx(point["eta"] * point["E_1"], rel=1e-6)


def test_a_second_order_recurrence_starts_from_two_first_terms() -> None:
    fib = (r"F_{n+2} = F_{n+1} + F_n", "eq:fib")
    roots = [(r"\phi = \frac{1 + \sqrt{5}}{2}", "eq:phi"), (r"\psi = \frac{1 - \sqrt{5}}{2}", "eq:psi")]
    binet = r"F_n = F_1 \frac{\phi^n - \psi^n}{\phi - \psi} + F_0 \frac{\phi \psi^n - \psi \phi^n}{\phi - \psi}"
    found = findings(fib, *roots, (binet, "eq:binet"))["eq:binet"]
    assert found.status == "verified" and found.message.endswith("at n = 2, 3, 4, 5")
    swapped = binet.replace(r"\phi \psi^n - \psi \phi^n", r"\psi \phi^n - \phi \psi^n")
    assert findings(fib, *roots, (swapped, "eq:binet"))["eq:binet"].status == "refuted"
    # the family at a variable index on the right is no closed form: nothing is said
    assert findings(fib, (r"F_n = F_0 + F_{n-1} - F_{n-1}", "eq:self")) == {}


def test_nothing_is_said_when_the_recurrence_is_ambiguous() -> None:
    other = (r"V_{k+1} = g V_k + h", "eq:other")
    assert findings(GROWTH, other, (CLOSED, "eq:closed")) == {}
    assert findings((CLOSED, "eq:closed")) == {}  # no recurrence at all


def test_nothing_is_said_when_the_recurrence_may_start_later() -> None:
    ranged = (GROWTH[0] + r", \quad k \geq 1", "eq:growth")
    assert findings(ranged, (CLOSED, "eq:closed")) == {}
    first = (r"V_1 = 2 V_0", "eq:first")  # a first step of its own
    assert findings(GROWTH, first, (CLOSED, "eq:closed")) == {}
