"""Broken TeX and TeX outside the subset: every error names the construct and its offset."""

from __future__ import annotations

import pytest

from veritex.math import MathSyntaxError, parse

# tex, offset, construct, kind
ERRORS: list[tuple[str, int, str, str]] = [
    (r"\frac{1}{2", 8, "{", "malformed"),
    (r"\foo{x} + 1", 0, r"\foo", "unsupported"),
    (r"\sum{i=1}^n x_i", 0, r"\sum", "unsupported"),
    (r"Y_i = \sum_{j=1}^{C} X_j * K_{:,:,j,i} + b_i", 30, ":", "unsupported"),
    (r"y = \text{否则}", 4, r"\text{否则}", "unsupported"),
    (r"\text{否则} + 1", 0, r"\text{否则}", "unsupported"),
    (r"\text{L2 正则项: } \lambda \theta^2", 0, r"\text{L2 正则项: }", "unsupported"),
    (r"x + y}", 5, "}", "malformed"),
    (r"\left( x + 1", 0, r"\left", "malformed"),
    (r"(x + y", 0, "(", "malformed"),
    (r"(x + y]", 0, "(", "malformed"),
    (r"x_1_2", 3, "_", "malformed"),
    (r"x^2^3", 3, "^", "malformed"),
    (r"\oint_C f(x)\,dx", 0, r"\oint", "unsupported"),
    (r"\lim_{x \to 0} f(x)", 0, r"\lim", "unsupported"),
    (r"\begin{array}{cc} 1 & 2 \end{array}", 0, r"\begin{array}", "unsupported"),
    (r"a / b c", 6, "c", "unsupported"),
    (r"\frac{dy}{dx^2}", 0, r"\frac", "malformed"),
    (r"f^{-1}(x)", 6, "(", "unsupported"),
    (r"\mathbb{E} x", 0, r"\mathbb", "unsupported"),
    (r"\def\a{\a\a} \a", 13, r"\a", "malformed"),
    (r"\newcommand{\x}[1]{#1} \x", 23, r"\x", "malformed"),
    (r"x^", 2, "the end of the formula", "malformed"),
    (r"\sqrt{}", 5, "{", "malformed"),
    (r"a == b", 3, "=", "malformed"),
    (r"\sum_{j \ne i} x_j", 6, r"\sum_{...}", "unsupported"),
    (r"\begin{cases} x \\ y \end{cases}", 16, r"\\", "unsupported"),
    (r"\langle x, y \rangle", 0, r"\langle", "unsupported"),
    (r"\left. x \right)", 15, ")", "unsupported"),
    (r"\text{where } x > 0", 19, "the end of the formula", "unsupported"),
    (r"|x + 1", 0, "|", "malformed"),
    (r"#1 + x", 0, "#1", "malformed"),
    (r"\frac{d}{dx}", 0, r"\frac", "malformed"),
    (r"x + 中", 4, "中", "unsupported"),
    (r"\hat{}", 4, "{", "malformed"),
    (r"\begin{pmatrix} 1 & 2 \\ 3 \end{pmatrix}", 0, r"\begin{pmatrix}", "malformed"),
    (r"\begin{aligned} a &= b", 0, r"\begin{aligned}", "malformed"),
    ("{" * 80 + "x" + "}" * 80, 60, "{", "unsupported"),
    (r"\sin^{-1} x", 0, r"\sin", "unsupported"),
    (r"= x", 0, "=", "malformed"),
    (r"x \pm", 5, "the end of the formula", "malformed"),
    (r"\text{otherwise}", 0, r"\text{otherwise}", "unsupported"),
    (r"\nabla", 0, r"\nabla", "malformed"),
    (r"x = \frac{d}{dx}", 4, r"\frac", "malformed"),
    (r"f(x) \Big|_{x}", 13, "}", "unsupported"),
    (r"\text{x}{", 8, "{", "malformed"),
]


@pytest.mark.parametrize(("tex", "offset", "construct", "kind"), ERRORS,
                         ids=[e[0][:30] for e in ERRORS])
def test_error_offset_and_construct(tex: str, offset: int, construct: str, kind: str) -> None:
    with pytest.raises(MathSyntaxError) as info:
        parse(tex)
    err = info.value
    assert (err.offset, err.construct, err.kind) == (offset, construct, kind), err.message
    assert construct in str(err)


def test_enough_error_cases() -> None:
    assert len(ERRORS) >= 20


def test_lost_underscore_suggests_the_fix() -> None:
    with pytest.raises(MathSyntaxError) as info:
        parse(r"\sum{i=1}^n x_i")
    assert info.value.hint is not None and r"\sum_{i=1}^n" in info.value.hint


def test_unclosed_brace_reports_where_it_opens() -> None:
    tex = "\\frac{1}{2\n"
    with pytest.raises(MathSyntaxError) as info:
        parse(tex)
    assert tex[info.value.offset] == "{" and info.value.offset == 8


def test_error_in_a_front_matter_macro_points_at_its_use() -> None:
    with pytest.raises(MathSyntaxError) as info:
        parse(r"a + \bad{x}", macros={"\\bad": r"\frac{#1"})
    assert info.value.offset == 4 and info.value.construct == r"\bad"
