"""The LaTeX writer: a `.tex` that xelatex compiles (amsmath equations with labels, highlighted code
without minted, outputs and figures as files beside it, verdicts as marked lines, CJK through xeCJK).

Modules: `escape` (text as LaTeX), `preamble`, `prose` (the body tree), `cells` (code and outputs),
`highlight` (Pygments' LaTeX commands, cached), `verdicts`, `document` (assembly and pictures).
"""

from __future__ import annotations

from typing import Any

__all__ = ["prepare_latex", "render_latex", "write_latex"]


def __getattr__(name: str) -> Any:
    """The writer's functions, imported when first asked for: naming the package (the PDF writer's stamp
    asks which engine there is) costs nothing."""
    if name in __all__:
        from . import document

        return getattr(document, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
