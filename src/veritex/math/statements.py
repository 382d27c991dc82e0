"""The parser's rules above expressions: the formula, its rows and statements, relation chains,
shape declarations, condition clauses, tags and labels (the layer a checker reads most: how
`a = b, \\quad c = d \\quad \\text{where } x > 0` becomes two statements and a condition).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from veritex.math import ast
from veritex.math.commands import DEFINITION_MARKS, DOTS, RELATIONS, SIZING, TOP_ENVIRONMENTS
from veritex.math.conditions import CLOSER, JOINER, START, TOLERANCES, keyword_of
from veritex.math.cursor import TokenCursor
from veritex.math.lexer import Token

_SHAPE_DOMAINS = frozenset("RNZCQ")


@dataclass
class Builder:
    """A statement being assembled; aligned rows may extend it (`&= ...`)."""

    sides: list[ast.Expr]
    relations: list[str]
    start: int
    end: int
    conditions: list[ast.Condition] = field(default_factory=list)
    tag: str | None = None
    label: str | None = None

    def build(self) -> ast.Statement:
        return ast.Statement(tuple(self.sides), tuple(self.relations), tuple(self.conditions),
                             self.tag, self.label, span=(self.start, self.end))


class StatementRules(TokenCursor):
    """Formula, rows, statements, relations and conditions; see Parser for the expressions."""

    # ---- formula and statements --------------------------------------------------------------

    def parse_formula(self) -> ast.Formula:
        tok = self.peek()
        if tok.t == "begin" and (tok.arg or "").strip() in TOP_ENVIRONMENTS:
            name = (tok.arg or "").strip()
            self.advance()
            if name.startswith("alignat") and self.peek().t == "{":
                self.i = self.matching(self.i) + 1
            self.parse_rows(name)
            end = self.peek()
            if end.t == "eof":
                raise self.error(tok, f"\\begin{{{name}}} has no matching \\end{{{name}}}",
                                 kind="malformed")
            if end.t != "end" or (end.arg or "").strip() != name:
                raise self.error(end, f"expected \\end{{{name}}}", kind="malformed")
            self.advance()
            self.parse_trailer()
        else:
            self.parse_rows(None)
        end_tok = self.peek()
        if end_tok.t != "eof":
            raise self.error(end_tok, "unexpected here", kind="malformed")
        statements = tuple(b.build() for b in self.builders)
        return ast.Formula(statements, tuple(self.shapes),
                           self.tags[0] if self.tags else None,
                           self.labels[0] if self.labels else None,
                           span=(0, end_tok.end))

    def parse_trailer(self) -> None:
        """Tags, labels and punctuation after a top-level environment."""
        while True:
            tok = self.peek()
            if tok.t in ("tag", "label"):
                self.take_tag_or_label(self.builders[-1] if self.builders else None)
            elif tok.t in (",", ".") and self.peek(1).t == "eof":
                self.advance()
            else:
                return

    def take_tag_or_label(self, builder: Builder | None) -> None:
        tok = self.advance()
        text = (tok.arg or "").strip()
        if tok.t == "tag":
            self.tags.append(text)
            if builder is not None and builder.tag is None:
                builder.tag = text
        else:
            self.labels.append(text)
            if builder is not None and builder.label is None:
                builder.label = text

    def at_row_end(self, tok: Token) -> bool:
        return tok.t in ("eof", "rowsep", "end")

    def parse_rows(self, env: str | None) -> None:
        first = True
        while True:
            self.parse_row(first)
            first = False
            if self.peek().t == "rowsep":
                self.advance()
                continue
            tok = self.peek()
            if tok.t == "end" and env is None:
                raise self.error(tok, "\\end without a matching \\begin", kind="malformed")
            return

    def parse_row(self, first: bool) -> None:
        row_start = self.peek()
        if self.at_row_end(row_start):
            return
        aligned = False
        if row_start.t == "&":
            self.advance()
            aligned = True
        self.skip_quads()
        tok = self.peek()
        if self.is_relation() and not first:
            if not self.builders:
                raise self.error(tok, "this row continues a relation that nothing precedes",
                                 kind="malformed")
            self.continue_chain(self.builders[-1])
        elif tok.t in ("+", "-") and aligned and self.builders and not first:
            builder = self.builders[-1]
            self.advance()
            right = self.parse_term()
            side = ast.BinOp(tok.t, builder.sides[-1], right, span=(builder.sides[-1].span[0],
                                                                     self.last_end))
            builder.sides[-1] = self.parse_additive(side)
            self.continue_chain(builder)
        elif self.is_relation():
            raise self.error(tok, "the formula starts with a relation", kind="malformed")
        self.parse_items()

    def continue_chain(self, builder: Builder) -> None:
        while True:
            tok = self.peek()
            if tok.t == "&" and self.is_relation(1):
                self.advance()
                continue
            if not self.is_relation():
                break
            builder.relations.append(self.parse_relation())
            builder.sides.append(self.parse_side(condition=False))
        builder.end = self.last_end

    def parse_items(self) -> None:
        """Statements, shape declarations and conditions of one row, up to its end."""
        sep: str | None = None
        bare_run: list[Builder] = []  # bare expressions just before, separated by commas
        pending: list[ast.Condition] = []  # prefix conditions (当 ... 时) waiting for a statement
        row_builders: list[Builder] = []
        while True:
            tok = self.peek()
            if tok.t in ("tag", "label"):
                self.take_tag_or_label(row_builders[-1] if row_builders else None)
                continue
            if self.at_row_end(tok):
                break
            if tok.t == "quad":
                self.advance()
                sep = "quad"
                continue
            keyword = keyword_of(tok)
            if keyword is not None:
                conditions, prefix = self.parse_conditions()
                if prefix and not self.at_row_end(self.peek()):
                    pending.extend(conditions)
                elif row_builders:
                    row_builders[-1].conditions.extend(conditions)
                elif self.builders:
                    self.builders[-1].conditions.extend(conditions)
                else:
                    pending.extend(conditions)
                bare_run = []
                after_condition = True
            else:
                after_condition = False
                item = self.parse_statement(condition=False)
                if isinstance(item, ast.ShapeDecl):
                    if sep == "," and bare_run:
                        targets = tuple(b.sides[0] for b in bare_run) + item.targets
                        for b in bare_run:
                            self.builders.remove(b)
                            row_builders.remove(b)
                        item = ast.ShapeDecl(targets, item.domain, item.dims,
                                             span=(bare_run[0].start, item.span[1]))
                    self.shapes.append(item)
                    bare_run = []
                else:
                    item.conditions.extend(pending)
                    pending = []
                    self.builders.append(item)
                    row_builders.append(item)
                    if not item.relations and sep in (None, ","):
                        bare_run = [*bare_run, item] if sep == "," else [item]
                    else:
                        bare_run = []
            tok = self.peek()
            if tok.t in (",", ";", "quad", "&"):
                self.advance()
                sep = tok.t
                continue
            if tok.t == "." and self.at_row_end(self.peek(1)):
                self.advance()
                continue
            sep = None
            if keyword_of(tok) is not None or tok.t in ("tag", "label") or self.at_row_end(tok):
                continue
            if after_condition:  # 若 x > 0 则 y = x: the clause itself separates
                continue
            raise self.error(tok, "unexpected here", kind="malformed")
        if pending:
            target = row_builders[-1] if row_builders else (self.builders[-1] if self.builders
                                                            else None)
            if target is None:
                tok = self.peek()
                raise self.error(tok, "a condition with no statement for it to restrict")
            target.conditions.extend(pending)

    def parse_conditions(self) -> tuple[list[ast.Condition], bool]:
        """A condition clause starting at a keyword: `\\text{where } x > 0 \\text{ and } y > 0`.
        Returns the conditions and whether the keyword comes before what it restricts (当 ... 时)."""
        tok = self.advance()
        keyword = keyword_of(tok)
        assert keyword is not None
        if keyword.normal == "otherwise":
            raise self.error(tok, "'otherwise' belongs in a cases environment")
        if keyword.role != "start":
            raise self.error(tok, "this word does not start a condition")
        text = (tok.arg or "").strip()
        if keyword.normal in TOLERANCES:
            self.skip_bound_relation()
        conditions = [ast.Condition(keyword.normal, text, self.parse_condition_body(),
                                    span=(tok.start, self.last_end))]
        while True:
            nxt = keyword_of(self.peek())
            after = keyword_of(self.peek(1))
            if nxt is not None and nxt.role == JOINER and after is not None and after.role == START:
                self.advance()  # `\\text{ and relative error }`: "and" opens a clause of another kind
                conditions.extend(self.parse_conditions()[0])
                break
            if nxt is not None and nxt.role == JOINER:
                self.advance()
                conditions.append(ast.Condition(keyword.normal, text, self.parse_condition_body(),
                                                span=(tok.start, self.last_end)))
                continue
            if nxt is not None and nxt.role == CLOSER:
                self.advance()
                conditions = [ast.Condition(c.keyword, c.text, c.body, span=(c.span[0], self.last_end))
                              for c in conditions]
            break
        return conditions, keyword.prefix

    def skip_bound_relation(self) -> None:
        """`\\text{error} < 10^{-3}`: the relation after a tolerance word only restates it."""
        self.skip_quads()
        tok = self.peek()
        if tok.t == "<" or self.is_cmd(tok, "\\le", "\\leq", "\\lt", "\\leqslant"):
            self.advance()

    def skip_quads(self) -> None:
        while self.peek().t == "quad":
            self.advance()

    def parse_condition_body(self) -> ast.Statement | ast.ShapeDecl:
        self.skip_quads()
        item = self.parse_statement(condition=True)
        if isinstance(item, ast.ShapeDecl):
            self.shapes.append(item)
            return item
        return item.build()

    def parse_statement(self, *, condition: bool) -> Builder | ast.ShapeDecl:
        start = self.peek().start
        sides = [self.parse_side(condition)]
        relations: list[str] = []
        while True:
            tok = self.peek()
            if tok.t == "&" and self.is_relation(1):
                self.advance()
                continue
            if not self.is_relation():
                break
            relations.append(self.parse_relation())
            sides.append(self.parse_side(condition))
        if relations == ["in"]:
            decl = self.shape_declaration(sides[0], sides[1], start)
            if decl is not None:
                return decl
        return Builder(sides, relations, start, self.last_end)

    def shape_declaration(self, target: ast.Expr, space: ast.Expr, start: int) -> ast.ShapeDecl | None:
        base, exponent = (space.base, space.exponent) if isinstance(space, ast.Power) else (space, None)
        if not (isinstance(base, ast.Symbol) and base.font == "bb" and base.name in _SHAPE_DOMAINS
                and not base.accents):
            return None
        dims: tuple[ast.Expr, ...] = ()
        if exponent is not None:
            dims = tuple(_split_times(exponent))
        return ast.ShapeDecl((target,), base.name, dims, span=(start, self.last_end))

    def parse_side(self, condition: bool) -> ast.Expr:
        start = self.peek().start
        expr = self.parse_expr()
        if condition and self.peek().t == "," and self.dots_ahead():
            items = [expr]
            while self.peek().t == ",":
                self.advance()
                items.append(self.parse_expr())
            expr = ast.Tuple(tuple(items), span=(start, self.last_end))
        if self.at_evaluation_bar():
            while self.peek().t != "_":
                self.advance()
            self.advance()
            expr = ast.Evaluated(expr, self.parse_bindings(), span=(start, self.last_end))
        return expr

    def dots_ahead(self) -> bool:
        """Whether a comma list ahead contains `\\dots` (`i = 1, \\dots, n` in a condition)."""
        depth = 0
        for j in range(self.i, self.last):
            tok = self.toks[j]
            if tok.t in ("{", "(", "["):
                depth += 1
            elif tok.t in ("}", ")", "]"):
                depth -= 1
                if depth < 0:
                    return False
            elif depth == 0 and (tok.t in ("quad", "rowsep", "&", "end", "text")
                                 or is_relation_token(tok, self.toks[j + 1])):
                return False
            elif tok.t == "cmd" and tok.value in DOTS:
                return True
        return False

    def at_evaluation_bar(self) -> bool:
        tok = self.peek()
        if tok.t == "|" and self.abs_open == 0:
            return self.peek(1).t == "_"
        if tok.t == "cmd" and tok.value in SIZING and self.peek(1).t == "|":
            return self.peek(2).t == "_"
        return False

    def parse_bindings(self) -> tuple[ast.Statement, ...]:
        """`_{x=a}` or `_{x=a, y=b}` after an evaluation bar."""
        open_tok = self.expect("{", "{x=a} after the evaluation bar")
        bindings: list[ast.Statement] = []
        while True:
            start = self.peek().start
            lhs = self.parse_expr()
            tok = self.peek()
            if tok.t != "=":
                raise self.error(tok, "an evaluation bar needs _{x=a}", kind="unsupported")
            self.advance()
            rhs = self.parse_expr()
            bindings.append(ast.Statement((lhs, rhs), ("=",), span=(start, self.last_end)))
            if self.peek().t == ",":
                self.advance()
                continue
            break
        if self.peek().t != "}":
            raise self.error(open_tok, "this brace is never closed", kind="malformed")
        self.advance()
        if self.peek().t == "^":
            raise self.error(self.peek(), "an upper limit on an evaluation bar (write F(b) - F(a))")
        return tuple(bindings)

    # ---- relations ---------------------------------------------------------------------------

    def is_relation(self, k: int = 0) -> bool:
        """Whether a relation starts `k` tokens ahead."""
        return is_relation_token(self.peek(k), self.peek(k + 1))

    def parse_relation(self) -> str:
        tok = self.advance()
        t = tok.t
        if t == "=":
            if self.peek().t == "=":
                raise self.error(self.peek(), "'==' is not a relation in TeX; write =",
                                 kind="malformed")
            return "="
        if t in ("<", ">"):
            if self.peek().t == "=":
                self.advance()
                return "le" if t == "<" else "ge"
            return "lt" if t == "<" else "gt"
        if t == ":":
            self.expect("=", "= after :")
            return "def"
        if tok.value == "\\not":
            nxt = self.advance()
            if nxt.t == "=":
                return "ne"
            if self.is_cmd(nxt, "\\in"):
                return "notin"
            raise self.error(nxt, "\\not is read only before = and \\in")
        if tok.value in ("\\stackrel", "\\overset"):
            mark = "".join(t.source() for t in self.raw_group(tok)).replace(" ", "")
            relation = self.raw_group(tok)
            if len(relation) == 1 and relation[0].t == "=" and mark in DEFINITION_MARKS:
                return "def"
            raise self.error(tok, f"{tok.value} over a relation is read only as a definition "
                                  "(\\stackrel{\\text{def}}{=})")
        return RELATIONS[tok.value]

    def raw_group(self, context: Token) -> list[Token]:
        """The tokens of a braced group (or a single token), consumed without parsing."""
        tok = self.peek()
        if tok.t != "{":
            if tok.t == "eof":
                raise self.error(context, f"{context.value} is missing an argument",
                                 kind="malformed")
            return [self.advance()]
        close = self.matching(self.i)
        group = self.toks[self.i + 1 : close]
        while self.i <= close:
            self.advance()
        return group


def is_relation_token(tok: Token, nxt: Token) -> bool:
    """Whether `tok`, followed by `nxt`, starts a relation (`=`, `:=`, `\\le`, `\\stackrel`...)."""
    t = tok.t
    if t in ("=", "<", ">"):
        return True
    if t == ":":
        return nxt.t == "="
    if t == "cmd":
        return tok.value in RELATIONS or tok.value in ("\\stackrel", "\\overset", "\\not")
    return False


def _split_times(node: ast.Expr) -> list[ast.Expr]:
    if isinstance(node, ast.BinOp) and node.op == "times":
        return _split_times(node.left) + _split_times(node.right)
    return [node]


