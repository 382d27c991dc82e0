"""ANSI styles for the command's summary, only where a terminal shows them (NO_COLOR and FORCE_COLOR
are honoured), so piped or captured output stays plain text."""

from __future__ import annotations

import os
import re
from typing import TextIO

_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CODES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33"}


class Styler:
    def __init__(self, color: bool) -> None:
        self.color = color

    @classmethod
    def for_stream(cls, stream: TextIO) -> Styler:
        if os.environ.get("NO_COLOR"):
            return cls(False)
        if os.environ.get("FORCE_COLOR"):
            return cls(True)
        isatty = getattr(stream, "isatty", None)
        return cls(bool(isatty and isatty()) and os.environ.get("TERM") != "dumb")

    def __call__(self, text: str, style: str) -> str:
        """`text` in `style` ("bold red", "green"; words this module does not know are ignored)."""
        codes = [_CODES[word] for word in style.split() if word in _CODES]
        if not self.color or not codes:
            return text
        return f"\x1b[{';'.join(codes)}m{text}\x1b[0m"


def strip_ansi(text: str) -> str:
    """`text` without ANSI escape sequences (a kernel's coloured traceback, a log)."""
    return _ESCAPE.sub("", text)
