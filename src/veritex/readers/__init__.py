"""Readers turn a source file into a `Document`; they know nothing of stages or writers."""

from __future__ import annotations

from pathlib import Path

from ..model import Document
from .ipynb import NotebookError, read_ipynb
from .markdown import read_markdown

__all__ = ["NotebookError", "read", "read_ipynb", "read_markdown"]


def read(path: Path | str) -> Document:
    """Read a `.md` or `.ipynb` file into the document model."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        return read_ipynb(text, path)
    return read_markdown(text, path)
