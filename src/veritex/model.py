"""The document model: the one thing readers build, stages annotate and writers consume.

A `Document` is front matter plus an ordered list of cells. Markdown cells keep markdown-it-py's
token stream; math, equation references and inline `{eval}` roles appear in it as tokens whose
`meta["node"]` is the typed node below, so a writer renders tokens and finds the node there.
Code cell outputs are nbformat v4 output dicts, so they cache and export unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # markdown-it is imported by the reader; an unchanged rebuild never loads it
    from markdown_it.token import Token

VERDICT_MIME = "application/vnd.veritex.verdict+json"
"""MIME type of the display data that carries a verdict from the kernel to the build."""

Status = Literal["verified", "refuted", "unchecked", "error", "warning"]
Kind = Literal[
    "math", "cell", "expect", "eval", "reference", "check", "implements", "identity", "document"
]


@dataclass(frozen=True)
class Position:
    """A place in a source document: 1-based line and column; `cell` (1-based) for notebooks,
    where `line` counts inside that cell."""

    file: str
    line: int
    column: int = 1
    cell: int | None = None

    def shifted(self, lines: int = 0, column: int | None = None) -> Position:
        return Position(self.file, self.line + lines, self.column if column is None else column, self.cell)

    def __str__(self) -> str:
        if self.cell is not None:
            return f"{self.file}:cell {self.cell}:{self.line}:{self.column}"
        return f"{self.file}:{self.line}:{self.column}"


@dataclass
class Math:
    """A formula: raw TeX (delimiters and label syntax stripped), where it is, and its label."""

    tex: str
    display: bool
    position: Position
    label: str | None = None
    tag: str | None = None
    number: int | None = None  # equation number, set by the numbering stage
    html: str | None = None  # rendered markup, set by the render stage
    error: str | None = None  # why it does not render, set by the render stage

    @property
    def anchor(self) -> str:
        return "eq-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in (self.label or ""))


def reference_text(math: Math, role: str) -> str:
    """What a reference to `math` reads as: `(2)` for `{eq}` / `\\eqref`, `2` for `\\ref`."""
    shown = math.tag if math.tag is not None else str(math.number) if math.number is not None else math.label or "?"
    return shown if role == "ref" else f"({shown})"


@dataclass
class Reference:
    """`{eq}`label``, `\\eqref{label}` or `\\ref{label}` in prose."""

    target: str
    role: str
    position: Position
    resolved: Math | None = None


@dataclass
class InlineEval:
    """`{eval}`expr`` in prose: replaced by the value of `expr` after all cells ran."""

    expr: str
    position: Position
    value: dict[str, Any] | None = None  # a MIME bundle ("text/plain", maybe "text/html")
    error: str | None = None


@dataclass
class MarkdownCell:
    source: str
    position: Position  # where `source` starts
    tokens: list[Token] = field(default_factory=list)
    math: list[Math] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    evals: list[InlineEval] = field(default_factory=list)
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
    execute: bool = True
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
    data_files: list[str] = field(default_factory=list)  # files the cells read, relative to the document's folder

    @property
    def display_path(self) -> str:
        return str(self.path)

    @property
    def title(self) -> str:
        """The front matter's title, else the first top-level heading, else the file name."""
        if self.meta.title:
            return self.meta.title
        for cell in self.markdown_cells():
            for here, after in zip(cell.tokens, cell.tokens[1:], strict=False):
                if here.type == "heading_open" and here.tag == "h1" and after.type == "inline":
                    return after.content
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

    def labels(self) -> dict[str, Math]:
        return {m.label: m for m in self.all_math() if m.label}

    def add(self, item: Item) -> Item:
        self.items.append(item)
        return item
