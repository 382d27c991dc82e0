"""Where the corpus folders are, which of their files are documents, and one build of a folder per mode.

Modes: `check` is `veritex check --no-execute` (no page written), `html` is `veritex build --no-execute`.
The folders live beside the repository (`../shared/corpus`, `../shared/corpus-ipynb`), are read only and
never copied: veritex must not write into its sources, and `CorpusRun.sources_unchanged` says whether it did.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import veritex
from veritex.report import DocumentReport, Report

from .judgements import Verdict
from .rawtext import RawCounts, count_raw

ROOT = Path(__file__).resolve().parents[2]  # the repository
SHARED = ROOT.parent / "shared"
CORPORA = ("corpus", "corpus-ipynb")
MODES = ("check", "html")
SUFFIXES = (".md", ".ipynb")


def corpus_folder(name: str) -> Path:
    return SHARED / name


def documents(folder: Path) -> list[Path]:
    """The documents of a corpus folder: the `.md` and `.ipynb` files in its subfolders (its top level holds
    notes about the corpus, such as SOURCES.md, not documents)."""
    found = [p for p in folder.rglob("*") if p.suffix in SUFFIXES and p.is_file() and p.parent != folder]
    return sorted(p for p in found if not any(part.startswith(".") for part in p.relative_to(folder).parts))


def _digest(paths: list[Path]) -> dict[Path, str]:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


@dataclass
class CorpusRun:
    """The documents of one corpus folder, built once per mode on first use, into `work`."""

    name: str
    folder: Path
    work: Path
    jobs: int = 2
    reports: dict[str, Report] = field(default_factory=dict)
    wall_seconds: dict[str, float] = field(default_factory=dict)
    sources: list[Path] = field(init=False)
    _before: dict[Path, str] = field(init=False)
    _raw: dict[str, RawCounts] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.sources = documents(self.folder)
        self._before = _digest(self.sources)

    def doc_name(self, doc: DocumentReport) -> str:
        return doc.path.resolve().relative_to(self.folder.resolve()).as_posix()

    def report(self, mode: str) -> Report:
        """One build of every document (each subfolder into its own output folder, so that pages of the
        same name in two subfolders stay apart), with a fresh cache: nothing comes from an earlier run."""
        if mode not in self.reports:
            if mode not in MODES:
                raise ValueError(f"unknown mode {mode!r}: one of {', '.join(MODES)}")
            out = self.work / mode
            combined = Report()
            started = time.perf_counter()
            for sub in sorted({p.relative_to(self.folder).parts[0] for p in self.sources}):
                part = veritex.build([self.folder / sub], out / sub, execute=False, write=mode == "html",
                                     jobs=self.jobs, cache_dir=out / ".veritex-cache")
                combined.documents.extend(part.documents)
            self.wall_seconds[mode] = time.perf_counter() - started
            combined.documents.sort(key=self.doc_name)
            self.reports[mode] = combined
        return self.reports[mode]

    def verdicts(self, mode: str) -> list[Verdict]:
        return [Verdict.of(self.doc_name(d), i) for d in self.report(mode).documents for i in d.items]

    def raw(self) -> dict[str, RawCounts]:
        """Markup shown as text on each built page."""
        if self._raw is None:
            self._raw = {self.doc_name(d): count_raw(d.output.read_text(encoding="utf-8"))
                         for d in self.report("html").documents if d.output is not None}
        return self._raw

    def sources_unchanged(self) -> bool:
        return _digest(self.sources) == self._before
