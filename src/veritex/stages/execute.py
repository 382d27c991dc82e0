"""Run a document's code cells, in order, in one Jupyter kernel, and write what happened into the model.

The build calls `Execution.start()`, renders math while the kernel works in a background thread, then
`wait()`. Each executed cell gets nbformat v4 `outputs`, an `execution_count` and
`metadata["veritex"]`:

    {"status": "ok" | "error" | "timeout" | "dead" | "skipped",
     "seconds": float,            # wall time of the cell (absent when skipped)
     "error_line": int | None,    # error/timeout: 1-based line inside the cell of the innermost frame
     "restarted": True}           # only when the kernel was restarted after this cell

A cell that fails does not stop the run (unless `strict`): a timeout interrupts the kernel (and restarts
it if the interrupt is ignored), a dead kernel is restarted; either way the cell gets an error output
named after `veritex.errors.CellTimeoutError` / `DeadKernelError` and the next cell runs.
jupyter_client is imported only here, inside the worker thread, so neither `import veritex` nor a
cached build pays for it.
"""

from __future__ import annotations

import ast
import atexit
import contextlib
import json
import os
import re
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from ..errors import CellTimeoutError, DeadKernelError, KernelStartError
from ..model import CodeCell, Document, InlineEval
from . import kernel_process
from .kernel_process import KernelProcess

if TYPE_CHECKING:
    from jupyter_client.blocking.client import BlockingKernelClient
    from jupyter_client.manager import KernelManager

POLL_SECONDS = 0.02
"""How often a silent kernel is checked for death or timeout; a message wakes the loop at once."""
INTERRUPT_GRACE_SECONDS = 3.0
"""How long an interrupted cell may take to stop before the kernel is restarted."""
STARTUP_SECONDS = 60.0
NATIVE_KERNEL = "python3"
MATPLOTLIB_INLINE = "module://matplotlib_inline.backend_inline"

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CELL_FRAME = re.compile(r"Cell In\[(\d+)\], line (\d+)")
_OUTPUT_TYPES = ("stream", "display_data", "execute_result", "error")
_ENVIRONMENT_KEY = "__veritex_environment__"


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


@dataclass
class _Reply:
    """What one execute request produced."""

    status: str  # "ok" | "error" | "timeout" | "dead"
    outputs: list[dict[str, Any]] = field(default_factory=list)
    execution_count: int | None = None
    content: dict[str, Any] = field(default_factory=dict)  # the execute_reply's content, {} if none came
    seconds: float = 0.0
    needs_restart: bool = False  # dead, or deaf to the interrupt
    idle: bool = False  # the kernel said it is done with the request


class Execution:
    """One run of one document's code cells in one kernel."""

    def __init__(self, doc: Document, *, strict: bool = False, context: dict[str, Any] | None = None) -> None:
        self.doc = doc
        self.strict = strict
        self._context_json = json.dumps(context or {})  # fails here, in the caller, if not JSON-able
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None
        self._summary = ExecutionSummary()

    def start(self) -> None:
        """Start the kernel and run every cell in a background thread; returns at once."""
        if self._thread is not None:
            raise RuntimeError("this Execution was already started")
        self._thread = threading.Thread(target=self._run, name=f"veritex-execute-{self.doc.path.name}", daemon=True)
        self._thread.start()

    def wait(self) -> ExecutionSummary:
        """Wait for the run to finish (results are in the document); raises KernelStartError if the
        kernel could not be started."""
        if self._thread is None:
            self.start()
        assert self._thread is not None
        self._thread.join()
        if self._failure is not None:
            raise self._failure
        return self._summary

    # -- the worker thread -------------------------------------------------------------------------

    def _run(self) -> None:
        started = time.monotonic()
        kernel: _Kernel | None = None
        try:
            cells = [c for c in self.doc.code_cells() if c.execute] if self.doc.meta.execute else []
            evals = list(self.doc.all_evals()) if self.doc.meta.execute else []
            if not cells and not evals:
                return
            kernel = _Kernel(self.doc.meta.kernel, cwd=_working_dir(self.doc), seed=self.doc.meta.seed)
            kernel.start()
            self._setup(kernel)
            self._run_cells(kernel, cells)
            self._evaluate_inline(kernel, evals)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller by wait()
            self._failure = exc
        finally:
            if kernel is not None:
                kernel.shutdown_in_background()
            self._summary.seconds = time.monotonic() - started

    def _setup(self, kernel: _Kernel) -> None:
        """Seed and hand the context to `veritex.runtime` inside the kernel, silently."""
        if kernel.language != "python":
            return
        reply = kernel.run(_setup_code(self.doc, self._context_json), timeout=STARTUP_SECONDS, silent=True)
        if reply.status in ("dead", "timeout"):
            raise KernelStartError(kernel.name, f"the kernel did not survive veritex's setup ({reply.status})")
        if reply.status == "error":
            self.doc.environment["setup_error"] = f"{reply.content.get('ename')}: {reply.content.get('evalue')}"

    def _run_cells(self, kernel: _Kernel, cells: list[CodeCell]) -> None:
        stopped = False
        for cell in cells:
            if stopped:
                cell.metadata["veritex"] = {"status": "skipped"}
                continue
            reply = kernel.run(cell.source, timeout=self.doc.meta.timeout)
            self._record(cell, reply, kernel)
            if reply.needs_restart:
                kernel.restart()
                self._setup(kernel)
                cell.metadata["veritex"]["restarted"] = True
                self._summary.restarts += 1
            failed = reply.status in ("timeout", "dead") or (reply.status == "error" and not cell.raises_ok)
            self._summary.cells_run += 1
            self._summary.errors += failed and reply.status != "timeout"
            self._summary.timeouts += reply.status == "timeout"
            stopped = self.strict and failed

    def _record(self, cell: CodeCell, reply: _Reply, kernel: _Kernel) -> None:
        facts: dict[str, Any] = {"status": reply.status, "seconds": round(reply.seconds, 4)}
        outputs = reply.outputs
        if reply.status == "error":
            error = next((o for o in reversed(outputs) if o["output_type"] == "error"), reply.content)
            facts["error_line"] = error_line(error.get("traceback", []), reply.execution_count)
        elif reply.status == "timeout":
            interrupted = [o for o in outputs if o["output_type"] == "error"]
            facts["error_line"] = next(
                (error_line(o.get("traceback", []), reply.execution_count) for o in interrupted), None)
            outputs = [o for o in outputs if o["output_type"] != "error"]  # the KeyboardInterrupt is ours
            outputs.append(_timeout_output(self.doc.meta.timeout or 0.0, facts["error_line"], reply.needs_restart))
        elif reply.status == "dead":
            facts["error_line"] = None
            outputs = [*outputs, _dead_output(kernel.exit_description(), kernel.log_tail())]
        cell.outputs = outputs
        cell.execution_count = reply.execution_count
        cell.metadata["veritex"] = facts

    def _evaluate_inline(self, kernel: _Kernel, evals: list[InlineEval]) -> None:
        """All `{eval}` expressions and the environment in one request, after every cell ran."""
        expressions = {f"e{i}": node.expr for i, node in enumerate(evals)}
        if kernel.language == "python":
            expressions[_ENVIRONMENT_KEY] = "__import__('veritex.runtime', fromlist=['_']).environment_json()"
        reply = kernel.run("", timeout=self.doc.meta.timeout, silent=True, user_expressions=expressions)
        results: dict[str, Any] = reply.content.get("user_expressions", {}) if reply.status == "ok" else {}
        for i, node in enumerate(evals):
            result = results.get(f"e{i}")
            if result is None:
                node.error = f"the kernel did not evaluate it ({reply.status})"
            elif result.get("status") == "ok":
                node.value = dict(result.get("data", {}))
                node.error = None
            else:
                node.error = f"{result.get('ename', 'Error')}: {result.get('evalue', '')}"
        self.doc.environment.update(_environment(results.get(_ENVIRONMENT_KEY)), kernel=kernel.name)


def execute(doc: Document, *, strict: bool = False, context: dict[str, Any] | None = None) -> ExecutionSummary:
    """Run `doc`'s code cells and inline evals; results are written into `doc`."""
    execution = Execution(doc, strict=strict, context=context)
    execution.start()
    return execution.wait()


# -- what the cells get ------------------------------------------------------------------------------


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def error_line(traceback: list[str], execution_count: int | None) -> int | None:
    """Line inside cell `execution_count` of its innermost frame in an IPython traceback."""
    frames = _CELL_FRAME.findall(strip_ansi("\n".join(traceback)))
    lines = [int(line) for count, line in frames if execution_count is None or int(count) == execution_count]
    return lines[-1] if lines else None


def _timeout_output(timeout: float, line: int | None, restarted: bool) -> dict[str, Any]:
    seconds = f"{timeout:g} s"
    where = f" (it was at line {line} of the cell)" if line else ""
    hint = [
        f"{CellTimeoutError.__name__}: cell timed out after {seconds}{where}",
        f"The document's front matter sets `timeout: {timeout:g}` (seconds per cell). Make the cell faster "
        "(fewer steps, smaller data) or raise `timeout`; without `timeout` a cell may run as long as it needs.",
    ]
    if restarted:
        hint.append("The kernel ignored the interrupt and was restarted: later cells ran in a fresh kernel, "
                    "without the variables defined before this cell.")
    return _error_output(CellTimeoutError.__name__, f"cell timed out after {seconds}", hint)


def _dead_output(exit_description: str, log_tail: str) -> dict[str, Any]:
    hint = [
        f"{DeadKernelError.__name__}: the kernel died while running this cell ({exit_description})",
        "It may have run out of memory, crashed in native code, or called os._exit. veritex restarted the "
        "kernel: later cells ran in a fresh kernel, without the variables defined before this cell.",
    ]
    if log_tail:
        hint.append("Last lines the kernel process wrote:\n" + log_tail)
    return _error_output(DeadKernelError.__name__, exit_description, hint)


def _error_output(ename: str, evalue: str, traceback: list[str]) -> dict[str, Any]:
    return {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": traceback}


def _environment(result: dict[str, Any] | None) -> dict[str, Any]:
    if not result or result.get("status") != "ok":
        return {}
    try:
        found = json.loads(ast.literal_eval(result["data"]["text/plain"]))
    except (KeyError, ValueError, SyntaxError, TypeError):
        return {}
    return found if isinstance(found, dict) else {}


def _working_dir(doc: Document) -> Path:
    """Cells run next to their document, so relative data paths work as they do in Jupyter."""
    folder = doc.path.parent.resolve()
    return folder if folder.is_dir() else Path.cwd()


def _setup_code(doc: Document, context_json: str) -> str:
    # A kernel from another interpreter may lack veritex: it then imports this very copy.
    package_parent = str(Path(__file__).resolve().parents[2])
    return (
        "def __veritex_setup():\n"
        "    import json, sys\n"
        "    try:\n"
        "        import veritex.runtime as runtime\n"
        "    except ImportError:\n"
        f"        sys.path.append({package_parent!r})\n"
        "        import veritex.runtime as runtime\n"
        f"    runtime.setup(seed={doc.meta.seed!r}, context=json.loads({context_json!r}), path={str(doc.path)!r})\n"
        "try:\n"
        "    __veritex_setup()\n"
        "finally:\n"
        "    del __veritex_setup\n"
    )


class _Outputs:
    """Turns iopub messages into nbformat v4 outputs (as nbformat's `output_from_msg` would, without
    importing nbformat), honouring `clear_output` and `update_display_data`."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self._clear_on_next = False
        self._displays: dict[str, list[int]] = {}

    def add(self, msg_type: str, content: dict[str, Any]) -> None:
        if msg_type == "clear_output":
            if content.get("wait"):
                self._clear_on_next = True
            else:
                self._clear()
            return
        display_id = (content.get("transient") or {}).get("display_id")
        if msg_type == "update_display_data":
            for index in self._displays.get(str(display_id), []):
                self.items[index]["data"] = content.get("data", {})
                self.items[index]["metadata"] = content.get("metadata", {})
            return
        if msg_type not in _OUTPUT_TYPES:
            return
        if self._clear_on_next:
            self._clear()
        output = _output(msg_type, content)
        last = self.items[-1] if self.items else None
        if msg_type == "stream" and last and last["output_type"] == "stream" and last["name"] == output["name"]:
            last["text"] += output["text"]  # one block per run of the same stream, as Jupyter shows it
            return
        if display_id:
            self._displays.setdefault(display_id, []).append(len(self.items))
        self.items.append(output)

    def _clear(self) -> None:
        self.items.clear()
        self._displays.clear()
        self._clear_on_next = False


def _output(msg_type: str, content: dict[str, Any]) -> dict[str, Any]:
    if msg_type == "stream":
        return {"output_type": "stream", "name": content.get("name", "stdout"), "text": content.get("text", "")}
    if msg_type == "error":
        return _error_output(content.get("ename", ""), content.get("evalue", ""), list(content.get("traceback", [])))
    output = {"output_type": msg_type, "data": content.get("data", {}), "metadata": content.get("metadata", {})}
    if msg_type == "execute_result":
        output["execution_count"] = content.get("execution_count")
    return output


# -- the kernel --------------------------------------------------------------------------------------

_LIVE_MANAGERS: set[KernelManager] = set()
_LIVE_PROCESSES: set[KernelProcess] = set()
_LIVE_LOCK = threading.Lock()


@atexit.register
def _kill_leftover_kernels() -> None:
    """Kernels still shutting down when veritex exits are killed, never left running."""
    with _LIVE_LOCK:
        managers = list(_LIVE_MANAGERS)
        own = list(_LIVE_PROCESSES)
    for manager in managers:
        process = getattr(manager.provisioner, "process", None)
        if process is not None and process.poll() is None:
            process.kill()
    for kernel in own:
        kernel.close()


class _Kernel:
    """One kernel process and a blocking client to it, driven from one thread."""

    def __init__(self, name: str, *, cwd: Path, seed: int | None) -> None:
        self.name = name
        self.language = "python"
        self._cwd = cwd
        self._seed = seed
        # The process's own stdout/stderr (crash messages); closed by shutdown_in_background().
        self._log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self._manager: KernelManager | None = None  # any kernel Jupyter knows, through jupyter_client
        self._process: KernelProcess | None = None  # veritex's own Python, started without jupyter_client
        self._client: BlockingKernelClient | None = None
        self._poller: Any = None

    def start(self) -> None:
        if self.name == NATIVE_KERNEL and kernel_process.supported():
            self._start_own()
        else:
            self._start_managed()
        self._connect()

    def _start_own(self) -> None:
        """Launch the kernel first: jupyter_client is imported (by `_connect`) while it boots."""
        argv = [sys.executable, "-c", _NATIVE_LAUNCHER, "-f", "{connection_file}", *_IPYKERNEL_ARGUMENTS]
        process: KernelProcess | None = None
        try:
            process = KernelProcess(argv, env=self._env(), cwd=str(self._cwd), log=self._log, name=self.name)
            process.launch()
        except OSError as exc:  # no free port, no temporary folder, no interpreter
            if process is not None:
                process.close()
            raise KernelStartError(self.name, str(exc)) from exc
        self._process = process
        with _LIVE_LOCK:
            _LIVE_PROCESSES.add(process)

    def _start_managed(self) -> None:
        from jupyter_client.kernelspec import NoSuchKernel
        from jupyter_client.manager import KernelManager

        manager = KernelManager(kernel_name=self.name, kernel_spec_manager=_spec_manager())
        try:
            spec = manager.kernel_spec
        except NoSuchKernel:
            raise KernelStartError(self.name, "no such kernel is installed (`jupyter kernelspec list` shows "
                                              "the installed ones; `python3` is veritex's own Python)") from None
        assert spec is not None
        self.language = (spec.language or "").lower()
        extra = list(_IPYKERNEL_ARGUMENTS) if "ipykernel" in " ".join(spec.argv) else []
        try:
            manager.start_kernel(extra_arguments=extra, env=self._env(), cwd=str(self._cwd),
                                 stdout=self._log, stderr=self._log)
        except Exception as exc:
            raise KernelStartError(self.name, str(exc)) from exc
        self._manager = manager
        with _LIVE_LOCK:
            _LIVE_MANAGERS.add(manager)

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["MPLBACKEND"] = MATPLOTLIB_INLINE  # figures become image/png outputs without plt.show()
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # ipykernel's debugger warns about frozen modules
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")  # TensorFlow's INFO lines are not part of a document
        if self._seed is not None:
            env["PYTHONHASHSEED"] = str(self._seed % 2**32)  # set iteration order is part of the output
        return env

    def _connect(self) -> None:
        import zmq

        if self._process is not None:
            from jupyter_client.blocking.client import BlockingKernelClient

            client = BlockingKernelClient()
            client.load_connection_info(cast(Any, self._process.connection))  # a KernelConnectionInfo
        else:
            assert self._manager is not None
            client = self._manager.client()
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
            self._client.kernel_info()
            if self._client.shell_channel.socket.poll(250) and self._client.iopub_channel.socket.poll(250):
                return
            if not self.alive():
                raise KernelStartError(self.name, "the kernel died while starting" + _log_suffix(self.log_tail()))
        raise KernelStartError(self.name, f"no answer within {STARTUP_SECONDS:g} s")

    def alive(self) -> bool:
        if self._process is not None:
            return self._process.alive()
        assert self._manager is not None
        process = getattr(self._manager.provisioner, "process", None)
        if process is not None:
            return bool(process.poll() is None)  # a plain waitpid: cheap enough to call every poll
        return bool(self._manager.is_alive())

    def run(self, code: str, *, timeout: float | None, silent: bool = False,
            user_expressions: dict[str, str] | None = None) -> _Reply:
        """Execute `code` and collect its outputs until the kernel is idle, the deadline passes or the
        kernel dies."""
        assert self._client is not None
        started = time.monotonic()
        msg_id = self._client.execute(code, silent=silent, store_history=not silent,
                                      user_expressions=user_expressions or {}, allow_stdin=False,
                                      stop_on_error=False)
        outputs = _Outputs()
        reply = _Reply("ok")
        deadline = started + timeout if timeout is not None else None
        interrupted_at: float | None = None
        while not (reply.idle and reply.content):
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

    def _receive(self, msg_id: str, outputs: _Outputs, reply: _Reply, *, wait: float) -> bool:
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

    def interrupt(self) -> None:
        if self._process is not None:
            self._process.interrupt()
            return
        assert self._manager is not None
        with contextlib.suppress(Exception):  # a deaf kernel is restarted after the grace period
            self._manager.interrupt_kernel()

    def restart(self) -> None:
        assert self._client is not None
        self._client.stop_channels()
        try:
            if self._process is not None:
                self._process.restart()
            else:
                assert self._manager is not None
                self._manager.restart_kernel(now=True)
        except Exception as exc:
            raise KernelStartError(self.name, f"restart failed: {exc}") from exc
        self._connect()

    def exit_description(self) -> str:
        if self._process is not None:
            code = self._process.exit_code()
        else:
            process = getattr(self._manager.provisioner, "process", None) if self._manager else None
            code = process.poll() if process is not None else None
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

    def shutdown_in_background(self) -> None:
        """Stop the kernel without making the caller wait for the process to go."""
        manager, own, client, log = self._manager, self._process, self._client, self._log
        self._manager = self._process = self._client = None

        def stop() -> None:
            try:
                if client is not None:
                    client.stop_channels()
                if own is not None:
                    own.close()
                if manager is not None:
                    manager.shutdown_kernel(now=True)
            except Exception:  # noqa: BLE001 - at worst atexit kills the process
                pass
            finally:
                log.close()
                with _LIVE_LOCK:
                    _LIVE_MANAGERS.discard(manager)  # type: ignore[arg-type]
                    _LIVE_PROCESSES.discard(own)  # type: ignore[arg-type]

        threading.Thread(target=stop, name="veritex-kernel-shutdown", daemon=True).start()


def _log_suffix(tail: str) -> str:
    return f":\n{tail}" if tail else ""


_SPEC_MANAGER: Any = None
_IPYKERNEL_ARGUMENTS = ("--HistoryManager.hist_file=:memory:",)  # no history database for a build

# The native kernel starts as ipykernel's own launcher does, except that ipykernel finds no debugpy
# while it loads: its debugger is a sixth of the kernel's start, and a build never attaches one. The
# cells can still import debugpy.
_NATIVE_LAUNCHER = (
    "import importlib.util, sys\n"
    "if sys.path and sys.path[0] == '':\n"
    "    del sys.path[0]\n"  # the folder goes back on the path once IPython starts, as with ipykernel_launcher
    "launcher = importlib.util.find_spec('ipykernel_launcher')\n"
    "sys.argv[0] = launcher.origin if launcher and launcher.origin else sys.argv[0]\n"  # what cells see
    "sys.modules['debugpy'] = None\n"
    "try:\n"
    "    import ipykernel.debugger\n"
    "except Exception:\n"
    "    pass\n"
    "finally:\n"
    "    del sys.modules['debugpy']\n"
    "from ipykernel import kernelapp\n"
    "kernelapp.launch_new_instance()\n"
)


def _spec_manager() -> Any:
    """Kernel specs as Jupyter finds them, except that `python3` is always the interpreter running
    veritex (a user-wide `python3` spec may point at another Python without veritex)."""
    global _SPEC_MANAGER
    if _SPEC_MANAGER is None:
        from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

        class OwnPythonSpecs(KernelSpecManager):  # type: ignore[misc]
            def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
                if kernel_name == NATIVE_KERNEL:
                    return KernelSpec(
                        argv=[sys.executable, "-c", _NATIVE_LAUNCHER, "-f", "{connection_file}"],
                        display_name=f"Python {sys.version_info.major}.{sys.version_info.minor}",
                        language="python", interrupt_mode="signal", metadata={"debugger": False},
                    )
                return super().get_kernel_spec(kernel_name)

        _SPEC_MANAGER = OwnPythonSpecs()
    return _SPEC_MANAGER
