"""What a corpus run found, as rows and as the text the test session and the bench print."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from veritex.model import Item

from .corpora import CorpusRun
from .judgements import Judgements, Verdicts
from .tally import Row, format_reasons, format_table, reason_counts, seconds_summary, verdict_counts


def verdict_mode(run: CorpusRun) -> str | None:
    """The mode whose verdicts are shown: the check when it ran, else the page build."""
    return next((m for m in ("check", "html") if m in run.reports), None)


def rows(run: CorpusRun, judgements: Judgements) -> list[Row]:
    """One row per document, from whatever builds the run made."""
    mode = verdict_mode(run)
    if mode is None:
        return []
    alarms = Verdicts.sort(run.verdicts(mode), judgements).false_alarms_by_doc()
    raw = run.raw() if "html" in run.reports else {}
    timed = run.reports.get("check")
    seconds = {run.doc_name(d): d.seconds for d in timed.documents} if timed else {}
    return [Row(name, verdict_counts(d.items), alarms.get(name, 0), raw.get(name), seconds.get(name))
            for d in run.report(mode).documents for name in [run.doc_name(d)]]


def reason_codes(items: Iterable[Item]) -> Counter[str]:
    """Unchecked identity steps counted by the code of their listed reason."""
    counter: Counter[str] = Counter()
    for item in items:
        if item.kind != "identity" or item.status != "unchecked" or not item.detail:
            continue
        codes = [s.get("code") for s in item.detail.get("steps", []) if s.get("status") == "unchecked"]
        counter.update(str(c) for c in (codes or [item.detail.get("code")]) if c)
    return counter


def summary(run: CorpusRun, judgements: Judgements) -> str:
    """The per-document table, the ten most common unchecked reasons, false alarms by class, the real
    mistakes caught and the verdicts no one judged."""
    mode = verdict_mode(run)
    if mode is None:
        return f"{run.name}: nothing was built"
    sorted_verdicts = Verdicts.sort(run.verdicts(mode), judgements)
    table_rows = rows(run, judgements)
    reasons: Counter[str] = reason_counts(i for d in run.report(mode).documents for i in d.items)
    walls = ", ".join(f"{m} {s:.1f} s" for m, s in run.wall_seconds.items())
    counted = len(sorted_verdicts.caught) + len(sorted_verdicts.missed)
    lines = [
        f"== {run.name} ({run.folder}): {len(table_rows)} documents, verdicts from `{mode}`; "
        f"wall time per build: {walls}",
        format_table(table_rows),
    ]
    if "check" in run.reports:
        lines.append(seconds_summary({r.doc: r.seconds for r in table_rows if r.seconds is not None})
                     + f" (jobs={run.jobs})")
    lines += [
        "ten most common unchecked reasons (items giving each):",
        format_reasons(reasons),
        "unchecked steps by listed reason (docs/unchecked-reasons.md): " + ", ".join(
            f"{code} {n}" for code, n in reason_codes(i for d in run.report(mode).documents
                                                      for i in d.items).most_common()),
        "false alarms by class: " + (", ".join(f"{k} {n}" for k, n in
                                                sorted_verdicts.false_alarms_by_class().items()) or "none"),
        f"real mistakes refuted: {len(sorted_verdicts.caught)} of {counted}",
        f"refuted or error verdicts nobody judged: {len(sorted_verdicts.unjudged)}",
        *(f"  {v.describe()}" for v in sorted_verdicts.unjudged),
    ]
    return "\n".join(lines)
