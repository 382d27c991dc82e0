"""Mutation test over the acceptance documents and the bundled examples.

For every check those documents verify (`vt.check`, `@vt.implements`, and the identity check of a
displayed formula), every formula it depends on, directly or through definitions, is mutated (an
exponent dropped, a sign flipped, a term halved, two indices swapped, a term dropped) and checked
again with the same code and values (`document_mutants.py`, one process per document). Each mutant
must end refuted, or unchecked with a stated reason: never verified, never an internal error. A mutant
that verifies is counted apart only when computation shows it takes the original's value at the
check's own values (equivalent there), and it is listed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ACCEPTANCE = ROOT.parent / "shared" / "acceptance"
DOCUMENTS = sorted([*ACCEPTANCE.glob("*.md"), *ACCEPTANCE.glob("*.ipynb"), *(ROOT / "examples").iterdir()])
DOCUMENTS = [p for p in DOCUMENTS if p.name != "README.md"]


def mutate(path: Path, out: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(HERE)]),
           "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run([sys.executable, str(HERE / "document_mutants.py"), str(path), str(out)],
                            capture_output=True, text=True, timeout=300, env=env, check=False)
    assert result.returncode == 0, f"{path.name}: {result.stderr[-2000:]}"
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return report


def test_every_mutant_of_a_checked_formula_is_refuted_or_unchecked(tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(lambda p: mutate(p, tmp_path / f"{p.name}.json"), DOCUMENTS))
    mutants = [m for report in reports for m in report["mutants"]]
    outcomes = Counter(m["status"] for m in mutants)
    reasons = Counter(m["reason"] or m["message"][:60] for m in mutants if m["status"] == "unchecked")
    checks = sum(r["checks"] for r in reports)
    shown = ", ".join(f"{reason} {count}" for reason, count in reasons.most_common())
    print(f"\ndocument mutation test: {len(DOCUMENTS)} documents, {checks} verified checks and identities mutated")
    for report in reports:
        print(f"  {report['document']}: {report['checks']} checks, {len(report['mutants'])} mutants "
              f"({report['seconds']} s)")
    print(f"mutants: {len(mutants)}; refuted {outcomes['refuted']}, unchecked {outcomes['unchecked']} ({shown}), "
          f"verified {outcomes['verified']}, internal {outcomes['error']}; equivalent at the check's own values "
          f"(excluded) {outcomes['equivalent']}; edits that left no readable formula {sum(r['unparsed'] for r in reports)}")
    kinds = Counter(m["kind"] for m in mutants)
    print("by mutation: " + ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items())))
    for mutant in mutants:
        if mutant["status"] in ("equivalent", "verified", "error"):
            print(f"  {mutant['status']}: {mutant['check']} / {mutant['kind']}: {mutant['mutant']}")
    assert set(outcomes) <= {"refuted", "unchecked", "equivalent"}, [
        m for m in mutants if m["status"] not in ("refuted", "unchecked", "equivalent")]
    assert all(m["reason"] or m["message"] for m in mutants if m["status"] == "unchecked")
    assert checks >= 15 and len(mutants) >= 150  # the documents' checks were found and mutated
    assert outcomes["refuted"] > len(mutants) // 2
