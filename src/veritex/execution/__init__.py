"""Running documents' code: what an executor is given and returns (`protocol`), the default executor
(`local`), one run in one kernel (`run`), kernels (`kernel`, `kernel_process`, `specs`), iopub messages
turned into nbformat outputs (`outputs`) and execution's failures (`errors`).

Importing this package loads neither jupyter_client nor a thread pool; `LocalExecutor` is imported from
`veritex.execution.local` by what runs code.
"""

from __future__ import annotations

from .errors import CellTimeoutError, DeadKernelError, ExecutionError, ExecutionInterrupted, KernelStartError
from .protocol import CellRequest, CellResult, EvalResult, ExecutionRequest, ExecutionResult, Executor

__all__ = [
    "CellRequest", "CellResult", "CellTimeoutError", "DeadKernelError", "EvalResult", "ExecutionError",
    "ExecutionInterrupted", "ExecutionRequest", "ExecutionResult", "Executor", "KernelStartError",
]
