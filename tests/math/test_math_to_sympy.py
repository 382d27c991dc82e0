"""The SymPy translation: names, indexing, functions, derivatives, sums, and refusals."""

from __future__ import annotations

import pytest
import sympy
from math_corpus import CORPUS, MACROS

from veritex.math import Uninterpretable, ast, parse
from veritex.math.to_sympy import condition_to_sympy, statement_to_sympy, to_sympy

x, y, w, b, n, N, C = sympy.symbols("x y w b n N C")
i, j, c = sympy.symbols("i j c", integer=True)


def side(tex: str, k: int = 0, **options: object) -> sympy.Basic:
    formula = parse(tex, macros=MACROS)
    return to_sympy(formula.statements[0].sides[k], scope=formula, **options)  # type: ignore[arg-type]


def test_derivative_of_a_square() -> None:
    result = side(r"\frac{d}{dx}(x^2)")
    assert result == sympy.Derivative(x**2, x)
    assert result.doit() == 2 * x


def test_sum_over_an_indexed_base() -> None:
    result = side(r"\sum_{i=1}^n x_i")
    assert result == sympy.Sum(sympy.IndexedBase("x")[i], (i, 1, n))


def test_subscripts_that_are_not_bound_are_names() -> None:
    assert side("d_k") == sympy.Symbol("d_k")
    assert side("W_1") == sympy.Symbol("W_1")
    assert side(r"\beta_1") == sympy.Symbol("beta_1")
    assert side(r"\theta_{t-1}") == sympy.Symbol("theta_{t-1}")
    assert side(r"C_{\text{in}}") == sympy.Symbol("C_in")
    assert side(r"\sqrt{d_k}") == sympy.sqrt(sympy.Symbol("d_k"))


def test_accents_are_suffixes_and_fonts_are_typography() -> None:
    assert side(r"\hat{y}") == sympy.Symbol("y_hat")
    assert side(r"\hat{y}") != sympy.Symbol("y")
    assert side(r"\bar{x}") == sympy.Symbol("x_bar")
    assert side(r"\mathbf{x}") == x
    assert side(r"\boldsymbol{\theta}") == sympy.Symbol("theta")
    assert side(r"\theta^*") == sympy.Symbol("theta_star")
    assert side(r"\varepsilon") == sympy.Symbol("epsilon")


def test_calligraphic_letters_unless_they_clash() -> None:
    assert side(r"\mathcal{L}_{\text{reg}} = \mathcal{L} + \lambda \norm{\theta}^2", 1) == \
        sympy.Symbol("L") + sympy.Symbol("lambda") * sympy.Function("norm")(sympy.Symbol("theta"))**2
    assert side(r"\mathcal{L} = L + 1", 0) == sympy.Symbol("L_cal")
    assert side(r"\mathcal{L} = L + 1", 1) == sympy.Symbol("L") + 1


def test_parenthesised_superscripts_index() -> None:
    assert side(r"y^{(i)}") == sympy.IndexedBase("y")[i]
    assert side(r"W^{[l]}") == sympy.IndexedBase("W")[sympy.Symbol("l", integer=True)]
    assert side(r"\hat{y}^{(i)}") == sympy.IndexedBase("y_hat")[i]
    inside = side(r"\sum_{i=1}^{n} x^{(i)}")
    assert inside == sympy.Sum(sympy.IndexedBase("x")[i], (i, 1, n))


def test_capital_superscript_on_a_capital_is_a_name() -> None:
    assert side(r"W^Q") == sympy.Symbol("W^Q")
    assert side(r"W_i^Q") == sympy.Symbol("W_i^Q")
    assert side(r"x^n") == x ** sympy.Symbol("n")


def test_euler_number_unless_declared() -> None:
    assert side(r"e^{-x}") == sympy.exp(-x)
    assert side(r"e^{-x}", known={"e"}) == sympy.Symbol("e") ** (-x)
    assert side(r"\mathrm{e}^{x}", known={"e"}) == sympy.exp(x)
    assert side(r"2\pi") == 2 * sympy.pi


def test_logarithms_are_natural() -> None:
    assert side(r"\log x") == sympy.log(x)
    assert side(r"\ln(x)") == sympy.log(x)
    assert side(r"\log_2 x") == sympy.log(x, 2)


def test_ml_functions() -> None:
    assert side(r"\sigma(x)") == 1 / (1 + sympy.exp(-x))
    assert side(r"\mathrm{ReLU}(x)") == sympy.Max(0, x)
    assert side(r"\tanh(x)") == sympy.tanh(x)
    assert side(r"\operatorname{erf}(x)") == sympy.erf(x)
    gelu = side(r"\mathrm{GELU}(x)")
    assert sympy.simplify(gelu - x * (1 + sympy.erf(x / sympy.sqrt(2))) / 2) == 0
    assert side(r"\mathrm{softmax}(z)") == sympy.Function("softmax")(sympy.Symbol("z"))
    assert side(r"\max(0, x)") == sympy.Max(0, x)
    assert side(r"J(w, b)") == sympy.Function("J")(w, b)
    assert side(r"\sigma^2") == sympy.Symbol("sigma") ** 2  # not a function without arguments


def test_user_functions() -> None:
    t = sympy.Symbol("t")
    square = sympy.Lambda(t, t**2)
    assert side(r"f(x + 1)", functions={"f": square}) == (x + 1) ** 2


def test_reductions() -> None:
    z = sympy.IndexedBase("z")
    bound = sympy.Symbol("|j|", integer=True, positive=True)
    assert side(r"\max_j z_j") == sympy.Function("max_over")(z[j], sympy.Tuple(j, 1, bound))
    assert side(r"\sum_j e^{z_j}") == sympy.Sum(sympy.exp(z[j]), (j, 1, bound))


def test_cross_entropy() -> None:
    result = side(r"\mathcal{L} = -\frac{1}{N}\sum_{i=1}^{N}\sum_{c=1}^{C} Y_{ic}\log \hat{Y}_{ic}", 1)
    Y, Y_hat = sympy.IndexedBase("Y"), sympy.IndexedBase("Y_hat")
    assert result == -sympy.Sum(Y[i, c] * sympy.log(Y_hat[i, c]), (c, 1, C), (i, 1, N)) / N


def test_mse_gradient_is_the_derivative_of_the_mse() -> None:
    """The checker's symbolic step for eq:grad-w in linear_regression_tf.md, done here by hand."""
    mse_tex = r"J(w, b) = \frac{1}{n}\sum_{i=1}^{n}\left(y^{(i)} - \hat{y}^{(i)}\right)^2"
    grad_tex = (r"\frac{\partial J}{\partial w} = -\frac{2}{n}\sum_{i=1}^{n} x^{(i)}"
                r"\left(y^{(i)} - \hat{y}^{(i)}\right)")
    model = side(r"\hat{y}^{(i)} = w\,x^{(i)} + b", 1)
    y_hat = side(r"\hat{y}^{(i)} = w\,x^{(i)} + b", 0)
    mse = side(mse_tex, 1)
    grad = side(grad_tex, 1)
    assert y_hat == sympy.IndexedBase("y_hat")[i]  # the same index as inside the sums
    substituted = {y_hat: model}
    difference = sympy.diff(mse.xreplace(substituted), w) - grad.xreplace(substituted)
    assert sympy.simplify(difference.doit()) == 0


def test_planted_sigmoid_derivative_is_wrong() -> None:
    lhs = side(r"\frac{d}{dx}\sigma(x) = \sigma(x)\left(1 + \sigma(x)\right)", 0)
    rhs = side(r"\frac{d}{dx}\sigma(x) = \sigma(x)\left(1 + \sigma(x)\right)", 1)
    assert sympy.simplify(lhs.doit() - rhs) != 0
    right = side(r"\sigma(x)(1 - \sigma(x))")
    assert sympy.simplify(lhs.doit() - right) == 0


def test_logsumexp_steps_hold() -> None:
    formula = parse(CORPUS_TEX["logsumexp"])
    sides = [to_sympy(s, scope=formula) for s in formula.statements[0].sides]
    z = sympy.IndexedBase("z")
    values = {sympy.Symbol("n"): 3, sympy.Symbol("m"): sympy.Rational(1, 2)}
    numbers = {z[1]: 1, z[2]: 2, z[3]: 5}
    evaluated = [s.subs(values).doit().subs(numbers) for s in sides]
    assert all(abs(sympy.N(v - evaluated[0])) < 1e-12 for v in evaluated)


def test_derivative_forms_translate() -> None:
    f = sympy.Symbol("f")
    assert side(r"\frac{\partial^2 f}{\partial x \partial y}") == sympy.Derivative(f, x, y)
    assert side(r"\frac{d^2 y}{dx^2}") == sympy.Derivative(y, (x, 2))
    assert side(r"\nabla_w L") == sympy.Derivative(sympy.Symbol("L"), w)
    assert side(r"\left.\frac{d}{dx} x^3\right|_{x=1}").doit() == 3
    assert side(r"f'(x)") == sympy.Derivative(sympy.Function("f")(x), x)
    assert sympy.simplify(side(r"\sigma'(x)").doit() - sympy.exp(-x) / (1 + sympy.exp(-x))**2) == 0


def test_cases_become_piecewise() -> None:
    result = side(r"\begin{cases} x & x > 0 \\ 0 & \text{otherwise} \end{cases}")
    assert result == sympy.Piecewise((x, x > 0), (0, True))


def test_known_names_join_letters() -> None:
    assert side(r"PE_{(p,\,2i)}", known={"PE"}) == sympy.Symbol("PE_{p,2i}")
    assert side("lr", known={"lr"}) == sympy.Symbol("lr")
    assert side("ab") == sympy.Symbol("a") * sympy.Symbol("b")


def test_matrix_notation_stays_unevaluated() -> None:
    assert side(r"W^\top") == sympy.Function("transpose")(sympy.Symbol("W"))
    assert side(r"a \odot b") == sympy.Function("hadamard")(sympy.Symbol("a"), b)
    assert side(r"\|x\|_2") == sympy.Function("norm")(x, 2)
    assert side(r"\begin{pmatrix} 1 & x \end{pmatrix}") == sympy.ImmutableMatrix([[1, x]])


def test_statements_and_conditions() -> None:
    formula = parse(r"a = b \le c, \quad \text{where } x > 0")
    (statement,) = formula.statements
    a, bb, cc = sympy.symbols("a b c")
    assert statement_to_sympy(statement) == [sympy.Eq(a, bb), sympy.Le(bb, cc)]
    assert condition_to_sympy(statement.conditions[0]) == sympy.Gt(x, 0)


@pytest.mark.parametrize(("tex", "construct"), [
    (r"\mathbb{E}[x]", "expectation"),
    (r"\mathrm{softmax}(s)_j", "subscript"),
    (r"\sum x", "without an index"),
    (r"\sum_{i \in S} x_i", "over a set"),
    (r"a * b", "operator"),
    (r"a \pm b", "operator"),
    (r"\mathrm{ReLU}(\cdot)", "placeholder"),
    (r"\nabla L", "nabla"),
    (r"\{1, 2\}", "set"),
    (r"y'", "prime"),
    (r"D(P \parallel Q)", "operator"),
])
def test_uninterpretable(tex: str, construct: str) -> None:
    with pytest.raises(Uninterpretable) as info:
        side(tex)
    assert construct in info.value.construct
    assert info.value.offset >= 0


def test_uninterpretable_offset_points_into_the_tex() -> None:
    tex = r"y = 1 + \mathbb{E}[x]"
    with pytest.raises(Uninterpretable) as info:
        side(tex, 1)
    assert tex[info.value.offset:].startswith(r"\mathbb{E}")


CORPUS_TEX = {"logsumexp": next(t for t, _ in CORPUS if t.startswith(r"\log\sum_{j=1}^{n} e^{z_j}"))}


def test_every_corpus_formula_translates_or_refuses_cleanly() -> None:
    translated = 0
    for tex, _ in CORPUS:
        formula = parse(tex, macros=MACROS)
        for statement in formula.statements:
            for expr in statement.sides:
                try:
                    result = to_sympy(expr, scope=formula)
                except Uninterpretable:
                    continue
                assert isinstance(result, sympy.Basic)
                translated += 1
    assert translated > 150


def test_formula_nodes_are_expressions() -> None:
    formula = parse("a + b")
    assert isinstance(formula.statements[0].sides[0], ast.Expr)


def test_known_names_join_by_longest_match() -> None:
    from veritex.math.words import declared_words, join_known_words

    formula = parse(r"y = 2 P E X_{i} + P E")
    rhs = formula.statements[0].sides[1]
    assert str(join_known_words(rhs, {"PE", "PEX"})) == "(+ (. 2 (_ PEX i)) PE)"
    assert str(join_known_words(rhs, {"PE"})) == "(+ (. 2 PE (_ X i)) PE)"
    assert join_known_words(rhs, set()) is rhs
    assert declared_words(parse(r"PE \in \mathbb{R}^{L \times d}")) == {"PE"}
    assert declared_words(parse(r"PE_{(p, 2i)} = \sin(p)")) == {"PE"}
    assert declared_words(parse(r"y = ab")) == set()
