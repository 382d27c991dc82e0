"""`veritex.build`: read, execute (through the cache), render, check and write each document.

Code runs in an executor (`veritex.execution`); everything else happens on the caller's thread, documents
pipelined so that the next one is read and rendered while the executor runs the previous ones' code.

Heavy machinery is imported only on the path that needs it: an unchanged document is skipped after
hashing its source, and a prose edit never imports the kernel client.
"""

from __future__ import annotations

import contextvars
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import formats as outputs
from .cache import begin_notes, current_notes, enforce_cap
from .model import SOURCE_SUFFIXES, Document, Item, Position
from .report import DocumentReport, Report
from .writers.registry import DEFAULT_FORMAT, parse_formats

if TYPE_CHECKING:
    from concurrent.futures import Future

    from .execution.protocol import ExecutionRequest, ExecutionResult, Executor
    from .stages.cache import ExecutionCache
    from .stages.execute import Execution

DEFAULT_CACHE_MAX_SIZE = 2 * 1024**3  # bytes; least recently used entries go first
_PORTABLE_TARGETS = ("gfm", "ipynb")  # formats whose math a renderer other than KaTeX typesets: linted
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
    timeout: float | None = None  # seconds per cell, over the front matter's `timeout`
    trust: bool = False  # every document's own HTML and widgets kept (as `trust: true` in its front matter)
    max_output_size: int | None = None  # bytes of one output shown in a page, over the front matter's
    max_page_size: int | None = None  # bytes of all outputs shown in a page, over the front matter's
    debug: bool = False  # an unexpected error in veritex shows its traceback
    tab: str | None = None  # the textbook dialect's code tab, over the front matter's `tab:`
    executor: Executor | None = field(default=None, repr=False)  # default: a LocalExecutor(jobs), made when needed
    on_progress: Callable[[str, Path], None] | None = field(default=None, repr=False)
    on_cell: Callable[[str, int, int], None] | None = field(default=None, repr=False)  # (document, n, N)

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
                # `<name>.veritex.md` / `.ipynb`: what a build wrote beside its source (see formats.targets)
                written = found.stem.endswith(".veritex")
                if found.suffix in SOURCE_SUFFIXES and found.is_file() and not parts & _SKIP_DIRS and not written:
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
    timeout: float | None = None,
    executor: Executor | None = None,
    on_cell: Callable[[str, int, int], None] | None = None,
    cache_max_size: int = DEFAULT_CACHE_MAX_SIZE,
    formats: str | Sequence[str] = (DEFAULT_FORMAT,),
    trust: bool = False,
    max_output_size: int | None = None,
    max_page_size: int | None = None,
    debug: bool = False,
    tab: str | None = None,
) -> Report:
    """Build documents (files or folders) into `formats` (writer names, default HTML pages) under `outdir`
    and return the report. An unknown format raises `UnknownFormat` before anything is built.

    Code runs through `executor` (default: a `LocalExecutor(jobs)` of the build's own, closed at the
    end; one given here is left open). `tab` picks the textbook dialect's code tab (default pytorch). Interrupted (Ctrl-C), the build stops its runs before it raises.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    options = BuildOptions(
        outdir=Path(outdir), force=force, strict=strict, execute=execute, jobs=max(1, jobs),
        cache_dir=Path(cache_dir) if cache_dir else None, on_progress=on_progress, write=write,
        timeout=timeout, executor=executor, on_cell=on_cell, cache_max_size=cache_max_size,
        formats=parse_formats(formats), tab=tab, trust=trust, max_output_size=max_output_size,
        max_page_size=max_page_size, debug=debug,
    )
    if options.write:
        outputs.writers(options)  # an unknown format fails here, before any document is built
    report = Report()
    unusable = _unusable_outdir(options.outdir) if options.write else None
    if unusable is not None:
        report.documents.append(DocumentReport(options.outdir, items=[
            Item("document", "error", unusable, Position(str(options.outdir), 1, 1))]))
        return report
    targets = list(discover(paths, options.outdir))
    missing = [p for p in paths if not Path(p).exists()]
    for path in missing:
        report.documents.append(DocumentReport(Path(path), items=[
            Item("document", "error", "no such file or folder", Position(str(path), 1, 1))]))
    own = _OnDemandExecutor(options.jobs, options.on_cell) if options.executor is None else None
    if own is not None:
        options = replace(options, executor=own)
    try:
        report.documents.extend(_build_documents(targets, options))
    except BaseException:
        if own is not None:
            own.close(cancel=True)
        raise
    if own is not None:
        own.close()
    if options.write:
        report.index = outputs.finish_outputs(report, options)
    enforce_cap(options.cache_root, options.cache_max_size)
    return report


def _unusable_outdir(outdir: Path) -> str | None:
    """Why no page can be written under `outdir` (a file, a read-only folder), or None. Temporary files
    a killed build left there are removed on the way."""
    if outdir.exists() and not outdir.is_dir():
        return f"the output folder {outdir} is a file, not a folder; pass another folder with -o"
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        probe = outdir / f".veritex-probe-{os.getpid()}.tmp"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return f"cannot write to the output folder {outdir} ({reason}); pass a writable folder with -o"
    from .fsutil import remove_stale_temporary

    remove_stale_temporary(outdir)
    return None


def _build_documents(targets: list[tuple[Path, Path]], options: BuildOptions) -> Iterator[DocumentReport]:
    """Documents in order, pipelined: while up to `jobs` of them run their code in the executor, the next
    one is read, rendered and checked here; each is finished (results applied, page written) in order."""
    window: deque[DocumentReport | _InProgress] = deque()
    try:
        for source, relative in targets:
            window.append(_guarded(source, options, start_document, source, relative, options))
            while len(window) > options.jobs:
                yield _finish_guarded(window.popleft(), options)
        while window:
            yield _finish_guarded(window.popleft(), options)
    except BaseException:
        for waiting in window:
            if isinstance(waiting, _InProgress) and waiting.compiling.execution is not None:
                waiting.compiling.execution.cancel()
        raise


def _finish_guarded(progress: DocumentReport | _InProgress, options: BuildOptions) -> DocumentReport:
    source = progress.source if isinstance(progress, _InProgress) else progress.path
    return _guarded(source, options, finish_document, progress, options)  # type: ignore[return-value]


def _guarded(source: Path, options: BuildOptions, step: Callable[..., DocumentReport | _InProgress],
             *args: object) -> DocumentReport | _InProgress:
    """One document's step; an error nobody foresaw becomes one error item on that document (the other
    documents still build), with the traceback under `--debug`."""
    try:
        return step(*args)
    except Exception as exc:
        if isinstance(args[0], _InProgress) and args[0].compiling.execution is not None:
            args[0].compiling.execution.cancel()
        return DocumentReport(source, items=[internal_error(exc, source, debug=options.debug)])


def internal_error(exc: BaseException, source: Path, *, debug: bool = False) -> Item:
    """The report item for an unexpected exception while building `source`."""
    message = (f"veritex failed on this document ({type(exc).__name__}: {exc}); this is a bug in veritex; "
               "please report it")
    if debug:
        import traceback

        message += "\n" + "".join(traceback.format_exception(exc)).rstrip()
    else:
        message += " (run with --debug to see the traceback)"
    return Item("document", "error", message, Position(str(source), 1, 1))


class _OnDemandExecutor:
    """The build's own LocalExecutor, made when the first document runs code: a build from the caches
    loads no thread pool and no kernel machinery."""

    def __init__(self, jobs: int, on_cell: Callable[[str, int, int], None] | None) -> None:
        self.jobs = jobs
        self.on_cell = on_cell
        self.executor: Executor | None = None

    def submit(self, request: ExecutionRequest) -> Future[ExecutionResult]:
        if self.executor is None:
            from .execution.local import LocalExecutor

            self.executor = LocalExecutor(self.jobs, on_cell=self.on_cell)
        return self.executor.submit(request)

    def close(self, *, cancel: bool = False) -> None:
        if self.executor is not None:
            self.executor.close(cancel=cancel)

    def __enter__(self) -> _OnDemandExecutor:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        self.close(cancel=kind is not None)


@dataclass
class _Compiling:
    """A document whose code may still be running: what `finish_compile` needs."""

    doc: Document
    report: DocumentReport
    execution: Execution | None = None
    cache: ExecutionCache | None = None
    key: str = ""


@dataclass
class _InProgress:
    """A document read and compiled up to its code's results."""

    source: Path
    key: str
    started: float
    compiling: _Compiling
    context: contextvars.Context = field(default_factory=contextvars.Context)  # the document's own



def build_document(source: Path, relative: Path, options: BuildOptions) -> DocumentReport:
    """Read, compile and write one document (`build` pipelines these two halves across documents)."""
    return finish_document(start_document(source, relative, options), options)


def start_document(source: Path, relative: Path, options: BuildOptions) -> DocumentReport | _InProgress:
    """Everything up to the code's results: a report when the document is done already (unchanged,
    unreadable), else the document in progress, its code submitted to the executor.

    Both halves of a document run in a `contextvars.Context` of its own: a context variable set while
    one document starts is what its finish sees, whatever other documents did in between (the cache's
    notes of damaged entries, for one)."""
    context = contextvars.copy_context()
    progress = context.run(_start_document, source, relative, options)
    if isinstance(progress, _InProgress):
        progress.context = context
    return progress


def _start_document(source: Path, relative: Path, options: BuildOptions) -> DocumentReport | _InProgress:
    started = time.perf_counter()
    begin_notes()  # damaged cache entries this document meets: one warning when it is finished
    planned = outputs.targets(relative, options, source)
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
        return _noted(fresh.report)

    from .readers import NotebookError, read

    notify("reading", source)
    try:
        doc = read(source, options.tab)
    except NotebookError as exc:
        return DocumentReport(source, items=[Item("document", "error", exc.message, exc.position)],
                              seconds=time.perf_counter() - started)
    from .stages.local_files import find_local_files, project_root

    find_local_files(doc, project_root(source, relative))
    report = DocumentReport(source, planned[0].output if planned else None, doc.title, outputs=fresh.outputs,
                            pending=fresh.stale)
    return _InProgress(source, key, started, start_compile(doc, report, options, notify))


def _noted(report: DocumentReport) -> DocumentReport:
    """`report` with one warning for the damaged cache entries its document met (they were rebuilt)."""
    notes = current_notes()
    message = notes.message() if notes is not None else None
    if message is not None:
        report.items.append(Item("document", "warning", message, Position(str(report.path), 1, 1)))
    return report


def finish_document(progress: DocumentReport | _InProgress, options: BuildOptions) -> DocumentReport:
    """Apply the code's results and write the page."""
    if isinstance(progress, DocumentReport):
        return progress
    return progress.context.run(_finish_document, progress, options)


def _finish_document(progress: _InProgress, options: BuildOptions) -> DocumentReport:
    source, key, doc, report = progress.source, progress.key, progress.compiling.doc, progress.compiling.report
    notify = options.on_progress or (lambda stage, path: None)
    finish_compile(progress.compiling, options)
    report.items = list(doc.items)
    if report.pending:
        notify("writing", source)
        outputs.write_outputs(doc, report, source, key, options)
    report.seconds = time.perf_counter() - progress.started
    notify("done", source)
    return _noted(report)


def compile_document(
    doc: Document, report: DocumentReport, options: BuildOptions, notify: Callable[[str, Path], None]
) -> None:
    """Every stage but writing: execution (cached) overlaps with math rendering, the identity checks
    and, when a page is written, the part of it that no output changes."""
    finish_compile(start_compile(doc, report, options, notify), options)


def start_compile(
    doc: Document, report: DocumentReport, options: BuildOptions, notify: Callable[[str, Path], None]
) -> _Compiling:
    """Number, submit the code (unless the cache has its run), render math, check identities and prepare
    the page while the kernel works."""
    from .stages.context import math_context
    from .stages.numbering import number_equations
    from .stages.render_math import render_math
    from .stages.silence import note_silent_inputs

    if options.timeout is not None:
        doc.meta.timeout = options.timeout  # the command line's word over the front matter's
    doc.meta.trust = doc.meta.trust or options.trust
    doc.meta.max_output_size = options.max_output_size or doc.meta.max_output_size
    doc.meta.max_page_size = options.max_page_size or doc.meta.max_page_size
    number_equations(doc)
    if any(True for _ in doc.all_citations()):
        from .stages.citations import resolve_citations

        resolve_citations(doc)
    note_silent_inputs(doc)
    compiling = _Compiling(doc, report)
    runnable = options.execute and doc.meta.execute and any(c.execute for c in doc.code_cells())
    if runnable:
        from .stages.cache import ExecutionCache

        compiling.cache = ExecutionCache(options.cache_root)
        compiling.key = compiling.cache.key(doc, math_context(doc, positions=False))
        if not options.force and compiling.cache.load(compiling.key, doc):
            report.cache_hit = True
        else:
            from .stages.execute import Execution

            notify("executing", doc.path)
            compiling.execution = Execution(doc, strict=options.strict, context=math_context(doc),
                                            executor=options.executor, ignore=(options.outdir, options.cache_root))
            compiling.execution.start()
    render_math(doc, options.cache_root)
    if options.write and any(name in _PORTABLE_TARGETS for name in options.formats):
        from .stages.portability import lint_portability

        lint_portability(doc, options.formats)
    _check_identities(doc, options)
    if compiling.execution is not None and options.write:
        # The kernel is still running: what the outputs need that no cell output changes is done now.
        outputs.prepare_outputs(doc, report)
    return compiling


def finish_compile(compiling: _Compiling, options: BuildOptions) -> None:
    """Wait for the code's results, apply them to the document (on this thread), keep them in the cache
    and turn outputs into report items."""
    from .stages.collect import collect

    doc, execution, cache = compiling.doc, compiling.execution, compiling.cache
    if execution is not None and cache is not None:
        from .execution.errors import KernelStartError

        try:
            summary = execution.wait()
        except KernelStartError as exc:
            hint = "" if "kernelspec list" in str(exc) else (  # the hint once, whoever words it
                " (`jupyter kernelspec list` shows the installed kernels)")
            doc.add(Item("document", "error", f"{exc}; check `kernel:` in the front matter{hint}",
                         Position(str(doc.path), 1, 1)))
        else:
            compiling.report.cells_run = summary.cells_run
            cache.store(compiling.key, doc)
    if cache is not None:  # the document ran (or its run came from the cache): its outputs are applied
        from .stages.printed_values import check_printed_values

        check_printed_values(doc, options.cache_root)
    collect(doc)


def _check_identities(doc: Document, options: BuildOptions) -> None:
    """Identity and derivation checks need no kernel: they run while the code does."""
    try:
        from .stages.derivations import check_identities
    except ImportError:
        return
    check_identities(doc, options.cache_root)
    from .stages.crosschecks import cross_check

    cross_check(doc, options.cache_root)
