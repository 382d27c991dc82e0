"""Standard results restated in a document, recognised by shape and held against the library's canonical form."""

from __future__ import annotations

from pathlib import Path

from veritex.crosschecks import CrossContext, Finding
from veritex.crosschecks.standard_restatements import run
from veritex.derivations.reading import read_document_math
from veritex.readers.markdown import read_markdown


def findings(text: str) -> list[Finding]:
    doc = read_markdown(text, Path("doc.md"))
    return run(CrossContext(doc, read_document_math(doc)))


def one(tex: str, prose: str = "We use the following.") -> Finding | None:
    found = findings(f"{prose}\n\n$$\n{tex}\n$$\n\nThat is all.\n")
    assert len(found) <= 1
    return found[0] if found else None


# ---- the geometric series -----------------------------------------------------------------------------

def test_an_infinite_geometric_series_with_a_constant_factor_is_verified_with_its_reference() -> None:
    found = one(r"\sum_{j=0}^{\infty} c\,\gamma^j = \frac{c}{1-\gamma}")
    assert found is not None and found.status == "verified"
    assert "the geometric series" in found.message and "Rudin" in found.detail["reference"]


def test_an_infinite_geometric_series_starting_at_one_is_refuted_when_it_keeps_the_first_term() -> None:
    found = one(r"\sum_{j=1}^{\infty} \gamma^j = \frac{1}{1-\gamma}")
    assert found is not None and found.status == "refuted"
    assert found.detail["fix"] == r"\sum_{j=1}^{\infty} \gamma^j = \frac{\gamma}{1 - \gamma}"
    assert "Rudin" in found.detail["reference"] and "which gives \\frac{\\gamma}{1 - \\gamma}" in found.message


def test_a_finite_geometric_series_is_verified_and_an_exponent_off_by_one_refuted() -> None:
    good = one(r"\sum_{t=0}^{N} \delta^t = \frac{1-\delta^{N+1}}{1-\delta}")
    assert good is not None and good.status == "verified" and "finite geometric series" in good.message
    bad = one(r"\sum_{t=0}^{N} \delta^t = \frac{1-\delta^{N}}{1-\delta}")
    assert bad is not None and bad.status == "refuted"
    assert bad.detail["fix"].endswith(r"\frac{1 - \delta^{N+1}}{1 - \delta}")
    assert set(bad.detail["values"]) >= {"N", "δ", "stated", "canonical"}


def test_a_sum_that_only_resembles_the_geometric_series_says_nothing() -> None:
    assert one(r"\sum_{k=0}^{\infty} k^2 q^k = \frac{1}{1-q}") is None  # the index is not only the exponent
    assert one(r"\sum_{k=0}^{\infty} q^n = \frac{1}{1-q}") is None  # the exponent is not the index
    assert one(r"\sum_{k=0}^{\infty} q^k = \frac{1}{1-s}") is None  # the other side uses what the sum does not
    assert one(r"\sum_{k=0}^{\infty} q^k = S") is None  # a name for the sum


# ---- Bayes' rule ---------------------------------------------------------------------------------------

def test_bayes_rule_in_the_documents_notation_is_verified() -> None:
    found = one(r"\Pr(\theta \mid D) = \frac{\Pr(D \mid \theta)\,\Pr(\theta)}{\Pr(D)}")
    assert found is not None and found.status == "verified"
    assert "Bayes' rule" in found.message and "Wasserman" in found.detail["reference"]


def test_bayes_rule_with_the_joint_in_the_numerator_is_verified() -> None:
    found = one(r"p(h|e) = \frac{p(e|h)\, p(h)}{p(h, e)} \cdot \frac{p(h, e)}{p(e)}")
    assert found is not None and found.status == "verified"


def test_bayes_rule_with_prior_and_evidence_swapped_is_refuted_with_the_canonical_form() -> None:
    found = one(r"P(H \mid E) = \frac{P(E \mid H)\,P(E)}{P(H)}")
    assert found is not None and found.status == "refuted"
    assert found.detail["fix"] == r"P(H \mid E) = \frac{P(E \mid H)\,P(H)}{P(E)}"
    assert "P(E | H) = " in found.message


def test_a_conditional_probability_that_is_not_bayes_rule_says_nothing() -> None:
    assert one(r"P(H \mid E) = \frac{P(H, E)}{P(E)}") is None  # no reversed conditional
    assert one(r"P(H \mid E) = \frac{P(E \mid H) P(H)}{P(E \mid G)}") is None  # a third event
    assert one(r"P(H \mid E) = \frac{Q(E \mid H) Q(H)}{Q(E)}") is None  # another operator
    assert one(r"P(H \mid E) = \frac{P(E \mid H) P(H)}{Z}") is None  # a name the result does not bind


# ---- the variance of a sum -----------------------------------------------------------------------------

def test_the_variance_of_a_weighted_difference_is_verified() -> None:
    found = one(r"\operatorname{Var}(2U - cW) = 4\operatorname{Var}(U) + c^2 \operatorname{Var}(W)"
                r" - 4c\operatorname{Cov}(U, W)")
    assert found is not None and found.status == "verified"
    assert "Casella" in found.detail["reference"]


def test_a_variance_of_a_sum_with_the_covariance_counted_once_is_refuted() -> None:
    found = one(r"\mathrm{Var}(U+W) = \mathrm{Var}(U) + \mathrm{Var}(W) + \mathrm{Cov}(W, U)")
    assert found is not None and found.status == "refuted"
    assert found.detail["fix"] == r"\mathrm{Var}(U+W) = \mathrm{Var}(U) + \mathrm{Var}(W) + 2\operatorname{Cov}(U, W)"


def test_the_independent_case_is_verified_only_where_the_prose_says_independent() -> None:
    tex = r"\textrm{Var}(U+W) = \textrm{Var}(U) + \textrm{Var}(W)"
    found = one(tex, "For two independent random variables the variances add:")
    assert found is not None and found.status == "verified" and "independent" in found.message
    assert one(tex, "For two random variables the variances add:") is None


def test_a_variance_that_only_resembles_the_result_says_nothing() -> None:
    assert one(r"\mathrm{Var}(U+W) = \mathrm{Var}(U) + \mathrm{Var}(W) + 2\mathrm{Cov}(U, Z)") is None
    assert one(r"\mathrm{Var}(U+W) = \mathbb{E}[(U+W)^2] - (\mathbb{E}[U+W])^2") is None
    assert one(r"\mathrm{Var}(U+W) = s^2") is None


def test_inline_restatements_are_read_too_and_nothing_else_is_said() -> None:
    text = ("Recall that $\\sum_{i=0}^{\\infty} z^i = 1/(1-z)$ for $|z| < 1$, and $x = 3$.\n\n"
            "$$\ny = 2x + 1\n$$\n")
    found = findings(text)
    assert [f.status for f in found] == ["verified"]


def test_a_negated_independence_does_not_license_the_independent_case() -> None:
    tex = r"\textrm{Var}(U+W) = \textrm{Var}(U) + \textrm{Var}(W)"
    assert one(tex, "When the two are not independent, we still write") is None


# ---- the product of two Gaussian densities -------------------------------------------------------------

PRODUCT = (r"\mathcal{N}(t; a, \sigma^2)\,\mathcal{N}(t; b, s^2) = \mathcal{N}(a; b, \sigma^2 + s^2)\,"
           r"\mathcal{N}\left(t; \frac{a s^2 + b\sigma^2}{\sigma^2 + s^2}, \frac{\sigma^2 s^2}{\sigma^2 + s^2}\right)")


def test_the_product_of_two_gaussian_densities_is_verified() -> None:
    found = one(PRODUCT)
    assert found is not None and found.status == "verified"
    assert "product of two Gaussian densities" in found.message and "Bishop" in found.detail["reference"]


def test_a_product_of_gaussians_with_the_variances_added_is_refuted_with_the_canonical_form() -> None:
    wrong = PRODUCT.replace(r"\frac{\sigma^2 s^2}{\sigma^2 + s^2}\right)", r"\sigma^2 + s^2\right)")
    found = one(wrong)
    assert found is not None and found.status == "refuted"
    assert found.detail["fix"].endswith(r"\mathcal{N}(t; \frac{a s^2 + b \sigma^2}{\sigma^2 + s^2}, "
                                        r"\frac{\sigma^2 s^2}{\sigma^2 + s^2})")


def test_the_norm_notation_is_read_and_a_lost_normaliser_refuted() -> None:
    good = (r"\text{Norm}_{w}[\mu, \sigma^2] \cdot \text{Norm}_{w}[m, \tau^2] = \text{Norm}_{\mu}[m, \sigma^2 + \tau^2]"
            r"\,\text{Norm}_{w}\left[\frac{\mu \tau^2 + m \sigma^2}{\sigma^2 + \tau^2}, "
            r"\frac{\sigma^2 \tau^2}{\sigma^2+\tau^2}\right]")
    found = one(good)
    assert found is not None and found.status == "verified"
    lost = good.replace(r"\text{Norm}_{\mu}[m, \sigma^2 + \tau^2]\,", "")
    found = one(lost)
    assert found is not None and found.status == "refuted"
    assert found.detail["fix"].startswith(r"\text{Norm}_{w}[\mu, \sigma^2] \cdot \text{Norm}_{w}[m, \tau^2] = ")


def test_gaussians_that_only_resemble_the_product_say_nothing() -> None:
    assert one(r"\mathcal{N}(t; a, \sigma)\,\mathcal{N}(t; b, s) = \mathcal{N}(t; a, s)") is None  # sigma or variance?
    assert one(r"\mathcal{N}(t; a, \sigma^2)\,\mathcal{N}(u; b, s^2) = \mathcal{N}(t; a, s^2)") is None  # two variables
    assert one(r"\mathcal{N}(t; a, \sigma^2)\,\mathcal{N}(t; b, s^2) = Z\,\mathcal{N}(t; c, v^2)") is None  # unbound names


# ---- the marginal of a linear-Gaussian model -----------------------------------------------------------

MARGINAL = r"\int \mathcal{N}(v; c\theta + d, r^2)\, \mathcal{N}(\theta; m, q^2)\, d\theta = "


def test_the_marginal_of_a_linear_gaussian_model_is_verified() -> None:
    found = one(MARGINAL + r"\mathcal{N}(v; cm + d, r^2 + c^2 q^2)")
    assert found is not None and found.status == "verified"
    assert "eq. 2.115" in found.detail["reference"]


def test_a_marginal_that_drops_the_noise_variance_is_refuted_with_the_canonical_form() -> None:
    found = one(MARGINAL + r"\mathcal{N}(v; cm + d, c^2 q^2)")
    assert found is not None and found.status == "refuted"
    assert found.detail["fix"].endswith(r"= \mathcal{N}(v; c m + d, r^2 + c^2 q^2)")
    assert "the marginal of a linear-Gaussian model" in found.message


def test_the_norm_notation_of_the_marginal_over_the_whole_line_is_read() -> None:
    found = one(r"\int_{-\infty}^{\infty} \text{Norm}_{v}[3\theta, r^2]\, \text{Norm}_{\theta}[m, q^2]\, d\theta"
                r" = \text{Norm}_{v}[3m, r^2 + 9q^2]")
    assert found is not None and found.status == "verified"


def test_integrals_that_only_resemble_the_marginal_say_nothing() -> None:
    assert one(r"\int \mathcal{N}(v; \theta^2, r^2)\, \mathcal{N}(\theta; m, q^2)\, d\theta"
               r" = \mathcal{N}(v; m^2, r^2 + q^2)") is None  # the mean is not affine in theta
    assert one(r"\int_0^{\infty} \mathcal{N}(v; \theta, r^2)\, \mathcal{N}(\theta; m, q^2)\, d\theta"
               r" = \mathcal{N}(v; m, r^2 + q^2)") is None  # half the line
    assert one(MARGINAL + r"\mathcal{N}(v; cm + d, \Sigma)") is None  # a name the integral does not bind
