"""Identities over whole matrices and vectors, sampled as what they are.

A displayed equality whose every name is a matrix or a vector of known shape (`array_kinds.py`) or a
scalar is evaluated at random points (`array_eval.py`): random matrices of those shapes (distinct sizes
where the document leaves them free, so a transpose cannot hide; diagonal where the document writes or
calls it diagonal; inverses only of matrices drawn invertible), the letters that index a sequence (`t` in
`y_t`) drawn as whole numbers 0 to 5, definitions of matrix-valued names substituted (the nearest earlier
one; the entries of matrices written out drawn freely first, then with their own definitions). It is
verified when the sides agree at every point of a reading, refuted when they differ under every reading, every
random draw appears on both sides, every definition used is in the claim's section and no name is one the
prose gives a property random draws lack (symmetric, orthogonal...); otherwise nothing is said. `A = ...`
(a name or `y_t` on the left) may give the letter a new meaning, so it is only ever verified.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from veritex.math import ast
from veritex.places import formula_place

from ..derivations.precision import equation_doubt
from .array_eval import Draw, Evaluator, Unreadable, infer_products, shape_of
from .array_kinds import ArrayNames, family_of, head_key, is_name, read_names
from .context import CrossContext
from .finding import Finding

POINTS = 6
MAX_QUOTE = 120  # a longer equality (a matrix written out) is quoted by its start
INDEX_VALUES = 6  # an index letter runs through 0..5, so a claim true only at t = 1 is not verified


def run(context: CrossContext) -> list[Finding]:
    reads = [r for r in context.formulas() if r.formula is not None]
    formulas = [(r.math, r.formula, r.order, r.math.label or formula_place(r.math)) for r in reads
                if r.formula is not None]
    if not context.math.shapes.arrays and not any(isinstance(n, ast.Matrix) for _, f, _, _ in formulas
                                                  for s in f.statements for side in s.sides for n in side.walk()):
        return []  # no array declared, no matrix written out: nothing to read
    prose = "\n\n".join(cell.source for cell in context.markdown_cells())
    names = read_names(formulas, prose)
    infer_products(names)
    if not names.kinds:
        return []
    headings = _headings(context)
    findings: list[Finding] = []
    for read in reads:
        if not read.math.display or read.formula is None:
            continue
        if equation_doubt(context.math.lead_ins.get(read.order, "")) is not None:
            continue
        for statement in read.formula.statements:
            if _locally_defined(statement):
                continue
            for k, relation in enumerate(statement.relations):
                if relation != "=":
                    continue
                left, right = statement.sides[k], statement.sides[k + 1]
                if k == 0 and _defines(left, names, read.order) \
                        or _defining_form(left) and isinstance(right, ast.Matrix):
                    continue  # a definition, or a name given a matrix written out (a new example, perhaps)
                line = read.math.position.line if read.math.position is not None else 0
                finding = _check_pair(left, right, names, read.order, read.math.tex,
                                      _section(headings, line))
                if finding is not None:
                    status, message, detail = finding
                    findings.append(Finding(read.math, status, message, "array_identities", left.span[0], detail))
    return findings


def _headings(context: CrossContext) -> list[int]:
    """The lines of the document's headings, in order."""
    out: list[int] = []
    for cell in context.markdown_cells():
        start = cell.position.line if cell.position is not None else 0
        out.extend(start + k for k, text in enumerate(cell.source.splitlines()) if text.startswith("#"))
    return sorted(out)


def _section(headings: list[int], line: int) -> tuple[int, int]:
    """The first and last line (exclusive) of the section holding `line`."""
    k = bisect.bisect_right(headings, line)
    return (headings[k - 1] if k else 0, headings[k] if k < len(headings) else 1 << 30)


def _locally_defined(statement: ast.Statement) -> bool:
    """`..., where X = ...`: a definition for this formula only, which this reading does not apply."""
    return any(isinstance(c.body, ast.Statement) and "=" in c.body.relations for c in statement.conditions)


def _defines(target: ast.Expr, names: ArrayNames, order: int) -> bool:
    """`H = ...` is a definition where nothing earlier defined `H` (nor, for `y_t`, the family `y`)."""
    if not is_name(target):
        return False
    family = family_of(target)
    keys = [head_key(target)] + ([family[0]] if family is not None else [])
    return not any(d.order < order for key in keys for d in names.definitions.get(key, []))


def _uses_arrays(side: ast.Expr, names: ArrayNames) -> bool:
    """A matrix or vector in it (`x^\\top A x` is a number made of arrays); and every part's shape known."""
    if shape_of(side, names) is None:
        return False
    return any(isinstance(n, ast.Matrix) or isinstance(n, ast.Symbol | ast.Subscript) and names.kind(n) is not None
               for n in side.walk() if isinstance(n, ast.Expr))


def _defining_form(node: ast.Expr) -> bool:
    """`A`, `y_t`, `y_0`: the forms a definition gives a name (not `y_{t+1}`, a law of motion)."""
    family = family_of(node)
    return isinstance(node, ast.Symbol) or family is not None and not isinstance(family[1], ast.BinOp)


def _introduced(expr: ast.Expr, names: ArrayNames, order: int) -> bool:
    """A name first written in this formula and defined nowhere before it is being introduced here."""
    for node in expr.walk():
        if isinstance(node, ast.Symbol | ast.Subscript) and is_name(node):
            family = family_of(node)
            key = family[0] if family is not None else head_key(node)
            earlier = names.definitions.get(key, []) + names.definitions.get(head_key(node), [])
            if names.first_use.get(key, order) >= order and not any(d.order < order for d in earlier) \
                    and (names.kind(node) is not None or head_key(node) in names.scalars):
                return True
    return False


Verdict = tuple[Any, str, dict[str, Any]]


def _check_pair(left: ast.Expr, right: ast.Expr, names: ArrayNames, order: int, tex: str,
                section: tuple[int, int] = (0, 1 << 30)) -> Verdict | None:
    """The verdict on `left = right`; refuted only with definitions from its own section (`section`: the
    first and last line), since another section may give the same letters another model."""
    if not _uses_arrays(left, names) and not _uses_arrays(right, names) or _introduced(left, names, order) \
            or _introduced(right, names, order):
        return None
    import numpy as np  # only for a claim about arrays: a prose edit elsewhere never pays for it
    text = tex[left.span[0]:right.span[1]]
    if re.search(r"\^\s*\{?\s*T\b", text) and ast.Symbol("T") in names.first_use:
        return None  # `^T` where the document also uses the letter T (a horizon): a transpose or a power
    indices = sorted({head_key(n) for side in (left, right) for n in side.walk()
                      if isinstance(n, ast.Symbol) and head_key(n) in names.indices}, key=str)
    # First with the entries of matrices written out drawn freely (the claim for every value of them),
    # then with their definitions put in: refuted only when both readings fail.
    outcome = _sample(left, right, names, order, {}, indices, free_entries=True)
    if outcome is None:
        return None
    failures, evaluator, one_sided = outcome
    if failures and not _defining_form(left):  # `A = ...` is never refuted: only a holding reading matters
        substituted = _sample(left, right, names, order, {}, indices)
        if substituted is None:
            return None
        if not substituted[0]:
            failures, evaluator, one_sided = substituted
    claim = " ".join(tex[left.span[0]:right.span[1]].split()) or "the formula"
    if len(claim) > MAX_QUOTE:
        claim = f"the equality written here ({claim[:MAX_QUOTE // 2].rstrip()} …)"
    uses = ", ".join(evaluator.used)
    sizes = _sizes(evaluator)
    if not failures:
        message = f"{claim} holds {_how(evaluator, sizes, indices)}" + (f", with {uses}." if uses else ".")
        detail: dict[str, Any] = {"values": {"sizes": sizes}}
        if uses:
            detail["against"] = uses
        return "verified", message, detail
    if any(not section[0] <= line < section[1] for line in evaluator.lines):
        return None
    if one_sided or evaluator.uncertain or evaluator.seen & names.constrained or _defining_form(left):
        return None  # `A = ...` may give the letter a new meaning: only a law like `y_{t+1} = ...` is refuted  # a name drawn on one side only may stand for what the prose defines
    for key in sorted(evaluator.several, key=str):
        for free in (True, False):
            alternative = _sample(left, right, names, order, {key: 1}, indices, free_entries=free)
            if alternative is None or not alternative[0]:
                return None  # another reading of a definition makes it hold: not certain
    point, lhs, rhs = max(failures, key=lambda f: sum(f[0].values()))  # t = 3 shows more than t = 0
    at = ", ".join(f"{k} = {v}" for k, v in point.items())
    if np.shape(lhs) != np.shape(rhs):
        message = (f"{claim} cannot hold: with {sizes} the left side is {_shape_words(lhs)} and the right side "
                   f"{_shape_words(rhs)}" + (f" (with {uses})" if uses else "") + ".")
        values: dict[str, Any] = {"sizes": sizes, "left": _shape_words(lhs), "right": _shape_words(rhs)}
    else:
        difference = float(np.linalg.norm(np.atleast_1d(np.asarray(lhs) - np.asarray(rhs))))
        message = (f"{claim} fails{' at ' + at if at else ''} for {sizes} drawn at random: "
                   f"the sides differ by {difference:.3g} in norm (left {_norm(lhs):.3g}, right {_norm(rhs):.3g})"
                   + (f", with {uses}." if uses else "."))
        values = {"sizes": sizes, **point, "norm of the difference": round(difference, 6),
                  "norm of the left side": round(_norm(lhs), 6), "norm of the right side": round(_norm(rhs), 6)}
    detail = {"values": values}
    if uses:
        detail["against"] = uses
    return "refuted", message, detail


def _sample(left: ast.Expr, right: ast.Expr, names: ArrayNames, order: int, choice: dict[ast.Expr, int],
            indices: list[ast.Expr], free_entries: bool = False
            ) -> tuple[list[tuple[dict[str, int], Any, Any]], Evaluator, bool] | None:
    """The points where the sides differ (each with the index values and both sides), the evaluator of
    the first point (what it substituted), and whether some random draw appeared on one side only."""
    import numpy as np

    failures: list[tuple[dict[str, int], Any, Any]] = []
    first: Evaluator | None = None
    one_sided = False
    for p in range(POINTS):
        values = {key: (p + 2 * k) % INDEX_VALUES for k, key in enumerate(indices)}
        draw = Draw({}, values, np.random.default_rng(1000 + p))
        evaluator = Evaluator(names, draw, order, dict(choice), free_entries=free_entries)
        try:
            with np.errstate(all="ignore"):
                lhs = evaluator.value(left)
                drawn_left = set(evaluator.drawn)
                evaluator.drawn = set()
                rhs = evaluator.value(right)
        except (Unreadable, np.linalg.LinAlgError, OverflowError, ZeroDivisionError, ValueError):
            return None
        one_sided = one_sided or drawn_left != evaluator.drawn
        evaluator.drawn |= drawn_left
        if first is None:
            first = evaluator
        first.uncertain = first.uncertain or evaluator.uncertain
        first.several |= evaluator.several
        first.seen |= evaluator.seen
        first.lines |= evaluator.lines
        first.shapes |= evaluator.shapes
        for use, place in evaluator.used.items():
            first.used.setdefault(use, place)
        if not np.all(np.isfinite(lhs)) or not np.all(np.isfinite(rhs)):
            return None
        if np.shape(lhs) != np.shape(rhs) or not np.allclose(lhs, rhs, rtol=1e-7, atol=1e-9):
            failures.append(({_index_name(k): v for k, v in values.items()}, lhs, rhs))
    assert first is not None
    return failures, first, one_sided


def _how(evaluator: Evaluator, sizes: str, indices: list[ast.Expr]) -> str:
    """How it was shown: with random matrices, with random entries, or exactly (nothing drawn)."""
    at = f", {_index_words(indices)} from 0 to {INDEX_VALUES - 1}" if indices else ""
    if evaluator.draw.values:
        return f"for {sizes} drawn at random ({POINTS} points{at})"
    return "exactly: both sides evaluate to the same numbers"


def _index_name(key: ast.Expr) -> str:
    return key.name.lstrip("\\") if isinstance(key, ast.Symbol) else str(key)


def _index_words(indices: list[ast.Expr]) -> str:
    return " and ".join(_index_name(k) for k in indices)


def _sizes(evaluator: Evaluator) -> str:
    """`2×2 matrices and 2-vectors`, and the sizes given to the document's size letters (`k = 2`)."""
    matrices = sorted(f"{r}×{c}" for r, c in evaluator.shapes if c != 1)
    vectors = sorted(f"{r}-vectors" for r, c in evaluator.shapes if c == 1)
    words = " and ".join(x for x in (" and ".join(matrices) + (" matrices" if matrices else ""),
                                     " and ".join(vectors)) if x)
    named = ", ".join(f"{k} = {v}" for k, v in evaluator.draw.sizes.items())
    return ", ".join(x for x in (words, named) if x) or "values of its letters"


def _shape_words(value: Any) -> str:
    shape = getattr(value, "shape", ())
    if not shape:
        return "a scalar"
    rows, cols = shape
    return f"{rows}-vectors" if cols == 1 else f"{rows}×{cols}"


def _norm(value: Any) -> float:
    import numpy as np

    return float(np.linalg.norm(np.atleast_1d(np.asarray(value, dtype=float))))

