"""veritex: documents whose code runs, whose math renders, and whose formulas are checked against the code.

In a build:   veritex.build(["examples"], "site") -> Report
In a kernel:  import veritex as vt; vt.expect(loss, "<", 0.02); vt.check("eq:mse", mse, w=..., ...)

Attributes are imported on first use, so `import veritex` stays cheap inside every kernel.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .version import __version__

_LAZY = {
    "load": ("veritex.api", "load"),
    "build": ("veritex.builder", "build"),
    "convert": ("veritex.conversion", "convert"),
    "errata": ("veritex.errata", "errata"),
    "Errata": ("veritex.errata", "Errata"),
    "Document": ("veritex.model", "Document"),
    "Report": ("veritex.report", "Report"),
    "expect": ("veritex.runtime", "expect"),
    "check": ("veritex.runtime", "check"),
    "implements": ("veritex.runtime", "implements"),
}

__all__ = ["Document", "Errata", "Report", "__version__", "build", "check", "convert", "errata", "expect",
           "implements", "load"]

if TYPE_CHECKING:
    from .api import load
    from .builder import build
    from .conversion import convert
    from .errata import Errata, errata
    from .model import Document
    from .report import Report
    from .runtime.check import check
    from .runtime.expect import expect
    from .runtime.implements import implements


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'veritex' has no attribute {name!r}")
    module, attr = _LAZY[name]
    value = getattr(import_module(module), attr)
    globals()[name] = value
    return value
