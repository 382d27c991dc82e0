"""`veritex check --no-execute` on every corpus document: seconds per document and the counts table.

    .venv/bin/python bench/corpus_check.py [--rounds 3] [--jobs 1] [--pages] [--cli] [--only corpus]
                                           [--json PATH] [--compare PATH]

The documents are the published lectures and chapters in `../shared/corpus/` and the notebooks in
`../shared/corpus-ipynb/` (a folder that is absent is skipped). Each round checks every document of a folder
with `veritex.build(..., execute=False, write=False)`, one build and one fresh cache folder per document by
default, so that each document's seconds are its own (a build of several documents pipelines them: the next
one is checked before the last one is finished, and its time would count in both); a tiny document checked
first, untimed, pays for the imports. `--jobs N` (N > 1) builds each subfolder in one build instead. A
document's time is its median over the rounds. `--cli` times instead one `veritex check --no-execute DOC`
process per document (interpreter start and imports included, what a user waits for), with a fresh cache
folder each time. `--pages` also builds the pages (once) and counts the directives, roles and TeX shown as
text. Target (issue 15): a median under 0.3 s per document and none over 2 s, printed as met / NOT MET,
with the five slowest documents. `--json PATH` writes the numbers (wall and CPU seconds per document);
`--compare PATH` prints them beside those of an earlier `--json` (before and after a change).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from corpus.corpora import CORPORA, CorpusRun, corpus_folder  # noqa: E402
from corpus.judgements import Judgements, Verdicts  # noqa: E402
from corpus.summary import rows  # noqa: E402
from corpus.tally import format_reasons, format_table, reason_counts, seconds_summary  # noqa: E402

import veritex  # noqa: E402
from veritex.report import Report  # noqa: E402

MEDIAN_TARGET = 0.3
MAX_TARGET = 2.0
TOP = 5


class OwnBuildRun(CorpusRun):
    """A corpus folder checked one document per build, each with a fresh cache folder: its seconds are
    the whole build's, what `veritex check --no-execute DOC` takes in a process whose imports are done."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.cpu_seconds: dict[str, float] = {}  # this process's CPU time: a busy machine inflates less

    def report(self, mode: str) -> Report:
        if mode != "check" or mode in self.reports:
            return super().report(mode)
        combined = Report()
        started = time.perf_counter()
        for index, source in enumerate(self.sources):
            out = self.work / mode / str(index)
            begun, cpu = time.perf_counter(), time.process_time()
            part = veritex.build([source], out, execute=False, write=False, cache_dir=out / ".veritex-cache")
            for doc in part.documents:
                doc.seconds = time.perf_counter() - begun
                self.cpu_seconds[self.doc_name(doc)] = time.process_time() - cpu
            combined.documents.extend(part.documents)
        self.wall_seconds[mode] = time.perf_counter() - started
        combined.documents.sort(key=self.doc_name)
        self.reports[mode] = combined
        return combined


def warm_up(work: Path) -> None:
    """Check one small document so that the first corpus document does not pay for the imports."""
    doc = work / "warm-up.md"
    doc.write_text("# Warm-up\n\n$$\na (b + c) = a b + a c\n$$\n\nWith $x = 2$, $x^2 = 4$.\n")
    veritex.build([doc], work / "warm-up-out", execute=False, write=False)


def cli_seconds(run: CorpusRun, work: Path) -> dict[str, float]:
    """Wall seconds of one `veritex check --no-execute` process per document."""
    command = Path(sys.executable).with_name("veritex")
    seconds = {}
    for index, source in enumerate(run.sources):
        started = time.perf_counter()
        done = subprocess.run([str(command), "check", "--no-execute", "-o", str(work / f"cli-{index}"), str(source)],
                              capture_output=True, text=True)
        seconds[source.relative_to(run.folder).as_posix()] = time.perf_counter() - started
        if done.returncode not in (0, 1):  # 1: the document has errors or refuted verdicts
            sys.exit(f"veritex check failed on {source}:\n{done.stderr}")
    return seconds


def bench_folder(name: str, rounds: int, jobs: int, pages: bool, cli: bool,
                 work: Path) -> dict[str, object] | None:
    folder = corpus_folder(name)
    if not (folder / "JUDGED.json").is_file():
        print(f"{folder}: absent, skipped\n")
        return None
    times: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    run = None
    for index in range(rounds):
        kind = OwnBuildRun if jobs == 1 and not cli else CorpusRun
        run = kind(name, folder, work / f"{name}-{index}", jobs=jobs)
        if cli:
            for doc, seconds in cli_seconds(run, work / f"{name}-{index}").items():
                times.setdefault(doc, []).append(seconds)
        for doc in run.report("check").documents:
            if not cli:
                times.setdefault(run.doc_name(doc), []).append(doc.seconds)
        if isinstance(run, OwnBuildRun):
            for doc, seconds in run.cpu_seconds.items():
                cpu.setdefault(doc, []).append(seconds)
    assert run is not None
    if pages:
        run.report("html")
    judgements = Judgements.load(folder)
    medians = {doc: statistics.median(values) for doc, values in times.items()}
    table = rows(run, judgements)
    for row in table:
        row.seconds = medians[row.doc]
    verdicts = Verdicts.sort(run.verdicts("check"), judgements)
    items = [i for d in run.report("check").documents for i in d.items]
    how = ("one `veritex check --no-execute` process per document" if cli
           else "in one process, one build per document" if jobs == 1 else f"in one process, jobs={jobs}")
    print(f"== {name} ({folder}): {len(table)} documents, {rounds} round(s), {how}")
    print(format_table(table))
    print(seconds_summary(medians))
    print("ten most common unchecked reasons (items giving each):")
    print(format_reasons(reason_counts(items)))
    print(f"false alarms: {len(verdicts.false_alarms)}; real mistakes refuted: {len(verdicts.caught)} of "
          f"{len(verdicts.caught) + len(verdicts.missed)}; refuted or error verdicts nobody judged: "
          f"{len(verdicts.unjudged)}\n")
    return {
        "documents": {r.doc: {**r.counts, "false_alarms": r.false_alarms, "seconds": times[r.doc],
                              **({"cpu_seconds": cpu[r.doc]} if r.doc in cpu else {}),
                              **(r.raw.as_dict() if r.raw else {})} for r in table},
        "median_seconds": statistics.median(medians.values()),
        "max_seconds": max(medians.values()),
        "false_alarms": len(verdicts.false_alarms),
        "mistakes_refuted": len(verdicts.caught),
        "mistakes_counted": len(verdicts.caught) + len(verdicts.missed),
        "unjudged": len(verdicts.unjudged),
    }


def top(seconds: dict[str, float], count: int = TOP) -> list[tuple[str, float]]:
    return sorted(seconds.items(), key=lambda kv: -kv[1])[:count]


def per_document(data: dict[str, Any], key: str) -> dict[str, float]:
    """`folder/doc` -> the median of `key` (seconds, cpu_seconds) over the rounds of a `--json`."""
    return {f"{name}/{doc}": statistics.median(v[key]) for name, folder in data.items() if name != "all"
            for doc, v in folder["documents"].items() if key in v}


def compare(before_path: Path, results: dict[str, Any]) -> None:
    """The seconds of an earlier `--json` beside this run's (wall, and CPU when both runs have it:
    on a busy machine the CPU time is the steadier), the slowest documents of either, and the
    verdict counts of both, with every document whose counts changed."""
    before_json = json.loads(before_path.read_text())
    for key, what in (("seconds", "wall seconds"), ("cpu_seconds", "CPU seconds")):
        before, after = per_document(before_json, key), per_document(results, key)
        shared = sorted(set(before) & set(after))
        if not shared:
            continue
        print(f"\n== {what}, before ({before_path}) and after, over {len(shared)} documents")
        for label, pick in (("median", statistics.median), ("max", max)):
            b, a = pick(before[d] for d in shared), pick(after[d] for d in shared)
            print(f"{label:<7} {b:7.2f} s -> {a:7.2f} s  ({b / a if a else float('inf'):.1f}x)")
        slowest = list(dict.fromkeys([d for d, _ in top({d: before[d] for d in shared})]
                                     + [d for d, _ in top({d: after[d] for d in shared})]))
        width = max(len(d) for d in slowest)
        print(f"{'slowest documents, before or after':<{width}}  before   after")
        for doc in sorted(slowest, key=lambda d: -before[d]):
            print(f"{doc:<{width}} {before[doc]:7.2f} {after[doc]:7.2f}")
    keys = ("items", "verified", "refuted", "error", "unchecked", "false_alarms")
    print(f"\n{'counts':<14}" + "".join(f"{k:>13}" for k in keys))
    for label, data in (("before", before_json), ("after", results)):
        totals = {k: sum(int(v.get(k, 0)) for name, folder in data.items() if name != "all"
                         for v in folder["documents"].values()) for k in keys}
        print(f"{label:<14}" + "".join(f"{totals[k]:>13}" for k in keys))
    for name, folder in before_json.items():
        for doc, b in folder.get("documents", {}).items():
            a = results.get(name, {}).get("documents", {}).get(doc)
            if a is not None and any(b.get(k) != a.get(k) for k in keys):
                print(f"counts changed in {name}/{doc}: "
                      + ", ".join(f"{k} {b.get(k)} -> {a.get(k)}" for k in keys if b.get(k) != a.get(k)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=1, help="checks of every document (median taken)")
    parser.add_argument("--jobs", type=int, default=1, help="documents checked in parallel (1: own seconds)")
    parser.add_argument("--pages", action="store_true", help="also build the pages and count markup as text")
    parser.add_argument("--cli", action="store_true", help="time one `veritex check` process per document")
    parser.add_argument("--only", choices=CORPORA, help="one corpus folder")
    parser.add_argument("--json", type=Path, help="write the numbers here")
    parser.add_argument("--compare", type=Path, help="an earlier --json to print beside this run")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    all_medians: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="veritex-corpus-bench-") as tmp:
        work = Path(tmp)
        warm_up(work)
        for name in [args.only] if args.only else CORPORA:
            result = bench_folder(name, max(1, args.rounds), args.jobs, args.pages, args.cli, work)
            if result is None:
                continue
            results[name] = result
            documents = result["documents"]
            assert isinstance(documents, dict)
            all_medians.update({f"{name}/{doc}": statistics.median(v["seconds"]) for doc, v in documents.items()})
    if not all_medians:
        sys.exit("no corpus folder found beside this checkout")
    median, worst = statistics.median(all_medians.values()), max(all_medians.values())
    met = median < MEDIAN_TARGET and worst <= MAX_TARGET
    print(f"all folders: {seconds_summary(all_medians)}")
    print(f"the {TOP} slowest: " + ", ".join(f"{doc} {seconds:.2f}" for doc, seconds in top(all_medians)))
    print(f"target: median under {MEDIAN_TARGET} s per document, none over {MAX_TARGET} s: "
          f"{'met' if met else 'NOT MET'}")
    cpu = per_document(results, "cpu_seconds")
    cpu_met = bool(cpu) and statistics.median(cpu.values()) < MEDIAN_TARGET and max(cpu.values()) <= MAX_TARGET
    if cpu:
        # On a shared machine the wall seconds grow with the load; this process's CPU seconds much less.
        print(f"CPU {seconds_summary(cpu)}; target on CPU seconds: {'met' if cpu_met else 'NOT MET'} "
              f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    if args.json:
        results["all"] = {"median_seconds": median, "max_seconds": worst, "target_met": met,
                          "rounds": args.rounds, "jobs": args.jobs, "cli": args.cli,
                          "load_average": os.getloadavg()[0],
                          **({"cpu_target_met": cpu_met} if cpu else {})}
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    if args.compare:
        compare(args.compare, results)


if __name__ == "__main__":
    main()
