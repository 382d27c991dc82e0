"""Stated values held against what the code beside them prints, once the document has run.

Two kinds of statement are linked to a number an executed cell shows (`printed`):

- a formula that names a quantity and states its value, `\\bar{x} \\approx 4.87` or
  `\\mu = \\frac{1-\\theta}{\\theta} = 9`, beside (in the markdown just before or just after) a cell that
  prints `x_bar = 4.8712` (or `x_bar: ...`, or the value of `x_bar` as its last expression): the names must
  agree as `veritex.code_checks.names` matches them;
- a sentence that states a distribution's mean, variance or standard deviation, "the variance is
  $(1-\\theta)/\\theta$", just before a cell whose last expression is `u.var()` of a `scipy.stats` object
  the cell makes; a formula with names is evaluated at the number literals the code assigns them.

A stated decimal claims the digits shown, to one unit in the last one, as `derivations.stated_value` reads
`\\approx`. A two-sided `name = number` binds a value ("with $\\theta = 0.1$"): it states no result. Anything
unsure says nothing: two numbers for one name, a name the code does not show, a formula that does not
evaluate to one number.

This check needs the outputs of a run: the stage `stages.printed_values` runs it after they are applied,
never in a build without execution.
"""

from __future__ import annotations

import ast as pyast
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from veritex.code_checks.names import python_key
from veritex.code_checks.symbols import symbol_name
from veritex.derivations.astutil import replace_nodes
from veritex.derivations.values import decimal_of
from veritex.math import ast
from veritex.model import CodeCell, Document, MarkdownCell, Math

from .context import CrossContext
from .finding import Finding
from .printed import STATISTICS, Printed, shown, statistic_named_before

CHECK = "printed_values"
@dataclass(frozen=True)
class Stated:
    math: Math
    index: int  # the markdown cell's place among the document's cells
    expr: ast.Expr  # the stated value: a number, or an expression of bound names
    text: str  # what is stated, as written
    keys: frozenset[str]  # the printed keys it links to
    neighbours: tuple[int, ...]  # the cells whose output may state it


def run(context: CrossContext, printed: Sequence[Printed] | None = None) -> list[Finding]:
    printed = shown(context.doc) if printed is None else printed
    if not printed:
        return []
    findings = []
    unseeded = _unseeded(context.doc)
    statements = list(_statements(context))
    for stated in statements:
        rivals = [s for s in statements if s.index == stated.index and s.keys & stated.keys and s.text != stated.text]
        if rivals:
            continue  # two values stated for one name near the same code: which one the code shows is unsure
        matches = [p for p in printed if p.index in stated.neighbours and p.key in stated.keys
                   and not unseeded[p.index]]
        if len({p.value for p in matches}) != 1:
            continue
        finding = _compare(stated, matches[0], context.doc)
        if finding is not None:
            findings.append(finding)
    return findings


_RANDOM = re.compile(r"\brandom\b|\brand[a-z]*\(|\.rvs\(|\bdefault_rng\(|\.sample\(|\bshuffle\(")
_SEED = re.compile(r"seed|default_rng\(\s*\d|RandomState\(\s*\d|random_state\s*=\s*\d")


def _unseeded(doc: Document) -> list[bool]:
    """For each cell, whether what it prints may come from random numbers no seed fixes: another run
    prints other digits, so the stated ones are not held against them."""
    seeded = doc.meta.seed is not None
    random = False
    out = []
    for cell in doc.cells:
        if isinstance(cell, CodeCell):
            seeded = seeded or bool(_SEED.search(cell.source))
            random = random or bool(_RANDOM.search(cell.source))
        out.append(random and not seeded)
    return out


def _statements(context: CrossContext) -> Iterator[Stated]:
    reads = {id(read.math): read for read in context.formulas()}
    cells = context.doc.cells
    for index, cell in enumerate(cells):
        if not isinstance(cell, MarkdownCell):
            continue
        around = tuple(k for k in (index - 1, index + 1) if 0 <= k < len(cells) and isinstance(cells[k], CodeCell))
        after = tuple(k for k in around if k == index + 1)
        for formula_math in cell.math:
            read = reads.get(id(formula_math))
            if read is None or read.formula is None:
                continue
            if around:
                yield from _named_results(formula_math, read.formula, index, around)
            if after and not formula_math.display:
                stated = _sentence_result(cell, formula_math, read.formula, index, after)
                if stated is not None:
                    yield stated


def _named_results(formula_math: Math, formula: ast.Formula, index: int, around: tuple[int, ...]) -> Iterator[Stated]:
    """`name ≈ number`, `name = expression = number`: a quantity's value stated by name."""
    for statement in formula.statements:
        sides, relations = statement.sides, statement.relations
        if len(sides) < 2 or any(r not in ("=", "approx") for r in relations):
            continue
        if len(sides) == 2 and relations[0] == "=":
            continue  # a binding (`with $\theta = 0.1$`), not a result
        number = sides[-1]
        if _number_text(number) is None:
            continue
        try:
            name = symbol_name(sides[0])
        except (TypeError, ValueError):
            name = None
        if name is None:
            continue
        yield Stated(formula_math, index, number, _number_text(number) or "", frozenset(name.keys()), around)


def _sentence_result(cell: MarkdownCell, formula_math: Math, formula: ast.Formula, index: int,
                     after: tuple[int, ...]) -> Stated | None:
    """"the variance is $(1-\\theta)/\\theta$": a distribution's statistic stated in prose."""
    statistic = statistic_named_before(cell, formula_math)
    if statistic is None or len(formula.statements) != 1 or formula.statements[0].relations:
        return None
    return Stated(formula_math, index, formula.statements[0].sides[0], formula_math.tex.strip(),
                  frozenset({f"stat:{statistic}"}), after)


def _number_text(node: ast.Expr) -> str | None:
    decimal = decimal_of(node)
    if decimal is not None:
        return decimal[0]
    inner = node.operand if isinstance(node, ast.Neg) else node
    if isinstance(inner, ast.Number) and inner.value.isdigit():
        return ("-" if inner is not node else "") + inner.value
    return None


def _compare(stated: Stated, printed: Printed, doc: Document) -> Finding | None:
    number = _number_text(stated.expr)
    bound: dict[str, float] = {}
    statistic = printed.key.startswith("stat:")
    what = f"the {STATISTICS[printed.key[5:]]} stated" if statistic else "the formula states"
    if number is not None:
        value = float(number)
        decimal = decimal_of(stated.expr)
        places = decimal[1] if decimal is not None else 0
        # `\approx 1000` may be rounded to its first digit: a whole number claims none of its trailing zeros
        zeros = 0 if decimal is not None or value == 0 else len(number) - len(number.rstrip("0"))
        tolerance = 10.0 ** (zeros - places) * (1 + 1e-9) + 0.5 * printed.unit
        claim = f"{what}{',' if statistic else ''} {number}"
        how = f" (to the {places} decimal place{'s' if places != 1 else ''} shown)" if places else ""
    else:
        evaluated = _evaluate(stated.expr, doc, printed)
        if evaluated is None:
            return None
        value, bound = evaluated
        tolerance = max(0.5 * printed.unit, 1e-6 * abs(value))
        at = ", ".join(f"{k} = {v:g}" for k, v in bound.items())
        claim = f"{what}, {stated.text}, is {_number(value)} at {at}"
        how = ""
    if not math.isfinite(value):
        return None
    shown_text = printed.text if len(printed.text) <= 12 else _number(printed.value, 10)
    shows = f"{printed.where()} prints {printed.label} = {shown_text}"
    detail: dict[str, object] = {"against": f"{printed.where()}, which prints {printed.label} = {printed.text}",
                                 "values": {printed.label: printed.value, **bound}}
    if abs(value - printed.value) <= tolerance:
        return Finding(stated.math, "verified", f"{shows}, as {claim}{how}", CHECK, detail=detail)
    detail["fix"] = f"{shown_text}, the value the code prints (or a correction of the code)"
    return Finding(stated.math, "refuted", f"{shows}, but {claim}", CHECK, detail=detail)


def _evaluate(expr: ast.Expr, doc: Document, printed: Printed) -> tuple[float, dict[str, float]] | None:
    """The expression's value at the number literals the code assigns the names its printed statistic is
    made from (`θ = 0.1` for `u = scipy.stats.geom(θ)`), up to the cell that prints it."""
    literals = {k: v for k, v in _code_literals(doc, printed.index).items() if k in printed.inputs}
    mapping: dict[ast.Node, ast.Expr] = {}
    bound: dict[str, float] = {}
    for node in expr.walk():
        if not isinstance(node, ast.Expr):
            continue
        try:
            name = symbol_name(node)
        except (TypeError, ValueError):
            continue
        if name is None:
            continue
        spellings = name.keys()  # every Python spelling of the symbol
        hits = {literals[k] for k in spellings if k in literals}
        if len(hits) == 1:
            (number,) = hits
            mapping[node] = ast.Number(repr(abs(number))) if number >= 0 else ast.Neg(ast.Number(repr(-number)))
            bound[str(name)] = number
    if not mapping:
        return None
    return _closed(replace_nodes(expr, mapping), bound)


def _closed(expr: ast.Expr, bound: dict[str, float]) -> tuple[float, dict[str, float]] | None:
    from veritex.derivations.stated_value import closed_value  # SymPy, only once a link is found
    from veritex.derivations.translate import translate_pair
    from veritex.math.errors import Uninterpretable

    try:
        lhs, _ = translate_pair(expr, ast.Number("0"))
    except (Uninterpretable, TypeError, ValueError):
        return None
    value = closed_value(lhs)
    return None if value is None else (value, bound)


def _code_literals(doc: Document, upto: int) -> dict[str, float]:
    """`theta = 0.1` (or `θ = 0.1`) in the cells up to `upto`, by name key; a name assigned twice with
    different numbers is left out."""
    seen: dict[str, set[float]] = {}
    for cell in doc.cells[:upto + 1]:
        if not isinstance(cell, CodeCell) or cell.language != "python":
            continue
        try:
            tree = pyast.parse(cell.source)
        except (SyntaxError, ValueError):
            continue
        for node in pyast.walk(tree):
            if isinstance(node, pyast.Assign | pyast.AugAssign | pyast.AnnAssign):
                targets = node.targets if isinstance(node, pyast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, pyast.Name):
                        value = _literal(node.value) if isinstance(node, pyast.Assign) else None
                        seen.setdefault(python_key(target.id), set()).add(value if value is not None else math.nan)
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1 and not math.isnan(next(iter(v)))}


def _literal(node: pyast.expr | None) -> float | None:
    negative = isinstance(node, pyast.UnaryOp) and isinstance(node.op, pyast.USub)
    inner = node.operand if isinstance(node, pyast.UnaryOp) and negative else node
    if isinstance(inner, pyast.Constant) and isinstance(inner.value, int | float) and not isinstance(inner.value, bool):
        return -float(inner.value) if negative else float(inner.value)
    return None


def _number(value: float, digits: int = 6) -> str:
    return f"{value:.{digits}g}"
