"""iopub messages -> nbformat v4 outputs, and where in a cell an IPython traceback points."""

from __future__ import annotations

import re
from typing import Any

from ..terminal import strip_ansi
from .errors import error_output

_CELL_FRAME = re.compile(r"Cell In\[(\d+)\], line (\d+)")
_OUTPUT_TYPES = ("stream", "display_data", "execute_result", "error")


def error_line(traceback: list[str], execution_count: int | None) -> int | None:
    """Line inside cell `execution_count` of its innermost frame in an IPython traceback."""
    frames = _CELL_FRAME.findall(strip_ansi("\n".join(traceback)))
    lines = [int(line) for count, line in frames if execution_count is None or int(count) == execution_count]
    return lines[-1] if lines else None


class Outputs:
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
        return error_output(content.get("ename", ""), content.get("evalue", ""), list(content.get("traceback", [])))
    output = {"output_type": msg_type, "data": content.get("data", {}), "metadata": content.get("metadata", {})}
    if msg_type == "execute_result":
        output["execution_count"] = content.get("execution_count")
    return output
