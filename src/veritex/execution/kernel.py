"""One kernel and a blocking client to it: start (through a back-end, see `backends`), run code and collect
its outputs, time out, notice a dead kernel, interrupt, restart, stop.

jupyter_client is imported only inside the functions here and in `backends` that need it, on the thread that
starts the kernel, so neither `import veritex` nor a cached build pays for it; the native kernel is launched
before it is imported, so the two overlap.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..terminal import strip_ansi
from .backends import Backend, backend_for, forget, register
from .errors import ExecutionInterrupted, KernelStartError
from .outputs import Outputs

if TYPE_CHECKING:
    from jupyter_client.blocking.client import BlockingKernelClient

POLL_SECONDS = 0.02
"""How often a silent kernel is checked for death, timeout or a stop; a message wakes the loop at once."""
INTERRUPT_GRACE_SECONDS = 3.0
"""How long an interrupted cell may take to stop before the kernel is restarted."""
STOP_GRACE_SECONDS = 0.5
"""How long a kernel interrupted because the build stops may take to go idle before it is killed."""
STARTUP_SECONDS = 60.0
MATPLOTLIB_INLINE = "module://matplotlib_inline.backend_inline"


@dataclass
class Reply:
    """What one execute request produced."""

    status: str  # "ok" | "error" | "timeout" | "dead"
    outputs: list[dict[str, Any]] = field(default_factory=list)
    execution_count: int | None = None
    content: dict[str, Any] = field(default_factory=dict)  # the execute_reply's content, {} if none came
    seconds: float = 0.0
    needs_restart: bool = False  # dead, or deaf to the interrupt
    idle: bool = False  # the kernel said it is done with the request


class Kernel:
    """One kernel process (through a back-end) and a blocking client to it, driven from one thread at a time."""

    def __init__(self, name: str, *, cwd: Path, seed: int | None, env: dict[str, str] | None = None,
                 stop: threading.Event | None = None) -> None:
        self.name = name
        self._cwd = cwd
        self._seed = seed
        self._extra_env = dict(env or {})
        self._stop = stop  # set when the build stops: the run in progress ends with ExecutionInterrupted
        # The process's own stdout/stderr (crash messages); closed when the kernel is stopped.
        self._log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self._backend: Backend | None = None
        self._client: BlockingKernelClient | None = None
        self._poller: Any = None

    @property
    def language(self) -> str:
        return self._backend.language if self._backend is not None else "python"

    def start(self) -> None:
        """Launch the kernel, then connect: the native kernel boots while jupyter_client is imported."""
        backend = backend_for(self.name)
        backend.start(env=self._env(), cwd=self._cwd, log=self._log)
        self._backend = backend
        register(backend)
        self._connect()

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["MPLBACKEND"] = MATPLOTLIB_INLINE  # figures become image/png outputs without plt.show()
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # ipykernel's debugger warns about frozen modules
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")  # TensorFlow's INFO lines are not part of a document
        if self._seed is not None:
            env["PYTHONHASHSEED"] = str(self._seed % 2**32)  # set iteration order is part of the output
        env.update(self._extra_env)
        return env

    def _connect(self) -> None:
        import zmq

        assert self._backend is not None
        client = self._backend.client()
        client.start_channels()
        self._client = client
        self._poller = zmq.Poller()
        self._poller.register(client.iopub_channel.socket, zmq.POLLIN)
        self._poller.register(client.shell_channel.socket, zmq.POLLIN)
        self._wait_for_ready()

    def _wait_for_ready(self) -> None:
        """jupyter_client's `wait_for_ready` ends with 0.2 s of waiting for silence on iopub; veritex
        ignores messages that answer no request of its own, so the first reply and one iopub message
        (the socket is connected) are enough."""
        assert self._client is not None
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            self._check_stop()
            self._client.kernel_info()
            if self._client.shell_channel.socket.poll(250) and self._client.iopub_channel.socket.poll(250):
                return
            if not self.alive():
                raise KernelStartError(self.name, "the kernel died while starting" + _log_suffix(self.log_tail()))
        raise KernelStartError(self.name, f"no answer within {STARTUP_SECONDS:g} s")

    def alive(self) -> bool:
        return self._backend is not None and self._backend.alive()

    def run(self, code: str, *, timeout: float | None, silent: bool = False,
            user_expressions: dict[str, str] | None = None) -> Reply:
        """Execute `code` and collect its outputs until the kernel is idle, the deadline passes or the
        kernel dies."""
        assert self._client is not None
        started = time.monotonic()
        msg_id = self._client.execute(code, silent=silent, store_history=not silent,
                                      user_expressions=user_expressions or {}, allow_stdin=False,
                                      stop_on_error=False)
        outputs = Outputs()
        reply = Reply("ok")
        deadline = started + timeout if timeout is not None else None
        interrupted_at: float | None = None
        while not (reply.idle and reply.content):
            self._check_stop()
            if self._receive(msg_id, outputs, reply, wait=POLL_SECONDS):
                continue
            if not self.alive():
                self._receive(msg_id, outputs, reply, wait=0)  # what it said before it died
                reply.status, reply.needs_restart = "dead", True
                break
            now = time.monotonic()
            if interrupted_at is None and deadline is not None and now > deadline:
                self.interrupt()
                interrupted_at = now
            elif interrupted_at is not None and now > interrupted_at + INTERRUPT_GRACE_SECONDS:
                reply.needs_restart = True  # deaf to the interrupt
                break
        if interrupted_at is not None:
            reply.status = "timeout"
        elif reply.status != "dead":
            reply.status = str(reply.content.get("status", "error"))
        reply.outputs = outputs.items
        reply.seconds = time.monotonic() - started
        return reply

    def _receive(self, msg_id: str, outputs: Outputs, reply: Reply, *, wait: float) -> bool:
        """Handle every message that arrives within `wait` seconds; False if none did."""
        from queue import Empty

        assert self._client is not None
        if not self._poller.poll(wait * 1000):
            return False
        for channel in (self._client.iopub_channel, self._client.shell_channel):
            while True:
                try:
                    msg = channel.get_msg(timeout=0)
                except Empty:
                    break
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue  # the answer to an earlier request (kernel_info, an interrupted cell)
                msg_type, content = msg["msg_type"], msg["content"]
                if msg_type == "execute_reply":
                    reply.content = content
                elif msg_type == "execute_input":
                    reply.execution_count = content.get("execution_count")
                elif msg_type == "status":
                    reply.idle = reply.idle or content.get("execution_state") == "idle"
                else:
                    outputs.add(msg_type, content)
        return True

    def _check_stop(self) -> None:
        if self._stop is not None and self._stop.is_set():
            raise ExecutionInterrupted(f"stopped while the kernel {self.name!r} ran")

    def interrupt(self) -> None:
        if self._backend is not None:
            self._backend.interrupt()

    def restart(self) -> None:
        assert self._client is not None
        self._client.stop_channels()
        assert self._backend is not None
        try:
            self._backend.restart()
        except Exception as exc:
            raise KernelStartError(self.name, f"restart failed: {exc}") from exc
        self._connect()

    def exit_description(self) -> str:
        code = self._backend.exit_code() if self._backend is not None else None
        if code is None:
            return "the kernel stopped answering"
        if code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"kernel process exited with code {code}"

    def log_tail(self, limit: int = 2000) -> str:
        try:
            self._log.flush()
            size = self._log.seek(0, os.SEEK_END)
            self._log.seek(max(0, size - limit))
            text = self._log.read().decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""
        return "\n".join(strip_ansi(text).strip().splitlines()[-20:])

    def stop_now(self) -> None:
        """The build stops: interrupt the cell, give it a moment to end, kill the kernel and wait until
        it is gone."""
        if self._backend is not None:
            self.interrupt()
            deadline = time.monotonic() + STOP_GRACE_SECONDS
            while time.monotonic() < deadline and self.alive() and not self._went_idle():
                time.sleep(POLL_SECONDS)
        self._shutdown()

    def _went_idle(self) -> bool:
        """Whether an idle status arrived (the interrupted cell ended); other messages are dropped."""
        from queue import Empty

        if self._client is None:
            return True
        with contextlib.suppress(Exception):
            while True:
                try:
                    msg = self._client.iopub_channel.get_msg(timeout=0)
                except Empty:
                    return False
                if msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle":
                    return True
        return True

    def shutdown_in_background(self) -> None:
        """Stop the kernel without making the caller wait for the process to go."""
        stop = self._detach()
        threading.Thread(target=stop, name="veritex-kernel-shutdown", daemon=True).start()

    def _shutdown(self) -> None:
        self._detach()()

    def _detach(self) -> Callable[[], None]:
        """Forget the kernel; the function returned stops it and waits until it is gone."""
        backend, client, log = self._backend, self._client, self._log
        self._backend = self._client = None

        def stop() -> None:
            try:
                if client is not None:
                    client.stop_channels()
                if backend is not None:
                    backend.close()
            except Exception:  # noqa: BLE001 - at worst atexit kills the process
                pass
            finally:
                log.close()
                if backend is not None:
                    forget(backend)

        return stop


def _log_suffix(tail: str) -> str:
    return f":\n{tail}" if tail else ""
