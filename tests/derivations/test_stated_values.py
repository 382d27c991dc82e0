"""Stated values: a closed expression `\\approx` a decimal claims the digits shown, with numbers bound in
prose and in code literals (read, never run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from veritex.model import Item
from veritex.readers.markdown import read_markdown
from veritex.stages.derivations import check_identities


def identities(markdown: str) -> list[Item]:
    doc = read_markdown(markdown, Path("doc.md"))
    check_identities(doc, None)
    return [i for i in doc.items if i.kind == "identity"]


def last(markdown: str) -> Item:
    return identities(markdown)[-1]


@pytest.mark.parametrize("tex", [
    r"\sqrt{2} \approx 1.414",
    r"\sqrt{2} \approx 1.4142",
    r"\sqrt{2} \approx 1.41",
    r"\pi \approx 3.14",
    r"e^{-1} \approx 0.3679",
    r"\frac{1}{3} \approx 0.333",
    r"-\frac{1}{3} \approx -0.333",
    r"1.732 \approx \sqrt{3}",
])
def test_digits_shown_hold_to_one_unit_in_the_last(tex: str) -> None:
    item = last(f"$$\n{tex}\n$$\n")
    assert item.status == "verified", item.message
    assert "decimal place" in item.message


@pytest.mark.parametrize("tex, computed", [
    (r"\sqrt{2} \approx 1.43", "1.4142"),
    (r"\frac{1}{3} \approx 0.32", "0.3333"),
    (r"2^{-1/2} \approx 1.41421", "0.7071068"),  # the exponent's sign inverted
    (r"\sqrt{3} \approx 1.743", "1.73205"),
])
def test_digits_off_by_more_than_one_unit_are_refuted(tex: str, computed: str) -> None:
    item = last(f"$$\n{tex}\n$$\n")
    assert item.status == "refuted", item.message
    assert f"evaluates to {computed}" in item.message
    step = item.detail["steps"][0]
    assert step["fix"].startswith("≈ ")


def test_an_approximation_between_expressions_is_still_never_refuted() -> None:
    item = last("$$\n\\sin x \\approx x - 0.5\n$$\n")
    assert item.status != "refuted"


def test_a_name_left_free_says_nothing_about_digits() -> None:
    item = last("$$\n\\frac{1-\\theta}{\\theta^2} \\approx 90.0\n$$\n")
    assert item.status != "refuted"


def test_values_bound_in_prose_name_where_they_came_from() -> None:
    text = ("With $\\theta = 0.1$ the variance is\n\n$$\n\\frac{1-\\theta}{\\theta} \\approx 90.0\n$$\n\n"
            "and the right one is\n\n$$\n\\frac{1-\\theta}{\\theta^2} \\approx 90.0\n$$\n")
    wrong, right = identities(text)
    assert wrong.status == "refuted", wrong.message
    assert "theta = 0.1 from the prose at line 1" in wrong.message
    assert "evaluates to 9.000, not the 90.0 stated" in wrong.message
    assert wrong.detail["steps"][0]["fix"] == "≈ 9.0"
    assert right.status == "verified", right.message


def test_the_latest_value_before_the_formula_is_used() -> None:
    text = ("Let $n = 10$.\n\n$$\n2^n \\approx 1024.0\n$$\n\nNow let $n = 3$.\n\n$$\n2^n \\approx 8.0\n$$\n\n"
            "Later $n = 5$.\n")
    first, second = identities(text)
    assert first.status == second.status == "verified", (first.message, second.message)


def test_values_from_code_literals_without_running_the_code() -> None:
    text = ("```python\nT, r = 10, 0.03\ng = 0.02\nraise SystemExit('never run')\n```\n\n"
            "$$\n\\frac{(T+1)^2 r g}{r - g + r g} \\approx 6.85\n$$\n\n"
            "$$\n\\frac{(T+1) r g}{r - g} \\approx 6.85\n$$\n")
    right, wrong = identities(text)
    assert right.status == "verified", right.message
    assert wrong.status == "refuted", wrong.message
    assert "T = 10 from the code at line 2" in wrong.message and "g = 0.02 from the code at line 3" in wrong.message
    assert "evaluates to 0.6600" in wrong.message


def test_code_after_the_formula_binds_nothing_for_it() -> None:
    text = "$$\n\\frac{1}{\\theta} \\approx 3.0\n$$\n\n```python\ntheta = 0.5\n```\n"
    assert last(text).status != "refuted"


def test_a_logarithm_of_another_base_leaves_the_digits_in_doubt() -> None:
    assert last("$$\n\\log 2 \\approx 0.301\n$$\n").status != "refuted"
    assert last("$$\n\\log 8 \\approx 3.0\n$$\n").status != "refuted"
    assert last("$$\n\\log 2 \\approx 0.693\n$$\n").status == "verified"
    assert last("$$\n\\log 2 \\approx 0.5\n$$\n").status == "refuted"


def test_constants_and_summation_indices_are_never_bound() -> None:
    text = ("```python\npi = 3\ne = 2\ni = 7\n```\n\n$$\n\\pi e \\approx 8.54\n$$\n\n"
            "$$\n\\sum_{i=1}^{3} i \\approx 6.0\n$$\n")
    constants, total = identities(text)
    assert constants.status == "verified", constants.message
    assert total.status == "verified", total.message
