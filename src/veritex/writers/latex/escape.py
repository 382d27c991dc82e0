"""Text as LaTeX reads it: special characters escaped, URLs and labels made safe, terminal colours removed."""

from __future__ import annotations

import re

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\textasciicircum{}",
    "_": r"\_",
    "%": r"\%",
    "~": r"\textasciitilde{}",
    "\u00a0": "~",
}
# Symbols prose and messages use that Latin Modern's text fonts lack: set from the math fonts instead.
_MATH_SYMBOLS = {
    "≈": r"\approx", "≤": r"\leq", "≥": r"\geq", "≠": r"\neq", "×": r"\times", "±": r"\pm", "→": r"\to",
    "←": r"\leftarrow", "⇒": r"\Rightarrow", "∞": r"\infty", "√": r"\surd", "∑": r"\sum", "∏": r"\prod",
    "∈": r"\in", "∂": r"\partial", "∇": r"\nabla", "·": r"\cdot", "≡": r"\equiv", "∼": r"\sim",
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\varepsilon", "ζ": r"\zeta",
    "η": r"\eta", "θ": r"\theta", "ι": r"\iota", "κ": r"\kappa", "λ": r"\lambda", "μ": r"\mu", "ν": r"\nu",
    "ξ": r"\xi", "π": r"\pi", "ρ": r"\rho", "σ": r"\sigma", "τ": r"\tau", "φ": r"\phi", "χ": r"\chi",
    "ψ": r"\psi", "ω": r"\omega", "Γ": r"\Gamma", "Δ": r"\Delta", "Θ": r"\Theta", "Λ": r"\Lambda",
    "Σ": r"\Sigma", "Φ": r"\Phi", "Ψ": r"\Psi", "Ω": r"\Omega", "✓": r"\checkmark",
}
_SPECIAL.update({char: f"\\ensuremath{{{command}}}" for char, command in _MATH_SYMBOLS.items()})
_SPECIAL_RE = re.compile("[" + re.escape("".join(_SPECIAL)) + "]")
# Control characters other than tab and line end stop xelatex ("invalid character").
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
_LABEL_UNSAFE = re.compile(r"[^A-Za-z0-9:.\-_/+]")
_URL_UNSAFE = re.compile(r"[\\{}\s]")


def escape(text: str) -> str:
    """Prose text with every character LaTeX treats specially written so that it prints as itself."""
    return _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group(0)], _CONTROL.sub("", text))


def plain_output(text: str) -> str:
    """A program's output as verbatim text: terminal colour codes and control characters removed."""
    return _CONTROL.sub("", _ANSI.sub("", text)).replace("\r\n", "\n")


def verbatim_safe(text: str) -> str:
    """Text for a `Verbatim` environment: a line that would end it is broken with a space."""
    return re.sub(r"\\end\{(Verbatim|VerbatimOut)\}", r"\\end {\1}", plain_output(text))


def label_name(label: str) -> str:
    """A label (or hypertarget) LaTeX accepts: characters outside a safe set as `+hex+`."""
    return _LABEL_UNSAFE.sub(lambda m: f"+{ord(m.group(0)):x}+", label)


def url(href: str) -> str:
    """A URL for `\\href`: `#` and `%` escaped, braces, backslashes and spaces percent-encoded."""
    encoded = _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode("utf-8")), href)
    return encoded.replace("%", r"\%").replace("#", r"\#")


_BREAK_AFTER = re.compile(r"(\\_|[/.:,=(\[])")


def code_text(code: str) -> str:
    """Inline code for `\\texttt`: escaped, and breakable after `_ / . : , = ( [` so a long name wraps."""
    return _BREAK_AFTER.sub(lambda m: m.group(0) + r"\allowbreak{}", escape(code))
