"""Readers turn a source file into a `Document`; they know nothing of stages or writers."""

from __future__ import annotations

from pathlib import Path

from ..model import Document
from .ipynb import NotebookError, read_ipynb
from .markdown import read_markdown
from .project import apply_project

__all__ = ["NotebookError", "read", "read_ipynb", "read_markdown"]


def read(path: Path | str, tab: str | None = None) -> Document:
    """Read a `.md` or `.ipynb` file into the document model, with its book's macros (`_config.yml`,
    `myst.yml`) under its own. `tab` picks the textbook dialect's code tab."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    doc = read_ipynb(text, path) if path.suffix == ".ipynb" else read_markdown(text, path, tab)
    apply_project(doc)
    return doc
