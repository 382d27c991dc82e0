"""What each TeX command means to the parser: tables, no logic.

Keeping the vocabulary in one place lets `docs/math-subset.md` and the parser agree, and lets a new
command be added by adding a line here.
"""

from __future__ import annotations


def _commands(names: str) -> frozenset[str]:
    return frozenset("\\" + name for name in names.split())


GREEK = _commands(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa varkappa "
    "lambda mu nu xi omicron pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi "
    "omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega varGamma varDelta "
    "varTheta varLambda varXi varPi varSigma varUpsilon varPhi varPsi varOmega"
)
"""Greek letters and their var- forms; a `Symbol` keeps the command as its name."""

LETTERLIKE = frozenset({"\\ell", "\\infty", "\\hbar", "\\imath", "\\jmath"})

BLACKBOARD_SHORTHANDS = {"\\R": "R", "\\N": "N", "\\Z": "Z", "\\C": "C", "\\Q": "Q",
                         "\\Reals": "R", "\\reals": "R", "\\natnums": "N", "\\Complex": "C"}

FUNCTION_COMMANDS = _commands(
    "log ln lg exp sin cos tan cot sec csc sinh cosh tanh coth arcsin arccos arctan "
    "det erf erfc Pr tr sgn"
)
"""Commands that name a function; they take `(args)` or an unparenthesised argument (`\\log x`)."""

BIG_OPERATORS = {"\\sum": "sum", "\\prod": "prod", "\\max": "max", "\\min": "min",
                 "\\argmax": "argmax", "\\argmin": "argmin"}

BIG_OPERATOR_WORDS = {"argmax": "argmax", "argmin": "argmin", "max": "max", "min": "min",
                      "arg max": "argmax", "arg min": "argmin"}
"""Words that act as reductions when written `\\operatorname*{argmax}` or `\\mathrm{argmax}`."""

FUNCTION_WORDS = frozenset(
    {"softmax", "relu", "gelu", "elu", "selu", "silu", "swish", "softplus", "sigmoid", "tanh",
     "erf", "exp", "log", "ln", "sign", "sgn", "logsumexp", "diag", "tr", "trace", "det", "mean",
     "var", "std", "layernorm", "batchnorm", "dropout", "attention", "concat", "mish"}
)
"""Upright words that may take an unparenthesised argument (`\\operatorname{softmax} z`), compared
in lower case. Other upright words are functions only when parentheses follow."""

FUNCTION_LETTERS = frozenset(
    {"f", "g", "h", "p", "q", "D", "F", "G", "H", "J", "L", "P", "Q",
     "\\phi", "\\varphi", "\\psi", "\\Phi", "\\Psi", "\\ell", "\\sigma", "\\pi"}
)
"""Letters read as functions when parentheses follow them directly (`f(x)`, `\\mathcal{L}(\\theta)`);
any other letter followed by parentheses is a product (`x^{(i)}(y - \\hat{y})`), unless the
parentheses hold a comma list or a `|`/`\\mid`/`\\|` (`J(w, b)`, `\\pi(a \\mid s)`). Bold letters
are never functions."""

FONTS = {
    "\\mathbf": "bf", "\\boldsymbol": "bf", "\\bm": "bf", "\\pmb": "bf", "\\mathbfit": "bf",
    "\\mathcal": "cal", "\\mathscr": "scr", "\\mathbb": "bb", "\\mathfrak": "frak",
    "\\mathrm": "rm", "\\mathit": "it", "\\mathsf": "sf", "\\mathtt": "tt", "\\mathnormal": None,
}
WORD_FONTS = frozenset({"rm", "it", "sf", "tt", "text", "op"})
"""Fonts in which adjacent letters form one word (`\\mathrm{softmax}`); in the others they stay
separate letters (`\\mathbf{xy}` is bold x times bold y)."""

ACCENTS = {
    "\\hat": "hat", "\\widehat": "hat", "\\bar": "bar", "\\overline": "bar", "\\tilde": "tilde",
    "\\widetilde": "tilde", "\\vec": "vec", "\\overrightarrow": "vec", "\\dot": "dot",
    "\\ddot": "ddot", "\\check": "check", "\\breve": "breve",
}

FRACTIONS = frozenset({"\\frac", "\\dfrac", "\\tfrac", "\\cfrac"})

RELATIONS = {
    "\\le": "le", "\\leq": "le", "\\leqslant": "le", "\\ge": "ge", "\\geq": "ge",
    "\\geqslant": "ge", "\\lt": "lt", "\\gt": "gt", "\\ne": "ne", "\\neq": "ne",
    "\\approx": "approx", "\\simeq": "approx", "\\propto": "propto", "\\sim": "sim",
    "\\equiv": "def", "\\triangleq": "def", "\\coloneqq": "def", "\\coloneq": "def",
    "\\doteq": "def", "\\leftarrow": "update", "\\gets": "update", "\\in": "in",
    "\\notin": "notin",
}
DEFINITION_MARKS = frozenset({"def", "\\triangle", "\\Delta", "\\text{def}", "d", "\\mathrm{def}",
                              "\\textrm{def}"})

BINARY_OPERATORS = {
    "\\cdot": "cdot", "\\times": "times", "\\odot": "odot", "\\otimes": "otimes",
    "\\ast": "ast", "\\circ": "circ", "\\pm": "pm", "\\mp": "mp", "\\div": "/",
    "\\circledast": "ast", "\\star": "ast",
}

DOTS = frozenset({"\\dots", "\\ldots", "\\cdots", "\\vdots", "\\ddots", "\\dotsc", "\\dotsb",
                  "\\dotsm"})

SIZING = frozenset({"\\big", "\\Big", "\\bigg", "\\Bigg", "\\bigl", "\\bigr", "\\Bigl", "\\Bigr",
                    "\\biggl", "\\biggr", "\\Biggl", "\\Biggr", "\\bigm", "\\Bigm", "\\biggm",
                    "\\Biggm"})

OPEN_DELIMITERS = {"(": "(", "[": "[", "\\{": "{", "\\lbrace": "{", "|": "|", "\\vert": "|",
                   "\\lvert": "|", "\\|": "||", "\\Vert": "||", "\\lVert": "||",
                   "\\lfloor": "floor", "\\lceil": "ceil", "\\langle": "angle", ".": "."}
CLOSE_DELIMITERS = {")": "(", "]": "[", "\\}": "{", "\\rbrace": "{", "|": "|", "\\vert": "|",
                    "\\rvert": "|", "\\|": "||", "\\Vert": "||", "\\rVert": "||",
                    "\\rfloor": "floor", "\\rceil": "ceil", "\\rangle": "angle", ".": "."}
"""Delimiters after `\\left` / `\\right` / `\\big...`, mapped to the kind of bracket they open or
close."""

SPACING = frozenset({"\\,", "\\;", "\\:", "\\!", "\\>", "\\ ", "\\enspace", "\\thinspace",
                     "\\medspace", "\\thickspace", "\\negthinspace", "\\negmedspace",
                     "\\negthickspace", "\\nobreakspace", "\\space", "\\nobreak", "\\allowbreak"})
IGNORED = frozenset({"\\displaystyle", "\\textstyle", "\\scriptstyle", "\\scriptscriptstyle",
                     "\\limits", "\\nolimits", "\\nonumber", "\\notag", "\\boxed", "\\mathop",
                     "\\mathbin", "\\mathrel", "\\mathord", "\\strut"})
"""Commands with no meaning for the checker (sizing, numbering and style switches)."""

QUADS = frozenset({"\\quad", "\\qquad"})

TEXT_COMMANDS = frozenset({"\\text", "\\textrm", "\\textit", "\\textbf", "\\textsf", "\\texttt",
                           "\\textnormal", "\\mbox", "\\textup", "\\textmd"})
RAW_ARGUMENT_COMMANDS = {
    **{name: "text" for name in TEXT_COMMANDS},
    "\\operatorname": "opname", "\\label": "label", "\\tag": "tag", "\\begin": "begin",
    "\\end": "end", "\\ref": "ref", "\\eqref": "ref",
}
"""Commands whose braced argument is read as raw text rather than math."""
DROPPED_WITH_ARGUMENT = frozenset({"\\hspace", "\\vspace", "\\color", "\\textcolor", "\\phantom",
                                   "\\hphantom", "\\vphantom", "\\kern", "\\mkern"})
"""Commands dropped together with their first braced argument (`\\textcolor{red}{x}` keeps x)."""

ROW_SEPARATORS = frozenset({"\\\\", "\\newline", "\\cr"})

MACRO_DEFINERS = frozenset({"\\newcommand", "\\renewcommand", "\\providecommand", "\\def",
                            "\\DeclareMathOperator"})

TOP_ENVIRONMENTS = frozenset({"aligned", "align", "align*", "alignat", "alignat*", "split",
                              "gathered", "gather", "gather*", "equation", "equation*",
                              "multline", "multline*", "eqnarray", "eqnarray*"})
CASES_ENVIRONMENTS = frozenset({"cases", "dcases", "cases*"})
MATRIX_ENVIRONMENTS = {"matrix": "", "pmatrix": "p", "bmatrix": "b", "Bmatrix": "B",
                       "vmatrix": "v", "Vmatrix": "V", "smallmatrix": ""}

UNSUPPORTED = {
    "\\int": "integrals", "\\iint": "integrals", "\\iiint": "integrals", "\\oint": "integrals",
    "\\lim": "limits", "\\limsup": "limits", "\\liminf": "limits", "\\sup": "suprema",
    "\\inf": "infima", "\\forall": "quantifiers", "\\exists": "quantifiers",
    "\\nexists": "quantifiers", "\\binom": "binomial coefficients", "\\choose": "\\choose",
    "\\over": "\\over (write \\frac)", "\\underbrace": "braces under a formula",
    "\\overbrace": "braces over a formula", "\\bigcup": "set unions", "\\bigcap": "set intersections",
    "\\cup": "set unions", "\\cap": "set intersections", "\\subset": "subsets",
    "\\subseteq": "subsets", "\\to": "arrows", "\\rightarrow": "arrows", "\\mapsto": "arrows",
    "\\Rightarrow": "implications", "\\implies": "implications", "\\iff": "equivalences",
    "\\Leftrightarrow": "equivalences", "\\langle": "angle brackets", "\\land": "logic",
    "\\lor": "logic", "\\neg": "logic", "\\lnot": "logic", "\\wedge": "wedge products",
    "\\vee": "logic", "\\setminus": "set differences", "\\emptyset": "the empty set",
    "\\varnothing": "the empty set", "\\ref": "references", "\\eqref": "references",
    "\\gg": "much-greater relations", "\\ll": "much-less relations", "\\perp": "orthogonality",
    "\\mid": "a bar outside parentheses", "\\dagger": "adjoints", "\\%": "percent signs",
    "\\$": "dollar signs", "\\#": "hash signs", "\\&": "ampersands", "\\_": "underscores",
    "\\sqcup": "unions", "\\oplus": "direct sums", "\\bigoplus": "direct sums",
    "\\mathring": "ring accents", "\\prime": "a prime outside a superscript",
    "\\top": "\\top outside a superscript", "\\intercal": "\\intercal outside a superscript",
    "\\partial": "\\partial outside a derivative fraction", "\\bot": "\\bot",
    "\\stackrel": "\\stackrel outside a relation", "\\overset": "\\overset outside a relation",
    "\\underset": "\\underset", "\\not": "\\not outside a relation",
}
"""TeX that renders but lies outside the subset, with the reason given to the user."""

UNICODE_COMMANDS = {
    "α": "\\alpha", "β": "\\beta", "γ": "\\gamma", "δ": "\\delta", "ε": "\\epsilon",
    "ζ": "\\zeta", "η": "\\eta", "θ": "\\theta", "ι": "\\iota", "κ": "\\kappa", "λ": "\\lambda",
    "μ": "\\mu", "ν": "\\nu", "ξ": "\\xi", "π": "\\pi", "ρ": "\\rho", "σ": "\\sigma",
    "τ": "\\tau", "υ": "\\upsilon", "φ": "\\phi", "χ": "\\chi", "ψ": "\\psi", "ω": "\\omega",
    "Γ": "\\Gamma", "Δ": "\\Delta", "Θ": "\\Theta", "Λ": "\\Lambda", "Ξ": "\\Xi", "Π": "\\Pi",
    "Σ": "\\Sigma", "Φ": "\\Phi", "Ψ": "\\Psi", "Ω": "\\Omega", "·": "\\cdot", "⋅": "\\cdot",
    "×": "\\times", "≤": "\\le", "≥": "\\ge", "≠": "\\ne", "≈": "\\approx", "∈": "\\in",
    "∞": "\\infty", "∂": "\\partial", "∇": "\\nabla", "∑": "\\sum", "∏": "\\prod", "⊙": "\\odot",
    "⊗": "\\otimes", "⊤": "\\top", "∝": "\\propto", "≡": "\\equiv", "←": "\\leftarrow",
    "ℓ": "\\ell", "±": "\\pm", "∗": "\\ast", "…": "\\dots", "⋯": "\\cdots", "∘": "\\circ",
}
UNICODE_CHARACTERS = {"−": "-", "–": "-", "＝": "=", "（": "(", "）": ")", "，": ","}
"""Unicode that KaTeX renders like the command; the full-width forms appear in Chinese writing."""
