"""Stated values against what the code prints: run once a document's outputs are applied, and only when
it was built with execution (`veritex.crosschecks.printed_values`). Its items are report items of kind
"consistency", kept under a key made of the formulas, the code with its outputs and the statistics the prose names
before formulas (all that the check reads), and replayed at the formulas' current places.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cache import Store, digest
from ..derivations.reasons import CHECKER_FAILURE
from ..model import CodeCell, Document, Item, Math, Position

if TYPE_CHECKING:
    from ..crosschecks.printed import Printed

__all__ = ["check_printed_values"]
NAMESPACE = "printed-values"
FORMAT = 1


def check_printed_values(doc: Document, cache_dir: Path | None) -> None:
    """Add the verdicts on values the document states and its code prints to `doc`."""
    from ..crosschecks.printed import shown, statistic_named_before

    printed = shown(doc)
    formulas = list(doc.all_math())
    if not printed or not formulas:
        return  # nothing shown by name: no formula is read
    store = Store(cache_dir) if cache_dir is not None else None
    entry = store.key({"document": doc.path.resolve()}) if store is not None else ""
    # All the check reads: the formulas, the code with its outputs and places, and the statistic the prose
    # names right before a formula. Rewording other prose replays the verdicts at the formulas' places.
    key = digest([FORMAT, sorted(doc.meta.macros.items()), [
        [c.source, c.outputs, c.position.line, c.position.cell] if isinstance(c, CodeCell)
        else [[m.tex, m.display, m.label, statistic_named_before(c, m)] for m in c.math] for c in doc.cells]])
    if store is not None:
        found = store.load(NAMESPACE, entry)
        if found is not None and found.get("key") == key:
            try:
                doc.items.extend(_replayed(kept, formulas) for kept in found["items"])
                return
            except (KeyError, TypeError, ValueError, IndexError):
                store.note(store.path(NAMESPACE, entry), "not a list of verdicts")
    items, kept = _check(doc, printed)
    doc.items.extend(item for item, _ in items)
    if store is not None and kept:
        index = {id(m): k for k, m in enumerate(formulas)}
        store.save(NAMESPACE, entry, {"key": key, "items": [
            {"formula": index[id(math)], "status": item.status, "message": item.message, "detail": item.detail}
            for item, math in items]})


def _replayed(kept: dict[str, Any], formulas: list[Math]) -> Item:
    math = formulas[int(kept["formula"])]
    if kept["status"] not in ("verified", "refuted", "unchecked"):
        raise ValueError(kept["status"])
    return Item("consistency", kept["status"], str(kept["message"]), position=math.position, label=math.label,
                detail=dict(kept["detail"]))


def _check(doc: Document, printed: list[Printed]) -> tuple[list[tuple[Item, Math]], bool]:
    """The items with the formula each is about, and whether they may be kept."""
    from ..crosschecks import CrossContext
    from ..crosschecks.printed_values import run
    from ..derivations.reading import read_document_math

    try:
        findings = run(CrossContext(doc, read_document_math(doc)), printed)
    except Exception as exc:  # a bug in the check: named so the tests see it, never a verdict
        reason = CHECKER_FAILURE.say(error=f"printed_values: {type(exc).__name__}")
        failed = Item("consistency", "unchecked", reason, Position(str(doc.path), 1, 1),
                      detail={"check": "printed_values", "code": CHECKER_FAILURE.code})
        doc.items.append(failed)
        return [], False
    items = [(Item("consistency", f.status, f.message, position=f.math.position, label=f.math.label,
                   detail={"check": f.check, **f.detail}), f.math) for f in findings]
    return items, True
