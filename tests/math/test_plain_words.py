"""The plain-words printer: a formula's parse as a reader would say it, never the parser's tree."""

from __future__ import annotations

import pytest

from veritex.math import parse
from veritex.math.plain_words import words


@pytest.mark.parametrize(("tex", "expected"), [
    (r"\frac{a}{b}", "the fraction of a over b"),
    (r"(x+1)^2", "(the sum of x and 1) squared"),
    (r"x^{n}", "x to the power n"),
    (r"a - b", "the difference of a and b"),
    (r"2 x y", "the product of 2, x and y"),
    (r"\sqrt{x}", "the square root of x"),
    (r"\sum_{i=1}^{n} x_i", "the sum over i from 1 to n of x sub i"),
    (r"\frac{\partial f}{\partial w}", "the partial derivative of f with respect to w"),
    (r"\frac{d^2 y}{dx^2}", "the second derivative of y with respect to x"),
    (r"\nabla_w L", "the gradient of L with respect to w"),
    (r"\mathbb{E}[X]", "the expectation of X"),
    (r"\|x\|", "the norm of x"),
    (r"|x|", "the absolute value of x"),
    (r"\hat{y}", "y hat"),
    (r"\sigma(z)", "sigma applied to z"),
    (r"x^\top", "the transpose of x"),
    (r"-x", "minus x"),
    (r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", "the 2×2 matrix with rows [a, b; c, d]"),
])
def test_expressions_in_plain_words(tex: str, expected: str) -> None:
    assert words(parse(tex)) == expected


@pytest.mark.parametrize(("tex", "expected"), [
    (r"a = b", "a equals b"),
    (r"a \approx b", "a is approximately b"),
    (r"x \le 1", "x is at most 1"),
    (r"a := b + c", "a is defined as the sum of b and c"),
    (r"a = b = c", "a equals b equals c"),
])
def test_statements_in_plain_words(tex: str, expected: str) -> None:
    assert words(parse(tex)) == expected


@pytest.mark.parametrize("tex", [r"\frac{(a+b)^2}{\sqrt{c}} = \sum_{i=1}^n \sigma(w_i x_i) \cdot \|v\|_2",
                                 r"\mathbb{E}_{x \sim p}[f(x)] \approx \frac{1}{n}\sum_{i} f(x^{(i)})",
                                 r"f'(x) = \left. \frac{dg}{dx} \right|_{x=0}"])
def test_no_tree_or_repr_in_the_words(tex: str) -> None:
    text = words(parse(tex))
    for internal in ("(^ ", "(+ ", "(. ", "(frac", "Symbol(", "object at 0x", "<veritex."):
        assert internal not in text
