"""One build per corpus folder and mode for the whole session, and the corpus report in the terminal summary."""

from __future__ import annotations

import pytest

from .corpora import CORPORA, CorpusRun, corpus_folder
from .judgements import Judgements
from .summary import summary

RUNS = pytest.StashKey[dict[str, CorpusRun]]()
NOTES = pytest.StashKey[list[str]]()  # improvements on the baseline, printed at the end


class Corpora:
    """The corpus folders, each run once per session on first use; a folder that is absent skips its tests."""

    def __init__(self, config: pytest.Config, factory: pytest.TempPathFactory) -> None:
        self.runs = config.stash.setdefault(RUNS, {})
        self.notes = config.stash.setdefault(NOTES, [])
        self.factory = factory
        self.judgements: dict[str, Judgements] = {}

    def run(self, name: str) -> CorpusRun:
        folder = corpus_folder(name)
        if not (folder / "JUDGED.json").is_file():
            pytest.skip(f"the corpus folder {folder} is not beside this checkout")
        if name not in self.runs:
            self.runs[name] = CorpusRun(name, folder, self.factory.mktemp(name))
        return self.runs[name]

    def judged(self, name: str) -> Judgements:
        if name not in self.judgements:
            self.judgements[name] = Judgements.load(self.run(name).folder)
        return self.judgements[name]


@pytest.fixture(scope="session")
def corpora(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Corpora:
    return Corpora(request.config, tmp_path_factory)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int,
                            config: pytest.Config) -> None:
    runs = config.stash.get(RUNS, {})
    if not any(run.reports for run in runs.values()):
        return
    terminalreporter.section("veritex corpus")
    for name in CORPORA:
        run = runs.get(name)
        if run is not None and run.reports:
            terminalreporter.write_line(summary(run, Judgements.load(run.folder)))
            terminalreporter.write_line("")
    notes = config.stash.get(NOTES, [])
    if notes:
        terminalreporter.write_line("better than the baseline (lower it: python tests/corpus/make_baseline.py):")
        for note in notes:
            terminalreporter.write_line(f"  {note}")
