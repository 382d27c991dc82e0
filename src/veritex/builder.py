"""`veritex.build`: read, execute (through the cache), render, check and write each document.

Heavy machinery is imported only on the path that needs it: an unchanged document is skipped after
hashing its source, and a prose edit never imports the kernel client.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .fsutil import atomic_write_text
from .model import Document, Item, Position
from .report import DocumentReport, Report, item_from_record, item_to_record

SOURCE_SUFFIXES = (".md", ".markdown", ".ipynb")
_WRITER_CACHE = "writer"  # under the cache root: highlighted code, compiled templates
_SKIP_DIRS = {".git", ".ipynb_checkpoints", "__pycache__", "node_modules", ".venv", "_veritex"}


@dataclass
class BuildOptions:
    outdir: Path = Path("site")
    force: bool = False
    strict: bool = False
    execute: bool = True
    jobs: int = 1
    cache_dir: Path | None = None  # default: <outdir>/.veritex-cache
    write: bool = True  # False: run and check only (`veritex check`)
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
) -> Report:
    """Build documents (files or folders) into HTML pages under `outdir` and return the report."""
    if isinstance(paths, str | Path):
        paths = [paths]
    options = BuildOptions(
        outdir=Path(outdir), force=force, strict=strict, execute=execute, jobs=max(1, jobs),
        cache_dir=Path(cache_dir) if cache_dir else None, on_progress=on_progress, write=write,
    )
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
        from .writers.index import write_index

        report.index = write_index(report, options.outdir)
    return report


def _stamp_path(options: BuildOptions, source: Path) -> Path:
    digest = hashlib.sha1(str(source.resolve()).encode()).hexdigest()[:16]
    return options.cache_root / "stamps" / f"{digest}.json"


def _stamp_key(source_bytes: bytes, options: BuildOptions) -> str:
    from .stages.fingerprint import fingerprint

    h = hashlib.sha256(source_bytes)
    h.update(json.dumps([__version__, options.strict, options.execute, fingerprint()]).encode())
    return h.hexdigest()


def _unchanged(source: Path, out: Path, key: str, options: BuildOptions) -> DocumentReport | None:
    stamp = _stamp_path(options, source)
    try:
        data = json.loads(stamp.read_text())
        if data["key"] != key or not out.exists() or data["output_mtime"] != out.stat().st_mtime_ns:
            return None
        items = [item_from_record(r) for r in data["items"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return DocumentReport(source, out, data.get("title"), items, skipped=True)


def _write_stamp(source: Path, out: Path, key: str, report: DocumentReport, options: BuildOptions) -> None:
    record = {
        "key": key,
        "output_mtime": out.stat().st_mtime_ns,
        "title": report.title,
        "items": [item_to_record(i) for i in report.items],
    }
    atomic_write_text(_stamp_path(options, source), json.dumps(record))


def build_document(source: Path, relative: Path, options: BuildOptions) -> DocumentReport:
    started = time.perf_counter()
    out = options.outdir / relative.with_suffix(".html")
    notify = options.on_progress or (lambda stage, path: None)
    try:
        source_bytes = source.read_bytes()
    except OSError as exc:
        return DocumentReport(source, items=[Item("document", "error", f"cannot read: {exc}", Position(str(source), 1, 1))])
    key = _stamp_key(source_bytes, options)
    if options.write and not options.force and (previous := _unchanged(source, out, key, options)):
        notify("unchanged", source)
        previous.seconds = time.perf_counter() - started
        return previous

    from .readers import NotebookError, read

    notify("reading", source)
    try:
        doc = read(source)
    except NotebookError as exc:
        return DocumentReport(source, items=[Item("document", "error", exc.message, exc.position)],
                              seconds=time.perf_counter() - started)
    report = DocumentReport(source, out if options.write else None, doc.title)
    compile_document(doc, report, options, notify)
    report.items = list(doc.items)
    if options.write:
        from .writers.html import write_html

        notify("writing", source)
        write_html(doc, out, assets_root=options.outdir, cache_dir=options.cache_root / _WRITER_CACHE)
        _write_stamp(source, out, key, report, options)
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

        cache = ExecutionCache(options.cache_root / "exec")
        key = cache.key(doc, math_context(doc, positions=False))
        if not options.force and cache.load(key, doc):
            report.cache_hit = True
        else:
            from .stages.execute import Execution

            notify("executing", doc.path)
            execution = Execution(doc, strict=options.strict, context=context)
            execution.start()
    render_math(doc, options.cache_root / "math")
    _check_identities(doc, options)
    if execution is not None and options.write:
        from .writers.html import prepare_page

        # The kernel is still running: what the page needs that no output changes is done now.
        prepare_page(doc, assets_root=options.outdir, cache_dir=options.cache_root / _WRITER_CACHE)
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
        from .stages.derivations import check_identities
    except ImportError:
        return
    check_identities(doc, options.cache_root / "identities")
