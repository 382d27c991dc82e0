"""The counts the corpus may never fall behind: false alarms and markup shown as text per document (only
down), real mistakes refuted per folder (only up). `baseline.json` is written by `make_baseline.py`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .corpora import MODES, CorpusRun
from .judgements import Judgements, Verdicts
from .rawtext import COUNTS

BASELINE = Path(__file__).with_name("baseline.json")
LOWER_IS_BETTER = ("false_alarms", *COUNTS)


def load(path: Path = BASELINE) -> dict[str, Any]:
    return json.loads(path.read_text()) if path.exists() else {}


def measure(run: CorpusRun, judgements: Judgements) -> dict[str, Any]:
    """Today's counts of one folder: false alarms (the most either mode gave) and markup on each page, and
    the real mistakes refuted (the fewest either mode refuted)."""
    documents: dict[str, dict[str, int]] = {}
    caught: list[int] = []
    for mode in MODES:
        verdicts = Verdicts.sort(run.verdicts(mode), judgements)
        alarms = verdicts.false_alarms_by_doc()
        for doc in (run.doc_name(d) for d in run.report(mode).documents):
            entry = documents.setdefault(doc, {"false_alarms": 0})
            entry["false_alarms"] = max(entry["false_alarms"], alarms.get(doc, 0))
        caught.append(len(verdicts.caught))
    for doc, raw in run.raw().items():
        documents.setdefault(doc, {"false_alarms": 0}).update(raw.as_dict())
    return {"mistakes_caught": min(caught), "documents": dict(sorted(documents.items()))}


def merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Today's counts, never worse than the old baseline's."""
    merged = {"mistakes_caught": max(new["mistakes_caught"], old.get("mistakes_caught", 0)), "documents": {}}
    for doc, counts in new["documents"].items():
        before = old.get("documents", {}).get(doc, {})
        merged["documents"][doc] = {k: min(v, before.get(k, v)) for k, v in counts.items()}
    return merged


@dataclass
class Change:
    doc: str
    count: str
    baseline: int
    now: int

    def __str__(self) -> str:
        return f"{self.doc}: {self.count} {self.baseline} -> {self.now}"


def compare(baseline: dict[str, Any], doc: str, counts: dict[str, int]) -> tuple[list[Change], list[Change]]:
    """(worse, better) for one document's lower-is-better counts; a document the baseline lacks starts at 0."""
    before = baseline.get("documents", {}).get(doc, {})
    changes = [Change(doc, k, before.get(k, 0), v) for k, v in counts.items() if k in LOWER_IS_BETTER]
    return [c for c in changes if c.now > c.baseline], [c for c in changes if c.now < c.baseline]
