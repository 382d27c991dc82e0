"""How a Python name finds its TeX symbol: `W_1`/`W1` ~ `W_1`, `y_hat` ~ `\\hat{y}`, `alpha` ~ `\\alpha`,
`L` ~ `\\mathcal{L}`, `b_1` ~ `\\mathbf{b}_1`, `lam` ~ `\\lambda`.

A symbol is reduced to a `SymbolName`: its letter (a Greek letter by its name), its accent, its
subscript as text. Fonts (`\\mathbf`, `\\mathcal`, `\\boldsymbol`) are dropped: the document writes
one symbol in one font. Matching ignores underscores and accepts the accent before or after the
letter; an explicit `symbols={"lam": r"\\lambda"}` wins over every rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

GREEK = (
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota",
    "kappa", "lambda", "mu", "nu", "xi", "omicron", "pi", "varpi", "rho", "varrho", "sigma", "varsigma", "tau",
    "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma",
    "Upsilon", "Phi", "Psi", "Omega",
)
_UNICODE_GREEK = dict(zip(
    "αβγδεζηθικλμνξοπρστυφχψωΓΔΘΛΞΠΣΥΦΨΩϵϑϖϱςϕ",
    ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega", "epsilon", "theta", "pi", "rho", "sigma", "phi"],
    strict=True,
))
# Python spellings of names that are keywords or that people shorten.
_ALIASES = {"lambda": ("lam", "lmbda", "lambd", "lambda_"), "epsilon": ("eps",), "varepsilon": ("eps", "epsilon")}
def letter_name(greek: str) -> str:
    """`varepsilon` -> `epsilon`: a var- form is the same letter."""
    if greek.startswith("var") and greek[3:] in GREEK:
        return greek[3:]
    return greek


ACCENTS = {
    "hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar", "tilde": "tilde", "widetilde": "tilde",
    "dot": "dot", "ddot": "ddot", "vec": "vec", "check": "check", "breve": "breve",
}
FONTS = (
    "mathbf", "boldsymbol", "bm", "mathcal", "mathrm", "mathit", "mathsf", "mathscr", "mathfrak", "mathbb",
    "mathtt", "operatorname", "text", "textrm", "textit", "textbf", "mathnormal",
)


@dataclass(frozen=True)
class SymbolName:
    """A symbol as names see it. `base`: 'W', 'alpha' (a var- form is the same letter); `accent`:
    'hat', 'bar_hat' (inside out) or None; `subscript`: '1', 'k', 'out', 't-1' or None; `primes`: the
    number of primes; `font`: only the letter-changing fonts (bold and upright are typography)."""

    base: str
    accent: str | None = None
    subscript: str | None = None
    primes: int = 0
    font: str | None = None  # "cal", "scr", "frak", "bb": `\\mathcal{L}` is not `L` where both appear

    @property
    def python(self) -> str:
        """The canonical Python spelling: `W_1`, `y_hat`, `m_hat_t`, `alpha`, `H_out`."""
        parts = [self.base]
        if self.accent:
            parts.append(self.accent)
        if self.subscript:
            parts.append(self.subscript)
        text = "_".join(parts)
        return text + "_prime" * self.primes

    def keys(self, *, twin: bool = False) -> set[str]:
        """Every spelling, without underscores, that names this symbol. `twin`: the same letter
        without this symbol's font also appears, so only `L_cal` names `\\mathcal{L}`."""
        bases = [self.base, *(_ALIASES.get(self.base, ()))]
        sub = self.subscript or ""
        prime = "prime" * self.primes
        keys: set[str] = set()
        for base in bases:
            if self.accent:
                accent = self.accent
                keys |= {base + accent + sub, base + sub + accent, accent + base + sub}
            else:
                keys.add(base + sub)
        if prime:
            keys = {k + prime for k in keys} | {k + "p" * self.primes for k in keys}
        if self.font:
            with_font = {k + self.font for k in keys} | {
                self.base + self.font + k[len(self.base):] for k in keys if k.startswith(self.base)}
            keys = with_font if twin else keys | with_font
        return {_squash(k) for k in keys}

    def __str__(self) -> str:
        return self.python


def _squash(name: str) -> str:
    return name.translate(_DROPPED)


_DROPPED = str.maketrans("", "", "_{}^")


def python_key(name: str) -> str:
    """A Python name as a key: underscores, braces and carets dropped (`W_{ij}`, `W^Q`), Unicode
    Greek spelled out."""
    spelled = "".join(_UNICODE_GREEK.get(ch, ch) for ch in name)
    return _squash(spelled)


_COMMAND = re.compile(r"\\([A-Za-z]+)\s*")


def parse_symbol_tex(tex: str) -> SymbolName:
    """A `SymbolName` from a symbol's TeX: `\\lambda`, `\\hat{y}`, `W_1`, `\\mathbf{b}_1`, `H_{\\text{out}}`.

    Raises ValueError for TeX that is not one symbol.
    """
    text = tex.strip()
    accent: str | None = None
    primes = 0
    subscript: str | None = None
    # Peel accents and fonts around the letter: \hat{\mathbf{y}}, \mathbf{\hat{y}}.
    base_part, sub_part = _split_subscript(text)
    while True:
        base_part = base_part.strip()
        while base_part.endswith("'"):
            primes += 1
            base_part = base_part[:-1].rstrip()
        match = _COMMAND.match(base_part)
        if match and (match.group(1) in ACCENTS or match.group(1) in FONTS):
            inner = _braced(base_part[match.end():])
            if inner is None:
                raise ValueError(f"not a symbol: {tex!r}")
            if match.group(1) in ACCENTS:
                accent = ACCENTS[match.group(1)]
            base_part = inner
            continue
        break
    match = _COMMAND.fullmatch(base_part)
    if match and match.group(1) in GREEK:
        base = letter_name(match.group(1))
    elif re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", base_part):
        base = base_part
    elif len(base_part) == 1 and base_part in _UNICODE_GREEK:
        base = _UNICODE_GREEK[base_part]
    else:
        raise ValueError(f"not a symbol: {tex!r}")
    if sub_part is not None:
        subscript = subscript_text(sub_part)
        if subscript is None:
            raise ValueError(f"not a symbol: {tex!r}")
    return SymbolName(base, accent, subscript, primes)


def subscript_text(tex: str) -> str | None:
    """The subscript as a name part: `1`, `k`, `out` from `{\\text{out}}`, `alpha` from `\\alpha`."""
    text = tex.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1].strip()
    match = _COMMAND.match(text)
    if match and match.group(1) in FONTS:
        inner = _braced(text[match.end():])
        if inner is None:
            return None
        text = inner.strip()
    match = _COMMAND.fullmatch(text)
    if match and match.group(1) in GREEK:
        return match.group(1)
    if re.fullmatch(r"[A-Za-z0-9]+", text):
        return text
    return None


def _split_subscript(text: str) -> tuple[str, str | None]:
    depth = 0
    for i, ch in enumerate(text):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "_" and depth == 0:
            return text[:i], text[i + 1:]
    return text, None


def _braced(text: str) -> str | None:
    text = text.strip()
    if not text.startswith("{"):
        return text[:1] if text[:1].isalpha() else None
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0:
            return text[1:i] if text[i + 1:].strip() == "" else None
    return None


def _plain(symbol: SymbolName) -> SymbolName:
    return SymbolName(symbol.base, symbol.accent, symbol.subscript, symbol.primes)


def match_values(
    values: Mapping[str, object],
    symbols: Iterable[SymbolName],
    explicit: Mapping[str, SymbolName] | None = None,
) -> tuple[dict[SymbolName, str], list[str]]:
    """Which given value each symbol takes: {symbol: python name}, and the names that match no symbol.

    An explicit mapping wins; then a Python name equal to the symbol's canonical spelling; then the
    spellings of `SymbolName.keys`.
    """
    symbols = list(dict.fromkeys(symbols))
    chosen: dict[SymbolName, str] = {}
    used: set[str] = set()
    for name, target in (explicit or {}).items():
        if name not in values:
            continue
        chosen[target] = name
        used.add(name)
    plain = {_plain(s) for s in symbols if s.font is None}
    symbols.sort(key=lambda s: s.font is not None)  # `L` takes the value L before `\\mathcal{L}` may
    for sym in symbols:
        if sym in chosen or (sym.font is not None and _plain(sym) in plain):
            continue
        if sym.python in values and sym.python not in used:
            chosen[sym] = sym.python
            used.add(sym.python)
    by_key: dict[str, list[str]] = {}
    for name in values:
        if name not in used:
            by_key.setdefault(python_key(name), []).append(name)
    for sym in symbols:
        if sym in chosen:
            continue
        for key in sorted(sym.keys(twin=sym.font is not None and _plain(sym) in plain)):
            names = [n for n in by_key.get(key, []) if n not in used]
            if names:
                chosen[sym] = names[0]
                used.add(names[0])
                break
    return chosen, [name for name in values if name not in used]
