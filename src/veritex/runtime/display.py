"""Publish a verdict from the kernel: JSON for the build, a badge for JupyterLab, a line for terminals."""

from __future__ import annotations

import json
import math
import sys
from typing import Any

from .frames import _ipython, caller_line
from .session import session

VERDICT_MIME = "application/vnd.veritex.verdict+json"
"""Equal to `veritex.model.VERDICT_MIME`; not imported from there because the model pulls in
markdown-it (~0.1 s) and this module is imported by every `vt.expect` in every kernel."""

_COLOURS = {"verified": "#1a7f37", "refuted": "#cf222e", "unchecked": "#6e7781", "error": "#bc4c00"}
_SYMBOLS = {"verified": "\u2713", "refuted": "\u2717", "unchecked": "?", "error": "!"}
_KEYS = ("kind", "status", "label", "message", "line", "actual", "detail")


def emit_verdict(payload: dict[str, Any]) -> dict[str, Any]:
    """Show a verdict under the current cell and hand it to the build.

    `payload`: {"kind": "expect"|"check"|"implements", "status": "verified"|"refuted"|"unchecked"|"error",
    "label", "message", "line", "actual", "detail"}. A missing `line` is taken from the caller's frame
    in the cell being executed. Returns the payload as published (JSON-safe).
    """
    full: dict[str, Any] = {key: payload.get(key) for key in _KEYS}
    full["kind"] = full["kind"] or "expect"
    full["status"] = full["status"] or "error"
    full["message"] = str(full["message"] or "")
    full["detail"] = full["detail"] or {}
    if full["line"] is None:
        full["line"] = caller_line()
    full = json_safe(full)
    session.verdicts.append(full)
    bundle = {VERDICT_MIME: full, "text/html": badge_html(full), "text/plain": badge_text(full)}
    if _ipython() is not None:
        from IPython.display import publish_display_data

        publish_display_data(data=bundle)
    else:
        print(bundle["text/plain"], file=sys.stdout)
    return full


def badge_text(payload: dict[str, Any]) -> str:
    status = str(payload.get("status"))
    label = f" [{payload['label']}]" if payload.get("label") else ""
    return f"{_SYMBOLS.get(status, '?')} {status}{label}: {payload.get('message', '')}"


def badge_html(payload: dict[str, Any]) -> str:
    """Inline styles only: JupyterLab keeps them, and the page has no veritex stylesheet there."""
    import html

    status = str(payload.get("status"))
    colour = _COLOURS.get(status, _COLOURS["unchecked"])
    label = payload.get("label")
    label_html = f'<code style="font-size:0.95em">{html.escape(str(label))}</code> ' if label else ""
    return (
        f'<div class="veritex-verdict veritex-{html.escape(status)}" data-status="{html.escape(status)}" '
        'style="display:flex;align-items:baseline;gap:0.5em;margin:2px 0;'
        'font-family:system-ui,-apple-system,Segoe UI,sans-serif;font-size:13px;line-height:1.5">'
        f'<span style="background:{colour};color:#fff;border-radius:4px;padding:0 0.5em;'
        f'font-weight:600;white-space:nowrap">{_SYMBOLS.get(status, "?")} {html.escape(status)}</span>'
        f"<span>{label_html}{html.escape(str(payload.get('message', '')))}</span></div>"
    )


def json_safe(value: Any, *, limit: int = 64) -> Any:
    """`value` as plain JSON: non-finite floats and complex numbers as strings, long sequences cut
    to a repr (the kernel's message serializer rejects NaN, and a report needs no million floats)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, dict):
        return {str(k): json_safe(v, limit=limit) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if len(value) > limit:
            return _short_repr(value)
        return [json_safe(v, limit=limit) for v in value]
    try:
        json.dumps(value, allow_nan=False)
        return value
    except (TypeError, ValueError):
        return _short_repr(value)


def _short_repr(value: Any, width: int = 200) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "\u2026"


class Verdict:
    """What `vt.expect` / `vt.check` return: truthy when verified, and silent as a cell's last value
    (the badge is already under the cell; a bare `True` beside it would only repeat it)."""

    __slots__ = ("payload",)

    def __init__(self, payload: dict[str, Any]) -> None:
        self.payload = payload

    @property
    def status(self) -> str:
        return str(self.payload.get("status"))

    @property
    def message(self) -> str:
        """The verdict in words: how it was verified, the counterexample, or why it is unchecked."""
        return str(self.payload.get("message", ""))

    def __bool__(self) -> bool:
        return self.status == "verified"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, bool):
            return bool(self) is other
        return isinstance(other, Verdict) and other.payload == self.payload

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return badge_text(self.payload)

    def _ipython_display_(self) -> None:
        """Displayed already by `emit_verdict`."""
