"""The package's public names stay functions, whatever submodules have been imported."""

from __future__ import annotations

import importlib
import subprocess
import sys
import types
from pathlib import Path

import veritex

PUBLIC = ["build", "check", "expect", "implements", "load"]


def test_public_names_are_callables_after_every_submodule_is_imported() -> None:
    root = Path(veritex.__file__).parent
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    for name in PUBLIC:
        value = getattr(veritex, name)
        assert callable(value) and not isinstance(value, types.ModuleType), name


def test_import_veritex_is_cheap() -> None:
    """`import veritex` runs in every kernel: it must not pull in the heavy machinery."""
    code = "import sys, veritex; print(' '.join(sorted(m for m in ('numpy', 'sympy', 'jupyter_client', 'markdown_it', 'nbformat') if m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
