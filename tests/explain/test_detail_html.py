"""The verdict popover folds a verdict's detail out as readable lines, never as raw JSON."""

from __future__ import annotations

from veritex.model import Item
from veritex.writers.badges import formula_verdicts


def test_steps_and_points_read_as_a_list() -> None:
    item = Item("identity", "refuted", "step 1 → 2 fails at x = 0.5: left side 1, right side 2", detail={
        "steps": [{"step": "1 → 2", "status": "refuted", "how": "numeric (8 points)", "point": {"x": 0.5},
                   "lhs": 1.0, "rhs": 2.0, "relation": "="},
                  {"step": "2 → 3", "status": "unchecked", "reason": "uses the operator E", "code": "operator"}],
        "seconds": 0.01, "cached": False})
    page = formula_verdicts([item])
    assert "<li>step 1 → 2: refuted (numeric (8 points)) at x = 0.5, left side 1, right side 2</li>" in page
    assert "<li>step 2 → 3: unchecked: uses the operator E [operator]</li>" in page
    assert "<dt>cached</dt><dd><code>no</code></dd>" in page
    assert '{"step"' not in page and "&quot;step&quot;" not in page
