"""Which files a document's cells open: an audit hook on `open`, installed by the build's setup.

The build calls `watch(folder, log)` once per kernel process. Every file opened under `folder` (outside
the interpreter's own prefix) is appended to `log` once, as `r<TAB>path` when opened for reading only and
`w<TAB>path` otherwise; the build sorts out folders, modules and caches when it reads the log. The log is
line-buffered, so a kernel that dies still leaves what it read. An audit hook cannot be removed: a plain
Jupyter session, where nobody calls `watch`, has none.
"""

from __future__ import annotations

import os
import sys
from typing import IO, Any

_state: dict[str, Any] = {}


def watch(folder: str, log: str) -> None:
    """Record the files opened under `folder` in the file `log` (appended to)."""
    if _state.get("log") is not None:
        _state["log"].close()
    _state["folder"] = os.path.join(os.path.abspath(folder), "")
    _state["skip"] = tuple({os.path.join(p, "") for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})
    _state["log"] = open(log, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 - lives as long as the kernel
    _state["seen"] = set()
    if not _state.get("installed"):
        sys.addaudithook(_on_event)
        _state["installed"] = True


def _on_event(event: str, args: tuple[Any, ...]) -> None:
    if event != "open":  # the hook sees every audited event: leave the others at once
        return
    try:  # noqa: SIM105 - cheaper than contextlib.suppress on every open
        _record(*args[:3])
    except Exception:  # noqa: BLE001 - an audit hook that raises would fail the cell's own open()
        pass


def _record(path: Any, mode: str | None, flags: int) -> None:
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    elif not isinstance(path, str):
        return  # a file descriptor, or nothing
    if mode is not None:
        kind = "r" if "r" in mode and "+" not in mode else "w"
    else:
        kind = "r" if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND) == 0 else "w"
    full = os.path.abspath(path)
    seen: set[tuple[str, str]] = _state["seen"]
    if (kind, full) in seen:
        return
    seen.add((kind, full))
    if full.startswith(_state["folder"]) and not full.startswith(_state["skip"]):
        log: IO[str] = _state["log"]
        log.write(f"{kind}\t{full}\n")
