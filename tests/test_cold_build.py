"""What a cold build overlaps with its kernel, and how veritex starts its own Python kernel."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MakeDoc

from veritex.builder import build
from veritex.execution.backends import OwnPython
from veritex.execution.kernel import Kernel
from veritex.readers.markdown import read_markdown
from veritex.stages.execute import Execution, ExecutionSummary, execute
from veritex.writers import highlight
from veritex.writers.html import prepare_page, render_page

DOC = """# Cold

```python
total = sum(range(4))
print(total)
```

A fence that is not run:

```bash
echo "shown"
```
"""


@pytest.mark.kernel
def test_the_native_kernel_loads_no_debugger_yet_cells_see_a_usual_kernel(make_doc: MakeDoc) -> None:
    doc = make_doc([
        "import sys\nprint('debugpy' in sys.modules)\nprint(sys.argv[0].endswith('ipykernel_launcher.py'))\n"
        "print('' in sys.path, [n for n in ('launcher', 'kernelapp') if n in globals()])",
        "import debugpy\nprint(debugpy.__name__)",
    ])
    execute(doc)
    first, second = (c.outputs[0]["text"] for c in doc.code_cells())
    assert first == "False\nTrue\nTrue []\n"
    assert second == "debugpy\n"


def test_a_prepared_page_is_the_page_and_writing_it_builds_no_lexer(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    expected = render_page(read_markdown(DOC, tmp_path / "doc.md"), "_veritex")
    prepare_page(read_markdown(DOC, tmp_path / "doc.md"), assets_root=tmp_path / "site", cache_dir=cache)
    assert (tmp_path / "site" / "_veritex" / "veritex.css").is_file()

    def no_lexer(source: str, language: str) -> list[str]:
        raise AssertionError(f"highlighted again: {language}")

    monkeypatch.setattr(highlight, "_highlight", no_lexer)
    assert render_page(read_markdown(DOC, tmp_path / "doc.md"), "_veritex", cache_dir=cache) == expected


@pytest.mark.kernel
def test_a_cold_build_prepares_its_page_before_waiting_for_the_kernel(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "doc.md"
    source.write_text(DOC, encoding="utf-8")
    highlighted = tmp_path / "site" / ".veritex-cache" / "highlight"
    seen: list[str] = []
    wait = Execution.wait

    def spying_wait(self: Execution) -> ExecutionSummary:
        seen.extend(p.read_text(encoding="utf-8") for p in highlighted.glob("*/*.json"))
        return wait(self)

    monkeypatch.setattr(Execution, "wait", spying_wait)
    report = build([source], tmp_path / "site")
    assert report.documents[0].cells_run == 1
    assert len(seen) == 1 and "total" in seen[0] and "shown" in seen[0]
    assert "6\n" in (tmp_path / "site" / "doc.html").read_text(encoding="utf-8")


@pytest.mark.kernel
def test_the_native_kernel_is_launched_before_jupyter_client_is_imported(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from veritex.execution import kernel, kernel_process\n"
        "seen = []\n"
        "launch = kernel_process.KernelProcess.launch\n"
        "def spying_launch(self):\n"
        "    seen.append('jupyter_client' in sys.modules)\n"
        "    launch(self)\n"
        "kernel_process.KernelProcess.launch = spying_launch\n"
        f"kernel = kernel.Kernel('python3', cwd=Path({str(tmp_path)!r}), seed=None)\n"
        "kernel.start()\n"
        "reply = kernel.run('print(6 * 7)', timeout=30)\n"
        "kernel.shutdown_in_background()\n"
        "print(seen, reply.outputs[0]['text'].strip())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == "[False] 42"


@pytest.mark.kernel
def test_a_restarted_native_kernel_keeps_its_connection_file_until_shutdown(tmp_path: Path) -> None:
    kernel = Kernel("python3", cwd=tmp_path, seed=None)
    kernel.start()
    assert isinstance(kernel._backend, OwnPython) and kernel._backend.process is not None
    own = kernel._backend.process
    connection = Path(own.connection_file)
    first_pid = own.process.pid if own.process else None
    kernel.restart()
    assert own.process is not None and own.process.pid != first_pid
    assert kernel.run("print('again')", timeout=30).outputs[0]["text"] == "again\n"
    assert connection.is_file()
    kernel.shutdown_in_background()
    deadline = time.monotonic() + 10
    while connection.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not connection.exists()
