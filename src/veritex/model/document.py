"""A document: front matter, an ordered list of prose and code cells, and what the stages found.

Prose cells hold their body as the typed tree of `body.py`; code cell outputs are nbformat v4 output
dicts, so they cache and export unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .body import Block, Citation, Heading, InlineEval, Math, Reference, walk
from .position import Position

VERDICT_MIME = "application/vnd.veritex.verdict+json"
"""MIME type of the display data that carries a verdict from the kernel to the build."""

VERDICT_KINDS = ("expect", "check", "implements", "identity", "consistency")
"""Item kinds that are verdicts (counted as verified / refuted / unchecked), not diagnostics."""

SOURCE_SUFFIXES = (".md", ".markdown", ".ipynb")
"""The files a build reads as documents."""

Status = Literal["verified", "refuted", "unchecked", "error", "warning"]
Kind = Literal[
    "math", "cell", "expect", "eval", "reference", "check", "implements", "identity", "consistency", "document",
    "diagram"
]


@dataclass
class MarkdownCell:
    source: str
    position: Position  # where `source` starts
    body: list[Block] = field(default_factory=list)
    # The formulas, references and values of `body` in document order, as the reader found them:
    # the stages work through these lists rather than walking the tree.
    math: list[Math] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    evals: list[InlineEval] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    cell_type: Literal["markdown"] = "markdown"


@dataclass
class CodeCell:
    source: str
    position: Position  # where the first line of code is
    language: str = "python"
    execute: bool = True  # False for other languages, `python norun`, `skip-execution`
    tags: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)  # MyST `:key:` / Quarto `#|` options
    outputs: list[dict[str, Any]] = field(default_factory=list)  # nbformat v4 outputs
    execution_count: int | None = None
    cell_type: Literal["code"] = "code"
    # Facts about the run, set by the execute stage: {"veritex": {"status", "seconds", "error_line", ...}}
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def raises_ok(self) -> bool:
        return "raises-exception" in self.tags or bool(self.options.get("error"))

    def position_of_line(self, line: int) -> Position:
        """Position in the document of 1-based `line` inside this cell's source."""
        return self.position.shifted(lines=line - 1, column=1)


Cell = MarkdownCell | CodeCell


@dataclass
class FrontMatter:
    title: str | None = None
    kernel: str = "python3"
    timeout: float | None = None  # seconds per cell; None: no limit
    seed: int | None = None
    macros: dict[str, str] = field(default_factory=dict)
    macro_files: dict[str, str] = field(default_factory=dict)  # a project macro -> the file defining it
    execute: bool = True
    trust: bool = False  # the author's own HTML and widgets kept as written (not sanitized)
    max_output_size: int | None = None  # bytes of one output shown in the page; None: the build's default
    max_page_size: int | None = None  # bytes of all outputs shown in the page; None: the build's default
    tab: str | None = None  # the textbook dialect's code tab to run (`tab:`); None: pytorch
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class Item:
    """One line of the report: a verdict or a diagnostic, with where it points."""

    kind: Kind
    status: Status
    message: str
    position: Position | None = None
    label: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "label": self.label,
            "line": self.position.line if self.position else None,
            "column": self.position.column if self.position else None,
            "status": self.status,
            "message": self.message,
        }
        if self.position and self.position.cell is not None:
            out["cell"] = self.position.cell
        if self.detail:
            out["detail"] = self.detail
        return out


@dataclass
class Document:
    path: Path
    meta: FrontMatter
    cells: list[Cell]
    source_format: Literal["markdown", "ipynb"] = "markdown"
    items: list[Item] = field(default_factory=list)  # diagnostics and verdicts added by stages
    environment: dict[str, Any] = field(default_factory=dict)  # interpreter and packages, from execution
    data_files: list[str] = field(default_factory=list)
    # Files the page shows (local images), relative to the document's folder: copied beside the page.
    local_files: list[str] = field(default_factory=list)
    project_files: list[str] = field(default_factory=list)  # book files read (macros, .bib, includes)

    @property
    def display_path(self) -> str:
        return str(self.path)

    @property
    def title(self) -> str:
        """The front matter's title, else the text of the first top-level heading, else the file name."""
        if self.meta.title:
            return self.meta.title
        for cell in self.markdown_cells():
            for node in walk(cell.body):
                if isinstance(node, Heading) and node.level == 1:
                    return node.text
        return self.path.stem

    def code_cells(self) -> Iterator[CodeCell]:
        return (c for c in self.cells if isinstance(c, CodeCell))

    def markdown_cells(self) -> Iterator[MarkdownCell]:
        return (c for c in self.cells if isinstance(c, MarkdownCell))

    def all_math(self) -> Iterator[Math]:
        for cell in self.markdown_cells():
            yield from cell.math

    def all_references(self) -> Iterator[Reference]:
        for cell in self.markdown_cells():
            yield from cell.references

    def all_evals(self) -> Iterator[InlineEval]:
        for cell in self.markdown_cells():
            yield from cell.evals

    def all_citations(self) -> Iterator[Citation]:
        for cell in self.markdown_cells():
            yield from cell.citations

    def labels(self) -> dict[str, Math]:
        return {m.label: m for m in self.all_math() if m.label}

    def add(self, item: Item) -> Item:
        self.items.append(item)
        return item
