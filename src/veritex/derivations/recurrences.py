"""Steps about a family defined by a recurrence, checked through the recurrence.

`X_{t+1} = a X_t + b + c W_{t+1}` defines the terms of `X` one from the one before. A step that
relates terms of `X` at `t`, `t-1`, `t-2`, ... (`a X_{t-1} + b + c W_t = a^2 X_{t-2} + ...`) is
checked by rewriting every term of `X` down to the lowest index the step uses, the index shift
carried into the other families (`W_{t+1}` becomes `W_{t-1}` two steps down); the lowest terms
and every other family member (`W_t`, `W_{t-1}`, ...) are then drawn freely, each its own name.

Only an unambiguous recurrence is used: every recurrence the document gives the family says the
same thing (after shifting its index), its indices are the index variable plus whole numbers, all
below the term it defines, nothing else defines the family at a variable index, it is stated at or
before the step, the step uses the same index variable, and no other family defined by a recurrence
comes in. A closed form (`X_t = a^t X_0 + ...`) is not a competing recurrence: `closed_form` writes it
out at the first few indices for the cross-check that holds it against the recurrence. Everything
else keeps the step unchecked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from veritex.math import ast
from veritex.math.rewrite import rewrite_expr

from .astutil import bound_indices, display_name
from .definitions import Definition, DefinitionTable, head_key, substitute

MAX_UNROLL = 12
"""Most index steps unrolled: a chain that reaches further down is not written out by hand."""
_RANGE = re.compile(r"\\geq?(?![a-z])|\\leq?(?![a-z])|\\in(?![a-z])|[<>]|\\ge(?![a-z])|\\le(?![a-z])")
"""A range of indices stated beside a recurrence: where it starts is then not certain."""
MAX_PASSES = 4
"""Rounds of unrolling and substituting the body's definitions before the terms settle."""


@dataclass(frozen=True)
class Recurrence:
    """`family_{variable} = body`, the body's family terms all at `variable - 1` ... `variable - depth`."""

    family: ast.Expr  # as `head_key` spells it
    variable: ast.Symbol
    body: ast.Expr
    depth: int
    labels: tuple[str, ...]  # where the document states it
    first: int  # the place of the first formula that states it
    ranged: bool = False  # a formula stating it gives the indices it holds for (`t \\geq 1`)


@dataclass(frozen=True)
class Unrolled:
    sides: tuple[ast.Expr, ast.Expr]
    used: list[Definition]  # definitions substituted into the unrolled body
    description: str  # `X unrolled by its recurrence (can_ar1) down to X_{t-3}`


def offset_of(index: ast.Expr) -> tuple[ast.Symbol | None, int] | None:
    """`t` -> (t, 0), `t+1` -> (t, 1), `t-2` -> (t, -2), `3` -> (None, 3); anything else None."""
    if isinstance(index, ast.Symbol) and index.font is None and not index.accents:
        return index, 0
    number = _integer(index)
    if number is not None:
        return None, number
    if isinstance(index, ast.BinOp) and index.op in ("+", "-"):
        sign = 1 if index.op == "+" else -1
        left, right = index.left, index.right
        shift = _integer(right)
        if shift is not None and isinstance(left, ast.Symbol) and offset_of(left) == (left, 0):
            return left, sign * shift
        shift = _integer(left)
        if shift is not None and index.op == "+" and isinstance(right, ast.Symbol) and offset_of(right) == (right, 0):
            return right, shift
    return None


def _integer(node: ast.Expr) -> int | None:
    if isinstance(node, ast.Number) and node.value.isdigit():
        return int(node.value)
    if isinstance(node, ast.Neg):
        inner = _integer(node.operand)
        return None if inner is None else -inner
    return None


def index_at(variable: ast.Symbol, offset: int) -> ast.Expr:
    """The index `variable + offset` as a reader writes it: `t`, `t+1`, `t-2`."""
    if offset == 0:
        return variable
    return ast.BinOp("+" if offset > 0 else "-", variable, ast.Number(str(abs(offset))))


def _family_of(definition: Definition) -> tuple[ast.Expr, ast.Expr] | None:
    """The family a definition speaks of and the index it defines it at (`X`, `t+1`)."""
    if definition.kind == "indexed" and definition.bracket == "_" and len(definition.params) == 1:
        return definition.key, definition.params[0]
    if definition.kind == "symbol" and isinstance(definition.head, ast.Subscript):
        return head_key(definition.head.base), definition.head.index
    return None


def _terms(expr: ast.Expr, family: ast.Expr) -> list[ast.Subscript] | None:
    """Every term of `family` in `expr`; None when the family appears otherwise (bare, as a
    superscript index, a function)."""
    terms: list[ast.Subscript] = []
    inside: set[int] = set()
    for node in expr.walk():
        if isinstance(node, ast.Subscript) and head_key(node.base) == family:
            terms.append(node)
            inside.add(id(node.base))
    for node in expr.walk():
        if isinstance(node, ast.Symbol) and id(node) not in inside and head_key(node) == family:
            return None
    return terms


def _shift(expr: ast.Expr, variable: ast.Symbol, delta: int) -> ast.Expr:
    """`expr` with `variable` read as `variable + delta`: indices `t+k` become `t+k+delta` written
    plainly, any other use of the variable becomes `(t + delta)`."""
    if delta == 0:
        return expr

    def visit(node: ast.Node) -> ast.Node | None:
        if isinstance(node, ast.Subscript):
            found = offset_of(node.index)
            if found is not None and found[0] == variable:
                return ast.Subscript(rewrite_expr(node.base, visit), index_at(variable, found[1] + delta),
                                     span=node.span)
            return None
        if node == variable:
            return index_at(variable, delta)
        return None

    return rewrite_expr(expr, visit)


def _recurrence_from(definition: Definition, family: ast.Expr, index: ast.Expr) -> Recurrence | None:
    """The recurrence one definition states, shifted to define `family_{variable}`; None when it is
    not one with whole-number offsets all below the term it defines."""
    head = offset_of(index)
    if head is None:
        return None
    variable, top = head
    if variable is None:
        return None
    terms = _terms(definition.body, family)
    if not terms or variable in bound_indices(definition.body):
        return None
    offsets = [offset_of(t.index) for t in terms]
    if any(o is None or o[0] != variable or o[1] >= top for o in offsets):
        return None
    if not _indices_plain(definition.body, variable):
        return None
    depth = max(top - o[1] for o in offsets if o is not None)
    label = definition.label or "the formula it is stated in"
    return Recurrence(family, variable, _shift(definition.body, variable, -top), depth, (label,), definition.order,
                      bool(_RANGE.search(definition.tex)))


def _indices_plain(body: ast.Expr, variable: ast.Symbol) -> bool:
    """The variable appears in indices only as `t + k`: `a_{2t}` would not shift into the name
    `a_{2t+2}` a reader writes, so such a body is not used."""
    for node in body.walk():
        if isinstance(node, ast.Subscript | ast.SuperIndex) and any(n == variable for n in node.index.walk()):
            found = offset_of(node.index)
            if found is None or found[0] != variable:
                return False
    return True


def _is_closed_form(definition: Definition, family: ast.Expr, index: ast.Expr) -> bool:
    """`X_t = a^t X_0 + ...`: the family at a variable index, defined from fixed terms only."""
    head = offset_of(index)
    terms = _terms(definition.body, family)
    if head is None or head[0] is None or not terms:
        return False
    return all((found := offset_of(t.index)) is not None and found[0] is None for t in terms)


def recurrence_of(family: ast.Expr, table: DefinitionTable) -> Recurrence | None:
    """The one recurrence the document gives `family`, or None when it gives none, several that
    differ, one it cannot shift, or another definition of the family at a variable index."""
    found: Recurrence | None = None
    for definition in table.definitions:
        place = _family_of(definition)
        if place is None and definition.key == family:
            return None  # the family itself defined (`X = ...`, `X(t) = ...`): another reading
        if place is None or place[0] != family:
            continue
        head = offset_of(place[1])
        if head is not None and head[0] is None and not definition.recursive:
            continue  # `X_0 = 1`: a first value
        if definition.recursive and _is_closed_form(definition, family, place[1]):
            continue
        stated = _recurrence_from(definition, family, place[1]) if definition.recursive else None
        if stated is None:
            return None
        if found is None:
            found = stated
        elif stated.variable != found.variable or _terms_of_sum(stated.body) != _terms_of_sum(found.body):
            return None
        else:
            found = Recurrence(family, found.variable, found.body, found.depth, found.labels + stated.labels,
                               min(found.first, stated.first), found.ranged or stated.ranged)
    return found


def _terms_of_sum(body: ast.Expr) -> list[tuple[bool, str]]:
    """The added terms of `body` with their signs, in a fixed order: two statements of one recurrence
    that list its terms in another order (`b + a X_t` and `a X_t + b`) say the same thing."""
    out: list[tuple[bool, str]] = []

    def add(node: ast.Expr, negative: bool) -> None:
        if isinstance(node, ast.BinOp) and node.op in ("+", "-"):
            add(node.left, negative)
            add(node.right, negative != (node.op == "-"))
        elif isinstance(node, ast.Neg):
            add(node.operand, not negative)
        else:
            out.append((negative, str(node)))

    add(body, False)
    return sorted(out)


def _recurrent_families(table: DefinitionTable) -> set[ast.Expr]:
    out = set()
    for definition in table.recurrences():
        key = definition.key
        out.add(key.base if isinstance(key, ast.Subscript | ast.SuperIndex) and definition.kind == "symbol" else key)
    return out


def unroll(sides: tuple[ast.Expr, ast.Expr], table: DefinitionTable, order: int) -> Unrolled | None:
    """`sides` with every term of the one recurrent family they use rewritten down to the lowest
    index they use, or None when that reading is not certain (see the module's note)."""
    recurrent = _recurrent_families(table)
    families = [f for f in recurrent if any(_mentions_family(side, f) for side in sides)]
    if len(families) != 1:
        return None
    family = families[0]
    recurrence = recurrence_of(family, table)
    if recurrence is None or recurrence.first > order:
        return None  # none, or only stated further down: definitions flow forward
    if any(recurrence.variable in bound_indices(s) for s in sides):
        return None
    left, right = sides
    used: list[Definition] = []
    first = _levels(sides, family, recurrence.variable)
    if first is None:
        return None
    low = min(first)
    if max(first) <= low + recurrence.depth - 1:
        return None  # nothing to unroll: the terms are already the free ones
    for _ in range(MAX_PASSES):
        levels = _levels((left, right), family, recurrence.variable)
        if levels is None:
            return None
        low, high = min(levels), max(levels)
        floor = low + recurrence.depth - 1  # the terms at `low` ... `floor` are drawn freely
        if high <= floor:
            break
        if high - floor > MAX_UNROLL:
            return None
        for level in range(high, floor, -1):
            left, right = (_replace_level(left, recurrence, level), _replace_level(right, recurrence, level))
        # Definitions in the body (`g_t = 2 x_t`) may bring terms of the family back: another pass.
        left_sub = substitute(left, table, order, everywhere=True)
        right_sub = substitute(right, table, order, everywhere=True)
        left, right = left_sub.expr, right_sub.expr
        used += left_sub.used + right_sub.used
    else:
        return None
    if any(_mentions_family(s, f) for s in (left, right) for f in recurrent - {family}):
        return None  # another recurrent family came in with the body: drawing it freely is not certain
    name = display_name(family)
    variable = recurrence.variable.name.lstrip("\\")
    lowest = f"{name}_{{{variable}{f'{low:+d}' if low else ''}}}"
    description = f"{name} unrolled by its recurrence ({recurrence.labels[0]}) down to {lowest}"
    return Unrolled((left, right), used, description)


def _levels(sides: tuple[ast.Expr, ast.Expr], family: ast.Expr, variable: ast.Symbol) -> list[int] | None:
    """The offsets of the family's terms in `sides` (`X_{t-2}` is -2); None when one is not the
    variable plus a whole number, or the family appears otherwise."""
    levels = []
    for side in sides:
        terms = _terms(side, family)
        if terms is None:
            return None
        for term in terms:
            found = offset_of(term.index)
            if found is None or found[0] != variable:
                return None
            levels.append(found[1])
    return levels or None


def _replace_level(expr: ast.Expr, recurrence: Recurrence, level: int) -> ast.Expr:
    body = _shift(recurrence.body, recurrence.variable, level)

    def visit(node: ast.Node) -> ast.Node | None:
        if isinstance(node, ast.Subscript) and head_key(node.base) == recurrence.family \
                and offset_of(node.index) == (recurrence.variable, level):
            return body
        return None

    return rewrite_expr(expr, visit)


def _mentions_family(expr: ast.Expr, family: ast.Expr) -> bool:
    """As the plan tells a recurrent family's use: the name itself, or any term of it."""
    for node in expr.walk():
        if isinstance(node, ast.Symbol | ast.Subscript | ast.SuperIndex) and head_key(node) == family:
            return True
        if isinstance(node, ast.Subscript | ast.SuperIndex) and head_key(node.base) == family:
            return True
    return False


CLOSED_FORM_TERMS = 4
"""A closed form is compared with the recurrence at this many indices after its first values."""


@dataclass(frozen=True)
class ClosedForm:
    """`x_t = body` from fixed first terms, written out at `t = n` for a few `n` on both sides: the
    family iterated by its recurrence from those first terms, and the body at `n`."""

    family: ast.Expr
    variable: ast.Symbol
    recurrence: Recurrence
    instances: tuple[tuple[int, ast.Expr, ast.Expr], ...]  # (n, iterated, closed form at n)

    def describe(self) -> str:
        return f"{display_name(self.family)} iterated by its recurrence ({self.recurrence.labels[0]})"


def closed_form(lhs: ast.Expr, body: ast.Expr, table: DefinitionTable) -> ClosedForm | None:
    """`X_t = a^t X_0 + ...` for a family with one unambiguous recurrence, written out at the first
    few indices the recurrence reaches from the fixed terms the body uses; None when not certain."""
    if not isinstance(lhs, ast.Subscript):
        return None
    family = head_key(lhs.base)
    head = offset_of(lhs.index)
    terms = _terms(body, family)
    if head is None or head[0] is None or head[1] != 0 or not terms:
        return None
    variable = head[0]
    fixed = [offset_of(t.index) for t in terms]
    if any(f is None or f[0] is not None for f in fixed):
        return None
    recurrence = recurrence_of(family, table)
    if recurrence is None or recurrence.ranged or recurrence.variable != variable or variable in bound_indices(body):
        return None  # a recurrence said to hold from some index on may not reach back to the first terms
    first = min(f[1] for f in fixed if f is not None)
    free_until = first + recurrence.depth - 1  # the fixed terms the iteration starts from
    if any(f[1] > free_until for f in fixed if f is not None) or _later_first_values(table, family, free_until):
        return None
    instances = []
    for n in range(free_until + 1, free_until + 1 + CLOSED_FORM_TERMS):
        iterated: ast.Expr = ast.Subscript(lhs.base, _number(n))
        for m in range(n, free_until, -1):
            iterated = _replace_fixed(iterated, family, m, _at(recurrence.body, variable, m))
        instances.append((n, iterated, _at(body, variable, n)))
    return ClosedForm(family, variable, recurrence, tuple(instances))


def _later_first_values(table: DefinitionTable, family: ast.Expr, after: int) -> bool:
    """`x_1 = x_0 + a` given apart from the recurrence: the recurrence may start only after it."""
    for definition in table.definitions:
        place = _family_of(definition)
        if place is not None and place[0] == family and not definition.recursive:
            found = offset_of(place[1])
            if found is not None and found[0] is None and found[1] > after:
                return True
    return False


def _number(n: int) -> ast.Expr:
    return ast.Number(str(n)) if n >= 0 else ast.Neg(ast.Number(str(-n)))


def _at(expr: ast.Expr, variable: ast.Symbol, n: int) -> ast.Expr:
    """`expr` at `variable = n`: indices `t+k` become the number `n+k`, other uses the number `n`."""

    def visit(node: ast.Node) -> ast.Node | None:
        if isinstance(node, ast.Subscript):
            found = offset_of(node.index)
            if found is not None and found[0] == variable:
                return ast.Subscript(rewrite_expr(node.base, visit), _number(n + found[1]), span=node.span)
            return None
        if node == variable:
            return _number(n)
        return None

    return rewrite_expr(expr, visit)


def _replace_fixed(expr: ast.Expr, family: ast.Expr, index: int, body: ast.Expr) -> ast.Expr:
    def visit(node: ast.Node) -> ast.Node | None:
        if isinstance(node, ast.Subscript) and head_key(node.base) == family and offset_of(node.index) == (None, index):
            return body
        return None

    return rewrite_expr(expr, visit)
