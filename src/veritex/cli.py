"""The `veritex` command: a thin shell over `veritex.build`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from .report import Report

_STATUS_STYLE = {"error": "bold red", "refuted": "bold red", "warning": "yellow", "unchecked": "dim",
                 "verified": "green"}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
def build(paths: tuple[Path, ...], outdir: Path, force: bool, strict: bool, no_execute: bool, jobs: int,
          as_json: bool, cache_dir: Path | None) -> None:
    """Build .md / .ipynb documents (files, or every document under folders) into HTML pages."""
    report = _run(paths, outdir, force, strict, no_execute, jobs, as_json, cache_dir, write=True)
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
         as_json: bool, cache_dir: Path | None, *, write: bool, verdicts: bool = False) -> Report:
    from .builder import build as build_docs

    progress = None if as_json or not sys.stderr.isatty() else _progress()
    try:
        if progress:
            progress.start()
        report = build_docs(list(paths), outdir, force=force, strict=strict, execute=not no_execute, jobs=jobs,
                            cache_dir=cache_dir, write=write, on_progress=progress.update if progress else None)
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
    """A rich status line: which document, which stage."""

    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console(stderr=True)
        self.status = self.console.status("starting")

    def start(self) -> None:
        self.status.start()

    def stop(self) -> None:
        self.status.stop()

    def update(self, stage: str, path: Path) -> None:
        self.status.update(f"[bold]{stage}[/] {path}")


def _summary(report: Report, outdir: Path | None, verdicts: bool) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console(highlight=False, soft_wrap=True)  # one item per line, whatever the width
    for doc in report.documents:
        shown = [i for i in doc.items if verdicts or i.status in ("error", "refuted", "warning")]
        shown.sort(key=lambda i: (i.position.cell or 0, i.position.line, i.position.column) if i.position else (0, 0, 0))
        for item in shown:
            where = str(item.position) if item.position else str(doc.path)
            style = _STATUS_STYLE.get(item.status, "")
            label = f" {item.label}" if item.label else ""
            console.print(f"{escape(where)}: [{style}]{item.status}[/] {item.kind}{escape(label)}: {escape(item.message)}")
    t = report.totals()
    console.print(
        f"[bold]{t['documents']} documents[/], {t['cells_run']} cells run, {t['cache_hits']} from cache, "
        f"{t['skipped']} unchanged; verdicts: [green]{t['verified']} verified[/], "
        f"[red]{t['refuted']} refuted[/], {t['unchecked']} unchecked; "
        f"[{'red' if t['errors'] else 'green'}]{t['errors']} errors[/], {t['warnings']} warnings"
    )
    if outdir is not None:
        pages = [d.output for d in report.documents if d.output]
        if report.index:
            console.print(f"Index: {escape(str(report.index))}")
        if pages:
            console.print("Pages:")
            for page in pages:
                console.print(f"  {escape(str(page))}")
