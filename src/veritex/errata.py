"""The errata of a book: only the refuted formulas of a build report, each with its place, the reason,
the evidence and the likely fix when the checker has one; written as one HTML page and JSON."""

from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .fsutil import atomic_write_text
from .model import Item
from .report import Report


@dataclass(frozen=True)
class Erratum:
    place: str  # "file:line" (with the cell for a notebook: "file:cell 4:line 3")
    kind: str  # the verdict's kind: "identity", "check", "expect"
    reason: str  # one sentence, the checker's own
    evidence: list[str] = field(default_factory=list)  # values, steps, the source line it contradicts
    source: str | None = None  # the line of the document that states the formula
    fix: str | None = None  # the likely correction, when the checker has a diagnosis
    label: str | None = None


@dataclass
class Errata:
    entries: list[Erratum] = field(default_factory=list)
    documents: int = 0  # documents read to find them

    def to_json(self) -> dict[str, Any]:
        return {"documents": self.documents, "refuted": len(self.entries),
                "errata": [{k: v for k, v in asdict(e).items() if v not in (None, [])} for e in self.entries]}

    def text(self) -> str:
        """The summary a terminal shows: one line per erratum."""
        lines = [f"{len(self.entries)} refuted formula{'s' if len(self.entries) != 1 else ''} "
                 f"in {self.documents} document{'s' if self.documents != 1 else ''}"]
        for e in self.entries:
            lines.append(f"  {e.place}: {e.reason}" + (f" (fix: {e.fix})" if e.fix else ""))
        return "\n".join(lines)

    def to_html(self, title: str = "Errata") -> str:
        rows = []
        for e in self.entries:
            evidence = "".join(f"<li>{html.escape(x)}</li>" for x in e.evidence)
            source = f"<pre>{html.escape(e.source)}</pre>" if e.source else ""
            fix = f"<p class=\"fix\"><b>Likely fix:</b> {html.escape(e.fix)}</p>" if e.fix else ""
            rows.append(f"<section class=\"erratum\"><h2>{html.escape(e.place)}</h2>{source}"
                        f"<p class=\"reason\">{html.escape(e.reason)}</p>"
                        f"{f'<ul>{evidence}</ul>' if evidence else ''}{fix}</section>")
        body = "\n".join(rows) or "<p>No formula is refuted.</p>"
        return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}"
                f"</title><style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
                f"<p>{len(self.entries)} refuted in {self.documents} documents.</p>\n{body}\n</body></html>\n")

    def write(self, outdir: Path) -> list[Path]:
        """`errata.html` and `errata.json` under `outdir`, written atomically."""
        outdir.mkdir(parents=True, exist_ok=True)
        page, data = outdir / "errata.html", outdir / "errata.json"
        atomic_write_text(page, self.to_html())
        atomic_write_text(data, json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n")
        return [page, data]


_STYLE = ("body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}"
          "h2{font-size:1rem;font-family:monospace}.erratum{border-left:3px solid #c0392b;padding-left:1rem;"
          "margin:1.5rem 0}pre{background:#f6f6f6;padding:.5rem;overflow-x:auto;white-space:pre-wrap}"
          ".fix{color:#1e6b33}")


def errata(report: Report) -> Errata:
    """Every refuted item of `report`, in document order."""
    out = Errata(documents=len(report.documents))
    for doc in report.documents:
        lines = _source_lines(doc.path)
        for item in doc.items:
            if item.status == "refuted":
                out.entries.append(_erratum(doc.path, item, lines))
    return out


def _erratum(path: Path, item: Item, lines: dict[int | None, list[str]]) -> Erratum:
    pos = item.position
    place = str(path)
    source = None
    if pos is not None:
        place += f":cell {pos.cell}:{pos.line}" if pos.cell is not None else f":{pos.line}"
        cell_lines = lines.get(pos.cell, [])
        if 0 < pos.line <= len(cell_lines):
            source = cell_lines[pos.line - 1].strip() or None
    steps = [s for s in item.detail.get("steps", []) if isinstance(s, dict)]
    evidence = [_step_evidence(s) for s in steps if s.get("status") == "refuted"] + _finding_evidence(item.detail)
    fixes = [str(s["fix"]) for s in steps if s.get("fix")]
    reason = item.message or "refuted"
    return Erratum(place, item.kind, reason, [e for e in evidence if e], source,
                   item.detail.get("fix") or ("; ".join(fixes) or None), item.label)


def _step_evidence(step: dict[str, Any]) -> str:
    parts = [f"step {step.get('step', '?')}"]
    if step.get("point"):
        parts.append("at " + ", ".join(f"{k} = {v:.6g}" for k, v in step["point"].items()))
    if step.get("lhs") is not None and step.get("rhs") is not None:
        parts.append(f"left side {step['lhs']:.6g}, right side {step['rhs']:.6g}")
    if step.get("reason"):
        parts.append(str(step["reason"]))
    if step.get("uses"):
        parts.append("with " + ", ".join(step["uses"]))
    return ": ".join(parts[:2]) + ("; " + "; ".join(parts[2:]) if len(parts) > 2 else "")


def _finding_evidence(detail: dict[str, Any]) -> list[str]:
    """A cross-check's evidence: what the formula was held against, the values, the reference."""
    out = []
    if detail.get("against"):
        out.append(f"against {detail['against']}")
    values = detail.get("values")
    if isinstance(values, dict) and values:
        out.append("at " + ", ".join(f"{k} = {v:.6g}" if isinstance(v, int | float) else f"{k} = {v}"
                                     for k, v in values.items()))
    if detail.get("reference"):
        out.append(f"reference: {detail['reference']}")
    return out


def _source_lines(path: Path) -> dict[int | None, list[str]]:
    """The document's lines, keyed by cell for a notebook (None for a text document); empty when unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    if path.suffix != ".ipynb":
        return {None: text.splitlines()}
    try:
        cells = json.loads(text).get("cells", [])
    except (ValueError, AttributeError):
        return {}
    out: dict[int | None, list[str]] = {}
    for k, cell in enumerate(cells):
        source = cell.get("source", "") if isinstance(cell, dict) else ""
        out[k] = ("".join(source) if isinstance(source, list) else str(source)).splitlines()
    return out
