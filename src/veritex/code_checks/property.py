"""`@vt.implements`: the formula against the function on random inputs of the shapes given."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .case import Case, Stop, Verdict, prepare, run_case
from .frameworks import describe_value, to_numpy
from .outcome import likely_mistake, verdict_for
from .sampling import ShapeSpec, concrete_shape, draw_sizes, framework_of_function, make_array

DEFAULT_SAMPLES = 20


def check_property(
    target: str,
    fn: Callable[..., Any],
    *,
    shapes: Mapping[str, ShapeSpec] | None,
    where: Mapping[str, Any] | None = None,
    samples: int = DEFAULT_SAMPLES,
    dtype: Any = None,
    symbols: Mapping[str, str] | None = None,
    rtol: float | None = None,
    atol: float | None = None,
    seed: int | None = None,
    context: Mapping[str, Any] | None = None,
    context_note: str = "",
) -> Verdict:
    """Draw `samples` sets of inputs (sizes named in `shapes` drawn pairwise distinct and >= 2 unless
    `where` fixes them), call `fn` on each, compare with the formula; the first failing sample is
    reported with its inputs."""
    where = dict(where or {})
    if not shapes:
        return Verdict("unchecked", "give the inputs' shapes, e.g. shapes={'x': ('n',)}, so that veritex can "
                       "draw them", {"reason": "no-shapes"})
    if samples < 1:
        return Verdict("error", f"samples must be at least 1, got {samples}", {"reason": "bad-samples"})
    normalised: dict[str, ShapeSpec] = {}
    for name, spec in shapes.items():
        spec_tuple = (spec,) if isinstance(spec, int | str) else tuple(spec)
        normalised[name] = spec_tuple
    try:
        prepared = prepare(target, context, context_note=context_note,
                           given=[*shapes, *where, *(symbols or {}).values()])
    except Stop as stop:
        return stop.verdict
    framework = framework_of_function(fn)
    rng = np.random.default_rng(0 if seed is None else seed)
    cases: list[Case] = []
    failing: tuple[int, Case, dict[str, Any]] | None = None
    for number in range(1, samples + 1):
        sizes = draw_sizes(normalised, where, rng)
        values: dict[str, Any] = {}
        for name, spec in normalised.items():
            array = rng.standard_normal(concrete_shape(spec, sizes))
            values[name] = make_array(array, framework, dtype)
        values.update({k: v for k, v in where.items() if k not in values})
        try:
            case = run_case(prepared, fn, values, symbols=symbols, rtol=rtol, atol=atol, sizes=sizes)
        except Stop as stop:
            stop.verdict.detail.update(sample=number, samples=samples, inputs=_sample_inputs(values))
            if stop.verdict.status == "refuted":
                stop.verdict.message = f"sample {number} of {samples}: {stop.verdict.message}"
            return stop.verdict
        cases.append(case)
        if failing is None and not case.comparison.agrees:
            failing = (number, case, values)
    framework_text = f"{framework} {_dtype_text(dtype)}"
    shapes_text = ", ".join(f"{k} {tuple(to_numpy(v).shape)}" for k, v in values.items() if k in normalised)
    if failing is None:
        verdict = verdict_for(prepared, cases[-1], values, symbols)
        verdict.message = (f"the code agrees with the formula on {samples} random samples "
                           f"({framework_text}; last {shapes_text}){_subs(verdict)}")
        verdict.detail.update(samples=samples, framework=framework, passed=samples)
        return verdict
    number, case, sample_values = failing
    bad = [c for c in cases if not c.comparison.agrees]
    verdict = verdict_for(prepared, case, sample_values, symbols, diagnose_with=bad)
    if verdict.status == "refuted" and "likely_mistake" not in verdict.detail:
        mistake = likely_mistake(prepared, cases)
        if mistake:
            verdict.detail["likely_mistake"] = mistake
            verdict.message += f"; likely mistake: {mistake}"
    verdict.message = (f"sample {number} of {samples} ({framework_text}; "
                       f"{', '.join(f'{k} {describe_value(v)}' for k, v in sample_values.items() if k in normalised)}):"
                       f" {verdict.message}")
    verdict.detail.update(sample=number, samples=samples, framework=framework,
                          failed=len(bad), passed=samples - len(bad), inputs=_sample_inputs(sample_values))
    return verdict


def _subs(verdict: Verdict) -> str:
    substituted = verdict.detail.get("substituted") or {}
    if not substituted:
        return ""
    return " (" + ", ".join(f"{k} from {v}" for k, v in substituted.items()) + ")"


def _dtype_text(dtype: Any) -> str:
    if dtype is None:
        return "float64"
    name = getattr(dtype, "name", None)
    return name if isinstance(name, str) else str(dtype).rsplit(".", 1)[-1]


def _sample_inputs(values: Mapping[str, Any], limit: int = 64) -> dict[str, Any]:
    """The failing sample itself (small arrays in full), so that it can be replayed."""
    shown: dict[str, Any] = {}
    for name, value in values.items():
        try:
            array = to_numpy(value)
        except TypeError:
            shown[name] = repr(value)
            continue
        shown[name] = array.tolist() if array.size <= limit else describe_value(value)
    return shown
