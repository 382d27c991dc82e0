"""One request, run in one kernel on the calling thread: setup, the cells in order, the inline evals and
the environment, the data files the cells read.

A cell that fails does not stop the run (unless `strict`): a timeout interrupts the kernel (and restarts
it if the interrupt is ignored), a dead kernel is restarted; either way the cell gets an error output
named after `CellTimeoutError` / `DeadKernelError` and the next cell runs.
"""

from __future__ import annotations

import ast
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import KernelStartError, dead_output, timeout_output
from .kernel import STARTUP_SECONDS, Kernel, Reply
from .outputs import error_line
from .protocol import CellRequest, CellResult, EvalResult, ExecutionRequest, ExecutionResult

CellProgress = Callable[[str, int, int], None]
"""Called as (document, n, N) when cell n of the N cells to run starts, from the thread that runs it."""

_ENVIRONMENT_KEY = "__veritex_environment__"
_PACKAGE_PARENT = Path(__file__).resolve().parents[2]  # the folder that holds this copy of veritex
_PACKAGE = _PACKAGE_PARENT / "veritex"
_NOT_DATA_SUFFIXES = {".py", ".pyc", ".pyo", ".pyd", ".so"}
_NOT_DATA_FOLDERS = {"__pycache__", "site-packages", "dist-packages", ".git", ".ipynb_checkpoints"}


def run_request(request: ExecutionRequest, *, stop: threading.Event | None = None,
                on_cell: CellProgress | None = None, kernel: Kernel | None = None) -> ExecutionResult:
    """Run `request` in a fresh kernel (`kernel`: one started by `new_kernel` for it and never used);
    raises KernelStartError, or ExecutionInterrupted once `stop` is set. The kernel is stopped at the end."""
    return _Run(request, stop, on_cell).run(kernel)


def new_kernel(request: ExecutionRequest, stop: threading.Event | None = None) -> Kernel:
    """The kernel `request` runs in, not started yet."""
    return Kernel(request.kernel, cwd=_working_dir(request.cwd), seed=request.seed, env=request.env, stop=stop)


def kernel_key(request: ExecutionRequest) -> tuple[object, ...]:
    """Requests with equal keys can use each other's fresh kernels: same program, folder and environment."""
    return request.kernel, str(_working_dir(request.cwd)), request.seed, tuple(sorted(request.env.items()))


class _Run:
    def __init__(self, request: ExecutionRequest, stop: threading.Event | None, on_cell: CellProgress | None) -> None:
        self.request = request
        self.stop = stop
        self.on_cell = on_cell
        self.result = ExecutionResult(cells=[CellResult("not-run") for _ in request.cells],
                                      evals=[EvalResult() for _ in request.evals], kernel=request.kernel)
        self._context_json = json.dumps(request.context)
        self._log = ""  # where the kernel writes the files it opens

    def run(self, started_kernel: Kernel | None) -> ExecutionResult:
        started = time.monotonic()
        if not self.request.runnable:
            if started_kernel is not None:
                started_kernel.shutdown_in_background()
            return self.result
        kernel = started_kernel or new_kernel(self.request, self.stop)
        fd, self._log = tempfile.mkstemp(prefix="veritex-files-", suffix=".log")
        os.close(fd)
        stopped = True
        try:
            if started_kernel is None:
                kernel.start()
            self._setup(kernel)
            self._run_cells(kernel)
            self._evaluate_inline(kernel)
            stopped = False
        finally:
            if stopped:  # interrupted, or the kernel could not start: nothing may outlive this call
                kernel.stop_now()
            else:
                kernel.shutdown_in_background()
            self.result.files_read = _files_read(self._log, self.request)
            Path(self._log).unlink(missing_ok=True)
            self.result.seconds = time.monotonic() - started
        return self.result

    def _setup(self, kernel: Kernel) -> None:
        """Seed, hand the context to `veritex.runtime` and watch the files opened, silently."""
        if kernel.language != "python":
            return
        reply = kernel.run(_setup_code(self.request, self._context_json, self._log), timeout=STARTUP_SECONDS,
                           silent=True)
        if reply.status in ("dead", "timeout"):
            raise KernelStartError(kernel.name, f"the kernel did not survive veritex's setup ({reply.status})")
        if reply.status == "error":
            self.result.setup_error = f"{reply.content.get('ename')}: {reply.content.get('evalue')}"

    def _run_cells(self, kernel: Kernel) -> None:
        to_run = [i for i, cell in enumerate(self.request.cells) if cell.run]
        stopped = False
        for n, index in enumerate(to_run, start=1):
            cell = self.request.cells[index]
            if stopped:
                self.result.cells[index] = CellResult("skipped")
                continue
            if self.on_cell is not None:
                self.on_cell(self.request.document, n, len(to_run))
            reply = kernel.run(cell.source, timeout=self.request.timeout)
            result = self._record(cell, reply, kernel)
            self.result.cells[index] = result
            if reply.needs_restart:
                kernel.restart()
                self._setup(kernel)
                result.restarted = True
                self.result.restarts += 1
            stopped = self.request.strict and result.failed and not (result.status == "error" and cell.raises_ok)

    def _record(self, cell: CellRequest, reply: Reply, kernel: Kernel) -> CellResult:
        result = CellResult(reply.status, reply.outputs, reply.execution_count, reply.seconds)  # type: ignore[arg-type]
        if reply.status == "error":
            error = next((o for o in reversed(reply.outputs) if o["output_type"] == "error"), reply.content)
            result.error_line = error_line(error.get("traceback", []), reply.execution_count)
        elif reply.status == "timeout":
            interrupted = [o for o in reply.outputs if o["output_type"] == "error"]
            result.error_line = next(
                (error_line(o.get("traceback", []), reply.execution_count) for o in interrupted), None)
            result.outputs = [o for o in reply.outputs if o["output_type"] != "error"]  # the KeyboardInterrupt is ours
            result.outputs.append(timeout_output(self.request.timeout or 0.0, result.error_line, reply.needs_restart))
        elif reply.status == "dead":
            result.outputs = [*reply.outputs, dead_output(kernel.exit_description(), kernel.log_tail())]
        return result

    def _evaluate_inline(self, kernel: Kernel) -> None:
        """All `{eval}` expressions and the environment in one request, after every cell ran."""
        expressions = {f"e{i}": expr for i, expr in enumerate(self.request.evals)}
        if kernel.language == "python":
            expressions[_ENVIRONMENT_KEY] = "__import__('veritex.runtime', fromlist=['_']).environment_json()"
        reply = kernel.run("", timeout=self.request.timeout, silent=True, user_expressions=expressions)
        results: dict[str, Any] = reply.content.get("user_expressions", {}) if reply.status == "ok" else {}
        for i, node in enumerate(self.result.evals):
            found = results.get(f"e{i}")
            if found is None:
                node.error = f"the kernel did not evaluate it ({reply.status})"
            elif found.get("status") == "ok":
                node.value = dict(found.get("data", {}))
            else:
                node.error = f"{found.get('ename', 'Error')}: {found.get('evalue', '')}"
        self.result.environment = {**_environment(results.get(_ENVIRONMENT_KEY)), "kernel": kernel.name}


def _environment(result: dict[str, Any] | None) -> dict[str, Any]:
    if not result or result.get("status") != "ok":
        return {}
    try:
        found = json.loads(ast.literal_eval(result["data"]["text/plain"]))
    except (KeyError, ValueError, SyntaxError, TypeError):
        return {}
    return found if isinstance(found, dict) else {}


def _working_dir(cwd: str) -> Path:
    """Cells run next to their document, so relative data paths work as they do in Jupyter."""
    folder = Path(cwd).resolve()
    return folder if folder.is_dir() else Path.cwd()


def _setup_code(request: ExecutionRequest, context_json: str, log: str) -> str:
    # A kernel from another interpreter may lack veritex: it then imports this very copy.
    return (
        "def __veritex_setup():\n"
        "    import json, os, sys\n"
        "    try:\n"
        "        import veritex.runtime as runtime\n"
        "    except ImportError:\n"
        f"        sys.path.append({str(_PACKAGE_PARENT)!r})\n"
        "        import veritex.runtime as runtime\n"
        f"    runtime.setup(seed={request.seed!r}, context=json.loads({context_json!r}), "
        f"path={request.document!r})\n"
        "    from veritex.runtime import data_files\n"
        # Figures as SVG too (for HTML and PDF) beside the PNG (for notebooks and GitHub): set before
        # matplotlib's inline backend first reads its settings, so that no figure is drawn twice later.
        "    get_ipython().config.InlineBackend.figure_formats = {'png', 'svg'}\n"
        f"    data_files.watch(os.getcwd(), {log!r})\n"
        "try:\n"
        "    __veritex_setup()\n"
        "finally:\n"
        "    del __veritex_setup\n"
    )


def _files_read(log: str, request: ExecutionRequest) -> list[str]:
    """The data files in the kernel's log: files under the working folder that the cells read and did not
    write, neither a module nor in a cache or output folder; relative to the folder, sorted."""
    try:
        lines = Path(log).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    read: set[str] = set()
    written: set[str] = set()
    for line in lines:
        kind, _, path = line.partition("\t")
        (read if kind == "r" else written).add(path)
    folder = _working_dir(request.cwd)
    ignored = [Path(p).resolve() for p in request.ignore] + [_PACKAGE]
    found = set()
    for path in read - written:
        resolved = Path(path).resolve()
        if resolved.suffix in _NOT_DATA_SUFFIXES or not resolved.is_relative_to(folder) or not resolved.is_file():
            continue
        relative = resolved.relative_to(folder)
        if _NOT_DATA_FOLDERS & set(relative.parts) or any(resolved.is_relative_to(i) for i in ignored):
            continue
        found.add(relative.as_posix())
    return sorted(found)
