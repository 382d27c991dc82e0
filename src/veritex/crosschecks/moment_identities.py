"""Statements about expectations, variances, covariances and correlations written in running prose.

The identity stage checks displayed formulas; textbooks list the properties of moments inline ("For any
random variables $X, Y$ and numbers $a$ and $b$, $\\mathrm{Cov}(aX+b, Y) = a\\mathrm{Cov}(X, Y)$"). Each inline
equality whose every part the moment reading understands (`veritex.derivations.moments`) is decided on
random finite distributions (`veritex.derivations.moment_check`), every step of its chain: verified when all
hold, refuted when one fails and the sentence states it for any random variables with no condition left
unread. Anything else says nothing.
"""

from __future__ import annotations

import re

from veritex.derivations.moment_check import MomentOutcome, decide, describe_counterexample, likely_fix
from veritex.derivations.moments import MomentStep, mentions_moments, read_pair
from veritex.model import MarkdownCell, Math

from .context import CrossContext
from .finding import Finding

CHECK = "moment_identities"
_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[A-Z*$])|\n\s*\n|\n\s*(?:[*+-]|\d+\.)\s")


def run(context: CrossContext) -> list[Finding]:
    words = context.math.moments
    if not words:
        return []
    cells = _cells(context)
    findings: list[Finding] = []
    for read in context.formulas(display=False):
        formula = read.formula
        assert formula is not None
        if len(formula.statements) != 1 or not mentions_moments(formula):
            continue
        statement = formula.statements[0]
        if len(statement.sides) < 2 or any(r != "=" for r in statement.relations) or statement.conditions:
            continue
        cell = cells.get(id(read.math))
        sentence = _sentence(cell, read.math) if cell is not None else ""
        steps = [read_pair(a, b, read.math.tex, words, sentence, context.math.table, read.order)
                 for a, b in zip(statement.sides, statement.sides[1:], strict=False)]
        if any(s is None for s in steps):
            continue
        finding = _judge(read.math, [s for s in steps if s is not None], read.order)
        if finding is not None:
            findings.append(finding)
    return findings


def _judge(math: Math, steps: list[MomentStep], seed: int) -> Finding | None:
    outcomes = [decide(step, seed) for step in steps]
    for step, outcome in zip(steps, outcomes, strict=True):
        if outcome.status == "refuted":
            return _refuted(math, step, outcome)
    if all(o.status == "verified" for o in outcomes):
        variables = ", ".join(dict.fromkeys(n for s in steps for n in s.random))
        independent = " independent" if any(s.independent for s in steps) else ""
        points = min(o.points for o in outcomes)
        return Finding(math, "verified", f"holds on {points} random{independent} distributions of {variables}"
                       f"{' (every step)' if len(steps) > 1 else ''}", CHECK,
                       detail={"reading": "expectations, variances, covariances and correlations of random "
                                          "variables on a finite sample space",
                               "uses": [u for s in steps for u in s.uses]})
    return None


def _refuted(math: Math, step: MomentStep, outcome: MomentOutcome) -> Finding:
    assert outcome.lhs is not None and outcome.rhs is not None
    left, right = step.shown
    evidence = describe_counterexample(step, outcome)
    message = (f"{left} = {right} fails for {evidence}: the left side is {outcome.lhs:.6g} and the right side "
               f"{outcome.rhs:.6g}")
    detail: dict[str, object] = {"values": {**outcome.constants, **outcome.summary,
                                            "left side": outcome.lhs, "right side": outcome.rhs}}
    if outcome.distribution is not None:
        detail["distribution"] = outcome.distribution.describe()
    fix = likely_fix(outcome)
    if fix:
        detail["fix"] = fix
    offset = math.tex.find(left) if left else -1
    return Finding(math, "refuted", message, CHECK, offset=offset if offset > 0 else None, detail=detail)


def _cells(context: CrossContext) -> dict[int, MarkdownCell]:
    """The cell of each inline formula, by the formula's identity."""
    return {id(math): cell for cell in context.markdown_cells() for math in cell.math if not math.display}


def _sentence(cell: MarkdownCell, math: Math) -> str:
    pos, start = math.position, cell.position
    if pos is None or start is None:
        return ""
    lines = cell.source.splitlines(keepends=True)
    row = pos.line - start.line
    if not 0 <= row < len(lines):
        return ""
    offset = sum(len(line) for line in lines[:row]) + max(0, pos.column - 1 - (start.column - 1 if row == 0 else 0))
    text = cell.source
    before = [m.end() for m in _BOUNDARY.finditer(text, 0, offset)]
    after = _BOUNDARY.search(text, offset)
    sentence = text[before[-1] if before else 0:after.start() if after else len(text)]
    return sentence.replace(f"${math.tex}$", "(the claim)", 1)  # the other formulas are its conditions
