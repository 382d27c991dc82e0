"""The naming rules: which name a piece of TeX gives a symbol (documented in docs/symbols.md).

These rules are shared by everything that turns a formula into values (the SymPy translation, the
numeric evaluator), so that `d_k` in a formula and `d_k=8` in a `vt.check` call meet:

- Greek letters drop the backslash (`\\beta` -> `beta`); var- forms are the letter (`\\varepsilon`
  -> `epsilon`).
- Bold, upright, sans-serif and `\\vec` are typography (`\\mathbf{x}` -> `x`). Calligraphic,
  script, fraktur and blackboard letters are the plain letter (`\\mathcal{L}` -> `L`) unless the
  same plain letter appears in the same scope, where they get a suffix (`L_cal`).
- Accents are suffixes: `\\hat{y}` -> `y_hat`, `\\bar{x}` -> `x_bar`, `\\tilde{x}` -> `x_tilde`,
  `\\dot{x}` -> `x_dot`, `x^*` -> `x_star`.
- A subscript that is not a bound index is part of the name: `d_k`, `W_1`, `\\beta_1` ->
  `beta_1`, `C_{\\text{in}}` -> `C_in`; a subscript of several tokens keeps its braces:
  `\\theta_{t-1}` -> `theta_{t-1}`, `W_{ij}` -> `W_{ij}`.
- A capital superscript on a capital letter is part of the name: `W^Q` -> `W^Q`.
"""

from __future__ import annotations

from veritex.math import ast
from veritex.math.errors import Uninterpretable

VAR_FORMS = {
    "varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi", "varrho": "rho",
    "varsigma": "sigma", "varpi": "pi", "varkappa": "kappa", "varGamma": "Gamma",
    "varDelta": "Delta", "varTheta": "Theta", "varLambda": "Lambda", "varXi": "Xi", "varPi": "Pi",
    "varSigma": "Sigma", "varUpsilon": "Upsilon", "varPhi": "Phi", "varPsi": "Psi",
    "varOmega": "Omega",
}
SCRIPT_FONTS = frozenset({"cal", "scr", "frak", "bb"})
ACCENT_SUFFIXES = {"hat": "_hat", "bar": "_bar", "tilde": "_tilde", "dot": "_dot",
                   "ddot": "_ddot", "check": "_check", "breve": "_breve", "star": "_star",
                   "vec": ""}


def letter(sym: ast.Symbol) -> str:
    """The letter itself, without fonts or accents: `\\varepsilon` -> `epsilon`."""
    base = sym.name[1:] if sym.name.startswith("\\") else sym.name
    return VAR_FORMS.get(base, base)


def symbol_name(sym: ast.Symbol, clashes: frozenset[str] = frozenset()) -> str:
    """The name of a symbol. `clashes` holds the plain letters in scope, which a calligraphic
    (script, fraktur, blackboard) letter must not take over."""
    name = letter(sym)
    if sym.font in SCRIPT_FONTS and name in clashes:
        name = f"{name}_{sym.font}"
    for accent in sym.accents:
        name += ACCENT_SUFFIXES.get(accent, "_" + accent)
    return name


def plain_letters(scope: ast.Node) -> frozenset[str]:
    """Letters written without a script font somewhere in `scope`."""
    return frozenset(letter(n) for n in scope.walk()
                     if isinstance(n, ast.Symbol) and n.font not in SCRIPT_FONTS)


def script_text(node: ast.Expr, clashes: frozenset[str] = frozenset()) -> str:
    """How a subscript or superscript is spelled inside a name (`t-1`, `in`, `ij`, `1`)."""
    if isinstance(node, ast.Symbol):
        return symbol_name(node, clashes)
    if isinstance(node, ast.Number):
        return node.value
    if isinstance(node, ast.Juxt):
        return "".join(script_text(f, clashes) for f in node.factors)
    if isinstance(node, ast.BinOp) and node.op in ("+", "-"):
        return script_text(node.left, clashes) + node.op + script_text(node.right, clashes)
    if isinstance(node, ast.BinOp) and node.op in ("cdot", "times"):
        return script_text(node.left, clashes) + "*" + script_text(node.right, clashes)
    if isinstance(node, ast.Neg):
        return "-" + script_text(node.operand, clashes)
    if isinstance(node, ast.Tuple):
        return ",".join(script_text(item, clashes) for item in node.items)
    if isinstance(node, ast.Subscript):
        return script_text(node.base, clashes) + "_" + _braced(node.index, clashes)
    if isinstance(node, ast.SuperIndex):
        return script_text(node.base, clashes) + "^" + _braced(node.index, clashes)
    raise Uninterpretable("a subscript", node.span[0],
                          "a name's subscript must be letters, numbers, + or -")


def _braced(index: ast.Expr, clashes: frozenset[str]) -> str:
    text = script_text(index, clashes)
    single = isinstance(index, ast.Symbol | ast.Number)
    return text if single else "{" + text + "}"


def subscripted_name(base: str, index: ast.Expr, clashes: frozenset[str] = frozenset()) -> str:
    """`d` and `k` -> `d_k`; `theta` and `t-1` -> `theta_{t-1}`."""
    return f"{base}_{_braced(index, clashes)}"


def label_name(base: str, index: ast.Expr, clashes: frozenset[str] = frozenset()) -> str:
    """`W` and `Q` -> `W^Q` (a capital superscript on a capital letter)."""
    return f"{base}^{_braced(index, clashes)}"
