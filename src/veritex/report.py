"""The build report: per document, the items stages found, and the totals a user reads first."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import VERDICT_KINDS, Item, Position

BROKEN = ("error", "refuted")


@dataclass
class DocumentReport:
    path: Path
    output: Path | None = None
    title: str | None = None
    items: list[Item] = field(default_factory=list)
    cells_run: int = 0
    cache_hit: bool = False
    skipped: bool = False  # unchanged since the last build: nothing was done
    seconds: float = 0.0
    outputs: dict[str, list[Path]] = field(default_factory=dict)  # format -> files written or up to date
    # The outputs this build still has to write (`veritex.formats.Target`s): set when the document is read.
    pending: list[Any] = field(default_factory=list, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not any(i.status in BROKEN for i in self.items)

    def counts(self) -> Counter[str]:
        return Counter(i.status for i in self.items if i.kind in VERDICT_KINDS or i.status in BROKEN + ("warning",))

    def to_json(self) -> dict[str, Any]:
        return {
            "document": str(self.path),
            "output": str(self.output) if self.output else None,
            "outputs": {name: [str(p) for p in paths] for name, paths in self.outputs.items()},
            "title": self.title,
            "cells_run": self.cells_run,
            "cache_hit": self.cache_hit,
            "skipped": self.skipped,
            "seconds": round(self.seconds, 3),
            "items": [i.to_json() for i in self.items],
        }


@dataclass
class Report:
    documents: list[DocumentReport] = field(default_factory=list)
    index: Path | None = None  # the contents page of a build of several documents

    @property
    def ok(self) -> bool:
        return all(d.ok for d in self.documents)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def items(self) -> list[Item]:
        return [i for d in self.documents for i in d.items]

    def totals(self) -> dict[str, int]:
        verdicts = Counter(i.status for i in self.items() if i.kind in VERDICT_KINDS)
        return {
            "documents": len(self.documents),
            "cells_run": sum(d.cells_run for d in self.documents),
            "cache_hits": sum(d.cache_hit for d in self.documents),
            "skipped": sum(d.skipped for d in self.documents),
            "verified": verdicts["verified"],
            "refuted": verdicts["refuted"],
            "unchecked": verdicts["unchecked"],
            "errors": sum(i.status == "error" for i in self.items()),
            "warnings": sum(i.status == "warning" for i in self.items()),
        }


def item_to_record(item: Item) -> dict[str, Any]:
    """Everything needed to rebuild the item (the JSON report leaves the file out)."""
    record = item.to_json()
    if item.position:
        record["file"] = item.position.file
    return record


def item_from_record(record: dict[str, Any]) -> Item:
    position = None
    if record.get("line") is not None:
        position = Position(record.get("file", ""), record["line"], record.get("column") or 1, record.get("cell"))
    return Item(
        kind=record["kind"],
        status=record["status"],
        message=record.get("message", ""),
        position=position,
        label=record.get("label"),
        detail=record.get("detail") or {},
    )
