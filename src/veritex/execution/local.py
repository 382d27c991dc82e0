"""The default executor: up to `jobs` requests at once, each in a fresh kernel of its own, on threads of
this process.

Warm kernels: the kernel of the next request that has to wait for a free worker is started at once, so that
it boots while the running documents compute. It is a fresh process that no
document has used (seeded and set up only when its request runs), so no state passes between documents.
"""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor

from .kernel import Kernel
from .protocol import ExecutionRequest, ExecutionResult, Executor
from .run import CellProgress, kernel_key, new_kernel, run_request


class LocalExecutor(Executor):
    def __init__(self, jobs: int = 1, *, on_cell: CellProgress | None = None, warm: bool = True) -> None:
        self.jobs = max(1, jobs)
        self._on_cell = on_cell
        self._warm = warm
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._queued: deque[ExecutionRequest] = deque()  # submitted, not started
        self._running = 0
        self._spares: dict[tuple[object, ...], _Spare] = {}
        self._pool = ThreadPoolExecutor(self.jobs, thread_name_prefix="veritex-execute")

    def submit(self, request: ExecutionRequest) -> Future[ExecutionResult]:
        if self._stop.is_set():
            raise RuntimeError("this executor was closed")
        with self._lock:
            self._queued.append(request)
            self._warm_next()
        return self._pool.submit(self._run, request)

    def _run(self, request: ExecutionRequest) -> ExecutionResult:
        with self._lock:
            self._queued.remove(request)
            self._running += 1
            spare = self._spares.pop(kernel_key(request), None) if request.runnable else None
            self._warm_next()
        try:
            kernel = spare.take() if spare is not None else None
            return run_request(request, stop=self._stop, on_cell=self._on_cell, kernel=kernel)
        finally:
            with self._lock:
                self._running -= 1

    def _warm_next(self) -> None:
        """Start the kernel of the first request that will wait for a worker (under the lock)."""
        waiting = list(self._queued)[max(0, self.jobs - self._running):]
        following = next((r for r in waiting if r.runnable), None)
        if self._warm and following is not None and not self._stop.is_set() \
                and kernel_key(following) not in self._spares:
            self._spares[kernel_key(following)] = _Spare(new_kernel(following, self._stop))

    def close(self, *, cancel: bool = False) -> None:
        """Wait for the runs in progress; with `cancel`, drop the queued ones and stop the running ones
        (their kernels are interrupted, then killed, before this returns). Unused warm kernels are stopped."""
        if cancel:
            self._stop.set()
        self._pool.shutdown(wait=True, cancel_futures=cancel)
        self._stop.set()
        with self._lock:
            spares, self._spares = list(self._spares.values()), {}
        for spare in spares:
            kernel = spare.take()
            if kernel is not None:
                kernel.stop_now()


class _Spare:
    """A kernel starting on a thread of its own for a request still in the queue."""

    def __init__(self, kernel: Kernel) -> None:
        self._kernel = kernel
        self._failed = False
        self._thread = threading.Thread(target=self._start, name="veritex-warm-kernel", daemon=True)
        self._thread.start()

    def _start(self) -> None:
        try:
            self._kernel.start()
        except BaseException:  # noqa: BLE001 - the request then starts a kernel of its own, and reports why
            self._failed = True
            self._kernel.stop_now()

    def take(self) -> Kernel | None:
        """The started kernel, once it is up; None if it could not start."""
        self._thread.join()
        return None if self._failed else self._kernel
