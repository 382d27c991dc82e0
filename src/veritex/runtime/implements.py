"""`@vt.implements`: a function claims to compute a formula; veritex tries it on random inputs.

Importing this module costs nothing: NumPy and the checker load when a function is decorated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .check import current_context, next_case
from .display import emit_verdict
from .frames import caller_frame
from .session import session

F = TypeVar("F", bound=Callable[..., Any])


def implements(
    label: str,
    /,
    shapes: Mapping[str, tuple[int | str, ...]] | None = None,
    where: Mapping[str, Any] | None = None,
    samples: int = 20,
    dtype: Any = None,
    *,
    symbols: Mapping[str, str] | None = None,
    rtol: float | None = None,
    atol: float | None = None,
    seed: int | None = None,
) -> Callable[[F], F]:
    """Decorator: check that the function computes formula `label` on `samples` random inputs.

    `shapes={"Q": ("n", "d_k"), "K": ("m", "d_k")}` gives each input's shape; named sizes are drawn
    pairwise distinct and >= 2 (degenerate shapes hide transposes and missing scalings) unless
    `where` fixes them, numbers are used as given. `where={"d_k": 8}` gives values of symbols that
    are not inputs. Inputs are standard normal tensors of the framework the function's code refers
    to (torch, TensorFlow, else NumPy), of `dtype` (float64 unless told). Emits one verdict and
    returns the function unchanged.
    """
    frame = caller_frame()
    line = frame.f_lineno if frame is not None else None

    def decorate(fn: F) -> F:
        try:
            from veritex.code_checks.property import check_property

            context, note = current_context()
            verdict = check_property(
                label, fn, shapes=shapes, where=where, samples=samples, dtype=dtype, symbols=symbols,
                rtol=rtol, atol=atol, seed=session.seed if seed is None else seed, context=context,
                context_note=note,
            )
            status, message, detail = verdict.status, verdict.message, verdict.detail
        except Exception as exc:  # noqa: BLE001 - a bug in veritex must not kill the user's cell
            status, message, detail = "error", f"veritex could not run this check: {type(exc).__name__}: {exc}", {
                "reason": "internal"}
        from veritex.code_checks.formulas import looks_like_label

        is_label = looks_like_label(label)
        detail["case"] = next_case("implements", label)
        detail["function"] = getattr(fn, "__qualname__", repr(fn))
        if not is_label:
            detail["tex"] = label
        emit_verdict({"kind": "implements", "status": status, "label": label if is_label else None, "message": message,
                      "line": line, "detail": detail})
        return fn

    return decorate
