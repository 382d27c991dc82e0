"""Writers turn a compiled `Document` into output files; they never run code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .html import write_html

__all__ = ["write_html"]


def __getattr__(name: str) -> Any:
    # Lazy: `import veritex.writers` alone must not load Jinja2 and Pygments.
    if name == "write_html":
        from .html import write_html

        return write_html
    raise AttributeError(f"module 'veritex.writers' has no attribute {name!r}")
