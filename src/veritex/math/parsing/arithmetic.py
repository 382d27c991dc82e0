"""Sums and explicit products: the signs before a sum's first term and the infix operators with
their binding powers (juxtaposition is the engine's own: see Parser.parse_product)."""

from __future__ import annotations

from veritex.math import ast
from veritex.math.commands import BINARY_OPERATORS
from veritex.math.lexer import Token
from veritex.math.parsing.engine import INFIXES, PREFIXES, PRODUCT, SUM, Infix, Parser, Prefix


def _negated(p: Parser, tok: Token) -> ast.Expr:
    p.advance()
    operand = p.parse_term()
    return ast.Neg(operand, span=(tok.start, p.last_end))


def _plus(p: Parser, tok: Token) -> ast.Expr:
    p.advance()
    return p.parse_term()


def _leading_pm(p: Parser, tok: Token) -> ast.Expr:
    raise p.error(tok, "a leading \\pm (write the two cases separately)")


def _term(p: Parser) -> ast.Expr:
    return p.parse_term()


def _product_operand(p: Parser) -> ast.Expr:
    """After `\\cdot`, `\\times`...: a product, or a negated one (`a \\cdot -b`)."""
    if p.peek().t == "-":
        neg_start = p.advance().start
        return ast.Neg(p.parse_product(), span=(neg_start, p.last_end))
    return p.parse_product()


def _divisor(p: Parser) -> ast.Expr:
    """After `/`: one factor; `a/bc` is refused rather than guessed."""
    right = p.parse_factor()
    if p.can_start_factor(p.peek()):
        raise p.error(p.peek(), "a/bc is ambiguous", hint="write \\frac{a}{bc} or (a/b)c")
    return right


PREFIXES.update({"-": Prefix(_negated), "+": Prefix(_plus),
                 "\\pm": Prefix(_leading_pm), "\\mp": Prefix(_leading_pm)})
INFIXES.update({"+": Infix("+", SUM, _term), "-": Infix("-", SUM, _term),
                "\\pm": Infix("pm", SUM, _term), "\\mp": Infix("mp", SUM, _term),
                "/": Infix("/", PRODUCT, _divisor), "*": Infix("ast", PRODUCT, _product_operand)})
INFIXES.update({command: Infix(op, PRODUCT, _divisor if op == "/" else _product_operand)
                for command, op in BINARY_OPERATORS.items() if command not in ("\\pm", "\\mp")})
