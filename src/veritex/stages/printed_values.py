"""Stated values against what the code prints: run once a document's outputs are applied, and only when
it was built with execution (`veritex.crosschecks.printed_values`). Its items are report items of kind
"consistency", kept under a key made of the document's cells and their outputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..cache import Store, digest
from ..derivations.reasons import CHECKER_FAILURE
from ..model import CodeCell, Document, Item, Position

if TYPE_CHECKING:
    from ..crosschecks.printed import Printed

__all__ = ["check_printed_values"]
NAMESPACE = "printed-values"
FORMAT = 1


def check_printed_values(doc: Document, cache_dir: Path | None) -> None:
    """Add the verdicts on values the document states and its code prints to `doc`."""
    from ..crosschecks.printed_values import shown

    printed = shown(doc)
    if not printed or not any(True for _ in doc.all_math()):
        return  # nothing shown by name: no formula is read
    store = Store(cache_dir) if cache_dir is not None else None
    entry = store.key({"document": doc.path.resolve()}) if store is not None else ""
    from .crosschecks import (  # the prose a check may read: headings and paragraphs near math
        item_from_json,
        prose_a_check_reads,
    )

    key = digest([FORMAT, sorted(doc.meta.macros.items()),
                  [[c.source, c.outputs] if isinstance(c, CodeCell) else prose_a_check_reads(c.source)
                   for c in doc.cells]])
    if store is not None:
        found = store.load(NAMESPACE, entry)
        if found is not None and found.get("key") == key:

            try:
                doc.items.extend(item_from_json(i, doc) for i in found["items"])
                return
            except (KeyError, TypeError, ValueError):
                store.note(store.path(NAMESPACE, entry), "not a list of verdicts")
    items, kept = _check(doc, printed)
    doc.items.extend(items)
    if store is not None and kept:
        store.save(NAMESPACE, entry, {"key": key, "items": [i.to_json() for i in items]})


def _check(doc: Document, printed: list[Printed]) -> tuple[list[Item], bool]:
    from ..crosschecks import CrossContext
    from ..crosschecks.printed_values import run
    from ..derivations.reading import read_document_math

    try:
        findings = run(CrossContext(doc, read_document_math(doc)), printed)
    except Exception as exc:  # a bug in the check: named so the tests see it, never a verdict
        reason = CHECKER_FAILURE.say(error=f"printed_values: {type(exc).__name__}")
        return [Item("consistency", "unchecked", reason, Position(str(doc.path), 1, 1),
                     detail={"check": "printed_values", "code": CHECKER_FAILURE.code})], False
    items = [Item("consistency", f.status, f.message, position=f.math.position, label=f.math.label,
                  detail={"check": f.check, **f.detail}) for f in findings]
    return items, True
