"""Parsing integrals (the differential ends the integrand) and reading sums written out with dots."""

from __future__ import annotations

import pytest
import sympy

from veritex.math import MathSyntaxError, parse
from veritex.math.errors import Uninterpretable
from veritex.math.evaluated_later import DefiniteIntegral, InfiniteSeries
from veritex.math.plain_words import words
from veritex.math.to_sympy import to_sympy


@pytest.mark.parametrize(("tex", "expected"), [
    (r"\int_0^2 t^3 \, dt", "(int t 0 2 (^ t 3))"),
    (r"\int_{a}^{b} (u + 1) \; \mathrm{d}u", "(int u a b (+ u 1))"),
    (r"\int_{-\infty}^{\infty} g(s) \; ds", "(int s (neg \\infty) \\infty (call g s))"),
    (r"\int \sin \phi \, d\phi", "(int \\phi _ _ (call sin:op \\phi))"),
    (r"\int_0^1 \int_0^3 w v \, dv \, dw", "(int w 0 1 (int v 0 3 (. w v)))"),
    (r"\int_0^1 dz", "(int z 0 1 1)"),
    (r"\int_S h(z) \, dz", "(int z in S (call h z))"),
])
def test_integrals_parse_with_the_differential_ending_the_integrand(tex: str, expected: str) -> None:
    assert str(parse(tex).statements[0].sides[0]) == expected


def test_an_integral_is_a_factor_and_its_body_is_a_whole_sum() -> None:
    tree = parse(r"3\int_1^2 s^2 + s \,ds - 4 = q")
    assert str(tree.statements[0].sides[0]) == "(- (. 3 (int s 1 2 (+ (^ s 2) s))) 4)"


def test_a_leibniz_fraction_inside_the_integrand_is_not_a_differential() -> None:
    tree = parse(r"\int_0^1 \frac{dg}{dt} \, dt = g(1) - g(0)")
    assert str(tree.statements[0].sides[0]).startswith("(int t 0 1 (d g (t 1)))")


@pytest.mark.parametrize("tex", [r"\int_0^1 t^2", r"\int^1 t\,dt", r"\oint_C t\,dt"])
def test_integrals_without_a_differential_or_with_one_limit_are_refused(tex: str) -> None:
    with pytest.raises(MathSyntaxError):
        parse(tex)


def side(tex: str) -> sympy.Expr:
    return to_sympy(parse(tex).statements[0].sides[0])


def test_definite_integrals_become_numeric_integrals_that_doit_leaves_alone() -> None:
    value = side(r"\int_0^1 t^4 \, dt")
    assert isinstance(value, DefiniteIntegral)
    assert value.doit() == value  # no antiderivative is sought
    assert isinstance(side(r"\int t^4 \, dt"), sympy.Integral)


def test_an_integral_over_a_region_is_uninterpretable() -> None:
    with pytest.raises(Uninterpretable):
        side(r"\int_S h(z) \, dz")


@pytest.mark.parametrize(("tex", "expected"), [
    (r"1 + q + q^2 + q^3 + \dots + q^m", "Sum(q**k, (k, 0, m))"),
    (r"a_1 + a_2 + \cdots + a_N", "Sum(a[k], (k, 1, N))"),
    (r"w_1 y_1 + \cdots + w_N y_N", "Sum(w[k]*y[k], (k, 1, N))"),
    (r"2 + 3 + 4 + \dots + N", "Sum(k, (k, 2, N))"),
    (r"\frac{1}{2} + \frac{1}{4} + \frac{1}{8} + \dots + \frac{1}{2^m}", None),
])
def test_sums_with_dots_read_as_the_pattern_of_their_terms(tex: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(Uninterpretable):
            side(tex)
        return
    assert str(side(tex)) == expected


def test_a_number_that_is_the_factorial_of_the_index_reads_as_that_factorial() -> None:
    assert str(side(r"1 + y + \frac{y^2}{2} + \frac{y^3}{6} + \cdots")) == "Sum(y**k/factorial(k), (k, 0, oo))"


def test_an_endless_series_with_alternating_signs() -> None:
    value = side(r"1 - s + s^2 - s^3 + \cdots")
    assert isinstance(value, InfiniteSeries)
    k, s = sympy.Symbol("k", integer=True), sympy.Symbol("s")
    assert sympy.simplify(value.function - (-1) ** k * s**k) == 0


@pytest.mark.parametrize("tex", [
    r"1 + q + \dots + q^m",  # no whole number in the terms shows the running index
    r"1 + q^2 + \dots",  # an endless sum needs three terms
    r"1 + y + \frac{y^2}{3} + \frac{y^3}{6} + \cdots",  # no index value reproduces y^2/3
    r"1 + 2 + 4 + \dots + 2^m",
    r"q + q^2 + \dots + r^m",  # the last term does not follow the pattern
])
def test_sums_whose_terms_do_not_determine_the_pattern_are_uninterpretable(tex: str) -> None:
    with pytest.raises(Uninterpretable):
        side(tex)


def test_an_integral_in_plain_words() -> None:
    assert words(parse(r"\int_0^2 t^3 \, dt")) == "the integral from 0 to 2 of t cubed with respect to t"


@pytest.mark.parametrize(("tex", "expected"), [
    (r"b_1 b_2 \cdots b_N", "Product(b[k], (k, 1, N))"),
    (r"1 \cdot 2 \cdot 3 \cdots N", "Product(k, (k, 1, N))"),
    (r"(1 + q)(1 + q^2) \cdots (1 + q^N)", "Product(q**k + 1, (k, 1, N))"),
])
def test_products_with_dots_read_as_the_pattern_of_their_factors(tex: str, expected: str) -> None:
    assert str(side(tex)) == expected


@pytest.mark.parametrize("tex", [r"b_1 b_2 \cdots", r"B \cdot B \cdots B"])
def test_products_whose_factors_do_not_determine_the_pattern_are_uninterpretable(tex: str) -> None:
    with pytest.raises(Uninterpretable):
        side(tex)
