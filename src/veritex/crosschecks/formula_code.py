"""Formulas held against the code beside them, without annotations.

A formula `x_2 = \\sin(2 + 2.85 z)` (or `f(z) = ...`) and a code cell that computes a quantity of the
same name (`x2`, `x_2`, `def f(z)`, a name as `veritex.code_checks.names` matches it) are linked when
the names agree and the free variables of both sides are the same names; the code is read through
Python's `ast` (`code_quantities`, never executed) and the two are compared at sampled points.
Agreement is a verified consistency; a difference confirmed at high precision is refuted, with the
code it contradicts and the values at one point. Anything unsure says nothing: a name the code binds
twice differently near the formula, a matrix, an index, a call this reading does not know.
"""

from __future__ import annotations

import ast as pyast
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from veritex.code_checks.names import SymbolName, python_key
from veritex.code_checks.symbols import symbol_name
from veritex.derivations.definitions import head_key, is_name
from veritex.math import MathSyntaxError, ast, parse
from veritex.math.errors import Uninterpretable
from veritex.model import CodeCell, Math

from .code_quantities import CodeQuantity, Unreadable, UserFunction, cell_quantities, code_sympy, matrix_names
from .context import CrossContext
from .finding import Finding

if TYPE_CHECKING:
    import sympy

CHECK = "formula_code"
REACH = 3
"""How many code cells after the formula (and before it) count as the code beside it."""


@dataclass(frozen=True)
class Claim:
    """One `name = expression` (or `f(params) = expression`) a formula states."""

    math: Math
    name: SymbolName
    params: tuple[SymbolName, ...] | None  # a function's parameters, None for a quantity
    rhs: ast.Expr
    scope: ast.Node
    text: str  # the statement as written
    place: int  # the formula's place among the document's cells
    order: tuple[int, int]  # the formula's place among the document's formulas, the statement's in it
    row: int  # the formula's first line, counted from its cell's first line

    def spellings(self) -> set[str]:
        return _spellings(self.name)


def run(context: CrossContext) -> list[Finding]:
    quantities = _quantities(context)
    if not quantities:
        return []
    keyed: dict[str, list[tuple[int, CodeQuantity]]] = {}
    for place, quantity in quantities:
        keyed.setdefault(python_key(quantity.name), []).append((place, quantity))
    claims = [c for c in _claims(context) if any(k in keyed for k in c.spellings())]
    findings: list[Finding] = []
    headings = _headings(context)
    for claim in claims:
        candidates = [(place, q) for key in sorted(claim.spellings()) for place, q in keyed.get(key, [])
                      if not _across_a_heading(claim, place, headings)]
        others = [c for c in claims if c.order != claim.order and c.spellings() & claim.spellings()]
        beside = _beside(claim, candidates, others)
        if beside is not None:
            finding = _compare(claim, beside, context.math.known)
            if finding is not None:
                findings.append(finding)
    return findings


def _quantities(context: CrossContext) -> list[tuple[int, CodeQuantity]]:
    """Every quantity the document's code computes, with its cell's place."""
    out: list[tuple[int, CodeQuantity]] = []
    functions: dict[str, UserFunction] = {}
    matrices: set[str] = set()
    for place, cell in enumerate(context.doc.cells):
        if isinstance(cell, CodeCell) and cell.language == "python":
            out.extend((place, q) for q in cell_quantities(cell, functions))
            matrices |= matrix_names(cell)
    if matrices:  # a quantity computed from a matrix: its products are not the formula's
        out = [(place, q) for place, q in out if not any(free & matrices for _, free in q.readings)]
    return out


def _headings(context: CrossContext) -> dict[int, list[int]]:
    """The lines of each markdown cell that start a section (`# ...`), as rows counted from the cell's
    first line."""
    out: dict[int, list[int]] = {}
    for place, cell in enumerate(context.doc.cells):
        if not isinstance(cell, CodeCell):
            rows = [row for row, line in enumerate(cell.source.splitlines()) if _HEADING.match(line)]
            if rows:
                out[place] = rows
    return out


_HEADING = re.compile(r"#{1,6}\s")


def _across_a_heading(claim: Claim, place: int, headings: dict[int, list[int]]) -> bool:
    """Whether a section starts between the formula and the code: the code then belongs to another topic."""
    low, high = sorted((claim.place, place))
    if any(p in headings for p in range(low + 1, high)):
        return True
    rows = headings.get(claim.place, [])
    return any(row > claim.row if place > claim.place else row <= claim.row for row in rows)


@dataclass(frozen=True)
class Beside:
    quantity: CodeQuantity
    follows: bool  # the code follows the formula (the code that implements it), rather than precedes it


def _beside(claim: Claim, candidates: Sequence[tuple[int, CodeQuantity]], others: list[Claim]) -> Beside | None:
    """The code beside the formula: the computations of its name in the code cells that follow it
    (up to `REACH` cells, and not past another formula stating the same name), else in those that
    precede it. All of them must compute the same expression (two different ones: which one is meant
    is not certain); the nearest is the one named."""
    def restated_before(place: int) -> bool:  # another formula of the name between this one and the code
        return any(o.order > claim.order and o.place < place for o in others)

    def restated_after(place: int) -> bool:
        return any(o.order < claim.order and o.place > place for o in others)

    fitting = [(p, q) for p, q in candidates if (not q.is_function if claim.params is None
                                                 else q.is_function or q.function is None)]
    after = [(p, q) for p, q in fitting if claim.place < p <= claim.place + REACH and not restated_before(p)]
    before = [(p, q) for p, q in fitting if claim.place - REACH <= p < claim.place and not restated_after(p)]
    near = after or before
    if not near or len({q.shape() for _, q in near}) > 1:
        return None
    return Beside(min(near, key=lambda pq: abs(pq[0] - claim.place))[1], bool(after))


# ---- the formulas ------------------------------------------------------------------------------------


def _claims(context: CrossContext) -> Iterator[Claim]:
    places = _formula_places(context)
    for read in context.math.formulas:
        tex, formula = read.math.tex, read.formula
        if formula is None:
            tex, formula = _reread(read.math.tex, context)
        if formula is None:
            continue
        for index, statement in enumerate(formula.statements):
            if statement.relations not in (("=",), ("def",)) or statement.conditions:
                continue
            place, row = places.get(id(read.math), (-1, 0))
            claim = _claim(read.math, tex, statement, formula, place, (read.order, index), row)
            if claim is not None and not _mentions_array(statement, context.math.shapes.arrays):
                yield claim


def _reread(tex: str, context: CrossContext) -> tuple[str, ast.Formula | None]:
    """A display written in the `eqnarray` manner inside `align` (`x &=& y`) parsed as `x &= y`."""
    if "&=&" not in tex.replace(" ", ""):
        return tex, None
    tex = re.sub(r"&\s*=\s*&", "&=", tex)
    try:
        return tex, parse(tex, macros=context.doc.meta.macros)
    except MathSyntaxError:
        return tex, None


def _mentions_array(statement: ast.Statement, arrays: frozenset[ast.Expr]) -> bool:
    """A symbol declared a vector or a matrix (`W \\in \\mathbb{R}^{n \\times d}`): its products and
    functions are not the code's elementwise ones."""
    return bool(arrays) and any(isinstance(n, ast.Symbol | ast.Subscript | ast.SuperIndex)
                                and head_key(n) in arrays for side in statement.sides for n in side.walk())


def _formula_places(context: CrossContext) -> dict[int, tuple[int, int]]:
    """Each formula's cell and its row in the cell."""
    places: dict[int, tuple[int, int]] = {}
    for place, cell in enumerate(context.doc.cells):
        if not isinstance(cell, CodeCell):
            for math in cell.math:
                row = math.position.line - cell.position.line if math.position and cell.position else 0
                places[id(math)] = (place, row)
    return places


def _claim(math: Math, tex: str, statement: ast.Statement, scope: ast.Node, place: int,
           order: tuple[int, int], row: int) -> Claim | None:
    lhs, rhs = statement.sides
    params: tuple[SymbolName, ...] | None = None
    head = lhs
    if isinstance(lhs, ast.Apply):
        names = [_name(a) for a in lhs.args]
        if not isinstance(lhs.function, ast.Symbol) or lhs.function.font in ("op", "text") \
                or any(n is None for n in names):
            return None
        params = tuple(n for n in names if n is not None)
        head = lhs.function
    elif not is_name(lhs) or isinstance(lhs, ast.Juxt):
        return None
    name = _name(head)
    if name is None or _bold(rhs) or _bold(lhs):
        return None
    return Claim(math, name, params, rhs, scope, _written(tex, lhs, rhs), place, order, row)


_CLOSING = re.compile(r"\s*(?:\\(?:right|bigr|Bigr|biggr|Biggr)\s*)?(?:[)\]|]|\\\}|\\rangle)")


def _written(tex: str, lhs: ast.Expr, rhs: ast.Expr) -> str:
    """The statement as the formula writes it, alignment marks left out."""
    start, end = lhs.span[0], rhs.span[1]
    if not 0 <= start < end <= len(tex):
        return f"{lhs.sexpr()} = {rhs.sexpr()}"
    while (closing := _CLOSING.match(tex, end)) is not None and _unbalanced(tex[start:end]):
        end = closing.end()  # a node's span may stop short of the brackets around it
    return " ".join(tex[start:end].replace("&", " ").split())


def _unbalanced(text: str) -> bool:
    return sum(text.count(c) for c in "([") > sum(text.count(c) for c in ")]")


def _spellings(name: SymbolName) -> set[str]:
    """Every Python spelling of the name, as keys: `x_bar`, `xbar`, `barx` for `\\bar{x}`."""
    return name.keys()


def _name(node: ast.Expr) -> SymbolName | None:
    try:
        return symbol_name(node)
    except (TypeError, ValueError):
        return None


def _bold(node: ast.Expr) -> bool:
    """A bold symbol is a vector or a matrix: its products are not the code's elementwise ones."""
    return any(isinstance(n, ast.Symbol) and n.font in ("bf", "bm", "boldsymbol") for n in node.walk())


# ---- the comparison ----------------------------------------------------------------------------------


def _compare(claim: Claim, beside: Beside, known: Iterable[str]) -> Finding | None:
    from veritex.math.to_sympy import to_sympy

    try:
        formula = to_sympy(claim.rhs, known=known, scope=claim.scope)
    except (Uninterpretable, TypeError, ValueError):
        return None
    if not _elementary(formula):
        return None
    symbols = _formula_symbols(claim.rhs, formula, known, claim.scope)
    if symbols is None:
        return None
    quantity = beside.quantity
    for expr, free in quantity.readings:
        link = _link(symbols, free, quantity, claim.params)
        if link is None:
            continue
        try:
            code = code_sympy(expr, link)
        except Unreadable:
            return None
        return _verdict(claim, quantity, formula, code, _firm(claim, beside, expr))
    return None


def _firm(claim: Claim, beside: Beside, expr: pyast.expr) -> bool:
    """Whether a difference may be called a mistake. A formula in running prose may be an example
    ("the area under $f(x) = x^2$"); code before a formula may be what an earlier one describes; a
    function's values computed on a grid may be another function's; a logarithm to base 2 or 10 in the
    code may be what the text's `\\log` means. Such links confirm, never refute."""
    quantity = beside.quantity
    other_base = any(isinstance(n, pyast.Attribute) and n.attr in ("log2", "log10") for n in pyast.walk(expr))
    return (claim.math.display and beside.follows and not other_base
            and (claim.params is None or quantity.is_function))


ELEMENTARY = frozenset({"Add", "Mul", "Pow", "sin", "cos", "tan", "exp", "log", "tanh", "sinh", "cosh", "asin",
                        "acos", "atan", "Abs", "Max", "Min"})


def _elementary(expr: sympy.Expr) -> bool:
    import sympy

    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Symbol | sympy.Number | sympy.core.numbers.NumberSymbol):
            if isinstance(node, sympy.Symbol) and not (node.is_integer is None or node.is_integer is False):
                return False
            continue
        if type(node).__name__ not in ELEMENTARY:
            return False
    return bool(expr.free_symbols)


def _formula_symbols(rhs: ast.Expr, formula: sympy.Expr, known: Iterable[str],
                     scope: ast.Node) -> dict[sympy.Symbol, SymbolName] | None:
    """Each free symbol of the formula with the name it spells; None when one cannot be named."""
    import sympy

    from veritex.math.to_sympy import to_sympy

    named: dict[sympy.Symbol, SymbolName] = {}
    for node in rhs.walk():
        if not isinstance(node, ast.Symbol | ast.Subscript | ast.SuperIndex | ast.Prime):
            continue
        name = _name(node)
        if name is None:
            continue
        try:
            translated = to_sympy(node, known=known, scope=scope)
        except (Uninterpretable, TypeError, ValueError):
            continue
        if isinstance(translated, sympy.Symbol):
            named.setdefault(translated, name)
    free = formula.free_symbols
    if not all(s in named for s in free):
        return None
    return {s: named[s] for s in free if isinstance(s, sympy.Symbol)}


def _link(symbols: Mapping[sympy.Symbol, SymbolName], free: frozenset[str], quantity: CodeQuantity,
          params: tuple[SymbolName, ...] | None) -> dict[str, sympy.Expr] | None:
    """The code's free names matched one to one with the formula's free symbols; a function's
    parameters with the formula's, in order. None when any name is left over or matches twice."""
    if params is not None and quantity.is_function:
        if len(params) != len(quantity.params) or any(
                python_key(p) not in _spellings(n) for p, n in zip(quantity.params, params, strict=True)):
            return None
    elif params is not None and set(symbols.values()) != set(params):
        return None  # values on a grid of the function's own variables, nothing else
    if len(symbols) != len(free):
        return None
    link: dict[str, sympy.Expr] = {}
    taken: set[sympy.Symbol] = set()
    for code_name in sorted(free):
        key = python_key(code_name)
        matches = [s for s, n in symbols.items() if key in _spellings(n)]
        if len(matches) != 1 or matches[0] in taken:
            return None
        link[code_name] = matches[0]
        taken.add(matches[0])
    return link


def _verdict(claim: Claim, quantity: CodeQuantity, formula: sympy.Expr, code: sympy.Expr,
             firm: bool) -> Finding | None:
    from veritex.derivations.numeric import Abstract, Domain, Unsampleable, sample_identity

    try:
        outcome = sample_identity(formula, code, Domain(), seed=17, points=8)
    except (Abstract, Unsampleable, TypeError, ValueError):
        return None  # not evaluable at points: nothing to say
    link = f"{quantity.where()}, line {quantity.line}: {quantity.text}"
    detail = {"against": link, "code": quantity.text, "code_cell": quantity.cell.position.cell,
              "code_line": quantity.line}
    if outcome.status == "holds":
        return Finding(claim.math, "verified",
                       f"{claim.text} agrees with {quantity.where()}, which computes {quantity.text} "
                       f"({outcome.points} points compared).", CHECK, detail={**detail, "points": outcome.points})
    if outcome.status != "fails" or outcome.failure is None or not firm:
        return None
    point, left, right = _shown_point(formula, code, outcome.failure.point, outcome.failure.lhs,
                                      outcome.failure.rhs)
    at = ", ".join(f"{name} = {_number(v)}" for name, v in point.items())
    message = (f"{claim.text} here, but {quantity.where()} computes {quantity.text}: at {at} the formula gives "
               f"{_number(left)} and the code {_number(right)}.")
    return Finding(claim.math, "refuted", message, CHECK, detail={
        **detail, "values": {"point": point, "formula": left, "code": right},
        "fix": f"write the formula as the code computes it ({quantity.text}), or change the code to what the "
               "formula says"})


def _shown_point(formula: sympy.Expr, code: sympy.Expr, point: Mapping[str, float], left: float,
                 right: float) -> tuple[dict[str, float], float, float]:
    """A simple point where the two differ (0, 1, ...), for the message; else the sampled one."""
    import math

    import sympy

    symbols = sorted(formula.free_symbols | code.free_symbols, key=str)
    for value in (0, 1, -1, 2, 0.5):
        subs = {s: sympy.Float(value, 30) for s in symbols}
        try:
            a, b = complex(formula.evalf(30, subs=subs)), complex(code.evalf(30, subs=subs))
        except (TypeError, ValueError):
            continue
        if a.imag or b.imag or not (math.isfinite(a.real) and math.isfinite(b.real)):
            continue
        if abs(a.real - b.real) > 1e-6 * max(1.0, abs(a.real), abs(b.real)):
            return {str(s): float(value) for s in symbols}, a.real, b.real
    return dict(point), left, right


def _number(value: float) -> str:
    return f"{value:.3g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.3e}"
