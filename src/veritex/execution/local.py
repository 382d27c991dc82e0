"""The default executor: up to `jobs` requests at once, each in its own fresh kernel on a thread of this
process. A fresh kernel per document means no state leaks from one document to the next."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

from .protocol import ExecutionRequest, ExecutionResult, Executor
from .run import CellProgress, run_request


class LocalExecutor(Executor):
    def __init__(self, jobs: int = 1, *, on_cell: CellProgress | None = None) -> None:
        self.jobs = max(1, jobs)
        self._on_cell = on_cell
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(self.jobs, thread_name_prefix="veritex-execute")

    def submit(self, request: ExecutionRequest) -> Future[ExecutionResult]:
        if self._stop.is_set():
            raise RuntimeError("this executor was closed")
        return self._pool.submit(run_request, request, stop=self._stop, on_cell=self._on_cell)

    def close(self, *, cancel: bool = False) -> None:
        """Wait for the runs in progress; with `cancel`, drop the queued ones and stop the running ones
        (their kernels are interrupted, then killed, before this returns)."""
        if cancel:
            self._stop.set()
        self._pool.shutdown(wait=True, cancel_futures=cancel)
        self._stop.set()
