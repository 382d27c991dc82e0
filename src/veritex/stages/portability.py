"""Warn about math a requested target (GitHub Markdown, notebooks) will not render as written, and about
the slips people make writing math by hand.

For each target, the notes of `veritex.portable.tex.FormulaRewriter` (the same rewriting the writers
do) become warnings at the construct's file:line:col, saying what veritex did or what to do. The
hand-written slips are checked once for any of those targets: a name set in `\\mathbf` in one formula
and plain in another, an equation number typed at the end of a display instead of a label or
`\\tag`, and a `$` followed by a digit in prose (read as the start of a formula by GitHub and Jupyter).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..model import Document, Item, MarkdownCell, Math, Position, Text, walk
from ..places import position_at
from ..portable.support import TARGETS
from ..portable.tex import FormulaRewriter

_BOLD = re.compile(r"\\mathbf\s*\{\s*([A-Za-z])\s*\}")
_COMMAND = re.compile(r"\\[A-Za-z]+")
_HAND_NUMBER = re.compile(r"(?:\\q?quad|\\,|\\;|~|\s)*(?:\\text\s*\{\s*)?\(\s*(\d+(?:\.\d+)*)\s*\)\s*\}?\s*$")
_DOLLAR_DIGIT = re.compile(r"(?<![\\$])\$\d")


def lint_portability(doc: Document, formats: Iterable[str]) -> None:
    """Add a warning for each construct the requested portable targets will not render as written."""
    targets = [f for f in TARGETS if f in set(formats)]
    if not targets:
        return
    rewriters = [FormulaRewriter(doc, target) for target in targets]
    for math in doc.all_math():
        # The same note for several targets is said once, naming them all.
        found: dict[tuple[int, str, bool], list[tuple[str, str]]] = {}
        for rewriter in rewriters:
            for note in rewriter.of(math).notes:
                found.setdefault((note.offset, note.construct, note.rewritten), []).append(
                    (rewriter.platform, note.message))
        for (offset, _construct, _rewritten), said in found.items():
            platforms = " and ".join(platform for platform, _ in said)
            doc.add(Item("math", "warning", f"{platforms}: {said[0][1]}",
                         position_at(math.tex, offset, math.position), label=math.label))
    formulas = list(doc.all_math())
    _bold_names(doc, formulas)
    _hand_numbers(doc, formulas)
    _dollar_digits(doc)


def _plain_letters(tex: str) -> set[str]:
    """Single letters written plain (not bold, not part of a command, not a subscripted component)."""
    bare = _BOLD.sub(" ", tex)
    bare = _COMMAND.sub(" ", bare)
    bare = re.sub(r"\\(?:text|operatorname|mathrm)\s*\{[^{}]*\}", " ", bare)
    return {m.group(1) for m in re.finditer(r"(?<![A-Za-z])([A-Za-z])(?![A-Za-z_])", bare)}


def _bold_names(doc: Document, formulas: list[Math]) -> None:
    bold_at: dict[str, Math] = {}
    for math in formulas:
        for match in _BOLD.finditer(math.tex):
            bold_at.setdefault(match.group(1), math)
    if not bold_at:
        return
    for name, first in bold_at.items():
        for math in formulas:
            if math is first or name not in _plain_letters(math.tex):
                continue
            offset = re.search(rf"(?<![A-Za-z\\]){name}(?![A-Za-z])", math.tex)
            doc.add(Item("math", "warning",
                         f"`{name}` is bold (`\\mathbf{{{name}}}`) at {first.position} and plain here: a reader "
                         "takes them for two different things; write the name one way everywhere",
                         position_at(math.tex, offset.start() if offset else 0, math.position), label=math.label))
            break  # one warning per name


def _hand_numbers(doc: Document, formulas: list[Math]) -> None:
    for math in formulas:
        if not math.display or math.tag is not None:
            continue
        match = _HAND_NUMBER.search(math.tex)
        if match is None or not math.tex[:match.start()].strip():
            continue
        doc.add(Item("math", "warning",
                     f"the equation number ({match.group(1)}) is typed by hand: it will not follow when equations "
                     "move; label the equation (`$$ ... $$ (eq:name)`) and veritex numbers it, or write "
                     f"`\\tag{{{match.group(1)}}}`", position_at(math.tex, match.start(), math.position),
                     label=math.label))


def _dollar_digits(doc: Document) -> None:
    for cell in doc.markdown_cells():
        if not any(isinstance(n, Text) and _DOLLAR_DIGIT.search(n.text) for n in walk(cell.body)):
            continue
        starts = {(m.position.line, m.position.column) for m in cell.math}
        for number, line in enumerate(cell.source.split("\n")):
            for match in _DOLLAR_DIGIT.finditer(line):
                where = _line_position(cell, number, match.start())
                if (where.line, where.column + 1) in starts:
                    continue  # a formula that starts with a digit
                doc.add(Item("math", "warning",
                             "`$` followed by a digit in prose: GitHub and Jupyter may take it for the start of a "
                             "formula; veritex wrote it as `\\$`, write it so in the source too (or say "
                             "\"5 dollars\")", where))


def _line_position(cell: MarkdownCell, line: int, column: int) -> Position:
    start = cell.position
    return start.shifted(lines=line, column=column + 1 if line else start.column + column)
