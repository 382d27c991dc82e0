"""A document's formulas read once: parses, definitions, shape declarations, and a plan per claim.

Nothing here imports SymPy, so a build whose verdicts are all cached never pays for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from veritex.math import MathSyntaxError, ast, parse
from veritex.math.words import declared_words
from veritex.model import Document, Math
from veritex.places import formula_place

from .definitions import DefinitionTable, definitions_in
from .plan import FormulaPlan, Shapes, name_of, plan_formula


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

    def plan(self, read: ReadFormula) -> FormulaPlan | None:
        """The plan for one parsed formula, or None when it claims nothing."""
        assert read.formula is not None
        return plan_formula(read.formula, read.order, self.table, self.shapes, self.known)

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
    for read in formulas:
        if read.formula is None:
            continue
        declarations.extend(read.formula.shapes)
        source = read.math.label or formula_place(read.math)
        table.extend(definitions_in(read.formula.statements, read.order, source, read.math.tex,
                                    inline=not read.math.display))
    shapes = Shapes.of(declarations)
    known = {n for n in (name_of(d.head) for d in table.definitions) if n}
    known |= {n for n in (name_of(a) for a in shapes.arrays) if n} | shapes.integers
    known |= {w for read in formulas if read.formula is not None for w in declared_words(read.formula)}
    return DocumentMath(formulas, table, shapes, frozenset(known))
