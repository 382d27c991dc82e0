"""Letters written side by side that spell a longer name: `PE_{(p, 2i)}`, `lr`.

TeX has no way to say that `PE` is one name, so `PE` parses as `P` times `E`. A run of plain
letters is joined into one name, by longest match, when that name is known: declared by the
document (`PE \\in \\mathbb{R}^{L\\times d}`, or the left side of a definition `PE_{(p,2i)} = ...`)
or given at check time (`vt.check(..., PE=pe)`). The last letter of a run may carry the run's
subscript, superscript, transpose or power: `PE_{(p, 2i)}` is the name `PE` indexed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from veritex.math import ast
from veritex.math.rewrite import Rewrite, rewrite, rewrite_expr


def plain_letter(node: ast.Expr) -> str | None:
    """The ASCII letter a bare symbol is (`P`), or None for anything else (`\\alpha`, `\\mathbf{x}`)."""
    if isinstance(node, ast.Symbol) and node.font is None and not node.accents and \
            len(node.name) == 1 and node.name.isascii() and node.name.isalpha():
        return node.name
    return None


def _innermost_letter(node: ast.Expr) -> str | None:
    if isinstance(node, ast.Subscript | ast.SuperIndex | ast.Power):
        return _innermost_letter(node.base)
    if isinstance(node, ast.Transpose):
        return _innermost_letter(node.operand)
    return plain_letter(node)


def _rename_innermost(node: ast.Expr, word: str, start: int) -> ast.Expr:
    if isinstance(node, ast.Subscript):
        return ast.Subscript(_rename_innermost(node.base, word, start), node.index, span=(start, node.span[1]))
    if isinstance(node, ast.SuperIndex):
        return ast.SuperIndex(_rename_innermost(node.base, word, start), node.index, node.bracket,
                              span=(start, node.span[1]))
    if isinstance(node, ast.Power):
        return ast.Power(_rename_innermost(node.base, word, start), node.exponent, span=(start, node.span[1]))
    if isinstance(node, ast.Transpose):
        return ast.Transpose(_rename_innermost(node.operand, word, start), span=(start, node.span[1]))
    return ast.Symbol(word, span=(start, node.span[1]))


def _spelled(run: list[ast.Expr]) -> str | None:
    """The word a run of factors spells: plain letters, the last one possibly scripted."""
    letters = [plain_letter(f) for f in run[:-1]] + [_innermost_letter(run[-1])]
    return None if any(c is None for c in letters) else "".join(c or "" for c in letters)


def join_words(factors: list[ast.Expr], known: Collection[str]) -> list[ast.Expr]:
    """The factors of a juxtaposition with each run that spells a known name joined into it,
    longest match first (`P E_{...}` -> `PE_{...}`)."""
    if not known:
        return factors
    out: list[ast.Expr] = []
    k = 0
    while k < len(factors):
        for end in range(len(factors), k + 1, -1):
            word = _spelled(factors[k:end])
            if word is not None and word in known:
                out.append(_rename_innermost(factors[end - 1], word, factors[k].span[0]))
                k = end
                break
        else:
            out.append(factors[k])
            k += 1
    return out


def _joiner(known: Collection[str]) -> Rewrite:
    def join(sub: ast.Node) -> ast.Node | None:
        if not isinstance(sub, ast.Juxt):
            return None
        factors = [rewrite_expr(f, join) for f in sub.factors]
        joined = join_words(factors, known)
        if len(joined) == len(sub.factors) and all(a is b for a, b in zip(joined, sub.factors, strict=True)):
            return sub  # nothing joined: keep the node, so that an unchanged formula is shared
        return joined[0] if len(joined) == 1 else ast.Juxt(tuple(joined), span=sub.span)

    return join


def join_known_words(node: ast.Expr, known: Collection[str]) -> ast.Expr:
    """`node` with every juxtaposition's runs of letters joined into the known names they spell."""
    return rewrite_expr(node, _joiner(known)) if known else node


def join_in_formula(formula: ast.Formula, known: Collection[str]) -> ast.Formula:
    """The whole formula (statements, conditions, shape declarations) with known words joined."""
    if not known:
        return formula
    out = rewrite(formula, _joiner(known))
    assert isinstance(out, ast.Formula)
    return out


def run_word(node: ast.Expr) -> str | None:
    """The word a node written as a run of two or more letters spells (`PE`, `PE_{(p,2i)}`), else None."""
    if isinstance(node, ast.Juxt) and len(node.factors) >= 2:
        return _spelled(list(node.factors))
    return None


def declared_words(formula: ast.Formula) -> set[str]:
    """Names of two or more letters that a formula declares: shape declarations
    (`PE \\in \\mathbb{R}^{L\\times d}`) and the left sides of definitions (`PE_{(p, 2i)} = ...`)."""
    found: set[str] = set()
    for decl in formula.shapes:
        found.update(w for w in map(run_word, decl.targets) if w)
    for statement in formula.statements:
        if len(statement.sides) >= 2 and statement.relations[0] in ("=", "def"):
            word = run_word(statement.sides[0])
            if word:
                found.add(word)
    return found


def given_words(names: Iterable[str]) -> set[str]:
    """The Python names given at check time that are words of two or more ASCII letters (`PE`, `lr`)."""
    return {n for n in names if len(n) >= 2 and n.isascii() and n.isalpha()}


def letter_runs(node: ast.Node) -> set[str]:
    """Every word of two or more letters that consecutive factors of a juxtaposition spell."""
    found: set[str] = set()
    for sub in node.walk():
        if isinstance(sub, ast.Juxt):
            factors = list(sub.factors)
            for start in range(len(factors)):
                for end in range(start + 2, len(factors) + 1):
                    word = _spelled(factors[start:end])
                    if word is None:
                        break
                    found.add(word)
    return found
