"""Properties of named objects and standard results: a function called a density integrates to one over
its support, a mass function sums to one, and a stated mean or variance agrees with the moment computed
from the document's own law; the library of standard results holds entry by entry."""

from __future__ import annotations

import math
from pathlib import Path

import mpmath
import pytest
import sympy

from veritex.crosschecks import CrossContext, Finding, normalisation
from veritex.crosschecks import stated_moments as moments
from veritex.crosschecks.distributions import Support
from veritex.crosschecks.quadrature import function_at, sample_points, total
from veritex.crosschecks.standard_results import DISTRIBUTIONS, IDENTITIES, Identity, StandardDistribution
from veritex.derivations.reading import read_document_math
from veritex.readers import read


def _findings(tmp_path: Path, text: str) -> list[Finding]:
    path = tmp_path / "doc.md"
    path.write_text(text)
    doc = read(path)
    context = CrossContext(doc, read_document_math(doc))
    return normalisation.run(context) + moments.run(context)


def _one(tmp_path: Path, text: str) -> Finding:
    (finding,) = _findings(tmp_path, text)
    return finding


def test_a_density_that_integrates_to_one_is_verified(tmp_path: Path) -> None:
    found = _one(tmp_path, "# Waiting times\n\nThe waiting time has p.d.f. given by\n\n"
                           "$$\nf(t) = 2 t e^{-t^2}, \\quad t \\ge 0\n$$\n")
    assert found.status == "verified" and found.check == "normalisation"
    assert "integrates to 1 over [0, ∞)" in found.message


def test_a_density_that_integrates_to_root_pi_is_refuted_with_its_integral(tmp_path: Path) -> None:
    found = _one(tmp_path, "Noise is drawn from the distribution with density\n\n$$\nq(y) = e^{-y^2}\n$$\n\n"
                           "which is symmetric about zero.\n")
    assert found.status == "refuted"
    assert "integrates to 1.77245 (√π) over the whole line, not 1" in found.message
    assert found.detail["fix"] == "divide q(y) by √π"


def test_a_density_whose_half_line_integral_is_one_is_not_refuted_without_a_support(tmp_path: Path) -> None:
    found = _one(tmp_path, "Noise has density\n\n$$\nq(y) = e^{-|y|}\n$$\n")
    assert found.status == "verified" and "[0, ∞) (no support is stated)" in found.message


def test_a_density_with_a_factor_of_pi_too_few_names_pi(tmp_path: Path) -> None:
    found = _one(tmp_path, "Consider the p.d.f.\n\n$$\ng(u) = \\frac{2}{1+u^2}\n$$\n")
    assert found.status == "refuted" and "6.28319 (2π)" in found.message


def test_an_exponential_density_without_its_support_is_not_refuted(tmp_path: Path) -> None:
    found = _one(tmp_path, "Lifetimes have density\n\n$$\nh(s) = \\kappa e^{-\\kappa s}\n$$\n\n"
                           "where $\\kappa > 0$ is the failure rate.\n")
    assert found.status == "verified" and "[0, ∞) (no support is stated)" in found.message


def test_a_density_negative_on_its_support_is_refuted(tmp_path: Path) -> None:
    found = _one(tmp_path, "Its density is\n\n$$\nr(z) = \\frac{3}{2} - 3 z^2 + \\frac{3}{2} z, "
                           "\\quad 0 \\le z \\le 1\n$$\n")
    assert found.status == "refuted", found.message
    assert "negative" in found.message or "integrates" in found.message


def test_a_mass_function_that_sums_to_two_on_its_stated_support_is_refuted(tmp_path: Path) -> None:
    found = _one(tmp_path, "The count has PMF\n\n$$\nm(k) = 2^{-k}, \\quad k = 0, 1, 2, \\ldots\n$$\n")
    assert found.status == "refuted" and "sums to 2 over {0, 1, 2, …}, not 1" in found.message


def test_a_mass_function_without_its_support_is_never_refuted(tmp_path: Path) -> None:
    assert _findings(tmp_path, "The count has PMF\n\n$$\nm(k) = 3^{-k}\n$$\n") == []
    found = _one(tmp_path, "The count has PMF\n\n$$\nm(k) = 2^{-k}\n$$\n")
    assert found.status == "verified" and "{1, 2, 3, …}" in found.message


def test_a_normalising_constant_left_to_choose_says_nothing(tmp_path: Path) -> None:
    assert _findings(tmp_path, "The model has density\n\n$$\np(x) = c\\, e^{-x^4}\n$$\n") == []
    assert _findings(tmp_path, "The posterior density is proportional to\n\n$$\np(x) = e^{-x^4}\n$$\n") == []


def test_a_wrong_stated_mean_is_refuted_and_the_standard_result_named(tmp_path: Path) -> None:
    text = ("### Lifetimes\n\nThe lifetime has density\n\n$$\nh(s) = \\kappa e^{-\\kappa s}, \\quad s \\ge 0\n$$\n\n"
            "with $\\kappa > 0$.\n\nThe mean of this distribution is $\\kappa$ and the variance is "
            "$1/\\kappa^2$.\n")
    found = _findings(tmp_path, text)
    assert [f.status for f in found] == ["verified", "refuted", "verified"]
    mean = found[1]
    assert mean.check == "stated_moments" and mean.message.startswith("The mean of h(s) on [0, ∞) (line 6) is 1/κ, not κ")
    assert "exponential" in mean.detail["fix"] and "Casella" in mean.detail["reference"]
    assert "exponential distribution" in found[2].message


def test_a_stated_moment_of_a_law_not_in_the_library_is_computed(tmp_path: Path) -> None:
    text = ("Its PMF is\n\n$$\nw(j) = \\frac{1}{3}, \\quad j = 1, 2, 3\n$$\n\n"
            "It can be shown that the mean is $2$ and the variance is $1$.\n")
    found = _findings(tmp_path, text)
    assert [f.status for f in found] == ["verified", "verified", "refuted"]
    assert "is 0.666667, while the stated 1 gives 1" in found[2].message


def test_a_sample_mean_or_a_conditional_statement_is_not_linked(tmp_path: Path) -> None:
    text = ("The count has PMF\n\n$$\nm(k) = (1-a)^k a, \\quad k = 0, 1, 2, \\ldots\n$$\n\n"
            "where $a \\in (0, 1)$.\n\nThe sample mean is $1/a$. If the mean is $3/a$ we stop.\n")
    assert [f.check for f in _findings(tmp_path, text)] == ["normalisation"]


def test_a_moment_after_another_display_is_not_linked(tmp_path: Path) -> None:
    text = ("The count has PMF\n\n$$\nm(k) = (1-a)^k a, \\quad k = 0, 1, 2, \\ldots\n$$\n\n"
            "where $a \\in (0, 1)$. Another law is\n\n$$\ny = 2 a\n$$\n\nThe mean is $1/a$.\n")
    assert [f.check for f in _findings(tmp_path, text)] == ["normalisation"]


def test_a_document_without_densities_builds_no_reading(tmp_path: Path) -> None:
    assert _findings(tmp_path, "The loss is\n\n$$\nL(w) = (w - 1)^2\n$$\n") == []


# ---- the library, entry by entry --------------------------------------------------------------------------

@pytest.mark.parametrize("entry", DISTRIBUTIONS, ids=lambda e: e.name)
def test_each_standard_distribution_sums_to_one_with_its_stated_moments(entry: StandardDistribution) -> None:
    x = sympy.Symbol("x", real=True)
    domains = dict(zip(entry.parameters, entry.domains, strict=True))
    for point in sample_points(domains):
        exact = {s: sympy.Float(v) for s, v in point.items()}
        support = Support(entry.support.discrete, entry.support.low.xreplace(exact),
                          entry.support.high.xreplace(exact))
        f = function_at(entry.law, x, point)
        mass, first, second = (total(f, support, point, k) for k in (0, 1, 2))
        assert mass is not None and first is not None and second is not None, (entry.name, point)
        assert mass == pytest.approx(1, rel=1e-7)
        assert first == pytest.approx(float(entry.mean.xreplace(exact)), rel=1e-7)
        assert second - first ** 2 == pytest.approx(float(entry.variance.xreplace(exact)), rel=1e-6)
    assert entry.reference and "corpus" not in entry.reference


_POINTS = {"x": 0.7, "mu1": 0.3, "mu2": -0.4, "v1": 0.8, "v2": 1.7, "p00": 0.1, "p01": 0.2, "p10": 0.3,
           "a": -1.0, "b": 2.0, "c": 0.5, "d": 3.0, "pa": 0.3, "pba": 0.8, "pbna": 0.1, "z1": 0.2, "z2": -1.0,
           "z3": 1.4, "y1": 0.3, "y2": 0.5, "r": 0.6}


@pytest.mark.parametrize("entry", IDENTITIES, ids=lambda e: e.name)
def test_each_standard_identity_holds_and_a_wrong_form_would_not(entry: Identity) -> None:
    symbols = {name: sympy.Symbol(name, real=True) for name in entry.symbols}
    lhs, rhs = entry.sides(symbols)
    at = {symbols[name]: sympy.Float(_POINTS[name]) for name in entry.symbols}
    left = complex(lhs.xreplace(at).doit().evalf(30)) if isinstance(lhs, sympy.Integral | sympy.Sum) \
        else complex(lhs.xreplace(at).evalf(30))
    if isinstance(lhs, sympy.Integral):
        integrand, u = lhs.function.xreplace(at), lhs.limits[0][0]
        left = complex(mpmath.quad(sympy.lambdify(u, integrand, "mpmath"), [-mpmath.inf, mpmath.inf]))
    right = complex(rhs.xreplace(at).evalf(30))
    assert math.isclose(left.real, right.real, rel_tol=1e-9, abs_tol=1e-12), entry.name
    wrong = complex((rhs * 1.01 + 0.01).xreplace(at).evalf(30))  # the test can fail: a changed form differs
    assert not math.isclose(left.real, wrong.real, rel_tol=1e-6)
    assert entry.reference and "corpus" not in entry.reference
