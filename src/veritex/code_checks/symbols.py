"""The document's symbols: what each name is (a definition, a function, a declared shape).

Built once per document context from every formula, inline ones included: `\\hat{Y} =
\\mathrm{softmax}(Z)` defines a value, `\\sigma(x) = \\frac{1}{1+e^{-x}}` a function,
`\\hat{y}^{(i)} = w x^{(i)} + b` an indexed value, `W_1 \\in \\mathbb{R}^{256\\times 784}` a shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from veritex.math import ast

from .names import GREEK, SymbolName, letter_name

DEFINING_RELATIONS = frozenset({"=", "def"})


@lru_cache(maxsize=8192)
def symbol_name(node: ast.Expr) -> SymbolName | None:
    """The name a node spells, or None: `x`, `\\alpha`, `\\hat{y}`, `W_1`, `d_k`, `H_{\\text{out}}`,
    `W^Q` (a capital label on a capital letter). Indices in parentheses (`x^{(i)}`) are not names."""
    if isinstance(node, ast.Symbol):
        return _letter(node)
    if isinstance(node, ast.Subscript | ast.SuperIndex):
        if isinstance(node, ast.SuperIndex) and node.bracket == "(":
            return None  # y^{(i)} is always an index; W^{[l]} names layer l's W unless l is bound
        base = symbol_name(node.base) if isinstance(node.base, ast.Symbol) else None
        if base is None or base.subscript is not None:
            return None
        part = subscript_part(node.index)
        if part is None:
            return None
        return SymbolName(base.base, base.accent, part, base.primes, base.font)
    if isinstance(node, ast.Prime) and isinstance(node.operand, ast.Symbol):
        base = _letter(node.operand)
        return SymbolName(base.base, base.accent, base.subscript, node.order, base.font) if base else None
    return None


_NAMING_FONTS = frozenset({"cal", "scr", "frak", "bb"})


def _letter(node: ast.Symbol) -> SymbolName | None:
    name = node.name
    if name.startswith("\\"):
        bare = name[1:]
        if bare not in GREEK and bare not in ("ell", "infty", "imath", "jmath", "hbar"):
            return None
        name = letter_name(bare)
    accents = [a for a in node.accents if a != "vec"]  # an arrow is typography, like bold
    accent = "_".join(accents) if accents else None
    font = node.font if node.font in _NAMING_FONTS else None
    return SymbolName(name, accent, font=font)


def subscript_part(index: ast.Expr) -> str | None:
    """A subscript as the text of a name: `1`, `k`, `out`, `reg`, `alpha`, `ic`, `12`."""
    if isinstance(index, ast.Number):
        return index.value.replace(".", "")
    if isinstance(index, ast.Symbol):
        if index.accents:
            return None
        name = index.name[1:] if index.name.startswith("\\") else index.name
        return name if name.isalnum() else None
    if isinstance(index, ast.Juxt):
        parts = [subscript_part(f) for f in index.factors]
        if all(p is not None for p in parts):
            return "".join(p for p in parts if p is not None)
    if isinstance(index, ast.BinOp) and index.op in ("+", "-"):  # theta_{t-1}, named only through symbols=
        left, right = subscript_part(index.left), subscript_part(index.right)
        if left is not None and right is not None:
            return f"{left}{index.op}{right}"
    return None


def index_symbols(index: ast.Expr) -> list[ast.Expr]:
    """The separate index expressions of a subscript: `_{i,j}` and `_{ij}` give [i, j]."""
    if isinstance(index, ast.Tuple):
        return list(index.items)
    if isinstance(index, ast.Juxt) and all(
        isinstance(f, ast.Symbol | ast.Number) for f in index.factors
    ):
        return list(index.factors)
    return [index]


def _is_square(node: ast.Expr) -> bool:
    return (isinstance(node, ast.Power) and isinstance(node.exponent, ast.Number) and node.exponent.value == "2"
            and symbol_name(node.base) is not None)


@dataclass(frozen=True)
class Definition:
    """`name = body` from the document. `params`: a function's parameters (`\\sigma(x)`);
    `indices`: an indexed value's index names (`\\hat{y}^{(i)}`, `x_k`)."""

    name: SymbolName
    body: ast.Expr
    params: tuple[SymbolName, ...] = ()
    indices: tuple[SymbolName, ...] = ()
    origin: int = 0  # which formula of the context, for "the nearest one" and for messages
    statement: int = 0
    label: str | None = None

    @property
    def is_function(self) -> bool:
        return bool(self.params)


@dataclass
class SymbolTable:
    """Every definition and declaration of a document, by name."""

    values: dict[SymbolName, list[Definition]] = field(default_factory=dict)
    functions: dict[SymbolName, list[Definition]] = field(default_factory=dict)
    indexed: dict[SymbolName, list[Definition]] = field(default_factory=dict)
    shapes: dict[SymbolName, tuple[ast.Expr, ...]] = field(default_factory=dict)
    element_shapes: dict[SymbolName, tuple[ast.Expr, ...]] = field(default_factory=dict)

    def add_formula(self, formula: ast.Formula, origin: int, label: str | None) -> None:
        for number, statement in enumerate(formula.statements):
            self._add_statement(statement, origin, number, label)
            for condition in statement.conditions:
                if isinstance(condition.body, ast.Statement):
                    self._add_statement(condition.body, origin, -1 - number, label)
                elif isinstance(condition.body, ast.ShapeDecl):
                    self._add_shape(condition.body)
        for decl in formula.shapes:
            self._add_shape(decl)

    def _add_shape(self, decl: ast.ShapeDecl) -> None:
        for target in decl.targets:
            name = symbol_name(target)
            if name is not None:
                self.shapes.setdefault(name, decl.dims)
            elif isinstance(target, ast.SuperIndex | ast.Subscript):
                base = symbol_name(target.base)
                if base is not None:  # x^{(i)} \in R: the elements of x are scalars
                    self.element_shapes.setdefault(base, decl.dims)

    def _add_statement(self, statement: ast.Statement, origin: int, number: int, label: str | None) -> None:
        if len(statement.sides) < 2 or not set(statement.relations) <= DEFINING_RELATIONS:
            return
        lhs, body = statement.sides[0], statement.sides[-1]
        if _is_square(lhs):  # `\\sigma^2 = ...` defines sigma as the square root
            assert isinstance(lhs, ast.Power)
            lhs, body = lhs.base, ast.Sqrt(body, span=body.span)
        name = symbol_name(lhs)
        if name is not None:
            definition = Definition(name, body, origin=origin, statement=number, label=label)
            self.values.setdefault(name, []).append(definition)
        if isinstance(lhs, ast.Apply):
            function = symbol_name(lhs.function)
            params = [symbol_name(a) for a in lhs.args]
            if function is not None and params and all(p is not None for p in params):
                self.functions.setdefault(function, []).append(Definition(
                    function, body, params=tuple(p for p in params if p is not None),
                    origin=origin, statement=number, label=label,
                ))
        elif isinstance(lhs, ast.Subscript | ast.SuperIndex):
            base = symbol_name(lhs.base)
            indices = [symbol_name(i) for i in index_symbols(lhs.index)]
            if (
                base is not None and indices and all(i is not None for i in indices)
                and all(isinstance(i, ast.Symbol) for i in index_symbols(lhs.index))
                and not (isinstance(lhs, ast.SuperIndex) and lhs.bracket not in ("(", ""))
            ):
                self.indexed.setdefault(base, []).append(Definition(
                    base, body, indices=tuple(i for i in indices if i is not None),
                    origin=origin, statement=number, label=label,
                ))

    def copy(self) -> SymbolTable:
        return SymbolTable(
            {k: list(v) for k, v in self.values.items()}, {k: list(v) for k, v in self.functions.items()},
            {k: list(v) for k, v in self.indexed.items()}, dict(self.shapes), dict(self.element_shapes),
        )

    @staticmethod
    def nearest(candidates: list[Definition], origin: int, exclude: tuple[int, int] | None) -> Definition | None:
        """The definition written last before formula `origin`, else the first after it; never the
        statement being checked itself."""
        usable = [d for d in candidates if exclude is None or (d.origin, d.statement) != exclude]
        if not usable:
            return None
        before = [d for d in usable if d.origin <= origin]
        return before[-1] if before else usable[0]
