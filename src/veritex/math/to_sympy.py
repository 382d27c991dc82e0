"""Translate the syntax tree into SymPy, applying veritex's naming rules.

A visitor in the manner of SymPy's printers: `_visit_<NodeClass>` per node class, so supporting a
construct means adding one method. The translation is exact for scalar calculus (identities,
derivatives, sums); matrix meaning (transpose, matmul, Hadamard products, norms) is kept as
unevaluated functions (`transpose(x)`, `hadamard(a, b)`, `norm(x)`) for the numeric evaluator to
give it. Anything with no faithful SymPy meaning raises `Uninterpretable(construct, offset)`.

Meaning chosen here (see docs/symbols.md):
- a subscript made of bound summation indices indexes (`x_i` in `\\sum_{i=1}^n` is `x[i]`);
  any other subscript is part of the name (`d_k`);
- a parenthesised or bracketed superscript always indexes (`y^{(i)}` is `y[i]`, `W^{[l]}` is
  `W[l]`), with the sample index before a bound subscript (`x^{(i)}_j` is `x[i, j]`);
- `e` is Euler's number and `\\pi` is pi unless `known` holds "e" / "pi"; `\\log` is natural;
- `\\sigma(x)` is the logistic sigmoid, `\\mathrm{ReLU}` is `Max(0, x)`, `\\mathrm{GELU}` the exact
  erf form; other functions are undefined `sympy.Function`s named as written;
- juxtaposed single letters are split by longest match against `known` (`PE` stays one name when
  "PE" is known), else into letters;
- a sum without bounds, `\\sum_j`, runs from 1 to the symbol `|j|` (the number of values j takes).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import sympy

from veritex.math import ast, series
from veritex.math.errors import Uninterpretable
from veritex.math.evaluated_later import DefiniteIntegral, InfiniteSeries
from veritex.math.names import label_name, plain_letters, subscripted_name, symbol_name
from veritex.math.words import join_words

__all__ = ["DefiniteIntegral", "InfiniteSeries", "condition_to_sympy", "statement_to_sympy", "to_sympy"]


MAX_EXACT_DIGITS = 10_000
MAX_EXACT_FACTORIAL = 3_000
"""SymPy computes `10^{10^{10}}` and `10^{6}!` exactly, in one call nothing can interrupt: such a
formula would hang the build, so it is refused instead."""


def _exact_digits(base: sympy.Rational, exponent: sympy.Rational) -> float:
    """About how many digits `base ** exponent` has when SymPy computes it exactly."""
    size = max(math.log10(abs(base.p)) if base.p else 0.0, math.log10(base.q))
    return size * abs(float(exponent))


def _sigmoid(x: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-x))


def _gelu(x: sympy.Expr) -> sympy.Expr:
    return x * (1 + sympy.erf(x / sympy.sqrt(2))) / 2


_ONE_ARGUMENT: dict[str, Callable[[sympy.Expr], sympy.Expr]] = {
    "exp": sympy.exp, "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "cot": sympy.cot,
    "sec": sympy.sec, "csc": sympy.csc, "sinh": sympy.sinh, "cosh": sympy.cosh,
    "tanh": sympy.tanh, "coth": sympy.coth, "arcsin": sympy.asin, "arccos": sympy.acos,
    "arctan": sympy.atan, "erf": sympy.erf, "erfc": sympy.erfc, "sigma": _sigmoid,
    "sigmoid": _sigmoid, "relu": lambda x: sympy.Max(0, x), "gelu": _gelu,
    "softplus": lambda x: sympy.log(1 + sympy.exp(x)), "silu": lambda x: x * _sigmoid(x),
    "swish": lambda x: x * _sigmoid(x), "sign": sympy.sign, "sgn": sympy.sign, "abs": sympy.Abs,
}
"""Functions with an exact scalar meaning, by lower-case name."""
_LOGARITHMS = frozenset({"log", "ln"})
_NO_MEANING = {"lg": "\\lg (log base 2 or 10?)", "pr": "\\Pr (a probability)"}
_RELATIONS: dict[str, Callable[[Any, Any], sympy.Basic]] = {
    "=": lambda a, b: sympy.Eq(a, b, evaluate=False),
    "def": lambda a, b: sympy.Eq(a, b, evaluate=False),
    "le": lambda a, b: sympy.Le(a, b, evaluate=False),
    "lt": lambda a, b: sympy.Lt(a, b, evaluate=False),
    "ge": lambda a, b: sympy.Ge(a, b, evaluate=False),
    "gt": lambda a, b: sympy.Gt(a, b, evaluate=False),
    "ne": lambda a, b: sympy.Ne(a, b, evaluate=False),
}
_DESCRIPTIONS = {
    "Expectation": "an expectation \\mathbb{E}[...]", "Tuple": "a tuple", "SetOf": "a set",
    "SetBuilder": "a set", "Family": "an indexed family", "Dots": "\\dots",
    "Placeholder": "a placeholder argument \\cdot", "Accent": "an accent over an expression",
    "Styled": "a font on a number", "Prime": "a prime outside f'(x)",
    "Matrix": "a determinant", "Gradient": "\\nabla without a variable", "Integral": "\\int",
}


def to_sympy(node: ast.Expr, *, known: Iterable[str] = frozenset(),
             functions: Mapping[str, object] | None = None,
             scope: ast.Node | None = None) -> sympy.Expr:
    """The SymPy expression for `node`.

    `known`: names declared as symbols in the document (used to split `PE` and to keep `e` or
    `\\pi` as symbols). `functions`: name -> callable giving the SymPy meaning of a user function
    (`{"f": sympy.Lambda(x, x**2)}`). `scope`: the node whose letters decide name clashes such as
    `\\mathcal{L}` next to `L` (default: `node`; pass the whole Formula when translating one side).
    """
    return _Translator(known, functions, scope or node).visit(node)


def statement_to_sympy(statement: ast.Statement, *, known: Iterable[str] = frozenset(),
                       functions: Mapping[str, object] | None = None,
                       scope: ast.Node | None = None) -> list[sympy.Basic]:
    """One SymPy relation per step of a chain: `a = b \\le c` -> [Eq(a, b), Le(b, c)]."""
    translator = _Translator(known, functions, scope or statement)
    return [translator.relation(left, rel, right, statement) for left, rel, right in
            statement.steps()]


def condition_to_sympy(condition: ast.Condition, *, known: Iterable[str] = frozenset(),
                       functions: Mapping[str, object] | None = None,
                       scope: ast.Node | None = None) -> sympy.Basic:
    """A condition as a SymPy boolean: `x > 0` -> `x > 0`, "otherwise" -> `True`."""
    translator = _Translator(known, functions, scope or condition)
    return translator.condition(condition)


def _is_interval(node: ast.Expr) -> bool:
    return isinstance(node, ast.Tuple) and len(node.items) == 2


class _Translator:
    def __init__(self, known: Iterable[str], functions: Mapping[str, object] | None,
                 scope: ast.Node) -> None:
        self.known = frozenset(known)
        self.functions = dict(functions or {})
        self.clashes = plain_letters(scope)
        self.bound: dict[str, sympy.Symbol] = {}
        self.in_index = 0  # > 0 while translating an index: its free letters are integers

    def visit(self, node: ast.Expr) -> Any:
        method = getattr(self, "_visit_" + type(node).__name__, None)
        if method is None:
            raise self.refuse(node)
        return method(node)

    def refuse(self, node: ast.Node, reason: str = "") -> Uninterpretable:
        construct = _DESCRIPTIONS.get(type(node).__name__, type(node).__name__)
        return Uninterpretable(construct, node.span[0], reason)

    # ---- statements and conditions -----------------------------------------------------------

    def relation(self, left: ast.Expr, rel: str, right: ast.Expr, where: ast.Node) -> sympy.Basic:
        make = _RELATIONS.get(rel)
        if make is None:
            raise Uninterpretable(f"the relation '{rel}'", where.span[0],
                                  "it has no exact SymPy meaning")
        return make(self.visit(left), self.visit(right))

    def condition(self, condition: ast.Condition) -> sympy.Basic:
        body = condition.body
        if body is None:
            return sympy.true
        if not isinstance(body, ast.Statement) or not body.relations:
            raise Uninterpretable("a condition", condition.span[0], "it is not a relation")
        steps = [self.interval(a, b) if rel == "in" and _is_interval(b) else self.relation(a, rel, b, condition)
                 for a, rel, b in body.steps()]
        return sympy.And(*steps) if len(steps) > 1 else steps[0]

    def interval(self, member: ast.Expr, interval: ast.Expr) -> sympy.Basic:
        """`x \\in [a, b]` (or `(a, b)`, `[a, b)`: the ends do not matter to sampling) in a condition."""
        assert isinstance(interval, ast.Tuple)
        value = self.visit(member)
        low, high = (self.visit(end) for end in interval.items)
        return sympy.And(sympy.Le(low, value, evaluate=False), sympy.Le(value, high, evaluate=False))

    # ---- atoms -------------------------------------------------------------------------------

    def _visit_Number(self, node: ast.Number) -> sympy.Expr:
        return sympy.Integer(node.value) if node.value.isdigit() else sympy.Rational(node.value)

    def _visit_Symbol(self, node: ast.Symbol) -> sympy.Expr:
        name = symbol_name(node, self.clashes)
        if node.font == "op":
            raise Uninterpretable(f"\\{node.name}", node.span[0], "a function used as a value")
        if name in self.bound:
            return self.bound[name]
        if node.name == "\\infty" and not node.accents:
            return sympy.oo
        if node.name == "\\pi" and not node.accents and "pi" not in self.known:
            return sympy.pi
        if node.name == "e" and not node.accents and (node.font in ("rm", "text") or (
                node.font is None and "e" not in self.known)):
            return sympy.E
        if self.in_index:
            return sympy.Symbol(name, integer=True)
        return sympy.Symbol(name)

    def visit_bound(self, node: ast.Expr, index: str) -> sympy.Expr:
        """`node` with `index` bound as a summation index (its subscripts index)."""
        saved = dict(self.bound)
        self.bound[index] = sympy.Symbol(index, integer=True)
        try:
            return self.visit(node)
        finally:
            self.bound = saved

    def name_of(self, node: ast.Expr) -> str:
        """The name of a name-like node that is not indexing."""
        if isinstance(node, ast.Symbol):
            if node.font == "op":
                raise Uninterpretable(f"\\{node.name}", node.span[0], "a function used as a value")
            return symbol_name(node, self.clashes)
        if isinstance(node, ast.Subscript) and not self.is_bound(node.index):
            return subscripted_name(self.name_of(node.base), node.index, self.clashes)
        if isinstance(node, ast.SuperIndex) and node.bracket == "":
            return label_name(self.name_of(node.base), node.index, self.clashes)
        raise Uninterpretable("a subscript", node.span[0],
                              "only a name (a letter, perhaps subscripted) can be indexed")

    def is_bound(self, index: ast.Expr) -> bool:
        return any(isinstance(n, ast.Symbol) and symbol_name(n, self.clashes) in self.bound
                   for n in index.walk())

    def indices(self, index: ast.Expr) -> list[sympy.Expr]:
        """`ic` -> [i, c]; `i,j` -> [i, j]; `i+1` -> [i + 1]. Letters in an index are integers,
        so `y^{(i)}` outside a sum and inside `\\sum_{i=1}^n` meet."""
        if isinstance(index, ast.Tuple):
            items: tuple[ast.Expr, ...] = index.items
        elif isinstance(index, ast.Juxt) and all(isinstance(f, ast.Symbol) for f in index.factors):
            items = index.factors
        else:
            items = (index,)
        self.in_index += 1
        try:
            return [self.visit(item) for item in items]
        finally:
            self.in_index -= 1

    def _visit_Subscript(self, node: ast.Subscript) -> sympy.Expr:
        if not self.is_bound(node.index):
            return sympy.Symbol(self.name_of(node))
        base = node.base
        if isinstance(base, ast.SuperIndex) and base.bracket:
            return sympy.IndexedBase(self.name_of(base.base))[
                (*self.indices(base.index), *self.indices(node.index))]
        return sympy.IndexedBase(self.name_of(base))[tuple(self.indices(node.index))]

    def _visit_SuperIndex(self, node: ast.SuperIndex) -> sympy.Expr:
        if node.bracket == "":
            return sympy.Symbol(self.name_of(node))
        base = node.base
        if isinstance(base, ast.Subscript) and self.is_bound(base.index):
            return sympy.IndexedBase(self.name_of(base.base))[
                (*self.indices(node.index), *self.indices(base.index))]
        return sympy.IndexedBase(self.name_of(base))[tuple(self.indices(node.index))]

    # ---- arithmetic --------------------------------------------------------------------------

    def _visit_Power(self, node: ast.Power) -> sympy.Expr:
        exponent = self.visit(node.exponent)
        base = self.visit(node.base)
        if base == sympy.E:
            return sympy.exp(exponent)
        if base.is_Rational and exponent.is_Rational and _exact_digits(base, exponent) > MAX_EXACT_DIGITS:
            raise Uninterpretable("a number too large to compute exactly", node.span[0],
                                  f"it has more than {MAX_EXACT_DIGITS:,} digits")
        return sympy.Pow(base, exponent)

    def _visit_Transpose(self, node: ast.Transpose) -> sympy.Expr:
        return sympy.Function("transpose")(self.visit(node.operand))

    def _visit_Factorial(self, node: ast.Factorial) -> sympy.Expr:
        operand = self.visit(node.operand)
        if operand.is_Integer and operand > MAX_EXACT_FACTORIAL:
            raise Uninterpretable("a number too large to compute exactly", node.span[0],
                                  f"the factorial of a number above {MAX_EXACT_FACTORIAL:,}")
        return sympy.factorial(operand)

    def _visit_Percent(self, node: ast.Percent) -> sympy.Expr:
        return self.visit(node.operand) / 100

    def _visit_Neg(self, node: ast.Neg) -> sympy.Expr:
        return -self.visit(node.operand)

    def _visit_BinOp(self, node: ast.BinOp) -> sympy.Expr:
        op = node.op
        if op in ("+", "-") and series.has_dots_term(node):
            return series.read_series(node, self.visit, self.visit_bound)
        if op in ("cdot", "times") and series.has_dots_factor(node):
            return series.read_product(node, self.visit, self.visit_bound)
        if op in ("+", "-", "cdot", "times", "/", "odot", "otimes"):
            left, right = self.visit(node.left), self.visit(node.right)
            if op == "+":
                return left + right
            if op == "-":
                return left - right
            if op in ("cdot", "times"):
                return left * right
            if op == "/":
                return left / right
            return sympy.Function("hadamard" if op == "odot" else "kron")(left, right)
        reasons = {"ast": "'*' may mean convolution; write \\cdot for a product",
                   "pm": "\\pm stands for two values", "mp": "\\mp stands for two values",
                   "circ": "function composition", "given": "a conditional bar",
                   "parallel": "a divergence's \\|", ";": "a parameter separator"}
        raise Uninterpretable(f"the operator {op}", node.span[0], reasons.get(op, ""))

    def _visit_Juxt(self, node: ast.Juxt) -> sympy.Expr:
        if series.has_dots_factor(node):
            return series.read_product(node, self.visit, self.visit_bound)
        factors = join_words(list(node.factors), self.known)
        product: sympy.Expr = sympy.Integer(1)
        for factor in factors:
            product = product * self.visit(factor)
        return product

    def _visit_Frac(self, node: ast.Frac) -> sympy.Expr:
        return self.visit(node.numerator) / self.visit(node.denominator)

    def _visit_Sqrt(self, node: ast.Sqrt) -> sympy.Expr:
        radicand = self.visit(node.radicand)
        if node.index is None:
            return sympy.sqrt(radicand)
        return sympy.root(radicand, self.visit(node.index))

    def _visit_Abs(self, node: ast.Abs) -> sympy.Expr:
        return sympy.Abs(self.visit(node.body))

    def _visit_Norm(self, node: ast.Norm) -> sympy.Expr:
        norm = sympy.Function("norm")
        body = self.visit(node.body)
        order = node.order
        if order is None:
            return norm(body)
        if isinstance(order, ast.Number):
            return norm(body, self.visit(order))
        if isinstance(order, ast.Symbol) and order.name in ("F", "\\infty"):
            return norm(body, sympy.Symbol("F") if order.name == "F" else sympy.oo)
        raise Uninterpretable("a norm's subscript", order.span[0], "expected 1, 2, F or \\infty")

    def _visit_Floor(self, node: ast.Floor) -> sympy.Expr:
        return sympy.floor(self.visit(node.body))

    def _visit_Ceil(self, node: ast.Ceil) -> sympy.Expr:
        return sympy.ceiling(self.visit(node.body))

    def _visit_Matrix(self, node: ast.Matrix) -> sympy.Basic:
        if node.delimiter in ("v", "V"):
            raise self.refuse(node, "vmatrix is a determinant; write \\det")
        return sympy.ImmutableMatrix([[self.visit(cell) for cell in row] for row in node.rows])

    def _visit_Cases(self, node: ast.Cases) -> sympy.Expr:
        pieces = []
        for row in node.rows:
            conditions = [self.condition(c) for c in row.conditions]
            pieces.append((self.visit(row.value),
                           sympy.And(*conditions) if len(conditions) > 1 else conditions[0]))
        return sympy.Piecewise(*pieces)

    # ---- functions ---------------------------------------------------------------------------

    def _visit_Apply(self, node: ast.Apply) -> sympy.Expr:
        head = node.function
        if isinstance(head, ast.Prime):
            return self.derivative_of_function(node, head)
        args = [self.visit(a) for a in node.args]
        if isinstance(head, ast.Subscript) and isinstance(head.base, ast.Symbol) and \
                head.base.font == "op" and head.base.name in _LOGARITHMS:
            if len(args) != 1:
                raise Uninterpretable("\\log", node.span[0], "expected one argument")
            return sympy.log(args[0], self.visit(head.index))
        return self.function(head, node)(*args)

    def function(self, head: ast.Expr, node: ast.Apply) -> Callable[..., sympy.Expr]:
        name = self.name_of(head) if not (isinstance(head, ast.Symbol) and head.font == "op") \
            else head.name
        if name in self.functions:
            return self.functions[name]  # type: ignore[return-value]
        if isinstance(head, ast.Symbol):
            lower = name.lower()
            builtin = head.font in ("op", "rm", "text", "sf") or head.name == "\\sigma"
            if builtin and lower in _LOGARITHMS:
                return self.one_argument(node, sympy.log)
            if builtin and lower in _ONE_ARGUMENT:
                return self.one_argument(node, _ONE_ARGUMENT[lower])
            if builtin and lower in ("max", "min"):
                return sympy.Max if lower == "max" else sympy.Min
            if lower in _NO_MEANING and head.font == "op":
                raise Uninterpretable(_NO_MEANING[lower], node.span[0])
        return sympy.Function(name)

    @staticmethod
    def one_argument(node: ast.Apply, fn: Callable[[sympy.Expr], sympy.Expr]) -> Callable[..., sympy.Expr]:
        if len(node.args) != 1:
            raise Uninterpretable("a function", node.span[0], "expected one argument")
        return fn

    def derivative_of_function(self, node: ast.Apply, head: ast.Prime) -> sympy.Expr:
        """`f'(x)`: the derivative of f, at x."""
        if len(node.args) != 1:
            raise Uninterpretable("f'(...)", node.span[0], "a prime on a function of several "
                                  "variables")
        fn = self.function(head.operand, ast.Apply(head.operand, node.args, span=node.span))
        arg = self.visit(node.args[0])
        if isinstance(arg, sympy.Symbol):
            return sympy.Derivative(fn(arg), (arg, head.order))
        t = sympy.Dummy("t")
        return sympy.Subs(sympy.Derivative(fn(t), (t, head.order)), t, arg)

    # ---- operators that bind an index --------------------------------------------------------

    def _visit_BigOp(self, node: ast.BigOp) -> sympy.Expr:
        if node.index is None:
            raise Uninterpretable(f"\\{node.op} without an index", node.span[0],
                                  f"write \\{node.op}_{{i=1}}^{{n}}")
        if node.domain is not None:
            raise Uninterpretable(f"\\{node.op} over a set", node.span[0],
                                  "write the range as i=1 ^n")
        if (node.lower is None) != (node.upper is None):
            raise Uninterpretable(f"\\{node.op} with one limit", node.span[0],
                                  "give both limits, or neither")
        variables = node.index.items if isinstance(node.index, ast.Tuple) else (node.index,)
        if len(variables) > 1 and node.lower is not None:
            raise Uninterpretable(f"\\{node.op} over several indices with limits", node.span[0])
        lower = self.visit(node.lower) if node.lower is not None else None
        upper = self.visit(node.upper) if node.upper is not None else None
        saved = dict(self.bound)
        limits = []
        for var in variables:
            if not isinstance(var, ast.Symbol):
                raise Uninterpretable("a subscripted index", var.span[0],
                                      "the index of a sum must be a single letter")
            name = symbol_name(var, self.clashes)
            index = sympy.Symbol(name, integer=True)
            self.bound[name] = index
            if lower is None:
                limits.append((index, 1, sympy.Symbol(f"|{name}|", integer=True, positive=True)))
            else:
                limits.append((index, lower, upper))
        try:
            body = self.visit(node.body)
        finally:
            self.bound = saved
        if node.op == "sum":
            return sympy.Sum(body, *limits)
        if node.op == "prod":
            return sympy.Product(body, *limits)
        reduction = sympy.Function(f"{node.op}_over")
        return reduction(body, *(sympy.Tuple(*limit) for limit in limits))

    def _visit_Integral(self, node: ast.Integral) -> sympy.Expr:
        """`\\int_a^b f\\,dx` is a `DefiniteIntegral`; `\\int f\\,dx` SymPy's indefinite `Integral`
        (an antiderivative claim, which the identity check reads as such)."""
        if node.region is not None:
            raise self.refuse(node, "an integral over a region or a set (give both limits, as in \\int_a^b)")
        var = node.variable
        if not (isinstance(var, ast.Symbol) and var.font in (None, "rm", "it") and not var.accents):
            raise self.refuse(node, "an integral over a vector or a subscripted variable")
        name = symbol_name(var, self.clashes)
        if name in self.bound:
            raise self.refuse(node, "the variable of integration is also a summation index")
        x = sympy.Symbol(name)
        body = self.visit(node.body)
        if node.lower is None or node.upper is None:
            return sympy.Integral(body, x)
        return DefiniteIntegral(body, (x, self.visit(node.lower), self.visit(node.upper)))

    def _visit_Derivative(self, node: ast.Derivative) -> sympy.Expr:
        body = self.visit(node.body)
        wrt = []
        for var, order in zip(node.variables, node.orders, strict=True):
            symbol = self.visit(var)
            if not isinstance(symbol, sympy.Symbol | sympy.Indexed):
                raise Uninterpretable("a differentiation variable", var.span[0])
            wrt.append((symbol, order))
        return sympy.Derivative(body, *wrt)

    def _visit_Gradient(self, node: ast.Gradient) -> sympy.Expr:
        if node.wrt is None:
            raise self.refuse(node, "write \\nabla_{w} to say which variable")
        var = self.visit(node.wrt)
        if not isinstance(var, sympy.Symbol | sympy.Indexed):
            raise Uninterpretable("a gradient variable", node.wrt.span[0])
        return sympy.Derivative(self.visit(node.body), var)

    def _visit_Evaluated(self, node: ast.Evaluated) -> sympy.Expr:
        variables, values = [], []
        for binding in node.at:
            var = self.visit(binding.sides[0])
            if not isinstance(var, sympy.Symbol | sympy.Indexed):
                raise Uninterpretable("an evaluation point", binding.span[0])
            variables.append(var)
            values.append(self.visit(binding.sides[1]))
        return sympy.Subs(self.visit(node.body), variables, values)
