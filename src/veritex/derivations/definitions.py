"""What a document defines, and substituting those definitions into a formula.

Three kinds, told apart by the left side of a definition:
- a symbol, `\\mathbf{h} = ...`, `d_k = 64`: its uses are replaced by the body;
- a function, `\\sigma(x) = ...`, `J(w, b) = ...`: `\\sigma(t)` becomes the body with `x := t`, and a
  bare `J` (as in `\\frac{\\partial J}{\\partial w}`) becomes the body over its own parameters;
- an indexed name, `\\hat{y}^{(i)} = w\\,x^{(i)} + b`: `\\hat{y}^{(k)}` becomes the body with `i := k`.
  A subscript counts as an index only when the body uses it as one (`\\hat{y}_i = w x_i + b`);
  otherwise `d_k` is just a name.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from veritex.math import ast
from veritex.math.names import VAR_FORMS
from veritex.math.rewrite import rewrite_expr

from .astutil import contains, replace_nodes, respan

DefinitionKind = Literal["symbol", "function", "indexed"]
MAX_DEPTH = 12
"""Deepest chain of definitions followed; deeper ones are cycles or pathological."""


@dataclass(frozen=True)
class Definition:
    kind: DefinitionKind
    head: ast.Expr  # the name (symbol kind), the function name, or the indexed base
    params: tuple[ast.Expr, ...]  # function parameters, or the index variables
    body: ast.Expr
    order: int  # the defining formula's place in the document
    label: str | None = None
    tex: str = ""
    bracket: str | None = None  # indexed kind: "_" for a subscript, else SuperIndex.bracket
    recursive: bool = False  # a recurrence (`m_t = \\beta m_{t-1} + ...`): never substituted
    inline: bool = False  # made in running prose (`where $m = \\max_j z_j$`): used only when no
    # displayed formula defines the name

    @functools.cached_property
    def key(self) -> ast.Expr:
        return head_key(self.head)


def is_name(node: ast.Expr) -> bool:
    """A bare symbol as a definition's left side: `x`, `\\mathbf{h}`, `W_1`, `\\hat{y}^{(i)}`, and
    a name of several letters (`PE_{(p, 2i)}`, read as letters side by side)."""
    if isinstance(node, ast.Symbol):
        return node.font not in ("op", "text")
    if isinstance(node, ast.Subscript | ast.SuperIndex):
        return is_name(node.base)
    if isinstance(node, ast.Juxt):
        *letters, last = node.factors
        return len(node.factors) <= 4 and is_name(last) and all(
            isinstance(f, ast.Symbol) and f.font not in ("op", "text") for f in letters)
    return False


def is_signature(node: ast.Expr) -> bool:
    """`f(x)`, `J(w, b)`, `\\mathrm{Attention}(Q, K, V)`: a named function over bare names."""
    if not isinstance(node, ast.Apply) or isinstance(node.function, ast.Prime):
        return False
    head = node.function
    if isinstance(head, ast.Symbol) and head.font == "op":
        return False  # `\log(x) = ...` restates a known function; it defines nothing
    return all(is_name(a) for a in node.args)


def is_definable(lhs: ast.Expr) -> bool:
    """A left side that introduces what it names: a name, a signature, a name squared
    (`\\sigma^2 = ...`), or a component of a function's value (`\\mathrm{softmax}(z)_i = ...`)."""
    if is_name(lhs) or is_signature(lhs):
        return True
    if isinstance(lhs, ast.Power) and isinstance(lhs.exponent, ast.Number):
        return is_name(lhs.base)
    if isinstance(lhs, ast.Subscript | ast.SuperIndex) and isinstance(lhs.base, ast.Apply):
        return is_signature(lhs.base) or all(is_name(a) for a in lhs.base.args)
    return False


def definition_from(lhs: ast.Expr, body: ast.Expr, order: int, label: str | None = None,
                    tex: str = "") -> Definition | None:
    """The definition `lhs = body` makes, or None when `lhs` is not a name or a signature."""
    found = _definition_from(lhs, body, order, label, tex)
    if found is not None and _refers_to_itself(lhs, body):
        return dataclasses.replace(found, recursive=True)
    return found


def _refers_to_itself(lhs: ast.Expr, body: ast.Expr) -> bool:
    """`m_t = \\beta m_{t-1} + ...`, `x = x + 1`: the body uses what is being defined."""
    head = lhs.function if isinstance(lhs, ast.Apply) else lhs
    family = head.base if isinstance(head, ast.Subscript | ast.SuperIndex) else head
    keys = {head_key(head), head_key(family)}
    for node in body.walk():
        if isinstance(node, ast.Symbol | ast.Subscript | ast.SuperIndex) and head_key(node) in keys:
            return True
        if isinstance(node, ast.Subscript | ast.SuperIndex) and head_key(node.base) in keys:
            return True
    return False


def _definition_from(lhs: ast.Expr, body: ast.Expr, order: int, label: str | None,
                     tex: str) -> Definition | None:
    if is_signature(lhs):
        assert isinstance(lhs, ast.Apply)
        return Definition("function", lhs.function, lhs.args, body, order, label, tex)
    if isinstance(lhs, ast.Power) and is_definable(lhs):
        return Definition("symbol", lhs, (), body, order, label, tex)  # `\\sigma^2` stands for itself
    if not is_name(lhs):
        return None
    if isinstance(lhs, ast.SuperIndex | ast.Subscript):
        params = _index_variables(lhs.index)
        bracket = lhs.bracket if isinstance(lhs, ast.SuperIndex) else "_"
        uses_index = params and all(_used_as_index(body, p) for p in params)
        if uses_index and (isinstance(lhs, ast.Subscript) or lhs.bracket in ("(", "[")):
            return Definition("indexed", lhs.base, params, body, order, label, tex, bracket)
    return Definition("symbol", lhs, (), body, order, label, tex)


def _index_variables(index: ast.Expr) -> tuple[ast.Expr, ...]:
    items = index.items if isinstance(index, ast.Tuple) else (index,)
    if all(isinstance(i, ast.Symbol) and len(i.name) == 1 for i in items):
        return tuple(items)
    return ()


def _used_as_index(body: ast.Expr, variable: ast.Expr) -> bool:
    for n in body.walk():
        if isinstance(n, ast.Subscript | ast.SuperIndex) and contains(n.index, variable):
            return True
    return False


@dataclass
class DefinitionTable:
    """Every definition of a document, looked up by head; a name defined twice takes the definition
    nearest before the formula that uses it, or in it; never one after it."""

    definitions: list[Definition] = field(default_factory=list)
    _index: dict[tuple[str, ast.Expr], list[Definition]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for d in self.definitions:
            self._index.setdefault((d.kind, d.key), []).append(d)

    def recurrences(self) -> list[Definition]:
        return [d for d in self.definitions if d.recursive]

    def add(self, definition: Definition) -> None:
        self.definitions.append(definition)
        self._index.setdefault((definition.kind, definition.key), []).append(definition)

    def extend(self, definitions: Iterable[Definition]) -> None:
        for d in definitions:
            self.add(d)

    def lookup(self, kind: DefinitionKind, head: ast.Expr, order: int) -> Definition | None:
        found = [d for d in self._index.get((kind, head_key(head)), []) if not d.recursive]
        candidates = [d for d in found if not d.inline] or found
        if not candidates:
            return None
        before = [d for d in candidates if d.order <= order]  # the formula's own count: `z = x + 1, \quad ...`
        # Definitions flow forward only: one made further down defines nothing here.
        return max(before, key=lambda d: d.order) if before else None


def head_key(node: ast.Expr) -> ast.Expr:
    """A name for matching a definition to its uses: `\\varepsilon` is `\\epsilon`. Fonts count:
    a document that defines `\\mathbf{h}` (a vector) has not defined the scalar `h` of an abstract
    chain rule, and a declaration of `\\mathbf{x}` does not make the `x` of `y = x^2` an array."""

    def plain(n: ast.Node) -> ast.Node | None:
        if isinstance(n, ast.Symbol) and n.name[1:] in VAR_FORMS:
            return ast.Symbol("\\" + VAR_FORMS[n.name[1:]], n.font, n.accents)
        return None

    return rewrite_expr(node, plain)


@dataclass
class Substitution:
    """The result of substituting: the new tree and the definitions that were used."""

    expr: ast.Expr
    used: list[Definition] = field(default_factory=list)


class Substituter:
    """Replaces defined names in formula `order` by their definitions, transitively.

    `everywhere=False` substitutes only what a check cannot do without: applications of defined
    functions, and anything inside a derivative (where what a name depends on matters). Bare names
    outside derivatives then stay free, so an identity that holds for any value of them is checked
    as such (`m` in `\\log\\sum_j e^{z_j} = m + \\log\\sum_j e^{z_j - m}`).
    """

    def __init__(self, table: DefinitionTable, order: int, *, everywhere: bool) -> None:
        self.table = table
        self.order = order
        self.everywhere = everywhere
        self.used: list[Definition] = []

    def run(self, expr: ast.Expr) -> Substitution:
        out = self._sub(expr, 0, inside_derivative=False, protected=frozenset(), active=frozenset())
        return Substitution(out, self.used)

    def _sub(self, expr: ast.Expr, depth: int, inside_derivative: bool, protected: frozenset[ast.Expr],
             active: frozenset[int]) -> ast.Expr:
        """`active`: the definitions being unfolded around `expr`, not unfolded again inside their
        own body, so a recurrence (`m_t = \\beta m_{t-1} + ...`) unfolds once."""
        if depth > MAX_DEPTH:
            return expr

        def visit(node: ast.Node) -> ast.Node | None:
            if isinstance(node, ast.Derivative | ast.Gradient):
                # The variables differentiated by are never replaced: `x = 2` elsewhere must not
                # turn d/dx into a derivative by a number.
                guard = protected | {head_key(v) for v in _variables_of(node)}
                body = self._sub(node.body, depth, True, guard, active)
                body = self._bare_function(body, depth, guard, active)
                return _with_body(node, body)
            if isinstance(node, ast.Integral):
                # The variable of integration is bound: `x = 2` elsewhere is not the x integrated over.
                guard = protected | {head_key(node.variable)}
                body = self._sub(node.body, depth, inside_derivative, guard, active)
                ends = [None if e is None else self._sub(e, depth, inside_derivative, protected, active)
                        for e in (node.lower, node.upper, node.region)]
                return ast.Integral(body, node.variable, *ends, span=node.span)
            if not isinstance(node, ast.Expr):
                return None
            if isinstance(node, ast.Symbol | ast.Subscript | ast.SuperIndex) and head_key(node) in protected:
                return None
            found = self._replace(node, inside_derivative or self.everywhere, active)
            if found is None:
                return None
            replaced, definition = found
            self.used.append(definition)
            return self._sub(respan(replaced, node.span), depth + 1, inside_derivative, protected,
                             active | {id(definition)})

        return rewrite_expr(expr, visit)

    def _bare_function(self, body: ast.Expr, depth: int, protected: frozenset[ast.Expr],
                       active: frozenset[int]) -> ast.Expr:
        """`J` differentiated: the body of `J(w, b) = ...` over its own parameters."""
        if isinstance(body, ast.Symbol | ast.Subscript):
            found = self._lookup("function", body, active)
            if found is not None:
                self.used.append(found)
                params = frozenset(head_key(p) for p in found.params)
                return self._sub(respan(found.body, body.span), depth + 1, True, protected | params,
                                 active | {id(found)})
        return body

    def _lookup(self, kind: DefinitionKind, head: ast.Expr, active: frozenset[int]) -> Definition | None:
        found = self.table.lookup(kind, head, self.order)
        return None if found is None or id(found) in active else found

    def _replace(self, node: ast.Expr, names_too: bool,
                 active: frozenset[int]) -> tuple[ast.Expr, Definition] | None:
        """What `node` stands for, and the definition that says so."""
        if isinstance(node, ast.Apply) and isinstance(node.function, ast.Prime):
            return self._prime(node, node.function, active)
        if isinstance(node, ast.Apply):
            found = self._lookup("function", node.function, active)
            if found is not None and len(found.params) == len(node.args):
                return replace_nodes(found.body, dict(zip(found.params, node.args, strict=True))), found
            return None
        if not names_too:
            return None
        if isinstance(node, ast.SuperIndex | ast.Subscript):
            found = self._lookup("indexed", node.base, active)
            bracket = node.bracket if isinstance(node, ast.SuperIndex) else "_"
            if found is not None and found.bracket == bracket:
                args = node.index.items if isinstance(node.index, ast.Tuple) else (node.index,)
                if len(args) == len(found.params):
                    return replace_nodes(found.body, dict(zip(found.params, args, strict=True))), found
        if isinstance(node, ast.Symbol | ast.Subscript | ast.SuperIndex | ast.Juxt | ast.Power):
            found = self._lookup("symbol", node, active)
            if found is None and self.everywhere:
                found = self._lookup("function", node, active)
            if found is not None:
                return found.body, found
        return None

    def _prime(self, node: ast.Apply, prime: ast.Prime,
               active: frozenset[int]) -> tuple[ast.Expr, Definition] | None:
        """`f'(t)` with `f(x) = body` defined: the derivative of the body, taken at `x = t`."""
        found = self._lookup("function", prime.operand, active)
        if found is None or len(found.params) != 1 or len(node.args) != 1:
            return None
        (param,), (arg,) = found.params, node.args
        derivative = ast.Derivative(found.body, (param,), (prime.order,))
        if arg == param:
            return derivative, found
        return ast.Evaluated(derivative, (ast.Statement((param, arg), ("=",)),)), found


def _variables_of(node: ast.Derivative | ast.Gradient) -> frozenset[ast.Expr]:
    if isinstance(node, ast.Derivative):
        return frozenset(node.variables)
    return frozenset() if node.wrt is None else frozenset({node.wrt})


def _with_body(node: ast.Derivative | ast.Gradient, body: ast.Expr) -> ast.Expr:
    if isinstance(node, ast.Derivative):
        return ast.Derivative(body, node.variables, node.orders, node.partial, span=node.span)
    return ast.Gradient(body, node.wrt, span=node.span)


def substitute(expr: ast.Expr, table: DefinitionTable, order: int, *, everywhere: bool) -> Substitution:
    return Substituter(table, order, everywhere=everywhere).run(expr)


def definitions_in(statements: Sequence[ast.Statement], order: int, label: str | None,
                   tex: str, *, inline: bool = False) -> list[Definition]:
    """The definitions a formula's statements make: the first step of a chain whose left side is a
    name or a signature (with `=` or a definition mark). In running prose a number is a value, not
    a definition (`at $x = 2$`, `close to $w = 3$`), and is left out."""
    out: list[Definition] = []
    for statement in statements:
        if not statement.relations or statement.relations[0] not in ("=", "def"):
            continue
        body = statement.sides[1]
        if inline and (is_number(body) or any(isinstance(n, ast.Dots | ast.Tuple) for n in body.walk())):
            continue
        found = definition_from(statement.sides[0], body, order, label, tex)
        if found is not None:
            out.append(dataclasses.replace(found, inline=True) if inline else found)
    return out


def is_number(node: ast.Expr) -> bool:
    """A literal number, possibly negated or a fraction of numbers."""
    if isinstance(node, ast.Number):
        return True
    if isinstance(node, ast.Neg):
        return is_number(node.operand)
    if isinstance(node, ast.Frac):
        return is_number(node.numerator) and is_number(node.denominator)
    return False
