"""What a writer is: a format name, a file suffix and `write(document, context) -> files written`.

A writer turns a compiled `Document` into files; it never runs code and never imports the stages.
Besides `write`, a writer may have `prepare(document, context)`, called while the document's code
runs, for work no output changes (the HTML writer highlights code and copies its assets then), and
`finish(report, outdir) -> Path | None`, called once after every document, for a file about them all
(the HTML writer's contents page).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from ..model import Document
    from ..report import Report


@dataclass(frozen=True)
class WriteContext:
    """Where one document's output goes, and the build's folders a writer may use."""

    output: Path  # the file this writer makes for the document: <outdir>/<document's place><suffix>
    outdir: Path  # the root of the output tree
    assets_root: Path  # where files shared by every output of the build go
    cache_root: Path  # the build's cache: a writer keeps entries there through `veritex.cache.Store`


@runtime_checkable
class Writer(Protocol):
    name: str  # the format, as `veritex build --to NAME` names it
    suffix: str  # of the file `write` makes, with its dot: ".html"

    def write(self, document: Document, context: WriteContext) -> list[Path]:
        """Write `document` to `context.output` (and any files beside it); return every file written."""
        ...


@runtime_checkable
class Preparing(Protocol):
    def prepare(self, document: Document, context: WriteContext) -> None: ...


@runtime_checkable
class Finishing(Protocol):
    def finish(self, report: Report, outdir: Path) -> Path | None: ...
