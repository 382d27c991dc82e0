"""What a build shows while it works: on a terminal a live display (document, cell n/N, elapsed time),
elsewhere (a pipe, a file, CI) plain lines about the documents that run code.

Rich is imported only once a terminal display is worth it: when a document runs code or the build lasts;
a rebuild from the caches is over before that.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import IO, Any, Protocol


class Progress(Protocol):
    def stage(self, stage: str, path: Path) -> None:
        """`path` reached `stage` ("unchanged", "reading", "executing", "writing", "done"); build's thread."""

    def cell(self, document: str, n: int, total: int) -> None:
        """Cell n of the `total` cells `document` runs starts; any thread."""

    def stop(self) -> None: ...


def progress_for(stream: IO[str]) -> Progress:
    """A live display when `stream` is a terminal (and not CI), plain lines otherwise."""
    isatty = getattr(stream, "isatty", None)
    in_ci = os.environ.get("CI", "").lower() in ("true", "1", "yes")
    if isatty is not None and isatty() and not in_ci and os.environ.get("TERM") != "dumb":
        return TerminalProgress()
    return PlainProgress(stream)


class PlainProgress:
    """One line when a document starts running code, one per cell, one when it is done."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._lock = threading.Lock()
        self._running: dict[str, float] = {}

    def _say(self, text: str) -> None:
        with self._lock:
            self._stream.write(f"veritex: {text}\n")
            self._stream.flush()

    def stage(self, stage: str, path: Path) -> None:
        if stage == "executing":
            self._running[str(path)] = time.monotonic()
            self._say(f"{path}: running code")
        elif stage == "done" and str(path) in self._running:
            self._say(f"{path}: done in {time.monotonic() - self._running.pop(str(path)):.1f} s")

    def cell(self, document: str, n: int, total: int) -> None:
        started = self._running.get(document)
        elapsed = f" ({time.monotonic() - started:.1f} s)" if started is not None else ""
        self._say(f"{document}: cell {n}/{total}{elapsed}")

    def stop(self) -> None:
        pass


class TerminalProgress:
    """A Rich live display: one line per document running code (cell n/N, seconds since it started),
    and the stage the build is at."""

    PATIENCE_SECONDS = 0.5

    def __init__(self) -> None:
        self._started = time.monotonic()
        self._lock = threading.Lock()
        self._running: dict[str, list[float]] = {}  # document -> [started, n, total]
        self._now = ("starting", "")
        self._live: Any = None

    def stage(self, stage: str, path: Path) -> None:
        key = str(path)
        with self._lock:
            if stage == "executing":
                self._running[key] = [time.monotonic(), 0, 0]
            elif stage in ("writing", "done"):
                self._running.pop(key, None)
            self._now = (stage, key)
        if self._live is None and (stage == "executing" or time.monotonic() - self._started > self.PATIENCE_SECONDS):
            from rich.console import Console
            from rich.live import Live

            self._live = Live(self, console=Console(stderr=True), refresh_per_second=8, transient=True)
            self._live.start()

    def cell(self, document: str, n: int, total: int) -> None:
        with self._lock:
            entry = self._running.setdefault(document, [time.monotonic(), 0, 0])
            entry[1:] = [n, total]

    def stop(self) -> None:
        live, self._live = self._live, None
        if live is not None:
            live.stop()

    def __rich__(self) -> Any:
        from rich.text import Text

        now = time.monotonic()
        with self._lock:
            running = [(doc, list(entry)) for doc, entry in self._running.items()]
            stage, path = self._now
        lines = Text()
        for document, (started, n, total) in running:
            where = f"cell {int(n)}/{int(total)}" if total else "waiting for a kernel"
            lines.append("running ", style="bold").append(document).append(f"  {where}  {now - started:.1f} s\n")
        lines.append(f"{stage} ", style="dim").append(path, style="dim")
        return lines
