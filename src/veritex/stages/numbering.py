"""Number labelled display equations and point every equation reference at its formula.

Numbers follow the order of appearance among labelled display formulas; a formula with its own
`\\tag{..}` keeps its tag and takes no number, as in LaTeX.
"""

from __future__ import annotations

from ..model import Document, Item, Math, reference_text

__all__ = ["number_equations", "reference_text"]


def number_equations(doc: Document) -> None:
    """Set `Math.number` and `Reference.resolved`; unknown and duplicate labels become error items."""
    labels: dict[str, Math] = {}
    number = 0
    for math in doc.all_math():
        math.number = None
        if not math.label:
            continue
        first = labels.get(math.label)
        if first is not None:
            doc.add(Item(
                "reference", "error",
                f"duplicate label '{math.label}': the formula at {_where(first)} already has it; "
                "give this formula another label",
                math.position, label=math.label,
            ))
            continue
        labels[math.label] = math
        if math.display and math.tag is None:
            number += 1
            math.number = number

    for ref in doc.all_references():
        ref.resolved = labels.get(ref.target)
        if ref.resolved is None:
            doc.add(Item("reference", "error", _unknown_message(ref.target, sorted(labels)), ref.position,
                         label=ref.target))


def _where(math: Math) -> str:
    line = f"line {math.position.line}"
    return f"cell {math.position.cell}, {line}" if math.position.cell is not None else line


def _unknown_message(target: str, known: list[str]) -> str:
    import difflib  # only for a reference to a label that does not exist

    close = difflib.get_close_matches(target, known, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'? " if close else ""
    listed = ", ".join(known) if known else "none"
    return f"unknown reference '{target}': no formula has this label; {hint}labels in this document: {listed}"

