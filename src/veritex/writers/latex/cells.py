"""Code cells to LaTeX: the highlighted source with the document's line numbers, a marked line when the
run did not simply succeed, and the outputs (streams and errors verbatim, images as files beside the
`.tex`, `text/latex` as LaTeX, verdicts as marked lines)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...model import VERDICT_MIME, CodeCell
from ..outputs import merge_streams
from .escape import escape, verbatim_safe
from .verdicts import verdict_line, verdict_output

if TYPE_CHECKING:
    from .document import LatexState

_LATEX_MATH = re.compile(r"^\s*(\$\$|\$|\\\[|\\\()(.*?)(\$\$|\$|\\\]|\\\))\s*$", re.DOTALL)
_IMAGES = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _verbatim(text: str, style: str) -> str:
    text = verbatim_safe(text).rstrip("\n")
    if not text.strip():
        return ""
    return f"\\begin{{Verbatim}}[{style}]\n{text}\n\\end{{Verbatim}}\n"


OUTPUT_STYLE = r"fontsize=\small,formatcom=\color{vtoutput},breaklines"
ERROR_STYLE = r"fontsize=\small,formatcom=\color{vterror},breaklines"


def _facts(cell: CodeCell) -> dict[str, Any]:
    facts = cell.metadata.get("veritex") if isinstance(cell.metadata, dict) else None
    return facts if isinstance(facts, dict) else {}


def _note(cell: CodeCell, runs: bool) -> str:
    """One marked line on how the run went, when it did not simply succeed."""
    facts = _facts(cell)
    status = str(facts.get("status") or ("ok" if runs else "not-run"))
    error_line = facts.get("error_line")
    where = f" at line {cell.position.line + error_line - 1}" if isinstance(error_line, int) else ""
    if status == "error" and cell.raises_ok:
        return verdict_line("unchecked", "cell", "raised an exception, as this cell is marked to")
    notes = {
        "error": ("error", f"raised an exception{where}; the cells after it still ran"),
        "timeout": ("error", f"stopped: it ran past its time limit{where}; the cells after it still ran"),
        "dead": ("error", "the kernel died while running this cell"),
        "skipped": ("warning", "not run: an earlier cell failed and the build is strict"),
    }
    if status in notes:
        kind, message = notes[status]
        return verdict_line(kind, "cell", message)
    return ""


def code_cell(cell: CodeCell, state: LatexState) -> str:
    runs = cell.execute and state.doc.meta.execute
    parts = [state.code.block(cell.source, cell.language, first_line=cell.position.line), _note(cell, runs)]
    for output in merge_streams(cell.outputs):
        parts.append(output_tex(output, state))
    return "".join(parts) + "\n"


def output_tex(output: Mapping[str, Any], state: LatexState) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        style = ERROR_STYLE if output.get("name") == "stderr" else OUTPUT_STYLE
        return _verbatim(_text(output.get("text", "")), style)
    if kind == "error":
        head = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
        trace = "\n".join(_text(line) for line in output.get("traceback") or [])
        return _verbatim(trace if trace.strip() else head, ERROR_STYLE)
    if kind in ("display_data", "execute_result"):
        data = output.get("data") or {}
        return bundle_tex(data if isinstance(data, Mapping) else {}, state)
    return ""


def bundle_tex(data: Mapping[str, Any], state: LatexState) -> str:
    """The best form of a rich output LaTeX can show."""
    if VERDICT_MIME in data:
        payload = data[VERDICT_MIME]
        return verdict_output(payload if isinstance(payload, Mapping) else {})
    for mime in ("application/pdf", "image/svg+xml", "image/png", "image/jpeg"):
        if mime in data:
            included = state.output_image(mime, data)
            if included:
                return included
    if "text/latex" in data:
        match = _LATEX_MATH.match(_text(data["text/latex"]))
        if match and match.group(2).strip():
            return f"\\[{match.group(2).strip()}\\]\n"
    text = _text(data.get("text/plain", ""))
    return _verbatim(text, OUTPUT_STYLE) if text else ""


def image_suffix(mime: str) -> str:
    return _IMAGES.get(mime, ".bin")


__all__ = ["bundle_tex", "code_cell", "escape", "output_tex"]
