"""Inputs that would otherwise build without a word: an empty document, an `{eval}` that no code can give a
value, a `$$` that is never closed (its formula shows as text)."""

from __future__ import annotations

from ..model import Document, Item, Paragraph, Position, Text, walk


def note_silent_inputs(doc: Document) -> None:
    """Append a warning to `doc.items` for each such input."""
    start = Position(str(doc.path), 1, 1)
    has_code = any(cell.source.strip() for cell in doc.code_cells())
    has_prose = any(cell.body for cell in doc.markdown_cells())
    if not has_code and not has_prose:
        doc.add(Item("document", "warning", "the document is empty: there is nothing to build (is it the file "
                     "you meant, saved?)", start))
        return
    if not has_code:
        for value in doc.all_evals():
            doc.add(Item("eval", "warning", f"{{eval}}`{value.expr}` has no code to take its value from: the "
                         "document has no code cell; add one that defines what it shows", value.position))
    for cell in doc.markdown_cells():
        paragraph: Position | None = None
        for node in walk(cell.body):
            if isinstance(node, Paragraph):
                paragraph = node.position
            elif isinstance(node, Text) and "$$" in node.text.replace("\\$", ""):
                doc.add(Item("math", "warning", "a `$$` that is never closed: the formula after it shows as "
                             "text; close it with `$$` (display math opens and closes with `$$`)",
                             paragraph or cell.position))
                break
