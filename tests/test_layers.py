"""The import contracts in pyproject.toml hold, and `lint-imports` fails when one is broken."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed (make test installs it)")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, env=env, capture_output=True, text=True,
                          timeout=120)


def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "src" / "veritex", copy / "src" / "veritex",
                    ignore=shutil.ignore_patterns("__pycache__", "assets"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def test_the_contracts_hold() -> None:
    done = _lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(("module", "planted", "contract"), [
    ("runtime/check.py", "from veritex.readers import read", "The in-kernel runtime imports nothing of the build side"),
    ("writers/json_model.py", "from veritex.stages import numbering", "Layers:"),
    ("model/body.py", "from veritex.cache import digest", "Layers:"),
    ("cache/keys.py", "from veritex import __version__ as _v", "No module imports the package's __init__"),
    ("math/lexer.py", "from veritex.math import reader as _r", "No import cycles"),
])
def test_a_broken_contract_fails(tmp_path: Path, module: str, planted: str, contract: str) -> None:
    copy = _copy(tmp_path)
    target = copy / "src" / "veritex" / module
    target.write_text(target.read_text() + f"\n\ndef _planted() -> None:\n    {planted}  # noqa\n")
    done = _lint(copy)
    assert done.returncode != 0
    broken = [line for line in done.stdout.splitlines() if line.rstrip().endswith("BROKEN")]
    assert any(line.startswith(contract) for line in broken), done.stdout


def test_every_part_of_veritex_has_a_place_in_the_layers() -> None:
    """A new package or module must be placed in the layers contract (the kernel-side runtime has its own)."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    layers = next(c for c in config if c["id"] == "layers")["layers"]
    placed = {name.strip().removeprefix("veritex.") for layer in layers for name in layer.split("|")}
    package = ROOT / "src" / "veritex"
    parts = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    parts |= {p.name for p in package.iterdir() if (p / "__init__.py").exists()}
    assert parts - placed - {"runtime"} == set()
