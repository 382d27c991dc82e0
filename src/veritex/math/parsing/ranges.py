"""The range of a bound index, written as the subscript of a reduction (`\\sum_{i=1}^n`,
`\\max_{j}`, `\\sum_{i \\in S}`, `\\sum_{1 \\le i \\le n}`) or of an indexed family
(`\\{x_i\\}_{i=1}^n`)."""

from __future__ import annotations

from veritex.math import ast
from veritex.math.errors import MathSyntaxError
from veritex.math.lexer import Token
from veritex.math.parsing.engine import Parser
from veritex.math.parsing.statements import is_relation, parse_relation

Range = tuple[ast.Expr | None, ast.Expr | None, ast.Expr | None, ast.Expr | None]
"""index, lower, upper, domain"""


def parse_range(p: Parser, op_tok: Token) -> Range:
    """The subscript after `op_tok` (its `_` already read): `i`, `{i=1}`, `{i,j}`, `{i \\in S}`,
    `{1 \\le i \\le n}`."""
    tok = p.peek()
    if tok.t != "{":
        index = p.parse_primary(postfix=False)
        _check_index(index)
        return index, None, None, None
    p.advance()
    start = p.peek().start
    sides = [p.parse_group_content()]
    relations: list[str] = []
    while is_relation(p):
        relations.append(parse_relation(p))
        sides.append(p.parse_group_content())
    close = p.peek()
    if close.t != "}":
        raise p.error(close, f"cannot read the range of {op_tok.source()}")
    p.advance()
    if not relations:
        _check_index(sides[0])
        return sides[0], None, None, None
    if relations == ["="]:
        _check_index(sides[0])
        return sides[0], sides[1], None, None
    if relations == ["in"]:
        _check_index(sides[0])
        return sides[0], None, None, sides[1]
    if relations == ["le", "le"]:
        _check_index(sides[1])
        return sides[1], sides[0], sides[2], None
    raise MathSyntaxError(start, f"{op_tok.source()}_{{...}}",
                          f"cannot read the range of {op_tok.source()}: write i=1 ^n, "
                          "i \\in S or 1 \\le i \\le n")


def _check_index(index: ast.Expr) -> None:
    items = index.items if isinstance(index, ast.Tuple) else (index,)
    for item in items:
        base = item.base if isinstance(item, ast.Subscript) else item
        if not isinstance(base, ast.Symbol):
            raise MathSyntaxError(item.span[0], "an index", "the bound variable of a sum or "
                                  "reduction must be a name", kind="unsupported")
