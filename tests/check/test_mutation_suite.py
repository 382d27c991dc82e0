"""Every correct pair of the mutation suite verified, every planted mistake refuted."""

from __future__ import annotations

from typing import Any

from mutations import PAIRS, Pair

from veritex.code_checks.case import Verdict
from veritex.code_checks.outcome import check_once
from veritex.code_checks.property import check_property


def run(pair: Pair, formula: str | None = None, code: Any = None) -> Verdict:
    formulas = [{"tex": tex, "label": None} for tex in pair.context]
    formulas.append({"tex": formula or pair.formula, "label": "eq:target"})
    context = {"path": f"{pair.name}.md", "macros": pair.macros or {}, "formulas": formulas}
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
