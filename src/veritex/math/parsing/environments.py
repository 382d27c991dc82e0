"""Environments inside an expression: `cases` (values with their conditions) and the matrices
(`pmatrix`, `bmatrix`...). The top-level ones (`aligned`, `align`...) hold rows of statements and
are read by statements.py."""

from __future__ import annotations

from veritex.math import ast
from veritex.math.commands import CASES_ENVIRONMENTS, MATRIX_ENVIRONMENTS, TOP_ENVIRONMENTS
from veritex.math.conditions import CLOSER, JOINER, keyword_of
from veritex.math.lexer import Token
from veritex.math.parsing.engine import ATOMS, Parser
from veritex.math.parsing.statements import parse_condition_body


def _environment(p: Parser, tok: Token) -> ast.Expr:
    p.advance()
    name = (tok.arg or "").strip()
    if name in CASES_ENVIRONMENTS:
        node: ast.Expr = _cases(p, tok)
    elif name in MATRIX_ENVIRONMENTS:
        node = _matrix(p, tok, MATRIX_ENVIRONMENTS[name])
    elif name in TOP_ENVIRONMENTS:
        raise p.error(tok, f"{name} inside an expression (it must hold the whole formula)")
    else:
        raise p.error(tok, f"the {name} environment is not in veritex's math subset")
    end = p.peek()
    if end.t != "end" or (end.arg or "").strip() != name:
        raise p.error(tok, f"\\begin{{{name}}} has no matching \\end{{{name}}}", kind="malformed")
    p.advance()
    return node


def _cases(p: Parser, begin: Token) -> ast.Expr:
    rows: list[ast.CaseRow] = []
    while p.peek().t != "end":
        start = p.peek().start
        value = p.parse_expr()
        if p.peek().t == ",":
            p.advance()
        if p.peek().t != "&":
            raise p.error(p.peek(), "a cases row needs '& condition'", kind="unsupported")
        p.advance()
        conditions = _case_conditions(p)
        rows.append(ast.CaseRow(value, conditions, span=(start, p.last_end)))
        if p.peek().t == "rowsep":
            p.advance()
            continue
        if p.peek().t != "end":
            raise p.error(p.peek(), "unexpected in a cases row", kind="malformed")
    if not rows:
        raise p.error(begin, "an empty cases environment", kind="malformed")
    return ast.Cases(tuple(rows), span=(begin.start, p.peek().end))


def _case_conditions(p: Parser) -> tuple[ast.Condition, ...]:
    tok = p.peek()
    keyword = keyword_of(tok)
    text = ""
    normal = "if"
    if keyword is not None:
        p.advance()
        text = (tok.arg or "").strip()
        if keyword.normal == "otherwise":
            _skip_punctuation(p)
            return (ast.Condition("otherwise", text, None, span=(tok.start, tok.end)),)
        if keyword.role != "start":
            raise p.error(tok, "this word does not start a condition")
        normal = keyword.normal
    conditions = [ast.Condition(normal, text, parse_condition_body(p), span=(tok.start, p.last_end))]
    while True:
        nxt = keyword_of(p.peek())
        if nxt is not None and nxt.role == JOINER:
            p.advance()
            conditions.append(ast.Condition(normal, text, parse_condition_body(p),
                                            span=(tok.start, p.last_end)))
            continue
        if nxt is not None and nxt.role == CLOSER:
            p.advance()
        break
    _skip_punctuation(p)
    return tuple(conditions)


def _skip_punctuation(p: Parser) -> None:
    while p.peek().t in (",", ".", ";"):
        p.advance()


def _matrix(p: Parser, begin: Token, delimiter: str) -> ast.Expr:
    rows: list[tuple[ast.Expr, ...]] = []
    row: list[ast.Expr] = []
    while True:
        tok = p.peek()
        if tok.t == "end":
            break
        row.append(p.parse_expr())
        tok = p.peek()
        if tok.t == "&":
            p.advance()
            continue
        rows.append(tuple(row))
        row = []
        if tok.t == "rowsep":
            p.advance()
            continue
        if tok.t != "end":
            raise p.error(tok, "unexpected in a matrix", kind="malformed")
    if row:
        rows.append(tuple(row))
    if not rows:
        raise p.error(begin, "an empty matrix", kind="malformed")
    if len({len(r) for r in rows}) != 1:
        raise p.error(begin, "the matrix's rows have different lengths", kind="malformed")
    return ast.Matrix(tuple(rows), delimiter, span=(begin.start, p.peek().end))


ATOMS["begin"] = _environment
