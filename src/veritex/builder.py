"""`veritex.build`: read, execute (through the cache), render, check and write each document.

Heavy machinery is imported only on the path that needs it: an unchanged document is skipped after
hashing its source, and a prose edit never imports the kernel client.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import formats as outputs
from .cache import collecting, enforce_cap
from .model import SOURCE_SUFFIXES, Document, Item, Position
from .report import DocumentReport, Report
from .writers.registry import DEFAULT_FORMAT, parse_formats

DEFAULT_CACHE_MAX_SIZE = 2 * 1024**3  # bytes; least recently used entries go first
_SKIP_DIRS = {".git", ".ipynb_checkpoints", "__pycache__", "node_modules", ".venv", "_veritex"}


@dataclass
class BuildOptions:
    outdir: Path = Path("site")
    force: bool = False
    strict: bool = False
    execute: bool = True
    jobs: int = 1
    cache_dir: Path | None = None  # default: <outdir>/.veritex-cache
    cache_max_size: int = DEFAULT_CACHE_MAX_SIZE  # checked after each build
    write: bool = True  # False: run and check only (`veritex check`)
    formats: tuple[str, ...] = (DEFAULT_FORMAT,)  # output formats, by writer name
    on_progress: Callable[[str, Path], None] | None = field(default=None, repr=False)

    @property
    def cache_root(self) -> Path:
        return self.cache_dir or self.outdir / ".veritex-cache"


def discover(paths: Iterable[Path | str], outdir: Path | None = None) -> Iterator[tuple[Path, Path]]:
    """Yield (document, its path relative to the page tree) for files and every document under folders."""
    out = outdir.resolve() if outdir else None
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                parts = set(found.relative_to(path).parts[:-1])
                if found.suffix in SOURCE_SUFFIXES and found.is_file() and not parts & _SKIP_DIRS:
                    if out and out in found.resolve().parents:
                        continue
                    yield found, found.relative_to(path)
        else:
            yield path, Path(path.name)


def build(
    paths: Iterable[Path | str] | Path | str,
    outdir: Path | str = "site",
    *,
    force: bool = False,
    strict: bool = False,
    execute: bool = True,
    jobs: int = 1,
    cache_dir: Path | str | None = None,
    on_progress: Callable[[str, Path], None] | None = None,
    write: bool = True,
    cache_max_size: int = DEFAULT_CACHE_MAX_SIZE,
    formats: str | Sequence[str] = (DEFAULT_FORMAT,),
) -> Report:
    """Build documents (files or folders) into `formats` (writer names, default HTML pages) under `outdir`
    and return the report. An unknown format raises `UnknownFormat` before anything is built."""
    if isinstance(paths, str | Path):
        paths = [paths]
    options = BuildOptions(
        outdir=Path(outdir), force=force, strict=strict, execute=execute, jobs=max(1, jobs),
        cache_dir=Path(cache_dir) if cache_dir else None, on_progress=on_progress, write=write,
        cache_max_size=cache_max_size,
        formats=parse_formats(formats),
    )
    if options.write:
        outputs.writers(options)  # an unknown format fails here, before any document is built
    targets = list(discover(paths, options.outdir))
    missing = [p for p in paths if not Path(p).exists()]
    report = Report()
    for path in missing:
        report.documents.append(DocumentReport(Path(path), items=[
            Item("document", "error", "no such file or folder", Position(str(path), 1, 1))]))
    if options.jobs > 1 and len(targets) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(options.jobs) as pool:
            report.documents.extend(pool.map(lambda t: build_document(t[0], t[1], options), targets))
    else:
        report.documents.extend(build_document(src, rel, options) for src, rel in targets)
    if options.write:
        report.index = outputs.finish_outputs(report, options)
    enforce_cap(options.cache_root, options.cache_max_size)
    return report


def _cache_notes(build_one: Callable[[Path, Path, BuildOptions], DocumentReport]
                 ) -> Callable[[Path, Path, BuildOptions], DocumentReport]:
    """Damaged cache entries that a document's build met become one warning of that document."""

    @functools.wraps(build_one)
    def build_noting(source: Path, relative: Path, options: BuildOptions) -> DocumentReport:
        with collecting() as notes:
            report = build_one(source, relative, options)
        message = notes.message()
        if message is not None:
            report.items.append(Item("document", "warning", message, Position(str(source), 1, 1)))
        return report

    return build_noting


@_cache_notes
def build_document(source: Path, relative: Path, options: BuildOptions) -> DocumentReport:
    started = time.perf_counter()
    planned = outputs.targets(relative, options)
    notify = options.on_progress or (lambda stage, path: None)
    try:
        source_bytes = source.read_bytes()
    except OSError as exc:
        return DocumentReport(source, items=[Item("document", "error", f"cannot read: {exc}", Position(str(source), 1, 1))])
    key = outputs.stamp_key(source_bytes, options)
    fresh = outputs.freshness(source, planned, key, options)
    if fresh.report is not None:
        notify("unchanged", source)
        fresh.report.seconds = time.perf_counter() - started
        return fresh.report

    from .readers import NotebookError, read

    notify("reading", source)
    try:
        doc = read(source)
    except NotebookError as exc:
        return DocumentReport(source, items=[Item("document", "error", exc.message, exc.position)],
                              seconds=time.perf_counter() - started)
    report = DocumentReport(source, planned[0].output if planned else None, doc.title, outputs=fresh.outputs,
                            pending=fresh.stale)
    compile_document(doc, report, options, notify)
    report.items = list(doc.items)
    if report.pending:
        notify("writing", source)
        outputs.write_outputs(doc, report, source, key, options)
    report.seconds = time.perf_counter() - started
    notify("done", source)
    return report


def compile_document(
    doc: Document, report: DocumentReport, options: BuildOptions, notify: Callable[[str, Path], None]
) -> None:
    """Every stage but writing: execution (cached) overlaps with math rendering, the identity checks
    and, when a page is written, the part of it that no output changes."""
    from .stages.collect import collect
    from .stages.context import math_context
    from .stages.numbering import number_equations
    from .stages.render_math import render_math

    number_equations(doc)
    context = math_context(doc)
    execution = None
    cache = None
    key = ""
    runnable = options.execute and doc.meta.execute and any(c.execute for c in doc.code_cells())
    if runnable:
        from .stages.cache import ExecutionCache

        cache = ExecutionCache(options.cache_root)
        key = cache.key(doc, math_context(doc, positions=False))
        if not options.force and cache.load(key, doc):
            report.cache_hit = True
        else:
            from .stages.execute import Execution

            notify("executing", doc.path)
            execution = Execution(doc, strict=options.strict, context=context)
            execution.start()
    render_math(doc, options.cache_root)
    _check_identities(doc, options)
    if execution is not None and options.write:
        # The kernel is still running: what the outputs need that no cell output changes is done now.
        outputs.prepare_outputs(doc, report)
    if execution is not None and cache is not None:
        from .errors import KernelStartError

        try:
            summary = execution.wait()
        except KernelStartError as exc:
            doc.add(Item("document", "error", f"{exc}; check `kernel:` in the front matter "
                         "(`jupyter kernelspec list` shows the installed kernels)", Position(str(doc.path), 1, 1)))
        else:
            report.cells_run = summary.cells_run
            cache.store(key, doc)
    collect(doc)


def _check_identities(doc: Document, options: BuildOptions) -> None:
    """Identity and derivation checks need no kernel: they run while the code does."""
    try:
        from .stages.identities import check_identities
    except ImportError:
        return
    check_identities(doc, options.cache_root)
