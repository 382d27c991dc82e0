"""veritex's own reader for the TeX of formulas, and its translation to SymPy.

    from veritex.math import parse, MathSyntaxError
    formula = parse(r"\\hat{y}^{(i)} = w\\,x^{(i)} + b", macros={"\\norm": r"\\lVert #1 \\rVert"})
    formula.statements[0].sides      # the typed tree (veritex.math.ast)

    from veritex.math.to_sympy import to_sympy   # the SymPy side lives in its own module
    to_sympy(formula.statements[0].rhs, known={"w", "b"})

`parse` never imports SymPy, so reading every formula of a document stays fast; anything outside
the subset (see docs/math-subset.md) raises MathSyntaxError with the offset and the construct.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

from veritex.math import ast
from veritex.math.errors import MathSyntaxError, Uninterpretable, position_at

__all__ = ["MathSyntaxError", "Uninterpretable", "ast", "parse", "position_at"]


def parse(tex: str, *, macros: Mapping[str, str] | None = None,
          functions: Iterable[str] = ()) -> ast.Formula:
    """Read one formula. `macros` maps a command (`\\norm`) to its body (`#1` for arguments), as in
    a document's front matter; `functions` names extra letters to read as functions when
    parentheses follow (`g` in `g(x)`; see FUNCTION_LETTERS for the default ones).

    Raises MathSyntaxError (with `.offset`, `.construct`, `.kind`) for anything outside the subset.
    """
    return _parse(tex, tuple(sorted((macros or {}).items())), frozenset(functions))


@lru_cache(maxsize=2048)
def _parse(tex: str, macros: tuple[tuple[str, str], ...], functions: frozenset[str]) -> ast.Formula:
    # The tree is immutable, so the stages that read the same formula share one parse.
    from veritex.math.reader import read

    return read(tex, macros=dict(macros), functions=functions)

