"""The LaTeX writer: a `.tex` that xelatex compiles (amsmath equations with labels, highlighted code
without minted, outputs and figures as files beside it, verdicts as marked lines, CJK through xeCJK).

Modules: `escape` (text as LaTeX), `preamble`, `prose` (the body tree), `cells` (code and outputs),
`highlight` (Pygments' LaTeX commands, cached), `verdicts`, `document` (assembly and pictures).
"""

from __future__ import annotations

from .document import prepare_latex, render_latex, write_latex

__all__ = ["prepare_latex", "render_latex", "write_latex"]
