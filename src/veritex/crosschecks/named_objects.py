"""Numbers and matrices the prose names as probabilities: a matrix the lead-in calls a covariance matrix is
symmetric positive semi-definite; a number the prose calls a probability lies in [0, 1]; a vector of numbers
called a probability mass function (or distribution, or probability vector) is non-negative and sums to 1.

Only numeric objects are judged (every entry a number), so the reading is certain; symbols say nothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from veritex.math import MathSyntaxError, ast, parse

from .context import CrossContext
from .finding import Finding

if TYPE_CHECKING:
    from veritex.model import Math

    from .sentences import Stream

CHECK = "named_objects"
_KEYWORDS = re.compile(r"covariance|probabilit", re.IGNORECASE)
# The sentence leading into a display ends on the name: "with covariance matrix", "the covariance is:".
_COVARIANCE = re.compile(r"\bcovariance(?: matrix)?(?:\s+(?:is|is given by|given by|equal to|of))?\s*[:,]?\s*$",
                         re.IGNORECASE)
# The words right before an inline number: "with probability", "the probability that it rains is".
_PROBABILITY = re.compile(r"\b(?:with|has|have|a|the)\s+probability(?:\s+(?:that|of)\s+[^$.;]{1,60}?\s+is"
                          r"|\s+is|\s+of|\s+equal to)?\s*$", re.IGNORECASE)
_NOT_PROBABILITY = re.compile(r"\b(?:log|density|ratio|odds|logit|percent|score)\b[^$]*$", re.IGNORECASE)
# The words right after a vector: "$p = (0.2, 0.8)$ is a probability mass function".
_DISTRIBUTION_AFTER = re.compile(r"^\s*(?:is|defines)\s+a\s+(?:probability mass function|probability distribution|"
                                 r"probability vector|pmf|discrete distribution)\b", re.IGNORECASE)


def run(context: CrossContext) -> list[Finding]:
    if not any(_KEYWORDS.search(cell.source) for cell in context.markdown_cells()):
        return []
    from .sentences import stream_of

    stream = stream_of(context.doc)
    macros = context.doc.meta.macros
    out: list[Finding] = []
    for k, math in enumerate(stream.maths):
        finding = _covariance(stream, k, macros) if math.display else _probability(stream, k, macros)
        if finding is None:
            finding = _distribution(stream, k, macros)
        if finding is not None:
            out.append(finding)
    return out


def _formula(math: Math, macros: dict[str, str]) -> ast.Formula | None:
    try:
        return parse(math.tex, macros=macros)
    except MathSyntaxError:
        return None


def _numbers(items: list[ast.Expr]) -> list[float] | None:
    """Each item as a number, or None when any is not a closed numeric expression."""
    from veritex.math import Uninterpretable

    from .symbolic import translate

    out = []
    for item in items:
        if any(isinstance(n, ast.Symbol) and n.name not in ("\\pi", "e") for n in item.walk()):
            return None
        try:
            value = translate(item)
        except (Uninterpretable, ValueError, TypeError):
            return None
        if value.free_symbols or not value.is_real:
            return None
        out.append(float(value))
    return out


def _covariance(stream: Stream, k: int, macros: dict[str, str]) -> Finding | None:
    math = stream.maths[k]
    sentence, _ = stream.sentence_before(k)
    if _COVARIANCE.search(sentence) is None or re.search(r"\b(?:inverse|precision|not)\b", sentence, re.I):
        return None
    formula = _formula(math, macros)
    if formula is None or len(formula.statements) != 1:
        return None
    matrix = formula.statements[0].sides[-1]
    if not isinstance(matrix, ast.Matrix) or len(matrix.rows) < 2:
        return None
    rows = [_numbers(list(row)) for row in matrix.rows]
    if any(r is None or len(r) != len(matrix.rows) for r in rows):
        return None
    return _judge_covariance(math, [r for r in rows if r is not None])


def _judge_covariance(math: Math, rows: list[list[float]]) -> Finding:
    import numpy as np

    a = np.array(rows)
    n = len(rows)
    for i in range(n):
        for j in range(i + 1, n):
            if abs(a[i, j] - a[j, i]) > 1e-12 * max(1.0, abs(a[i, j])):
                return Finding(math, "refuted", f"This matrix is called a covariance matrix but is not symmetric: "
                               f"entry ({i + 1}, {j + 1}) is {a[i, j]:.6g} and entry ({j + 1}, {i + 1}) is "
                               f"{a[j, i]:.6g}.", CHECK, detail={"fix": "a covariance satisfies Cov(X_i, X_j) = "
                                                                         "Cov(X_j, X_i)"})
    values, vectors = np.linalg.eigh(a)
    lowest = float(values[0])
    if lowest < -1e-9 * max(1.0, float(np.abs(values).max())):
        direction = ", ".join(f"{v:.3g}" for v in vectors[:, 0])
        return Finding(math, "refuted", f"This matrix is called a covariance matrix but is not positive "
                       f"semi-definite: its eigenvalue {lowest:.6g} is negative, so the variance of u^T X would be "
                       f"{lowest:.6g} for u = ({direction}).", CHECK,
                       detail={"values": [f"{v:.6g}" for v in values]})
    return Finding(math, "verified", f"This matrix, called a covariance matrix, is symmetric positive "
                   f"semi-definite (eigenvalues {', '.join(f'{v:.4g}' for v in values)}).", CHECK,
                   detail={"values": [f"{v:.6g}" for v in values]})


def _probability(stream: Stream, k: int, macros: dict[str, str]) -> Finding | None:
    before = stream.texts[k]
    if _PROBABILITY.search(before) is None or _NOT_PROBABILITY.search(before[-80:]):
        return None
    math = stream.maths[k]
    formula = _formula(math, macros)
    if formula is None or len(formula.statements) != 1 or formula.statements[0].relations:
        return None
    side = formula.statements[0].sides[0]
    if isinstance(side, ast.Percent):
        return None
    values = _numbers([side])
    if values is None:
        return None
    value = values[0]
    if -1e-12 <= value <= 1 + 1e-12:
        return None  # a number in [0, 1] called a probability: nothing worth a verdict
    return Finding(math, "refuted", f"This is called a probability but equals {value:.6g}, outside [0, 1].",
                   CHECK, detail={"values": [f"{value:.6g}"]})


def _distribution(stream: Stream, k: int, macros: dict[str, str]) -> Finding | None:
    if _DISTRIBUTION_AFTER.search(stream.after[k]) is None:
        return None
    math = stream.maths[k]
    formula = _formula(math, macros)
    if formula is None or len(formula.statements) != 1:
        return None
    vector = formula.statements[0].sides[-1]
    items: list[ast.Expr]
    if isinstance(vector, ast.Tuple):
        items = list(vector.items)
    elif isinstance(vector, ast.Matrix) and (len(vector.rows) == 1 or all(len(r) == 1 for r in vector.rows)):
        items = [e for row in vector.rows for e in row]
    else:
        return None
    values = _numbers(items)
    if values is None or len(values) < 2:
        return None
    total = sum(values)
    shown = ", ".join(f"{v:.6g}" for v in values)
    if any(v < 0 for v in values):
        negative = next(v for v in values if v < 0)
        return Finding(math, "refuted", f"This vector is called a probability distribution but has the negative "
                       f"entry {negative:.6g}.", CHECK, detail={"values": shown})
    if abs(total - 1) > 1e-9:
        return Finding(math, "refuted", f"This vector is called a probability distribution but its entries sum "
                       f"to {total:.6g}, not 1.", CHECK, detail={"values": shown})
    return Finding(math, "verified", "This vector, called a probability distribution, is non-negative and sums "
                   "to 1.", CHECK, detail={"values": shown})
