"""Integrals: `\\int_a^b f(x)\\,dx`, `\\int f(x) \\; \\mathrm{d}x`, `\\int_0^\\infty\\int_0^{2\\pi} g\\,d\\theta\\,dr`.

The differential ends the integrand: before reading the body, the differentials ahead at the same
bracket depth (up to a relation, a row or the end of the group) are marked as places where no factor
starts, so the body stops at its `dx` and a nested integral takes the innermost one. A subscript
without a superscript is a region (`\\int_{\\mathbb{R}^2}`, `\\int_x`), kept as such."""

from __future__ import annotations

from veritex.math import ast
from veritex.math.commands import GREEK, RELATIONS
from veritex.math.lexer import Token
from veritex.math.parsing.engine import OPERATORS, Parser, is_bracket
from veritex.math.parsing.scripts import parse_script

_UPRIGHT = frozenset({"\\mathrm", "\\mathit", "\\operatorname"})
_VECTOR_FONTS = frozenset({"\\mathbf", "\\boldsymbol", "\\bm", "\\vec"})
_ENDS = frozenset({"rowsep", "&", "end", "eof", "=", "<", ">"})


def _d_width(p: Parser, j: int) -> int:
    """How many tokens the `d` of a differential takes at index `j` (0: none starts there)."""
    tok = p.toks[j]
    if tok.t == "letter" and tok.value == "d":
        return 1
    if tok.t == "text" and (tok.arg or "").strip() == "d":
        return 1
    if tok.t == "cmd" and tok.value in _UPRIGHT and p.toks[j + 1].t == "{" \
            and p.toks[j + 2].t == "letter" and p.toks[j + 2].value == "d" and p.toks[j + 3].t == "}":
        return 4
    return 0


def _variable_start(tok: Token) -> bool:
    return tok.t == "letter" or (tok.t == "cmd" and (tok.value in GREEK or tok.value in _VECTOR_FONTS))


def _differentials_ahead(p: Parser) -> list[int]:
    """Token indices of the differentials (`d` then a variable) ahead at depth 0."""
    found: list[int] = []
    depth = 0
    j = p.i
    while j < p.last:
        tok = p.toks[j]
        if is_bracket(tok):
            if tok.t in ("(", "[", "{") or (tok.t == "cmd" and tok.value == "\\left"):
                depth += 1
            else:
                depth -= 1
            if depth < 0:
                break
            j += 2 if tok.t == "cmd" else 1  # `\left(`: the delimiter goes with it
            continue
        if depth == 0:
            if tok.t in _ENDS or (tok.t == "cmd" and tok.value in RELATIONS):
                break
            width = _d_width(p, j)
            if width and _variable_start(p.toks[j + width]):
                found.append(j)
        j += 1
    return found


def _read_variable(p: Parser, tok: Token) -> ast.Expr:
    """The variable after the differential's `d` (at the current token)."""
    for _ in range(_d_width(p, p.i)):
        p.advance()
    if not _variable_start(p.peek()):
        raise p.error(tok, "an integral whose differential names no variable", kind="malformed")
    return p.parse_primary(postfix=False)


def _integral(p: Parser, tok: Token) -> ast.Expr:
    p.advance()
    lower = upper = None
    has_sub = has_sup = False
    while True:
        nxt = p.peek()
        if nxt.t == "_" and not has_sub:
            has_sub = True
            p.advance()
            lower = parse_script(p)
        elif nxt.t == "^" and not has_sup:
            has_sup = True
            p.advance()
            upper = parse_script(p)
        else:
            break
    marks = _differentials_ahead(p)
    if not marks:
        raise p.error(tok, "an integral without its differential (write dx after the integrand)")
    p.stops.update(marks)
    if p.i in p.stops:
        body: ast.Expr = ast.Number("1", span=(p.peek().start, p.peek().start))
    else:
        body = p.parse_expr()
    if p.i not in p.stops:
        raise p.error(p.peek(), "the integrand does not end with its differential (dx)")
    variable = _read_variable(p, tok)
    if has_sub and not has_sup:
        return ast.Integral(body, variable, region=lower, span=(tok.start, p.last_end))
    if has_sup and not has_sub:
        raise p.error(tok, "an integral with an upper limit only", kind="malformed")
    return ast.Integral(body, variable, lower, upper, span=(tok.start, p.last_end))


OPERATORS["\\int"] = _integral
