"""`vt.check`: does the code compute what the formula says? Verified, refuted with the evidence, or
unchecked with the reason, shown under the cell and handed to the build.

Importing this module costs nothing: NumPy and the checker load on the first call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .display import Verdict, emit_verdict
from .frames import caller_frame
from .session import session


def check(
    label_or_tex: str,
    fn: Callable[..., Any],
    /,
    symbols: Mapping[str, str] | None = None,
    rtol: float | None = None,
    atol: float | None = None,
    **values: Any,
) -> Verdict:
    """Compare formula `label_or_tex` (a label such as "eq:mse", or the TeX itself) with `fn`.

    The formula's last side is evaluated with `values` (NumPy arrays, Python numbers, torch or
    TensorFlow tensors), substituting symbols defined by other formulas of the document only where
    no value is given; `fn` is called with the values its parameters name. Tolerances follow the
    least precise dtype among the values and the result; `rtol` / `atol` override them.
    `symbols={"lam": r"\\lambda"}` names a value's symbol where the naming rules do not.

    Every call on one label is one case of that label's verdict. Returns a Verdict, truthy when
    verified; never raises for a wrong formula, a failing `fn` or an unknown symbol.
    """
    frame = caller_frame()
    line = frame.f_lineno if frame is not None else None
    label = label_or_tex if _is_label(label_or_tex) else None
    try:
        from veritex.code_checks.outcome import check_once

        context, note = current_context()
        verdict = check_once(label_or_tex, fn, values, symbols=symbols, rtol=rtol, atol=atol,
                             context=context, context_note=note)
        status, message, detail = verdict.status, verdict.message, verdict.detail
    except Exception as exc:  # noqa: BLE001 - a bug in veritex must not kill the user's cell
        status, message, detail = "error", f"veritex could not run this check: {type(exc).__name__}: {exc}", {
            "reason": "internal"}
    detail["case"] = next_case("check", label or label_or_tex)
    if label is None:
        detail["tex"] = label_or_tex
    payload = emit_verdict({"kind": "check", "status": status, "label": label, "message": message,
                            "line": line, "detail": detail})
    return Verdict(payload)


def _is_label(text: str) -> bool:
    from veritex.code_checks.formulas import looks_like_label

    return isinstance(text, str) and looks_like_label(text)


def next_case(kind: str, label: str) -> int:
    """1 for the first check of `label` in this kernel session, 2 for the second..."""
    earlier = sum(
        1 for v in session.verdicts
        if v.get("kind") == kind and (v.get("label") or (v.get("detail") or {}).get("tex")) == label
    )
    return earlier + 1


def current_context() -> tuple[dict[str, Any] | None, str]:
    """The build's context, else the notebook being edited (read again when it changes), else none."""
    if session.context.get("formulas") is not None:
        return session.context, "from the build"
    from veritex.code_checks.document_file import notebook_context

    return notebook_context()
