"""Precision first: each class of reading that once gave a false alarm, with a formula written for the test.

A refuted verdict must be as trustworthy as a failing unit test, so an uncertain reading is left unchecked
with a listed reason (`veritex.derivations.reasons`), while a plain mistake beside it is still refuted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from veritex.derivations import reasons
from veritex.model import Item
from veritex.readers import read
from veritex.stages import derivations
from veritex.stages.derivations import check_identities

ROOT = Path(__file__).resolve().parents[2]


def checked(tmp_path: Path, text: str) -> list[Item]:
    path = tmp_path / "doc.md"
    path.write_text(text, encoding="utf-8")
    doc = read(path)
    check_identities(doc, None)
    return [i for i in doc.items if i.kind == "identity"]


def codes(item: Item) -> set[str]:
    detail = item.detail or {}
    return {str(c) for c in [detail.get("code"), *(s.get("code") for s in detail.get("steps", []))] if c}


def only(items: list[Item]) -> Item:
    assert len(items) == 1, [i.message for i in items]
    return items[0]


# -- operators are never products ---------------------------------------------------------------------------


@pytest.mark.parametrize(("formula", "operator"), [
    (r"E[Y \mid Z] = E[Y]", "E"),  # conditional: never read as a moment (test_moments.py)
    (r"\operatorname{Var}(Y \mid Z) + 1 = 1 + \operatorname{Var}(Y)", "Var"),
    (r"\Pr(A) = 1 - \Pr(B)", "Pr"),
    (r"D_t h = 3t^2", "D_t"),
    (r"\delta(t - t_0) h = \delta(t - t_0) h_0", "delta"),
])
def test_an_operator_applied_to_an_argument_is_not_a_product(tmp_path: Path, formula: str, operator: str) -> None:
    item = only(checked(tmp_path, f"Claim:\n\n$$\n{formula}\n$$\n"))
    assert item.status == "unchecked", item.message
    assert reasons.OPERATOR.code in codes(item)
    assert f"uses the operator {operator}" in item.message


def test_a_derivative_applied_at_a_point_is_not_a_product(tmp_path: Path) -> None:
    items = checked(tmp_path, "Let\n\n$$\nh(t) = t^3 + 5t\n$$\n\nThen\n\n$$\n\\frac{dh}{dt}(t) = 3t^2 + 5\n$$\n")
    item = only(items)
    assert item.status == "unchecked" and reasons.DERIVATIVE_AT_POINT.code in codes(item), item.message


def test_a_name_before_square_brackets_is_a_function_in_bracket_notation(tmp_path: Path) -> None:
    item = only(checked(tmp_path, "$$\ng[u] + g[-u] = 2u^2\n$$\n"))
    assert item.status == "unchecked" and reasons.BRACKET_APPLICATION.code in codes(item), item.message
    word = only(checked(tmp_path, "$$\n\\mathrm{step}[u] + \\mathrm{step}[-u] = 1\n$$\n"))
    assert word.status == "unchecked" and reasons.OPERATOR.code in codes(word), word.message


def test_a_letter_before_parentheses_is_still_a_product_and_a_mistake_still_refuted(tmp_path: Path) -> None:
    item = only(checked(tmp_path, "$$\nc(u + v) = cu + cv + 1\n$$\n"))
    assert item.status == "refuted", item.message


# -- the imaginary unit is never sampled as a real -------------------------------------------------------------


def test_the_imaginary_unit_of_a_complex_document_is_read_as_the_unit(tmp_path: Path) -> None:
    text = ("Euler:\n\n$$\ne^{i\\phi} = \\cos\\phi + i\\sin\\phi\n$$\n\nand\n\n"
            "$$\n(\\cos\\phi + i\\sin\\phi)^2 = \\cos 2\\phi + 2i\\sin\\phi\\cos\\phi\n$$\n\n"
            "$$\ne^{i\\phi} e^{-i\\phi} = 2\\cos\\phi\n$$\n")
    euler, square, wrong = checked(tmp_path, text)
    assert euler.status == "verified" and square.status == "verified", (euler.message, square.message)
    # Read as complex, a mismatch verifies nothing and is never refuted; `i` is never sampled as a real.
    assert wrong.status == "unchecked" and reasons.IMAGINARY_UNIT.code in codes(wrong), wrong.message


def test_an_index_named_i_is_still_an_index(tmp_path: Path) -> None:
    text = ("$$\n\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}\n$$\n\n"
            "$$\n\\frac{e^{z_i + c}}{\\sum_{j=1}^{n} e^{z_j + c}} = \\frac{e^{z_i}}{\\sum_{j=1}^{n} e^{z_j}}\n$$\n")
    assert [i.status for i in checked(tmp_path, text)] == ["verified", "verified"]


# -- a chain rule through intermediate variables is not checked by substitution --------------------------------


def test_a_chain_rule_through_intermediate_variables_is_not_sampled_freely(tmp_path: Path) -> None:
    text = ("$$\n\\begin{aligned}\ng(p, q) & = p q^2, \\\\\np(s) & = s^3, \\qquad q(s) = 2s + 1.\n"
            "\\end{aligned}\n$$\n\nBy the chain rule\n\n"
            "$$\n\\frac{\\partial g}{\\partial s} = \\frac{\\partial g}{\\partial p}\\frac{\\partial p}{\\partial s}"
            " + \\frac{\\partial g}{\\partial q}\\frac{\\partial q}{\\partial s}\n$$\n")
    item = only(checked(tmp_path, text))
    assert item.status == "unchecked" and reasons.INTERMEDIATE_VARIABLES.code in codes(item), item.message


# -- statements that are not identities ----------------------------------------------------------------------


def test_a_model_equation_named_by_a_word_is_a_definition(tmp_path: Path) -> None:
    items = checked(tmp_path, "$$\n\\textrm{cost} = c_0 + c_1 \\cdot \\textrm{size} + b\n$$\n")
    assert not [i for i in items if i.status == "refuted"], [i.message for i in items]


def test_an_equation_the_text_says_to_solve_is_not_an_identity(tmp_path: Path) -> None:
    item = only(checked(tmp_path, "To find the equilibrium price we solve\n\n$$\n3 q + 2 = 7 - q\n$$\n"))
    assert item.status == "unchecked" and reasons.EQUATION_TO_SOLVE.code in codes(item), item.message


def test_sides_that_share_no_variable_are_an_equation(tmp_path: Path) -> None:
    item = only(checked(tmp_path, "Hence\n\n$$\n(M - N) v = r - s\n$$\n"))
    assert item.status == "unchecked" and reasons.NOT_AN_IDENTITY.code in codes(item), item.message


# -- definitions flow forward only ------------------------------------------------------------------------------


def test_a_definition_further_down_defines_nothing_before_it(tmp_path: Path) -> None:
    text = ("First\n\n$$\nk(t) - 1 = t^2\n$$\n\nand much later, for another model,\n\n$$\nk(t) = t^2 + 2\n$$\n")
    item = only(checked(tmp_path, text))
    assert item.status == "unchecked" and reasons.DEFINED_LATER.code in codes(item), item.message


def test_a_sum_without_a_range_is_not_given_one(tmp_path: Path) -> None:
    item = only(checked(tmp_path, "$$\n\\sum_k a_k b_k = a_1 b_1 + a_2 b_2\n$$\n"))
    assert item.status == "unchecked" and reasons.BARE_SUM.code in codes(item), item.message


def test_an_index_a_definition_binds_is_not_captured(tmp_path: Path) -> None:
    text = "$$\nf(\\mathbf{x}) = \\sum_{i=1}^{n} c_i x_i\n$$\n\nso\n\n$$\n\\frac{df}{dx_i} = c_i\n$$\n"
    item = only(checked(tmp_path, text))
    assert item.status != "refuted", item.message


# -- no exception ends a check as a verdict --------------------------------------------------------------------


def test_matrix_arithmetic_sympy_refuses_is_a_listed_reason(tmp_path: Path) -> None:
    text = "$$\n\\left(\\begin{bmatrix} 2 & 0 \\\\ 0 & 3 \\end{bmatrix} - \\lambda\\right) x = 0 + x - x\n$$\n"
    item = only(checked(tmp_path, text))
    assert item.status == "unchecked", item.message
    assert reasons.CHECKER_FAILURE.code not in codes(item)


def test_a_failure_inside_the_checker_is_named_so_the_tests_see_it(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from veritex.derivations import steps

    def broken(plan: object, seed: int) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(steps, "check_plan", broken)
    assert derivations  # the stage imports check_plan from `steps` when it runs
    item = only(checked(tmp_path, "$$\n(u + 1)^2 = u^2 + 2u + 1\n$$\n"))
    assert item.status == "unchecked" and codes(item) == {reasons.CHECKER_FAILURE.code}
    assert "RuntimeError" in item.message and "boom" not in item.message


# -- the list is documented ---------------------------------------------------------------------------------------


def test_every_listed_reason_is_documented() -> None:
    page = (ROOT / "docs" / "unchecked-reasons.md").read_text(encoding="utf-8")
    assert len({r.code for r in reasons.REASONS}) == len(reasons.REASONS)
    for reason in reasons.REASONS:
        assert f"`{reason.code}`" in page, reason.code
    assert "docs/unchecked-reasons.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_checker_own_words_fall_under_a_listed_reason() -> None:
    assert reasons.classify("cannot interpret \\int at 3:4: integrals") is reasons.OUTSIDE_SUBSET
    assert reasons.classify("o, h are never defined: an abstract statement") is reasons.NEVER_DEFINED
    assert reasons.classify(reasons.OPERATOR.say(name="E")) is reasons.OPERATOR


def test_a_formula_given_as_an_example_in_prose_defines_nothing(tmp_path: Path) -> None:
    claim = "$$\n\\int_0^1 f(x) \\, dx = \\frac{1}{2}\n$$\n"
    example = only(checked(tmp_path, f"The area under a curve (consider $f(x) = x^2$) is finite.\n\n{claim}"))
    assert example.status == "unchecked" and "f" in example.message
    defined = only(checked(tmp_path, f"Let $f(x) = x$ be the identity.\n\n{claim}"))
    assert defined.status == "verified"
    wrong = only(checked(tmp_path, f"Let $f(x) = x^2$.\n\n{claim}"))
    assert wrong.status == "refuted"
