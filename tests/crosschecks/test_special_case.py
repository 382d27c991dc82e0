"""A special case held against the general rule stated earlier."""

from __future__ import annotations

from pathlib import Path

from veritex.crosschecks import special_case

from .support import context_of

RULE = r"""# Supply

The supply of the good in period $t$ is

$$
q_t = \alpha_1 + \alpha_2 w_t^{2}
$$

"""


def test_the_rule_at_the_index_is_verified(tmp_path: Path) -> None:
    text = RULE + "In the first period $q_0 = \\alpha_1 + \\alpha_2 w_0^{2}$.\n"
    (finding,) = special_case.run(context_of(tmp_path, text))
    assert finding.status == "verified"


def test_a_name_that_appears_nowhere_else_is_refuted(tmp_path: Path) -> None:
    text = RULE + "Start from $q_0 = \\alpha_1 + \\alpha_3 w_0^{2}$ and iterate.\n"
    (finding,) = special_case.run(context_of(tmp_path, text))
    assert finding.status == "refuted"
    assert finding.message.startswith(r"\alpha_3 in q_0 = \alpha_1 + \alpha_3 w_0^{2} appears nowhere else")
    assert r"q_t = \alpha_1 + \alpha_2 w_t^{2}" in finding.message and r"has \alpha_2" in finding.message
    assert finding.offset is not None and finding.math.tex[finding.offset:].startswith(r"\alpha_3")


def test_a_name_used_elsewhere_is_another_quantity_and_says_nothing(tmp_path: Path) -> None:
    text = RULE + "Let $\\alpha_3 = 2$. Start from $q_0 = \\alpha_1 + \\alpha_3 w_0^{2}$.\n"
    assert special_case.run(context_of(tmp_path, text)) == []


def test_numbers_that_disagree_are_refuted(tmp_path: Path) -> None:
    text = "$$\nh_n = 3^n + 1\n$$\n\nSo $h_2 = 9$.\n"
    (finding,) = special_case.run(context_of(tmp_path, text))
    assert finding.status == "refuted"
    assert finding.message.startswith("h_2 = 9 is 9, but h_n = 3^n + 1")
    assert "gives 10" in finding.message


def test_an_initial_condition_of_a_recurrence_says_nothing(tmp_path: Path) -> None:
    text = "$$\nk_{s} = \\rho k_{s-1} + 2\n$$\n\nwith $k_0 = 5$.\n"
    assert special_case.run(context_of(tmp_path, text)) == []


def test_a_rule_stated_for_later_indices_says_nothing(tmp_path: Path) -> None:
    text = "For $s \\geq 1$,\n\n$$\nv_s = \\beta_1 u_s\n$$\n\nand $v_0 = \\beta_0 u_0$.\n"
    assert special_case.run(context_of(tmp_path, text)) == []


def test_a_supposed_instance_says_nothing(tmp_path: Path) -> None:
    text = RULE + "Suppose instead that $q_0 = \\alpha_1 + \\alpha_3 w_0^{2}$.\n"
    assert special_case.run(context_of(tmp_path, text)) == []


def test_a_function_at_a_number_is_held_against_its_definition(tmp_path: Path) -> None:
    # the definition names a value besides its parameter, so only a wrong name can be certain
    text = "$$\nh(u) = \\kappa_1 u + \\kappa_2\n$$\n\nso $h(0) = \\kappa_2$ and $h(1) = \\kappa_1 + \\kappa_3$.\n"
    findings = special_case.run(context_of(tmp_path, text))
    assert [f.status for f in findings] == ["verified", "refuted"]
    assert findings[1].message == (r"\kappa_3 in h(1) = \kappa_1 + \kappa_3 appears nowhere else in the document, "
                                   r"where h(u) = \kappa_1 u + \kappa_2 (the formula at line 2) at u = 1 has "
                                   r"\kappa_2.")


def test_an_index_the_rule_cannot_take_says_nothing(tmp_path: Path) -> None:
    text = "$$\nm_j = \\frac{1}{j} + p_{1/j}\n$$\n\nso $m_0 = 2$.\n"
    assert special_case.run(context_of(tmp_path, text)) == []
