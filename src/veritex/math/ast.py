"""The typed syntax tree of a formula: what the TeX says, before any meaning is chosen.

Every node is a frozen dataclass with a `span` (start, end offsets into the formula's TeX; for text
that came from a macro, the span of the macro's use). Spans do not take part in equality, so two
parses of the same structure compare equal. `str(node)` is a compact S-expression, stable enough
to test against:

    parse(r"J(w, b) = \\frac{1}{n}\\sum_{i=1}^{n} x_i")
    -> (= (call J w b) (. (frac 1 n) (sum i 1 n (_ x i))))

Layout
- `Formula` holds `Statement`s (relation chains `a = b \\approx c`, one per equation of a list or
  aligned row) and `ShapeDecl`s (`W \\in \\mathbb{R}^{n\\times d}`). A statement carries its
  `Condition`s (`\\quad\\text{where } x > 0`), `\\tag` and `\\label`.
- Expressions are `Expr` subclasses. Names are not resolved here: `d_k` is `Subscript(d, k)`, `PE`
  is `Juxt(P, E)`; the naming rules (see `names.py`) decide what they mean.

Relation names used in `Statement.relations`: "=", "def" (`:=`, `\\coloneqq`, `\\triangleq`,
`\\equiv`, `\\stackrel{def}{=}`), "approx", "propto", "sim", "le", "lt", "ge", "gt", "ne", "update"
(`\\leftarrow`), "in", "notin".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Node:
    span: Span = field(default=(0, 0), kw_only=True, compare=False, repr=False)

    def __str__(self) -> str:
        return self.sexpr()

    def sexpr(self) -> str:
        raise NotImplementedError

    def children(self) -> Iterator[Node]:
        """Direct child nodes, in field order (tuples and tuples of tuples are flattened)."""
        for f in fields(self):
            if f.name != "span":
                yield from _nodes_in(getattr(self, f.name))

    def walk(self) -> Iterator[Node]:
        """This node and all its descendants, depth first."""
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(list(node.children())))


def _nodes_in(value: object) -> Iterator[Node]:
    if isinstance(value, Node):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _nodes_in(item)


def _s(*parts: object) -> str:
    return "(" + " ".join("_" if p is None else str(p) for p in parts) + ")"


@dataclass(frozen=True, slots=True)
class Expr(Node):
    """Base of every expression node."""


# ---- atoms -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Number(Expr):
    """A decimal literal as written (`2`, `0.5`, `10000`)."""

    value: str

    def sexpr(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Symbol(Expr):
    """A letter (`x`), a Greek or other letter command spelled with its backslash (`\\alpha`,
    `\\ell`, `\\infty`), or a multi-letter upright word (`softmax` from `\\mathrm{softmax}`).

    `font`: None (math italic), "bf" (`\\mathbf`, `\\boldsymbol`, `\\bm`), "cal", "scr", "bb",
    "frak", "rm", "it", "sf", "tt", "text" (`\\text{...}`), "op" (`\\operatorname`, `\\log`...).
    `accents`: innermost first: "hat", "bar", "tilde", "vec", "dot", "ddot", "check", "breve",
    "star" (`x^*`)."""

    name: str
    font: str | None = None
    accents: tuple[str, ...] = ()

    @property
    def is_word(self) -> bool:
        return len(self.name) > 1 and not self.name.startswith("\\")

    def sexpr(self) -> str:
        out = self.name
        if self.font:
            out += ":" + self.font
        for accent in self.accents:
            out += ":" + accent
        return out


@dataclass(frozen=True, slots=True)
class Dots(Expr):
    """`\\dots`, `\\ldots`, `\\cdots`, `\\vdots`, `\\ddots`."""

    def sexpr(self) -> str:
        return "..."


@dataclass(frozen=True, slots=True)
class Placeholder(Expr):
    """`\\cdot` standing for an argument: `\\mathrm{ReLU}(\\cdot)`, `\\|\\cdot\\|`."""

    def sexpr(self) -> str:
        return "<.>"


# ---- scripts and postfix ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Subscript(Expr):
    """`base_{index}`; `index` is a `Tuple` for `W_{i,j}`."""

    base: Expr
    index: Expr

    def sexpr(self) -> str:
        return _s("_", self.base, self.index)


@dataclass(frozen=True, slots=True)
class Power(Expr):
    base: Expr
    exponent: Expr

    def sexpr(self) -> str:
        return _s("^", self.base, self.exponent)


@dataclass(frozen=True, slots=True)
class SuperIndex(Expr):
    """A superscript that is an index or a label, not a power: `y^{(i)}` (bracket "("),
    `W^{[l]}` (bracket "["), and a capital letter on a capital letter, `W^Q` (bracket "")."""

    base: Expr
    index: Expr
    bracket: str

    def sexpr(self) -> str:
        tag = {"(": "sup()", "[": "sup[]"}.get(self.bracket, "sup")
        return _s(tag, self.base, self.index)


@dataclass(frozen=True, slots=True)
class Transpose(Expr):
    """`x^\\top`, `x^T`, `x^\\intercal`, `x^{\\mathsf{T}}`."""

    operand: Expr

    def sexpr(self) -> str:
        return _s("T", self.operand)


@dataclass(frozen=True, slots=True)
class Prime(Expr):
    """`f'`, `f''` (order 2), `f^{\\prime}`."""

    operand: Expr
    order: int = 1

    def sexpr(self) -> str:
        return _s("'" * self.order, self.operand)


@dataclass(frozen=True, slots=True)
class Factorial(Expr):
    operand: Expr

    def sexpr(self) -> str:
        return _s("!", self.operand)


@dataclass(frozen=True, slots=True)
class Percent(Expr):
    """`5\\%`: a hundredth of its operand."""

    operand: Expr

    def sexpr(self) -> str:
        return _s("%", self.operand)


# ---- arithmetic ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Neg(Expr):
    operand: Expr

    def sexpr(self) -> str:
        return _s("neg", self.operand)


@dataclass(frozen=True, slots=True)
class BinOp(Expr):
    """An explicit binary operator. `op` is one of "+", "-", "pm", "mp", "cdot", "times",
    "odot", "otimes", "ast" (`*`), "circ", "/" (a slash), and, inside parentheses only,
    "given" (`p(y \\mid x)`), "parallel" (`D(P \\| Q)`), ";" (`p(x; \\theta)`)."""

    op: str
    left: Expr
    right: Expr

    def sexpr(self) -> str:
        return _s(self.op, self.left, self.right)


@dataclass(frozen=True, slots=True)
class Juxt(Expr):
    """Implicit multiplication: factors written side by side (`2x`, `QK^\\top`, `w\\,x^{(i)}`)."""

    factors: tuple[Expr, ...]

    def sexpr(self) -> str:
        return _s(".", *self.factors)


@dataclass(frozen=True, slots=True)
class Frac(Expr):
    """`\\frac{a}{b}` (also `\\dfrac`, `\\tfrac`) that is not a derivative."""

    numerator: Expr
    denominator: Expr

    def sexpr(self) -> str:
        return _s("frac", self.numerator, self.denominator)


@dataclass(frozen=True, slots=True)
class Sqrt(Expr):
    radicand: Expr
    index: Expr | None = None

    def sexpr(self) -> str:
        if self.index is None:
            return _s("sqrt", self.radicand)
        return _s(f"sqrt[{self.index}]", self.radicand)


# ---- functions and operators -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Apply(Expr):
    """Function application. `function` is a `Symbol` (`f`, `\\sigma`, `log:op`, `softmax:rm`),
    a `Subscript` of one (`\\log_2`, `f_\\theta`, `D_{KL}`) or a `Prime` of one (`f'`)."""

    function: Expr
    args: tuple[Expr, ...]

    def sexpr(self) -> str:
        return _s("call", self.function, *self.args)


@dataclass(frozen=True, slots=True)
class BigOp(Expr):
    """`\\sum`, `\\prod`, and the reductions `\\max_j`, `\\min_j`, `\\argmax_\\theta`, `\\argmin`.

    `op`: "sum", "prod", "max", "min", "argmax", "argmin". `index` is the bound variable (a
    `Symbol`, or a `Tuple` for `\\sum_{i,j}`), None for a bare `\\sum x`; `lower`/`upper` come from
    `_{i=1}^{n}` or `_{1 \\le i \\le n}`; `domain` from `_{i \\in S}`."""

    op: str
    body: Expr
    index: Expr | None = None
    lower: Expr | None = None
    upper: Expr | None = None
    domain: Expr | None = None

    def sexpr(self) -> str:
        if self.domain is not None:
            return _s(self.op, self.index, "in", self.domain, self.body)
        return _s(self.op, self.index, self.lower, self.upper, self.body)


@dataclass(frozen=True, slots=True)
class Integral(Expr):
    """`\\int_a^b f(x)\\,dx` (both limits), `\\int f(x)\\,dx` (indefinite), `\\int_D f \\,dx` (over the
    region `D`: `region` set, no limits). `variable` is what follows the differential's `d`; the
    integral binds it in `body`."""

    body: Expr
    variable: Expr
    lower: Expr | None = None
    upper: Expr | None = None
    region: Expr | None = None

    def sexpr(self) -> str:
        if self.region is not None:
            return _s("int", self.variable, "in", self.region, self.body)
        return _s("int", self.variable, self.lower, self.upper, self.body)


@dataclass(frozen=True, slots=True)
class Derivative(Expr):
    """`\\frac{d}{dx} f`, `\\frac{dy}{dx}`, `\\frac{\\partial^2 f}{\\partial x^2}`,
    `\\frac{\\partial^2 f}{\\partial x \\partial y}`: `variables[k]` is differentiated
    `orders[k]` times. `partial` tells `\\partial` from `d`."""

    body: Expr
    variables: tuple[Expr, ...]
    orders: tuple[int, ...]
    partial: bool = False

    def sexpr(self) -> str:
        wrt = " ".join(f"({v} {n})" for v, n in zip(self.variables, self.orders, strict=True))
        return _s("partial" if self.partial else "d", self.body, wrt)


@dataclass(frozen=True, slots=True)
class Gradient(Expr):
    """`\\nabla_{w} L`; `wrt` is None for a bare `\\nabla L`."""

    body: Expr
    wrt: Expr | None = None

    def sexpr(self) -> str:
        return _s("nabla", self.wrt, self.body)


@dataclass(frozen=True, slots=True)
class Evaluated(Expr):
    """`\\left. body \\right|_{x=a}` or `body \\Big|_{x=a}`: `at` holds `x = a` statements."""

    body: Expr
    at: tuple[Statement, ...]

    def sexpr(self) -> str:
        return _s("at", self.body, *self.at)


@dataclass(frozen=True, slots=True)
class Expectation(Expr):
    """`\\mathbb{E}[X]`, `\\mathbb{E}_{x \\sim p}\\left[f(x)\\right]`."""

    body: Expr
    under: Statement | None = None

    def sexpr(self) -> str:
        return _s("E", self.under, self.body)


# ---- delimiters ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Abs(Expr):
    body: Expr

    def sexpr(self) -> str:
        return _s("abs", self.body)


@dataclass(frozen=True, slots=True)
class Norm(Expr):
    """`\\lVert x \\rVert`, `\\|x\\|`, `||x||`; `order` from a subscript (`_2`, `_F`)."""

    body: Expr
    order: Expr | None = None

    def sexpr(self) -> str:
        return _s("norm", self.body) if self.order is None else _s("norm", self.body, self.order)


@dataclass(frozen=True, slots=True)
class Floor(Expr):
    body: Expr

    def sexpr(self) -> str:
        return _s("floor", self.body)


@dataclass(frozen=True, slots=True)
class Ceil(Expr):
    body: Expr

    def sexpr(self) -> str:
        return _s("ceil", self.body)


@dataclass(frozen=True, slots=True)
class Tuple(Expr):
    """A comma list: the arguments-like content of `(a, b)` or a subscript `_{i,j}`."""

    items: tuple[Expr, ...]

    def sexpr(self) -> str:
        return _s("tuple", *self.items)


@dataclass(frozen=True, slots=True)
class SetOf(Expr):
    """`\\{a, b, c\\}`."""

    items: tuple[Expr, ...]

    def sexpr(self) -> str:
        return _s("set", *self.items)


@dataclass(frozen=True, slots=True)
class SetBuilder(Expr):
    """`\\{x \\mid x > 0\\}` (also with `|` or `:`)."""

    element: Expr
    condition: Statement

    def sexpr(self) -> str:
        return _s("setof", self.element, self.condition)


@dataclass(frozen=True, slots=True)
class Family(Expr):
    """An indexed family `\\{(x^{(i)}, y^{(i)})\\}_{i=1}^{n}`."""

    body: Expr
    index: Expr
    lower: Expr | None = None
    upper: Expr | None = None

    def sexpr(self) -> str:
        return _s("family", self.index, self.lower, self.upper, self.body)


@dataclass(frozen=True, slots=True)
class Matrix(Expr):
    """`pmatrix`, `bmatrix`, `Bmatrix`, `vmatrix`, `Vmatrix`, `matrix`; `delimiter` is the
    environment's letter ("p", "b", "B", "v", "V", "")."""

    rows: tuple[tuple[Expr, ...], ...]
    delimiter: str = "p"

    def sexpr(self) -> str:
        return _s(f"{self.delimiter}matrix", *(_s(*row) for row in self.rows))


@dataclass(frozen=True, slots=True)
class Cases(Expr):
    """`\\begin{cases} value & condition \\\\ ... \\end{cases}`."""

    rows: tuple[CaseRow, ...]

    def sexpr(self) -> str:
        return _s("cases", *self.rows)


@dataclass(frozen=True, slots=True)
class CaseRow(Node):
    """One row of `cases`: its value and the conditions that select it (several when joined with
    `\\text{and}`); an "otherwise" row has one condition with keyword "otherwise"."""

    value: Expr
    conditions: tuple[Condition, ...]

    def sexpr(self) -> str:
        return _s(self.value, *self.conditions)


# ---- typography that could not be folded into a symbol ---------------------------------------


@dataclass(frozen=True, slots=True)
class Accent(Expr):
    """An accent over something that is not a name (`\\hat{f(x)}`); over names it is folded into
    `Symbol.accents`."""

    kind: str
    body: Expr

    def sexpr(self) -> str:
        return _s(self.kind, self.body)


@dataclass(frozen=True, slots=True)
class Styled(Expr):
    """A font over something that has no letters to carry it (`\\mathbf{1}`)."""

    font: str
    body: Expr

    def sexpr(self) -> str:
        return _s(self.font, self.body)


# ---- statements ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Statement(Node):
    """A relation chain: `sides[0] relations[0] sides[1] relations[1] sides[2] ...`. A bare
    expression is a statement with one side and no relation."""

    sides: tuple[Expr, ...]
    relations: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()
    tag: str | None = None
    label: str | None = None

    @property
    def lhs(self) -> Expr:
        return self.sides[0]

    @property
    def rhs(self) -> Expr:
        return self.sides[-1]

    def steps(self) -> Iterator[tuple[Expr, str, Expr]]:
        """(left, relation, right) for each relation of the chain."""
        for k, rel in enumerate(self.relations):
            yield self.sides[k], rel, self.sides[k + 1]

    def sexpr(self) -> str:
        if not self.relations:
            out = str(self.sides[0])
        elif len(set(self.relations)) == 1:
            out = _s(self.relations[0], *self.sides)
        else:
            parts: list[object] = [self.sides[0]]
            for rel, side in zip(self.relations, self.sides[1:], strict=True):
                parts += [rel, side]
            out = _s("chain", *parts)
        for cond in self.conditions:
            out += " " + cond.sexpr()
        if self.tag is not None:
            out += f" #{self.tag}"
        if self.label is not None:
            out += f" @{self.label}"
        return out


@dataclass(frozen=True, slots=True)
class Condition(Node):
    """A clause that restricts a statement: `\\quad\\text{where } x > 0`, `\\text{当 } x=2
    \\text{ 时}`, a `cases` condition. `keyword` is normalised ("where", "when", "for", "if",
    "given", "otherwise"); `text` is the keyword as written; `body` is None for "otherwise"."""

    keyword: str
    text: str
    body: Statement | ShapeDecl | None = None

    def sexpr(self) -> str:
        if self.body is None:
            return f"[{self.keyword}]"
        return f"[{self.keyword} {self.body}]"


@dataclass(frozen=True, slots=True)
class ShapeDecl(Node):
    """`W_1 \\in \\mathbb{R}^{256\\times 784}`, `x^{(i)} \\in \\mathbb{R}` (`dims` empty), also
    `W_1, W_2 \\in \\mathbb{R}^{n}` (several targets). `domain` is "R", "N", "Z", "C" or "Q"."""

    targets: tuple[Expr, ...]
    domain: str
    dims: tuple[Expr, ...] = ()

    def sexpr(self) -> str:
        return _s("shape", *self.targets, self.domain, *self.dims)


@dataclass(frozen=True, slots=True)
class Formula(Node):
    """The parse of one formula: its statements in order, its shape declarations, and the first
    `\\tag` / `\\label` found in it (each statement keeps its own as well)."""

    statements: tuple[Statement, ...]
    shapes: tuple[ShapeDecl, ...] = ()
    tag: str | None = None
    label: str | None = None

    @property
    def conditions(self) -> tuple[Condition, ...]:
        return tuple(c for s in self.statements for c in s.conditions)

    def sexpr(self) -> str:
        parts = [str(s) for s in self.statements] + [str(s) for s in self.shapes]
        return " ; ".join(parts)
