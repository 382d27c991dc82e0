"""Big operators and the gradient: `\\sum` and `\\prod` with their ranges, `\\max_j`, `\\min`,
`\\argmax`, `\\arg\\max`, `\\operatorname*{argmax}_\\theta`, `\\max(a, b)`, `\\max\\{a, b\\}`,
`\\nabla_w L`, and the expectation `\\mathbb{E}_{x \\sim p}[f(x)]`.

`\\sum` and `\\max` bind a product (`\\sum_i x_i + 1` adds 1 once); `\\argmin` takes all that
follows (`\\argmin_w \\|Xw - y\\|^2 + \\lambda \\|w\\|^2`); `\\nabla` takes a product."""

from __future__ import annotations

from veritex.math import ast
from veritex.math.commands import BIG_OPERATOR_WORDS, BIG_OPERATORS, SIZING
from veritex.math.lexer import Token
from veritex.math.parsing.engine import OPERATORS, WORD_OPERATORS, Parser
from veritex.math.parsing.functions import at_call_paren, parse_call_args
from veritex.math.parsing.nodes import word_of
from veritex.math.parsing.ranges import parse_range
from veritex.math.parsing.scripts import parse_script
from veritex.math.parsing.statements import parse_statement


def parse_big_operator(p: Parser, op: str, tok: Token) -> ast.Expr:
    """The limits and body of the reduction `op`, whose name (from `tok` on) was just read."""
    start = tok.start
    index = lower = upper = domain = None
    has_sub = has_sup = False
    while True:
        nxt = p.peek()
        if nxt.t == "_" and not has_sub:
            has_sub = True
            p.advance()
            index, lower, upper_from_sub, domain = parse_range(p, tok)
            if upper_from_sub is not None:
                upper = upper_from_sub
        elif nxt.t == "^" and not has_sup:
            has_sup = True
            p.advance()
            if upper is not None:
                raise p.error(nxt, "two upper limits", kind="malformed")
            upper = parse_script(p)
        else:
            break
    if op in ("max", "min") and not has_sub and not has_sup and (at_call_paren(p) or _at_set_brace(p)):
        head = ast.Symbol(op, "op", span=(tok.start, tok.end))
        args = parse_call_args(p) if at_call_paren(p) else _parse_set_arguments(p)
        return p.parse_postfix(ast.Apply(head, args, span=(start, p.last_end)))
    nxt = p.peek()
    if nxt.t == "{" and not has_sub and op in ("sum", "prod") and any(
            t.t == "=" for t in p.toks[p.i : p.matching(p.i)]):
        # valid TeX (it renders) but almost always a lost underscore
        raise p.error(tok, f"\\{op} followed by a braced range", hint=f"write \\{op}_{{i=1}}^n")
    takes_all = op in ("argmax", "argmin")
    if nxt.t == "-" and not takes_all:
        p.advance()
        body: ast.Expr = ast.Neg(p.parse_term(), span=(nxt.start, p.last_end))
    elif p.can_start_factor(nxt) or nxt.t == "-":
        body = p.parse_expr() if takes_all else p.parse_term()
    else:
        raise p.error(tok, f"{tok.source()} has nothing to apply to", kind="malformed")
    return ast.BigOp(op, body, index, lower, upper, domain, span=(start, p.last_end))


def _at_set_brace(p: Parser) -> bool:
    tok = p.peek()
    if p.is_cmd(tok, "\\{", "\\lbrace"):
        return True
    return tok.t == "cmd" and tok.value in ("\\left", *SIZING) and p.is_cmd(p.peek(1), "\\{", "\\lbrace")


def _parse_set_arguments(p: Parser) -> tuple[ast.Expr, ...]:
    node = p.parse_primary(postfix=False)
    if isinstance(node, ast.SetOf):
        return node.items
    raise p.error(p.toks[p.i - 1], "expected a list of values in braces")


def parse_expectation(p: Parser, tok: Token, symbol: ast.Symbol) -> ast.Expr:
    """What follows `\\mathbb{E}` (read from `tok` on): an optional subscript, then `[...]`."""
    under: ast.Statement | None = None
    if p.peek().t == "_":
        p.advance()
        if p.peek().t == "{":
            p.advance()
            item = parse_statement(p, condition=False)
            if isinstance(item, ast.ShapeDecl):
                raise p.error(p.peek(), "a shape declaration under \\mathbb{E}")
            under = item.build()
            p.expect("}", "} after the expectation's subscript")
        else:
            var = p.parse_primary(postfix=False)
            under = ast.Statement((var,), span=var.span)
    nxt = p.peek()
    opener = nxt
    if nxt.t == "cmd" and (nxt.value == "\\left" or nxt.value in SIZING):
        opener = p.peek(1)
    if opener.t not in ("[", "("):
        raise p.error(tok, "\\mathbb{E} without [ ... ] after it")
    body = p.parse_atom()
    return ast.Expectation(body, under, span=(symbol.span[0], p.last_end))


def _big_operator(p: Parser, tok: Token) -> ast.Expr:
    p.advance()
    return parse_big_operator(p, BIG_OPERATORS[tok.value], tok)


def _arg(p: Parser, tok: Token) -> ast.Expr | None:
    """`\\arg\\max`, `\\arg\\min`; a lone `\\arg` is not an operator."""
    if not p.is_cmd(p.peek(1), "\\max", "\\min"):
        return None
    p.advance()
    op = "arg" + p.advance().value[1:]
    return parse_big_operator(p, op, tok)


def _word(p: Parser, tok: Token) -> ast.Expr | None:
    """`\\operatorname*{argmax}`, `\\text{max}`."""
    word = word_of(tok.arg or "", opname=tok.t == "opname")
    if word is None or word.lower() not in BIG_OPERATOR_WORDS:
        return None
    p.advance()
    return parse_big_operator(p, BIG_OPERATOR_WORDS[word.lower()], tok)


def _gradient(p: Parser, tok: Token) -> ast.Expr:
    p.advance()
    wrt = None
    if p.peek().t == "_":
        p.advance()
        wrt = parse_script(p)
    if p.peek().t == "^":
        raise p.error(p.peek(), "powers of \\nabla (write the Hessian or Laplacian out)")
    if not p.can_start_factor(p.peek()):
        raise p.error(tok, "\\nabla has nothing to apply to", kind="malformed")
    body = p.parse_product()
    return ast.Gradient(body, wrt, span=(tok.start, p.last_end))


OPERATORS.update(dict.fromkeys(BIG_OPERATORS, _big_operator))
OPERATORS.update({"\\arg": _arg, "\\nabla": _gradient})
WORD_OPERATORS.append(_word)
