"""What the page writer knows while it renders one document: element ids, headings, verdicts by label,
and which element each report item points at (so the summary can link to it)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..katex import Rendered
from ..model import CodeCell, Document, InlineEval, Item, Math, Position, Reference
from .highlight import HighlightCache

FORMULA_VERDICT_KINDS = ("check", "implements", "identity", "consistency")


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str
    html: str


def slug(text: str) -> str:
    """An id from heading text; letters of any script are kept, so Chinese headings get readable ids."""
    words = re.findall(r"[\w-]+", text.lower())
    return "-".join(words)[:64].strip("-") or "section"


def _same_place(a: Position, b: Position) -> bool:
    return a.file == b.file and a.cell == b.cell


class PageState:
    def __init__(self, doc: Document, highlights: HighlightCache | None = None,
                 typeset: dict[int, Rendered] | None = None) -> None:
        self.doc = doc
        self.highlights = highlights  # highlighted code from earlier builds, when there is a cache
        self.typeset = typeset or {}  # id(formula) -> KaTeX's output for it
        self.headings: list[Heading] = []
        self.output_bytes = 0  # characters of cell outputs shown so far (the page has a limit)
        self._taken: set[str] = set()
        self._ids: dict[int, str] = {}
        labelled = doc.labels()
        for index, math in enumerate(doc.all_math()):
            first_with_label = math.label is not None and labelled.get(math.label) is math
            self._ids[id(math)] = self.unique(math.anchor if first_with_label else f"math-{index + 1}")
        for index, ref in enumerate(doc.all_references()):
            self._ids[id(ref)] = self.unique(f"ref-{index + 1}")
        for index, node in enumerate(doc.all_evals()):
            self._ids[id(node)] = self.unique(f"eval-{index + 1}")
        for index, cell in enumerate(doc.code_cells()):
            self._ids[id(cell)] = self.unique(f"cell-{index + 1}")
        self._verdicts: dict[str, list[Item]] = {}
        self._placed: dict[int, list[Item]] = {}  # verdicts on an unlabelled formula, by where they point
        self._warnings: dict[int, list[Item]] = {}
        self._errors: dict[int, Item] = {}
        for item in doc.items:
            if item.kind in FORMULA_VERDICT_KINDS and item.label:
                self._verdicts.setdefault(item.label, []).append(item)
            elif item.kind in FORMULA_VERDICT_KINDS and item.position is not None:
                placed = self._math_at(item.position)
                if placed is not None:
                    self._placed.setdefault(id(placed), []).append(item)
            elif item.kind == "math" and item.status in ("warning", "error") and item.position is not None:
                flagged = self._math_at(item.position)
                if flagged is None:
                    continue
                if item.status == "warning":
                    self._warnings.setdefault(id(flagged), []).append(item)
                else:
                    self._errors.setdefault(id(flagged), item)

    def unique(self, base: str) -> str:
        candidate, n = base, 1
        while candidate in self._taken:
            n += 1
            candidate = f"{base}-{n}"
        self._taken.add(candidate)
        return candidate

    def math_id(self, math: Math) -> str:
        return self._ids.get(id(math)) or self._ids.setdefault(id(math), self.unique("math"))

    def ref_id(self, ref: Reference) -> str:
        return self._ids.get(id(ref)) or self._ids.setdefault(id(ref), self.unique("ref"))

    def eval_id(self, node: InlineEval) -> str:
        return self._ids.get(id(node)) or self._ids.setdefault(id(node), self.unique("eval"))

    def cell_id(self, cell: CodeCell) -> str:
        return self._ids.get(id(cell)) or self._ids.setdefault(id(cell), self.unique("cell"))

    def heading(self, level: int, text: str, html: str) -> str:
        element_id = self.unique(slug(text))
        self.headings.append(Heading(level, element_id, text, html))
        return element_id

    def verdicts_for(self, math: Math) -> list[Item]:
        """Check / implements / identity / consistency verdicts on this formula's label (only on its first
        formula), and those that point into this formula when it has no label."""
        placed = self._placed.get(id(math), [])
        if not math.label or self.doc.labels().get(math.label) is not math:
            return placed
        return self._verdicts.get(math.label, []) + placed

    def target_of(self, item: Item) -> str | None:
        """The id of the element an item is about, for a link from the summary."""
        where = item.position
        labelled = self.doc.labels().get(item.label or "")
        # A verdict on a formula links to the formula, unless it was reached from a code cell's call.
        if labelled and item.kind in FORMULA_VERDICT_KINDS and (where is None or not self._cell_at(where)):
            return self.math_id(labelled)
        if where is None:
            return None
        nodes: list[Reference | InlineEval] = [*self.doc.all_references(), *self.doc.all_evals()]
        for node in nodes:
            if node.position == where:
                return self._ids.get(id(node))
        math = self._math_at(where)
        if math is not None:
            return self.math_id(math)
        cell = self._cell_at(where)
        return self.cell_id(cell) if cell else None

    def warnings_for(self, math: Math) -> list[Item]:
        return self._warnings.get(id(math), [])

    def typeset_of(self, math: Math) -> Rendered | None:
        return self.typeset.get(id(math))

    def math_error(self, math: Math, rendered: Rendered | None) -> str | None:
        """Why a formula shows as TeX: the build's error item on it (with its advice), else KaTeX's words."""
        item = self._errors.get(id(math))
        if item is not None:
            return item.message
        return rendered.message if rendered is not None else None

    def _math_at(self, where: Position) -> Math | None:
        return next((m for m in self.doc.all_math() if _same_place(m.position, where) and _covers(m, where)), None)

    def _cell_at(self, where: Position) -> CodeCell | None:
        for cell in self.doc.code_cells():
            start = cell.position.line
            if _same_place(cell.position, where) and start <= where.line <= start + cell.source.count("\n"):
                return cell
        return None


def _covers(math: Math, where: Position) -> bool:
    """Whether `where` falls inside the formula's TeX."""
    start = math.position
    lines = math.tex.split("\n")
    end_line = start.line + len(lines) - 1
    if not start.line <= where.line <= end_line:
        return False
    if where.line == start.line and where.column < start.column:
        return False
    end_column = (start.column if len(lines) == 1 else 1) + len(lines[-1])
    return where.line != end_line or where.column <= end_column
