"""What checking a formula will take, worked out on the syntax tree alone (no SymPy): the claimed
steps, each with definitions substituted, the names a check cannot do without, the arrays in it.

A plan is also the cache key: it holds everything a verdict depends on, and nothing about where
the formula sits in the document.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from veritex.math import ast

from .astutil import bound_indices, display_name, symbols_in
from .claims import Step, claims_of, first_step_defines
from .definitions import (
    Definition,
    DefinitionKind,
    DefinitionTable,
    definition_from,
    head_key,
    is_name,
    is_number,
    substitute,
)
from .elementwise import elementwise
from .moments import MomentStep, MomentVocabulary, read_pair, restates
from .precision import Doubt, doubt_after_substitution, doubt_in, equation_doubt, imaginary_unit_in
from .recurrences import unroll
from .shapes import Shapes
from .values import Value, bind, decimal_of

if TYPE_CHECKING:
    from .regime import Regime

PLAN_VERSION = "identity-10"
"""Bump when checking changes, so cached verdicts from an older checker are not reused."""
CONSTANT_NAMES = frozenset({"e", "\\pi", "\\infty"})


@dataclass
class StepPlan:
    name: str
    relation: str
    free: tuple[ast.Expr, ast.Expr]  # bare names left free, functions and derivatives substituted
    full: tuple[ast.Expr, ast.Expr]  # every definition substituted
    conditions: tuple[ast.Condition, ...] = ()
    abstract: str | None = None  # why it claims nothing testable (unknown functions differentiated...)
    abstract_code: str | None = None  # the listed reason (`reasons.py`) when a precision rule gave it
    arrays: list[str] = field(default_factory=list)  # declared arrays used whole (not indexed)
    free_uses: list[str] = field(default_factory=list)  # the definitions each form substituted, described
    full_uses: list[str] = field(default_factory=list)
    recurrent: list[str] = field(default_factory=list)  # names in it that only a recurrence defines
    unrolled: str | None = None  # the full form has a recurrence unrolled: which, down to where
    elementwise: bool = False  # the sides were rewritten at one element of their arrays
    ranges: tuple[tuple[ast.Symbol, ast.Expr], ...] = ()  # those element indices and their sizes
    imaginary_unit: str | None = None  # the letter read as the imaginary unit (a complex document)
    # An `\approx` a decimal: the full form with the values bound in prose and code put in, and those
    # values described; only the stated-value check uses it.
    bound: tuple[ast.Expr, ast.Expr] | None = None
    bound_uses: list[str] = field(default_factory=list)
    moments: MomentStep | None = None  # read as a statement about moments of random variables
    regime: Regime | None = None  # an `\approx` step: the small quantities the text states (`regime.py`)

    def key(self) -> str:
        conditions = ";".join(str(c) for c in self.conditions)
        return "|".join([self.name, self.relation, *map(str, self.free), *map(str, self.full), conditions,
                         self.abstract or "", self.abstract_code or "", ",".join(self.arrays), ",".join(self.free_uses),
                         ",".join(self.full_uses), ",".join(self.recurrent), str(self.elementwise),
                         str(self.ranges), self.imaginary_unit or "", str(self.bound), ",".join(self.bound_uses),
                         self.moments.key() if self.moments is not None else "", str(self.regime or ""),
                         self.unrolled or ""])


@dataclass
class FormulaPlan:
    steps: list[StepPlan]
    known: frozenset[str]
    shapes: Shapes

    def key(self) -> str:
        text = "\n".join([PLAN_VERSION, _sympy_version(), *(s.key() for s in self.steps), ",".join(sorted(self.known)),
                          ",".join(sorted(self.shapes.sizes)), ",".join(sorted(self.shapes.integers))])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.cache
def _sympy_version() -> str:
    """Part of the key: another SymPy may decide differently. Read from metadata, not by import."""
    try:
        return importlib.metadata.version("sympy")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def plan_formula(formula: ast.Formula, order: int, table: DefinitionTable, shapes: Shapes,
                 known: frozenset[str], tex: str = "", imaginary: frozenset[str] = frozenset(),
                 lead_in: str = "", values: Sequence[Value] = (),
                 moments: MomentVocabulary | None = None) -> FormulaPlan | None:
    """The plan for checking `formula` (the `order`-th of its document, written `tex`), or None when it
    claims nothing (a definition, a declaration, an inequality). `imaginary`: the letters the document
    uses as the imaginary unit; `lead_in`: the prose just before it; `moments`: the document's random
    variables and correlation names."""
    defined_functions = {d.key for d in table.definitions if d.kind == "function"}
    steps = claims_of(formula, defined_functions)
    if moments:
        steps = _restated(formula, steps, order, table, tex, moments, lead_in)
    if not steps:
        return None
    several = len({s.statement for s in steps}) > 1
    introduced = equation_doubt(lead_in)
    plans = [(_moment_step(step, several, order, table, tex, moments, lead_in) if introduced is None else None)
             or _plan_step(step, several, order, table, shapes, tex, imaginary, introduced) for step in steps]
    for plan in plans:
        _bind_values(plan, values, order)
    return FormulaPlan(plans, known, shapes)


def _plan_step(step: Step, several: bool, order: int, table: DefinitionTable, shapes: Shapes, tex: str,
               imaginary: frozenset[str], introduced: Doubt | None) -> StepPlan:
    local = _with_local_definitions(table, step.conditions, order)
    doubt = introduced or doubt_in(step.left, step.right, tex, local, order)
    free_left = substitute(step.left, local, order, everywhere=False)
    free_right = substitute(step.right, local, order, everywhere=False)
    full_left = substitute(step.left, local, order, everywhere=True)
    full_right = substitute(step.right, local, order, everywhere=True)
    full = (full_left.expr, full_right.expr)
    free = (free_left.expr, free_right.expr)
    unrelated = [u for side in (step.left, step.right) for u in _abstract_derivatives(side, local, order)]
    reason = abstract_reason(unrelated) or _only_named(*full)
    if doubt is None and reason is None:
        doubt = doubt_after_substitution((step.left, step.right), free, full, local, order)
    if doubt is not None:
        reason = doubt.text
    arrays = sorted({n for side in full for n in _whole_arrays(side, shapes.arrays)})
    plan = StepPlan(step.name(several), step.relation, free, full, step.conditions, reason,
                    doubt.reason.code if doubt is not None else None, arrays,
                    _describe(free_left.used + free_right.used), _describe(full_left.used + full_right.used),
                    _recurrent(full, local))
    if plan.recurrent and reason is None and not arrays:  # arrays are read element by element below
        _unroll_recurrence(plan, local, order)
    plan.imaginary_unit = imaginary_unit_in((step.left, step.right, *full), imaginary)
    if arrays and reason is None:
        declared = dict(shapes.dims)
        at_full = elementwise(*full, declared)
        if at_full is not None:
            at_free = elementwise(*free, declared)
            plan.full = (at_full.left, at_full.right)
            plan.free = (at_free.left, at_free.right) if at_free is not None else plan.full
            plan.elementwise, plan.ranges = True, at_full.ranges
    return plan


def _restated(formula: ast.Formula, steps: list[Step], order: int, table: DefinitionTable, tex: str,
              words: MomentVocabulary, lead_in: str) -> list[Step]:
    """A first step that looks like a definition of a moment the document already uses (`\\rho(X, Y) = ...`
    after rho's definition) is a claim, when the moment reading decides it."""
    from .moment_check import decide  # no SymPy: the check is plain arithmetic

    defined = {d.key for d in table.definitions if d.kind == "function"}
    out = list(steps)
    for number, statement in enumerate(formula.statements):
        if len(statement.sides) < 2 or not first_step_defines(statement, defined) \
                or not restates(statement.sides[0], words, order, lead_in):
            continue
        left, relation, right = next(iter(statement.steps()))
        read = read_pair(left, right, tex, words, lead_in, table, order) if relation == "=" else None
        if read is not None and decide(read, order).status != "undecided":
            out.append(Step(number, 1, left, relation, right, statement.conditions))
    return sorted(out, key=lambda s: (s.statement, s.index))


def _moment_step(step: Step, several: bool, order: int, table: DefinitionTable, tex: str,
                 words: MomentVocabulary | None, lead_in: str) -> StepPlan | None:
    """A step about expectations, variances, covariances or correlations, read as such when every part of
    it is understood (`moments.py`); decided on random finite distributions (`moment_check.py`)."""
    if not words or step.relation != "=" or step.conditions:
        return None
    local = _with_local_definitions(table, step.conditions, order)
    read = read_pair(step.left, step.right, tex, words, lead_in, local, order)
    if read is None:
        return None
    sides = (step.left, step.right)
    plan = StepPlan(step.name(several), step.relation, sides, sides, step.conditions)
    plan.moments = read
    return plan


def _unroll_recurrence(plan: StepPlan, table: DefinitionTable, order: int) -> None:
    """Terms of a family defined by one unambiguous recurrence, rewritten down to the lowest index
    the step uses: the full form is then a claim about free terms (`recurrences.py`)."""
    unrolled = unroll(plan.full, table, order)
    if unrolled is not None:
        plan.full = unrolled.sides
        plan.full_uses = list(dict.fromkeys([*plan.full_uses, unrolled.description, *_describe(unrolled.used)]))
        plan.recurrent = []
        plan.unrolled = unrolled.description


def _bind_values(plan: StepPlan, values: Sequence[Value], order: int) -> None:
    """For an `\approx` a decimal number, the full form with the values bound before it put in."""
    if plan.relation != "approx" or plan.abstract or not values or not any(map(decimal_of, plan.full)):
        return
    left, used_left = bind(plan.full[0], values, order)
    right, used_right = bind(plan.full[1], values, order)
    if used_left or used_right:
        plan.bound = (left, right)
        plan.bound_uses = plan.full_uses + [v.describe() for v in used_left + used_right]


def _recurrent(sides: tuple[ast.Expr, ast.Expr], table: DefinitionTable) -> list[str]:
    """Families in the step defined only by a recurrence (`m_t = \\beta m_{t-1} + ...`): a relation
    among their terms cannot be tested by drawing the terms freely. A recurrence anywhere in the
    document counts: it says what kind of thing the family is, not what value it has."""
    families = [(d, d.key.base if isinstance(d.key, ast.Subscript | ast.SuperIndex) and d.kind == "symbol"
                 else d.key) for d in table.recurrences()]
    if not families:
        return []
    # Each node's key once, and only for nodes of a family's kind (a rewrite keeps node kinds):
    # `head_key` rebuilds a subtree, and every node of a long formula is walked.
    kinds = {type(family) for _, family in families}
    present: set[ast.Expr] = set()
    for side in sides:
        for n in side.walk():
            if isinstance(n, ast.Expr) and type(n) in kinds:
                present.add(head_key(n))
            if isinstance(n, ast.Subscript | ast.SuperIndex) and type(n.base) in kinds:
                present.add(head_key(n.base))
    out = [f"{display_name(family)} ({d.label or 'a recurrence'})" for d, family in families if family in present]
    return list(dict.fromkeys(out))


def _only_named(left: ast.Expr, right: ast.Expr) -> str | None:
    """`... = g` where `g` appears nowhere else and nothing defines it names the result; it claims
    nothing a sample could test."""
    for side, other in ((right, left), (left, right)):
        if _is_plain_name(side) and not _mentions(other, side) and _free_names(side):
            return f"{display_name(side)} is only named here, never defined: the step gives a name, it claims nothing"
    return None


def _describe(used: list[Definition]) -> list[str]:
    """`sigma from eq:sigmoid`, once per definition, in the order they were substituted."""
    out = []
    for d in used:
        name = display_name(d.head)
        out.append(f"{name} from {d.label}" if d.label else name)
    return list(dict.fromkeys(out))


def _with_local_definitions(table: DefinitionTable, conditions: tuple[ast.Condition, ...],
                            order: int) -> DefinitionTable:
    """`\\text{where } z = Wx + b` defines `z` for this formula only. A number (`x = 2`) is a value
    at which the step is claimed, not a definition: the check fixes it after differentiating."""
    local: list[Definition] = []
    for condition in conditions:
        body = condition.body
        if not isinstance(body, ast.Statement) or body.relations[:1] not in (("=",), ("def",)):
            continue
        value = body.sides[1]
        if is_number(value) or any(isinstance(n, ast.Dots | ast.Tuple) for n in value.walk()):
            continue
        found = definition_from(body.sides[0], value, order)
        if found is not None:
            local.append(found)
    return _LocalTable(table, local) if local else table


class _LocalTable(DefinitionTable):
    """The document's definitions, behind the ones a formula's own conditions make."""

    def __init__(self, table: DefinitionTable, local: list[Definition]) -> None:
        super().__init__(list(table.definitions))
        self.local = local

    def lookup(self, kind: DefinitionKind, head: ast.Expr, order: int) -> Definition | None:
        key = head_key(head)
        for d in self.local:
            if d.kind == kind and d.key == key:
                return d
        return super().lookup(kind, head, order)


def _abstract_derivatives(side: ast.Expr, table: DefinitionTable, order: int) -> list[tuple[str, str | None, str]]:
    """Derivatives of something that does not involve the variable (`\\partial o / \\partial h` with
    `o` never defined, or defined without `h`): statements about unknown functions. Each as (what
    is differentiated, the label that defines it or None, the variables)."""
    out: list[tuple[str, str | None, str]] = []
    for node in side.walk():
        if isinstance(node, ast.Derivative):
            variables = list(node.variables)
        elif isinstance(node, ast.Gradient) and node.wrt is not None:
            variables = [node.wrt]
        else:
            continue
        found = substitute(node, table, order, everywhere=True)
        expanded = found.expr
        assert isinstance(expanded, ast.Derivative | ast.Gradient)
        body = expanded.body
        if any(_mentions(body, v) for v in variables) or not _free_names(body):
            continue
        original = node.body
        name = display_name(original) if _is_plain_name(original) else ", ".join(_free_names(body))
        definition = found.used[0] if found.used and _is_plain_name(original) else None
        label = (definition.label or "its definition") if definition is not None else None
        out.append((name, label, ", ".join(display_name(v) for v in variables)))
    return out


def abstract_reason(unrelated: list[tuple[str, str | None, str]]) -> str | None:
    """`o, h are never defined; L (eq:xent) does not involve w: an abstract statement...`."""
    if not unrelated:
        return None
    never = list(dict.fromkeys(name for name, label, _ in unrelated if label is None))
    clauses = []
    if never:
        clauses.append(f"{', '.join(never)} {'is' if len(never) == 1 else 'are'} never defined")
    defined: dict[tuple[str, str], list[str]] = {}
    for name, label, variables in unrelated:
        if label is not None:
            defined.setdefault((name, label), []).append(variables)
    for (name, label), wrt in defined.items():
        clauses.append(f"{name} as {label} defines it does not involve {' or '.join(dict.fromkeys(wrt))} "
                       "(it may through something defined only in prose)")
    ending = "an abstract statement no sample can test" if not defined else "no sample can test it from the formulas alone"
    return "; ".join(clauses) + ": " + ending


def _mentions(body: ast.Expr, variable: ast.Expr) -> bool:
    """Whether `body` uses `variable`, or, for an element `w_k`, any element of `w`."""
    key = head_key(variable)
    family = head_key(variable.base) if isinstance(variable, ast.Subscript | ast.SuperIndex) else None
    for node in body.walk():
        if isinstance(node, ast.Symbol | ast.Subscript | ast.SuperIndex) and head_key(node) == key:
            return True
        if family is not None and isinstance(node, ast.Subscript | ast.SuperIndex) and head_key(node.base) == family:
            return True
    return False


def _is_plain_name(node: ast.Expr) -> bool:
    return isinstance(node, ast.Symbol | ast.Subscript | ast.SuperIndex) and is_name(node)


def _free_names(body: ast.Expr) -> list[str]:
    bound = {head_key(b) for b in bound_indices(body)}
    names: list[str] = []
    for symbol in symbols_in(body):
        if symbol.name in CONSTANT_NAMES or head_key(symbol) in bound:
            continue
        names.append(display_name(symbol))
    return list(dict.fromkeys(names))


def _whole_arrays(side: ast.Expr, arrays: frozenset[ast.Expr]) -> set[str]:
    """Declared arrays that `side` uses as a whole, not element by element."""
    if not arrays:
        return set()
    indexed: set[int] = set()
    for node in side.walk():
        if isinstance(node, ast.Subscript | ast.SuperIndex) and node.base is not None:
            indexed.add(id(node.base))
    out: set[str] = set()
    for node in side.walk():
        if isinstance(node, ast.Symbol | ast.Subscript) and id(node) not in indexed and head_key(node) in arrays:
            out.add(display_name(node))
    return out
