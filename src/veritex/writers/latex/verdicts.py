"""Verdicts as one short marked line: under the formula they are about, or in place of a verdict output
under a code cell. The `\\vtverdict` command is defined in the preamble."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ...model import Item
from .escape import escape

SHORT_LIMIT = 160
_TICKED = re.compile(r"`([^`\n]+)`")


def message_tex(message: str) -> str:
    """A report message's first line as LaTeX: escaped, `quoted` TeX and code set as code, shortened."""
    first = message.strip().split("\n", 1)[0]
    if len(first) > SHORT_LIMIT:
        first = first[: SHORT_LIMIT - 1].rstrip() + "…"
    parts = _TICKED.split(first)
    return "".join(f"\\texttt{{{escape(part)}}}" if index % 2 else escape(part) for index, part in enumerate(parts))


def verdict_line(status: str, kind: str, message: str, label: str | None = None) -> str:
    status = status if status in ("verified", "refuted", "unchecked", "error", "warning") else "error"
    named = f"\\texttt{{{escape(label)}}} " if label else ""
    return f"\\vtverdict{{{status}}}{{{escape(kind)}}}{{{named}{message_tex(message)}}}\n"


def verdict_lines(items: Sequence[Item]) -> str:
    return "".join(verdict_line(item.status, item.kind, item.message) for item in items)


def verdict_output(payload: Mapping[str, Any]) -> str:
    """A verdict the kernel published (`vt.expect`, `vt.check`, ...)."""
    label = payload.get("label")
    return verdict_line(str(payload.get("status") or "error"), str(payload.get("kind") or "expect"),
                        str(payload.get("message") or ""), str(label) if label else None)
