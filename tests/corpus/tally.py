"""Per-document counts, the unchecked reasons grouped, and the tables the corpus test and the bench print."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from veritex.model import Item

from .rawtext import COUNTS, RawCounts, total

STATUSES = ("verified", "refuted", "error", "unchecked")


@dataclass
class Row:
    """One document: its verdicts, false alarms, the markup its page shows as text, its check time."""

    doc: str
    counts: dict[str, int]  # items and each of STATUSES
    false_alarms: int | None = None
    raw: RawCounts | None = None
    seconds: float | None = None


def verdict_counts(items: Iterable[Item]) -> dict[str, int]:
    """Items that carry a verdict or an error, by status (`items` is their sum)."""
    counts = Counter(i.status for i in items if i.status in STATUSES)
    return {"items": sum(counts.values()), **{s: counts[s] for s in STATUSES}}


# -- unchecked reasons --------------------------------------------------------------------------------------

_UNCHECKED_STEP = re.compile(r"^step (?:row \d+, )?\d+ → \d+ unchecked: (.*)$", re.S)
_SUBJECT = re.compile(r"^.*? (is|are) (never defined|only named here|defined by a recurrence)")
_NOT_INVOLVED = re.compile(r"^\S+ as the formula at (?:cell \d+, )?line \d+ defines it does not involve .*? \(")
_TEXT = re.compile(r"\\(text\w*|mathrm|operatorname)\{[^}]*\}")
_EXCEPTION = re.compile(r"\((\w+(?:Error|Exception|Warning))\b.*\)$")


def normalise_reason(reason: str) -> str:
    """A reason with its symbol names, places and numbers taken out, so that reasons of one kind group."""
    text = _EXCEPTION.sub(r"(\1)", reason.strip())
    text = _SUBJECT.sub(r"<name> \1 \2", text)
    text = _NOT_INVOLVED.sub("<name> as its formula defines it does not involve <names> (", text)
    text = re.sub(r" at (?:cell \d+, )?\d+:\d+", "", text)
    text = _TEXT.sub(lambda m: "\\" + m.group(1) + "{…}", text)
    text = re.sub(r"\d+(?:\.\d+)?", "N", text)
    return re.sub(r"\s+", " ", text)


def unchecked_reasons(message: str) -> set[str]:
    """The distinct normalised reasons of one unchecked verdict (a derivation gives one per step)."""
    reasons: set[str] = set()
    for part in re.split(r"; (?=step )", message):
        step = _UNCHECKED_STEP.match(part)
        if step:
            part = step.group(1)
        elif part.startswith("step "):  # a step verified or failing is no reason
            continue
        # One step may give several reasons; an exception's own text may hold "; " too.
        reasons.update(normalise_reason(r) for r in _EXCEPTION.sub(r"(\1)", part).split("; "))
    return reasons


def reason_counts(items: Iterable[Item]) -> Counter[str]:
    """How many unchecked items give each reason."""
    counter: Counter[str] = Counter()
    for item in items:
        if item.status == "unchecked":
            counter.update(unchecked_reasons(item.message))
    return counter


def format_reasons(counter: Counter[str], top: int = 10) -> str:
    lines = [f"{n:5d}  {reason[:150]}" for reason, n in counter.most_common(top)]
    return "\n".join(lines) if lines else "    (none)"


# -- tables -------------------------------------------------------------------------------------------------

_HEADERS = ("items", "verified", "refuted", "error", "unchecked", "false alarms", *COUNTS, "seconds")


def _cells(row: Row) -> list[str]:
    raw = row.raw.as_dict() if row.raw is not None else {}
    return ([str(row.counts[k]) for k in ("items", *STATUSES)]
            + ["-" if row.false_alarms is None else str(row.false_alarms)]
            + [str(raw[k]) if k in raw else "-" for k in COUNTS]
            + ["-" if row.seconds is None else f"{row.seconds:.2f}"])


def total_row(rows: Sequence[Row], name: str = "total") -> Row:
    counts = {k: sum(r.counts[k] for r in rows) for k in ("items", *STATUSES)}
    alarms = [r.false_alarms for r in rows if r.false_alarms is not None]
    raws = [r.raw for r in rows if r.raw is not None]
    seconds = [r.seconds for r in rows if r.seconds is not None]
    return Row(name, counts, sum(alarms) if alarms else None, total(raws) if raws else None,
               sum(seconds) if seconds else None)


def format_table(rows: Sequence[Row]) -> str:
    """A fixed-width table, one document a line, then the totals."""
    body = [[r.doc, *_cells(r)] for r in [*rows, total_row(rows)]]
    header = ["document", *_HEADERS]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    fmt = [f"{{:<{widths[0]}}}"] + [f"{{:>{w}}}" for w in widths[1:]]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(f.format(c) for f, c in zip(fmt, cells, strict=True))

    rule = "-" * len(line(header))
    return "\n".join([line(header), rule, *map(line, body[:-1]), rule, line(body[-1])])


def seconds_summary(seconds: Mapping[str, float]) -> str:
    """Median and maximum seconds per document, naming the slowest."""
    if not seconds:
        return "no document timed"
    slowest = max(seconds, key=lambda d: seconds[d])
    return (f"seconds per document: median {statistics.median(seconds.values()):.2f}, "
            f"max {seconds[slowest]:.2f} ({slowest}), over {len(seconds)} documents")
