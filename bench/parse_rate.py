"""How many formulas per second veritex's TeX parser reads, over the test corpus.

    .venv/bin/python bench/parse_rate.py [--seconds 3]

The target is 2,000 formulas/s on one core; parsing must not import SymPy (checked here too).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "math"))

from math_corpus import CORPUS, MACROS  # noqa: E402

from veritex.math.reader import read as parse  # noqa: E402  (uncached: time real parsing)

TARGET = 2_000


def one_pass(formulas: list[str]) -> float:
    started = time.perf_counter()
    for tex in formulas:
        parse(tex, macros=MACROS)  # every corpus formula parses
    return time.perf_counter() - started


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--seconds", type=float, default=3.0, help="how long to measure")
    seconds = options.parse_args().seconds
    formulas = [tex for tex, _ in CORPUS]
    one_pass(formulas)  # warm up
    rates: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        rates.append(len(formulas) / one_pass(formulas))
    rate = statistics.median(rates)
    mean_chars = sum(map(len, formulas)) / len(formulas)
    print(f"{len(formulas)} formulas (mean {mean_chars:.0f} characters), {len(rates)} passes: "
          f"{rate:,.0f} formulas/s (median; best {max(rates):,.0f}), target {TARGET:,}")
    if "sympy" in sys.modules:
        print("error: parsing imported sympy")
        return 1
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
