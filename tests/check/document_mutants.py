"""Mutants of one document's formulas, checked the way its build checks them.

    python document_mutants.py DOCUMENT OUT.json

The document's code cells run in this process, seeded and with the context its build hands the kernel;
every `vt.check` and `@vt.implements` is recorded (and runs as usual). Then, for every check that the
unmutated document verifies, each formula it depends on (its own, and the definitions its evaluation
substituted, however deep) is mutated with `mutations.tex_mutants`, and the same check runs again on
the same code and values against the mutated document. Every displayed formula whose identity the
derivation check verifies is mutated the same way and checked again.

A mutant that still verifies is compared with the original by computation: the check's formula is
evaluated with the check's own values under both documents, and compared within the check's own
tolerance (for an identity, the derivation check is asked whether the mutated side equals the original
one). Equal means no checker could tell them apart with these values: it is reported as equivalent,
apart from the outcomes, and listed.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from mutations import Mutant, formula_value, indistinguishable, tex_mutants, watching_cases

import veritex
from veritex.code_checks import outcome, property
from veritex.code_checks.case import prepare
from veritex.code_checks.formulas import parse_formula
from veritex.code_checks.symbols import Definition
from veritex.math import MathSyntaxError
from veritex.model import CodeCell, Document
from veritex.readers import read
from veritex.runtime import session, setup
from veritex.stages.context import math_context


@dataclass
class Recorded:
    kind: str  # "check" or "implements"
    label: str
    fn: Callable[..., Any]
    options: dict[str, Any]


@dataclass
class Report:
    document: str
    checks: int = 0  # checks (and identities) the unmutated document verifies, whose formulas were mutated
    mutants: list[dict[str, Any]] = field(default_factory=list)
    unparsed: int = 0  # edits that made TeX veritex does not read: not mutants of a formula
    seconds: float = 0.0


def run_cells(doc: Document, calls: list[Recorded]) -> None:
    """Run the document's code as its build does, recording the checks it makes."""
    real_check, real_implements = veritex.runtime.check, veritex.runtime.implements

    def check(label: str, fn: Callable[..., Any], /, symbols: Any = None, rtol: Any = None, atol: Any = None,
              **values: Any) -> Any:
        calls.append(Recorded("check", label, fn, {"symbols": symbols, "rtol": rtol, "atol": atol,
                                                   "values": values}))
        return real_check(label, fn, symbols=symbols, rtol=rtol, atol=atol, **values)

    def implements(label: str, **options: Any) -> Callable[[Any], Any]:
        decorate = real_implements(label, **options)

        def record(fn: Any) -> Any:
            calls.append(Recorded("implements", label, fn, options))
            return decorate(fn)

        return record

    veritex.check, veritex.implements = check, implements  # type: ignore[attr-defined]
    namespace: dict[str, Any] = {"__name__": "__main__"}
    os.chdir(doc.path.parent)
    signal.signal(signal.SIGALRM, _out_of_time)
    for cell in doc.cells:
        if isinstance(cell, CodeCell) and cell.execute:
            signal.setitimer(signal.ITIMER_REAL, doc.meta.timeout or 60.0)  # as the build's cell timeout
            with contextlib.redirect_stdout(io.StringIO()):
                try:
                    exec(compile(cell.source, f"{doc.path.name}:{cell.position.line}", "exec"), namespace)
                except Exception:  # noqa: BLE001 - a failing cell fails in the build too; its checks still count
                    pass
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)


def _out_of_time(signum: int, frame: Any) -> None:
    raise TimeoutError("the cell ran past the document's timeout")


def verdict_of(call: Recorded, context: dict[str, Any]) -> tuple[str, str, str]:
    """(status, reason, message) of the recorded check against `context`."""
    options = call.options
    if call.kind == "check":
        verdict = outcome.check_once(call.label, call.fn, options["values"], symbols=options["symbols"],
                                     rtol=options["rtol"], atol=options["atol"], context=context)
    else:
        kwargs = {k: v for k, v in options.items() if k != "seed"}
        verdict = property.check_property(call.label, call.fn, context=context, seed=options.get("seed"), **kwargs)
    return verdict.status, str(verdict.detail.get("reason") or ""), verdict.message


def with_formula(context: dict[str, Any], index: int, tex: str) -> dict[str, Any]:
    formulas = [dict(f) for f in context["formulas"]]
    formulas[index]["tex"] = tex
    return {**context, "formulas": formulas}


def readable(tex: str, macros: dict[str, str]) -> bool:
    try:
        parse_formula(tex, macros)
    except MathSyntaxError:
        return False
    return True


def mutate_checks(report: Report, calls: list[Recorded], context: dict[str, Any]) -> None:
    macros = context["macros"]
    for call in calls:
        if call.kind == "implements" and call.options.get("seed") is None:
            call.options["seed"] = session.seed  # as `@vt.implements` does in a build
        with watching_cases() as cases:
            status, _, _ = verdict_of(call, context)
        if status != "verified" or not cases:
            continue
        report.checks += 1
        if call.kind == "implements":  # the first sample's values, drawn again the same way
            values, sizes = _first_sample(call)
        else:
            values, sizes = call.options["values"], None
        symbols = call.options.get("symbols")
        original = formula_value(call.label, context, values, symbols, sizes, _given(call))
        tolerance = cases[0].tolerance
        definitions: dict[int, Definition] = {}
        for found in cases:
            for definition in found.evaluator.substituted.values():
                definitions.setdefault(definition.origin, definition)
        prepared = prepare(call.label, context, given=_given(call))
        regions: list[tuple[int, Any]] = [(prepared.ref.index, prepared.expr)]
        regions += [(index, d.body) for index, d in sorted(definitions.items()) if index >= 0]
        for index, region in regions:
            tex = context["formulas"][index]["tex"]
            for mutant in tex_mutants(tex, region):
                if not readable(mutant.tex, macros):
                    report.unparsed += 1
                    continue
                mutated = with_formula(context, index, mutant.tex)
                try:
                    status, reason, message = verdict_of(call, mutated)
                except Exception as exc:  # noqa: BLE001 - the runtime turns this into an internal error
                    status, reason, message = "error", "internal", f"{type(exc).__name__}: {exc}"
                if status == "verified" and indistinguishable(
                        original, formula_value(call.label, mutated, values, symbols, sizes, _given(call)), tolerance):
                    status = "equivalent"
                report.mutants.append(_record(call.label, context["formulas"][index], mutant, status, reason,
                                              message))


def _given(call: Recorded) -> list[str]:
    options = call.options
    names = [*(options.get("values") or {}), *(options.get("shapes") or {}), *(options.get("where") or {})]
    return [*names, *(options.get("symbols") or {}).values()]


def _first_sample(call: Recorded) -> tuple[dict[str, Any], dict[str, int]]:
    """The values of the first sample `check_property` drew: the same draw, repeated."""
    from veritex.code_checks.sampling import concrete_shape, draw_sizes, framework_of_function, make_array

    options = call.options
    shapes = {k: (v,) if isinstance(v, int | str) else tuple(v) for k, v in options["shapes"].items()}
    where = dict(options.get("where") or {})
    rng = np.random.default_rng(0 if options.get("seed") is None else options["seed"])
    sizes = draw_sizes(shapes, where, rng)
    framework = framework_of_function(call.fn)
    values = {name: make_array(rng.standard_normal(concrete_shape(spec, sizes)), framework, options.get("dtype"))
              for name, spec in shapes.items()}
    values.update({k: v for k, v in where.items() if k not in values})
    return values, sizes


def _record(label: str, formula: dict[str, Any], mutant: Mutant, status: str, reason: str,
            message: str) -> dict[str, Any]:
    return {"check": label, "formula": formula.get("label") or formula["tex"][:40], "kind": mutant.kind,
            "edit": mutant.where, "mutant": mutant.tex, "status": status, "reason": reason,
            "message": message[:300]}


def mutate_identities(report: Report, doc: Document) -> None:
    """Every displayed formula whose identity is verified: each side mutated, the derivation checked again."""
    from veritex.derivations.reading import read_document_math
    from veritex.derivations.steps import check_plan

    document = read_document_math(doc)
    for read_formula, plan in document.plans():
        if check_plan(plan, seed=0).status != "verified" or read_formula.formula is None:
            continue
        report.checks += 1
        math = read_formula.math
        tex = math.tex
        sides = [side for statement in read_formula.formula.statements for side in statement.sides]
        for side in sides:
            for mutant in tex_mutants(tex, side):
                math.tex = mutant.tex
                try:
                    mutated = read_document_math(doc)
                    target = mutated.formulas[read_formula.order]
                    if target.formula is None:
                        report.unparsed += 1
                        continue
                    mutated_plan = mutated.plan(target)
                    result = None if mutated_plan is None else check_plan(mutated_plan, seed=0)
                    status = "unchecked" if result is None else result.status
                    reason = "claims no identity" if result is None else next(
                        (step.reason or "" for step in result.steps if step.status == "unchecked"), "")
                    message = "" if result is None else result.message()
                    if status == "verified" and _same_side(doc, math, tex, side, mutant):
                        status = "equivalent"
                except Exception as exc:  # noqa: BLE001 - the stage turns this into an unchecked "check failed"
                    status, reason, message = "error", "internal", f"{type(exc).__name__}: {exc}"
                finally:
                    math.tex = tex
                report.mutants.append(_record(f"identity {math.label or tex[:30]}", {"label": math.label, "tex": tex},
                                              mutant, status, reason, message))


def _same_side(doc: Document, math: Any, tex: str, side: Any, mutant: Mutant) -> bool:
    """Whether the derivation check proves the mutated side equal to the original one."""
    from veritex.derivations.reading import read_document_math
    from veritex.derivations.steps import check_plan

    start, end = side.span
    offset = len(mutant.tex) - len(tex)
    equation = f"{tex[start:end]} = {mutant.tex[start:end + offset]}"
    math.tex = equation
    try:
        document = read_document_math(doc)
        target = document.formulas[[r.math for r in document.formulas].index(math)]
        plan = document.plan(target) if target.formula is not None else None
        return plan is not None and check_plan(plan, seed=0).status == "verified"
    except Exception:  # noqa: BLE001 - not provably equal
        return False
    finally:
        math.tex = tex


def main(path: Path, out: Path) -> None:
    started = time.perf_counter()
    path = path.resolve()
    doc = read(path)
    context = math_context(doc)
    setup(seed=doc.meta.seed, context=context, path=str(path))
    calls: list[Recorded] = []
    if any("vt.check" in c.source or "implements" in c.source for c in doc.cells if isinstance(c, CodeCell)):
        run_cells(doc, calls)  # a document without code checks has only identities to mutate
    report = Report(path.name)
    mutate_checks(report, calls, context)
    mutate_identities(report, doc)
    report.seconds = round(time.perf_counter() - started, 2)
    out.write_text(json.dumps(report.__dict__, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
