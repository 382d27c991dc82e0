"""Fractions, roots and Leibniz derivatives: `\\frac{a}{b}`, `\\sqrt[n]{x}`, `\\frac{d}{dx} f`,
`\\frac{dy}{dx}`, `\\frac{\\partial^2 f}{\\partial x \\partial y}`. A fraction whose numerator and
denominator start with matching differentials is a derivative operator; any other is a quotient."""

from __future__ import annotations

from veritex.math import ast
from veritex.math.commands import BINARY_OPERATORS, FRACTIONS, RELATIONS
from veritex.math.errors import MathSyntaxError
from veritex.math.lexer import Token
from veritex.math.parsing.engine import COMMANDS, OPERATORS, Parser
from veritex.math.parsing.scripts import parse_script, parse_superscript


def _fraction(p: Parser, tok: Token) -> ast.Expr:
    p.advance()
    num = p.parse_argument(tok)
    den = p.parse_argument(tok)
    return ast.Frac(num, den, span=(tok.start, p.last_end))


def _root(p: Parser, tok: Token) -> ast.Expr:
    p.advance()
    index = None
    if p.peek().t == "[":
        p.advance()
        index = p.parse_expr()
        p.expect("]", "] after the root's index")
    radicand = p.parse_argument(tok)
    return ast.Sqrt(radicand, index, span=(tok.start, p.last_end))


# ---- derivatives ---------------------------------------------------------------------------------


def _differential_at(p: Parser, k: int, numerator: bool) -> tuple[str | None, int]:
    """('d' or 'partial', index after it) when a differential starts at token `k`."""
    toks, last = p.toks, p.last
    tok = toks[min(k, last)]
    nxt = toks[min(k + 1, last)]
    if tok.t == "cmd" and tok.value == "\\partial":
        return "partial", k + 1
    if tok.t == "letter" and tok.value == "d":
        follower = nxt
    elif tok.t == "cmd" and tok.value in ("\\mathrm", "\\mathit") and nxt.t == "{" and \
            toks[min(k + 2, last)].value == "d" and toks[min(k + 3, last)].t == "}":
        k += 3
        follower = toks[min(k + 1, last)]
    elif tok.t == "cmd" and tok.value == "\\mathrm" and nxt.t == "letter" and nxt.value == "d":
        k += 1
        follower = toks[min(k + 1, last)]
    elif tok.t in ("text", "opname") and (tok.arg or "").strip() == "d":
        follower = nxt
    else:
        return None, k
    if follower.t == "_":
        return None, k
    if numerator:
        if follower.t in ("}", "^", "letter", "(", "{", "text", "opname") or (
                follower.t == "cmd" and follower.value not in BINARY_OPERATORS
                and follower.value not in RELATIONS):
            return "d", k + 1
        return None, k
    if follower.t in ("letter", "cmd", "{", "text", "opname"):
        return "d", k + 1
    return None, k


def is_derivative_fraction(p: Parser) -> bool:
    """Whether the fraction command at the current token is a derivative operator."""
    k = p.i + 1
    if p.toks[min(k, p.last)].t != "{":
        return False
    kind, _ = _differential_at(p, k + 1, numerator=True)
    if kind is None:
        return False
    close = p.matching(k)
    if p.toks[min(close + 1, p.last)].t != "{":
        return False
    den_kind, _ = _differential_at(p, close + 2, numerator=False)
    return den_kind == kind


def _derivative(p: Parser, frac: Token) -> ast.Expr | None:
    if not is_derivative_fraction(p):
        return None
    p.advance()
    p.advance()  # "{"
    kind, k = _differential_at(p, p.i, numerator=True)
    p.skip_to(k)
    order, explicit = 1, False
    if p.peek().t == "^":
        p.advance()
        order, explicit = _parse_order(p), True
    body: ast.Expr | None = None
    if p.peek().t != "}":
        body = p.parse_expr()
    p.expect("}", "} to end the numerator")
    p.expect("{", "the denominator")
    variables: list[ast.Expr] = []
    orders: list[int] = []
    while p.peek().t != "}":
        den_kind, k = _differential_at(p, p.i, numerator=False)
        if den_kind != kind:
            symbol = "\\partial" if kind == "partial" else "d"
            raise p.error(p.peek(), f"expected {symbol}<variable> in the denominator")
        p.skip_to(k)
        variables.append(_parse_variable(p))
        n = 1
        if p.peek().t == "^":
            p.advance()
            n = _parse_order(p)
        orders.append(n)
    p.advance()  # "}"
    if sum(orders) != order and (explicit or sum(orders) != 1):
        raise MathSyntaxError(frac.start, frac.value, "the derivative's orders do not match: "
                              f"{order} above, {sum(orders)} below", kind="malformed")
    if body is None:
        if not p.can_start_factor(p.peek()):
            raise p.error(frac, "this derivative operator has nothing to differentiate", kind="malformed")
        body = p.parse_product()
    return ast.Derivative(body, tuple(variables), tuple(orders), kind == "partial",
                          span=(frac.start, p.last_end))


def _parse_order(p: Parser) -> int:
    tok = p.peek()
    if tok.t == "num" and tok.value.isdigit():
        return int(p.split_first_digit().value)
    if tok.t == "{" and p.peek(1).t == "num" and p.peek(1).value.isdigit() and p.peek(2).t == "}":
        p.advance()
        value = int(p.advance().value)
        p.advance()
        return value
    raise p.error(tok, "a derivative's order must be a whole number")


def _parse_variable(p: Parser) -> ast.Expr:
    """The variable after a denominator's differential: `x`, `w_1`, `x^{(i)}`."""
    start = p.peek().start
    var = p.parse_primary(postfix=False)
    if p.peek().t == "_":
        p.advance()
        var = ast.Subscript(var, parse_script(p), span=(start, p.last_end))
    if p.peek().t == "^" and p.peek(1).t == "{" and p.peek(2).t in ("(", "["):
        p.advance()
        kind, value, bracket = parse_superscript(p, var)
        if kind != "index" or value is None:
            raise p.error(p.peek(), "cannot read this differentiation variable")
        var = ast.SuperIndex(var, value, bracket, span=(start, p.last_end))
    base = var.base if isinstance(var, ast.Subscript | ast.SuperIndex) else var
    if isinstance(base, ast.Subscript):
        base = base.base
    if not isinstance(base, ast.Symbol):
        raise MathSyntaxError(start, "a differentiation variable",
                              "the variable of a derivative must be a name", kind="unsupported")
    return var


COMMANDS.update(dict.fromkeys(FRACTIONS, _fraction))
COMMANDS["\\sqrt"] = _root
OPERATORS.update(dict.fromkeys(FRACTIONS, _derivative))
