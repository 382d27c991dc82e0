"""Which line of the cell being executed made a call into veritex."""

from __future__ import annotations

import os
import sys
from types import FrameType
from typing import Any

_VERITEX_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _is_veritex(frame: FrameType) -> bool:
    return frame.f_code.co_filename.startswith(_VERITEX_DIR + os.sep)


def _ipython() -> Any | None:
    """The running IPython shell, without importing IPython when it is not already loaded."""
    if "IPython" not in sys.modules:
        return None
    get_ipython = getattr(sys.modules["IPython"], "get_ipython", None)
    return get_ipython() if get_ipython is not None else None


def caller_frame() -> FrameType | None:
    """The innermost frame outside veritex whose code belongs to the cell being executed.

    IPython compiles every cell under a file name of its own. The cell being executed is the one
    whose top-level code is the outermost cell frame on the stack; within it the innermost frame
    wins, so a helper defined in an earlier cell points at its call site in this cell, and a function
    defined in this cell points at its own line. Without IPython: the innermost frame outside veritex.
    """
    shell = _ipython()
    cell_files: dict[str, Any] = getattr(getattr(shell, "compile", None), "_filename_map", None) or {}
    stack: list[FrameType] = []
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if not _is_veritex(frame):
            stack.append(frame)
        frame = frame.f_back
    in_cells = [f for f in stack if f.f_code.co_filename in cell_files]
    if in_cells:
        current = in_cells[-1].f_code.co_filename
        return next(f for f in in_cells if f.f_code.co_filename == current)
    return stack[0] if stack else None


def caller_line() -> int | None:
    """1-based line, inside the cell being executed, of the statement that called veritex."""
    frame = caller_frame()
    return frame.f_lineno if frame is not None else None


def argument_source(frame: FrameType, function: str, index: int = 0) -> str | None:
    """Source text of argument `index` of the call to `function` (`vt.expect`, `expect`) at the
    frame's current line, for messages that name what was tested. None when it cannot be found."""
    import ast
    import linecache

    source = "".join(linecache.getlines(frame.f_code.co_filename, frame.f_globals))
    if not source:
        return None
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    line = frame.f_lineno
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or len(node.args) <= index:
            continue
        end = node.end_lineno or node.lineno
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        if name == function and node.lineno <= line <= end:
            return ast.get_source_segment(source, node.args[index])
    return None
