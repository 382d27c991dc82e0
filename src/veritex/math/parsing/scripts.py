"""Scripts and the other postfix operators: subscripts, powers, transposes (`^\\top`, `^T`),
primes (`f'`, `^{\\prime}`), stars (`x^*`), bracketed indices (`y^{(i)}`, `W^{[l]}`), capital
superscript names (`W^Q`), then factorials (`n!`) and percent signs."""

from __future__ import annotations

from veritex.math import ast
from veritex.math.errors import MathSyntaxError
from veritex.math.parsing.engine import POSTFIXES, Parser, Postfix
from veritex.math.parsing.nodes import is_capital_name, with_accent

_TRANSPOSE_COMMANDS = frozenset({"\\top", "\\intercal", "\\T"})
_STAR_COMMANDS = frozenset({"\\ast", "\\star"})

SCRIPTS = 0
AFTER_SCRIPTS = 1
"""Postfix stages: `x_i^2!` is read, `x!^2` is not."""


def parse_script(p: Parser) -> ast.Expr:
    """A subscript or a superscript read as a value."""
    node = p.parse_unit("an empty script")
    if node is not None:
        return node
    tok = p.peek()
    if tok.t == "-":
        raise p.error(tok, "a script that starts with '-'", kind="malformed",
                      hint="put the script in braces, as in x^{-1}")
    raise p.error(tok, "a script is missing here", kind="malformed")


def parse_superscript(p: Parser, base: ast.Expr) -> tuple[str, ast.Expr | None, str]:
    """What a superscript means: ("T", None) for a transpose, ("prime", Number) for primes,
    ("star", None), ("index", index) for `^{(i)}` / `^{[l]}` / `W^Q`, else ("power", exp);
    the third item is the index's bracket ("(", "[" or "")."""
    tok = p.peek()
    if (tok.t == "cmd" and tok.value in _TRANSPOSE_COMMANDS) or (
            tok.t == "letter" and tok.value == "T"):
        p.advance()
        return "T", None, ""
    if p.is_cmd(tok, "\\prime"):
        p.advance()
        return "prime", ast.Number("1"), ""
    if tok.t == "*" or (tok.t == "cmd" and tok.value in _STAR_COMMANDS):
        p.advance()
        return "star", None, ""
    if tok.t == "{":
        inner = p.peek(1)
        closes = p.peek(2).t == "}"
        if closes and ((inner.t == "cmd" and inner.value in _TRANSPOSE_COMMANDS)
                       or (inner.t == "letter" and inner.value == "T")):
            p.skip_to(p.i + 3)
            return "T", None, ""
        if closes and (inner.t == "*" or (inner.t == "cmd" and inner.value in _STAR_COMMANDS)):
            p.skip_to(p.i + 3)
            return "star", None, ""
        if p.is_cmd(inner, "\\prime"):
            p.advance()
            count = 0
            while p.is_cmd(p.peek(), "\\prime"):
                p.advance()
                count += 1
            p.expect("}", "} after the primes")
            return "prime", ast.Number(str(count)), ""
        if inner.t in ("(", "["):
            close = p.matching(p.i + 1)
            if p.toks[min(close + 1, p.last)].t == "}":
                p.advance()
                bracket = p.advance()
                if p.peek().t in (")", "]"):
                    raise p.error(bracket, "empty brackets", kind="malformed")
                index = p.parse_group_content()
                p.expect(")" if bracket.t == "(" else "]", "the closing bracket")
                p.expect("}", "}")
                return "index", index, bracket.t
    value = parse_script(p)
    if isinstance(value, ast.Symbol) and value.name == "T" and value.font in ("sf", "rm", "text"):
        return "T", None, ""
    if isinstance(value, ast.Symbol) and value.font is None and not value.accents and \
            len(value.name) == 1 and value.name.isupper() and value.name.isascii() and \
            is_capital_name(base):
        return "index", value, ""
    return "power", value, ""


def _scripts(p: Parser, node: ast.Expr) -> ast.Expr:
    """A run of `_`, `^` and `'` after a primary, read as one: at most one of each script."""
    start = node.span[0]
    sub: ast.Expr | None = None
    sup_kind: str | None = None
    sup: ast.Expr | None = None
    bracket = ""
    primes = 0
    while True:
        tok = p.peek()
        if tok.t == "_":
            if sub is not None:
                raise p.error(tok, "a double subscript", kind="malformed", hint="use braces: x_{ij}")
            p.advance()
            sub = parse_script(p)
        elif tok.t == "^":
            if sup_kind is not None:
                raise p.error(tok, "a double superscript", kind="malformed", hint="use braces: x^{ab}")
            p.advance()
            sup_kind, sup, bracket = parse_superscript(p, node if sub is None else ast.Subscript(node, sub))
        elif tok.t == "'" and sup_kind is None:
            p.advance()
            primes += 1
        else:
            break
    if primes:
        node = ast.Prime(node, primes, span=(start, p.last_end))
    if sub is not None:
        if isinstance(node, ast.Norm) and node.order is None:
            node = ast.Norm(node.body, sub, span=(start, p.last_end))
        else:
            node = ast.Subscript(node, sub, span=(start, p.last_end))
    if sup_kind is None:
        return node
    span = (start, p.last_end)
    if sup_kind == "T":
        return ast.Transpose(node, span=span)
    if sup_kind == "prime":
        assert isinstance(sup, ast.Number)
        count = int(sup.value)
        if isinstance(node, ast.Prime):
            return ast.Prime(node.operand, node.order + count, span=span)
        return ast.Prime(node, count, span=span)
    if sup_kind == "star":
        starred = with_accent("star", node, span)
        if isinstance(starred, ast.Accent):
            raise MathSyntaxError(start, "^*", "a star on something that is not a name")
        return starred
    assert sup is not None
    if sup_kind == "index":
        return ast.SuperIndex(node, sup, bracket, span=span)
    return ast.Power(node, sup, span=span)


def _factorial(p: Parser, node: ast.Expr) -> ast.Expr:
    p.advance()  # TeX has no `!=`: `n! = ...` is a factorial
    return ast.Factorial(node, span=(node.span[0], p.last_end))


def _percent(p: Parser, node: ast.Expr) -> ast.Expr:
    p.advance()
    return ast.Percent(node, span=(node.span[0], p.last_end))


_SCRIPT_RULE = Postfix(_scripts, SCRIPTS, repeats=False)
POSTFIXES.update({"_": _SCRIPT_RULE, "^": _SCRIPT_RULE, "'": _SCRIPT_RULE,
                  "!": Postfix(_factorial, AFTER_SCRIPTS, repeats=True),
                  "\\%": Postfix(_percent, AFTER_SCRIPTS, repeats=True)})
