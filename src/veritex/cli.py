"""The `veritex` command: a thin shell over `veritex.build`.

A rebuild takes a fraction of a second, so the command imports Rich only for the live display of a
build that runs code or lasts (on a terminal; plain lines elsewhere), and prints its summary with plain
ANSI styles. Ctrl-C stops the build's kernels and exits with 130.
"""

from __future__ import annotations

import gc
import json
import sys
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


class _Size(click.ParamType):
    """A size such as 2G, 500M or 4096 (bytes; K, M, G, T are powers of 1024)."""

    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        from .cache.prune import parse_size

        try:
            return parse_size(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


_SIZE = _Size()
_DEFAULT_CAP = 2 * 1024**3  # the builder's DEFAULT_CACHE_MAX_SIZE, which this module does not import


def _tab(fn: Any) -> Any:
    return click.option("--tab", metavar="NAME", help="The textbook dialect's code tab to run and show "
                        "(```{.python .input} cells marked #@tab NAME), over the front matter's `tab:` "
                        "[default: pytorch].")(fn)


def _common(fn: Any) -> Any:
    fn = click.option("--json", "as_json", is_flag=True, help="Print one JSON object per document.")(fn)
    fn = click.option("-j", "--jobs", default=1, show_default=True, help="Documents built in parallel, one kernel each.")(fn)
    fn = click.option("--no-execute", is_flag=True, help="Render without running code (cached outputs are still used).")(fn)
    fn = click.option("--strict", is_flag=True, help="Stop a document at its first failing cell; exit 1.")(fn)
    fn = click.option("--force", is_flag=True, help="Re-execute even when the cache is up to date.")(fn)
    fn = click.option("--timeout", type=click.FloatRange(min=0, min_open=True), metavar="S",
                      help="Seconds a cell may run, over the front matter's `timeout`.")(fn)
    fn = click.option("--cache-dir", type=click.Path(path_type=Path), help="Where caches live [default: OUTDIR/.veritex-cache].")(fn)
    fn = click.option("--cache-max-size", type=_SIZE, default=_DEFAULT_CAP, show_default="2G",
                      help="Size cap of the cache folder, applied after the build (least recently used go first).")(fn)
    fn = click.option("--trust", is_flag=True,
                      help="Keep the documents' own HTML, scripts and widgets and set no Content-Security-Policy "
                           "(only for documents you wrote; as `trust: true` in the front matter).")(fn)
    fn = click.option("--max-output-size", type=_SIZE, default=None, metavar="SIZE",
                      help="Largest output shown in a page, over the front matter [default: 2M].")(fn)
    fn = click.option("--max-page-size", type=_SIZE, default=None, metavar="SIZE",
                      help="Largest total of outputs shown in a page, over the front matter [default: 20M].")(fn)
    fn = click.option("--debug", is_flag=True, help="Show the traceback of an error inside veritex.")(fn)
    return click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))(fn)


@main.command()
@_common
@_tab
@click.option("-o", "--outdir", default=Path("site"), type=click.Path(path_type=Path), show_default=True,
              help="Where the pages go.")
@click.option("-t", "--to", "formats", default="html", show_default=True, metavar="FORMAT[,FORMAT...]",
              help="Output formats: html (a page per document), json (the document model), ipynb (the executed "
                   "notebook), gfm (GitHub Markdown), or one an installed package adds.")
def build(paths: tuple[Path, ...], outdir: Path, force: bool, strict: bool, no_execute: bool, jobs: int,
          as_json: bool, cache_dir: Path | None, timeout: float | None, cache_max_size: int, formats: str,
          tab: str | None, **safety: Any) -> None:
    """Build .md / .ipynb documents (files, or every document under folders) into HTML pages (or --to)."""
    from .writers.registry import UnknownFormat

    try:
        report = _run(paths, outdir, force, strict, no_execute, jobs, as_json, cache_dir, timeout, write=True,
                      cache_max_size=cache_max_size, formats=formats, tab=tab, **safety)
    except UnknownFormat as exc:
        raise click.BadParameter(str(exc), param_hint="'--to'") from None
    sys.exit(report.exit_code)


@main.command()
@_common
@_tab
@click.option("-o", "--outdir", default=Path("site"), type=click.Path(path_type=Path), show_default=True,
              help="Where the caches are kept (no page is written).")
@click.option("--explain", "target", metavar="LABEL|LINE",
              help="Print how one displayed formula was read and why its verdicts are what they are.")
@click.option("--errata", "write_errata", is_flag=True,
              help="Also write OUTDIR/errata.html and errata.json: only the refuted formulas, with evidence.")
def check(paths: tuple[Path, ...], outdir: Path, force: bool, strict: bool, no_execute: bool, jobs: int,
          as_json: bool, cache_dir: Path | None, timeout: float | None, cache_max_size: int, tab: str | None,
          target: str | None, write_errata: bool, **safety: Any) -> None:
    """Run documents (through the cache) and print one verdict per formula, check and expectation."""
    if target is not None:
        _explain(paths, target, no_execute, cache_dir or outdir / ".veritex-cache")
    report = _run(paths, outdir, force, strict, no_execute, jobs, as_json, cache_dir, timeout, write=False,
                  verdicts=True, cache_max_size=cache_max_size, tab=tab, **safety)
    if write_errata:
        from .errata import errata

        found = errata(report)
        written = found.write(outdir)
        if not as_json:
            click.echo(found.text())
            click.echo("Errata: " + ", ".join(str(p) for p in written))
    sys.exit(report.exit_code)


def _explain(paths: tuple[Path, ...], target: str, no_execute: bool, cache_dir: Path) -> None:
    from .explain import TargetNotFound, explain

    if len(paths) != 1:
        raise click.UsageError("--explain takes exactly one document")
    try:
        text = explain(paths[0], target, execute=not no_execute, cache_dir=cache_dir).render()
    except TargetNotFound as exc:
        raise click.BadParameter(str(exc), param_hint="'--explain'") from None
    paint = Styler.for_stream(sys.stdout)
    lines = [paint(line, _STATUS_STYLE.get(line.split()[1], "")) if line.startswith("  verdict: ") else line
             for line in text.splitlines()]
    click.echo("\n".join(lines), color=paint.color or None)
    sys.exit(0)


def _run(paths: tuple[Path, ...], outdir: Path, force: bool, strict: bool, no_execute: bool, jobs: int,
         as_json: bool, cache_dir: Path | None, timeout: float | None, *, write: bool,
         verdicts: bool = False, cache_max_size: int, formats: str = "html", tab: str | None = None,
         **safety: Any) -> Report:
    """`safety`: trust, max_output_size, max_page_size, debug (as `veritex.build` takes them)."""
    from .builder import build as build_docs
    from .progress import progress_for

    progress = None if as_json else progress_for(sys.stderr)
    try:
        report = build_docs(list(paths), outdir, force=force, strict=strict, execute=not no_execute, jobs=jobs,
                            cache_dir=cache_dir, write=write, timeout=timeout,
                            on_progress=progress.stage if progress else None,
                            on_cell=progress.cell if progress else None,
                            cache_max_size=cache_max_size, formats=formats, tab=tab, **safety)
    except KeyboardInterrupt:
        if progress:
            progress.stop()
        click.echo("veritex: interrupted; the kernels were stopped, and no page or cache entry was left "
                   "half-written", err=True)
        sys.exit(130)
    finally:
        if progress:
            progress.stop()
    if as_json:
        for doc in report.documents:
            click.echo(json.dumps(doc.to_json(), ensure_ascii=False))
    else:
        _summary(report, outdir if write else None, verdicts)
    return report


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


@main.command()
@click.argument("document", type=click.Path(path_type=Path))
@click.option("-t", "--to", "to", required=True, type=click.Choice(["md", "ipynb"]),
              help="md: MyST Markdown; ipynb: a Jupyter notebook.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="The file to write [default: DOCUMENT with the new suffix].")
@click.option("--in-place", is_flag=True, help="Allow writing over DOCUMENT itself.")
def convert(document: Path, to: str, output: Path | None, in_place: bool) -> None:
    """Convert a MyST / Quarto Markdown document to a notebook, or a notebook to MyST Markdown, cell by cell
    (front matter, tags, options and labels kept; md -> ipynb -> md gives the same text)."""
    from .conversion import ConvertError
    from .conversion import convert as convert_document
    from .readers import NotebookError

    try:
        written = convert_document(document, to, output, in_place=in_place)
    except ConvertError as exc:
        click.echo(f"veritex: {exc}", err=True)
        sys.exit(2)
    except NotebookError as exc:
        click.echo(f"{exc.position}: error: {exc.message}", err=True)
        sys.exit(2)
    click.echo(str(written))


# -- veritex cache ---------------------------------------------------------------------------------------


def _cache_place(fn: Any) -> Any:
    fn = click.option("--cache-dir", type=click.Path(path_type=Path),
                      help="The cache folder [default: OUTDIR/.veritex-cache].")(fn)
    return click.option("-o", "--outdir", default=Path("site"), type=click.Path(path_type=Path), show_default=True,
                        help="The output folder whose cache is meant (as given to `veritex build`).")(fn)


def _cache_root(outdir: Path, cache_dir: Path | None) -> Path:
    from .builder import BuildOptions

    return BuildOptions(outdir=outdir, cache_dir=cache_dir).cache_root


@main.group()
def cache() -> None:
    """Show the size of the cache, prune it or clear it."""


@cache.command()
@_cache_place
def info(outdir: Path, cache_dir: Path | None) -> None:
    """Print the entries and size of each part of the cache."""
    from .cache.prune import format_size, scan

    root = _cache_root(outdir, cache_dir)
    contents = scan(root)
    lines = [f"Cache: {root}"]
    for namespace, (count, size) in contents.by_namespace().items():
        lines.append(f"  {namespace:<20} {count:>7} entries  {format_size(size):>10}")
    if contents.temporary:
        size = sum(t.size for t in contents.temporary)
        lines.append(f"  {'(temporary files)':<20} {len(contents.temporary):>7} files    {format_size(size):>10}")
    lines.append(f"  {'total':<20} {len(contents.entries):>7} entries  {format_size(contents.size):>10}")
    click.echo("\n".join(lines))


@cache.command()
@_cache_place
@click.option("--max-size", type=_SIZE, default=_DEFAULT_CAP, show_default="2G",
              help="Remove the least recently used entries until the cache is at most this size.")
def prune(outdir: Path, cache_dir: Path | None, max_size: int) -> None:
    """Remove least recently used entries down to a size, and temporary files a killed build left."""
    from .cache.prune import format_size
    from .cache.prune import prune as prune_cache

    root = _cache_root(outdir, cache_dir)
    done = prune_cache(root, max_size)
    click.echo(f"Removed {done.entries} entries and {done.temporary} temporary files ({format_size(done.freed)}); "
               f"{format_size(done.size)} left in {root}")


@cache.command()
@_cache_place
def clear(outdir: Path, cache_dir: Path | None) -> None:
    """Remove every cache entry (the next build runs every document again)."""
    from .cache.prune import clear as clear_cache
    from .cache.prune import format_size

    root = _cache_root(outdir, cache_dir)
    done = clear_cache(root)
    click.echo(f"Removed {done.entries} entries and {done.temporary} temporary files ({format_size(done.freed)}) "
               f"from {root}")
