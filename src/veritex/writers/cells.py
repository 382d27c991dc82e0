"""A code cell as the page template sees it: highlighted source, how its run went, rendered outputs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..model import CodeCell, Document
from .highlight import code_block
from .outputs import merge_streams, render_output
from .state import PageState


@dataclass
class CellView:
    id: str
    source_html: str
    state: str  # ok | error | expected-error | timeout | dead | skipped | not-run
    note: str = ""  # one line on how the run went, when it did not simply succeed
    outputs: list[str] = field(default_factory=list)
    language: str = "python"


def _facts(cell: CodeCell) -> dict[str, Any]:
    metadata = getattr(cell, "metadata", None)
    facts = metadata.get("veritex") if isinstance(metadata, dict) else None
    return facts if isinstance(facts, dict) else {}


def _error_ename(cell: CodeCell) -> str:
    error: dict[str, Any] = next((o for o in reversed(cell.outputs) if o.get("output_type") == "error"), {})
    return str(error.get("ename") or "an exception")


def _seconds(value: float | None) -> str:
    if value is None:
        return "its time limit"
    text = re.sub(r"\.0+$", "", f"{value:g}")
    return f"{text} s"


def cell_view(cell: CodeCell, doc: Document, page: PageState) -> CellView:
    facts = _facts(cell)
    runs = cell.execute and doc.meta.execute
    status = str(facts.get("status") or ("ok" if runs else "not-run"))
    error_line = facts.get("error_line")
    marked = {cell.position.line + int(error_line) - 1} if isinstance(error_line, int) else set()
    first_line = cell.position.line
    view = CellView(
        id=page.cell_id(cell),
        source_html=code_block(cell.source, cell.language, first_line=first_line, marked=marked,
                               cache=page.highlights),
        state=status,
        language=cell.language,
    )
    where = f" at line {min(marked)}" if marked else ""
    error_class = ""
    if status == "error" and cell.raises_ok:
        view.state, view.note = "expected-error", f"raised {_error_ename(cell)}, as this cell is marked to"
        error_class = "vt-expected"
    elif status == "error":
        view.note = f"raised {_error_ename(cell)}{where}; the cells after it still ran"
    elif status == "timeout":
        view.note = (f"stopped: it ran longer than {_seconds(doc.meta.timeout)}{where}; "
                     "the cells after it still ran")
        error_class = "vt-timeout"
    elif status == "dead":
        view.note = "the kernel died while running this cell; the cells after it ran in a restarted kernel"
        error_class = "vt-dead"
    elif status == "skipped":
        view.note = "not run: an earlier cell failed and the build is strict"
    elif status == "not-run":
        view.note = "shown, not run"
    view.outputs = [html for o in merge_streams(cell.outputs) if (html := render_output(o, error_class=error_class))]
    return view
