"""Expectations, variances, covariances and correlations read as moments of random variables and decided on
random finite distributions: in displayed identities (the identity stage) and in running prose (the
`moment_identities` cross-check). Every formula here is written for the test."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import veritex
from veritex.derivations import reasons
from veritex.derivations.definitions import DefinitionTable
from veritex.derivations.moment_check import Distribution, decide, evaluate
from veritex.derivations.moments import MomentVocabulary, Term, read_context, read_pair, vocabulary
from veritex.math import parse
from veritex.model import Item
from veritex.readers import read
from veritex.stages.derivations import check_identities


def identities(tmp_path: Path, text: str) -> list[Item]:
    path = tmp_path / "doc.md"
    path.write_text(text, encoding="utf-8")
    doc = read(path)
    check_identities(doc, None)
    return [i for i in doc.items if i.kind == "identity"]


def one(tmp_path: Path, lead_in: str, formula: str) -> Item:
    (item,) = identities(tmp_path, f"{lead_in}\n\n$$\n{formula}\n$$\n")
    return item


def consistency(tmp_path: Path, text: str) -> list[Item]:
    path = tmp_path / "doc.md"
    path.write_text(text, encoding="utf-8")
    report = veritex.build(path, tmp_path / "site", execute=False, write=False, cache_dir=tmp_path / "cache")
    return [i for d in report.documents for i in d.items if i.kind == "consistency"]


GENERAL = "For any random variables $U$ and $V$ and any numbers $c$ and $d$,"


# -- each operator, on a distribution worked by hand -------------------------------------------------------


def test_each_moment_is_its_definition_on_a_small_distribution() -> None:
    # Three outcomes with probabilities 1/4, 1/4, 1/2; U = (0, 2, 1), V = (1, -1, 3).
    dist = Distribution([1, 1, 2], {"U": [0.0, 2.0, 1.0], "V": [1.0, -1.0, 3.0]})
    u, v = Term("rv", name="U"), Term("rv", name="V")
    assert evaluate(Term("E", (u,)), dist, {}) == pytest.approx(1.0)
    assert evaluate(Term("Var", (u,)), dist, {}) == pytest.approx(0.5)  # E[U^2] - 1 = 6/4 - 1
    assert evaluate(Term("sd", (u,)), dist, {}) == pytest.approx(math.sqrt(0.5))
    assert evaluate(Term("E", (v,)), dist, {}) == pytest.approx(1.5)
    assert evaluate(Term("Cov", (u, v)), dist, {}) == pytest.approx(-0.5)  # E[UV] - E[U]E[V] = (0 - 2 + 6)/4 - 1.5
    assert evaluate(Term("Var", (v,)), dist, {}) == pytest.approx(20 / 4 - 9 / 4)
    w = Term("+", (u, Term("*", (Term("const", name="c"), v))))
    # Cov(U, U + 2V) = 0.5 - 2 * 0.5 and Var(U + 2V) = 0.5 + 4 * 2.75 + 4 * (-0.5)
    assert evaluate(Term("corr", (u, w)), dist, {"c": 2.0}) == pytest.approx(-0.5 / math.sqrt(0.5 * 9.5))


@pytest.mark.parametrize("formula", [
    r"E[cU + dV] = cE[U] + dE[V]",
    r"\mathbb{E}[U - V] + \mathbb{E}[V] = \mathbb{E}[U]",
    r"\operatorname{Var}(U) = E[U^2] - E[U]^2",
    r"\operatorname{Var}(cU + d) = c^2 \operatorname{Var}(U)",
    r"E[UV] - E[U]E[V] = \mathrm{Cov}(U, V)",  # `\mathrm{Cov}(U, V) = ...` would define Cov
    r"\mathrm{Var}(U - V) = \mathrm{Var}(U) + \mathrm{Var}(V) - 2\mathrm{Cov}(U, V)",
    r"\mathrm{Cov}(cU, V + d) = c\,\mathrm{Cov}(U, V)",
    r"|c|\,\sigma_U = \sigma_{cU + d}",  # `\sigma_{cU + d} = ...` would define a name
    r"\mu_U + \mu_V = \mu_{U + V}",
    r"E\left[(U - \mu_U)^2\right] = \sigma_U^2",
    r"E(U)^2 + \mathbb{E}[U]^2 = 2 E[U]E[U]",
    r"c^2 \operatorname{Var}(U) = \mathbb{V}[cU]",
    r"\operatorname{sd}(cU - d) = |c|\,\sigma_U",
])
def test_an_identity_that_holds_for_every_distribution_is_verified(tmp_path: Path, formula: str) -> None:
    item = one(tmp_path, GENERAL, formula)
    assert item.status == "verified", item.message
    assert "random" in item.message and "distributions of U" in item.message


def test_a_correlation_is_read_only_where_the_document_calls_it_one(tmp_path: Path) -> None:
    called = ("The correlation of two random variables $U$ and $V$ is\n\n$$\n\\rho(U, V) = "
              "\\frac{\\mathrm{Cov}(U, V)}{\\sigma_U \\sigma_V}\n$$\n\nFor any random variables $U$ and $V$,\n\n"
              "$$\n2\\rho(U, V) = \\rho(V, U) + \\rho(U, V)\n$$\n")
    assert [i.status for i in identities(tmp_path, called)] == ["verified"]
    named = "Here $\\operatorname{corr}$ is the correlation.\n\n$$\n\\operatorname{corr}(U, U) = 1\n$$\n"
    assert [i.status for i in identities(tmp_path, named)] == ["verified"]
    unsaid = "A density:\n\n$$\n\\rho(U, V) = \\rho(V, U) + 1\n$$\n"
    assert not any(i.status in ("verified", "refuted") for i in identities(tmp_path, unsaid))


# -- refuted only when the text states it generally ----------------------------------------------------------


def test_a_general_claim_that_fails_is_refuted_with_its_counterexample(tmp_path: Path) -> None:
    item = one(tmp_path, GENERAL, r"\operatorname{Var}(cU + d) = c \operatorname{Var}(U)")
    assert item.status == "refuted", item.message
    assert "c = " in item.message and "Var(U) = " in item.message and "left side" in item.message


def test_independence_is_sampled_as_such_and_never_assumed(tmp_path: Path) -> None:
    formula = r"\mathrm{Var}(U + V) = \mathrm{Var}(U) + \mathrm{Var}(V)"
    independent = one(tmp_path, "If $U$ and $V$ are independent random variables, then for any such pair", formula)
    assert independent.status == "verified" and "independent" in independent.message
    joint = one(tmp_path, "For any random variables $U$ and $V$,", formula)
    assert joint.status == "refuted" and "Cov(U, V) = " in joint.message


@pytest.mark.parametrize(("lead_in", "formula"), [
    ("Let $U$ be the number of heads, so that", r"\operatorname{Var}(U + V) = \operatorname{Var}(U)"),
    ("For any random variable $U$ with $\\mu_U = 2$,", r"\operatorname{Var}(U) = E[U]"),  # a condition unread
    ("For any Bernoulli random variable $U$,", r"\operatorname{Var}(U) = E[U] - E[U]^2"),
    ("For any random variable $U$,", r"\operatorname{Var}(U) = 4q^2"),  # a constant outside every moment
    ("For any random variables $U$ and $V$,", r"0 = \mathrm{Cov}(U, V)"),  # true of some distributions
])
def test_a_claim_about_particular_distributions_is_never_refuted(tmp_path: Path, lead_in: str, formula: str) -> None:
    item = one(tmp_path, lead_in, formula)
    assert item.status == "unchecked", item.message
    assert reasons.MOMENTS_NOT_GENERAL.code in {s.get("code") for s in item.detail["steps"]}


def test_means_the_prose_sets_to_zero_are_applied(tmp_path: Path) -> None:
    lead_in = "For any random variables $U$ and $V$, assuming $\\mu_U = E[V] = 0$,"
    assert one(tmp_path, lead_in, r"2E[UV] = 2\mathrm{Cov}(U, V)").status == "verified"
    wrong = one(tmp_path, lead_in, r"E[U^2] = \mathrm{Var}(U) + E[V]^2 + 1")
    assert wrong.status == "refuted" and "of mean zero, as the text assumes" in wrong.message


def test_a_variable_the_document_defines_verifies_through_its_definition_and_is_never_refuted(
        tmp_path: Path) -> None:
    text = ("Take any random variable $U$ and let\n\n$$\nV = 3U - 1\n$$\n\nFor any random variables then\n\n"
            "$$\n3\\operatorname{Var}(U) = \\mathrm{Cov}(U, V)\n$$\n\nand for any random variables\n\n"
            "$$\n2\\operatorname{Var}(U) = \\mathrm{Cov}(U, V)\n$$\n")
    verified, other = identities(tmp_path, text)
    assert verified.status == "verified" and "V from" in verified.message, verified.message
    assert other.status == "unchecked", other.message


def test_a_conditional_expectation_or_an_expectation_under_a_distribution_is_left_as_before(
        tmp_path: Path) -> None:
    for formula in (r"E[U \mid V] = E[U]", r"\mathbb{E}_{U \sim q}[U] = \mathbb{E}[U]"):
        item = one(tmp_path, GENERAL, formula)
        assert item.status == "unchecked" and reasons.MOMENTS_NOT_GENERAL.code not in str(item.detail)


# -- inline claims: the cross-check ---------------------------------------------------------------------------


CORRELATION = ("The correlation is\n\n$$\n\\rho(U, V) = \\frac{\\mathrm{Cov}(U, V)}{\\sigma_U \\sigma_V}.\n$$\n\n")


def test_an_inline_affine_correlation_claim_that_forgets_the_sign_is_refuted(tmp_path: Path) -> None:
    text = CORRELATION + f"* {GENERAL} $\\rho(cU + d, V) = \\rho(U, V)$.\n* For any random variable $U$, " \
                         "$\\rho(U, U) = 1$.\n"
    refuted, verified = consistency(tmp_path, text)
    assert refuted.status == "refuted", refuted.message
    assert refuted.message.startswith(r"\rho(cU + d, V) = \rho(U, V) fails for c = -")
    assert refuted.detail["fix"].startswith("it holds only for c > 0")
    assert "outcomes with weights" in refuted.detail["distribution"]
    assert refuted.position is not None and refuted.position.line == 7
    assert verified.status == "verified" and verified.position is not None and verified.position.line == 8


def test_an_inline_claim_is_verified_step_by_step_and_a_condition_in_its_sentence_keeps_it_from_refutation(
        tmp_path: Path) -> None:
    chain = f"{GENERAL} $\\mathrm{{Cov}}(cU + d, V) = \\mathrm{{Cov}}(U, cV) = c\\mathrm{{Cov}}(U, V)$.\n\n"
    conditioned = "For any random variables $U$ and $V$ with $\\mu_U = 2$, $E[UV] = \\mathrm{Cov}(U, V) + 1$.\n"
    (item,) = consistency(tmp_path, chain + conditioned)
    assert item.status == "verified" and "(every step)" in item.message


def test_no_moment_notation_costs_nothing(tmp_path: Path) -> None:
    assert consistency(tmp_path, "Plain $x + y = y + x$ and\n\n$$\nz = 2w\n$$\n") == []


# -- the reading's parts --------------------------------------------------------------------------------------


def test_the_vocabulary_comes_from_operators_and_prose() -> None:
    formulas = [(0, parse(r"\mathbb{E}[A] = 0")), (1, parse(r"W + 1"))]
    words = vocabulary(formulas, "Let $B$ and $C$ be random variables. The random variable $D$ ...",
                       DefinitionTable())
    assert words.random == frozenset({"A", "D"})
    assert not words.correlation
    assert vocabulary([(0, parse(r"x = y"))], "", DefinitionTable()).random == frozenset()


def test_the_context_rules() -> None:
    def said(text: str) -> tuple[bool, bool, bool, set[str]]:
        found = read_context(text)
        return found.independent, found.general, found.conditions_read, set(found.centered)

    assert said("For any random variables $U, V$ and numbers $c$ and $d$,") == (False, True, True, set())
    assert said("If $U$ and $V$ are independent, for any numbers") == (True, True, True, set())
    assert said("Suppose $U$ is not independent of $V$; for any numbers") == (False, True, False, set())
    assert said("For all positive $c$,") == (False, True, False, set())
    assert said("For any $c > 0$,") == (False, True, False, set())
    assert said("assuming that $\\mu_U = \\mu_V = 0$, this is") == (False, False, True, {"U", "V"})
    assert said("Then") == (False, False, True, set())


def test_a_side_that_is_still_random_is_not_read() -> None:
    words = MomentVocabulary(frozenset({"U"}))
    formula = parse(r"U - E[U] = 0")
    (statement,) = formula.statements
    assert read_pair(statement.sides[0], statement.sides[1], r"U - E[U] = 0", words, "for any") is None


def test_decide_finds_the_sign_that_breaks_a_claim() -> None:
    words = MomentVocabulary(frozenset({"U", "V"}), frozenset({"rho"}))
    tex = r"\rho(U, cV) = \rho(U, V)"
    (statement,) = parse(tex).statements
    step = read_pair(statement.sides[0], statement.sides[1], tex, words, "for any random variables $U, V$")
    assert step is not None and step.constants == ("c",) and step.refutable
    outcome = decide(step)
    assert outcome.status == "refuted" and outcome.constants["c"] < 0 and outcome.positive_only == ("c",)


# -- sums over a pmf the prose states -------------------------------------------------------------------------


PMF = ("Let $U$ and $V$ be random variables taking values $(u_k, v_l)$ with probability $q_{kl}$, and "
       "$\\mathrm{Cov}(U, V)$ their covariance.\n\n")


def test_a_sum_over_a_stated_pmf_is_an_expectation(tmp_path: Path) -> None:
    right = PMF + "For such variables\n\n$$\n\\mathrm{Cov}(U, V) = \\sum_{k, l} (u_k - \\mu_U)(v_l - \\mu_V) q_{kl}\n$$\n"
    (item,) = identities(tmp_path, right)
    assert item.status == "verified" and "distributions of U, V" in item.message, item.message


def test_a_pmf_sum_with_the_wrong_index_is_refuted_under_the_means_the_prose_gives(tmp_path: Path) -> None:
    lead_in = "Taking the means to be zero, $\\mu_U = \\mu_V = 0$, this reads\n\n"
    wrong = PMF + lead_in + "$$\n\\mathrm{Cov}(U, V) = \\sum_{k, l} u_k v_k q_{kl}\n$$\n"
    (item,) = identities(tmp_path, wrong)
    assert item.status == "refuted", item.message
    assert "joint pmf on 3 × 3 values" in item.message and "mean zero, as the text assumes" in item.message
    right = PMF + lead_in + "$$\n\\mathrm{Cov}(U, V) = \\sum_{k, l} u_k v_l q_{kl}\n$$\n"
    assert [i.status for i in identities(tmp_path, right)] == ["verified"]
    # A sum over the stated pmf is any pmf by its form: refuted with no "for any" in the prose.
    unsaid = PMF + "This reads\n\n$$\n\\mathrm{Cov}(U, V) = \\sum_{k, l} u_k v_l q_{kl} + 1\n$$\n"
    assert [i.status for i in identities(tmp_path, unsaid)] == ["refuted"]


def test_a_first_use_that_defines_a_moment_is_a_definition_not_a_claim(tmp_path: Path) -> None:
    text = ("Let $U$ and $V$ be random variables taking values $(u_k, v_l)$ with probability $q_{kl}$. We define "
            "the covariance as\n\n$$\n\\mathrm{Cov}(U, V) = \\sum_{k, l} u_k v_k q_{kl}\n$$\n")
    assert identities(tmp_path, text) == []
