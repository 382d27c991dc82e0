"""A build's outputs, format by format: which file each writer makes for a document, whether it is up
to date (one stamp per document and format), preparing and writing the stale ones.

A document is skipped only when every requested format is up to date; otherwise it is compiled (its
code through the execution cache) and only the stale formats are written again.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import Store, digest
from .cache.datafiles import stamps, stamps_hold
from .model import Document
from .report import DocumentReport, Report, item_from_record, item_to_record
from .writers.registry import get_writer

if TYPE_CHECKING:
    from .builder import BuildOptions
    from .writers.base import WriteContext, Writer


class Target:
    """One format of one document: its writer and the file it makes."""

    __slots__ = ("writer", "output", "options")

    def __init__(self, writer: Writer, output: Path, options: BuildOptions) -> None:
        self.writer = writer
        self.output = output
        self.options = options

    @property
    def format(self) -> str:
        return self.writer.name

    @property
    def context(self) -> WriteContext:
        from .writers.base import WriteContext  # only when something is written

        options = self.options
        return WriteContext(output=self.output, outdir=options.outdir, assets_root=options.outdir,
                            cache_root=options.cache_root)


def writers(options: BuildOptions) -> list[Writer]:
    """The writers of the requested formats (UnknownFormat for a name nobody provides)."""
    return [get_writer(name) for name in options.formats]


def targets(relative: Path, options: BuildOptions, source: Path | None = None) -> list[Target]:
    """What a build writes for the document at `relative` in the output tree (nothing when it writes nothing).

    An output that would be the `source` itself (`doc.ipynb` built to ipynb, `doc.md` to gfm, into the
    source's own folder) is `<name>.veritex<suffix>` instead: a build never writes over a document."""
    if not options.write:
        return []
    planned = []
    for writer in writers(options):
        output = options.outdir / relative.with_suffix(writer.suffix)
        if source is not None and writer.suffix == source.suffix and _same_file(output, source):
            output = output.with_name(f"{output.stem}.veritex{writer.suffix}")
        planned.append(Target(writer, output, options))
    return planned


def _same_file(output: Path, source: Path) -> bool:
    try:
        return output.resolve() == source.resolve()
    except OSError:
        return False


_STAMPS = "stamps"  # the cache namespace: one entry per document and format


def stamp_key(source_bytes: bytes, options: BuildOptions) -> str:
    """What a document's outputs depend on besides the writer: its source and the build's settings
    (the store's key adds veritex's version and the environment the code runs in)."""
    return digest([source_bytes, options.strict, options.execute, options.timeout, options.tab, options.trust,
                   options.max_output_size, options.max_page_size])


def _format_key(key: str, target: Target) -> str:
    return digest([key, target.format, str(getattr(target.writer, "version", ""))])


def _stamp_entry(options: BuildOptions, source: Path, format_name: str) -> tuple[Store, str]:
    store = Store(options.cache_root)
    return store, store.key({"document": source.resolve(), "format": format_name})


class _Stamp:
    __slots__ = ("outputs", "title", "records")

    def __init__(self, outputs: list[Path], title: str | None, records: list[dict[str, Any]]) -> None:
        self.outputs = outputs
        self.title = title
        self.records = records


def _read_stamp(source: Path, target: Target, key: str, options: BuildOptions) -> _Stamp | None:
    """The stamp of an up-to-date output: same key, every file still as this build's writer left it,
    every data file the cells read unchanged."""
    store, entry = _stamp_entry(options, source, target.format)
    data = store.load(_STAMPS, entry)
    if data is None:
        return None
    try:
        if data["key"] != _format_key(key, target):
            return None
        outputs = []
        for name, mtime in data["outputs"]:
            path = options.outdir / name
            if path.stat().st_mtime_ns != mtime:
                return None
            outputs.append(path)
        if target.output not in outputs or not stamps_hold(source.parent, data.get("data_files", {})):
            return None
        stamp = _Stamp(outputs, data.get("title"), list(data["items"]))
    except OSError:
        return None
    except (ValueError, KeyError, TypeError):
        store.note(store.path(_STAMPS, entry), "not a build stamp")
        return None
    store.touch(data.get("uses"))  # the entries this output was made from are still in use
    return stamp


def _write_stamp(source: Path, target: Target, key: str, written: list[Path], doc: Document,
                 report: DocumentReport, options: BuildOptions) -> None:
    store, entry = _stamp_entry(options, source, target.format)
    record = {
        "key": _format_key(key, target),
        # Relative to the output folder, so that the stamp holds however the folder is spelled.
        "outputs": [[os.path.relpath(path, options.outdir), path.stat().st_mtime_ns] for path in written],
        "title": report.title,
        "items": [item_to_record(i) for i in report.items],
        # images shown and book files read (macros, .bib) count like the data files the cells read
        "data_files": stamps(source.parent, [*doc.data_files, *doc.local_files, *doc.project_files]),
        "uses": store.used(),
    }
    store.save(_STAMPS, entry, record)


class Freshness:
    """Which outputs of a document are up to date."""

    __slots__ = ("stale", "outputs", "report")

    def __init__(self, stale: list[Target], outputs: dict[str, list[Path]], report: DocumentReport | None) -> None:
        self.stale = stale  # to write
        self.outputs = outputs  # the files of the formats that are up to date
        self.report = report  # when nothing is stale: the document as its stamp recorded it


def freshness(source: Path, planned: list[Target], key: str, options: BuildOptions) -> Freshness:
    """Which of `planned` are up to date for a source whose stamp key is `key` (none under `--force`)."""
    if options.force:
        return Freshness(list(planned), {}, None)
    stale: list[Target] = []
    fresh: dict[str, _Stamp] = {}
    for target in planned:
        stamp = _read_stamp(source, target, key, options)
        if stamp is None:
            stale.append(target)
        else:
            fresh[target.format] = stamp
    outputs = {name: stamp.outputs for name, stamp in fresh.items()}
    if stale or not fresh:
        return Freshness(stale, outputs, None)
    # Each stamp holds the items known when its format was written: together they are the document's.
    records = _union([stamp.records for stamp in fresh.values()])
    try:
        items = [item_from_record(r) for r in records]
    except (KeyError, TypeError, ValueError):
        return Freshness(list(planned), {}, None)
    first = next(iter(fresh.values()))
    report = DocumentReport(source, planned[0].output, first.title, items, skipped=True, outputs=outputs)
    return Freshness([], outputs, report)


def _union(lists: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The records of every list, each as often as the list that has it most often, in order."""
    merged: list[dict[str, Any]] = []
    taken: dict[str, int] = {}
    for records in lists:
        seen: dict[str, int] = {}
        for record in records:
            name = repr(record)
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > taken.get(name, 0):
                taken[name] = seen[name]
                merged.append(record)
    return merged


def prepare_outputs(doc: Document, report: DocumentReport) -> None:
    """While the code runs: the work of each pending writer that no output changes."""
    for target in report.pending:
        prepare = getattr(target.writer, "prepare", None)  # optional: see `veritex.writers.base`
        if prepare is not None:
            prepare(doc, target.context)


def write_outputs(doc: Document, report: DocumentReport, source: Path, key: str, options: BuildOptions) -> None:
    """Write every pending output of `doc`, stamp it, and list the files in `report`. A writer may add
    items to `doc` (a LaTeX error, a diagram mermaid rejects): they join the report, and every stamp
    written here records them."""
    made: list[tuple[Target, list[Path]]] = []
    for target in report.pending:
        before = len(doc.items)
        written = target.writer.write(doc, target.context)
        report.items.extend(doc.items[before:])
        report.outputs[target.format] = written
        made.append((target, written))
    for target, written in made:
        _write_stamp(source, target, key, written, doc, report, options)
    report.pending = []


def finish_outputs(report: Report, options: BuildOptions) -> Path | None:
    """After every document: each writer's file about them all (the HTML contents page); the first one."""
    made = None
    for writer in writers(options):
        finish = getattr(writer, "finish", None)  # optional: see `veritex.writers.base`
        if finish is not None:
            path = finish(report, options.outdir)
            made = made or path
    return made
