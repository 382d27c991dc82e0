"""Verdict badges: beside a checked formula, and in place of a verdict output under a code cell."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

from ..evidence import detail_lines, plain
from ..model import Item

SYMBOLS = {"verified": "✓", "refuted": "✗", "unchecked": "?", "error": "!", "warning": "!"}
SHORT_LIMIT = 80


_TICKED = re.compile(r"`([^`\n]+)`")


def message_html(message: str) -> Markup:
    """A report message as HTML: escaped, with `quoted` TeX and code set as code."""
    escaped = html.escape(message, quote=False)
    return Markup(_TICKED.sub(lambda m: f"<code>{m.group(1)}</code>", escaped))


def _short(message: str) -> str:
    first = message.strip().split("\n", 1)[0]
    return first if len(first) <= SHORT_LIMIT else first[: SHORT_LIMIT - 1].rstrip() + "…"


def _detail_html(detail: Any) -> str:
    """Evidence (steps, worst input, both values, ...) as a small definition list of readable lines."""
    if detail in (None, {}, [], ""):
        return ""
    if not isinstance(detail, Mapping):
        return f'<pre class="vt-detail">{html.escape(plain(detail))}</pre>'
    rows = "".join(f"<dt>{html.escape(key)}</dt><dd>{_lines_html(lines)}</dd>" for key, lines in detail_lines(detail))
    return f'<dl class="vt-detail">{rows}</dl>' if rows else ""


def _lines_html(lines: list[str]) -> str:
    if len(lines) == 1:
        return f"<code>{html.escape(lines[0])}</code>"
    return "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"


def formula_verdicts(items: Sequence[Item]) -> str:
    """Badges under a labelled formula: status and short text, the whole message on hover and on click."""
    if not items:
        return ""
    chips = []
    for item in items:
        status = html.escape(item.status)
        message = html.escape(item.message)
        chips.append(
            f'<details class="vt-chip vt-{status}"><summary title="{message}">'
            f'<span class="vt-chip-status">{SYMBOLS.get(item.status, "?")} {status}</span>'
            f'<span class="vt-chip-kind">{html.escape(item.kind)}</span>'
            f'<span class="vt-chip-text">{html.escape(_short(item.message))}</span></summary>'
            f'<div class="vt-chip-body"><p>{message_html(item.message)}</p>{_detail_html(item.detail)}</div></details>'
        )
    return f'<div class="vt-formula-verdicts">{"".join(chips)}</div>'


def inline_verdicts(items: Sequence[Item]) -> str:
    """A mark after an inline formula, one per verdict: its status, the whole message on hover."""
    return "".join(f'<span class="vt-inline-verdict vt-{html.escape(item.status)}" title="{html.escape(item.message)}">'
                   f'<span class="vt-badge">{SYMBOLS.get(item.status, "?")} {html.escape(item.status)}</span></span>'
                   for item in items)


def verdict_output(payload: Mapping[str, Any]) -> str:
    """A verdict the kernel published (`vt.expect`, `vt.check`, ...): badge, label, message, evidence."""
    status = str(payload.get("status") or "error")
    kind = str(payload.get("kind") or "expect")
    label = payload.get("label")
    message = str(payload.get("message") or "")
    label_html = f'<code class="vt-verdict-label">{html.escape(str(label))}</code> ' if label else ""
    evidence = {"actual": payload.get("actual")} if payload.get("actual") is not None else {}
    detail = payload.get("detail")
    if isinstance(detail, Mapping):
        evidence.update(detail)
    elif detail:
        evidence["detail"] = detail
    body = _detail_html(evidence)
    more = f"<details><summary>evidence</summary>{body}</details>" if body else ""
    return (
        f'<div class="vt-verdict vt-{html.escape(status)}" data-status="{html.escape(status)}">'
        f'<span class="vt-badge">{SYMBOLS.get(status, "?")} {html.escape(status)}</span>'
        f'<span class="vt-verdict-text"><span class="vt-verdict-kind">{html.escape(kind)}</span> '
        f"{label_html}{message_html(message)}{more}</span></div>"
    )
