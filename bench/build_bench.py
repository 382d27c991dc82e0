#!/usr/bin/env python3
"""One run, one table: veritex against the plain script and the notebook tools, on one document, one machine.

    bash bench/setup_peers.sh                    # once: the peers live in .venv-bench, never in .venv
    .venv/bin/python bench/build_bench.py        # or `make bench`
    .venv/bin/python bench/build_bench.py --runs 5 --heavy-runs 1 --skip-myst

Every tool builds `bench/docs/mlp_torch.md` (its code cells as one script for the floor, the same document
converted to .ipynb by jupytext for the notebook tools). Each tool runs once untimed, to warm the OS file
cache, then N timed runs; the table shows the median. The numbers also go to bench/out/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "bench" / "docs" / "mlp_torch.md"
OUT = ROOT / "bench" / "out"
WORK = OUT / "work"
MAIN_BIN = ROOT / ".venv" / "bin"
PEER_BIN = ROOT / ".venv-bench" / "bin"
PEER_KERNEL = "veritex-bench"  # installed by setup_peers.sh, runs .venv-bench's python
PRINTED_BY_TRAINING = "test acc"  # a string only the executed training cell prints: proof that code ran

# One sentence of prose and the rewordings the prose-edit runs cycle through (each differs from the last).
PROSE_EDITS = (
    "We keep a random fifth of the points aside to measure generalisation",
    "We hold a random fifth of the points back to measure generalisation",
    "A random fifth of the points is kept aside to measure generalisation",
)

# The goals veritex is built to: seconds, or a ratio.
COLD_VS_NBCONVERT = 1.0
COLD_OVER_FLOOR_S = 1.0
PROSE_EDIT_S = 0.3
UNCHANGED_S = 0.15


class BenchError(RuntimeError):
    """A tool failed or did not do the work it was timed for."""


@dataclass
class Timing:
    name: str
    command: list[str | Path]
    seconds: list[float] = field(default_factory=list)
    note: str = ""
    # veritex exits 1 when a verdict is refuted: the build is still complete, and the verdicts are reported.
    exit_codes: tuple[int, ...] = (0,)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


@dataclass
class Target:
    name: str
    value: float | None
    limit: float
    unit: str

    @property
    def met(self) -> bool | None:
        return None if self.value is None else self.value < self.limit


# ---------------------------------------------------------------- running commands


def environment(bin_dir: Path, *, headless_matplotlib: bool) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONPATH", None)
    # Kernels pick matplotlib's inline backend themselves; forcing Agg there would drop their figures.
    env.pop("MPLBACKEND", None)
    if headless_matplotlib:
        env["MPLBACKEND"] = "Agg"
    return env


def run(command: Sequence[str | Path], env: dict[str, str], cwd: Path = WORK,
        exit_codes: tuple[int, ...] = (0,)) -> tuple[float, str]:
    """Run to completion; return wall seconds and combined output. Another exit status is a BenchError."""
    started = time.perf_counter()
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode not in exit_codes:
        tail = (done.stdout + done.stderr)[-3000:]
        raise BenchError(f"{' '.join(map(str, command))} exited {done.returncode}:\n{tail}")
    return seconds, done.stdout + done.stderr


def measure(
    timing: Timing,
    env: dict[str, str],
    runs: int,
    *,
    prepare: Callable[[int], None] = lambda i: None,
    verify: Callable[[str], None] = lambda output: None,
    warm_up: bool = True,
) -> Timing:
    """One untimed warm-up run (OS file cache), then `runs` timed ones; `prepare(i)` runs untimed before each."""
    for i in range(-1 if warm_up else 0, runs):
        prepare(i)
        seconds, output = run(timing.command, env, exit_codes=timing.exit_codes)
        verify(output)
        if i >= 0:
            timing.seconds.append(seconds)
    print(f"  {timing.name:<34} {timing.median:7.2f} s  ({', '.join(f'{s:.2f}' for s in timing.seconds)})",
          flush=True)
    return timing


def fresh(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)


def expect_in_file(path: Path, needle: str) -> None:
    if needle not in path.read_text(encoding="utf-8"):
        raise BenchError(f"{path} lacks {needle!r}: the tool did not produce what it was timed for")


# ---------------------------------------------------------------- the inputs every tool gets


def write_script(document: Path, script: Path) -> int:
    """The document's runnable cells, in order, as one script: the floor any tool pays to run the code.

    `import veritex as vt` stays: outside a kernel `vt.expect` checks and prints its verdict.
    """
    sys.path.insert(0, str(ROOT / "src"))
    from veritex.api import load  # the same reader veritex builds with, so the script is exactly its cells

    cells = [c.source for c in load(document).code_cells() if c.execute]
    script.write_text("\n\n".join(cells) + "\n", encoding="utf-8")
    return len(cells)


def count_formulas(document: Path) -> dict[str, int]:
    sys.path.insert(0, str(ROOT / "src"))
    from veritex.api import load

    doc = load(document)
    formulas = list(doc.all_math())
    return {
        "code_cells": sum(1 for _ in doc.code_cells()),
        "formulas": len(formulas),
        "display_formulas": sum(f.display for f in formulas),
        "labelled_formulas": sum(f.label is not None for f in formulas),
    }


def check_peer_kernel(env: dict[str, str]) -> None:
    """The peers must run their cells in .venv-bench's python, which sees torch through the .pth file."""
    _, output = run([PEER_BIN / "jupyter", "kernelspec", "list", "--json"], env, cwd=ROOT)
    spec = json.loads(output[output.index("{"):])["kernelspecs"].get(PEER_KERNEL)
    if not spec or Path(spec["spec"]["argv"][0]) != PEER_BIN / "python":
        raise BenchError(f"kernel {PEER_KERNEL!r} is missing or not .venv-bench's python: run bench/setup_peers.sh")


MYST_CONF = """\
extensions = ["myst_nb"]
myst_enable_extensions = ["dollarmath", "amsmath"]
nb_execution_mode = "inline"  # runs the cells as it parses, so {eval} in prose gets its value, as in veritex
nb_eval_name_regex = r"^.+$"  # any expression, not only a variable name
nb_execution_timeout = 600
root_doc = "mlp_torch"
exclude_patterns = ["_build"]
"""


# ---------------------------------------------------------------- the tools


def measure_floor(runs: int) -> Timing:
    script = WORK / "mlp_torch.py"
    timing = Timing("python script.py (floor)", [MAIN_BIN / "python", script],
                    note="the cells as one script; figures drawn but never encoded to PNG")

    def verify(output: str) -> None:
        if PRINTED_BY_TRAINING not in output or "refuted" in output:
            raise BenchError(f"the plain script did not run cleanly:\n{output[-2000:]}")

    return measure(timing, environment(MAIN_BIN, headless_matplotlib=True), runs, verify=verify)


def measure_peers(runs: int, notebook: Path, with_myst: bool) -> list[Timing]:
    env = environment(PEER_BIN, headless_matplotlib=False)
    timings: list[Timing] = []

    html_dir = WORK / "nbconvert"
    timings.append(measure(
        Timing("jupyter nbconvert --execute --to html",
               [PEER_BIN / "jupyter", "nbconvert", "--execute", "--to", "html", "--output-dir", html_dir, notebook],
               note="MathJax typesets in the reader's browser"),
        env, runs, prepare=lambda i: fresh(html_dir),
        verify=lambda _: expect_in_file(html_dir / "mlp_torch.html", PRINTED_BY_TRAINING)))

    executed = WORK / "papermill" / "mlp_torch.ipynb"
    timings.append(measure(
        Timing("papermill", [PEER_BIN / "papermill", notebook, executed, "-k", PEER_KERNEL, "--no-progress-bar"],
               note="writes an executed .ipynb, no HTML"),
        env, runs, prepare=lambda i: fresh(executed.parent),
        verify=lambda _: expect_in_file(executed, PRINTED_BY_TRAINING)))

    jupytext_out = WORK / "jupytext" / "mlp_torch.ipynb"
    timings.append(measure(
        Timing("jupytext --execute",
               [PEER_BIN / "jupytext", "--to", "ipynb", "--execute", "--set-kernel", PEER_KERNEL,
                "-o", jupytext_out, WORK / "mlp_torch.md"],
               note="from the .md, writes an executed .ipynb, no HTML"),
        env, runs, prepare=lambda i: fresh(jupytext_out.parent),
        verify=lambda _: expect_in_file(jupytext_out, PRINTED_BY_TRAINING)))

    if with_myst:
        project = WORK / "myst"
        source, build = project / "src", project / "_build"

        def cold_sphinx_project(i: int) -> None:
            fresh(project)
            source.mkdir()
            (source / "conf.py").write_text(MYST_CONF, encoding="utf-8")
            shutil.copy(notebook, source / "mlp_torch.ipynb")

        timings.append(measure(
            Timing("MyST-NB (sphinx-build, cold)",
                   [PEER_BIN / "sphinx-build", "-b", "html", "-q", source, build],
                   note="Sphinx + MyST-NB, inline execution with {eval}; MathJax in the browser"),
            env, runs, prepare=cold_sphinx_project,
            verify=lambda _: expect_in_file(build / "mlp_torch.html", PRINTED_BY_TRAINING)))
    return timings


_SUMMARY = re.compile(r"(\d+) cells run, (\d+) from cache, (\d+) unchanged")


def _summary(output: str) -> tuple[int, int, int]:
    match = _SUMMARY.search(output)
    if not match:
        raise BenchError(f"veritex printed no build summary:\n{output[-2000:]}")
    cells_run, from_cache, unchanged = (int(g) for g in match.groups())
    return cells_run, from_cache, unchanged


def measure_veritex(runs: int) -> tuple[list[Timing], dict[str, Any]]:
    env = environment(MAIN_BIN, headless_matplotlib=False)
    source = WORK / "mlp_torch.md"
    page = "mlp_torch.html"
    veritex = MAIN_BIN / "veritex"

    # The verdicts, from one cold build with the JSON report: the timed runs below must be doing real work.
    verdict_dir = WORK / "veritex" / "verdicts"
    fresh(verdict_dir)
    _, output = run([veritex, "build", source, "-o", verdict_dir, "--json"], env, exit_codes=(0, 1))
    items = json.loads(output[output.index("{"):].splitlines()[0])["items"]
    verdicts: dict[str, Any] = {}
    for item in items:  # e.g. {"expect": {"verified": 22}, "identity": {"verified": 1, "unchecked": 2}}
        by_status = verdicts.setdefault(item["kind"], {})
        by_status[item["status"]] = by_status.get(item["status"], 0) + 1

    cold_dir = WORK / "veritex" / "cold"

    def verify_cold(output: str) -> None:
        if _summary(output)[0] == 0:
            raise BenchError("a cold veritex build ran no cell")
        expect_in_file(cold_dir / page, PRINTED_BY_TRAINING)

    cold = measure(Timing("veritex build (cold)", [veritex, "build", source, "-o", cold_dir],
                          note="fresh output folder and cache; KaTeX rendered at build time", exit_codes=(0, 1)),
                   env, runs, prepare=lambda i: shutil.rmtree(cold_dir, ignore_errors=True), verify=verify_cold)

    warm_dir = WORK / "veritex" / "warm"
    fresh(warm_dir)
    run([veritex, "build", source, "-o", warm_dir], env, exit_codes=(0, 1))  # the build the edits start from
    edits: list[str] = []

    def edit_prose(i: int) -> None:
        text = source.read_text(encoding="utf-8")
        current = next(s for s in PROSE_EDITS if s in text)
        reworded = PROSE_EDITS[(PROSE_EDITS.index(current) + 1) % len(PROSE_EDITS)]
        source.write_text(text.replace(current, reworded), encoding="utf-8")
        edits.append(reworded)

    def verify_prose(output: str) -> None:
        if _summary(output)[0] != 0:
            raise BenchError("a prose edit made veritex run cells again")
        expect_in_file(warm_dir / page, edits[-1])

    prose = measure(Timing("veritex build (after a prose edit)", [veritex, "build", source, "-o", warm_dir],
                           note="one sentence reworded; outputs come from the cache", exit_codes=(0, 1)),
                    env, runs, prepare=edit_prose, verify=verify_prose, warm_up=True)

    def verify_unchanged(output: str) -> None:
        if _summary(output)[2] != 1:
            raise BenchError("an unchanged document was not skipped")

    unchanged = measure(Timing("veritex build (unchanged)", [veritex, "build", source, "-o", warm_dir],
                               note="nothing changed since the last build", exit_codes=(0, 1)),
                        env, runs, verify=verify_unchanged)
    return [cold, prose, unchanged], verdicts


# ---------------------------------------------------------------- report


def targets(by_name: dict[str, Timing]) -> list[Target]:
    floor = by_name["python script.py (floor)"].median
    cold = by_name["veritex build (cold)"].median
    nbconvert = by_name.get("jupyter nbconvert --execute --to html")
    return [
        Target("veritex cold / nbconvert", cold / nbconvert.median if nbconvert else None, COLD_VS_NBCONVERT, "x"),
        Target("veritex cold - python floor", cold - floor, COLD_OVER_FLOOR_S, "s"),
        Target("veritex after a prose edit", by_name["veritex build (after a prose edit)"].median, PROSE_EDIT_S, "s"),
        Target("veritex unchanged", by_name["veritex build (unchanged)"].median, UNCHANGED_S, "s"),
    ]


def print_table(timings: list[Timing], goals: list[Target], conversion: float | None) -> None:
    floor = timings[0].median
    print()
    print(f"{'tool':<38} {'median s':>9} {'runs':>5} {'x floor':>8}  note")
    print("-" * 110)
    for t in timings:
        print(f"{t.name:<38} {t.median:>9.3f} {len(t.seconds):>5} {t.median / floor:>8.2f}  {t.note}")
    if conversion is not None:
        print(f"{'(jupytext .md -> .ipynb, not counted)':<38} {conversion:>9.3f} {1:>5} {'':>8}")
    print()
    for goal in goals:
        shown = "not measured" if goal.value is None else f"{goal.value:.3f} {goal.unit}"
        verdict = {True: "met", False: "NOT MET", None: "not measured"}[goal.met]
        print(f"target {goal.name:<30} < {goal.limit:g} {goal.unit:<2}  measured {shown:<14} {verdict}")


def machine() -> dict[str, Any]:
    import torch  # from veritex's .venv: the bench runs under it

    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "load_average": os.getloadavg(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of the cheap measurements (default 3)")
    parser.add_argument("--heavy-runs", type=int, default=3,
                        help="timed runs of each peer and of veritex's cold build (default 3)")
    parser.add_argument("--skip-peers", action="store_true", help="time only the floor and veritex")
    parser.add_argument("--skip-myst", action="store_true", help="leave MyST-NB out")
    args = parser.parse_args(argv)

    fresh(WORK)
    shutil.copy(DOCUMENT, WORK / DOCUMENT.name)
    document = count_formulas(DOCUMENT)
    write_script(DOCUMENT, WORK / "mlp_torch.py")
    print(f"document {DOCUMENT.relative_to(ROOT)}: {document}", flush=True)
    started_machine = machine()

    timings = [measure_floor(args.runs)]
    conversion: float | None = None
    peers_note = ""
    if args.skip_peers:
        peers_note = "skipped (--skip-peers)"
    elif not (PEER_BIN / "jupyter").exists():
        peers_note = "skipped: .venv-bench is missing; run bash bench/setup_peers.sh"
        print(peers_note)
    else:
        peer_env = environment(PEER_BIN, headless_matplotlib=False)
        check_peer_kernel(peer_env)
        notebook = WORK / "mlp_torch.ipynb"
        conversion, _ = run([PEER_BIN / "jupytext", "--to", "ipynb", "--set-kernel", PEER_KERNEL,
                             "-o", notebook, WORK / "mlp_torch.md"], peer_env)
        with_myst = not args.skip_myst and (PEER_BIN / "sphinx-build").exists()
        timings += measure_peers(args.heavy_runs, notebook, with_myst)
    veritex_timings, verdicts = measure_veritex(args.runs)
    timings += veritex_timings

    goals = targets({t.name: t for t in timings})
    print_table(timings, goals, conversion)
    print(f"\nveritex verdicts on the document: {verdicts}")

    OUT.mkdir(parents=True, exist_ok=True)
    floor = timings[0].median
    results = {
        "document": {"path": str(DOCUMENT.relative_to(ROOT)), **document},
        "machine": {**started_machine, "load_average_after": os.getloadavg()},
        "tools": [
            {"tool": t.name, "median_s": round(t.median, 4), "runs_s": [round(s, 4) for s in t.seconds],
             "ratio_to_floor": round(t.median / floor, 3), "note": t.note,
             "command": [str(c).replace(str(ROOT) + "/", "") for c in t.command]}
            for t in timings
        ],
        "jupytext_conversion_s": None if conversion is None else round(conversion, 4),
        "peers": peers_note or "measured",
        "targets": [{"target": g.name, "limit": g.limit, "unit": g.unit,
                     "measured": None if g.value is None else round(g.value, 4), "met": g.met} for g in goals],
        "veritex_verdicts": verdicts,
    }
    (OUT / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {(OUT / 'results.json').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        sys.exit(1)
