"""xelatex on a `.tex`: `latexmk -xelatex` (or xelatex run until the references settle), with a time
limit, and LaTeX's first error read from the log with the line of the `.tex` it names."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .engine import engine

TIMEOUT_SECONDS = 300.0
_FILE_LINE = re.compile(r"^\./(?P<file>[^:\n]+\.tex):(?P<line>\d+): (?P<message>.*)$", re.MULTILINE)
_BANG = re.compile(r"^! (?P<message>.*)$", re.MULTILINE)
_LINE = re.compile(r"^l\.(?P<line>\d+)", re.MULTILINE)
_MARKER = re.compile(r"^% veritex: line (\d+)(?: cell (\d+))?$")
_XELATEX = ["xelatex", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error", "-no-shell-escape"]


@dataclass(frozen=True)
class Failure:
    message: str
    tex_line: int | None  # the line of the .tex LaTeX names


def _run(command: list[str], folder: Path, timeout: float) -> int:
    process = subprocess.Popen(command, cwd=folder, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # latexmk and the xelatex it started
        process.wait()
        raise


def compile_tex(tex: Path, timeout: float = TIMEOUT_SECONDS) -> Path | Failure:
    """The PDF made from `tex` (beside it), or why there is none."""
    folder, name = tex.parent, tex.name
    which = engine()
    if which is None:
        return Failure("xelatex is not installed", None)
    try:
        if which == "latexmk":
            code = _run(["latexmk", "-g", "-xelatex", "-norc", "-interaction=nonstopmode", "-halt-on-error",
                         "-file-line-error", "-no-shell-escape", name], folder, timeout)
        else:
            code = 0
            for _ in range(3):  # references settle in two runs; a third when LaTeX asks for it
                code = _run([*_XELATEX, name], folder, timeout)
                log = _read_log(tex)
                if code != 0 or "Rerun to get" not in log and "Label(s) may have changed" not in log:
                    break
    except subprocess.TimeoutExpired:
        return Failure(f"xelatex ran longer than {timeout:g} s and was stopped", None)
    pdf = tex.with_suffix(".pdf")
    if code == 0 and pdf.is_file():
        return pdf
    return first_error(_read_log(tex), name)


def _read_log(tex: Path) -> str:
    try:
        return tex.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def first_error(log: str, name: str) -> Failure:
    """LaTeX's first error in `log`: its message and the line of `name` it points at."""
    found = _FILE_LINE.search(log)
    if found is not None:
        line = int(found["line"]) if found["file"] == name else None
        return Failure(found["message"].strip(), line)
    bang = _BANG.search(log)
    if bang is not None:
        at = _LINE.search(log, bang.end())
        return Failure(bang["message"].strip(), int(at["line"]) if at else None)
    return Failure("xelatex failed without an error in its log", None)


def source_line(tex_text: str, tex_line: int) -> tuple[int, int | None] | None:
    """The source document's (line, cell) of the block that holds line `tex_line` of the `.tex`."""
    lines = tex_text.split("\n")
    for index in range(min(tex_line, len(lines)) - 1, -1, -1):
        found = _MARKER.match(lines[index])
        if found is not None:
            return int(found[1]), int(found[2]) if found[2] else None
    return None
