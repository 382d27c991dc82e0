"""Which LaTeX engine this machine has: looked up on PATH without importing anything heavy, because the
PDF writer's stamp names it on every rebuild (a PDF printed without LaTeX is made again once it is installed)."""

from __future__ import annotations

import os


def _on_path(name: str) -> bool:
    for folder in os.environ.get("PATH", os.defpath).split(os.pathsep):
        candidate = os.path.join(folder or ".", name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return True
    return False


def engine() -> str | None:
    """`latexmk` when it and xelatex are installed, `xelatex` alone, or None."""
    if not _on_path("xelatex"):
        return None
    return "latexmk" if _on_path("latexmk") else "xelatex"
