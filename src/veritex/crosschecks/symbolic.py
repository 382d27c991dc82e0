"""The TeX of a distribution in SymPy: real symbols, `e` and `\\pi` as constants, and the gamma and beta
functions as themselves (a density is the one place `\\Gamma(\\alpha)` cannot be a product)."""

from __future__ import annotations

import sympy

from veritex.math import ast
from veritex.math.to_sympy import to_sympy

_FUNCTIONS = {"\\Gamma": sympy.gamma, "Gamma": sympy.gamma, "B": sympy.beta, "\\operatorname{B}": sympy.beta,
              "\\mathrm{B}": sympy.beta}


def translate(node: ast.Expr) -> sympy.Expr:
    """One expression in SymPy with every symbol real; raises `Uninterpretable` when it has no meaning."""
    expr = to_sympy(node, functions=_FUNCTIONS)
    if not isinstance(expr, sympy.Expr):
        raise ValueError("not an expression")
    mapping = {s: sympy.Symbol(s.name, real=True) for s in expr.free_symbols
               if isinstance(s, sympy.Symbol) and not s.is_real}
    return expr.xreplace(mapping)
