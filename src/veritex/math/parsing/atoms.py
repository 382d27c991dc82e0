"""The simplest primaries: letters, numbers, Greek and letter-like commands, blackboard
shorthands (`\\R`), braced groups, dots, the placeholder `\\cdot` (`f(\\cdot)`), and the errors
for a token that cannot start a value."""

from __future__ import annotations

from collections.abc import Iterable

from veritex.math import ast
from veritex.math.commands import (
    BIG_OPERATORS,
    BINARY_OPERATORS,
    BLACKBOARD_SHORTHANDS,
    DOTS,
    FUNCTION_COMMANDS,
    GREEK,
    LETTERLIKE,
    RELATIONS,
    SIZING,
    UNSUPPORTED,
)
from veritex.math.errors import ErrorKind
from veritex.math.lexer import Token
from veritex.math.parsing.engine import ATOMS, COMMANDS, Atom, Parser


def _letter(p: Parser, tok: Token) -> ast.Expr:
    p.advance()
    return ast.Symbol(tok.value, span=(tok.start, tok.end))


def _number(p: Parser, tok: Token) -> ast.Expr:
    return p.split_number()


def _group(p: Parser, tok: Token) -> ast.Expr:
    return p.parse_braced("an empty group where a value is expected")


def _blackboard(p: Parser, tok: Token) -> ast.Expr:
    p.advance()
    return ast.Symbol(BLACKBOARD_SHORTHANDS[tok.value], "bb", span=(tok.start, tok.end))


def _dots(p: Parser, tok: Token) -> ast.Expr:
    p.advance()
    return ast.Dots(span=(tok.start, tok.end))


def _placeholder(p: Parser, tok: Token) -> ast.Expr:
    """`\\cdot` where an argument goes: `\\sigma(\\cdot)`, `\\|\\cdot\\|`."""
    nxt = p.peek(1)
    if nxt.t in (")", ",", "|") or (nxt.t == "cmd" and (
            nxt.value in ("\\right", "\\|", "\\rVert", "\\Vert", "\\rvert") or nxt.value in SIZING)):
        p.advance()
        return ast.Placeholder(span=(tok.start, tok.end))
    raise p.error(tok, "\\cdot with nothing on its left", kind="malformed")


def _refuse(message: str, kind: ErrorKind = "unsupported") -> Atom:
    """An atom rule that only reports why this token cannot start a value."""

    def refuse(p: Parser, tok: Token) -> ast.Expr:
        raise p.error(tok, message, kind=kind)

    return refuse


def _misplaced_operator(p: Parser, tok: Token) -> ast.Expr:
    raise p.error(tok, f"{tok.value} where a single value is expected (use braces)")


def _unsupported(p: Parser, tok: Token) -> ast.Expr:
    raise p.error(tok, f"outside veritex's math subset ({UNSUPPORTED[tok.value]})")


_missing_value = _refuse("a value is missing before this", "malformed")
_CLOSERS: dict[str, Atom] = dict.fromkeys(("}", ")", "]", "rowsep", "&", "end"), _missing_value)

ATOMS.update({"letter": _letter, "num": _number, "{": _group, **_CLOSERS,
              "eof": _refuse("the formula ends where a value is expected", "malformed"),
              ":": _refuse("':' (a slice or a colon) is not in the subset"),
              "param": _refuse("'#' outside a macro definition", "malformed")})
COMMANDS.update(dict.fromkeys(GREEK | LETTERLIKE, _letter))
COMMANDS.update(dict.fromkeys(BLACKBOARD_SHORTHANDS, _blackboard))
COMMANDS.update(dict.fromkeys(DOTS, _dots))
COMMANDS["\\cdot"] = _placeholder


def _refuse_as_value(names: Iterable[str], rule: Atom) -> None:
    for name in names:
        COMMANDS.setdefault(name, rule)  # one read as a value elsewhere keeps that rule (`\\cdot`)


_refuse_as_value((*FUNCTION_COMMANDS, *BIG_OPERATORS, "\\nabla", "\\arg"), _misplaced_operator)
_refuse_as_value(UNSUPPORTED, _unsupported)
_refuse_as_value((*RELATIONS, *BINARY_OPERATORS), _refuse("an operator where a value is expected", "malformed"))
