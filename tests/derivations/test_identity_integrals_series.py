"""Integrals checked by quadrature and sums with dots checked as the sums their terms show: one
verified, one refuted (a planted mistake) and one unchecked formula per construct."""

from __future__ import annotations

from pathlib import Path

import pytest

from veritex.model import Item
from veritex.readers.markdown import read_markdown
from veritex.stages.derivations import check_identities


def one(tex: str) -> Item:
    doc = read_markdown(f"$$\n{tex}\n$$ (eq:it)\n", Path("doc.md"))
    check_identities(doc, None)
    (item,) = [i for i in doc.items if i.kind == "identity"]
    return item


@pytest.mark.parametrize("tex", [
    r"\int_0^1 3t^2 \, dt = 1",
    r"\int_0^{a} 2s \; ds = a^2",
    r"\int_{-\pi}^{\pi} \sin(u)^2 \, du = \pi",
    r"\int_0^{\infty} e^{-2v} \, dv = \frac{1}{2}",
    r"\int_{-\infty}^{\infty} \frac{1}{\pi + \pi w^2} \, dw = 1",
    r"\int_0^1 \int_0^2 p q \, dp \, dq = 1",
    r"\int_0^{z} e^{z} \, dz = e^{z} - 1",
    r"\int (3u^2 + 1) \, \mathrm{d}u = u^3 + u + C",
])
def test_true_integrals_are_verified(tex: str) -> None:
    item = one(tex)
    assert item.status == "verified", item.message


@pytest.mark.parametrize("tex", [
    r"\int_0^1 3t^2 \, dt = 3",
    r"\int_0^{a} 2s \; ds = 2a^2",
    r"\int_0^{\infty} e^{-2v} \, dv = 2",
    r"\int (3u^2 + 1) \, \mathrm{d}u = u^3 + 2u + C",
])
def test_a_planted_mistake_in_an_integral_is_refuted(tex: str) -> None:
    item = one(tex)
    assert item.status == "refuted", item.message


@pytest.mark.parametrize(("tex", "code"), [
    (r"\int_1^{\infty} \frac{1}{y} \, dy = 7", "integral-no-value"),  # it diverges
    (r"\int_0^{\infty} \frac{\sin y}{y} \, dy = 3", "integral-no-value"),  # only conditionally convergent
    (r"\int_{-1}^{1} |y| \, dy = 5", "integral-no-value"),  # a kink: quadrature is unsure of its digits
    (r"\int_S g(y) \, dy = 1", "outside-subset"),  # over a region
    (r"\int_0^1 g(y) \, dy = \int_0^1 g(t) \, dt", "never-defined"),
])
def test_integrals_without_a_certain_value_are_unchecked(tex: str, code: str) -> None:
    item = one(tex)
    assert item.status == "unchecked", item.message
    assert code in str(item.detail), item.detail


@pytest.mark.parametrize("tex", [
    r"1 + h + h^2 + h^3 + \dots + h^m = \frac{1 - h^{m+1}}{1 - h}",
    r"\sum_{i=1}^{n} a_i b_i = a_1 b_1 + \cdots + a_n b_n",
    r"1^2 + 2^2 + 3^2 + \dots + N^2 = \frac{N(N + 1)(2N + 1)}{6}",
    r"1 + h + h^2 + h^3 + \cdots = \frac{1}{1 - h}",
    r"1 - h + h^2 - h^3 + \cdots = \frac{1}{1 + h}",
    r"1 + y + \frac{y^2}{2} + \frac{y^3}{6} + \cdots = e^{y}",
])
def test_true_sums_with_dots_are_verified(tex: str) -> None:
    item = one(tex)
    assert item.status == "verified", item.message


@pytest.mark.parametrize("tex", [
    r"1 + h + h^2 + h^3 + \dots + h^m = \frac{1 - h^{m}}{1 - h}",
    r"1^2 + 2^2 + 3^2 + \dots + N^2 = \frac{N(N + 1)(2N - 1)}{6}",
    r"1 + h + h^2 + h^3 + \cdots = \frac{1}{1 + h}",
    r"1 + y + \frac{y^2}{2} + \frac{y^3}{6} + \cdots = e^{-y}",
])
def test_a_planted_mistake_in_a_sum_with_dots_is_refuted(tex: str) -> None:
    item = one(tex)
    assert item.status == "refuted", item.message


@pytest.mark.parametrize("tex", [
    r"1 + y + \frac{y^2}{3} + \frac{y^3}{6} + \cdots = e^{y}",  # the pattern is not read off its terms
    r"1 + 2h + 3h^2 + \dots = 5",  # diverges wherever it is not equal
    r"2 + 4 + 6 + \dots + 2N = N(N + 1)",  # 2k is not read off 2, 4, 6
])
def test_sums_with_dots_without_a_certain_reading_are_unchecked(tex: str) -> None:
    assert one(tex).status == "unchecked"


def test_the_variable_of_integration_is_bound_not_the_value_a_definition_gives() -> None:
    doc = read_markdown("$$\nt = 2\n$$ (eq:t)\n\n$$\n\\int_0^1 t \\, dt = \\frac{1}{2}\n$$ (eq:it)\n\n"
                        "$$\n\\int_0^1 t \\, dt = 2\n$$ (eq:wrong)\n", Path("doc.md"))
    check_identities(doc, None)
    items = {i.label: i for i in doc.items if i.kind == "identity"}
    assert items["eq:it"].status == "verified", items["eq:it"].message
    assert items["eq:wrong"].status == "refuted", items["eq:wrong"].message


def checked(markdown: str) -> dict[str | None, Item]:
    doc = read_markdown(markdown, Path("doc.md"))
    check_identities(doc, None)
    return {i.label: i for i in doc.items if i.kind == "identity"}


def test_a_density_given_by_cases_is_integrated_piece_by_piece() -> None:
    density = "$$\nq(s) = \\begin{cases} 2s & s \\in [0, 1] \\\\ 0 & \\text{otherwise} \\end{cases}\n$$ (eq:q)\n\n"
    items = checked(density + "$$\n\\int_{-\\infty}^{\\infty} s q(s) \\, ds = \\frac{2}{3}\n$$ (eq:mean)\n\n"
                    "$$\n\\int_{-\\infty}^{\\infty} s q(s) \\, ds = \\frac{1}{2}\n$$ (eq:wrong)\n")
    assert items["eq:mean"].status == "verified", items["eq:mean"].message
    assert items["eq:wrong"].status == "refuted", items["eq:wrong"].message


@pytest.mark.parametrize(("tex", "status"), [
    (r"\sqrt{v^2} = v \quad \text{for } v \in [1, 3]", "verified"),
    (r"\sqrt{v^2} = -v \quad \text{for } v \in [1, 3]", "refuted"),
])
def test_a_condition_on_an_interval_restricts_sampling(tex: str, status: str) -> None:
    item = one(tex)
    assert item.status == status, item.message


@pytest.mark.parametrize(("tex", "status"), [
    (r"1 \cdot 2 \cdot 3 \cdots N = N!", "verified"),
    (r"\prod_{i=1}^{N} c_i = c_1 c_2 \cdots c_N", "verified"),
    (r"1 \cdot 2 \cdot 3 \cdots N = (N + 1)!", "refuted"),
])
def test_products_with_dots(tex: str, status: str) -> None:
    item = one(tex)
    assert item.status == status, item.message


@pytest.mark.parametrize(("tex", "status"), [
    (r"\sum_{k=0}^{\infty} g^k = \frac{1}{1 - g}", "verified"),
    (r"\sum_{k=0}^{\infty} g^k = \frac{1}{1 + g}", "refuted"),
])
def test_an_endless_sum_sympy_cannot_close_is_summed_where_it_converges(tex: str, status: str) -> None:
    item = one(tex)
    assert item.status == status, item.message
