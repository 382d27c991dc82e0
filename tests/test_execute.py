"""The execute stage against real kernels: outputs, errors and their lines, timeouts, dead kernels,
seeds, inline evals and verdicts. Kernels are shared per document to keep the file fast."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import MakeDoc, build_doc

from veritex.execution import kernel as kernel_module
from veritex.execution.errors import KernelStartError
from veritex.execution.outputs import Outputs, error_line
from veritex.model import VERDICT_MIME, CodeCell, Document, Position
from veritex.stages.execute import Execution, ExecutionSummary, execute


def facts(cell: CodeCell) -> dict[str, Any]:
    return cell.metadata["veritex"]


def code(doc: Document) -> list[CodeCell]:
    return list(doc.code_cells())


def texts(cell: CodeCell, stream: str = "stdout") -> str:
    return "".join(o["text"] for o in cell.outputs if o["output_type"] == "stream" and o["name"] == stream)


def verdicts(cell: CodeCell) -> list[dict[str, Any]]:
    return [o["data"][VERDICT_MIME] for o in cell.outputs if VERDICT_MIME in o.get("data", {})]


# -- one document, one kernel, most behaviours -------------------------------------------------------

MAIN_CELLS: list[str | CodeCell] = [
    "values = [1, 2, 3]\nprint(undefined_name)",
    "print(sum(values))\nimport sys\nprint('careful', file=sys.stderr)\nprint('more')",
    "from IPython.display import HTML, Latex, display\ndisplay(HTML('<b>bold</b>'))\ndisplay(Latex('$x^2$'))\n42",
    "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.title('no show needed');",
    "import veritex as vt\n\nx = 2.0\nvt.expect(x * 2, approx=4.0, tol=1e-9)\nvt.expect(x, '>', 3, label='big');",
    "def helper(v):\n    return vt.expect(v, '<', 1)",
    "y = 0.5\nhelper(y);",
    CodeCell("raise ValueError('expected')", Position("doc.md", 90), tags=["raises-exception"]),
    "print('last')",
]


@pytest.fixture(scope="module")
def main_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Document, ExecutionSummary, float]:
    folder = tmp_path_factory.mktemp("main")
    doc = build_doc(MAIN_CELLS, path=folder / "doc.md", evals=["sum(values)", "undefined_thing", "x * 10"])
    execution = Execution(doc, context={"formulas": []})
    began = time.perf_counter()
    execution.start()
    start_seconds = time.perf_counter() - began
    return doc, execution.wait(), start_seconds


@pytest.mark.kernel
def test_start_returns_at_once(main_run: tuple[Document, ExecutionSummary, float]) -> None:
    assert main_run[2] < 1.0  # the kernel starts in the background (a start alone takes about 1 s)


@pytest.mark.kernel
def test_summary(main_run: tuple[Document, ExecutionSummary, float]) -> None:
    doc, summary, _ = main_run
    assert (summary.cells_run, summary.errors, summary.timeouts, summary.restarts) == (9, 1, 0, 0)
    again = ExecutionSummary.of(doc)
    assert (again.cells_run, again.errors, again.timeouts, again.restarts) == (9, 1, 0, 0)
    assert all(facts(c)["status"] in ("ok", "error") and facts(c)["seconds"] >= 0 for c in code(doc))
    json.dumps([c.outputs for c in code(doc)])  # plain JSON, ready for the cache


@pytest.mark.kernel
def test_error_line_is_the_failing_statement_and_the_next_cell_runs(
    main_run: tuple[Document, ExecutionSummary, float],
) -> None:
    first, second = code(main_run[0])[:2]
    assert facts(first) == {"status": "error", "seconds": facts(first)["seconds"], "error_line": 2}
    (error,) = first.outputs
    assert error["output_type"] == "error" and error["ename"] == "NameError"
    assert "undefined_name" in error["evalue"] and error["traceback"]
    assert first.execution_count == 1 and second.execution_count == 2
    assert facts(second)["status"] == "ok"


@pytest.mark.kernel
def test_streams_are_captured_and_merged(main_run: tuple[Document, ExecutionSummary, float]) -> None:
    cell = code(main_run[0])[1]
    assert texts(cell) == "6\nmore\n" and texts(cell, "stderr") == "careful\n"
    assert [o["output_type"] for o in cell.outputs] == ["stream", "stream"]


@pytest.mark.kernel
def test_rich_display_data(main_run: tuple[Document, ExecutionSummary, float]) -> None:
    cell = code(main_run[0])[2]
    kinds = [(o["output_type"], sorted(o["data"])) for o in cell.outputs]
    assert kinds == [("display_data", ["text/html", "text/plain"]), ("display_data", ["text/latex", "text/plain"]),
                     ("execute_result", ["text/plain"])]
    assert cell.outputs[0]["data"]["text/html"] == "<b>bold</b>"
    assert cell.outputs[2]["data"]["text/plain"] == "42" and cell.outputs[2]["execution_count"] == 3


@pytest.mark.kernel
def test_matplotlib_figures_become_png(main_run: tuple[Document, ExecutionSummary, float]) -> None:
    cell = code(main_run[0])[3]
    images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1 and images[0]["output_type"] == "display_data"
    import base64

    assert base64.b64decode(images[0]["data"]["image/png"]).startswith(b"\x89PNG")


@pytest.mark.kernel
def test_expect_verdicts_carry_their_line(main_run: tuple[Document, ExecutionSummary, float]) -> None:
    cells = code(main_run[0])
    first, second = verdicts(cells[4])
    assert (first["status"], first["line"], first["kind"]) == ("verified", 4, "expect")
    assert first["message"] == "x * 2 \u2248 4.0 (tol 1e-09): got 4.0"
    assert (second["status"], second["line"], second["label"], second["actual"]) == ("refuted", 5, "big", 2.0)
    badge = next(o for o in cells[4].outputs if VERDICT_MIME in o["data"])["data"]
    assert "verified" in badge["text/html"] and badge["text/plain"].startswith("\u2713 verified")
    # A helper defined in an earlier cell: the line is its call site in the cell being run.
    (from_helper,) = verdicts(cells[6])
    assert (from_helper["status"], from_helper["line"]) == ("verified", 2)
    assert from_helper["detail"]["expression"] == "v"


@pytest.mark.kernel
def test_raises_exception_cells_are_not_errors(main_run: tuple[Document, ExecutionSummary, float]) -> None:
    cells = code(main_run[0])
    assert facts(cells[7])["status"] == "error" and cells[7].outputs[0]["ename"] == "ValueError"
    assert texts(cells[8]) == "last\n"


@pytest.mark.kernel
def test_inline_evals(main_run: tuple[Document, ExecutionSummary, float]) -> None:
    total, missing, scaled = main_run[0].all_evals()
    assert total.value == {"text/plain": "6"} and total.error is None
    assert missing.value is None and missing.error is not None and missing.error.startswith("NameError")
    assert scaled.value == {"text/plain": "20.0"}


@pytest.mark.kernel
def test_environment(main_run: tuple[Document, ExecutionSummary, float]) -> None:
    env = main_run[0].environment
    assert env["python"] == ".".join(map(str, sys.version_info[:3]))
    assert env["executable"] == sys.executable and env["kernel"] == "python3"
    assert env["packages"]["numpy"] == np.__version__  # matplotlib imported it
    assert "torch" not in env["packages"] and "cuda" not in env


# -- failures that stop or replace the kernel --------------------------------------------------------


@pytest.mark.kernel
def test_strict_stops_at_the_first_error(make_doc: MakeDoc) -> None:
    excused = CodeCell("1 / 0", Position("doc.md", 5), tags=["raises-exception"])
    doc = make_doc([excused, "a = 1", "print(undefined)", "print('never')"])
    summary = execute(doc, strict=True)
    statuses = [facts(c)["status"] for c in code(doc)]
    assert statuses == ["error", "ok", "error", "skipped"]
    assert code(doc)[3].outputs == [] and summary.cells_run == 3 and summary.errors == 1


@pytest.mark.kernel
def test_timeouts_and_dead_kernels(make_doc: MakeDoc, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kernel_module, "INTERRUPT_GRACE_SECONDS", 1.0)
    doc = make_doc([
        "print('looping')\nwhile True:\n    pass",
        "print('after timeout')",
        "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
        "print('fresh kernel', 'signal' in dir())",
        "import os\nos._exit(1)",
        "print('after exit')",
        "import ctypes\nctypes.string_at(0)",
        "print('after crash')",
    ], timeout=1)
    started = time.perf_counter()
    summary = execute(doc)
    seconds = time.perf_counter() - started
    cells = code(doc)
    # A cell that ignores nothing is interrupted; its output so far is kept.
    assert facts(cells[0])["status"] == "timeout" and "restarted" not in facts(cells[0])
    assert facts(cells[0])["error_line"] in (2, 3)
    assert texts(cells[0]) == "looping\n"
    timeout_error = cells[0].outputs[-1]
    assert (timeout_error["ename"], timeout_error["evalue"]) == ("CellTimeoutError", "cell timed out after 1 s")
    assert "timeout" in timeout_error["traceback"][1]  # the hint: what to do
    assert [o["ename"] for o in cells[0].outputs if o["output_type"] == "error"] == ["CellTimeoutError"]
    assert texts(cells[1]) == "after timeout\n"
    # A cell deaf to the interrupt costs a restart.
    assert facts(cells[2])["status"] == "timeout" and facts(cells[2])["restarted"] is True
    assert texts(cells[3]) == "fresh kernel False\n"
    # A kernel that exits or crashes is restarted and the next cell runs.
    for dead, after, how in ((cells[4], cells[5], "exited with code 1"), (cells[6], cells[7], "SIGSEGV")):
        assert facts(dead)["status"] == "dead" and facts(dead)["restarted"] is True
        assert dead.outputs[-1]["ename"] == "DeadKernelError" and how in dead.outputs[-1]["evalue"]
        assert texts(after).startswith("after ")
    assert (summary.cells_run, summary.errors, summary.timeouts, summary.restarts) == (8, 2, 2, 3)
    # 1 s and 1 + 1 s of timeouts, four kernel starts: a dead kernel is noticed at once, not after a wait.
    assert seconds < 12


@pytest.mark.kernel
def test_seed_reaches_random_and_numpy_imported_later(make_doc: MakeDoc) -> None:
    doc = make_doc(["import random\nimport numpy as np\nprint(random.random(), np.random.rand())"], seed=7)
    execute(doc)
    drawn = [float(v) for v in texts(code(doc)[0]).split()]
    assert drawn == [random.Random(7).random(), np.random.RandomState(7).rand()]


@pytest.mark.kernel
@pytest.mark.torch
@pytest.mark.slow
def test_seed_reaches_torch_imported_later(make_doc: MakeDoc) -> None:
    torch = pytest.importorskip("torch")
    doc = make_doc(["import torch\nprint(torch.rand(1).item())"], seed=3)
    execute(doc)
    torch.manual_seed(3)
    assert float(texts(code(doc)[0])) == torch.rand(1).item()
    assert doc.environment["packages"]["torch"] == torch.__version__ and doc.environment["cuda"] in (True, False)


@pytest.mark.kernel
def test_cells_run_next_to_their_document(make_doc: MakeDoc, tmp_path: Path) -> None:
    (tmp_path / "data.txt").write_text("42")
    doc = make_doc(["print(open('data.txt').read())"])
    execute(doc)
    assert texts(code(doc)[0]) == "42\n"


def test_an_unknown_kernel_is_a_typed_failure(make_doc: MakeDoc) -> None:
    doc = make_doc(["print(1)"], kernel="no-such-kernel-veritex")
    with pytest.raises(KernelStartError, match="no-such-kernel-veritex"):
        execute(doc)


def test_nothing_to_run_starts_no_kernel(make_doc: MakeDoc) -> None:
    doc = make_doc([CodeCell("print(1)", Position("doc.md", 3), execute=False)])
    summary = execute(doc)
    assert summary.cells_run == 0 and code(doc)[0].outputs == [] and doc.environment == {}
    assert execute(make_doc(["print(1)"], execute=False)).cells_run == 0


# -- pieces that need no kernel ----------------------------------------------------------------------


def test_error_line_takes_the_innermost_frame_of_its_own_cell() -> None:
    traceback = [
        "\x1b[31mValueError\x1b[39m   Traceback (most recent call last)",
        "\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[5]\x1b[39m\x1b[32m, line 2\x1b[39m\n----> 2 f()\n",
        "Cell In[4], line 7, in f()\n----> 7 raise ValueError\n",
        "\x1b[31mValueError\x1b[39m: x",
    ]
    assert error_line(traceback, 5) == 2
    assert error_line(traceback, 4) == 7
    assert error_line(["  Cell In[6], line 3\n    x = (\n        ^\nSyntaxError: incomplete input"], 6) == 3
    assert error_line(["NameError: x"], 1) is None


def test_outputs_follow_clear_output_and_display_updates() -> None:
    outputs = Outputs()
    outputs.add("stream", {"name": "stdout", "text": "a"})
    outputs.add("clear_output", {"wait": True})
    assert len(outputs.items) == 1  # cleared only when the next output comes
    outputs.add("display_data", {"data": {"text/plain": "1"}, "metadata": {}, "transient": {"display_id": "d"}})
    outputs.add("update_display_data", {"data": {"text/plain": "2"}, "metadata": {}, "transient": {"display_id": "d"}})
    outputs.add("comm_msg", {"data": {}})
    assert outputs.items == [{"output_type": "display_data", "data": {"text/plain": "2"}, "metadata": {}}]


def test_the_warm_path_imports_no_kernel_machinery() -> None:
    code_ = ("import sys, veritex.stages.execute, veritex.stages.cache\n"
             "print([m for m in ('jupyter_client', 'zmq', 'nbformat') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code_], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
