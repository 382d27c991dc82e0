"""The interpreter and the key packages as the kernel sees them, for the page's colophon."""

from __future__ import annotations

import json
import sys
from typing import Any

_PACKAGES = ("numpy", "scipy", "sympy", "pandas", "matplotlib", "torch", "tensorflow", "jax")


def environment() -> dict[str, Any]:
    """Versions of the packages the document imported (never imports one itself)."""
    import platform  # here, not at the top: only the build asks, once, at the end

    found: dict[str, Any] = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": f"{sys.platform}-{platform.machine()}",
        "executable": sys.executable,
    }
    packages = {}
    for name in _PACKAGES:
        module = sys.modules.get(name)
        version = getattr(module, "__version__", None) if module is not None else None
        if isinstance(version, str):
            packages[name] = version
    found["packages"] = packages
    torch = sys.modules.get("torch")
    if torch is not None:
        try:
            found["cuda"] = bool(torch.cuda.is_available())
        except Exception:  # noqa: BLE001 - a broken CUDA setup is a fact to report, not a crash
            found["cuda"] = False
    veritex = sys.modules.get("veritex")
    if veritex is not None and isinstance(getattr(veritex, "__version__", None), str):
        found["veritex"] = veritex.__version__
    return found


def environment_json() -> str:
    return json.dumps(environment())
