"""veritex's own Python kernel process, started with the standard library alone.

jupyter_client takes a quarter of a second to import; launching the native kernel (the interpreter
running veritex) needs none of it, so the process starts first and jupyter_client is imported while
the kernel boots. The launch follows jupyter_client's on POSIX: a connection file with free ports and
a key, a new session (so an interrupt reaches the whole process group), `JPY_PARENT_PID` so the kernel
exits with the build. Other kernels, and other platforms, go through jupyter_client's KernelManager.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import tempfile
import uuid
from typing import IO, Any

PORT_NAMES = ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")
KILL_WAIT_SECONDS = 5.0


def supported() -> bool:
    return os.name == "posix" and hasattr(os, "killpg")


def _free_ports(ip: str, count: int) -> list[int]:
    """Ports nobody listens on now, as jupyter_client picks them (all bound at once, so distinct)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\0" * 8)
            sock.bind((ip, 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


class KernelProcess:
    """One kernel process: launched, interrupted, killed and launched again on the same ports."""

    def __init__(self, argv: list[str], *, env: dict[str, str], cwd: str, log: IO[bytes], name: str) -> None:
        ip = "127.0.0.1"
        self.connection: dict[str, Any] = dict(zip(PORT_NAMES, _free_ports(ip, len(PORT_NAMES)), strict=True))
        self.connection.update(ip=ip, transport="tcp", key=str(uuid.uuid4()), signature_scheme="hmac-sha256",
                               kernel_name=name)
        fd, self.connection_file = tempfile.mkstemp(prefix="veritex-kernel-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:  # mkstemp: readable by this user only
            json.dump(self.connection, handle)
        self._argv = [part.replace("{connection_file}", self.connection_file) for part in argv]
        self._env = {**env, "JPY_PARENT_PID": str(os.getpid())}  # the kernel exits when veritex does
        self._cwd = cwd
        self._log = log
        self.process: subprocess.Popen[bytes] | None = None

    def launch(self) -> None:
        self.process = subprocess.Popen(self._argv, stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log,
                                        env=self._env, cwd=self._cwd, start_new_session=True)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def exit_code(self) -> int | None:
        return self.process.poll() if self.process is not None else None

    def signal(self, signum: int) -> None:
        """To the kernel's process group (the kernel and what it started), else to the kernel."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signum)  # its own session: the group id is its pid
        except OSError:
            with contextlib.suppress(OSError):
                self.process.send_signal(signum)

    def interrupt(self) -> None:
        self.signal(signal.SIGINT)

    def kill(self) -> None:
        """Kill the kernel and wait until it is gone."""
        if self.process is None:
            return
        self.signal(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(KILL_WAIT_SECONDS)

    def restart(self) -> None:
        self.kill()
        self.launch()

    def close(self) -> None:
        """Kill the kernel and remove its connection file."""
        self.kill()
        with contextlib.suppress(OSError):
            os.unlink(self.connection_file)
