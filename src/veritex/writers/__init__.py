"""Writers turn a compiled `Document` into output files; they never run code and never import the stages.

`base` says what a writer is (`Writer`, `WriteContext`), `registry` finds one by format name (the built-in
`html` and `json`, and those other packages declare in the entry-point group `veritex.writers`).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .base import WriteContext, Writer
    from .html import write_html
    from .json_model import write_json
    from .registry import available_formats, get_writer

__all__ = ["WriteContext", "Writer", "available_formats", "get_writer", "write_html", "write_json"]

_LAZY = {
    "WriteContext": ".base", "Writer": ".base", "write_html": ".html", "write_json": ".json_model",
    "available_formats": ".registry", "get_writer": ".registry",
}


def __getattr__(name: str) -> Any:
    # Lazy: `import veritex.writers` alone must not load Jinja2 and Pygments.
    if name not in _LAZY:
        raise AttributeError(f"module 'veritex.writers' has no attribute {name!r}")
    return getattr(import_module(_LAZY[name], __name__), name)
