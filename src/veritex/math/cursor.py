"""The parser's state and its moves over the token list, shared by the grammar's three parts
(parser.py: expressions; statements.py; delimiters.py).

The grammar is recursive: statements contain expressions, expressions contain delimited groups,
groups contain statements (a set-builder's condition). Each part is a class over this cursor; the
methods one part needs from another are declared here and defined where they belong.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from veritex.math import ast
from veritex.math.errors import ErrorKind, MathSyntaxError
from veritex.math.lexer import Token

if TYPE_CHECKING:
    from veritex.math.statements import Builder

_LOOKAHEAD = 4


class TokenCursor:
    def __init__(self, tokens: list[Token], functions: frozenset[str] = frozenset()) -> None:
        self.last = len(tokens) - 1  # the "eof" token
        self.toks = tokens + [tokens[-1]] * _LOOKAHEAD  # so that peek(k) needs no bounds check
        self.i = 0
        self.last_end = 0  # where the last consumed token ends: the end of a node's span
        self.depth = 0
        self.abs_open = 0  # bars `|` opened and not yet closed: a `|` now closes one
        self.norm_open = 0
        self.functions = functions
        self.builders: list[Builder] = []
        self.shapes: list[ast.ShapeDecl] = []
        self.tags: list[str] = []
        self.labels: list[str] = []

    # ---- token helpers -----------------------------------------------------------------------

    def peek(self, k: int = 0) -> Token:
        return self.toks[self.i + k]

    def advance(self) -> Token:
        tok = self.toks[self.i]
        if self.i < self.last:
            self.i += 1
        self.last_end = tok.end
        return tok

    def error(self, tok: Token, message: str, *, kind: ErrorKind = "unsupported",
              hint: str | None = None) -> MathSyntaxError:
        construct = tok.source() or "the end of the formula"
        return MathSyntaxError(tok.start, construct, message, kind=kind, hint=hint)

    def expect(self, t: str, what: str) -> Token:
        tok = self.peek()
        if tok.t != t:
            raise self.error(tok, f"expected {what}", kind="malformed")
        return self.advance()

    def is_cmd(self, tok: Token, *values: str) -> bool:
        return tok.t == "cmd" and tok.value in values

    def matching(self, k: int) -> int:
        """Index of the token closing the bracket or brace opened at index `k` (or the last
        index when it is not closed)."""
        opener = self.toks[k].t
        closer = {"{": "}", "(": ")", "[": "]"}[opener]
        depth = 0
        for j in range(k, self.last):
            t = self.toks[j].t
            if t == opener:
                depth += 1
            elif t == closer:
                depth -= 1
                if depth == 0:
                    return j
        return self.last

    def skip_to(self, k: int) -> None:
        while self.i < k:
            self.advance()

    # ---- defined by the grammar's parts ------------------------------------------------------

    def parse_expr(self) -> ast.Expr:
        raise NotImplementedError

    def parse_additive(self, left: ast.Expr | None) -> ast.Expr:
        raise NotImplementedError

    def parse_term(self) -> ast.Expr:
        raise NotImplementedError

    def parse_group_item(self) -> ast.Expr:
        raise NotImplementedError

    def parse_script(self) -> ast.Expr:
        raise NotImplementedError

    def parse_operator_range(self, op_tok: Token) -> tuple[ast.Expr | None, ast.Expr | None,
                                                           ast.Expr | None, ast.Expr | None]:
        raise NotImplementedError

    def parse_statement(self, *, condition: bool) -> Builder | ast.ShapeDecl:
        raise NotImplementedError

    def parse_condition_body(self) -> ast.Statement | ast.ShapeDecl:
        raise NotImplementedError

    def parse_bindings(self) -> tuple[ast.Statement, ...]:
        raise NotImplementedError
