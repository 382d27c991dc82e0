"""The derivation-chain mutation suite: every correct chain verified, every planted step refuted.

Prints the detection rate, the false alarms, the chains left unchecked (with their reasons) and the
median time per identity check, so a run of `pytest -s` doubles as the suite's report.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from chains import CHAINS, Chain

from veritex.model import Item
from veritex.readers.markdown import read_markdown
from veritex.stages.derivations import check_identities


def verdict(chain: Chain, planted: bool) -> tuple[Item, float]:
    doc = read_markdown(chain.document(planted), Path("chain.md"))
    started = time.perf_counter()
    check_identities(doc, None)
    seconds = time.perf_counter() - started
    items = [i for i in doc.items if i.label == "eq:chain"]
    assert len(items) == 1, f"{chain.name}: expected one identity item, got {[i.message for i in doc.items]}"
    return items[0], seconds


def refuted_steps(item: Item) -> set[str]:
    return {s["step"] for s in item.detail["steps"] if s["status"] == "refuted"}


def test_the_suite_is_large_and_varied() -> None:
    assert len(CHAINS) >= 20
    assert len({c.name for c in CHAINS}) == len(CHAINS)
    assert sum(1 for c in CHAINS if c.definitions) >= 5  # definitions substituted from other formulas
    assert sum(1 for c in CHAINS if len(c.sides) >= 3) >= 15  # real chains, not single equations


def test_correct_chains_verified_and_planted_steps_refuted() -> None:
    false_alarms: list[str] = []
    missed: list[str] = []
    unchecked: list[str] = []
    times: list[float] = []
    for chain in CHAINS:
        correct, seconds = verdict(chain, planted=False)
        times.append(seconds)
        if correct.status == "refuted":
            false_alarms.append(f"{chain.name}: {correct.message}")
        elif correct.status == "unchecked":
            reasons = [s.get("reason") for s in correct.detail["steps"] if s["status"] == "unchecked"]
            assert all(reasons), f"{chain.name}: unchecked without a reason"
            unchecked.append(f"{chain.name}: {correct.message}")
        planted, seconds = verdict(chain, planted=True)
        times.append(seconds)
        if planted.status != "refuted" or refuted_steps(planted) != chain.planted_steps():
            missed.append(f"{chain.name}: expected {sorted(chain.planted_steps())} refuted, got "
                          f"{planted.status}: {planted.message}")
        else:
            for step in planted.detail["steps"]:
                if step["status"] == "refuted":  # the evidence: a point and two different finite values
                    assert step["lhs"] != step["rhs"]
                    assert "point" in step or not step.get("point")
    detected = len(CHAINS) - len(missed)
    print(f"\nidentity mutation suite: {len(CHAINS)} chains")
    print(f"  planted mistakes refuted on the right step: {detected}/{len(CHAINS)} "
          f"({100 * detected / len(CHAINS):.0f}%)")
    print(f"  false alarms on correct chains: {len(false_alarms)}")
    print(f"  correct chains left unchecked: {len(unchecked)}")
    for line in unchecked:
        print(f"    {line}")
    print(f"  median time per identity check: {1000 * statistics.median(times):.0f} ms "
          f"(max {1000 * max(times):.0f} ms, no cache)")
    assert not false_alarms, false_alarms
    assert not missed, missed
    assert len(unchecked) <= 2, unchecked
