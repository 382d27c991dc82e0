"""Compare the formula's value with the code's, element by element, and find the worst element."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from .tolerance import Tolerance

Outcome = Literal["agree", "disagree", "shape", "formula-not-finite"]


@dataclass
class Comparison:
    """What the comparison found. `index` is the worst element (a tuple into the code's array);
    `formula` and `code` its two values; `excess` how many tolerances apart they are."""

    outcome: Outcome
    message: str
    index: tuple[int, ...] | None = None
    formula: complex | float | None = None
    code: complex | float | None = None
    difference: float | None = None
    excess: float = 0.0
    formula_shape: tuple[int, ...] = ()
    code_shape: tuple[int, ...] = ()
    notes: list[str] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        return self.outcome == "agree"


NOISE_FACTOR = 10.0
"""How many times its own rounding noise a value may differ by (see `compare`'s `noise`)."""


def compare(
    formula: np.ndarray, code: np.ndarray, tolerance: Tolerance, noise: np.ndarray | None = None,
) -> Comparison:
    """Compare `formula` (what the TeX says) with `code` (what the function returned).

    `noise` is how far the formula moves when evaluated in the code's precision instead of float64:
    where a result comes from cancelling large terms, single precision cannot do better, and
    `NOISE_FACTOR` times that noise is allowed on top of the tolerance.

    Shapes that differ only by axes of length 1 compare as equal (a (10, 1) prediction against a
    length-10 formula). Where the formula is not finite but the code is, the formula overflowed in
    float64 and nothing can be concluded there; where the code is not finite but the formula is, the
    code does not compute the formula.
    """
    formula = np.asarray(formula)
    code = np.asarray(code)
    shapes = (tuple(formula.shape), tuple(code.shape))
    notes: list[str] = []
    if formula.shape != code.shape:
        if _squeezed(formula.shape) == _squeezed(code.shape):
            notes.append(f"shapes {formula.shape} and {code.shape} compared without their length-1 axes")
            formula = formula.reshape(code.shape)
        else:
            return Comparison(
                "shape", shape_message(formula.shape, code.shape, formula, code),
                formula_shape=shapes[0], code_shape=shapes[1],
            )
    code_is_real = code.dtype.kind != "c"
    if formula.dtype.kind == "c" and code.dtype.kind != "c":
        code = code.astype(np.complex128)
    f = formula.astype(np.complex128 if formula.dtype.kind == "c" else np.float64)
    c = code.astype(np.complex128 if code.dtype.kind == "c" else np.float64)
    if formula.dtype.kind != "c" and code.dtype.kind == "c":
        f = f.astype(np.complex128)

    # A real formula that leaves the reals (log of a negative draw) where the code gives NaN: both
    # say "undefined here", so the element decides nothing.
    outside = np.isnan(c) & (np.imag(f) != 0) if np.iscomplexobj(f) and code_is_real else (
        np.zeros(c.shape, dtype=bool))
    c = np.where(outside, np.nan, c)
    f = np.where(outside, np.nan, f)
    both_finite = np.isfinite(f) & np.isfinite(c)
    same_special = ~both_finite & ((f == c) | (np.isnan(f) & np.isnan(c)))
    code_bad = np.isfinite(f) & ~np.isfinite(c)
    formula_bad = ~np.isfinite(f) & np.isfinite(c)

    with np.errstate(invalid="ignore", over="ignore"):
        difference = np.where(both_finite, np.abs(f - c), 0.0)
        allowed = tolerance.atol + tolerance.rtol * np.maximum(np.abs(f), np.abs(c))
        if noise is not None and noise.shape == f.shape:
            allowed = allowed + NOISE_FACTOR * np.where(np.isfinite(noise), noise, 0.0)
        excess = np.where(both_finite, difference / np.where(allowed > 0, allowed, 1.0), 0.0)
    excess = np.where(code_bad | (~both_finite & ~same_special & ~formula_bad), np.inf, excess)

    worst_flat = int(np.argmax(excess)) if excess.size else 0
    worst_excess = float(excess.flat[worst_flat]) if excess.size else 0.0
    base = Comparison(
        "agree", "", formula_shape=shapes[0], code_shape=shapes[1], notes=notes, excess=worst_excess,
    )
    if excess.size and worst_excess > 1.0:
        index = tuple(int(i) for i in np.unravel_index(worst_flat, c.shape))
        base.outcome = "disagree"
        base.index = index
        base.formula = _scalar(f[index])
        base.code = _scalar(c[index])
        base.difference = float(difference[index]) if np.isfinite(excess[index]) else float("inf")
        where = f" at index {list(index)}" if c.ndim else ""
        base.message = (
            f"the formula gives {fmt(base.formula)} but the code gives {fmt(base.code)}{where}"
            + (f" (difference {base.difference:.3g})" if np.isfinite(excess[index]) else "")
        )
        return base
    if formula_bad.any():
        index = tuple(int(i) for i in np.unravel_index(int(np.argmax(formula_bad)), c.shape))
        base.outcome = "formula-not-finite"
        base.index = index
        base.formula = _scalar(f[index])
        base.code = _scalar(c[index])
        where = f" at index {list(index)}" if c.ndim else ""
        base.message = (
            f"the formula evaluates to {fmt(base.formula)} in float64{where} where the code gives "
            f"{fmt(base.code)}: it overflows or leaves its domain at these inputs, so they decide nothing"
        )
        return base
    deciding = both_finite | (same_special & ~np.isnan(np.real(f)))
    if c.size and not deciding.any():
        base.outcome = "formula-not-finite"
        base.message = ("no element is a finite number on both sides (both undefined at these inputs): "
                        "nothing was compared; try inputs inside the formula's domain")
        return base
    base.message = "the formula and the code agree" + (f" on all {c.size} elements" if c.size > 1 else "")
    return base


def shape_message(
    formula_shape: tuple[int, ...], code_shape: tuple[int, ...],
    formula: np.ndarray | None = None, code: np.ndarray | None = None,
) -> str:
    """Which axis differs, and whether the code returns the transpose."""
    text = f"shape mismatch: the formula gives shape {tuple(formula_shape)}, the code {tuple(code_shape)}"
    if len(formula_shape) == len(code_shape):
        axes = [i for i, (a, b) in enumerate(zip(formula_shape, code_shape, strict=True)) if a != b]
        text += "; axis " + ", ".join(
            f"{i} has {formula_shape[i]} in the formula and {code_shape[i]} in the code" for i in axes
        )
        if len(formula_shape) >= 2 and tuple(formula_shape[:-2]) + tuple(formula_shape[-2:][::-1]) == tuple(
            code_shape
        ):
            transposed = ""
            if (
                formula is not None and code is not None and formula.dtype.kind in "fc"
                and code.dtype.kind in "fc" and np.allclose(np.swapaxes(formula, -1, -2), code, rtol=1e-4, atol=1e-6)
            ):
                transposed = " (and its values are the formula's transposed)"
            text += f"; the code returns the transpose of the formula{transposed}"
    else:
        text += f"; the formula has {len(formula_shape)} axes, the code {len(code_shape)}"
    return text


def fmt(value: complex | float | None) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, complex):
        if value.imag == 0:
            return fmt(value.real)
        return f"{value.real:.8g}{value.imag:+.8g}j"
    return f"{value:.8g}"


def _scalar(value: np.generic | np.ndarray) -> complex | float:
    item = np.asarray(value).item()
    if isinstance(item, complex):
        return item if item.imag != 0 else float(item.real)
    return float(item)


def _squeezed(shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(d for d in shape if d != 1)
