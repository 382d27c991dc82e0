"""Write `baseline.json`: today's false alarms and markup shown as text per document, and real mistakes refuted.

    PYTHONPATH=src python tests/corpus/make_baseline.py [--jobs 2]

Counts only go the right way: a count worse than the baseline's keeps the baseline's value (the corpus test
fails on it until the regression is fixed), so the file can be regenerated after any improvement.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script: import the helpers as the `corpus` package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus.baseline import BASELINE, load, measure, merge  # noqa: E402
from corpus.corpora import CORPORA, CorpusRun, corpus_folder  # noqa: E402
from corpus.judgements import Judgements  # noqa: E402
from corpus.summary import summary  # noqa: E402


def _dump(data: dict[str, object]) -> str:
    """JSON with one line per document, so that a change reads as one changed line."""
    text = json.dumps(data, indent=1)
    return re.sub(r"\{\n\s+(\"false_alarms\"[^{}]*?)\n\s+\}", lambda m: "{" + " ".join(m.group(1).split()) + "}",
                  text) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=2, help="documents built in parallel")
    args = parser.parse_args()
    old = load()
    new: dict[str, object] = {"about": "written by tests/corpus/make_baseline.py; counts only improve"}
    with tempfile.TemporaryDirectory(prefix="veritex-corpus-") as work:
        for name in CORPORA:
            folder = corpus_folder(name)
            if not folder.is_dir():
                print(f"{folder} is missing: its baseline is kept as it was")
                if name in old:
                    new[name] = old[name]
                continue
            run = CorpusRun(name, folder, Path(work) / name, jobs=args.jobs)
            judgements = Judgements.load(folder)
            today = measure(run, judgements)
            new[name] = merge(old.get(name, {}), today)
            print(summary(run, judgements), end="\n\n")
    BASELINE.write_text(_dump(new))
    print(f"wrote {BASELINE}")


if __name__ == "__main__":
    main()
