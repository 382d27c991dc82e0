"""A report item's detail (steps, points, values) as short lines a reader can act on, never as raw JSON.

The HTML page folds these lines out under a verdict; `veritex check --explain` prints them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def detail_lines(detail: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    """(heading, lines) for each non-empty entry of a detail, in its order."""
    out = []
    for key, value in detail.items():
        if value in (None, "", [], {}):
            continue
        if isinstance(value, list) and all(isinstance(v, Mapping) for v in value):
            lines = [step_line(v) if "status" in v else pairs(v) for v in value]
        elif isinstance(value, Mapping):
            lines = [f"{k}: {plain(v)}" for k, v in value.items() if v not in (None, "", [], {})]
        else:
            lines = [plain(value)]
        out.append((str(key), lines))
    return out


def step_line(step: Mapping[str, Any]) -> str:
    """One step of an identity's verdict: `step 1 → 2: refuted at x = 0.5 (left side 1, right side 2)`."""
    text = f"step {step.get('step', '?')}: {step.get('status', '?')}"
    if step.get("how"):
        text += f" ({step['how']})"
    if step.get("point"):
        text += f" at {pairs(step['point'])}"
    if step.get("lhs") is not None or step.get("rhs") is not None:
        text += f", left side {plain(step.get('lhs'))}, right side {plain(step.get('rhs'))}"
    if step.get("uses"):
        text += f", using {', '.join(map(str, step['uses']))}"
    if step.get("reason"):
        text += f": {step['reason']}"
    if step.get("code"):
        text += f" [{step['code']}]"
    return text


def pairs(mapping: Mapping[str, Any]) -> str:
    return ", ".join(f"{key} = {plain(value)}" for key, value in mapping.items())


def plain(value: Any) -> str:
    if value is None:
        return "?"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, str | int):
        return str(value)
    if isinstance(value, Mapping):
        return pairs(value)
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(value)
