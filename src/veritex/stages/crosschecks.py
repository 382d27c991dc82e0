"""The cross-check stage: every check of `veritex.crosschecks` run over the document, its findings as
report items of kind "consistency".

A check reads prose and code as well as formulas, so the items are kept under a key made of the code, the
formulas and the prose a check may read: the headings (sections bound what a check links) and every paragraph
within `NEAR` paragraphs of one that holds math. An unchanged rebuild, or an edit of prose far from any
formula, replays them without the math reader; any other edit reads the document again.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..cache import Store, digest
from ..derivations.reasons import CHECKER_FAILURE
from ..model import Document, Item, Position
from ..places import position_at

__all__ = ["cross_check"]
NAMESPACE = "crosscheck-documents"
FORMAT = 1
NEAR = 1  # paragraphs on each side of one with math that a check may read (the sentence that names a formula)
_MATH = re.compile(r"\$|\\begin|\\\[|\{math\}|\{eq\}")
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")


def cross_check(doc: Document, cache_dir: Path | None) -> None:
    """Add the cross-checks' verdicts to `doc`."""
    store = Store(cache_dir) if cache_dir is not None else None
    entry = store.key({"document": doc.path.resolve()}) if store is not None else ""
    cells = [[c.cell_type, prose_a_check_reads(c.source) if c.cell_type == "markdown" else c.source]
             for c in doc.cells]
    key = digest([FORMAT, sorted(doc.meta.macros.items()), cells])
    if store is not None:
        found = store.load(NAMESPACE, entry)
        if found is not None and found.get("key") == key:
            try:
                doc.items.extend(item_from_json(i, doc) for i in found["items"])
                return
            except (KeyError, TypeError, ValueError):
                store.note(store.path(NAMESPACE, entry), "not a list of verdicts")
    items, kept = _check(doc, store)
    doc.items.extend(items)
    if store is not None and kept:
        store.save(NAMESPACE, entry, {"key": key, "items": [i.to_json() for i in items]})


def prose_a_check_reads(markdown: str) -> list[str]:
    """The prose of a markdown cell a check may read: headings, and paragraphs near math."""
    paragraphs = _PARAGRAPHS.split(markdown)
    near: set[int] = set()
    for k, paragraph in enumerate(paragraphs):
        if _MATH.search(paragraph):
            near.update(range(k - NEAR, k + NEAR + 1))
    return [p if k in near else "\n".join(line for line in p.splitlines() if line.lstrip().startswith("#"))
            for k, p in enumerate(paragraphs)]


def _check(doc: Document, store: Store | None) -> tuple[list[Item], bool]:
    """The items, and whether they may be kept (a check that failed inside is tried again next build)."""
    if not any(True for _ in doc.all_math()):
        return [], True
    from ..crosschecks import CrossContext
    from ..crosschecks.registry import checks
    from ..derivations.reading import read_document_math

    context = CrossContext(doc, read_document_math(doc), store)
    items: list[Item] = []
    kept = True
    for name, load in checks():
        try:
            findings = load()(context)
        except Exception as exc:  # a bug in a check: named so the tests see it, never a verdict
            reason = CHECKER_FAILURE.say(error=f"{name}: {type(exc).__name__}")
            items.append(Item("consistency", "unchecked", reason, Position(str(doc.path), 1, 1),
                              detail={"check": name, "code": CHECKER_FAILURE.code}))
            kept = False
            continue
        for finding in findings:
            math = finding.math
            position = math.position
            if position is not None and finding.offset is not None:
                position = position_at(math.tex, finding.offset, position)
            detail = {"check": finding.check, **finding.detail}
            items.append(Item("consistency", finding.status, finding.message, position=position,
                              label=math.label, detail=detail))
    return items, kept


def item_from_json(data: dict[str, Any], doc: Document) -> Item:
    line = data["line"]
    position = None if line is None else Position(str(doc.path), int(line), int(data["column"] or 1),
                                                   data.get("cell"))
    status = data["status"]
    if status not in ("verified", "refuted", "unchecked") or data["kind"] != "consistency":
        raise ValueError(status)
    return Item("consistency", status, str(data["message"]), position=position, label=data.get("label"),
                detail=dict(data.get("detail") or {}))
