"""The parser's rules for delimited constructs: parentheses and brackets (plain, `\\left`/`\\right`
and sized), absolute values, norms, floors, ceilings, sets, indexed families, and the `cases` and
matrix environments.
"""

from __future__ import annotations

from veritex.math import ast
from veritex.math.commands import (
    CASES_ENVIRONMENTS,
    CLOSE_DELIMITERS,
    MATRIX_ENVIRONMENTS,
    OPEN_DELIMITERS,
    SIZING,
    TOP_ENVIRONMENTS,
)
from veritex.math.conditions import CLOSER, JOINER, keyword_of
from veritex.math.cursor import TokenCursor
from veritex.math.lexer import Token


class DelimiterRules(TokenCursor):
    """Everything between a pair of delimiters, or a \\begin and its \\end."""

    # ---- delimiters --------------------------------------------------------------------------

    def parse_left_right(self, left_tok: Token) -> ast.Expr:
        delim = self.advance()
        key = delim.value if delim.t == "cmd" else delim.t
        kind = OPEN_DELIMITERS.get(key)
        if kind is None:
            raise self.error(delim, "\\left needs a delimiter such as ( [ \\{ | \\lVert .",
                             kind="malformed")
        if kind in ("(", "["):
            return self.parse_bracketed(kind, left=True, open_tok=left_tok)
        if kind == "{":
            return self.parse_set(left=True, open_tok=left_tok)
        if kind == "|":
            return self.parse_abs(left=True, open_tok=left_tok)
        if kind == "||":
            return self.parse_norm(left=True, open_tok=left_tok)
        if kind in ("floor", "ceil"):
            return self.parse_floor_ceil(left=True, open_tok=left_tok, kind=kind)
        if kind == "angle":
            raise self.error(delim, "angle brackets are not in veritex's math subset")
        # \left. ... \right| is an evaluation bar, \left. ... \right. just a group
        saved = self.abs_open, self.norm_open
        self.abs_open = self.norm_open = 0
        body = self.parse_expr()
        self.abs_open, self.norm_open = saved
        right = self.peek()
        if not self.is_cmd(right, "\\right"):
            raise self.error(left_tok, "\\left. has no matching \\right", kind="malformed")
        self.advance()
        close = self.advance()
        close_key = close.value if close.t == "cmd" else close.t
        if close_key == ".":
            return body
        if CLOSE_DELIMITERS.get(close_key) == "|" and self.peek().t == "_":
            self.advance()
            at = self.parse_bindings()
            return ast.Evaluated(body, at, span=(left_tok.start, self.last_end))
        raise self.error(close, "\\left. is closed only by \\right. or \\right|_{x=a}",
                         kind="unsupported")

    def parse_sized(self, size_tok: Token) -> ast.Expr:
        delim = self.peek()
        key = delim.value if delim.t == "cmd" else delim.t
        kind = OPEN_DELIMITERS.get(key)
        if kind is None or key == ".":
            raise self.error(size_tok, f"{size_tok.value} needs a delimiter after it",
                             kind="malformed")
        self.advance()
        if kind in ("(", "["):
            return self.parse_bracketed(kind, left=False, open_tok=delim)
        if kind == "{":
            return self.parse_set(left=False, open_tok=delim)
        if kind == "|":
            return self.parse_abs(left=False, open_tok=delim)
        if kind == "||":
            return self.parse_norm(left=False, open_tok=delim)
        if kind in ("floor", "ceil"):
            return self.parse_floor_ceil(left=False, open_tok=delim, kind=kind)
        raise self.error(delim, "angle brackets are not in veritex's math subset")

    def close_delimiter(self, kind: str, left: bool, open_tok: Token) -> None:
        tok = self.peek()
        if left:
            if not self.is_cmd(tok, "\\right"):
                raise self.error(open_tok, f"{open_tok.source()} has no matching \\right",
                                 kind="malformed")
            self.advance()
            tok = self.peek()
        elif tok.t == "cmd" and tok.value in SIZING:
            self.advance()
            tok = self.peek()
        key = tok.value if tok.t == "cmd" else tok.t
        if CLOSE_DELIMITERS.get(key) != kind or key == ".":
            opener = open_tok.source()
            raise self.error(open_tok, f"{opener} is never closed" if tok.t == "eof" else
                             f"{opener} is closed by {tok.source()}", kind="malformed")
        self.advance()

    def parse_bracketed(self, kind: str, left: bool, open_tok: Token) -> ast.Expr:
        """The inside of ( ) or [ ] whose opener was just read, and its closer."""
        saved = self.abs_open, self.norm_open
        self.abs_open = self.norm_open = 0
        start = self.peek().start
        if self.peek().t in (")", "]"):
            raise self.error(self.peek(), "empty brackets", kind="malformed")
        items = [self.parse_group_item()]
        while self.peek().t == ",":
            self.advance()
            items.append(self.parse_group_item())
        self.close_delimiter(kind, left, open_tok)
        self.abs_open, self.norm_open = saved
        if len(items) == 1:
            return items[0]
        return ast.Tuple(tuple(items), span=(start, self.last_end))

    def parse_abs(self, left: bool, open_tok: Token) -> ast.Expr:
        self.abs_open += 1
        saved_norm = self.norm_open
        self.norm_open = 0
        body = self.parse_expr()
        self.norm_open = saved_norm
        self.abs_open -= 1
        tok = self.peek()
        if left:
            self.close_delimiter("|", True, open_tok)
        elif tok.t == "|" or self.is_cmd(tok, "\\vert", "\\rvert"):
            self.advance()
        elif tok.t == "cmd" and tok.value in SIZING and self.peek(1).t == "|":
            self.advance()
            self.advance()
        else:
            raise self.error(open_tok, "this | is never closed", kind="malformed")
        span = (open_tok.start, self.last_end)
        if isinstance(body, ast.Abs):  # ||x|| written with single bars
            return ast.Norm(body.body, span=span)
        return ast.Abs(body, span=span)

    def parse_norm(self, left: bool, open_tok: Token) -> ast.Expr:
        self.norm_open += 1
        saved_abs = self.abs_open
        self.abs_open = 0
        body = self.parse_expr()
        self.abs_open = saved_abs
        self.norm_open -= 1
        tok = self.peek()
        if left:
            self.close_delimiter("||", True, open_tok)
        elif self.is_cmd(tok, "\\|", "\\Vert", "\\rVert"):
            self.advance()
        elif tok.t == "cmd" and tok.value in SIZING and self.is_cmd(self.peek(1), "\\|", "\\Vert",
                                                                    "\\rVert"):
            self.advance()
            self.advance()
        else:
            raise self.error(open_tok, "this norm is never closed", kind="malformed")
        return ast.Norm(body, span=(open_tok.start, self.last_end))

    def parse_floor_ceil(self, left: bool, open_tok: Token, kind: str | None = None) -> ast.Expr:
        kind = kind or ("floor" if open_tok.value == "\\lfloor" else "ceil")
        saved = self.abs_open, self.norm_open
        self.abs_open = self.norm_open = 0
        body = self.parse_expr()
        self.close_delimiter(kind, left, open_tok)
        self.abs_open, self.norm_open = saved
        span = (open_tok.start, self.last_end)
        return ast.Floor(body, span=span) if kind == "floor" else ast.Ceil(body, span=span)

    def parse_set(self, left: bool, open_tok: Token) -> ast.Expr:
        saved = self.abs_open, self.norm_open
        self.abs_open = self.norm_open = 0
        first = self.parse_expr()
        tok = self.peek()
        node: ast.Expr
        if tok.t in ("|", ":") or self.is_cmd(tok, "\\mid", "\\vert"):
            self.advance()
            item = self.parse_statement(condition=False)
            if isinstance(item, ast.ShapeDecl):
                condition = ast.Statement(item.targets[:1] + (ast.Symbol(item.domain, "bb"),),
                                          ("in",), span=item.span)
            else:
                condition = item.build()
            node = ast.SetBuilder(first, condition, span=(open_tok.start, self.last_end))
        else:
            items = [first]
            while self.peek().t == ",":
                self.advance()
                items.append(self.parse_expr())
            node = ast.SetOf(tuple(items), span=(open_tok.start, self.last_end))
        self.close_delimiter("{", left, open_tok)
        self.abs_open, self.norm_open = saved
        if self.peek().t == "_" and isinstance(node, ast.SetOf):
            return self.parse_family(node, open_tok)
        return ast.SetOf(node.items, span=(open_tok.start, self.last_end)) if isinstance(
            node, ast.SetOf) else node

    def parse_family(self, node: ast.SetOf, open_tok: Token) -> ast.Expr:
        self.advance()  # "_"
        index, lower, upper, domain = self.parse_operator_range(open_tok)
        if domain is not None or index is None:
            raise self.error(open_tok, "an indexed family is read only as \\{...\\}_{i=1}^{n}")
        if self.peek().t == "^":
            self.advance()
            upper = self.parse_script()
        body = node.items[0] if len(node.items) == 1 else ast.Tuple(node.items, span=node.span)
        return ast.Family(body, index, lower, upper, span=(open_tok.start, self.last_end))

    # ---- environments ------------------------------------------------------------------------

    def parse_environment(self) -> ast.Expr:
        tok = self.advance()
        name = (tok.arg or "").strip()
        if name in CASES_ENVIRONMENTS:
            node: ast.Expr = self.parse_cases(tok)
        elif name in MATRIX_ENVIRONMENTS:
            node = self.parse_matrix(tok, MATRIX_ENVIRONMENTS[name])
        elif name in TOP_ENVIRONMENTS:
            raise self.error(tok, f"{name} inside an expression (it must hold the whole formula)")
        else:
            raise self.error(tok, f"the {name} environment is not in veritex's math subset")
        end = self.peek()
        if end.t != "end" or (end.arg or "").strip() != name:
            raise self.error(tok, f"\\begin{{{name}}} has no matching \\end{{{name}}}",
                             kind="malformed")
        self.advance()
        return node

    def parse_cases(self, begin: Token) -> ast.Expr:
        rows: list[ast.CaseRow] = []
        while self.peek().t != "end":
            start = self.peek().start
            value = self.parse_expr()
            if self.peek().t == ",":
                self.advance()
            if self.peek().t != "&":
                raise self.error(self.peek(), "a cases row needs '& condition'", kind="unsupported")
            self.advance()
            conditions = self.parse_case_conditions()
            rows.append(ast.CaseRow(value, conditions, span=(start, self.last_end)))
            if self.peek().t == "rowsep":
                self.advance()
                continue
            if self.peek().t != "end":
                raise self.error(self.peek(), "unexpected in a cases row", kind="malformed")
        if not rows:
            raise self.error(begin, "an empty cases environment", kind="malformed")
        return ast.Cases(tuple(rows), span=(begin.start, self.peek().end))

    def parse_case_conditions(self) -> tuple[ast.Condition, ...]:
        tok = self.peek()
        keyword = keyword_of(tok)
        text = ""
        normal = "if"
        if keyword is not None:
            self.advance()
            text = (tok.arg or "").strip()
            if keyword.normal == "otherwise":
                self.skip_punctuation()
                return (ast.Condition("otherwise", text, None, span=(tok.start, tok.end)),)
            if keyword.role != "start":
                raise self.error(tok, "this word does not start a condition")
            normal = keyword.normal
        conditions = [ast.Condition(normal, text, self.parse_condition_body(),
                                    span=(tok.start, self.last_end))]
        while True:
            nxt = keyword_of(self.peek())
            if nxt is not None and nxt.role == JOINER:
                self.advance()
                conditions.append(ast.Condition(normal, text, self.parse_condition_body(),
                                                span=(tok.start, self.last_end)))
                continue
            if nxt is not None and nxt.role == CLOSER:
                self.advance()
            break
        self.skip_punctuation()
        return tuple(conditions)

    def skip_punctuation(self) -> None:
        while self.peek().t in (",", ".", ";"):
            self.advance()

    def parse_matrix(self, begin: Token, delimiter: str) -> ast.Expr:
        rows: list[tuple[ast.Expr, ...]] = []
        row: list[ast.Expr] = []
        while True:
            tok = self.peek()
            if tok.t == "end":
                break
            row.append(self.parse_expr())
            tok = self.peek()
            if tok.t == "&":
                self.advance()
                continue
            rows.append(tuple(row))
            row = []
            if tok.t == "rowsep":
                self.advance()
                continue
            if tok.t != "end":
                raise self.error(tok, "unexpected in a matrix", kind="malformed")
        if row:
            rows.append(tuple(row))
        if not rows:
            raise self.error(begin, "an empty matrix", kind="malformed")
        if len({len(r) for r in rows}) != 1:
            raise self.error(begin, "the matrix's rows have different lengths", kind="malformed")
        return ast.Matrix(tuple(rows), delimiter, span=(begin.start, self.peek().end))

