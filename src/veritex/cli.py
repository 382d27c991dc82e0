"""The `veritex` command: a thin shell over `veritex.build`.

A rebuild takes a fraction of a second, so the command imports Rich only for the status line of a
build that runs code or lasts, and prints its summary with plain ANSI styles.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from .report import Report
from .terminal import Styler

_STATUS_STYLE = {"error": "bold red", "refuted": "bold red", "warning": "yellow", "unchecked": "dim",
                 "verified": "green"}


class _Program(click.Group):
    """The command group; run from the command line, the process ends as soon as the command does."""

    def main(self, args: Any = None, *rest: Any, **options: Any) -> Any:
        if args is not None:  # called from Python (a test, another program): leave its process alone
            return super().main(args, *rest, **options)
        try:
            return super().main(args, *rest, **options)
        finally:
            # The interpreter exits next: no last collection over every object (a tenth of a rebuild).
            gc.freeze()


@click.group(cls=_Program, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="veritex")
def main() -> None:
    """Run, render and check documents that mix prose, LaTeX math and code."""


def _common(fn: Any) -> Any:
    fn = click.option("--json", "as_json", is_flag=True, help="Print one JSON object per document.")(fn)
    fn = click.option("-j", "--jobs", default=1, show_default=True, help="Documents built in parallel, one kernel each.")(fn)
    fn = click.option("--no-execute", is_flag=True, help="Render without running code (cached outputs are still used).")(fn)
    fn = click.option("--strict", is_flag=True, help="Stop a document at its first failing cell; exit 1.")(fn)
    fn = click.option("--force", is_flag=True, help="Re-execute even when the cache is up to date.")(fn)
    fn = click.option("--cache-dir", type=click.Path(path_type=Path), help="Where caches live [default: OUTDIR/.veritex-cache].")(fn)
    return click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))(fn)


@main.command()
@_common
@click.option("-o", "--outdir", default=Path("site"), type=click.Path(path_type=Path), show_default=True,
              help="Where the pages go.")
@click.option("-t", "--to", "formats", default="html", show_default=True, metavar="FORMAT[,FORMAT...]",
              help="Output formats: html (a page per document), json (the document model), or one an "
                   "installed package adds.")
def build(paths: tuple[Path, ...], outdir: Path, force: bool, strict: bool, no_execute: bool, jobs: int,
          as_json: bool, cache_dir: Path | None, formats: str) -> None:
    """Build .md / .ipynb documents (files, or every document under folders) into HTML pages (or --to)."""
    from .writers.registry import UnknownFormat

    try:
        report = _run(paths, outdir, force, strict, no_execute, jobs, as_json, cache_dir, write=True,
                      formats=formats)
    except UnknownFormat as exc:
        raise click.BadParameter(str(exc), param_hint="'--to'") from None
    sys.exit(report.exit_code)


@main.command()
@_common
@click.option("-o", "--outdir", default=Path("site"), type=click.Path(path_type=Path), show_default=True,
              help="Where the caches are kept (no page is written).")
def check(paths: tuple[Path, ...], outdir: Path, force: bool, strict: bool, no_execute: bool, jobs: int,
          as_json: bool, cache_dir: Path | None) -> None:
    """Run documents (through the cache) and print one verdict per formula, check and expectation."""
    report = _run(paths, outdir, force, strict, no_execute, jobs, as_json, cache_dir, write=False, verdicts=True)
    sys.exit(report.exit_code)


def _run(paths: tuple[Path, ...], outdir: Path, force: bool, strict: bool, no_execute: bool, jobs: int,
         as_json: bool, cache_dir: Path | None, *, write: bool, verdicts: bool = False,
         formats: str = "html") -> Report:
    from .builder import build as build_docs

    progress = None if as_json or not sys.stderr.isatty() else _progress()
    try:
        if progress:
            progress.start()
        report = build_docs(list(paths), outdir, force=force, strict=strict, execute=not no_execute, jobs=jobs,
                            cache_dir=cache_dir, write=write, on_progress=progress.update if progress else None,
                            formats=formats)
    finally:
        if progress:
            progress.stop()
    if as_json:
        for doc in report.documents:
            click.echo(json.dumps(doc.to_json(), ensure_ascii=False))
    else:
        _summary(report, outdir if write else None, verdicts)
    return report


class _progress:
    """A Rich status line (which document, which stage), shown once a build runs code or lasts:
    a rebuild from the caches is over before a status line would be worth its import."""

    QUICK_STAGES = ("unchanged", "reading", "writing", "done")
    PATIENCE_SECONDS = 0.5

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.status: Any = None

    def start(self) -> None:
        self.started = time.monotonic()

    def stop(self) -> None:
        if self.status is not None:
            self.status.stop()

    def update(self, stage: str, path: Path) -> None:
        if self.status is None:
            if stage in self.QUICK_STAGES and time.monotonic() - self.started < self.PATIENCE_SECONDS:
                return
            from rich.console import Console

            self.status = Console(stderr=True).status("starting")
            self.status.start()
        from rich.markup import escape

        self.status.update(f"[bold]{stage}[/] {escape(str(path))}")


def _summary(report: Report, outdir: Path | None, verdicts: bool) -> None:
    paint = Styler.for_stream(sys.stdout)
    lines = []
    for doc in report.documents:
        shown = [i for i in doc.items if verdicts or i.status in ("error", "refuted", "warning")]
        shown.sort(key=lambda i: (i.position.cell or 0, i.position.line, i.position.column) if i.position else (0, 0, 0))
        for item in shown:
            where = str(item.position) if item.position else str(doc.path)
            style = _STATUS_STYLE.get(item.status, "")
            label = f" {item.label}" if item.label else ""
            lines.append(f"{where}: {paint(item.status, style)} {item.kind}{label}: {item.message}")
    t = report.totals()
    lines.append(
        f"{paint(str(t['documents']) + ' documents', 'bold')}, {t['cells_run']} cells run, "
        f"{t['cache_hits']} from cache, {t['skipped']} unchanged; "
        f"verdicts: {paint(str(t['verified']) + ' verified', 'green')}, "
        f"{paint(str(t['refuted']) + ' refuted', 'red')}, {t['unchecked']} unchecked; "
        f"{paint(str(t['errors']) + ' errors', 'red' if t['errors'] else 'green')}, {t['warnings']} warnings"
    )
    if outdir is not None:
        files = [path for d in report.documents for paths in d.outputs.values() for path in paths]
        if report.index:
            lines.append(f"Index: {report.index}")
        if files:
            lines.append("Outputs:")
            lines.extend(f"  {path}" for path in files)
    click.echo("\n".join(lines), color=paint.color or None)  # click would strip styles FORCE_COLOR asked for
