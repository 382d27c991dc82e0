"""Every correct pair of the mutation suite verified, every planted mistake refuted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from mutations import PAIRS, Mutant, Pair, formula_value, indistinguishable, tex_mutants, watching_cases

from veritex.code_checks.case import Verdict, prepare
from veritex.code_checks.formulas import parse_formula
from veritex.code_checks.outcome import check_once
from veritex.code_checks.property import check_property
from veritex.math import MathSyntaxError


def context_of(pair: Pair, formula: str | None = None, definitions: tuple[str, ...] | None = None) -> dict[str, Any]:
    formulas = [{"tex": tex, "label": None} for tex in (pair.context if definitions is None else definitions)]
    formulas.append({"tex": formula or pair.formula, "label": "eq:target"})
    return {"path": f"{pair.name}.md", "macros": pair.macros or {}, "formulas": formulas}


def run(pair: Pair, formula: str | None = None, code: Any = None, definitions: tuple[str, ...] | None = None) -> Verdict:
    context = context_of(pair, formula, definitions)
    if pair.shapes is not None:
        return check_property("eq:target", code or pair.code, shapes=pair.shapes, where=pair.where, samples=5,
                              symbols=pair.symbols, context=context)
    return check_once("eq:target", code or pair.code, pair.values, symbols=pair.symbols, context=context)


def test_the_suite_is_large_enough() -> None:
    assert len(PAIRS) >= 40
    assert len({p.area for p in PAIRS}) >= 8
    assert all(p.wrong_formulas or p.wrong_code for p in PAIRS)


def test_correct_pairs_verified_and_planted_mistakes_refuted() -> None:
    false_alarms: list[str] = []
    missed: list[str] = []
    named = planted = 0
    for pair in PAIRS:
        verdict = run(pair)
        if verdict.status != "verified":
            false_alarms.append(f"{pair.name}: {verdict.status}: {verdict.message}")
        mutants = [(what, run(pair, formula=tex)) for what, tex in pair.wrong_formulas]
        mutants += [(f"code: {what}", run(pair, code=fn)) for what, fn in pair.wrong_code]
        for what, verdict in mutants:
            planted += 1
            if verdict.status != "refuted":
                missed.append(f"{pair.name} / {what}: {verdict.status}: {verdict.message}")
            elif verdict.detail.get("likely_mistake") or verdict.detail.get("reason") == "shape":
                named += 1
    detected = planted - len(missed)
    print(f"\nmutation suite: {len(PAIRS)} correct pairs, {planted} planted mistakes")
    print(f"detection rate: {detected}/{planted} = {detected / planted:.0%}")
    print(f"false alarms: {len(false_alarms)}/{len(PAIRS)}")
    print(f"refutations that name the likely mistake: {named}/{detected}")
    for line in false_alarms + missed:
        print("  " + line)
    assert not false_alarms
    assert not missed


def pair_mutants(pair: Pair, cases: list[Any]) -> Iterator[tuple[Mutant, str, tuple[str, ...]]]:
    """(mutant, formula, definitions): the pair's formula mutated, then each definition its evaluation
    substituted (`\\hat{m}_t` for Adam's step), one edit at a time."""
    prepared = prepare("eq:target", context_of(pair), given=[*pair.values, *(pair.symbols or {}).values()])
    for mutant in tex_mutants(pair.formula, prepared.expr):
        yield mutant, mutant.tex, pair.context
    used = {d.origin: d for case in cases for d in case.evaluator.substituted.values()}
    for index, definition in sorted(used.items()):
        if 0 <= index < len(pair.context):
            for mutant in tex_mutants(pair.context[index], definition.body):
                yield mutant, pair.formula, tuple(mutant.tex if k == index else t for k, t in enumerate(pair.context))


def test_mechanical_mutants_of_every_correct_formula_are_refuted_or_unchecked() -> None:
    """Each pair's formula and the definitions it uses, mutated mechanically (an exponent dropped, a sign
    flipped, a term halved, two indices swapped, a term dropped), against the correct code: refuted, or
    unchecked with a reason. A mutant that verifies must take the original's value at the pair's values
    within the check's tolerance (an epsilon of 1e-8 dropped), and is listed apart."""
    outcomes: Counter[str] = Counter()
    missed: list[str] = []
    equivalent: list[str] = []
    for pair in PAIRS:
        if pair.shapes is not None:  # drawn inputs: the documents' mutation test covers `@vt.implements`
            continue
        with watching_cases() as cases:
            assert run(pair).status == "verified"
        original = formula_value("eq:target", context_of(pair), pair.values, pair.symbols)
        for mutant, formula, definitions in pair_mutants(pair, cases):
            try:
                parse_formula(mutant.tex, pair.macros)
            except MathSyntaxError:
                continue
            verdict = run(pair, formula=formula, definitions=definitions)
            status = verdict.status
            mutated = formula_value("eq:target", context_of(pair, formula, definitions), pair.values, pair.symbols)
            if status == "verified" and indistinguishable(original, mutated, cases[0].tolerance):
                status = "equivalent"
                equivalent.append(f"{pair.name} / {mutant.kind}: {mutant.tex}")
            elif status not in ("refuted", "unchecked") or not verdict.message:
                missed.append(f"{pair.name} / {mutant.kind}: {mutant.tex}: {status}: {verdict.message}")
            outcomes[status] += 1
    print(f"\nmechanical mutants of the pairs: {sum(outcomes.values())}; refuted {outcomes['refuted']}, "
          f"unchecked {outcomes['unchecked']}, equivalent within tolerance {outcomes['equivalent']}")
    for line in equivalent + missed:
        print("  " + line)
    assert not missed
    assert sum(outcomes.values()) >= 200
