#!/usr/bin/env python3
"""What `--to gfm,ipynb` adds to a warm build of the realistic document (bench/docs/mlp_torch.md).

    .venv/bin/python bench/publish_cost.py [--runs 7] [--document PATH]

One cold HTML build first (it runs the code and fills the caches). Then, timed, each as a fresh
`veritex build` process, the median of `--runs`:
  html, unchanged                 the baseline: nothing to do
  html,gfm,ipynb, unchanged       every output cached: the extra formats' own cost (target < 0.3 s over html)
  + gfm,ipynb written again       the notebook and the Markdown deleted before each run, so both are written
                                  from the caches (no cell runs), the HTML page stays up to date
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "bench" / "docs" / "mlp_torch.md"
WORK = ROOT / "bench" / "out" / "publish"
TARGET_EXTRA = 0.3  # seconds over the unchanged HTML build, both extra formats together


def veritex(*args: str) -> float:
    command = [str(Path(sys.executable).with_name("veritex")), "build", *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=WORK, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"veritex build failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds


def median(runs: int, before: object, *args: str) -> float:
    times = []
    for _ in range(runs):
        if callable(before):
            before()
        times.append(veritex(*args))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--document", type=Path, default=DOCUMENT)
    options = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    source = WORK / options.document.name
    shutil.copy(options.document, source)
    out = WORK / "site"
    stem = source.stem
    cold = veritex(source.name, "-o", "site")
    veritex(source.name, "-o", "site", "--to", "html,gfm,ipynb")  # warm every output once

    def drop_published() -> None:
        for name in (f"{stem}.md", f"{stem}.ipynb"):
            (out / name).unlink(missing_ok=True)

    html = median(options.runs, None, source.name, "-o", "site")
    cached = median(options.runs, None, source.name, "-o", "site", "--to", "html,gfm,ipynb")
    written = median(options.runs, drop_published, source.name, "-o", "site", "--to", "html,gfm,ipynb")
    extra = cached - html
    rows = [
        ("cold html build (runs the code)", cold, ""),
        ("html, unchanged", html, ""),
        ("html,gfm,ipynb, unchanged", cached, f"+{extra:.3f} s over html (target < {TARGET_EXTRA} s): "
                                              + ("met" if extra < TARGET_EXTRA else "MISSED")),
        ("html,gfm,ipynb, gfm+ipynb written again", written, f"+{written - html:.3f} s over html"),
    ]
    print(f"{options.document.name}, median of {options.runs} runs, each a fresh process")
    for name, seconds, note in rows:
        print(f"  {name:<42} {seconds:7.3f} s  {note}")


if __name__ == "__main__":
    main()
