"""What an executor is given and what it gives back: plain dataclasses that pickle and hold no model object,
so that a run can happen in this process, in a pool, or on another machine.

The execute stage builds an `ExecutionRequest` from a document, an `Executor` runs it and resolves the
future with an `ExecutionResult`, and the stage applies that result to the document on the build's own
thread. A failure of the whole run (the kernel cannot start, the build was interrupted) is the future's
exception; everything a cell did, errors included, is in the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from ..model import VERDICT_MIME

if TYPE_CHECKING:  # concurrent.futures loads logging: only an executor that runs something needs it
    from concurrent.futures import Future

CellStatus = Literal["ok", "error", "timeout", "dead", "skipped", "not-run"]


@dataclass
class CellRequest:
    """One code cell of the document, in document order."""

    source: str
    line: int = 1  # where its code starts in the document (1-based), for messages
    options: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    run: bool = True  # False: another language, `norun`, `skip-execution`: the executor leaves it alone
    raises_ok: bool = False  # the author said it raises: its error neither counts nor stops a strict run


@dataclass
class ExecutionRequest:
    """One document's code, and everything its run depends on."""

    document: str  # the document's path, for messages and progress
    cells: list[CellRequest]
    evals: list[str] = field(default_factory=list)  # `{eval}` expressions, evaluated after every cell
    kernel: str = "python3"
    seed: int | None = None
    timeout: float | None = None  # seconds per cell; None: no limit
    cwd: str = "."  # the working folder of the kernel: the document's folder
    env: dict[str, str] = field(default_factory=dict)  # set in the kernel's environment, on top of the executor's
    strict: bool = False  # stop at the first failing cell; the later ones are "skipped"
    context: dict[str, Any] = field(default_factory=dict)  # what `vt.check` needs: formulas, macros (JSON-able)
    ignore: list[str] = field(default_factory=list)  # folders whose files are never data files (outputs, caches)

    @property
    def runnable(self) -> bool:
        return any(c.run for c in self.cells) or bool(self.evals)


@dataclass
class CellResult:
    status: CellStatus
    outputs: list[dict[str, Any]] = field(default_factory=list)  # nbformat v4 outputs
    execution_count: int | None = None
    seconds: float = 0.0
    error_line: int | None = None  # error/timeout: line inside the cell of the innermost frame
    restarted: bool = False  # the kernel was restarted after this cell

    @property
    def failed(self) -> bool:
        """A timeout or a dead kernel; an error too, unless the cell is expected to raise (see the request)."""
        return self.status in ("timeout", "dead", "error")

    def facts(self) -> dict[str, Any]:
        """The cell's `metadata["veritex"]`: status, seconds, error_line, restarted."""
        if self.status == "skipped":
            return {"status": "skipped"}
        facts: dict[str, Any] = {"status": self.status, "seconds": round(self.seconds, 4)}
        if self.status in ("error", "timeout", "dead"):
            facts["error_line"] = self.error_line
        if self.restarted:
            facts["restarted"] = True
        return facts

    def verdicts(self) -> list[dict[str, Any]]:
        """The verdict records (`vt.expect`, `vt.check`, `vt.implements`) this cell emitted, in order."""
        return [o["data"][VERDICT_MIME] for o in self.outputs
                if o.get("output_type") in ("display_data", "execute_result") and VERDICT_MIME in o.get("data", {})]


@dataclass
class EvalResult:
    value: dict[str, Any] | None = None  # a MIME bundle
    error: str | None = None


@dataclass
class ExecutionResult:
    cells: list[CellResult]  # one per requested cell, in order ("not-run" for a cell that is not run)
    evals: list[EvalResult] = field(default_factory=list)
    kernel: str = ""
    environment: dict[str, Any] = field(default_factory=dict)  # interpreter and packages, as the kernel saw them
    setup_error: str | None = None  # veritex's setup raised in the kernel (the cells still ran)
    files_read: list[str] = field(default_factory=list)  # data files the cells read, relative to `cwd`, sorted
    seconds: float = 0.0  # the whole run, kernel start included
    restarts: int = 0

    def errors(self) -> list[tuple[int, int | None, str]]:
        """(cell index, line in the cell or None, "Name: message") of every cell that failed."""
        found = []
        for index, cell in enumerate(self.cells):
            if cell.failed:
                error: dict[str, Any] = next(
                    (o for o in reversed(cell.outputs) if o.get("output_type") == "error"), {})
                found.append((index, cell.error_line, f"{error.get('ename', cell.status)}: {error.get('evalue', '')}"))
        return found


class Executor(Protocol):
    """Runs requests; `submit` returns at once. Closing waits for the runs in progress, or stops them
    (kernels interrupted, then killed) when `cancel` is true. A class that names `Executor` as its base
    gets the context manager: leaving the block on an exception cancels."""

    def submit(self, request: ExecutionRequest) -> Future[ExecutionResult]: ...

    def close(self, *, cancel: bool = False) -> None: ...

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        self.close(cancel=kind is not None)
