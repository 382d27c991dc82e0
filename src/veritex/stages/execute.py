"""The execute stage: a document's code cells become an `ExecutionRequest`, an executor runs it, and the
result is written into the document here, on the thread that builds it (never on an executor's thread).

Each executed cell gets nbformat v4 `outputs`, an `execution_count` and `metadata["veritex"]`:

    {"status": "ok" | "error" | "timeout" | "dead" | "skipped",
     "seconds": float,            # wall time of the cell (absent when skipped)
     "error_line": int | None,    # error/timeout: 1-based line inside the cell of the innermost frame
     "restarted": True}           # only when the kernel was restarted after this cell

`Execution.start()` submits the request and returns at once (the build renders math meanwhile);
`wait()` applies the result. Nothing here imports jupyter_client or a thread pool.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..execution.protocol import CellRequest, ExecutionRequest, ExecutionResult, Executor
from ..model import Document

if TYPE_CHECKING:
    from concurrent.futures import Future
    from pathlib import Path


@dataclass
class ExecutionSummary:
    cells_run: int = 0
    errors: int = 0  # cells that raised (not counting `raises-exception` ones) or killed the kernel
    timeouts: int = 0
    restarts: int = 0
    seconds: float = 0.0

    @classmethod
    def of(cls, doc: Document) -> ExecutionSummary:
        """The summary a document's cells record, e.g. after a cache hit (`seconds`: the cells' own)."""
        summary = cls()
        for cell in doc.code_cells():
            facts = cell.metadata.get("veritex", {})
            status = facts.get("status")
            if status is None or status == "skipped":
                continue
            summary.cells_run += 1
            summary.seconds += float(facts.get("seconds", 0.0))
            summary.timeouts += status == "timeout"
            summary.errors += status == "dead" or (status == "error" and not cell.raises_ok)
            summary.restarts += bool(facts.get("restarted"))
        return summary


def execution_request(doc: Document, *, strict: bool = False, context: dict[str, Any] | None = None,
                      timeout: float | None = None, ignore: tuple[Path, ...] = ()) -> ExecutionRequest:
    """What running `doc` needs; `timeout` (seconds per cell) overrides the front matter's."""
    json.dumps(context or {})  # fails here, in the caller, if the context is not JSON-able
    run = doc.meta.execute
    return ExecutionRequest(
        document=str(doc.path),
        cells=[CellRequest(c.source, c.position.line, dict(c.options), list(c.tags), run and c.execute, c.raises_ok)
               for c in doc.code_cells()],
        evals=[e.expr for e in doc.all_evals()] if run else [],
        kernel=doc.meta.kernel,
        seed=doc.meta.seed,
        timeout=timeout if timeout is not None else doc.meta.timeout,
        cwd=str(doc.path.parent),
        strict=strict,
        context=dict(context or {}),
        ignore=[str(p) for p in ignore],
    )


def apply_result(doc: Document, result: ExecutionResult) -> None:
    """Write what the run produced into `doc` (cells, inline evals, environment, data files)."""
    for cell, ran in zip(doc.code_cells(), result.cells, strict=True):
        if ran.status == "not-run":
            continue
        cell.outputs = ran.outputs
        cell.execution_count = ran.execution_count
        cell.metadata["veritex"] = ran.facts()
    for node, value in zip(doc.all_evals(), result.evals, strict=False):
        node.value, node.error = value.value, value.error
    if result.environment or result.setup_error:
        doc.environment = dict(result.environment)
        if result.setup_error:
            doc.environment["setup_error"] = result.setup_error
    doc.data_files = list(result.files_read)


class Execution:
    """One run of one document's code cells through an executor (a `LocalExecutor` of its own if none
    is given, closed once the run is over)."""

    def __init__(self, doc: Document, *, strict: bool = False, context: dict[str, Any] | None = None,
                 executor: Executor | None = None, timeout: float | None = None,
                 ignore: tuple[Path, ...] = ()) -> None:
        self.doc = doc
        self.request = execution_request(doc, strict=strict, context=context, timeout=timeout, ignore=ignore)
        self._executor = executor
        self._own: Executor | None = None
        self._future: Future[ExecutionResult] | None = None
        self._started = False

    def start(self) -> None:
        """Submit the run; returns at once."""
        if self._started:
            raise RuntimeError("this Execution was already started")
        self._started = True
        if not self.request.runnable:
            return
        executor = self._executor
        if executor is None:
            from ..execution.local import LocalExecutor

            executor = self._own = LocalExecutor(1)
        self._future = executor.submit(self.request)

    def wait(self) -> ExecutionSummary:
        """Wait for the run and apply its result to the document; raises what the run raised
        (KernelStartError when the kernel could not be started)."""
        if not self._started:
            self.start()
        if self._future is None:
            return ExecutionSummary()
        try:
            result = self._future.result()
        except BaseException:
            self._future.cancel()
            if self._own is not None:
                self._own.close(cancel=True)
            raise
        if self._own is not None:
            self._own.close()
        apply_result(self.doc, result)
        summary = ExecutionSummary.of(self.doc)
        summary.seconds = result.seconds
        return summary

    def cancel(self) -> None:
        """Drop the run if it has not started yet (the build stops)."""
        if self._future is not None:
            self._future.cancel()
        if self._own is not None:
            self._own.close(cancel=True)


def execute(doc: Document, *, strict: bool = False, context: dict[str, Any] | None = None,
            executor: Executor | None = None, timeout: float | None = None) -> ExecutionSummary:
    """Run `doc`'s code cells and inline evals; results are written into `doc`."""
    execution = Execution(doc, strict=strict, context=context, executor=executor, timeout=timeout)
    execution.start()
    return execution.wait()
