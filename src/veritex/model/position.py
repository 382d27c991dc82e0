"""Where something is in a source document."""

from __future__ import annotations

from dataclasses import dataclass


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
