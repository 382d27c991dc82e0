"""How one formula was read and why it ended as it did: `veritex check DOC --explain LABEL|LINE`.

    from veritex.explain import explain
    print(explain("notes.md", "eq:mse").render())

The explanation gives the statement kind, the parse in plain words, where each name's definition came
from, the domain and a few of the points sampled, and every verdict on the formula (the identity check,
and `vt.check` verdicts when the document runs), each with its reason code and sentence.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .evidence import detail_lines
from .model import Item, Math

if TYPE_CHECKING:
    from .derivations.plan import FormulaPlan, StepPlan
    from .derivations.reading import DocumentMath, ReadFormula

POINTS_SHOWN = 3
BODY_SHOWN = 100  # characters of a definition's body in words
_INEQUALITIES = frozenset({"le", "lt", "ge", "gt", "ne", "propto", "sim", "in", "notin"})
_STEP_KINDS = {"equation-to-solve": "equation to solve", "not-an-identity": "model equation (its sides share "
               "no variable)", "approximation": "approximation"}


class TargetNotFound(LookupError):
    """No displayed formula has the label, or sits at the line, that `--explain` named."""


@dataclass
class StepReading:
    name: str
    kind: str
    domain: list[str] = field(default_factory=list)
    points: list[str] = field(default_factory=list)


@dataclass
class Explanation:
    """Everything `render` prints; each field is already in words."""

    where: str
    tex: str
    kind: str
    words: str  # one line per statement of the formula
    sources: list[str] = field(default_factory=list)
    steps: list[StepReading] = field(default_factory=list)
    verdicts: list[Item] = field(default_factory=list)

    def render(self) -> str:
        out = [f"formula {self.where}", f"  TeX:    {' '.join(self.tex.split())}", f"  kind:   {self.kind}",
               *(f"  {'reads:' if k == 0 else '':7} {line}" for k, line in enumerate(self.words.split("\n")))]
        out.append("  names:" if self.sources else "  names:  none defined elsewhere; every name is free")
        out += [f"    {line}" for line in self.sources]
        for step in self.steps:
            out.append(f"  step {step.name}: {step.kind}")
            if step.domain:
                out.append(f"    domain: {'; '.join(step.domain)}")
            out += [f"    sampled at {point}" for point in step.points]
        if not self.verdicts:
            out.append("  verdict: none (the formula claims nothing to check)")
        for item in self.verdicts:
            code = _codes(item)
            out.append(f"  verdict: {item.status} ({item.kind}{', ' + code if code else ''}): {item.message}")
            for key, lines in detail_lines(item.detail):
                if key in ("seconds", "cached"):
                    continue
                out += [f"    {key}: {lines[0]}"] if len(lines) == 1 else [f"    {key}:", *(f"      {x}" for x in lines)]
        return "\n".join(out)


def _codes(item: Item) -> str:
    codes = [item.detail.get("code")] + [s.get("code") for s in item.detail.get("steps", []) if isinstance(s, dict)]
    return ", ".join(dict.fromkeys(str(c) for c in codes if c))


def explain(path: Path | str, target: str, *, execute: bool = False, cache_dir: Path | None = None) -> Explanation:
    """Explain the displayed formula of `path` with label `target`, or at line `target`."""
    from .builder import build
    from .derivations.reading import read_document_math
    from .readers import read

    doc = read(Path(path))
    math = _find(list(doc.all_math()), target)
    document = read_document_math(doc)
    found = next(r for r in document.formulas if r.math is math)
    with tempfile.TemporaryDirectory(prefix="veritex-explain-") as scratch:
        report = build([Path(path)], Path(scratch), execute=execute, write=False,
                       cache_dir=cache_dir or Path(scratch) / "cache")
    items = [i for d in report.documents for i in d.items if _about(i, math)]
    pos = math.position
    where = f"{math.label} at line {pos.line}" if math.label and pos else (f"at line {pos.line}" if pos else "")
    return _reading(found, document, where, items)


def _find(formulas: list[Math], target: str) -> Math:
    """The displayed formula with the label or covering the line; else the first inline one on the line
    (a cross-check may give an inline claim its verdict)."""
    displayed = [m for m in formulas if m.display]
    for math in displayed:
        if math.label == target:
            return math
    if target.isdigit():
        line = int(target)
        for math in (*displayed, *(m for m in formulas if not m.display)):
            if _covers(math, line):
                return math
    raise TargetNotFound(f"no formula has the label or covers the line {target!r}")


def _covers(math: Math, line: int) -> bool:
    pos = math.position
    return pos is not None and pos.line <= line <= pos.line + math.tex.count("\n") + (1 if math.display else 0)


def _about(item: Item, math: Math) -> bool:
    if item.kind == "identity":
        return item.position is not None and item.position == math.position
    if item.kind == "consistency":  # placed inside the formula, at what it points to
        pos, start = item.position, math.position
        return pos is not None and start is not None and pos.cell == start.cell and _covers(math, pos.line) and (
            pos.line > start.line or pos.column >= start.column) and (
            math.display or pos.column <= start.column + len(math.tex))
    return math.label is not None and item.label == math.label


def _reading(read: ReadFormula, document: DocumentMath, where: str, items: list[Item]) -> Explanation:
    from .math.plain_words import words

    explanation = Explanation(where, read.math.tex, "", "", verdicts=items)
    if read.formula is None:
        error = read.error
        explanation.kind = "a formula outside veritex's math subset"
        explanation.words = f"not read: {error.message}" if error is not None else "not read"
        return explanation
    explanation.words = "\n".join(words(s) for s in (*read.formula.statements, *read.formula.shapes))
    explanation.sources = _sources(read, document)
    plan = document.plan(read)
    explanation.kind = _kind(read, document, plan)
    if plan is not None:
        explanation.steps = _steps(plan, items)
    return explanation


def _kind(read: ReadFormula, document: DocumentMath, plan: FormulaPlan | None) -> str:
    assert read.formula is not None
    defines = [d for d in document.table.definitions if d.order == read.order]
    relations = {r for s in read.formula.statements for r in s.relations}
    from .derivations.astutil import display_name
    from .math.plain_words import words

    heads = ", ".join(dict.fromkeys(display_name(d.head) for d in defines))
    if plan is None:
        if any(d.recursive for d in defines):
            return f"recurrence (defines {heads} term by term; nothing to check)"
        if defines:
            return f"definition of {heads} (a recorded reading, not a claim)"
        if read.formula.shapes:
            return "declaration of shapes or domains"
        if relations & {"=", "def"}:
            lhs = words(read.formula.statements[0].sides[0])
            return f"definition or model equation of {lhs} (a recorded reading, not a claim)"
        if relations & _INEQUALITIES:
            return "inequality or relation (not checked)"
        return "expression with no claim"
    kinds = ["identity about moments of random variables" if s.moments is not None else
             _STEP_KINDS.get(s.abstract_code or "", "approximation" if s.relation == "approx" else "identity")
             for s in plan.steps]
    kind = " and ".join(dict.fromkeys(kinds))
    # A moment the document uses already (`\rho(X, Y) = ...`), restated as a claim rather than defined.
    restated = plan.steps[0].moments is not None and plan.steps[0].name.endswith("1 → 2")
    return f"definition of {heads}, then {kind}" if defines and not restated else kind


def _sources(read: ReadFormula, document: DocumentMath) -> list[str]:
    """Where each name of the formula takes its meaning from: the nearest earlier definition, or none."""
    from .derivations.astutil import display_name
    from .math import ast
    from .math.plain_words import words

    assert read.formula is not None
    out: dict[str, str] = {}
    for node in read.formula.walk():
        if not isinstance(node, ast.Symbol | ast.Subscript | ast.Apply):
            continue
        head = node.function if isinstance(node, ast.Apply) else node
        found = document.table.lookup("function" if isinstance(node, ast.Apply) else "symbol", head, read.order) \
            or document.table.lookup("function", head, read.order)
        if found is None and isinstance(node, ast.Subscript):
            found = document.table.lookup("indexed", node.base, read.order)
        name = display_name(head)
        if found is None or name in out:
            continue
        at = found.label or "an earlier formula"
        here = " (this formula)" if found.order == read.order else ""
        params = f"({', '.join(display_name(p) for p in found.params)})" if found.kind == "function" else ""
        body = words(found.body)
        body = body if len(body) <= BODY_SHOWN else body[:BODY_SHOWN - 1].rstrip() + "…"
        out[name] = f"{name}{params}: defined at {at}{here} as {body}"
    return list(out.values())


def _steps(plan: FormulaPlan, items: list[Item]) -> list[StepReading]:
    """Each step's kind, domain and a few sampled points, for the steps the check sampled."""
    identity = next((i for i in items if i.kind == "identity"), None)
    statuses = {s.get("step"): s for s in (identity.detail.get("steps", []) if identity else [])}
    out = []
    for k, step in enumerate(plan.steps):
        reading = StepReading(step.name, _step_kind(step))
        if step.moments is not None:  # decided on distributions, not on scalar points
            moments = step.moments
            reading.domain = [f"random finite distributions of {', '.join(moments.random)}"
                              + ((" (independent)" if moments.independent else " (jointly)")
                                 if len(moments.random) > 1 else "")
                              + (f"; {', '.join(moments.constants)} drawn as reals of both signs" if moments.constants
                                 else "")]
        elif step.regime is not None and step.relation == "approx":
            reading.domain = [f"{', '.join(step.regime.small)} small ({step.regime.where}): both sides expanded "
                              "in them, compared through the order the right side keeps"]
        elif step.abstract is None and statuses.get(step.name, {}).get("how") != "symbolic":
            reading.domain, reading.points = _sampled(step, plan, k)
        out.append(reading)
    return out


def _step_kind(step: StepPlan) -> str:
    if step.moments is not None:
        return f"{step.relation} claim about moments of random variables"
    if step.abstract_code:
        return f"{_STEP_KINDS.get(step.abstract_code, 'left unchecked')} [{step.abstract_code}]"
    if step.full_uses:
        return f"{step.relation} claim, checked with {', '.join(step.full_uses)} substituted"
    return f"{step.relation} claim"


def _sampled(step: StepPlan, plan: FormulaPlan, k: int) -> tuple[list[str], list[str]]:
    from .derivations.results import format_point, format_value
    from .derivations.steps import sampled_points

    domain, outcome = sampled_points(step, plan, seed=int(plan.key()[:8], 16) + k)
    samples = outcome.samples if outcome is not None else []
    described = [f"{s} = {v}" for s, v in domain.fixed.items()]
    described += [f"{s} ≥ {format_value(v)}" for s, v in domain.lower.items()]
    described += [f"{s} ≤ {format_value(v)}" for s, v in domain.upper.items()]
    if domain.integers:
        described.append(f"{', '.join(sorted(domain.integers))} drawn as integers")
    if outcome is not None and outcome.sizes:
        described.append("sizes " + ", ".join(f"{n} = {v}" for n, v in outcome.sizes.items()))
    if not described and samples:
        described.append("every free name drawn at random real values")
    points = [f"{format_point(s.point)}: left {format_value(s.lhs)}, right {format_value(s.rhs)}"
              for s in samples[:POINTS_SHOWN]]
    return described, points
