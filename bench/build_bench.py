#!/usr/bin/env python3
"""One run, one table: veritex against the plain script and the notebook tools, on one document, one machine.

    bash bench/setup_peers.sh                    # once: the peers live in .venv-bench, never in .venv
    .venv/bin/python bench/build_bench.py        # or `make bench`
    .venv/bin/python bench/build_bench.py --runs 5 --heavy-runs 1 --skip-myst

Every tool builds `bench/docs/mlp_torch.md` (its code cells as one script for the floor, the same document
converted to .ipynb by jupytext for the notebook tools). Each tool runs once untimed, to warm the OS file
cache; then the timed runs go round robin, one run of every tool per round, so that a burst of load from
elsewhere on the machine falls on all tools alike. The table shows the median and the fastest run; the
numbers also go to bench/out/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
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

# Set by --threads, for every tool alike: torch's OpenMP threads spin when another process takes a core.
THREAD_LIMITS: dict[str, str] = {}

FLOOR = "python script.py (floor)"
NBCONVERT = "jupyter nbconvert --execute --to html"
VERITEX_COLD = "veritex build (cold)"
VERITEX_PROSE = "veritex build (after a prose edit)"
VERITEX_UNCHANGED = "veritex build (unchanged)"


class BenchError(RuntimeError):
    """A tool failed or did not do the work it was timed for."""


def _nothing(_: int) -> None:
    return None


def _accept(_: str) -> str | None:
    return None


@dataclass
class Tool:
    """One row of the table: a command, what to do before each run, and how to tell it did its work."""

    name: str
    command: list[str | Path]
    env: dict[str, str]
    runs: int
    note: str = ""
    prepare: Callable[[int], None] = _nothing  # untimed, before run i (-1: the warm-up)
    # Untimed, on the command's output: what is wrong with the run, or None.
    verify: Callable[[str], str | None] = _accept
    # A strict row stops the bench when a run goes wrong; the others keep the time and report the problem,
    # so that a veritex regression (a prose edit that re-runs cells) shows as a number, not as a crash.
    strict: bool = True
    # veritex exits 1 when a verdict is refuted: the build is still complete, and the verdicts are reported.
    exit_codes: tuple[int, ...] = (0,)
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)  # user + system, the command and its kernels
    problems: list[str] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def once(self, i: int) -> None:
        self.prepare(i)
        cpu_before = _children_cpu()
        seconds, output = run(self.command, self.env, exit_codes=self.exit_codes)
        cpu = _children_cpu() - cpu_before
        problem = self.verify(output)
        if problem and self.strict:
            raise BenchError(f"{self.name}: {problem}")
        if i >= 0:
            self.seconds.append(seconds)
            self.cpu_seconds.append(cpu)
            if problem:
                self.problems.append(f"run {i + 1}: {problem}")


@dataclass
class Target:
    name: str
    value: float | None  # from the medians: the verdict
    limit: float
    unit: str
    value_from_min: float | None = None  # from the fastest runs: shown beside it, for a loaded machine

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
    env.update(THREAD_LIMITS)
    return env


def _children_cpu() -> float:
    """CPU seconds of every finished child process and the descendants they waited for (kernels included).

    Less sensitive than wall time to other work on a shared machine: a second opinion when the load is high.
    """
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


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


def run_rounds(tools: list[Tool]) -> list[float]:
    """A warm-up round, then round robin until every tool has its runs; returns the load before each round."""
    loads = []
    rounds = max(t.runs for t in tools)
    for i in range(-1, rounds):
        loads.append(os.getloadavg()[0])
        label = "warm-up" if i < 0 else f"round {i + 1}/{rounds}"
        print(f"{label} (load {loads[-1]:.2f})", flush=True)
        for tool in tools:
            if i < tool.runs:
                tool.once(i)
                if i >= 0:
                    print(f"  {tool.name:<38} {tool.seconds[-1]:8.2f} s", flush=True)
    return loads


def fresh(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)


def expect_in_file(path: Path, needle: str) -> str | None:
    if not path.exists() or needle not in path.read_text(encoding="utf-8"):
        return f"{path} lacks {needle!r}: the tool did not produce what it was timed for"
    return None


# ---------------------------------------------------------------- the inputs every tool gets


def _load(document: Path) -> Any:
    sys.path.insert(0, str(ROOT / "src"))
    from veritex.api import load  # the same reader veritex builds with

    return load(document)


def write_script(document: Path, script: Path) -> int:
    """The document's runnable cells, in order, as one script: the floor any tool pays to run the code.

    `import veritex as vt` stays: outside a kernel `vt.expect` checks and prints its verdict.
    """
    cells = [c.source for c in _load(document).code_cells() if c.execute]
    script.write_text("\n\n".join(cells) + "\n", encoding="utf-8")
    return len(cells)


def describe(document: Path) -> dict[str, int]:
    doc = _load(document)
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


def floor_tool(runs: int) -> Tool:
    def verify(output: str) -> str | None:
        if PRINTED_BY_TRAINING not in output or "refuted" in output:
            return f"the plain script did not run cleanly:\n{output[-2000:]}"
        return None

    return Tool(FLOOR, [MAIN_BIN / "python", WORK / "mlp_torch.py"], environment(MAIN_BIN, headless_matplotlib=True),
                runs, "the cells as one script; figures drawn but never encoded to PNG", verify=verify)


def peer_tools(runs: int, notebook: Path, with_myst: bool) -> list[Tool]:
    env = environment(PEER_BIN, headless_matplotlib=False)
    html_dir = WORK / "nbconvert"
    executed = WORK / "papermill" / "mlp_torch.ipynb"
    jupytext_out = WORK / "jupytext" / "mlp_torch.ipynb"
    tools = [
        Tool(NBCONVERT,
             [PEER_BIN / "jupyter", "nbconvert", "--execute", "--to", "html", "--output-dir", html_dir, notebook],
             env, runs, "MathJax typesets in the reader's browser",
             prepare=lambda i: fresh(html_dir),
             verify=lambda _: expect_in_file(html_dir / "mlp_torch.html", PRINTED_BY_TRAINING)),
        Tool("papermill", [PEER_BIN / "papermill", notebook, executed, "-k", PEER_KERNEL, "--no-progress-bar"],
             env, runs, "writes an executed .ipynb, no HTML",
             prepare=lambda i: fresh(executed.parent),
             verify=lambda _: expect_in_file(executed, PRINTED_BY_TRAINING)),
        Tool("jupytext --execute",
             [PEER_BIN / "jupytext", "--to", "ipynb", "--execute", "--set-kernel", PEER_KERNEL,
              "-o", jupytext_out, WORK / "mlp_torch.md"],
             env, runs, "from the .md, writes an executed .ipynb, no HTML",
             prepare=lambda i: fresh(jupytext_out.parent),
             verify=lambda _: expect_in_file(jupytext_out, PRINTED_BY_TRAINING)),
    ]
    if with_myst:
        project = WORK / "myst"
        source, build = project / "src", project / "_build"

        def cold_sphinx_project(i: int) -> None:
            fresh(project)
            source.mkdir()
            (source / "conf.py").write_text(MYST_CONF, encoding="utf-8")
            shutil.copy(notebook, source / "mlp_torch.ipynb")

        tools.append(Tool(
            "MyST-NB (sphinx-build, cold)", [PEER_BIN / "sphinx-build", "-b", "html", "-q", source, build],
            env, runs, "Sphinx + MyST-NB, inline execution with {eval}; MathJax in the browser",
            prepare=cold_sphinx_project, verify=lambda _: expect_in_file(build / "mlp_torch.html", PRINTED_BY_TRAINING)))
    return tools


_SUMMARY = re.compile(r"(\d+) cells run, (\d+) from cache, (\d+) unchanged")


def _summary(output: str) -> tuple[int, int, int] | None:
    """(cells run, documents from cache, documents unchanged), from the line the CLI prints last."""
    match = _SUMMARY.search(output)
    if not match:
        return None
    cells_run, from_cache, unchanged = (int(g) for g in match.groups())
    return cells_run, from_cache, unchanged


def _summary_line(output: str) -> str:
    match = _SUMMARY.search(output)
    return match.group(0) if match else output[-500:]


def veritex_verdicts(env: dict[str, str]) -> dict[str, dict[str, int]]:
    """One cold build with the JSON report: what veritex found, per kind and status."""
    out = WORK / "veritex" / "verdicts"
    fresh(out)
    _, output = run([MAIN_BIN / "veritex", "build", WORK / "mlp_torch.md", "-o", out, "--json"], env,
                    exit_codes=(0, 1))
    verdicts: dict[str, dict[str, int]] = {}
    for item in json.loads(output[output.index("{"):].splitlines()[0])["items"]:
        by_status = verdicts.setdefault(item["kind"], {})
        by_status[item["status"]] = by_status.get(item["status"], 0) + 1
    return verdicts


def veritex_tools(cold_runs: int, warm_runs: int) -> list[Tool]:
    env = environment(MAIN_BIN, headless_matplotlib=False)
    veritex = MAIN_BIN / "veritex"
    page = "mlp_torch.html"

    cold_dir = WORK / "veritex" / "cold"

    def verify_cold(output: str) -> str | None:
        summary = _summary(output)
        if summary is None or summary[0] == 0:
            return f"a cold veritex build ran no cell:\n{output[-2000:]}"
        return expect_in_file(cold_dir / page, PRINTED_BY_TRAINING)

    # The warm rows edit their own copy of the document, built once before the rounds start.
    edited = WORK / "veritex" / "edited" / "mlp_torch.md"
    warm_dir = WORK / "veritex" / "warm"
    fresh(edited.parent)
    fresh(warm_dir)
    shutil.copy(WORK / "mlp_torch.md", edited)
    run([veritex, "build", edited, "-o", warm_dir], env, exit_codes=(0, 1))
    edits: list[str] = []

    def edit_prose(i: int) -> None:
        text = edited.read_text(encoding="utf-8")
        current = next(s for s in PROSE_EDITS if s in text)
        reworded = PROSE_EDITS[(PROSE_EDITS.index(current) + 1) % len(PROSE_EDITS)]
        edited.write_text(text.replace(current, reworded), encoding="utf-8")
        edits.append(reworded)

    def verify_prose(output: str) -> str | None:
        summary = _summary(output)
        if summary is None or summary[0] != 0:
            return f"the prose edit made veritex run cells again: {_summary_line(output)}"
        return expect_in_file(warm_dir / page, edits[-1])

    def verify_unchanged(output: str) -> str | None:
        summary = _summary(output)
        if summary is None or summary[2] != 1:
            return f"the unchanged document was built again: {_summary_line(output)}"
        return None

    warm_command: list[str | Path] = [veritex, "build", edited, "-o", warm_dir]
    return [
        Tool(VERITEX_COLD, [veritex, "build", WORK / "mlp_torch.md", "-o", cold_dir], env, cold_runs,
             "fresh output folder and cache; KaTeX rendered at build time",
             prepare=lambda i: shutil.rmtree(cold_dir, ignore_errors=True), verify=verify_cold, exit_codes=(0, 1)),
        # The order matters: each round's unchanged rebuild follows that round's prose edit.
        Tool(VERITEX_PROSE, warm_command, env, warm_runs, "one sentence reworded; outputs come from the cache",
             prepare=edit_prose, verify=verify_prose, strict=False, exit_codes=(0, 1)),
        Tool(VERITEX_UNCHANGED, warm_command, env, warm_runs, "nothing changed since the last build",
             verify=verify_unchanged, strict=False, exit_codes=(0, 1)),
    ]


# ---------------------------------------------------------------- report


def targets(by_name: dict[str, Tool]) -> list[Target]:
    def goals(pick: Callable[[Tool], float]) -> list[float | None]:
        floor, cold = pick(by_name[FLOOR]), pick(by_name[VERITEX_COLD])
        nbconvert = by_name.get(NBCONVERT)
        return [cold / pick(nbconvert) if nbconvert else None, cold - floor,
                pick(by_name[VERITEX_PROSE]), pick(by_name[VERITEX_UNCHANGED])]

    names = [("veritex cold / nbconvert", COLD_VS_NBCONVERT, "x"), ("veritex cold - python floor", COLD_OVER_FLOOR_S, "s"),
             ("veritex after a prose edit", PROSE_EDIT_S, "s"), ("veritex unchanged", UNCHANGED_S, "s")]
    medians, fastest = goals(lambda t: t.median), goals(lambda t: min(t.seconds))
    return [Target(name, value, limit, unit, quick)
            for (name, limit, unit), value, quick in zip(names, medians, fastest, strict=True)]


def print_table(tools: list[Tool], goals: list[Target], conversion: float | None) -> None:
    floor = tools[0].median
    print()
    print(f"{'tool':<38} {'median s':>9} {'min s':>8} {'cpu s':>7} {'runs':>5} {'x floor':>8}  note")
    print("-" * 128)
    for t in tools:
        print(f"{t.name:<38} {t.median:>9.3f} {min(t.seconds):>8.3f} {statistics.median(t.cpu_seconds):>7.2f}"
              f" {len(t.seconds):>5} {t.median / floor:>8.2f}  {t.note}")
    if conversion is not None:
        print(f"{'(jupytext .md -> .ipynb, not counted)':<38} {conversion:>9.3f} {'':>8} {'':>7} {1:>5}")
    print()
    for goal in goals:
        limit = f"< {goal.limit:g} {goal.unit}"
        shown = "not measured" if goal.value is None else f"{goal.value:.3f} {goal.unit}"
        verdict = {True: "met", False: "NOT MET", None: "not measured"}[goal.met]
        fastest = "" if goal.value_from_min is None else f"(from the fastest runs: {goal.value_from_min:.3f} {goal.unit})"
        print(f"target {goal.name:<28} {limit:<9} median {shown:<13} {verdict:<8} {fastest}")


def machine() -> dict[str, Any]:
    import torch  # from veritex's .venv: the bench runs under it

    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3,
                        help="timed runs of the cheap rows: the floor and veritex's warm rebuilds (default 3)")
    parser.add_argument("--heavy-runs", type=int, default=3,
                        help="timed runs of each peer and of veritex's cold build (default 3)")
    parser.add_argument("--skip-peers", action="store_true", help="time only the floor and veritex")
    parser.add_argument("--skip-myst", action="store_true", help="leave MyST-NB out")
    parser.add_argument("--threads", type=int,
                        help="OMP_NUM_THREADS / MKL_NUM_THREADS for every tool (default: torch's own choice); "
                             "1 gives steadier numbers on a machine that other work shares")
    args = parser.parse_args(argv)
    if args.threads:
        THREAD_LIMITS.update(OMP_NUM_THREADS=str(args.threads), MKL_NUM_THREADS=str(args.threads))

    # An installed veritex has its bytecode compiled by pip; the editable checkout gets the same here, since a
    # machine that sets PYTHONDONTWRITEBYTECODE would otherwise compile every module on every run.
    import compileall

    compileall.compile_dir(str(ROOT / "src" / "veritex"), quiet=1)
    fresh(WORK)
    shutil.copy(DOCUMENT, WORK / DOCUMENT.name)
    document = describe(DOCUMENT)
    write_script(DOCUMENT, WORK / "mlp_torch.py")
    print(f"document {DOCUMENT.relative_to(ROOT)}: {document}", flush=True)

    tools = [floor_tool(args.runs)]
    conversion: float | None = None
    peers = "measured"
    if args.skip_peers:
        peers = "skipped (--skip-peers)"
    elif not (PEER_BIN / "jupyter").exists():
        peers = "skipped: .venv-bench is missing; run bash bench/setup_peers.sh"
        print(peers)
    else:
        peer_env = environment(PEER_BIN, headless_matplotlib=False)
        check_peer_kernel(peer_env)
        notebook = WORK / "mlp_torch.ipynb"
        conversion, _ = run([PEER_BIN / "jupytext", "--to", "ipynb", "--set-kernel", PEER_KERNEL,
                             "-o", notebook, WORK / "mlp_torch.md"], peer_env)
        with_myst = not args.skip_myst and (PEER_BIN / "sphinx-build").exists()
        tools += peer_tools(args.heavy_runs, notebook, with_myst)
    verdicts = veritex_verdicts(environment(MAIN_BIN, headless_matplotlib=False))
    tools += veritex_tools(args.heavy_runs, args.runs)

    loads = run_rounds(tools)
    goals = targets({t.name: t for t in tools})
    print_table(tools, goals, conversion)
    for tool in tools:
        for problem in tool.problems:
            print(f"problem: {tool.name}, {problem}")
    print(f"\nveritex verdicts on the document: {verdicts}")

    floor = tools[0].median
    results = {
        "document": {"path": str(DOCUMENT.relative_to(ROOT)), **document},
        "machine": {**machine(), "thread_limits": THREAD_LIMITS, "load_average_1min_before_each_round": loads},
        "tools": [
            {"tool": t.name, "median_s": round(t.median, 4), "min_s": round(min(t.seconds), 4),
             "runs_s": [round(s, 4) for s in t.seconds], "ratio_to_floor": round(t.median / floor, 3),
             "cpu_median_s": round(statistics.median(t.cpu_seconds), 3),
             "cpu_runs_s": [round(s, 3) for s in t.cpu_seconds],
             "note": t.note, "problems": t.problems,
             "command": [str(c).replace(str(ROOT) + "/", "") for c in t.command]}
            for t in tools
        ],
        "jupytext_conversion_s": None if conversion is None else round(conversion, 4),
        "peers": peers,
        "targets": [{"target": g.name, "limit": g.limit, "unit": g.unit,
                     "measured": None if g.value is None else round(g.value, 4), "met": g.met,
                     "from_fastest_runs": None if g.value_from_min is None else round(g.value_from_min, 4)}
                    for g in goals],
        "veritex_verdicts": verdicts,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {(OUT / 'results.json').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        sys.exit(1)
