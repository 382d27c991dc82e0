"""Execution's failures, and the error outputs veritex adds to a cell that timed out or killed its kernel.

A failure of the run as a whole (the kernel cannot start, the build was interrupted) is raised. Cell-level
failures (an exception in user code, a timeout, a dead kernel) are not: they are recorded in the cell's
outputs and facts so that cached and fresh builds report alike, as error outputs whose `ename` is the
name of the class below. The advice on raising the timeout is written here once.
"""

from __future__ import annotations

from typing import Any

from ..errors import VeritexError

RAISE_TIMEOUT_ADVICE = (
    "Make the cell faster (fewer steps, smaller data) or raise the timeout: `timeout:` in the front matter "
    "(seconds per cell) or `veritex build --timeout S`; without a timeout a cell may run as long as it needs."
)


class ExecutionError(VeritexError):
    """Running a document's code failed as a whole (not one cell of it)."""


class KernelStartError(ExecutionError):
    """The Jupyter kernel could not be started or did not answer."""

    def __init__(self, kernel: str, reason: str) -> None:
        self.kernel = kernel
        self.reason = reason
        super().__init__(f"cannot start the Jupyter kernel {kernel!r}: {reason}")

    def __reduce__(self) -> tuple[Any, ...]:  # an executor may hand it over from another process
        return (type(self), (self.kernel, self.reason))


class ExecutionInterrupted(ExecutionError):
    """The build was interrupted (Ctrl-C) or the executor closed while the document ran."""


class CellTimeoutError(ExecutionError):
    """A cell ran longer than the document's `timeout` (recorded as the cell's error output)."""


class DeadKernelError(ExecutionError):
    """The kernel process died while running a cell (recorded as the cell's error output)."""


def timeout_output(timeout: float, line: int | None, restarted: bool) -> dict[str, Any]:
    seconds = f"{timeout:g} s"
    where = f" (it was at line {line} of the cell)" if line else ""
    hint = [f"{CellTimeoutError.__name__}: cell timed out after {seconds}{where}", RAISE_TIMEOUT_ADVICE]
    if restarted:
        hint.append("The kernel ignored the interrupt and was restarted: later cells ran in a fresh kernel, "
                    "without the variables defined before this cell.")
    return error_output(CellTimeoutError.__name__, f"cell timed out after {seconds}", hint)


def dead_output(exit_description: str, log_tail: str) -> dict[str, Any]:
    hint = [
        f"{DeadKernelError.__name__}: the kernel died while running this cell ({exit_description})",
        "It may have run out of memory, crashed in native code, or called os._exit. veritex restarted the "
        "kernel: later cells ran in a fresh kernel, without the variables defined before this cell.",
    ]
    if log_tail:
        hint.append("Last lines the kernel process wrote:\n" + log_tail)
    return error_output(DeadKernelError.__name__, exit_description, hint)


def error_output(ename: str, evalue: str, traceback: list[str]) -> dict[str, Any]:
    """An nbformat v4 error output."""
    return {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": traceback}
