"""The prose around a formula, for the cross-checks that must know whether a formula is asserted."""

from __future__ import annotations

import re

from veritex.model import MarkdownCell, Math

from .context import CrossContext

# Words that make a formula something other than an assertion: a supposition, a question, a formula
# called wrong, or one the reader is asked to decide.
HEDGES = re.compile(r"\b(not|no|never|suppose|supposing|assume|assuming|if|whether|would|could|might|false|"
                    r"wrong|incorrect|instead|fails?|mistake|typo|erratum|why|guess|naive(ly)?|"
                    r"incorrectly|tempting|tempted|solve|solving|solution|find|root|roots)\b|n't|\?", re.IGNORECASE)


def text_before(context: CrossContext, math: Math, lines: int = 1) -> str:
    """The text of the formula's line up to the formula (and `lines - 1` lines above it)."""
    for cell in context.markdown_cells():
        if not any(m is math for m in cell.math):
            continue
        rows = cell.source.splitlines()
        row = math.position.line - cell.position.line
        if not 0 <= row < len(rows):
            return ""
        return "\n".join([*rows[max(0, row - lines + 1):row], rows[row][:max(0, math.position.column - 1)]])
    return ""


def hedged(context: CrossContext, math: Math) -> bool:
    """Whether the sentence leading to the formula supposes, questions or disowns it."""
    before = text_before(context, math, 2)
    sentence = re.split(r"(?<=[.!:])\s+(?=[A-Z*\d])", before)[-1]
    return HEDGES.search(sentence) is not None


ITEM = re.compile(r"\s*([-*+]|\d+[.)])\s")


def same_paragraph(context: CrossContext, first: Math, then: Math) -> bool:
    """Whether `then` continues the paragraph (or list item) that `first` is in: same cell, and no blank
    line, heading or new list item between them."""
    for cell in context.markdown_cells():
        if not any(m is first for m in cell.math):
            continue
        if not any(m is then for m in cell.math):
            return False
        rows = cell.source.splitlines()
        start, end = first.position.line - cell.position.line, then.position.line - cell.position.line
        between = rows[start + 1:end + 1]
        return start <= end and not any(not r.strip() or r.lstrip().startswith("#") or ITEM.match(r)
                                         for r in between)
    return False


HEADING = re.compile(r"(#{1,6})\s")
FENCE = re.compile(r"\s*(```|~~~)")


def same_section(context: CrossContext, first: Math, then: Math) -> bool:
    """Whether `then` is in the section `first` is in: no heading of the same or a higher level (fewer
    `#`) between them, so subsections stay in scope; a name such as `f` may mean another function in
    the next section."""
    headings: list[tuple[int, int, int]] = []  # (cell, line, level) in document order
    places: dict[int, tuple[int, int, int]] = {}
    for index, cell in enumerate(context.doc.cells):
        if not isinstance(cell, MarkdownCell):
            continue
        fenced = False
        for row, text in enumerate(cell.source.splitlines()):
            if FENCE.match(text):
                fenced = not fenced
            heading = None if fenced else HEADING.match(text)
            if heading is not None:
                headings.append((index, cell.position.line + row, len(heading.group(1))))
        for math in cell.math:
            if math is first or math is then:
                places[id(math)] = (index, math.position.line, math.position.column)
    if id(first) not in places or id(then) not in places:
        return False
    start, end = places[id(first)], places[id(then)]
    before = [level for c, line, level in headings if (c, line) <= start[:2]]
    level = before[-1] if before else 7  # before any heading, the first heading ends the scope
    return not any(start[:2] < (c, line) <= end[:2] and depth <= level for c, line, depth in headings)
