"""Readers turn a source file into a `Document`; they know nothing of stages or writers."""

from __future__ import annotations

from pathlib import Path

from ..model import Document, Position
from ..project import apply_project
from .ipynb import NotebookError, read_ipynb
from .markdown import read_markdown

__all__ = ["NotebookError", "read", "read_ipynb", "read_markdown"]


def _byte_position(data: bytes, offset: int, name: str) -> Position:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return Position(name, data.count(b"\n", 0, offset) + 1, offset - line_start + 1)


def _not_utf8(data: bytes, exc: UnicodeDecodeError) -> str:
    bad = data[exc.start:exc.start + 4].hex(" ")
    return (f"the file is not UTF-8 text (byte {bad} at this place); save it as UTF-8 (in most editors: "
            "\"Save with encoding\" / \"Reopen with encoding\", or `iconv -f latin1 -t utf-8`)")


def read(path: Path | str, tab: str | None = None) -> Document:
    """Read a `.md` or `.ipynb` file into the document model, with its book's macros (`_config.yml`,
    `myst.yml`) under its own. `tab` picks the textbook dialect's code tab."""
    path = Path(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotebookError(_not_utf8(data, exc), _byte_position(data, exc.start, str(path))) from None
    text = text.removeprefix("\ufeff")  # a byte order mark some editors write
    doc = read_ipynb(text, path) if path.suffix == ".ipynb" else read_markdown(text, path, tab)
    apply_project(doc)
    return doc
