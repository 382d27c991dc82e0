"""How close the code's value must be to the formula's: set by the least precise dtype involved.

An element agrees when |code - formula| <= atol + rtol * max(|code|, |formula|). The defaults leave
room for a few hundred rounding errors of the dtype in a reduction, and no room for a wrong factor,
sign or term, which move a value by far more than 1e-4 of itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from .frameworks import Precision

DEFAULTS: dict[Precision, tuple[float, float]] = {
    "double": (1e-7, 1e-9),
    "single": (1e-4, 1e-5),
    "half": (1e-2, 1e-3),
}
"""(rtol, atol) per precision."""


@dataclass(frozen=True)
class Tolerance:
    rtol: float
    atol: float
    precision: Precision

    def describe(self) -> str:
        return f"{self.precision} precision: rtol {self.rtol:g}, atol {self.atol:g}"


def tolerance_for(precision: Precision, rtol: float | None = None, atol: float | None = None) -> Tolerance:
    """The default tolerance of `precision`, with the user's `rtol` / `atol` where given."""
    default_rtol, default_atol = DEFAULTS[precision]
    return Tolerance(
        rtol=default_rtol if rtol is None else float(rtol),
        atol=default_atol if atol is None else float(atol),
        precision=precision,
    )
