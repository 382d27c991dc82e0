"""From TeX to a `Formula`: lex, expand macros, mark statement separators, parse."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from veritex.math import ast
from veritex.math.commands import CASES_ENVIRONMENTS, MATRIX_ENVIRONMENTS
from veritex.math.conditions import split_clause_words
from veritex.math.errors import MathSyntaxError
from veritex.math.lexer import Token, tokenize
from veritex.math.macros import expand
from veritex.math.parsing.grammar import parse_tokens

_NESTING_ENVIRONMENTS = CASES_ENVIRONMENTS | frozenset(MATRIX_ENVIRONMENTS)


def read(tex: str, *, macros: Mapping[str, str] | None = None,
         functions: Iterable[str] = ()) -> ast.Formula:
    tokens = split_clause_words(mark_separators(expand(tokenize(tex), macros)))
    try:
        return parse_tokens(tokens, frozenset(functions))
    except RecursionError:
        raise MathSyntaxError(0, "the formula", "it is nested too deeply") from None


def mark_separators(tokens: list[Token]) -> list[Token]:
    """Keep `\\quad` / `\\qquad` only at the top level, where they separate statements
    (`a = b, \\quad c = d`); inside any group they are spacing."""
    if not any(t.t == "quad" for t in tokens):
        return tokens
    out: list[Token] = []
    depth = 0
    for tok in tokens:
        t = tok.t
        if t in ("{", "(", "["):
            depth += 1
        elif t in ("}", ")", "]"):
            depth -= 1
        elif t == "cmd" and tok.value in ("\\left", "\\right"):
            depth += 1 if tok.value == "\\left" else -1
        elif t in ("begin", "end") and (tok.arg or "").strip() in _NESTING_ENVIRONMENTS:
            depth += 1 if t == "begin" else -1
        elif t == "quad" and depth > 0:
            continue
        out.append(tok)
    return out
