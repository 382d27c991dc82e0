"""Typed failures: callers decide what to do by catching a class, never by parsing a message.

Cell-level failures (an exception in user code, a timeout, a dead kernel) are not raised: the execute
stage records them in the cell's outputs and metadata so that cached and fresh builds report alike.
Their names below are also the `ename` of the error output veritex adds to the cell.
"""

from __future__ import annotations


class VeritexError(Exception):
    """Base class of every failure veritex raises on purpose."""


class ExecutionError(VeritexError):
    """Running a document's code failed as a whole (not one cell of it)."""


class KernelStartError(ExecutionError):
    """The Jupyter kernel could not be started or did not answer."""

    def __init__(self, kernel: str, reason: str) -> None:
        self.kernel = kernel
        self.reason = reason
        super().__init__(f"cannot start the Jupyter kernel {kernel!r}: {reason}")


class CellTimeoutError(ExecutionError):
    """A cell ran longer than the document's `timeout` (recorded as the cell's error output)."""


class DeadKernelError(ExecutionError):
    """The kernel process died while running a cell (recorded as the cell's error output)."""
