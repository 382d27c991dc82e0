"""Statements: the formula, its rows, relation chains (`a = b \\approx c`), shape declarations,
condition clauses, evaluation bars, tags and labels (the layer a checker reads most: how
`a = b, \\quad c = d \\quad \\text{where } x > 0` becomes two statements and a condition).

Relations bind loosest of all: a statement is sides joined by relations, each side an expression.
"""

from __future__ import annotations

from veritex.math import ast
from veritex.math.commands import DEFINITION_MARKS, DOTS, RELATIONS, SIZING, TOP_ENVIRONMENTS
from veritex.math.conditions import CLOSER, JOINER, START, TOLERANCES, keyword_of
from veritex.math.lexer import Token
from veritex.math.parsing.engine import Builder, Parser

_SHAPE_DOMAINS = frozenset("RNZCQ")


# ---- formula and rows --------------------------------------------------------------------------


def parse_formula(p: Parser) -> ast.Formula:
    tok = p.peek()
    if tok.t == "begin" and (tok.arg or "").strip() in TOP_ENVIRONMENTS:
        name = (tok.arg or "").strip()
        p.advance()
        if name.startswith("alignat") and p.peek().t == "{":
            p.i = p.matching(p.i) + 1
        _parse_rows(p, name)
        end = p.peek()
        if end.t == "eof":
            raise p.error(tok, f"\\begin{{{name}}} has no matching \\end{{{name}}}", kind="malformed")
        if end.t != "end" or (end.arg or "").strip() != name:
            raise p.error(end, f"expected \\end{{{name}}}", kind="malformed")
        p.advance()
        _parse_trailer(p)
    else:
        _parse_rows(p, None)
    end_tok = p.peek()
    if end_tok.t != "eof":
        raise p.error(end_tok, "unexpected here", kind="malformed")
    statements = tuple(b.build() for b in p.builders)
    return ast.Formula(statements, tuple(p.shapes), p.tags[0] if p.tags else None,
                       p.labels[0] if p.labels else None, span=(0, end_tok.end))


def _parse_trailer(p: Parser) -> None:
    """Tags, labels and punctuation after a top-level environment."""
    while True:
        tok = p.peek()
        if tok.t in ("tag", "label"):
            _take_tag_or_label(p, p.builders[-1] if p.builders else None)
        elif tok.t in (",", ".") and p.peek(1).t == "eof":
            p.advance()
        else:
            return


def _take_tag_or_label(p: Parser, builder: Builder | None) -> None:
    tok = p.advance()
    text = (tok.arg or "").strip()
    if tok.t == "tag":
        p.tags.append(text)
        if builder is not None and builder.tag is None:
            builder.tag = text
    else:
        p.labels.append(text)
        if builder is not None and builder.label is None:
            builder.label = text


def _at_row_end(tok: Token) -> bool:
    return tok.t in ("eof", "rowsep", "end")


def _parse_rows(p: Parser, env: str | None) -> None:
    first = True
    while True:
        _parse_row(p, first)
        first = False
        if p.peek().t == "rowsep":
            p.advance()
            continue
        tok = p.peek()
        if tok.t == "end" and env is None:
            raise p.error(tok, "\\end without a matching \\begin", kind="malformed")
        return


def _parse_row(p: Parser, first: bool) -> None:
    row_start = p.peek()
    if _at_row_end(row_start):
        return
    aligned = False
    if row_start.t == "&":
        p.advance()
        aligned = True
    skip_quads(p)
    tok = p.peek()
    if is_relation(p) and not first:
        if not p.builders:
            raise p.error(tok, "this row continues a relation that nothing precedes", kind="malformed")
        _continue_chain(p, p.builders[-1])
    elif tok.t in ("+", "-") and aligned and p.builders and not first:
        builder = p.builders[-1]
        p.advance()
        right = p.parse_term()
        side = ast.BinOp(tok.t, builder.sides[-1], right, span=(builder.sides[-1].span[0], p.last_end))
        builder.sides[-1] = p.parse_additive(side)
        _continue_chain(p, builder)
    elif is_relation(p):
        raise p.error(tok, "the formula starts with a relation", kind="malformed")
    _parse_items(p)


def _continue_chain(p: Parser, builder: Builder) -> None:
    """An aligned row that goes on with the statement above (`&= ...`, `&+ ...`)."""
    _relation_chain(p, builder.sides, builder.relations, condition=False)
    builder.end = p.last_end


def _parse_items(p: Parser) -> None:
    """Statements, shape declarations and conditions of one row, up to its end."""
    sep: str | None = None
    bare_run: list[Builder] = []  # bare expressions just before, separated by commas
    pending: list[ast.Condition] = []  # prefix conditions (当 ... 时) waiting for a statement
    row_builders: list[Builder] = []
    while True:
        tok = p.peek()
        if tok.t in ("tag", "label"):
            _take_tag_or_label(p, row_builders[-1] if row_builders else None)
            continue
        if _at_row_end(tok):
            break
        if tok.t == "quad":
            p.advance()
            sep = "quad"
            continue
        keyword = keyword_of(tok)
        if keyword is not None:
            conditions, prefix = _parse_conditions(p)
            if prefix and not _at_row_end(p.peek()):
                pending.extend(conditions)
            elif row_builders:
                row_builders[-1].conditions.extend(conditions)
            elif p.builders:
                p.builders[-1].conditions.extend(conditions)
            else:
                pending.extend(conditions)
            bare_run = []
            after_condition = True
        else:
            after_condition = False
            item = parse_statement(p, condition=False)
            if isinstance(item, ast.ShapeDecl):
                if sep == "," and bare_run:
                    targets = tuple(b.sides[0] for b in bare_run) + item.targets
                    for b in bare_run:
                        p.builders.remove(b)
                        row_builders.remove(b)
                    item = ast.ShapeDecl(targets, item.domain, item.dims,
                                         span=(bare_run[0].start, item.span[1]))
                p.shapes.append(item)
                bare_run = []
            else:
                item.conditions.extend(pending)
                pending = []
                p.builders.append(item)
                row_builders.append(item)
                if not item.relations and sep in (None, ","):
                    bare_run = [*bare_run, item] if sep == "," else [item]
                else:
                    bare_run = []
        tok = p.peek()
        if tok.t in (",", ";", "quad", "&"):
            p.advance()
            sep = tok.t
            continue
        if tok.t == "." and _at_row_end(p.peek(1)):
            p.advance()
            continue
        sep = None
        if keyword_of(tok) is not None or tok.t in ("tag", "label") or _at_row_end(tok):
            continue
        if after_condition:  # 若 x > 0 则 y = x: the clause itself separates
            continue
        raise p.error(tok, "unexpected here", kind="malformed")
    if pending:
        target = row_builders[-1] if row_builders else (p.builders[-1] if p.builders else None)
        if target is None:
            raise p.error(p.peek(), "a condition with no statement for it to restrict")
        target.conditions.extend(pending)


# ---- conditions --------------------------------------------------------------------------------


def _parse_conditions(p: Parser) -> tuple[list[ast.Condition], bool]:
    """A condition clause starting at a keyword: `\\text{where } x > 0 \\text{ and } y > 0`.
    Returns the conditions and whether the keyword comes before what it restricts (当 ... 时)."""
    tok = p.advance()
    keyword = keyword_of(tok)
    assert keyword is not None
    if keyword.normal == "otherwise":
        raise p.error(tok, "'otherwise' belongs in a cases environment")
    if keyword.role != "start":
        raise p.error(tok, "this word does not start a condition")
    text = (tok.arg or "").strip()
    if keyword.normal in TOLERANCES:
        _skip_bound_relation(p)
    conditions = [ast.Condition(keyword.normal, text, parse_condition_body(p), span=(tok.start, p.last_end))]
    while True:
        nxt = keyword_of(p.peek())
        after = keyword_of(p.peek(1))
        if nxt is not None and nxt.role == JOINER and after is not None and after.role == START:
            p.advance()  # `\\text{ and relative error }`: "and" opens a clause of another kind
            conditions.extend(_parse_conditions(p)[0])
            break
        if nxt is not None and nxt.role == JOINER:
            p.advance()
            conditions.append(ast.Condition(keyword.normal, text, parse_condition_body(p),
                                            span=(tok.start, p.last_end)))
            continue
        if nxt is not None and nxt.role == CLOSER:
            p.advance()
            conditions = [ast.Condition(c.keyword, c.text, c.body, span=(c.span[0], p.last_end))
                          for c in conditions]
        break
    return conditions, keyword.prefix


def _skip_bound_relation(p: Parser) -> None:
    """`\\text{error} < 10^{-3}`: the relation after a tolerance word only restates it."""
    skip_quads(p)
    tok = p.peek()
    if tok.t == "<" or p.is_cmd(tok, "\\le", "\\leq", "\\lt", "\\leqslant"):
        p.advance()


def skip_quads(p: Parser) -> None:
    while p.peek().t == "quad":
        p.advance()


def parse_condition_body(p: Parser) -> ast.Statement | ast.ShapeDecl:
    skip_quads(p)
    item = parse_statement(p, condition=True)
    if isinstance(item, ast.ShapeDecl):
        p.shapes.append(item)
        return item
    return item.build()


# ---- statements --------------------------------------------------------------------------------


def parse_statement(p: Parser, *, condition: bool) -> Builder | ast.ShapeDecl:
    start = p.peek().start
    sides = [_parse_side(p, condition)]
    relations: list[str] = []
    _relation_chain(p, sides, relations, condition)
    if relations == ["in"]:
        decl = _shape_declaration(p, sides[0], sides[1], start)
        if decl is not None:
            return decl
    return Builder(sides, relations, start, p.last_end)


def _relation_chain(p: Parser, sides: list[ast.Expr], relations: list[str], condition: bool) -> None:
    """Extend a chain with `<relation> <side>` pairs (an aligned `&` before a relation is skipped)."""
    while True:
        tok = p.peek()
        if tok.t == "&" and is_relation(p, 1):
            p.advance()
            continue
        if not is_relation(p):
            return
        relations.append(parse_relation(p))
        sides.append(_parse_side(p, condition))


def _shape_declaration(p: Parser, target: ast.Expr, space: ast.Expr, start: int) -> ast.ShapeDecl | None:
    base, exponent = (space.base, space.exponent) if isinstance(space, ast.Power) else (space, None)
    if not (isinstance(base, ast.Symbol) and base.font == "bb" and base.name in _SHAPE_DOMAINS
            and not base.accents):
        return None
    dims: tuple[ast.Expr, ...] = ()
    if exponent is not None:
        dims = tuple(_split_times(exponent))
    return ast.ShapeDecl((target,), base.name, dims, span=(start, p.last_end))


def _parse_side(p: Parser, condition: bool) -> ast.Expr:
    start = p.peek().start
    expr = p.parse_expr()
    if condition and p.peek().t == "," and _dots_ahead(p):
        items = [expr]
        while p.peek().t == ",":
            p.advance()
            items.append(p.parse_expr())
        expr = ast.Tuple(tuple(items), span=(start, p.last_end))
    if _at_evaluation_bar(p):
        while p.peek().t != "_":
            p.advance()
        p.advance()
        expr = ast.Evaluated(expr, parse_bindings(p), span=(start, p.last_end))
    return expr


def _dots_ahead(p: Parser) -> bool:
    """Whether a comma list ahead contains `\\dots` (`i = 1, \\dots, n` in a condition)."""
    depth = 0
    for j in range(p.i, p.last):
        tok = p.toks[j]
        if tok.t in ("{", "(", "["):
            depth += 1
        elif tok.t in ("}", ")", "]"):
            depth -= 1
            if depth < 0:
                return False
        elif depth == 0 and (tok.t in ("quad", "rowsep", "&", "end", "text")
                             or is_relation_token(tok, p.toks[j + 1])):
            return False
        elif tok.t == "cmd" and tok.value in DOTS:
            return True
    return False


def _at_evaluation_bar(p: Parser) -> bool:
    tok = p.peek()
    if tok.t == "|" and p.abs_open == 0:
        return p.peek(1).t == "_"
    if tok.t == "cmd" and tok.value in SIZING and p.peek(1).t == "|":
        return p.peek(2).t == "_"
    return False


def parse_bindings(p: Parser) -> tuple[ast.Statement, ...]:
    """`_{x=a}` or `_{x=a, y=b}` after an evaluation bar."""
    open_tok = p.expect("{", "{x=a} after the evaluation bar")
    bindings: list[ast.Statement] = []
    while True:
        start = p.peek().start
        lhs = p.parse_expr()
        tok = p.peek()
        if tok.t != "=":
            raise p.error(tok, "an evaluation bar needs _{x=a}", kind="unsupported")
        p.advance()
        rhs = p.parse_expr()
        bindings.append(ast.Statement((lhs, rhs), ("=",), span=(start, p.last_end)))
        if p.peek().t == ",":
            p.advance()
            continue
        break
    if p.peek().t != "}":
        raise p.error(open_tok, "this brace is never closed", kind="malformed")
    p.advance()
    if p.peek().t == "^":
        raise p.error(p.peek(), "an upper limit on an evaluation bar (write F(b) - F(a))")
    return tuple(bindings)


# ---- relations ---------------------------------------------------------------------------------


def is_relation(p: Parser, k: int = 0) -> bool:
    """Whether a relation starts `k` tokens ahead."""
    return is_relation_token(p.peek(k), p.peek(k + 1))


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


def parse_relation(p: Parser) -> str:
    tok = p.advance()
    t = tok.t
    if t == "=":
        if p.peek().t == "=":
            raise p.error(p.peek(), "'==' is not a relation in TeX; write =", kind="malformed")
        return "="
    if t in ("<", ">"):
        if p.peek().t == "=":
            p.advance()
            return "le" if t == "<" else "ge"
        return "lt" if t == "<" else "gt"
    if t == ":":
        p.expect("=", "= after :")
        return "def"
    if tok.value == "\\not":
        nxt = p.advance()
        if nxt.t == "=":
            return "ne"
        if p.is_cmd(nxt, "\\in"):
            return "notin"
        raise p.error(nxt, "\\not is read only before = and \\in")
    if tok.value in ("\\stackrel", "\\overset"):
        mark = "".join(t.source() for t in _raw_group(p, tok)).replace(" ", "")
        relation = _raw_group(p, tok)
        if len(relation) == 1 and relation[0].t == "=" and mark in DEFINITION_MARKS:
            return "def"
        raise p.error(tok, f"{tok.value} over a relation is read only as a definition "
                           "(\\stackrel{\\text{def}}{=})")
    return RELATIONS[tok.value]


def _raw_group(p: Parser, context: Token) -> list[Token]:
    """The tokens of a braced group (or a single token), consumed without parsing."""
    tok = p.peek()
    if tok.t != "{":
        if tok.t == "eof":
            raise p.error(context, f"{context.value} is missing an argument", kind="malformed")
        return [p.advance()]
    close = p.matching(p.i)
    group = p.toks[p.i + 1 : close]
    while p.i <= close:
        p.advance()
    return group


def _split_times(node: ast.Expr) -> list[ast.Expr]:
    if isinstance(node, ast.BinOp) and node.op == "times":
        return _split_times(node.left) + _split_times(node.right)
    return [node]
