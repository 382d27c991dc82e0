"""Delimited constructs: parentheses and brackets (plain, `\\left`/`\\right` and sized), absolute
values, norms, floors, ceilings, sets, set-builders and indexed families, and the separators
inside parentheses (`p(y \\mid x)`, `D(P \\| Q)`, `f(x; \\theta)`)."""

from __future__ import annotations

from collections.abc import Callable

from veritex.math import ast
from veritex.math.commands import CLOSE_DELIMITERS, OPEN_DELIMITERS, SIZING
from veritex.math.lexer import Token
from veritex.math.parsing.engine import ATOMS, COMMANDS, Parser, key_of
from veritex.math.parsing.ranges import parse_range
from veritex.math.parsing.scripts import parse_script
from veritex.math.parsing.statements import parse_bindings, parse_statement

Delimited = Callable[[Parser, str, bool, Token], ast.Expr]
"""Reads what follows an opening delimiter of a kind (`(`, `|`, `floor`...) up to and including
its closer; `left` says whether it was opened by `\\left`."""


# ---- separators inside parentheses ---------------------------------------------------------------


def parse_group_item(p: Parser) -> ast.Expr:
    """An expression inside parentheses, where `|`, `\\mid`, `\\|` and `;` separate."""
    start = p.peek().start
    left = p.parse_expr()
    while True:
        tok = p.peek()
        if (tok.t == "|" and p.abs_open == 0) or p.is_cmd(tok, "\\mid", "\\vert"):
            op = "given"
        elif p.is_cmd(tok, "\\middle") and p.peek(1).t == "|":
            p.advance()
            op = "given"
        elif (p.is_cmd(tok, "\\|", "\\Vert") and p.norm_open == 0) or p.is_cmd(tok, "\\parallel"):
            op = "parallel"
        elif tok.t == ";":
            op = ";"
        else:
            return left
        p.advance()
        right = p.parse_expr()
        left = ast.BinOp(op, left, right, span=(start, p.last_end))


# ---- openers and closers -----------------------------------------------------------------------


def _plain(p: Parser, tok: Token) -> ast.Expr:
    """A delimiter with no `\\left` or size before it: `(`, `|`, `\\{`, `\\lVert`, `\\lfloor`..."""
    kind = OPEN_DELIMITERS[key_of(tok)]
    p.advance()
    return _DELIMITED[kind](p, kind, False, tok)


def _left_right(p: Parser, left_tok: Token) -> ast.Expr:
    p.advance()
    delim = p.advance()
    kind = OPEN_DELIMITERS.get(key_of(delim))
    if kind is None:
        raise p.error(delim, "\\left needs a delimiter such as ( [ \\{ | \\lVert .", kind="malformed")
    read = _DELIMITED.get(kind)
    if read is not None:
        return read(p, kind, True, left_tok)
    if kind == "angle":
        raise p.error(delim, "angle brackets are not in veritex's math subset")
    # \left. ... \right| is an evaluation bar, \left. ... \right. just a group
    saved = p.abs_open, p.norm_open
    p.abs_open = p.norm_open = 0
    body = p.parse_expr()
    p.abs_open, p.norm_open = saved
    if not p.is_cmd(p.peek(), "\\right"):
        raise p.error(left_tok, "\\left. has no matching \\right", kind="malformed")
    p.advance()
    close = p.advance()
    close_key = key_of(close)
    if close_key == ".":
        return body
    if CLOSE_DELIMITERS.get(close_key) == "|" and p.peek().t == "_":
        p.advance()
        at = parse_bindings(p)
        return ast.Evaluated(body, at, span=(left_tok.start, p.last_end))
    raise p.error(close, "\\left. is closed only by \\right. or \\right|_{x=a}", kind="unsupported")


def _sized(p: Parser, size_tok: Token) -> ast.Expr:
    p.advance()
    delim = p.peek()
    key = key_of(delim)
    kind = OPEN_DELIMITERS.get(key)
    if kind is None or key == ".":
        raise p.error(size_tok, f"{size_tok.value} needs a delimiter after it", kind="malformed")
    p.advance()
    read = _DELIMITED.get(kind)
    if read is None:
        raise p.error(delim, "angle brackets are not in veritex's math subset")
    return read(p, kind, False, delim)


def close_delimiter(p: Parser, kind: str, left: bool, open_tok: Token) -> None:
    tok = p.peek()
    if left:
        if not p.is_cmd(tok, "\\right"):
            raise p.error(open_tok, f"{open_tok.source()} has no matching \\right", kind="malformed")
        p.advance()
        tok = p.peek()
    elif tok.t == "cmd" and tok.value in SIZING:
        p.advance()
        tok = p.peek()
    key = key_of(tok)
    if CLOSE_DELIMITERS.get(key) != kind or key == ".":
        opener = open_tok.source()
        raise p.error(open_tok, f"{opener} is never closed" if tok.t == "eof" else
                      f"{opener} is closed by {tok.source()}", kind="malformed")
    p.advance()


# ---- what lies between -------------------------------------------------------------------------


def _bracketed(p: Parser, kind: str, left: bool, open_tok: Token) -> ast.Expr:
    """The inside of ( ) or [ ] whose opener was just read, and its closer."""
    saved = p.abs_open, p.norm_open
    p.abs_open = p.norm_open = 0
    start = p.peek().start
    if p.peek().t in (")", "]"):
        raise p.error(p.peek(), "empty brackets", kind="malformed")
    items = [parse_group_item(p)]
    while p.peek().t == ",":
        p.advance()
        items.append(parse_group_item(p))
    close_delimiter(p, kind, left, open_tok)
    p.abs_open, p.norm_open = saved
    if len(items) == 1:
        return items[0]
    return ast.Tuple(tuple(items), span=(start, p.last_end))


_BARS = {"|": (("|", "\\vert", "\\rvert"), ("|",), "this | is never closed"),
         "||": (("\\|", "\\Vert", "\\rVert"), ("\\|", "\\Vert", "\\rVert"), "this norm is never closed")}
"""For each kind of bar: its closers, its closers after a size (`\\big|`), the error when unclosed."""


def _bars(p: Parser, kind: str, left: bool, open_tok: Token) -> ast.Expr:
    """`|x|` or `\\|x\\|` (kind "|" or "||"); `||x||` written with single bars is a norm. Inside,
    a bar of this kind closes the group while one of the other kind opens a new one."""
    saved = p.abs_open, p.norm_open
    if kind == "|":
        p.abs_open, p.norm_open = p.abs_open + 1, 0
    else:
        p.abs_open, p.norm_open = 0, p.norm_open + 1
    body = p.parse_expr()
    p.abs_open, p.norm_open = saved
    closers, sized_closers, unclosed = _BARS[kind]
    if left:
        close_delimiter(p, kind, True, open_tok)
    elif key_of(p.peek()) in closers:
        p.advance()
    elif p.peek().t == "cmd" and p.peek().value in SIZING and key_of(p.peek(1)) in sized_closers:
        p.advance()
        p.advance()
    else:
        raise p.error(open_tok, unclosed, kind="malformed")
    span = (open_tok.start, p.last_end)
    if kind == "||":
        return ast.Norm(body, span=span)
    if isinstance(body, ast.Abs):
        return ast.Norm(body.body, span=span)
    return ast.Abs(body, span=span)


def _floor_ceil(p: Parser, kind: str, left: bool, open_tok: Token) -> ast.Expr:
    saved = p.abs_open, p.norm_open
    p.abs_open = p.norm_open = 0
    body = p.parse_expr()
    close_delimiter(p, kind, left, open_tok)
    p.abs_open, p.norm_open = saved
    span = (open_tok.start, p.last_end)
    return ast.Floor(body, span=span) if kind == "floor" else ast.Ceil(body, span=span)


def _set(p: Parser, kind: str, left: bool, open_tok: Token) -> ast.Expr:
    saved = p.abs_open, p.norm_open
    p.abs_open = p.norm_open = 0
    first = p.parse_expr()
    tok = p.peek()
    node: ast.Expr
    if tok.t in ("|", ":") or p.is_cmd(tok, "\\mid", "\\vert"):
        p.advance()
        item = parse_statement(p, condition=False)
        if isinstance(item, ast.ShapeDecl):
            condition = ast.Statement(item.targets[:1] + (ast.Symbol(item.domain, "bb"),),
                                      ("in",), span=item.span)
        else:
            condition = item.build()
        node = ast.SetBuilder(first, condition, span=(open_tok.start, p.last_end))
    else:
        items = [first]
        while p.peek().t == ",":
            p.advance()
            items.append(p.parse_expr())
        node = ast.SetOf(tuple(items), span=(open_tok.start, p.last_end))
    close_delimiter(p, "{", left, open_tok)
    p.abs_open, p.norm_open = saved
    if p.peek().t == "_" and isinstance(node, ast.SetOf):
        return _family(p, node, open_tok)
    return ast.SetOf(node.items, span=(open_tok.start, p.last_end)) if isinstance(
        node, ast.SetOf) else node


def _family(p: Parser, node: ast.SetOf, open_tok: Token) -> ast.Expr:
    p.advance()  # "_"
    index, lower, upper, domain = parse_range(p, open_tok)
    if domain is not None or index is None:
        raise p.error(open_tok, "an indexed family is read only as \\{...\\}_{i=1}^{n}")
    if p.peek().t == "^":
        p.advance()
        upper = parse_script(p)
    body = node.items[0] if len(node.items) == 1 else ast.Tuple(node.items, span=node.span)
    return ast.Family(body, index, lower, upper, span=(open_tok.start, p.last_end))


_DELIMITED: dict[str, Delimited] = {"(": _bracketed, "[": _bracketed, "{": _set, "|": _bars, "||": _bars,
                                    "floor": _floor_ceil, "ceil": _floor_ceil}

ATOMS.update({"(": _plain, "[": _plain, "|": _plain})
COMMANDS.update({command: _plain for command in ("\\{", "\\lbrace", "\\|", "\\Vert", "\\lVert",
                                                 "\\vert", "\\lvert", "\\lfloor", "\\lceil")})
COMMANDS.update(dict.fromkeys(SIZING, _sized))
COMMANDS["\\left"] = _left_right
