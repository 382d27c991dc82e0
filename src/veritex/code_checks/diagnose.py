"""Name the likely mistake when the code and the formula differ in a simple way.

Looks at the code's values against the formula's over every element (and every sample) compared:
a constant ratio is a missing or extra factor (a sign when it is -1, `d` against `d-1` when it is
d/(d-1) for a size d in scope), a constant difference a missing additive term.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np

_NAMED_CONSTANTS: tuple[tuple[str, float], ...] = (
    ("2", 2.0), ("1/2", 0.5), ("3", 3.0), ("1/3", 1 / 3), ("4", 4.0), ("1/4", 0.25),
    ("sqrt(2)", math.sqrt(2)), ("1/sqrt(2)", 1 / math.sqrt(2)), ("pi", math.pi), ("1/pi", 1 / math.pi),
    ("2 pi", 2 * math.pi), ("sqrt(2 pi)", math.sqrt(2 * math.pi)), ("1/sqrt(2 pi)", 1 / math.sqrt(2 * math.pi)),
    ("e", math.e), ("1/e", 1 / math.e), ("ln 2", math.log(2)), ("1/ln 2", 1 / math.log(2)),
    ("ln 10", math.log(10)), ("1/ln 10", 1 / math.log(10)), ("10", 10.0), ("1/10", 0.1),
)


def _small_fractions() -> list[tuple[str, float]]:
    """p/q and sqrt(p/q) for small p, q: a dropped constant is usually one of these."""
    found: dict[float, str] = {}
    for p in range(1, 11):
        for q in range(1, 11):
            if math.gcd(p, q) != 1 or p == q:
                continue
            found.setdefault(round(p / q, 12), f"{p}/{q}" if q != 1 else str(p))
            root = math.sqrt(p / q)
            found.setdefault(round(root, 12), f"sqrt({p}/{q})" if q != 1 else f"sqrt({p})")
    return [(name, value) for value, name in found.items()]


_FRACTIONS = _small_fractions()


def describe_factor(ratio: float, sizes: Mapping[str, int], scalars: Mapping[str, float]) -> str | None:
    """A name for `ratio` (code / formula): 'n/(n-1)', '1/sqrt(d_k)', '2', 'ln 2'... or None.
    Sizes in scope are tried first, so that a sum against a mean reads "n" rather than "10"."""
    candidates: list[tuple[str, float]] = []
    named_sizes = {name: n for name, n in sizes.items() if n >= 3}
    for name, n in named_sizes.items():
        candidates += [
            (f"{name}/({name}-1)", n / (n - 1)), (f"({name}-1)/{name}", (n - 1) / n),
            (f"{name}/({name}+1)", n / (n + 1)), (f"({name}+1)/{name}", (n + 1) / n),
            (name, float(n)), (f"1/{name}", 1 / n), (f"sqrt({name})", math.sqrt(n)),
            (f"1/sqrt({name})", 1 / math.sqrt(n)), (f"{name}^2", float(n * n)), (f"1/{name}^2", 1 / (n * n)),
            (f"2{name}", 2.0 * n), (f"1/(2{name})", 1 / (2 * n)),
        ]
    for (a, n), (b, m) in ((x, y) for x in named_sizes.items() for y in named_sizes.items()):
        if a != b and n != m:
            candidates.append((f"{a}/{b}", n / m))
    candidates += list(_NAMED_CONSTANTS) + _FRACTIONS
    for name, value in scalars.items():
        if value not in (0.0, 1.0, -1.0) and math.isfinite(value):
            candidates += [(name, value), (f"1/{name}", 1 / value)]
    for sign, prefix in ((1.0, ""), (-1.0, "-")):
        for name, value in candidates:
            if math.isclose(ratio, sign * value, rel_tol=1e-6):
                return prefix + name
    return None


def _constant(values: np.ndarray, rel: float = 1e-6) -> float | None:
    """The one value every element has (within `rel`), or None."""
    finite = values[np.isfinite(values)]
    if finite.size == 0 or finite.size < values.size:
        return None
    centre = float(np.median(finite))
    scale = max(abs(centre), 1e-300)
    if np.all(np.abs(finite - centre) <= rel * scale + 1e-12):
        return centre
    return None


def diagnose(
    formula: np.ndarray,
    code: np.ndarray,
    sizes: Mapping[str, int] | None = None,
    scalars: Mapping[str, float] | None = None,
    *,
    unnamed: bool = True,
) -> str | None:
    """One sentence naming the likely mistake, or None when the difference has no simple form.
    With `unnamed=False`, a constant factor or shift is reported only when it has a name.

    `formula` and `code` hold the same elements (flattened; several samples concatenated);
    `sizes` are the sizes in scope (`n`, `d_k`), `scalars` the scalar values given (`beta`).
    """
    sizes = dict(sizes or {})
    scalars = dict(scalars or {})
    f = np.asarray(formula).ravel()
    c = np.asarray(code).ravel()
    if f.size == 0 or f.shape != c.shape or np.iscomplexobj(f) or np.iscomplexobj(c):
        return None
    f = f.astype(np.float64)
    c = c.astype(np.float64)
    every = "at every input" if f.size > 1 else "at this input"
    nonzero = np.abs(f) > 1e-12 * max(1.0, float(np.max(np.abs(f))))
    if nonzero.all() or (nonzero.any() and np.all(np.abs(c[~nonzero]) <= 1e-9)):
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = _constant(c[nonzero] / f[nonzero])
        if ratio is not None:
            sentence = _factor_sentence(ratio, sizes, scalars, every, f.size if unnamed else 1)
            if sentence is not None:
                return sentence
    if f.size > 1 and float(np.ptp(f)) > 0:
        shift = _constant(c - f, rel=1e-6)
        if shift is not None and shift != 0.0:
            name = describe_factor(abs(shift), sizes, scalars)
            if name is None and not unnamed:
                return None
            amount = name if name is not None else f"{abs(shift):.6g}"
            sign = "+" if shift > 0 else "-"
            return (
                f"a missing additive constant: the code is the formula {sign} {amount} {every} "
                "(a dropped or extra term)"
            )
    return _sign_pattern(f, c)


def _factor_sentence(
    ratio: float, sizes: Mapping[str, int], scalars: Mapping[str, float], every: str, count: int
) -> str | None:
    if math.isclose(ratio, -1.0, rel_tol=1e-6):
        return f"a sign: the code is the negative of the formula {every}"
    name = describe_factor(ratio, sizes, scalars)
    if name is None:
        if count == 1:
            return None  # any two numbers have a ratio; one element says nothing about its form
        return f"a constant factor: the code is {ratio:.6g} times the formula {every}"
    sign_note = " (and the opposite sign)" if name.startswith("-") else ""
    plain = name.lstrip("-")
    for size in sizes:
        if plain in (f"{size}/({size}-1)", f"({size}-1)/{size}"):
            return (
                f"`{size}` against `{size}-1` in a denominator: the code is {plain} times the formula "
                f"{every}{sign_note}"
            )
        if plain in (f"{size}/({size}+1)", f"({size}+1)/{size}"):
            return (
                f"`{size}` against `{size}+1` in a denominator: the code is {plain} times the formula "
                f"{every}{sign_note}"
            )
    return f"a constant factor: the code is {plain} times the formula {every}{sign_note}"


def _sign_pattern(f: np.ndarray, c: np.ndarray) -> str | None:
    """Same magnitudes with some signs flipped: a sign inside a term, not of the whole."""
    if f.size > 1 and np.allclose(np.abs(f), np.abs(c), rtol=1e-6, atol=1e-12):
        flipped = int(np.sum(np.sign(f) != np.sign(c)))
        return f"a sign: the magnitudes agree but {flipped} of {f.size} elements have the opposite sign"
    return None


def sizes_from_shapes(shapes: Iterable[tuple[str, tuple[int, ...]]]) -> dict[str, int]:
    """Sizes to name in a diagnosis when the document declares none: `len(x)` for each array x."""
    found: dict[str, int] = {}
    for name, shape in shapes:
        for axis, n in enumerate(shape):
            key = f"len({name})" if len(shape) == 1 else f"{name}.shape[{axis}]"
            if n >= 2 and n not in found.values():
                found[key] = n
    return found
