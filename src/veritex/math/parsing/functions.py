"""Functions and their application: `\\log x`, `\\sin^2 x`, `\\log_2 n`, `f(x)`, `J(w, b)`,
`\\mathcal{L}(\\theta)`, `\\mathrm{softmax}(z)`, `\\operatorname{relu} x`, `\\sigma(\\cdot)`.

Juxtaposition is multiplication unless the name before the parentheses is a function: a function
letter (FUNCTION_LETTERS, or one the document declares), an upright word, or any name when the
parentheses hold a comma list or a conditioning bar."""

from __future__ import annotations

from veritex.math import ast
from veritex.math.commands import (
    BIG_OPERATOR_WORDS,
    FRACTIONS,
    FUNCTION_COMMANDS,
    FUNCTION_LETTERS,
    FUNCTION_WORDS,
    SIZING,
)
from veritex.math.lexer import Token
from veritex.math.parsing.delimiters import close_delimiter, parse_group_item
from veritex.math.parsing.engine import FACTOR_RULES, OPERATORS, Parser, is_bracket
from veritex.math.parsing.fractions import is_derivative_fraction
from veritex.math.parsing.nodes import callable_head, word_of
from veritex.math.parsing.scripts import parse_script

_OPERATOR_WORDS = FUNCTION_WORDS | set(BIG_OPERATOR_WORDS)


def _function_command(p: Parser, tok: Token) -> ast.Expr:
    """`\\log x`, `\\exp(x)`, `\\sin^2 x`, `\\log_2 n`."""
    p.advance()
    start = tok.start
    head: ast.Expr = ast.Symbol(tok.value[1:], "op", span=(tok.start, tok.end))
    power: ast.Expr | None = None
    sub: ast.Expr | None = None
    primes = 0
    while True:
        nxt = p.peek()
        if nxt.t == "_" and sub is None:
            p.advance()
            sub = parse_script(p)
        elif nxt.t == "^" and power is None:
            p.advance()
            power = parse_script(p)
        elif nxt.t == "'":
            p.advance()
            primes += 1
        else:
            break
    if sub is not None:
        if tok.value not in ("\\log",):
            raise p.error(tok, f"a subscript on {tok.value}")
        head = ast.Subscript(head, sub, span=(start, p.last_end))
    if primes:
        head = ast.Prime(head, primes, span=(start, p.last_end))
    if power is not None and isinstance(power, ast.Neg):
        raise p.error(tok, f"{tok.value}^{{-1}} (an inverse function)", hint="write \\arcsin, \\arccos, \\arctan")
    if at_call_paren(p):
        args = parse_call_args(p)
    elif p.can_start_factor(p.peek()):
        args = (parse_function_argument(p),)
    else:
        raise p.error(tok, f"{tok.value} has no argument", kind="malformed")
    node: ast.Expr = ast.Apply(head, args, span=(start, p.last_end))
    if power is not None:
        node = ast.Power(node, power, span=(start, p.last_end))
    return p.parse_postfix(node)


def _apply(p: Parser, node: ast.Expr) -> ast.Expr:
    """Turn `f(x)`-like juxtapositions into applications (see FUNCTION_LETTERS)."""
    start = node.span[0]
    if at_call_paren(p):
        head = callable_head(node)
        if head is not None and (_is_function_name(p, head) or _paren_holds_arguments(p)):
            args = parse_call_args(p)
            applied = ast.Apply(node, args, span=(start, p.last_end))
            return p.parse_postfix(applied)
        if isinstance(node, ast.Power) and _is_function_name(p, callable_head(node.base)):
            raise p.error(p.peek(), "a power or inverse of a function (f^{-1}(x), f^2(x)) is not read; "
                                    "write f(x)^2")
        return node
    if isinstance(node, ast.Symbol) and node.is_word and node.font in ("rm", "op", "text") \
            and node.name.lower() in FUNCTION_WORDS and p.can_start_factor(p.peek()):
        arg = parse_function_argument(p)
        return ast.Apply(node, (arg,), span=(start, p.last_end))
    return node


def _is_function_name(p: Parser, head: ast.Symbol | None) -> bool:
    if head is None or head.font == "bf" or "vec" in head.accents:
        return False
    if head.is_word and head.font in ("rm", "op", "text", "it", "sf", "tt"):
        return True
    return head.name in FUNCTION_LETTERS or head.name in p.functions


def at_call_paren(p: Parser) -> bool:
    tok = p.peek()
    if tok.t == "(":
        return True
    if tok.t == "cmd" and (tok.value == "\\left" or tok.value in SIZING):
        return p.peek(1).t == "("
    return False


def _paren_holds_arguments(p: Parser) -> bool:
    """Whether the parentheses ahead hold a comma list or a conditioning bar: `J(w, b)`,
    `\\pi(a \\mid s)`, `D(P \\| Q)`, which are applications whatever the letter before."""
    bars = 0
    separator = False
    for tok, depth in p.tokens_ahead(p.i + (0 if p.peek().t == "(" else 1)):
        t = tok.t
        if is_bracket(tok):
            if depth == 0:
                break
        elif depth == 1:
            if t in (",", ";") or (t == "cmd" and tok.value in ("\\mid", "\\parallel")):
                separator = True
            elif t == "|" or (t == "cmd" and tok.value in ("\\|", "\\Vert")):
                bars += 1
    return separator or bars % 2 == 1


def parse_call_args(p: Parser) -> tuple[ast.Expr, ...]:
    """The parenthesised arguments of an application; `\\cdot` alone stands for a placeholder."""
    open_tok = p.peek()
    left = open_tok.t == "cmd" and open_tok.value == "\\left"
    if open_tok.t == "cmd":
        p.advance()
    p.advance()  # "("
    saved = p.abs_open, p.norm_open
    p.abs_open = p.norm_open = 0
    args: list[ast.Expr] = []
    while True:
        tok = p.peek()
        if p.is_cmd(tok, "\\cdot") and p.peek(1).t in (",", ")") or (
                p.is_cmd(tok, "\\cdot") and p.is_cmd(p.peek(1), "\\right", *SIZING)):
            p.advance()
            args.append(ast.Placeholder(span=(tok.start, tok.end)))
        else:
            args.append(parse_group_item(p))
        if p.peek().t == ",":
            p.advance()
            continue
        break
    close_delimiter(p, "(", left, open_tok)
    p.abs_open, p.norm_open = saved
    return tuple(args)


def parse_function_argument(p: Parser) -> ast.Expr:
    """The argument of `\\log x`, `\\sin 2\\theta`: factors up to the next operator-like
    factor, so `\\sin x \\cos y` is a product of two applications."""
    start = p.peek().start
    factors = [p.parse_factor()]
    while p.can_start_factor(p.peek()) and not _starts_operator(p, p.peek()):
        factors.append(p.parse_factor())
    if len(factors) == 1:
        return factors[0]
    return ast.Juxt(tuple(factors), span=(start, p.last_end))


def _starts_operator(p: Parser, tok: Token) -> bool:
    if tok.t == "cmd":
        if tok.value in FRACTIONS:
            return is_derivative_fraction(p)
        return tok.value in OPERATORS
    if tok.t in ("opname", "text"):
        word = word_of(tok.arg or "", opname=tok.t == "opname")
        return word is not None and word.lower() in _OPERATOR_WORDS
    return False


OPERATORS.update(dict.fromkeys(FUNCTION_COMMANDS, _function_command))
FACTOR_RULES.append(_apply)
