"""A document's formulas read once: parses, definitions, shape declarations, and a plan per claim.

Nothing here imports SymPy, so a build whose verdicts are all cached never pays for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from veritex.math import MathSyntaxError, ast, parse
from veritex.math.words import declared_words
from veritex.model import CodeCell, Document, Math
from veritex.places import formula_place

from .definitions import DefinitionTable, definitions_in
from .moments import MomentVocabulary, mentions_moments, vocabulary
from .precision import LEAD_IN, illustrates, imaginary_letters
from .regime import StatedRegime, regime_at, stated_regimes
from .shapes import Shapes, name_of
from .values import Value, code_values, prose_values

if TYPE_CHECKING:
    from .plan import FormulaPlan


@dataclass
class ReadFormula:
    math: Math
    order: int
    formula: ast.Formula | None = None
    error: MathSyntaxError | None = None


@dataclass
class DocumentMath:
    formulas: list[ReadFormula]
    table: DefinitionTable
    shapes: Shapes
    known: frozenset[str] = field(default_factory=frozenset)
    imaginary: frozenset[str] = field(default_factory=frozenset)  # letters used as the imaginary unit
    lead_ins: dict[int, str] = field(default_factory=dict)  # the prose before each displayed formula
    values: list[Value] = field(default_factory=list)  # numbers bound in prose and code literals
    moments: MomentVocabulary | None = None  # random variables and correlation names, when it has moments
    regimes: list[StatedRegime] = field(default_factory=list)  # quantities the prose calls small or large

    def plan(self, read: ReadFormula) -> FormulaPlan | None:
        """The plan for one parsed formula, or None when it claims nothing."""
        assert read.formula is not None
        from .plan import plan_formula  # the planner only when a formula is planned, not to read a document

        plan = plan_formula(read.formula, read.order, self.table, self.shapes, self.known, read.math.tex,
                            self.imaginary, self.lead_ins.get(read.order, ""), self.values, self.moments)
        if plan is not None and self.regimes:
            for step in plan.steps:
                step.regime = regime_at(self.regimes, read.order) if step.relation == "approx" else None
        return plan

    def plans(self) -> list[tuple[ReadFormula, FormulaPlan]]:
        """Display formulas that claim identities, with their plans."""
        out = []
        for read in self.formulas:
            if read.math.display and read.formula is not None:
                plan = self.plan(read)
                if plan is not None:
                    out.append((read, plan))
        return out


def read_document_math(doc: Document) -> DocumentMath:
    """Parse every formula; collect definitions from displayed ones and declarations from all."""
    formulas: list[ReadFormula] = []
    for order, math in enumerate(doc.all_math()):
        try:
            formulas.append(ReadFormula(math, order, parse(math.tex, macros=doc.meta.macros)))
        except MathSyntaxError as exc:
            formulas.append(ReadFormula(math, order, error=exc))
    table = DefinitionTable()
    declarations: list[ast.ShapeDecl] = []
    values = _code_values(doc)
    leads = _lead_ins(doc, inline=True)
    for read in formulas:
        if read.formula is None:
            continue
        declarations.extend(read.formula.shapes)
        source = read.math.label or formula_place(read.math)
        if read.math.display or not illustrates(leads.get(read.order, "")):
            table.extend(definitions_in(read.formula.statements, read.order, source, read.math.tex,
                                        inline=not read.math.display))
        if not read.math.display:
            values.extend(prose_values(read.formula.statements, read.order,
                                       formula_place(read.math).replace("the formula", "the prose")))
    shapes = Shapes.of(declarations)
    known = {n for n in (name_of(d.head) for d in table.definitions) if n}
    known |= {n for n in (name_of(a) for a in shapes.arrays) if n} | shapes.integers
    known |= {w for read in formulas if read.formula is not None for w in declared_words(read.formula)}
    imaginary = imaginary_letters([read.formula for read in formulas if read.formula is not None])
    numbered = [(read.order, read.formula) for read in formulas if read.formula is not None]
    moments = vocabulary(numbered, _prose(doc), table) if any(mentions_moments(f) for _, f in numbered) else None
    return DocumentMath(formulas, table, shapes, frozenset(known), imaginary, _lead_ins(doc), values, moments,
                        stated_regimes(doc))


def _prose(doc: Document) -> str:
    return "\n\n".join(cell.source for cell in doc.markdown_cells())


def _code_values(doc: Document) -> list[Value]:
    """Number literals assigned in Python code cells, placed between the formulas around each cell."""
    out: list[Value] = []
    seen = 0
    for cell in doc.cells:
        if isinstance(cell, CodeCell):
            if cell.language == "python":
                pos = cell.position
                where = f"the code in cell {pos.cell}," if pos.cell is not None else "the code at"
                out.extend(code_values(cell.source, seen - 0.5, where, pos.line))
        else:
            seen += len(cell.math)
    return out


def _lead_ins(doc: Document, inline: bool = False) -> dict[int, str]:
    """The prose of the lines just before each displayed formula (and each inline one, when asked) up to
    its first character, by the formula's place in the document."""
    out: dict[int, str] = {}
    order = 0
    for cell in doc.markdown_cells():
        lines = cell.source.splitlines()
        for math in cell.math:
            pos = math.position
            if (math.display or inline) and pos is not None:
                row = pos.line - cell.position.line if cell.position is not None else -1
                if 0 <= row < len(lines) + 1:
                    before = lines[max(0, row - 4):row]
                    current = lines[row][:max(0, pos.column - 1)] if row < len(lines) else ""
                    out[order] = "\n".join([*before, current])[-LEAD_IN:]
            order += 1
    return out
