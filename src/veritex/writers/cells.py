"""A code cell as the page template sees it: highlighted source, how its run went, rendered outputs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model import CodeCell, Document
from .highlight import code_block
from .outputs import merge_streams, render_output
from .state import PageState

DEFAULT_MAX_OUTPUT_SIZE = 2 * 1024**2  # bytes of one output shown in a page
DEFAULT_MAX_PAGE_SIZE = 20 * 1024**2  # bytes of all the outputs shown in a page


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
    view.outputs = [html for o in merge_streams(cell.outputs)
                     if (html := _bounded_output(o, doc, page, error_class))]
    return view


def _size(value: Any) -> int:
    """Characters of text an output carries (its data, its stream text, its traceback)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(_size(v) for v in value.values())
    if isinstance(value, list):
        return sum(_size(v) for v in value)
    return 0


def _bounded_output(output: Mapping[str, Any], doc: Document, page: PageState, error_class: str) -> str:
    """The output as HTML, cut to the page's limits (one output, all outputs) with a note that says so;
    the whole output stays in the execution cache."""
    per_output = doc.meta.max_output_size or DEFAULT_MAX_OUTPUT_SIZE
    per_page = doc.meta.max_page_size or DEFAULT_MAX_PAGE_SIZE
    size = _size(output.get("data") or output.get("text") or output.get("traceback") or "")
    room = min(per_output, per_page - page.output_bytes)
    if size <= room:
        page.output_bytes += size
        return render_output(output, error_class=error_class, trusted=doc.meta.trust)
    from ..cache.prune import format_size as _mb  # only for a page that cuts an output

    which = (f"the limit of {_mb(per_output)} per output (`max_output_size`)" if size > per_output
             else f"the limit of {_mb(per_page)} of outputs per page (`max_page_size`)")
    note = (f'<p class="vt-truncated">output truncated: {_mb(size)}, over {which}; set in the front matter or '
            "on the command line; the full output is kept in the build's cache</p>")
    shown = ""
    if output.get("output_type") == "stream" and room > 0:
        text = output.get("text")
        text = "".join(text) if isinstance(text, list) else str(text or "")
        shown = render_output({**output, "text": text[:room]}, error_class=error_class)
        page.output_bytes += room
    return shown + note
