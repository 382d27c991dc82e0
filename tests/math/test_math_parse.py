"""Parsing: the corpus reads to known trees; the tree's layout (spans, statements, conditions,
shapes, tags) is what the checker relies on."""

from __future__ import annotations

import subprocess
import sys

import pytest
from acceptance_math import acceptance_formulas
from math_corpus import CORPUS, MACROS

from veritex.math import MathSyntaxError, ast, parse, position_at
from veritex.model import Position

ACCEPTANCE_ERRORS = {r"\frac{1}{2", r"\foo{x} + 1", r"\sum{i=1}^n x_i"}


@pytest.mark.parametrize(("tex", "expected"), CORPUS, ids=[t[:40] for t, _ in CORPUS])
def test_corpus_parses_to_known_structure(tex: str, expected: str) -> None:
    assert str(parse(tex, macros=MACROS)) == expected


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 80
    assert len({tex for tex, _ in CORPUS}) == len(CORPUS)


def test_every_acceptance_formula_is_in_the_corpus() -> None:
    formulas = acceptance_formulas()
    assert len(formulas) >= 40  # the extraction itself found the documents' math
    known = {tex for tex, _ in CORPUS}
    missing = [f for f in formulas if f not in known and f not in ACCEPTANCE_ERRORS]
    assert missing == []
    for broken in ACCEPTANCE_ERRORS:
        assert broken in formulas
        with pytest.raises(MathSyntaxError):
            parse(broken)


@pytest.mark.parametrize("tex", [tex for tex, _ in CORPUS], ids=[t[:40] for t, _ in CORPUS])
def test_spans_lie_inside_the_tex_and_nest(tex: str) -> None:
    formula = parse(tex, macros=MACROS)
    for node in formula.walk():
        start, end = node.span
        assert 0 <= start <= end <= len(tex), (node, node.span)


def test_spans_point_at_the_source() -> None:
    tex = r"J(w, b) = \frac{1}{n}\sum_{i=1}^{n} x_i"
    statement = parse(tex).statements[0]
    lhs, rhs = statement.sides
    assert tex[slice(*lhs.span)] == "J(w, b)"
    assert tex[slice(*rhs.span)] == r"\frac{1}{n}\sum_{i=1}^{n} x_i"
    assert isinstance(rhs, ast.Juxt)
    assert tex[slice(*rhs.factors[1].span)] == r"\sum_{i=1}^{n} x_i"


def test_equality_ignores_spans() -> None:
    assert parse("a + b") == parse("a  +   b")
    assert parse("a + b") != parse("a - b")


def test_statement_chain_and_steps() -> None:
    formula = parse(r"a = b \approx c \le d")
    (statement,) = formula.statements
    assert statement.relations == ("=", "approx", "le")
    assert [(str(a), r, str(b)) for a, r, b in statement.steps()] == [
        ("a", "=", "b"), ("b", "approx", "c"), ("c", "le", "d")]
    assert str(statement.lhs) == "a" and str(statement.rhs) == "d"


def test_definition_relations() -> None:
    for tex in (r"f := x", r"f \coloneqq x", r"f \triangleq x", r"f \equiv x",
                r"f \stackrel{\text{def}}{=} x", r"f \overset{\mathrm{def}}{=} x"):
        assert parse(tex).statements[0].relations == ("def",), tex


def test_update_rule_is_a_relation() -> None:
    statement = parse(r"w \leftarrow w - \eta g").statements[0]
    assert statement.relations == ("update",)


def test_condition_where_attaches_to_the_statement_before() -> None:
    formula = parse(r"f(x) = x^2, \quad \text{where } x > 0")
    (statement,) = formula.statements
    (condition,) = statement.conditions
    assert condition.keyword == "where" and condition.text == "where"
    assert isinstance(condition.body, ast.Statement)
    assert str(condition.body) == "(gt x 0)"
    assert formula.conditions == (condition,)


def test_chinese_condition_attaches_to_the_statement_after() -> None:
    formula = parse(r"y = x^2, \quad \text{当 } x=2 \text{ 时}, y=4")
    first, second = formula.statements
    assert first.conditions == ()
    (condition,) = second.conditions
    assert condition.keyword == "when" and condition.text == "当"
    assert str(condition.body) == "(= x 2)"


def test_cases_conditions() -> None:
    rhs = parse(r"f(x) = \begin{cases} x & \text{if } x > 0 \\ 0 & \text{否则} \end{cases}"
                ).statements[0].rhs
    assert isinstance(rhs, ast.Cases)
    first, second = rhs.rows
    assert first.conditions[0].keyword == "if"
    assert second.conditions[0].keyword == "otherwise" and second.conditions[0].body is None


def test_shape_declarations() -> None:
    formula = parse(r"W_1 \in \mathbb{R}^{256\times 784}, \quad b \in \mathbb{R}^{256}")
    assert formula.statements == ()
    first, second = formula.shapes
    assert [str(d) for d in first.dims] == ["256", "784"] and first.domain == "R"
    assert str(first.targets[0]) == "(_ W 1)"
    assert [str(d) for d in second.dims] == ["256"]


def test_shape_declaration_with_several_targets() -> None:
    (shape,) = parse(r"x^{(i)}, y^{(i)} \in \mathbb{R}").shapes
    assert [str(t) for t in shape.targets] == ["(sup() x i)", "(sup() y i)"]
    assert shape.dims == ()


def test_membership_that_is_not_a_shape() -> None:
    (statement,) = parse(r"i \in S").statements
    assert statement.relations == ("in",)


def test_tag_and_label_are_captured() -> None:
    formula = parse(r"h = \sigma(Wx + b) \tag{Eq.3.1} \label{eq:h}")
    assert formula.tag == "Eq.3.1" and formula.label == "eq:h"
    assert formula.statements[0].tag == "Eq.3.1"


def test_aligned_rows_continue_a_chain() -> None:
    formula = parse(r"\begin{aligned} (a+b)^2 &= (a+b)(a+b) \\ &= a^2 + 2ab + b^2 \end{aligned}")
    (statement,) = formula.statements
    assert len(statement.sides) == 3 and statement.relations == ("=", "=")


def test_aligned_rows_with_new_left_sides_are_new_statements() -> None:
    formula = parse(r"\begin{align} a &= 1 \label{eq:a} \\ b &= 2 \label{eq:b} \end{align}")
    assert [s.label for s in formula.statements] == ["eq:a", "eq:b"]


def test_equation_lists() -> None:
    assert len(parse(r"a = 1, b = 2").statements) == 2
    assert len(parse(r"a = 1 \quad b = 2").statements) == 2
    assert len(parse(r"a = 1 \qquad b = 2, \quad c = 3").statements) == 3
    assert len(parse(r"a = 1.").statements) == 1  # a full stop ends the sentence


def test_quad_inside_a_group_is_only_space() -> None:
    assert str(parse(r"f\left(x \quad y\right)")) == "(call f (. x y))"


def test_front_matter_macro_with_argument() -> None:
    macros = {"\\norm": "\\left\\lVert #1 \\right\\rVert"}
    assert str(parse(r"\norm{x - y}^2", macros=macros)) == "(^ (norm (- x y)) 2)"
    assert str(parse(r"\norm{x}", macros={"norm": r"\|#1\|"})) == "(norm x)"


def test_macro_definitions_in_the_formula() -> None:
    assert str(parse(r"\newcommand{\R}{\mathbb{R}} x \in \R^{n}")) == "(shape x R n)"
    assert str(parse(r"\renewcommand\v[1]{\mathbf{#1}} \v{x}")) == "x:bf"
    assert str(parse(r"\def\sq#1{#1^2} \sq{a} + \sq b")) == "(+ (^ a 2) (^ b 2))"
    assert str(parse(r"\DeclareMathOperator{\Var}{Var} \Var(X)")) == "(call Var:op X)"
    assert str(parse(r"\newcommand{\p}[2][x]{#1_{#2}} \p{1} + \p[y]{2}")) == "(+ (_ x 1) (_ y 2))"


def test_macro_text_arguments_are_substituted() -> None:
    macros = {"\\op": r"\operatorname{#1}"}
    assert str(parse(r"\op{softmax}(z)", macros=macros)) == "(call softmax:op z)"


def test_errors_inside_a_macro_argument_point_at_the_argument() -> None:
    macros = {"\\norm": "\\left\\lVert #1 \\right\\rVert"}
    with pytest.raises(MathSyntaxError) as info:
        parse(r"\norm{K_{:}}", macros=macros)
    assert info.value.offset == 9 and info.value.construct == ":"


def test_extra_function_names() -> None:
    assert str(parse("u(x + 1)")) == "(. u (+ x 1))"
    assert str(parse("u(x + 1)", functions={"u"})) == "(call u (+ x 1))"


def test_juxtaposition_and_application() -> None:
    cases = {
        r"x(y + 1)": "(. x (+ y 1))",
        r"f(y + 1)": "(call f (+ y 1))",
        r"\mathbf{f}(x)": "(. f:bf x)",
        r"a(b, c)": "(call a b c)",
        r"\sin x \cos y": "(. (call sin:op x) (call cos:op y))",
        r"\log 2x": "(call log:op (. 2 x))",
        r"|x| |y|": "(. (abs x) (abs y))",
        r"\lambda |w|": r"(. \lambda (abs w))",
        r"||x||": "(norm x)",
        r"x^23": "(. (^ x 2) 3)",
        r"\frac12": "(frac 1 2)",
        r"W^\top x": "(. (T W) x)",
        r"W^{-1} x": "(. (^ W (neg 1)) x)",
    }
    for tex, expected in cases.items():
        assert str(parse(tex)) == expected, tex


def test_precedence() -> None:
    cases = {
        r"-a b": "(neg (. a b))",
        r"a - b + c": "(+ (- a b) c)",
        r"a \cdot b c": "(cdot a (. b c))",
        r"\sum_i x_i + 1": "(+ (sum i _ _ (_ x i)) 1)",
        r"\sum_i x_i y_i \cdot z_i": "(sum i _ _ (cdot (. (_ x i) (_ y i)) (_ z i)))",
        r"2i/d": "(/ (. 2 i) d)",
        r"\frac{d}{dx} x^2 + 1": "(+ (d (^ x 2) (x 1)) 1)",
        r"-x^2": "(neg (^ x 2))",
    }
    for tex, expected in cases.items():
        assert str(parse(tex)) == expected, tex


def test_derivative_forms() -> None:
    cases = {
        r"\frac{d}{dx}(x^2)": "(d (^ x 2) (x 1))",
        r"\frac{\mathrm{d}y}{\mathrm{d}x}": "(d y (x 1))",
        r"\frac{\partial^2 f}{\partial x^2}": "(partial f (x 2))",
        r"\frac{\partial^{2} f}{\partial x \, \partial y}": "(partial f (x 1) (y 1))",
        r"\frac{\partial}{\partial w} L": "(partial L (w 1))",
        r"\frac{d_k}{d}": "(frac (_ d k) d)",
        r"\frac{d}{2}": "(frac d 2)",
    }
    for tex, expected in cases.items():
        assert str(parse(tex)) == expected, tex


def test_position_of_an_offset() -> None:
    start = Position("doc.md", 10, 5)
    tex = "a + b\n  + \\foo"
    assert position_at(tex, 2, start) == Position("doc.md", 10, 7)
    assert position_at(tex, tex.index("\\foo"), start) == Position("doc.md", 11, 5)
    with pytest.raises(MathSyntaxError) as info:
        parse(tex)
    assert info.value.position(tex, start) == Position("doc.md", 11, 5)
    assert info.value.describe(tex, start).startswith("cannot interpret \\foo at 11:5")


def test_parsing_does_not_import_sympy() -> None:
    code = ("import sys, veritex.math as m; m.parse(r'\\frac{d}{dx} x^2 = 2x'); "
            "print('sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
