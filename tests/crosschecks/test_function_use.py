"""A function defined by a formula held against a later claim that applies it at other arguments."""

from __future__ import annotations

from pathlib import Path

from veritex.crosschecks import function_use

from .support import context_of

DEFINITION = r"""# Sums

Let $h(\mathbf{v}) := \sum_j v_j^2$ be the squared length of $\mathbf{v}$.

"""


def test_a_claim_that_follows_from_the_definition_is_verified(tmp_path: Path) -> None:
    text = DEFINITION + "Scaling gives $h(c \\mathbf{v}) = c^2 h(\\mathbf{v})$.\n"
    (finding,) = function_use.run(context_of(tmp_path, text))
    assert finding.status == "verified"


def test_a_claim_that_fails_at_a_sampled_point_is_refuted_with_the_point(tmp_path: Path) -> None:
    text = DEFINITION + "Shifting gives $h(\\mathbf{v} + c) = h(\\mathbf{v}) + c^2$.\n"
    (finding,) = function_use.run(context_of(tmp_path, text))
    assert finding.status == "refuted"
    assert finding.message == (r"h(\mathbf{v} + c) = h(\mathbf{v}) + c^2 contradicts h(\mathbf{v}) := "
                               r"\sum_j v_j^2 (the formula at line 3): at v = (0, 0), c = 1 the left side is 2 "
                               "and the right side 1.")
    assert finding.detail["point"] == {"v": "(0, 0)", "c": "1"}


def test_a_value_at_a_number_is_compared_to_the_digits_shown(tmp_path: Path) -> None:
    text = "$$\nf(u) = \\frac{1}{1 + u^2}\n$$\n\nso $f(2) = 0.2$ and $f(3) = 0.1$.\n"
    findings = function_use.run(context_of(tmp_path, text))
    assert [f.status for f in findings] == ["verified", "verified"]
    text = text.replace("f(3) = 0.1", "f(3) = 0.125")
    assert [f.status for f in function_use.run(context_of(tmp_path, text))] == ["verified", "refuted"]


def test_a_claim_about_a_particular_point_says_nothing(tmp_path: Path) -> None:
    # `u^*` names one point (where the text says the claim holds), not every value
    text = "$$\nf(u) = u^2 - 2\n$$\n\nIts root satisfies $f(u^*) = 0$, and $f(u_0) = 0$ too.\n"
    assert function_use.run(context_of(tmp_path, text)) == []


def test_a_name_outside_the_arguments_or_a_supposition_says_nothing(tmp_path: Path) -> None:
    text = DEFINITION + "Shifting gives $h(\\mathbf{v} + c) = h(\\mathbf{v}) + n c^2$.\n"
    assert function_use.run(context_of(tmp_path, text)) == []
    text = DEFINITION + "It is not true that $h(\\mathbf{v} + c) = h(\\mathbf{v}) + c^2$.\n"
    assert function_use.run(context_of(tmp_path, text)) == []


def test_a_definition_over_names_it_does_not_bind_is_never_refuted(tmp_path: Path) -> None:
    text = "$$\nf(x) = a x + b\n$$\n\nso $f(0) = 1$.\n"
    assert function_use.run(context_of(tmp_path, text)) == []


def test_a_definition_in_another_section_says_nothing(tmp_path: Path) -> None:
    text = DEFINITION + "# Another function\n\nHere $h(\\mathbf{v} + c) = h(\\mathbf{v}) + c^2$.\n"
    assert function_use.run(context_of(tmp_path, text)) == []
    text = DEFINITION + "### A subsection\n\nHere $h(\\mathbf{v} + c) = h(\\mathbf{v}) + c^2$.\n"
    assert [f.status for f in function_use.run(context_of(tmp_path, text))] == ["refuted"]


def test_an_equation_to_solve_says_nothing(tmp_path: Path) -> None:
    text = "$$\nf(u) = u^2 - 4\n$$\n\nThe zeros: $f(2 u) = 0$ gives $u = 1$.\n"
    assert function_use.run(context_of(tmp_path, text)) == []


def test_a_value_the_definition_cannot_take_says_nothing(tmp_path: Path) -> None:
    # 1/0 and a sum up to a non-integer bound are not values to compare, and never an exception
    text = "$$\nf(u) = \\frac{1}{u}\n$$\n\nso $f(0) = 1$.\n\n$$\ng(u) = \\sum_{k=1}^{u} k\n$$\n\nand $g(1.5) = 1$.\n"
    assert function_use.run(context_of(tmp_path, text)) == []
