"""Ctrl-C during `build -j 2` with both documents' kernels busy: every kernel stops within 2 s, the exit
status is 130 and no half-written page or temporary file is left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SLEEPER = "# {name}\n\n```python\nimport time\nprint('sleeping', flush=True)\ntime.sleep(60)\n```\n"


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
def test_ctrl_c_with_two_jobs_stops_both_kernels_within_2_s(tmp_path: Path) -> None:
    for name in ("first", "second"):
        (tmp_path / f"{name}.md").write_text(SLEEPER.format(name=name), encoding="utf-8")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "TMPDIR": str(temporary), "CI": "true"}
    run = subprocess.Popen(
        [sys.executable, "-c", "from veritex.cli import main; main()", "build", "first.md", "second.md", "-j", "2",
         "-o", "site"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert run.stderr is not None
    lines, running = [], set()
    for line in run.stderr:
        lines.append(line)
        for name in ("first", "second"):
            if f"{name}.md: cell 1/1" in line:
                running.add(name)
        if len(running) == 2:
            break
    time.sleep(1.0)  # both inside time.sleep(60)
    assert len(_kernels_with(str(temporary))) >= 2, lines
    began = time.monotonic()
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=30)
    assert time.monotonic() - began < 2.0, err
    assert run.returncode == 130 and "interrupted" in err
    assert not _kernels_with(str(temporary))
    everything = [p.name for p in tmp_path.rglob("*")]
    assert not [n for n in everything if n.endswith(".tmp")]
    assert "first.html" not in everything and "second.html" not in everything
