"""`vt.expect`: state what a value must be; veritex records whether it is, with the evidence."""

from __future__ import annotations

import cmath
import math
import operator
import sys
from collections.abc import Callable
from typing import Any

from .display import Verdict, emit_verdict
from .frames import argument_source, caller_frame
from .values import plain

DEFAULT_REL_TOL = 1e-9
DEFAULT_ABS_TOL = 1e-12

_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
}
_USAGE = "vt.expect(v, '<', 0.02), vt.expect(v, approx=4.0, tol=1e-9) or vt.expect(v, equals=(50, 16))"


class _Unset:
    def __repr__(self) -> str:
        return "<unset>"


_UNSET: Any = _Unset()


class _ShapeMismatch(Exception):
    pass


def expect(
    value: Any,
    op: str | None = None,
    bound: Any = None,
    *,
    approx: Any = None,
    tol: float | None = None,
    equals: Any = _UNSET,
    label: str | None = None,
) -> Verdict:
    """Record whether `value` meets one comparison, show the verdict under the cell, return it.

    - `vt.expect(v, "<", 0.02)`: an order comparison (`<`, `<=`, `>`, `>=`, `==`, `!=`);
    - `vt.expect(v, approx=4.0, tol=1e-9)`: `|v - 4.0| <= tol` (an absolute tolerance); without
      `tol`, `math.isclose` with a relative tolerance of 1e-9 and an absolute one of 1e-12;
    - `vt.expect(v, equals=(50, 16))`: exact equality (lists, tuples and shapes compare alike).

    `value` may be a Python number, bool or tuple, a NumPy scalar or array, a 0-d (or small) torch or
    TensorFlow tensor; arrays must meet the comparison element by element. Returns a `Verdict`, truthy when verified.
    Raises TypeError when the call does not say what to compare.
    """
    mode = _check_usage(op, bound, approx, tol, equals, label)
    frame = caller_frame()
    name = argument_source(sys._getframe(1), "expect") or "value"  # the direct caller wrote `expect(...)`
    actual = plain(value)
    detail: dict[str, Any] = {"expression": name}
    try:
        if mode == "approx":
            status, message = _approx(name, actual, plain(approx), tol, detail)
        elif mode == "equals":
            expected = plain(equals)
            detail["expected"] = expected
            status = "verified" if actual == expected else "refuted"
            message = f"{name} == {_show(expected)}: got {_show(actual)}"
        else:
            assert op is not None
            limit = plain(bound)
            detail.update(op=op, bound=limit)
            holds = all(bool(_OPERATORS[op](a, b)) for a, b in _pairs(actual, limit))
            status = "verified" if holds else "refuted"
            message = f"{name} {op} {_show(limit)}: got {_show(actual)}"
    except _ShapeMismatch:
        status, message = "refuted", f"{name}: got {_show(actual)}, whose shape does not match the expected value"
    except (TypeError, ValueError) as exc:
        status, message = "error", f"{name}: cannot compare {_show(actual)} ({type(actual).__name__}): {exc}"
    return Verdict(emit_verdict({
        "kind": "expect", "status": status, "label": label, "message": message,
        "line": frame.f_lineno if frame is not None else None, "actual": actual, "detail": detail,
    }))


def _check_usage(op: str | None, bound: Any, approx: Any, tol: float | None, equals: Any, label: Any) -> str:
    modes = [m for m, given in (("op", op is not None), ("approx", approx is not None),
                                ("equals", equals is not _UNSET)) if given]
    if len(modes) != 1:
        said = "none" if not modes else " and ".join(modes)
        raise TypeError(f"vt.expect needs exactly one comparison (got {said}): {_USAGE}")
    if modes[0] == "op":
        if not isinstance(op, str) or op not in _OPERATORS:
            raise TypeError(f"vt.expect: unknown operator {op!r}; use one of {', '.join(_OPERATORS)}")
        if bound is None:
            raise TypeError(f"vt.expect(v, {op!r}, bound) needs the bound to compare with")
    elif bound is not None:
        raise TypeError(f"vt.expect: a bound is given without an operator: {_USAGE}")
    if tol is not None:
        if modes[0] != "approx":
            raise TypeError("vt.expect: `tol` goes with `approx=`")
        if not isinstance(tol, int | float) or isinstance(tol, bool) or not tol >= 0:
            raise TypeError(f"vt.expect: `tol` must be a number >= 0, got {tol!r}")
    if label is not None and not isinstance(label, str):
        raise TypeError(f"vt.expect: `label` must be a string, got {label!r}")
    return modes[0]


def _approx(name: str, actual: Any, expected: Any, tol: float | None, detail: dict[str, Any]) -> tuple[str, str]:
    detail["expected"] = expected
    if tol is None:
        detail.update(rel_tol=DEFAULT_REL_TOL, abs_tol=DEFAULT_ABS_TOL)
        within = f"(rel {DEFAULT_REL_TOL:g}, abs {DEFAULT_ABS_TOL:g})"
    else:
        detail["tol"] = tol
        within = f"(tol {tol:g})"
    worst = 0.0
    holds = True
    for a, e in _pairs(actual, expected):
        difference = abs(a - e)
        if isinstance(difference, float) and math.isnan(difference) and a == e:
            difference = 0.0  # the same infinity on both sides
        close = _isclose(a, e) if tol is None else (a == e or difference <= tol)
        holds = holds and bool(close)
        if not math.isnan(worst) and (math.isnan(difference) or difference > worst):
            worst = difference  # a NaN difference is the worst there is
    detail["difference"] = worst
    message = f"{name} \u2248 {_show(expected)} {within}: got {_show(actual)}"
    if not holds:
        message += f", off by {worst:.3g}"
    return ("verified" if holds else "refuted"), message


def _isclose(a: Any, e: Any) -> bool:
    if isinstance(a, complex) or isinstance(e, complex):
        return cmath.isclose(a, e, rel_tol=DEFAULT_REL_TOL, abs_tol=DEFAULT_ABS_TOL)
    return math.isclose(a, e, rel_tol=DEFAULT_REL_TOL, abs_tol=DEFAULT_ABS_TOL)


def _pairs(actual: Any, expected: Any) -> list[tuple[Any, Any]]:
    """Element pairs to compare: sequences element by element, a scalar against every element."""
    if isinstance(actual, tuple) and isinstance(expected, tuple):
        if len(actual) != len(expected):
            raise _ShapeMismatch
        return [p for a, e in zip(actual, expected, strict=True) for p in _pairs(a, e)]
    if isinstance(actual, tuple):
        return [p for a in actual for p in _pairs(a, expected)]
    if isinstance(expected, tuple):
        raise _ShapeMismatch
    return [(actual, expected)]


def _show(value: Any, width: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "\u2026"
