"""The executor seam: requests and results that pickle, a full build driven by an executor that is not
Jupyter, the local executor's parallel runs and its stop, the data files a run reads, `--timeout`,
Ctrl-C and the progress lines."""

from __future__ import annotations

import io
import os
import pickle
import platform
import signal
import subprocess
import sys
import threading
import time
import traceback
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import MakeDoc, build_doc

from veritex.builder import build
from veritex.cli import main
from veritex.execution import (
    CellResult,
    EvalResult,
    ExecutionInterrupted,
    ExecutionRequest,
    ExecutionResult,
    Executor,
    KernelStartError,
)
from veritex.execution.errors import error_output
from veritex.execution.local import LocalExecutor
from veritex.model import CodeCell, Position
from veritex.progress import PlainProgress, TerminalProgress
from veritex.stages import execute as execute_stage
from veritex.stages.execute import execute, execution_request

# -- plain data --------------------------------------------------------------------------------------


def test_requests_results_and_failures_pickle() -> None:
    doc = build_doc(["x = 1", CodeCell("echo hi", Position("doc.md", 30), language="bash", execute=False)],
                    evals=["x + 1"], seed=4, timeout=9)
    request = execution_request(doc, strict=True, context={"formulas": [{"tex": "a", "label": "eq:a"}]})
    assert [c.run for c in request.cells] == [True, False] and request.evals == ["x + 1"]
    assert (request.seed, request.timeout, request.strict, request.kernel) == (4, 9, True, "python3")
    assert pickle.loads(pickle.dumps(request)) == request
    result = ExecutionResult(
        cells=[CellResult("error", [error_output("ValueError", "no", ["Cell In[1], line 2"])], 1, 0.5, 2),
               CellResult("not-run")],
        evals=[EvalResult({"text/plain": "2"})], kernel="python3", environment={"python": "3"},
        files_read=["data.csv"], seconds=1.0)
    assert pickle.loads(pickle.dumps(result)) == result
    assert result.errors() == [(0, 2, "ValueError: no")]
    failure = pickle.loads(pickle.dumps(KernelStartError("julia", "not installed")))
    assert (type(failure), failure.kernel, failure.reason) == (KernelStartError, "julia", "not installed")


def test_a_request_is_json_checked_and_the_command_line_timeout_wins() -> None:
    doc = build_doc(["x = 1"], timeout=30)
    assert execution_request(doc, timeout=2).timeout == 2 and execution_request(doc).timeout == 30
    with pytest.raises(TypeError):
        execution_request(doc, context={"bad": object()})


# -- a full build through another executor -----------------------------------------------------------


class InProcessExecutor(Executor):
    """Runs each request's cells with `exec` in a namespace of its own, on a thread of its own: what
    another executor (a pool, a remote machine) would return, computed without Jupyter."""

    def __init__(self) -> None:
        self.requests: list[ExecutionRequest] = []
        self.closed = False

    def submit(self, request: ExecutionRequest) -> Future[ExecutionResult]:
        self.requests.append(request)
        future: Future[ExecutionResult] = Future()

        def work() -> None:
            try:
                future.set_result(self._run(request))
            except BaseException as exc:  # noqa: BLE001 - handed over through the future
                future.set_exception(exc)

        threading.Thread(target=work).start()
        return future

    def close(self, *, cancel: bool = False) -> None:
        self.closed = True

    def _run(self, request: ExecutionRequest) -> ExecutionResult:
        namespace: dict[str, Any] = {}
        cells = []
        count = 0
        for cell in request.cells:
            if not cell.run:
                cells.append(CellResult("not-run"))
                continue
            count += 1
            out = io.StringIO()
            namespace["print"] = lambda *args, out=out: out.write(" ".join(map(str, args)) + "\n")
            result = CellResult("ok", execution_count=count)
            try:
                exec(compile(cell.source, f"<cell {count}>", "exec"), namespace)
            except Exception as exc:  # noqa: BLE001 - the cell's own error, recorded as Jupyter would
                result.status, result.error_line = "error", traceback.extract_tb(exc.__traceback__)[-1].lineno
                result.outputs.append(error_output(type(exc).__name__, str(exc), []))
            if out.getvalue():
                result.outputs.insert(0, {"output_type": "stream", "name": "stdout", "text": out.getvalue()})
            cells.append(result)
        evals = [EvalResult({"text/plain": repr(eval(expr, namespace))}) for expr in request.evals]
        return ExecutionResult(cells, evals, kernel="in-process", environment={"python": platform.python_version()})


FAKE_DOC = """# Through another executor

```python
total = sum(range(7))
print("total is", total)
```

```python
value = 3
raise ValueError("bad value")
```

```bash
echo "not run"
```

The total doubled is {eval}`total * 2`.
"""


def test_a_full_build_runs_through_any_executor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "doc.md"
    source.write_text(FAKE_DOC, encoding="utf-8")
    applied_on: list[bool] = []
    apply = execute_stage.apply_result

    def spying_apply(doc: Any, result: ExecutionResult) -> None:
        applied_on.append(threading.current_thread() is threading.main_thread())
        apply(doc, result)

    monkeypatch.setattr(execute_stage, "apply_result", spying_apply)
    executor = InProcessExecutor()
    (doc,) = build([source], tmp_path / "site", executor=executor).documents
    (request,) = executor.requests
    assert [c.source.split()[0] for c in request.cells if c.run] == ["total", "value"]
    assert request.evals == ["total * 2"]
    assert Path(request.cwd) == tmp_path and request.document == str(source)
    assert applied_on == [True] and not executor.closed  # the caller's executor stays open
    assert doc.cells_run == 2
    page = (tmp_path / "site" / "doc.html").read_text(encoding="utf-8")
    assert "total is 21" in page and "42" in page and "not run" in page
    (error,) = [i for i in doc.items if i.status == "error"]
    assert error.message == "ValueError: bad value" and error.position is not None and error.position.line == 10
    # The run went to the execution cache like any other: another page from it sends no request.
    (again,) = build([source], tmp_path / "other", executor=executor,
                     cache_dir=tmp_path / "site" / ".veritex-cache").documents
    assert again.cache_hit and len(executor.requests) == 1


def test_each_document_keeps_its_own_context_between_its_two_halves(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import contextvars

    from veritex import builder

    current: contextvars.ContextVar[str] = contextvars.ContextVar("current", default="none")
    seen: list[tuple[str, str]] = []
    start, finish = builder.start_compile, builder.finish_compile

    def starting(doc: Any, *args: Any) -> Any:
        current.set(doc.path.name)
        return start(doc, *args)

    def finishing(compiling: Any, options: Any) -> None:
        seen.append((compiling.doc.path.name, current.get()))
        finish(compiling, options)

    monkeypatch.setattr(builder, "start_compile", starting)
    monkeypatch.setattr(builder, "finish_compile", finishing)
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.md").write_text(FAKE_DOC, encoding="utf-8")
    build([tmp_path / n for n in ("a.md", "b.md", "c.md")], tmp_path / "site", executor=InProcessExecutor(),
          jobs=2)
    assert seen == [("a.md", "a.md"), ("b.md", "b.md"), ("c.md", "c.md")] and current.get() == "none"


def test_a_failing_executor_is_a_document_error(tmp_path: Path) -> None:
    class NoKernel(InProcessExecutor):
        def _run(self, request: ExecutionRequest) -> ExecutionResult:
            raise KernelStartError(request.kernel, "nothing runs here")

    source = tmp_path / "doc.md"
    source.write_text(FAKE_DOC, encoding="utf-8")
    (doc,) = build([source], tmp_path / "site", executor=NoKernel()).documents
    assert any(i.kind == "document" and "nothing runs here" in i.message for i in doc.items)


# -- the local executor ------------------------------------------------------------------------------


def _request(folder: Path, *sources: str, **fields: Any) -> ExecutionRequest:
    return execution_request(build_doc(list(sources), path=folder / "doc.md", **fields))


def _rendezvous(mine: str, other: str) -> str:
    """A cell that leaves `mine` and waits (up to 20 s) for `other`: it prints True only if both runs overlap."""
    return (f"import os, time\nopen({mine!r}, 'w').close()\ndeadline = time.time() + 20\n"
            f"while not os.path.exists({other!r}) and time.time() < deadline:\n    time.sleep(0.05)\n"
            f"print(os.path.exists({other!r}), os.getpid())")


@pytest.mark.kernel
def test_local_runs_overlap_and_each_gets_a_fresh_kernel(tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    with LocalExecutor(2, on_cell=lambda doc, n, total: seen.append((doc, n, total))) as executor:
        futures = [executor.submit(_request(tmp_path, "leak = 1", _rendezvous("a.flag", "b.flag"))),
                   executor.submit(_request(tmp_path, "print('leak' in dir())", _rendezvous("b.flag", "a.flag")))]
        first, second = (f.result(timeout=60) for f in futures)
    (a_met, a_pid), (b_met, b_pid) = (r.cells[1].outputs[-1]["text"].split() for r in (first, second))
    assert a_met == b_met == "True"  # two kernels at once
    assert a_pid != b_pid and second.cells[0].outputs[0]["text"] == "False\n"
    assert sorted(seen) == [(str(tmp_path / "doc.md"), n, 2) for n in (1, 1, 2, 2)]


@pytest.mark.kernel
def test_a_queued_request_gets_a_kernel_started_while_the_running_one_computes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from veritex.execution import kernel as kernel_module

    starts: list[str] = []
    start = kernel_module.Kernel.start

    def spying_start(self: kernel_module.Kernel) -> None:
        starts.append(threading.current_thread().name)
        start(self)

    monkeypatch.setattr(kernel_module.Kernel, "start", spying_start)
    with LocalExecutor(1) as executor:
        first = executor.submit(_request(tmp_path, "import time\nsecret = 1\ntime.sleep(1.5)", seed=1))
        second = executor.submit(_request(tmp_path, "print('secret' in dir())", seed=1))
        third = executor.submit(_request(tmp_path, "print('third')", seed=2))
        results = [f.result(timeout=60) for f in (first, second, third)]
    assert [r.cells[0].status for r in results] == ["ok", "ok", "ok"]
    assert results[1].cells[0].outputs[0]["text"] == "False\n" and results[2].cells[0].outputs[0]["text"] == "third\n"
    assert len(starts) == 3 and starts.count("veritex-warm-kernel") == 2  # the second and third booted early


@pytest.mark.kernel
def test_closing_with_cancel_stops_the_running_kernel(tmp_path: Path) -> None:
    executor = LocalExecutor(1)
    future = executor.submit(_request(tmp_path, "import time\ntime.sleep(60)"))
    queued = executor.submit(_request(tmp_path, "print(1)"))
    deadline = time.monotonic() + 30
    while not future.running() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.5)  # the kernel is up and sleeping
    began = time.monotonic()
    executor.close(cancel=True)
    assert time.monotonic() - began < 5
    with pytest.raises(ExecutionInterrupted):
        future.result()
    assert queued.cancelled()


# -- data files --------------------------------------------------------------------------------------


@pytest.mark.kernel
def test_the_files_a_run_reads_in_its_folder_are_reported(make_doc: MakeDoc, tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text("a,b\n1,2\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "more.txt").write_text("more")
    (tmp_path / "helper_module.py").write_text("VALUE = 5\n")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("outside")
    doc = make_doc([
        "print(open('data.csv').read().splitlines()[0])",
        "import helper_module\nprint(helper_module.VALUE)",
        f"print(open({str(outside)!r}).read())",
        "from pathlib import Path\nprint(Path('sub/more.txt').read_text())\nprint(sorted(p.name for p in Path('.').iterdir())[:1])",
        "open('written.txt', 'w').write('x')\nprint(open('written.txt').read())",
        "import os\nos.listdir('sub')",
    ])
    summary = execute(doc)
    assert summary.errors == 0
    assert doc.data_files == ["data.csv", "sub/more.txt"]
    outside.unlink()


# -- the command line: --timeout, Ctrl-C, progress ---------------------------------------------------


@pytest.mark.kernel
def test_the_command_line_timeout_overrides_the_front_matter(tmp_path: Path) -> None:
    source = tmp_path / "slow.md"
    source.write_text("---\ntimeout: 600\n---\n\n# Slow\n\n```python\nimport time\ntime.sleep(30)\n```\n")
    began = time.monotonic()
    result = CliRunner().invoke(main, ["build", str(source), "-o", str(tmp_path / "site"), "--timeout", "1"])
    assert time.monotonic() - began < 20
    assert result.exit_code == 1, result.output
    assert "cell timed out after 1 s" in result.output and "--timeout S" in result.output


def _kernels_with(marker: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if marker in argv and "ipykernel" in argv:
                found.append(argv)
    return found


@pytest.mark.kernel
@pytest.mark.skipif(not Path("/proc").is_dir() or os.name != "posix", reason="needs POSIX signals and /proc")
def test_ctrl_c_stops_the_build_its_kernels_and_leaves_no_partial_file(tmp_path: Path) -> None:
    (tmp_path / "first.md").write_text("# First\n\n```python\nprint('quick')\n```\n")
    (tmp_path / "second.md").write_text("# Second\n\n```python\nimport time\nprint('sleeping', flush=True)\n"
                                        "time.sleep(60)\n```\n")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "TMPDIR": str(temporary), "CI": "true"}
    build_run = subprocess.Popen(
        [sys.executable, "-c", "from veritex.cli import main; main()", "build", "first.md", "second.md", "-o", "site"], cwd=tmp_path,
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert build_run.stderr is not None
    lines = []
    for line in build_run.stderr:
        lines.append(line)
        if "second.md: cell 1/1" in line:
            break
    time.sleep(1.0)  # into time.sleep(60)
    assert _kernels_with(str(temporary)), lines
    began = time.monotonic()
    build_run.send_signal(signal.SIGINT)
    _, err = build_run.communicate(timeout=30)
    assert time.monotonic() - began < 5
    assert build_run.returncode == 130 and "interrupted" in err
    assert not _kernels_with(str(temporary))
    everything = [p.name for p in tmp_path.rglob("*")]
    assert not [n for n in everything if n.endswith(".tmp")]
    assert "second.html" not in everything and list(temporary.iterdir()) == []


def test_plain_progress_lines() -> None:
    stream = io.StringIO()
    progress = PlainProgress(stream)
    progress.stage("reading", Path("a.md"))
    progress.stage("executing", Path("a.md"))
    progress.cell("a.md", 1, 2)
    progress.cell("a.md", 2, 2)
    progress.stage("done", Path("a.md"))
    progress.stage("done", Path("b.md"))
    lines = stream.getvalue().splitlines()
    assert lines[0] == "veritex: a.md: running code"
    assert lines[1].startswith("veritex: a.md: cell 1/2 (") and lines[2].startswith("veritex: a.md: cell 2/2 (")
    assert lines[3].startswith("veritex: a.md: done in ") and len(lines) == 4


def test_terminal_progress_shows_document_cell_and_time() -> None:
    from rich.console import Console

    progress = TerminalProgress()
    progress.cell("a.md", 3, 12)
    console = Console(file=io.StringIO(), force_terminal=False, width=100)
    console.print(progress)
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert "a.md  cell 3/12" in shown and " s\n" in shown
