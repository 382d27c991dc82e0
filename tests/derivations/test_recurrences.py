"""Steps about a family defined by a recurrence, checked by unrolling the recurrence."""

from __future__ import annotations

from pathlib import Path

import pytest

from veritex.derivations.recurrences import index_at, offset_of
from veritex.math import ast, parse
from veritex.model import Item
from veritex.readers.markdown import read_markdown
from veritex.stages.derivations import check_identities


def check(*formulas: tuple[str, str]) -> dict[str | None, Item]:
    text = "".join(f"$$\n{tex}\n$$ ({label})\n\n" for tex, label in formulas)
    doc = read_markdown(text, Path("doc.md"))
    check_identities(doc, None)
    return {i.label: i for i in doc.items if i.kind == "identity"}


def steps(item: Item) -> dict[str, dict[str, object]]:
    return {s["step"]: s for s in item.detail["steps"]}


SAVINGS = (r"S_{k+1} = \rho S_k + u + v Z_{k+1}", "eq:savings")
BACK = [r"S_k", r"\rho S_{k-1} + u + v Z_k",
        r"\rho^2 S_{k-2} + \rho u + \rho v Z_{k-1} + u + v Z_k",
        r"\rho^3 S_{k-3} + \rho^2 u + \rho^2 v Z_{k-2} + \rho u + \rho v Z_{k-1} + u + v Z_k"]
DROPPED = r"\rho^3 S_{k-3} + \rho^2 u + \rho^2 v Z_{k-2} + u + v Z_k"  # loses \rho u + \rho v Z_{k-1}


def test_a_chain_unrolled_by_hand_is_verified_through_the_labelled_recurrence() -> None:
    item = check(SAVINGS, (" = ".join(BACK), "eq:back"))["eq:back"]
    assert item.status == "verified", item.message
    assert "S unrolled by its recurrence (eq:savings) down to S_{k-3}" in item.message


def test_a_dropped_term_is_refuted_at_the_step_that_drops_it() -> None:
    item = check(SAVINGS, (" = ".join([*BACK[:3], DROPPED]), "eq:back"))["eq:back"]
    assert item.status == "refuted", item.message
    by_step = steps(item)
    assert by_step["2 → 3"]["status"] == "verified"
    assert by_step["3 → 4"]["status"] == "refuted"
    point = by_step["3 → 4"]["point"]
    assert isinstance(point, dict)
    # the lowest term and each shock are drawn as names of their own
    assert {"S_{k-3}", "Z_k", "Z_{k-1}", "Z_{k-2}"} <= set(point)
    # the dropped part is what separates the sides
    rho, u, v, z1 = point["rho"], point["u"], point["v"], point["Z_{k-1}"]
    lhs, rhs = by_step["3 → 4"]["lhs"], by_step["3 → 4"]["rhs"]
    assert isinstance(lhs, float) and isinstance(rhs, float)
    assert lhs - rhs == pytest.approx(rho * u + rho * v * z1, rel=1e-6)
    fix = by_step["3 → 4"]["fix"]
    assert isinstance(fix, str) and "Z_{k-1}" in fix and "a term lost on one side" in fix


def test_a_chain_whose_first_line_states_the_recurrence_is_checked_through_it() -> None:
    right = check((" = ".join(BACK), "eq:back"))["eq:back"]
    assert right.status == "verified", right.message
    wrong = check((" = ".join([*BACK[:3], DROPPED]), "eq:back"))["eq:back"]
    assert wrong.status == "refuted" and set(steps(wrong)) == {"2 → 3", "3 → 4"}
    assert steps(wrong)["3 → 4"]["status"] == "refuted"


def test_a_definition_inside_the_recurrence_is_substituted_before_the_terms_are_drawn() -> None:
    descent = (r"\theta_{k+1} = \theta_k - \eta g_k", "eq:descent")
    gradient = (r"g_k = 2 c \theta_k", "eq:gradient")
    right = check(descent, gradient, (r"\theta_{k+2} - 0 = (1 - 2 c \eta)^2 \theta_k", "eq:it"))["eq:it"]
    assert right.status == "verified", right.message
    wrong = check(descent, gradient, (r"\theta_{k+2} - 0 = (1 - 2 c \eta) \theta_k", "eq:it"))["eq:it"]
    assert wrong.status == "refuted" and "theta_{k+1}" not in str(wrong.detail["steps"][0]["point"])


def test_a_restatement_listing_the_terms_in_another_order_is_the_same_recurrence() -> None:
    restated = (r"S_k = u - (-v Z_k) + \rho S_{k-1}", "eq:again")
    item = check(SAVINGS, restated, (" = ".join([*BACK[:3], DROPPED]), "eq:back"))["eq:back"]
    assert item.status == "refuted" and steps(item)["3 → 4"]["status"] == "refuted"


def test_a_second_order_recurrence_leaves_two_terms_free() -> None:
    fib = (r"F_{n+2} = F_{n+1} + F_n", "eq:fib")
    right = check(fib, (r"F_{n+4} - F_{n+2} = 2 F_{n+1} + F_n", "eq:it"))["eq:it"]
    assert right.status == "verified", right.message
    wrong = check(fib, (r"F_{n+4} - F_{n+2} = 2 F_{n+1} + 2 F_n", "eq:it"))["eq:it"]
    assert wrong.status == "refuted" and "F unrolled by its recurrence (eq:fib) down to F_{n}" in wrong.message


@pytest.mark.parametrize("formulas", [
    # two recurrences that disagree (two models sharing a name)
    [SAVINGS, (r"S_{k+1} = \rho S_k + v Z_k", "eq:other")],
    # an index that is not the variable plus a whole number
    [(r"S_{2k} = \rho S_{k} + u", "eq:savings")],
    # the body brings in another family that a recurrence defines: drawing it freely is not certain
    [(r"S_{k+1} = \rho S_k + u Z_{k+1}", "eq:savings"), (r"Z_{k+1} = Z_k + S_k", "eq:z")],
])
def test_an_ambiguous_recurrence_keeps_the_step_unchecked(formulas: list[tuple[str, str]]) -> None:
    claim = (" = ".join([*BACK[:3], DROPPED]).replace(r"S_k = ", r"S_k - 0 = ", 1), "eq:back")
    item = check(*formulas, claim)["eq:back"]
    assert item.status != "refuted", item.message
    assert "is defined by a recurrence" in item.message


def test_a_recurrence_stated_only_further_down_is_not_used() -> None:
    item = check((" = ".join([*BACK[:3], DROPPED]).replace(r"S_k = ", r"S_k - 0 = ", 1), "eq:back"), SAVINGS)
    assert item["eq:back"].status == "unchecked" and "is defined by a recurrence" in item["eq:back"].message


def test_a_step_in_another_index_variable_is_not_unrolled() -> None:
    item = check(SAVINGS, (r"S_{j+1} - \rho S_j = u + v Z_{j}", "eq:it"))["eq:it"]
    assert item.status == "unchecked" and "is defined by a recurrence" in item.message


def test_offsets_are_read_from_indices_and_written_back_plainly() -> None:
    t = ast.Symbol("t")
    for tex, expected in [("t", 0), ("t+1", 1), ("t-2", -2), ("-1+t", -1)]:
        index = parse(f"x_{{{tex}}}").statements[0].sides[0]
        assert isinstance(index, ast.Subscript)
        assert offset_of(index.index) == (t, expected), tex
    for tex in ("2t", "t+s", "t/2"):
        index = parse(f"x_{{{tex}}}").statements[0].sides[0]
        assert isinstance(index, ast.Subscript) and offset_of(index.index) is None, tex
    assert str(index_at(t, -3)) == "(- t 3)" and index_at(t, 0) == t
