"""Small entry points of the Python API that the CLI wraps."""

from __future__ import annotations

from pathlib import Path

from .model import Document


def load(path: Path | str) -> Document:
    """Read a `.md` or `.ipynb` document into the typed model (nothing is executed)."""
    from .readers import read

    return read(path)
