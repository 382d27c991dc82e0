#!/usr/bin/env python3
"""Time per output format for one document: how long `veritex build --to FORMAT` takes once the code's
results are in the cache (what a writer costs), and what asking for several formats adds to a warm
rebuild when their outputs are up to date.

    .venv/bin/python bench/target_bench.py                 # bench/docs/mlp_torch.md, 3 runs per row
    .venv/bin/python bench/target_bench.py --runs 5 --formats html,latex

Each timed run is a fresh `veritex build` process writing into a fresh output folder with the same
warm cache: the cells come from the execution cache (checked: no cell runs), so the time is reading,
math, and the writer. The `pdf` row runs xelatex (latexmk) when it is installed, else prints the page
with headless Chromium; the table says which. Results also go to bench/out/targets.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "bench" / "docs" / "mlp_torch.md"
OUT = ROOT / "bench" / "out"
CLI = "import sys; from veritex.cli import main; sys.argv[0] = 'veritex'; main()"


def veritex(args: list[str]) -> tuple[float, int]:
    """Seconds a `veritex build` process took, and how many cells it ran."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CLI, "build", *args, "--json"], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"veritex build {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    reports = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return seconds, sum(int(r.get("cells_run", 0)) for r in reports)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--document", type=Path, default=DOCUMENT)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default="html,latex,pdf")
    options = parser.parse_args()
    formats = [f for f in options.formats.split(",") if f]
    work = OUT / "targets"
    shutil.rmtree(work, ignore_errors=True)
    cache = work / "cache"
    common = [str(options.document), "--cache-dir", str(cache)]
    cold, _ = veritex([*common, "-o", str(work / "cold"), "--to", "html"])  # fills the execution cache
    rows: dict[str, list[float]] = {name: [] for name in formats}
    for run in range(options.runs):
        for name in formats:
            seconds, cells_run = veritex([*common, "-o", str(work / f"{name}-{run}"), "--to", name])
            if cells_run:
                raise SystemExit(f"--to {name}: cells ran, so the time is not the writer's")
            rows[name].append(seconds)
    warm_dir = str(work / "warm")
    veritex([*common, "-o", warm_dir, "--to", "html"])
    html_only = [veritex([*common, "-o", warm_dir, "--to", "html"])[0] for _ in range(options.runs)]
    veritex([*common, "-o", warm_dir, "--to", ",".join(formats)])
    every = [veritex([*common, "-o", warm_dir, "--to", ",".join(formats)])[0] for _ in range(options.runs)]
    engine = "latexmk -xelatex" if shutil.which("xelatex") and shutil.which("latexmk") else "Chromium (no xelatex)"
    print(f"{options.document.name}: first build (code run) {cold:.2f} s; per format, code from the cache:")
    print(f"{'format':<8} {'median s':>9} {'fastest s':>10}")
    for name, times in rows.items():
        note = f"  ({engine})" if name == "pdf" else ""
        print(f"{name:<8} {statistics.median(times):>9.2f} {min(times):>10.2f}{note}")
    added = statistics.median(every) - statistics.median(html_only)
    print(f"unchanged rebuild: --to html {statistics.median(html_only):.3f} s, --to {','.join(formats)} "
          f"{statistics.median(every):.3f} s (adds {added:.3f} s)")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "targets.json").write_text(json.dumps({
        "document": options.document.name, "cold_s": cold, "engine": engine, "per_format_s": rows,
        "unchanged_html_s": html_only, "unchanged_all_s": every}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
