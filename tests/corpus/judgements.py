"""What was judged by hand, and which judgement a verdict falls under.

Three files hold judgements, none of them written by a test:
- `<corpus>/JUDGED.json` (shared, read-only): every refuted or error verdict veritex once gave, judged
  (`judgement`: `false_alarm`, or a real mistake), with `doc`, `line`, `column` or, in notebooks, `cell`;
- `<corpus>/MISTAKES.json` (shared, read-only): the real mistakes found by reading, `mistakes` (counted) and
  `doubtful` (counted neither way), each with its `line` (and perhaps `veritex_line`, `error_line`);
- `tests/corpus/judged_here.json`: this project's own judgements of verdicts that neither shared file
  records, per corpus folder: `doc`, `line` (and `column`, `cell`), `status`, `message`, `judgement`, `why`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from veritex.model import Item

JUDGED_HERE = Path(__file__).with_name("judged_here.json")
FALSE_ALARM = "false_alarm"
BROKEN = ("refuted", "error")
# A formula's column may name its first character or its delimiter (`$$` is two wide): columns this close
# are the same formula.
COLUMN_SLACK = 2


@dataclass(frozen=True)
class Verdict:
    """A refuted or error item of one document, where it points and what it says."""

    doc: str  # relative to the corpus folder, as the judgement files write it
    status: str
    kind: str
    line: int | None
    column: int | None
    cell: int | None
    message: str

    @classmethod
    def of(cls, doc: str, item: Item) -> Verdict:
        pos = item.position
        return cls(doc, item.status, item.kind, pos.line if pos else None, pos.column if pos else None,
                   pos.cell if pos else None, item.message)

    def where(self) -> str:
        cell = f"cell {self.cell}:" if self.cell is not None else ""
        return f"{self.doc}:{cell}{self.line}:{self.column}"

    def describe(self) -> str:
        return f"{self.where()}: {self.status} {self.kind}: {self.message[:200]}"


@dataclass(frozen=True)
class Judgement:
    """One judged verdict: a false alarm or a real mistake, and where it was seen."""

    doc: str
    line: int
    column: int | None
    cell: int | None
    judgement: str
    why: str
    klass: str  # the JUDGED.json `class` (what went wrong), or "" when none was given
    source: str  # the file that records it

    @property
    def false_alarm(self) -> bool:
        return self.judgement == FALSE_ALARM


@dataclass(frozen=True)
class Mistake:
    """A real mistake found by reading: a refuted verdict anywhere in its lines catches it."""

    doc: str
    cell: int | None
    first_line: int
    last_line: int
    kind: str
    why: str
    doubtful: bool

    def caught_by(self, verdict: Verdict) -> bool:
        return (verdict.status == "refuted" and verdict.doc == self.doc and verdict.cell == self.cell
                and verdict.line is not None and self.first_line <= verdict.line <= self.last_line)

    def where(self) -> str:
        cell = f"cell {self.cell}:" if self.cell is not None else ""
        return f"{self.doc}:{cell}{self.first_line}"


def _int(value: Any) -> int | None:
    return None if value is None or value == "" else int(value)


def _judgement(entry: dict[str, Any], source: str) -> Judgement:
    return Judgement(doc=entry["doc"], line=int(entry["line"]), column=_int(entry.get("column")),
                     cell=_int(entry.get("cell")), judgement=entry["judgement"], why=entry.get("why", ""),
                     klass=entry.get("class", ""), source=source)


def _mistake(entry: dict[str, Any], doubtful: bool) -> Mistake:
    lines = [int(entry[k]) for k in ("line", "veritex_line", "error_line") if _int(entry.get(k)) is not None]
    first = min(lines)
    last = max(*lines, int(entry["line"]) + str(entry.get("formula", "")).count("\n"))
    return Mistake(doc=entry["doc"], cell=_int(entry.get("cell")), first_line=first, last_line=last,
                   kind=str(entry.get("kind") or entry.get("class") or ""), why=entry.get("why", ""),
                   doubtful=doubtful)


@dataclass
class Judgements:
    """All judgements about one corpus folder."""

    judged: list[Judgement]
    mistakes: list[Mistake]
    documents: list[str]  # the documents the shared files were made from

    @classmethod
    def load(cls, folder: Path, here: Path = JUDGED_HERE) -> Judgements:
        shared = json.loads((folder / "JUDGED.json").read_text())
        judged = [_judgement(e, "JUDGED.json") for e in shared["judged"]]
        own = json.loads(here.read_text()) if here.exists() else {}
        judged += [_judgement(e, here.name) for e in own.get(folder.name, {}).get("judged", [])]
        mistakes_file = folder / "MISTAKES.json"
        mistakes: list[Mistake] = []
        if mistakes_file.exists():
            recorded = json.loads(mistakes_file.read_text())
            mistakes = [_mistake(e, False) for e in recorded.get("mistakes", [])]
            mistakes += [_mistake(e, True) for e in recorded.get("doubtful", [])]
        return cls(judged, mistakes, sorted(shared.get("documents", {})))

    def judgement_for(self, verdict: Verdict) -> Judgement | None:
        """The judgement recorded at the verdict's place: same document, cell and line, and the nearest
        column within `COLUMN_SLACK` when both sides have one."""
        same_line = [j for j in self.judged
                     if j.doc == verdict.doc and j.cell == verdict.cell and j.line == verdict.line]

        def distance(j: Judgement) -> int:
            return 0 if j.column is None or verdict.column is None else abs(j.column - verdict.column)

        near = [j for j in same_line if distance(j) <= COLUMN_SLACK]
        return min(near, key=distance) if near else None

    def mistake_for(self, verdict: Verdict) -> Mistake | None:
        return next((m for m in self.mistakes if m.caught_by(verdict)), None)

    def counted_mistakes(self) -> list[Mistake]:
        """The real mistakes that count: `MISTAKES.json`'s `mistakes`, plus verdicts judged here or in
        `JUDGED.json` as real mistakes."""
        own = [Mistake(j.doc, j.cell, j.line, j.line, j.klass, j.why, False)
               for j in self.judged if not j.false_alarm]
        return [m for m in self.mistakes if not m.doubtful] + own


@dataclass
class Verdicts:
    """The broken verdicts of one build, sorted by what the judgements say of them."""

    false_alarms: list[tuple[Verdict, Judgement]]
    catches: list[tuple[Verdict, Judgement | Mistake]]  # refuted where a real mistake is recorded
    unjudged: list[Verdict]
    missed: list[Mistake]  # counted real mistakes that no refuted verdict catches
    caught: list[Mistake]

    @classmethod
    def sort(cls, verdicts: Iterable[Verdict], judgements: Judgements) -> Verdicts:
        false_alarms: list[tuple[Verdict, Judgement]] = []
        catches: list[tuple[Verdict, Judgement | Mistake]] = []
        unjudged: list[Verdict] = []
        broken = [v for v in verdicts if v.status in BROKEN]
        for verdict in broken:
            judged = judgements.judgement_for(verdict)
            if judged is not None:
                if judged.false_alarm:
                    false_alarms.append((verdict, judged))
                elif verdict.status == "refuted":
                    catches.append((verdict, judged))
                # else: judged a real mistake, seen as an error: judged, but no catch
            elif (mistake := judgements.mistake_for(verdict)) is not None:  # refuted where a mistake is
                catches.append((verdict, mistake))
            else:
                unjudged.append(verdict)
        counted = judgements.counted_mistakes()
        caught = [m for m in counted if any(m.caught_by(v) for v in broken)]
        missed = [m for m in counted if m not in caught]
        return cls(false_alarms, catches, unjudged, missed, caught)

    def false_alarms_by_doc(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for verdict, _ in self.false_alarms:
            counts[verdict.doc] = counts.get(verdict.doc, 0) + 1
        return counts

    def false_alarms_by_class(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _, judged in self.false_alarms:
            name = judged.klass or "unclassified"
            counts[name] = counts.get(name, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
