"""The two ways a kernel process is started and controlled: veritex's own launcher for its `python3` (the
process starts before jupyter_client is imported) and jupyter_client's KernelManager for any other kernel.

Every started back-end is registered until it is closed: what is still running when veritex exits is
killed, never left behind.
"""

from __future__ import annotations

import atexit
import contextlib
import sys
import threading
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol, cast

from . import kernel_process
from .errors import KernelStartError
from .kernel_process import KernelProcess
from .specs import IPYKERNEL_ARGUMENTS, NATIVE_KERNEL, NATIVE_LAUNCHER, spec_manager

if TYPE_CHECKING:
    from jupyter_client.blocking.client import BlockingKernelClient
    from jupyter_client.manager import KernelManager


class Backend(Protocol):
    name: str
    language: str  # known once started

    def start(self, *, env: dict[str, str], cwd: Path, log: IO[bytes]) -> None: ...

    def client(self) -> BlockingKernelClient:
        """A new client to the kernel, its channels not started."""

    def alive(self) -> bool: ...

    def interrupt(self) -> None: ...

    def restart(self) -> None: ...

    def exit_code(self) -> int | None: ...

    def close(self) -> None:
        """Kill the kernel and wait until it is gone; release what it held."""

    def kill(self) -> None:
        """Kill the kernel at once (veritex is exiting)."""


def backend_for(name: str) -> Backend:
    if name == NATIVE_KERNEL and kernel_process.supported():
        return OwnPython(name)
    return Managed(name)


_LIVE: set[Backend] = set()
_LIVE_LOCK = threading.Lock()


def register(backend: Backend) -> None:
    with _LIVE_LOCK:
        _LIVE.add(backend)


def forget(backend: Backend) -> None:
    with _LIVE_LOCK:
        _LIVE.discard(backend)


@atexit.register
def _kill_leftover_kernels() -> None:
    """Kernels still shutting down when veritex exits are killed, never left running."""
    with _LIVE_LOCK:
        backends = list(_LIVE)
    for backend in backends:
        with contextlib.suppress(Exception):
            backend.kill()


class OwnPython:
    """The interpreter running veritex, launched with the standard library alone."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.language = "python"
        self.process: KernelProcess | None = None

    def start(self, *, env: dict[str, str], cwd: Path, log: IO[bytes]) -> None:
        argv = [sys.executable, "-c", NATIVE_LAUNCHER, "-f", "{connection_file}", *IPYKERNEL_ARGUMENTS]
        process: KernelProcess | None = None
        try:
            process = KernelProcess(argv, env=env, cwd=str(cwd), log=log, name=self.name)
            process.launch()
        except OSError as exc:  # no free port, no temporary folder, no interpreter
            if process is not None:
                process.close()
            raise KernelStartError(self.name, str(exc)) from exc
        self.process = process

    def client(self) -> BlockingKernelClient:
        from jupyter_client.blocking.client import BlockingKernelClient

        assert self.process is not None
        client = BlockingKernelClient()
        client.load_connection_info(cast(Any, self.process.connection))  # a KernelConnectionInfo
        return client

    def alive(self) -> bool:
        return self.process is not None and self.process.alive()

    def interrupt(self) -> None:
        if self.process is not None:
            self.process.interrupt()

    def restart(self) -> None:
        assert self.process is not None
        self.process.restart()

    def exit_code(self) -> int | None:
        return self.process.exit_code() if self.process is not None else None

    def close(self) -> None:
        if self.process is not None:
            self.process.close()

    def kill(self) -> None:
        self.close()


class Managed:
    """Any kernel Jupyter knows, through jupyter_client's KernelManager."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.language = "python"
        self.manager: KernelManager | None = None

    def start(self, *, env: dict[str, str], cwd: Path, log: IO[bytes]) -> None:
        from jupyter_client.kernelspec import NoSuchKernel
        from jupyter_client.manager import KernelManager

        manager = KernelManager(kernel_name=self.name, kernel_spec_manager=spec_manager())
        try:
            spec = manager.kernel_spec
        except NoSuchKernel:
            raise KernelStartError(self.name, "no such kernel is installed (`jupyter kernelspec list` shows "
                                              "the installed ones; `python3` is veritex's own Python)") from None
        assert spec is not None
        self.language = (spec.language or "").lower()
        extra = list(IPYKERNEL_ARGUMENTS) if "ipykernel" in " ".join(spec.argv) else []
        try:
            manager.start_kernel(extra_arguments=extra, env=env, cwd=str(cwd), stdout=log, stderr=log)
        except Exception as exc:
            raise KernelStartError(self.name, str(exc)) from exc
        self.manager = manager

    def client(self) -> BlockingKernelClient:
        assert self.manager is not None
        return self.manager.client()

    def _process(self) -> Any:
        return getattr(self.manager.provisioner, "process", None) if self.manager is not None else None

    def alive(self) -> bool:
        process = self._process()
        if process is not None:
            return bool(process.poll() is None)  # a plain waitpid: cheap enough to call every poll
        return self.manager is not None and bool(self.manager.is_alive())

    def interrupt(self) -> None:
        if self.manager is not None:
            with contextlib.suppress(Exception):  # a deaf kernel is restarted after the grace period
                self.manager.interrupt_kernel()

    def restart(self) -> None:
        assert self.manager is not None
        self.manager.restart_kernel(now=True)

    def exit_code(self) -> int | None:
        process = self._process()
        return process.poll() if process is not None else None

    def close(self) -> None:
        if self.manager is not None:
            self.manager.shutdown_kernel(now=True)

    def kill(self) -> None:
        process = self._process()
        if process is not None and process.poll() is None:
            process.kill()
