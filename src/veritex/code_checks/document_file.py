"""The formulas of the file being edited, for a kernel that no build started (a plain Jupyter session).

The build hands the kernel its context; without one, `vt.check` reads the notebook or Markdown file
itself, found through `__session__` / `JPY_SESSION_NAME` (ipykernel sets them to its path). The file
is read with the standard library and a small scanner that follows the readers' rules for math
(`markdown_math`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .context import FormulaEntry, macro_table, math_context
from .markdown_math import formulas_in_markdown


def context_of_file(path: Path) -> dict[str, Any]:
    """The context (as `math_context` makes it) of a Markdown file or a notebook on disk."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        notebook = json.loads(text)
        settings = (notebook.get("metadata") or {}).get("veritex") or {}
        macros = settings.get("macros") if isinstance(settings, dict) else None
        entries: list[FormulaEntry] = []
        for number, cell in enumerate(notebook.get("cells", []), start=1):
            if cell.get("cell_type") == "markdown":
                source = cell.get("source")
                entries += formulas_in_markdown("".join(source) if isinstance(source, list) else str(source or ""),
                                                cell=number)
        return math_context(entries, macro_table(macros) if isinstance(macros, dict) else {}, str(path))
    lines = text.split("\n")
    start, front = _front_matter(lines)
    return math_context(formulas_in_markdown(text, skip=start), _macros(front), str(path))


def _front_matter(lines: list[str]) -> tuple[int, str]:
    """(the first line after the front matter, the front matter's text)."""
    if not lines or lines[0].rstrip() != "---":
        return 0, ""
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return index + 1, "\n".join(lines[1:index])
    return 0, ""


def _macros(front: str) -> dict[str, str]:
    if "macros" not in front:
        return {}
    import yaml  # only for a front matter that defines macros

    try:
        data = yaml.safe_load(front)
    except yaml.YAMLError:
        return {}  # the build reports it; a check sees no macros
    macros = data.get("macros") if isinstance(data, dict) else None
    return macro_table(macros) if isinstance(macros, dict) else {}


_NOTEBOOKS: dict[tuple[str, int], tuple[dict[str, Any], str]] = {}


def notebook_context() -> tuple[dict[str, Any] | None, str]:
    """The context of the notebook or Markdown file being edited in a plain Jupyter session, and
    where it came from (or why there is none). Read again when the file changes."""
    path = _session_path()
    if path is None:
        return None, "this kernel was not started by `veritex build` and does not know its notebook's path"
    candidates = [Path(path), Path.cwd() / path, Path.cwd() / Path(path).name]
    found = next((p for p in candidates if p.is_file()), None)
    if found is None:
        return None, f"the notebook {path} was not found from {Path.cwd()}"
    key = (str(found.resolve()), found.stat().st_mtime_ns)
    if key not in _NOTEBOOKS:
        try:
            context = context_of_file(found)
        except (OSError, ValueError, AttributeError, TypeError) as exc:  # unreadable: reported, not raised
            return None, f"the notebook {found} could not be read: {exc}"
        _NOTEBOOKS.clear()
        _NOTEBOOKS[key] = (context, f"read from {found}")
    return _NOTEBOOKS[key]


def _session_path() -> str | None:
    import sys

    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    if shell is not None:
        value = shell.user_ns.get("__session__")
        if isinstance(value, str) and value:
            return value
    value = os.environ.get("JPY_SESSION_NAME")
    return value or None
