"""Where things are in a source document, as positions and as words.

Kept apart from `veritex.math` (whose syntax tree is costly to import) so that the stages that only
need to place a message, such as a rebuild served from caches, never load the math reader.
"""

from __future__ import annotations

from .model import Math, Position


def position_at(tex: str, offset: int, start: Position) -> Position:
    """The document position of `offset` in `tex`, given that `tex[0]` sits at `start`.

    TeX may span lines: on the formula's first line columns count from `start.column`, on later
    lines from column 1.
    """
    offset = max(0, min(offset, len(tex)))
    newlines = tex.count("\n", 0, offset)
    if newlines == 0:
        return start.shifted(column=start.column + offset)
    line_start = tex.rfind("\n", 0, offset) + 1
    return start.shifted(lines=newlines, column=offset - line_start + 1)


def formula_place(math: Math) -> str:
    """How a message names an unlabelled formula: `the formula at line 12` (`cell 3, line 2`)."""
    pos = math.position
    cell = f"cell {pos.cell}, " if pos.cell is not None else ""
    return f"the formula at {cell}line {pos.line}"
