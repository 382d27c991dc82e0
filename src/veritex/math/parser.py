"""A hand-written Pratt / recursive-descent parser for the TeX that people write about ML.

Why not a grammar tool or SymPy's LaTeX parsers: ML notation depends on decisions that a generic
grammar makes silently and wrongly. Juxtaposition is multiplication (`QK^\\top`), except when it
is application (`f(x)`, `\\mathcal{L}(\\theta)`) or a subscripted name (`d_k`); `\\sum` binds a
product but stops at `+`; `\\log x` takes one factor; `|` opens an absolute value, closes one, or
means "given" inside `p(y | x)`; `y^{(i)}` is an index, `W^\\top` a transpose. A precedence-climbing
parser written by hand makes each of these one visible decision, gives exact error offsets, and
refuses anything it does not understand instead of guessing.

Precedence, loosest first: relations (statement level) < `+ - \\pm` < explicit products
(`\\cdot \\times \\odot \\otimes * /`) < juxtaposition < unary prefix operators (`\\sum`, `\\frac{d}{dx}`,
`\\nabla`, `\\log` without parentheses, which take what follows) < scripts and primes.
"""

from __future__ import annotations

from veritex.math import ast
from veritex.math.commands import (
    ACCENTS,
    BIG_OPERATOR_WORDS,
    BIG_OPERATORS,
    BINARY_OPERATORS,
    BLACKBOARD_SHORTHANDS,
    CLOSE_DELIMITERS,
    DOTS,
    FONTS,
    FRACTIONS,
    FUNCTION_COMMANDS,
    FUNCTION_LETTERS,
    FUNCTION_WORDS,
    GREEK,
    LETTERLIKE,
    OPEN_DELIMITERS,
    RELATIONS,
    SIZING,
    UNSUPPORTED,
    WORD_FONTS,
)
from veritex.math.conditions import keyword_of
from veritex.math.delimiters import DelimiterRules
from veritex.math.errors import MathSyntaxError
from veritex.math.lexer import Token
from veritex.math.statements import StatementRules

MAX_DEPTH = 60
"""Deepest nesting of groups accepted; deeper input is refused rather than risking the stack."""

_NOT_FACTOR_COMMANDS = frozenset(
    {"\\right", "\\middle", "\\mid", "\\parallel", "\\}", "\\rbrace", "\\rfloor", "\\rceil",
     "\\rangle", "\\rvert", "\\rVert", "\\stackrel", "\\overset", "\\not"}
)
_TRANSPOSE_COMMANDS = frozenset({"\\top", "\\intercal", "\\T"})
_STAR_COMMANDS = frozenset({"\\ast", "\\star"})
_BAR_COMMANDS = frozenset({"\\vert", "\\lvert", "\\rvert"})
_DOUBLE_BAR_COMMANDS = frozenset({"\\|", "\\Vert", "\\lVert", "\\rVert"})


class Parser(StatementRules, DelimiterRules):
    """Expressions: sums, products, factors, applications, operators, scripts, primaries. The
    statement and delimiter rules come from the two mixins; the token cursor from their base."""

    # ---- expressions -------------------------------------------------------------------------

    def parse_expr(self) -> ast.Expr:
        return self.parse_additive(None)

    def parse_additive(self, left: ast.Expr | None) -> ast.Expr:
        start = self.peek().start if left is None else left.span[0]
        if left is None:
            tok = self.peek()
            if tok.t == "-":
                self.advance()
                operand = self.parse_term()
                left = ast.Neg(operand, span=(start, self.last_end))
            elif tok.t == "+":
                self.advance()
                left = self.parse_term()
            elif self.is_cmd(tok, "\\pm", "\\mp"):
                raise self.error(tok, "a leading \\pm (write the two cases separately)")
            else:
                left = self.parse_term()
        while True:
            tok = self.peek()
            if tok.t in ("+", "-"):
                op = tok.t
            elif self.is_cmd(tok, "\\pm", "\\mp"):
                op = tok.value[1:]
            else:
                return left
            self.advance()
            right = self.parse_term()
            left = ast.BinOp(op, left, right, span=(start, self.last_end))

    def parse_term(self) -> ast.Expr:
        start = self.peek().start
        left = self.parse_product()
        while True:
            tok = self.peek()
            if tok.t == "/":
                op = "/"
            elif tok.t == "*":
                op = "ast"
            elif tok.t == "cmd" and tok.value in BINARY_OPERATORS and tok.value not in ("\\pm", "\\mp"):
                op = BINARY_OPERATORS[tok.value]
            else:
                return left
            self.advance()
            if op == "/":
                right = self.parse_factor()
                if self.can_start_factor(self.peek()):
                    raise self.error(self.peek(), "a/bc is ambiguous", hint="write \\frac{a}{bc} or (a/b)c")
            elif self.peek().t == "-":
                neg_start = self.advance().start
                right = ast.Neg(self.parse_product(), span=(neg_start, self.last_end))
            else:
                right = self.parse_product()
            left = ast.BinOp(op, left, right, span=(start, self.last_end))

    def parse_product(self) -> ast.Expr:
        start = self.peek().start
        first = self.parse_factor()
        if not self.can_start_factor(self.peek()):
            return first
        factors = [first]
        while self.can_start_factor(self.peek()):
            factors.append(self.parse_factor())
        return ast.Juxt(tuple(factors), span=(start, self.last_end))

    def can_start_factor(self, tok: Token) -> bool:
        t = tok.t
        if t in ("letter", "num", "(", "[", "{", "begin", "opname"):
            return True
        if t == "|":
            return self.abs_open == 0 and self.bar_closes_later("|")
        if t == "text":
            return keyword_of(tok) is None
        if t != "cmd":
            return False
        v = tok.value
        if v in RELATIONS or v in BINARY_OPERATORS or v in _NOT_FACTOR_COMMANDS:
            return False
        if v in ("\\|", "\\Vert"):
            return self.norm_open == 0 and self.bar_closes_later("||")
        if v == "\\vert":
            return self.abs_open == 0 and self.bar_closes_later("|")
        if v in SIZING:
            nxt = self.peek(1)
            if nxt.t == "|":
                return self.abs_open == 0 and self.peek(2).t != "_" and self.bar_closes_later("|", 1)
            if nxt.t == "cmd" and nxt.value in ("\\|", "\\Vert"):
                return self.norm_open == 0 and self.bar_closes_later("||", 1)
            delim = nxt.value if nxt.t == "cmd" else nxt.t
            return delim in OPEN_DELIMITERS and delim not in CLOSE_DELIMITERS
        return True

    def bar_closes_later(self, kind: str, skip: int = 0) -> bool:
        """Whether a bar at the current token (after `skip` sizing tokens) has a partner later at
        the same depth, which makes it an opening bar rather than 'given' or an evaluation bar."""
        depth = 0
        j = self.i + skip + 1
        while j < self.last:
            tok = self.toks[j]
            t = tok.t
            if t in ("(", "[", "{"):
                depth += 1
            elif t in (")", "]", "}"):
                depth -= 1
                if depth < 0:
                    return False
            elif t in ("rowsep", "&", "end", "quad"):
                return False
            elif t == "cmd" and tok.value in ("\\left", "\\right"):
                depth += 1 if tok.value == "\\left" else -1
                if depth < 0:
                    return False
                j += 2
                continue
            elif depth == 0:
                if kind == "|" and (t == "|" or (t == "cmd" and tok.value in _BAR_COMMANDS)):
                    return True
                if kind == "||" and t == "cmd" and tok.value in _DOUBLE_BAR_COMMANDS:
                    return True
            j += 1
        return False

    def parse_factor(self) -> ast.Expr:
        tok = self.peek()
        if tok.t == "cmd":
            v = tok.value
            if v in BIG_OPERATORS:
                self.advance()
                return self.parse_big_operator(BIG_OPERATORS[v], tok)
            if v == "\\arg" and self.is_cmd(self.peek(1), "\\max", "\\min"):
                self.advance()
                op = "arg" + self.advance().value[1:]
                return self.parse_big_operator(op, tok)
            if v in FUNCTION_COMMANDS:
                return self.parse_function_command()
            if v == "\\nabla":
                return self.parse_gradient()
            if v in FRACTIONS and self.is_derivative_fraction():
                return self.parse_derivative()
        elif tok.t in ("opname", "text"):
            word = _word_of(tok.arg or "", opname=tok.t == "opname")
            if word is not None and word.lower() in BIG_OPERATOR_WORDS:
                self.advance()
                return self.parse_big_operator(BIG_OPERATOR_WORDS[word.lower()], tok)
        node = self.parse_primary()
        if isinstance(node, ast.BigOp):
            return node
        return self.maybe_apply(node)

    def maybe_apply(self, node: ast.Expr) -> ast.Expr:
        """Turn `f(x)`-like juxtapositions into applications (see FUNCTION_LETTERS)."""
        start = node.span[0]
        if self.at_call_paren():
            head = _callable_head(node)
            if head is not None and (self.is_function_name(head) or self.paren_holds_arguments()):
                args = self.parse_call_args()
                applied = ast.Apply(node, args, span=(start, self.last_end))
                return self.parse_postfix(applied)
            if isinstance(node, ast.Power) and _callable_head(node.base) is not None \
                    and self.is_function_name(_callable_head(node.base)):
                raise self.error(self.peek(), "a power or inverse of a function (f^{-1}(x), "
                                              "f^2(x)) is not read; write f(x)^2")
            return node
        if isinstance(node, ast.Symbol) and node.is_word and node.font in ("rm", "op", "text") \
                and node.name.lower() in FUNCTION_WORDS and self.can_start_factor(self.peek()):
            arg = self.parse_function_argument()
            return ast.Apply(node, (arg,), span=(start, self.last_end))
        return node

    def is_function_name(self, head: ast.Symbol | None) -> bool:
        if head is None or head.font == "bf" or "vec" in head.accents:
            return False
        if head.is_word and head.font in ("rm", "op", "text", "it", "sf", "tt"):
            return True
        return head.name in FUNCTION_LETTERS or head.name in self.functions

    def at_call_paren(self) -> bool:
        tok = self.peek()
        if tok.t == "(":
            return True
        if tok.t == "cmd" and (tok.value == "\\left" or tok.value in SIZING):
            return self.peek(1).t == "("
        return False

    def paren_holds_arguments(self) -> bool:
        """Whether the parentheses ahead hold a comma list or a conditioning bar: `J(w, b)`,
        `\\pi(a \\mid s)`, `D(P \\| Q)`, which are applications whatever the letter before."""
        j = self.i + (0 if self.peek().t == "(" else 1)
        depth = 0
        bars = 0
        separator = False
        while j < self.last:
            tok = self.toks[j]
            t = tok.t
            if t in ("(", "[", "{"):
                depth += 1
            elif t in (")", "]", "}"):
                depth -= 1
                if depth == 0:
                    break
            elif t == "cmd" and tok.value in ("\\left", "\\right"):
                depth += 1 if tok.value == "\\left" else -1
                j += 2
                if depth == 0:
                    break
                continue
            elif depth == 1:
                if t in (",", ";") or (t == "cmd" and tok.value in ("\\mid", "\\parallel")):
                    separator = True
                elif t == "|" or (t == "cmd" and tok.value in ("\\|", "\\Vert")):
                    bars += 1
            j += 1
        return separator or bars % 2 == 1

    def parse_call_args(self) -> tuple[ast.Expr, ...]:
        open_tok = self.peek()
        left = open_tok.t == "cmd" and open_tok.value == "\\left"
        if open_tok.t == "cmd":
            self.advance()
        self.advance()  # "("
        saved = self.abs_open, self.norm_open
        self.abs_open = self.norm_open = 0
        args: list[ast.Expr] = []
        while True:
            tok = self.peek()
            if self.is_cmd(tok, "\\cdot") and self.peek(1).t in (",", ")") or (
                    self.is_cmd(tok, "\\cdot") and self.is_cmd(self.peek(1), "\\right", *SIZING)):
                self.advance()
                args.append(ast.Placeholder(span=(tok.start, tok.end)))
            else:
                args.append(self.parse_group_item())
            if self.peek().t == ",":
                self.advance()
                continue
            break
        self.close_delimiter("(", left, open_tok)
        self.abs_open, self.norm_open = saved
        return tuple(args)

    def parse_group_item(self) -> ast.Expr:
        """An expression inside parentheses, where `|`, `\\mid`, `\\|` and `;` separate."""
        start = self.peek().start
        left = self.parse_expr()
        while True:
            tok = self.peek()
            if (tok.t == "|" and self.abs_open == 0) or self.is_cmd(tok, "\\mid", "\\vert"):
                op = "given"
            elif self.is_cmd(tok, "\\middle") and self.peek(1).t == "|":
                self.advance()
                op = "given"
            elif (self.is_cmd(tok, "\\|", "\\Vert") and self.norm_open == 0) or self.is_cmd(
                    tok, "\\parallel"):
                op = "parallel"
            elif tok.t == ";":
                op = ";"
            else:
                return left
            self.advance()
            right = self.parse_expr()
            left = ast.BinOp(op, left, right, span=(start, self.last_end))

    def parse_function_argument(self) -> ast.Expr:
        """The argument of `\\log x`, `\\sin 2\\theta`: factors up to the next operator-like
        factor, so `\\sin x \\cos y` is a product of two applications."""
        start = self.peek().start
        factors = [self.parse_factor()]
        while self.can_start_factor(self.peek()) and not self.starts_operator(self.peek()):
            factors.append(self.parse_factor())
        if len(factors) == 1:
            return factors[0]
        return ast.Juxt(tuple(factors), span=(start, self.last_end))

    def starts_operator(self, tok: Token) -> bool:
        if tok.t == "cmd":
            v = tok.value
            return (v in FUNCTION_COMMANDS or v in BIG_OPERATORS or v in ("\\arg", "\\nabla")
                    or (v in FRACTIONS and self.is_derivative_fraction()))
        if tok.t in ("opname", "text"):
            word = _word_of(tok.arg or "", opname=tok.t == "opname")
            return word is not None and word.lower() in FUNCTION_WORDS | set(BIG_OPERATOR_WORDS)
        return False

    # ---- prefix operators --------------------------------------------------------------------

    def parse_function_command(self) -> ast.Expr:
        tok = self.advance()
        start = tok.start
        head: ast.Expr = ast.Symbol(tok.value[1:], "op", span=(tok.start, tok.end))
        power: ast.Expr | None = None
        sub: ast.Expr | None = None
        primes = 0
        while True:
            nxt = self.peek()
            if nxt.t == "_" and sub is None:
                self.advance()
                sub = self.parse_script()
            elif nxt.t == "^" and power is None:
                self.advance()
                power = self.parse_script()
            elif nxt.t == "'":
                self.advance()
                primes += 1
            else:
                break
        if sub is not None:
            if tok.value not in ("\\log",):
                raise self.error(tok, f"a subscript on {tok.value}")
            head = ast.Subscript(head, sub, span=(start, self.last_end))
        if primes:
            head = ast.Prime(head, primes, span=(start, self.last_end))
        if power is not None and isinstance(power, ast.Neg):
            raise self.error(tok, f"{tok.value}^{{-1}} (an inverse function)",
                             hint="write \\arcsin, \\arccos, \\arctan")
        if self.at_call_paren():
            args = self.parse_call_args()
        elif self.can_start_factor(self.peek()):
            args = (self.parse_function_argument(),)
        else:
            raise self.error(tok, f"{tok.value} has no argument", kind="malformed")
        node: ast.Expr = ast.Apply(head, args, span=(start, self.last_end))
        if power is not None:
            node = ast.Power(node, power, span=(start, self.last_end))
        return self.parse_postfix(node)

    def parse_big_operator(self, op: str, tok: Token) -> ast.Expr:
        start = tok.start
        index = lower = upper = domain = None
        has_sub = has_sup = False
        while True:
            nxt = self.peek()
            if nxt.t == "_" and not has_sub:
                has_sub = True
                self.advance()
                index, lower, upper_from_sub, domain = self.parse_operator_range(tok)
                if upper_from_sub is not None:
                    upper = upper_from_sub
            elif nxt.t == "^" and not has_sup:
                has_sup = True
                self.advance()
                if upper is not None:
                    raise self.error(nxt, "two upper limits", kind="malformed")
                upper = self.parse_script()
            else:
                break
        if op in ("max", "min") and not has_sub and not has_sup and (
                self.at_call_paren() or self.at_set_brace()):
            head = ast.Symbol(op, "op", span=(tok.start, tok.end))
            args = self.parse_call_args() if self.at_call_paren() else self.parse_set_arguments()
            return self.parse_postfix(ast.Apply(head, args, span=(start, self.last_end)))
        nxt = self.peek()
        if nxt.t == "{" and not has_sub and op in ("sum", "prod") and any(
                t.t == "=" for t in self.toks[self.i : self.matching(self.i)]):
            # valid TeX (it renders) but almost always a lost underscore
            raise self.error(tok, f"\\{op} followed by a braced range",
                             hint=f"write \\{op}_{{i=1}}^n")
        # \sum and \max bind a product (`\sum_i x_i + 1` adds 1 once); \argmin takes all that
        # follows (`\argmin_w \|Xw - y\|^2 + \lambda \|w\|^2`).
        parse_body = self.parse_expr if op in ("argmax", "argmin") else self.parse_term
        if nxt.t == "-" and parse_body == self.parse_term:
            self.advance()
            body: ast.Expr = ast.Neg(self.parse_term(), span=(nxt.start, self.last_end))
        elif self.can_start_factor(nxt) or nxt.t == "-":
            body = parse_body()
        else:
            raise self.error(tok, f"{tok.source()} has nothing to apply to", kind="malformed")
        return ast.BigOp(op, body, index, lower, upper, domain, span=(start, self.last_end))

    def at_set_brace(self) -> bool:
        tok = self.peek()
        if self.is_cmd(tok, "\\{", "\\lbrace"):
            return True
        return tok.t == "cmd" and tok.value in ("\\left", *SIZING) and self.is_cmd(
            self.peek(1), "\\{", "\\lbrace")

    def parse_set_arguments(self) -> tuple[ast.Expr, ...]:
        node = self.parse_primary(postfix=False)
        if isinstance(node, ast.SetOf):
            return node.items
        raise self.error(self.toks[self.i - 1], "expected a list of values in braces")

    def parse_operator_range(self, op_tok: Token) -> tuple[ast.Expr | None, ast.Expr | None,
                                                           ast.Expr | None, ast.Expr | None]:
        """The subscript of `\\sum`/`\\max`...: `i`, `{i=1}`, `{i,j}`, `{i \\in S}`,
        `{1 \\le i \\le n}`. Returns index, lower, upper, domain."""
        tok = self.peek()
        if tok.t != "{":
            index = self.parse_primary(postfix=False)
            self.check_index(index, tok)
            return index, None, None, None
        self.advance()
        start = self.peek().start
        sides = [self.parse_index_side()]
        relations: list[str] = []
        while self.is_relation():
            relations.append(self.parse_relation())
            sides.append(self.parse_index_side())
        close = self.peek()
        if close.t != "}":
            raise self.error(close, f"cannot read the range of {op_tok.source()}")
        self.advance()
        if not relations:
            self.check_index(sides[0], tok)
            return sides[0], None, None, None
        if relations == ["="]:
            self.check_index(sides[0], tok)
            return sides[0], sides[1], None, None
        if relations == ["in"]:
            self.check_index(sides[0], tok)
            return sides[0], None, None, sides[1]
        if relations == ["le", "le"]:
            self.check_index(sides[1], tok)
            return sides[1], sides[0], sides[2], None
        raise MathSyntaxError(start, f"{op_tok.source()}_{{...}}",
                              f"cannot read the range of {op_tok.source()}: write i=1 ^n, "
                              "i \\in S or 1 \\le i \\le n")

    def parse_index_side(self) -> ast.Expr:
        start = self.peek().start
        first = self.parse_expr()
        if self.peek().t != ",":
            return first
        items = [first]
        while self.peek().t == ",":
            self.advance()
            items.append(self.parse_expr())
        return ast.Tuple(tuple(items), span=(start, self.last_end))

    def check_index(self, index: ast.Expr, tok: Token) -> None:
        items = index.items if isinstance(index, ast.Tuple) else (index,)
        for item in items:
            base = item.base if isinstance(item, ast.Subscript) else item
            if not isinstance(base, ast.Symbol):
                raise MathSyntaxError(item.span[0], "an index", "the bound variable of a sum or "
                                      "reduction must be a name", kind="unsupported")

    def parse_gradient(self) -> ast.Expr:
        tok = self.advance()
        wrt = None
        if self.peek().t == "_":
            self.advance()
            wrt = self.parse_script()
        if self.peek().t == "^":
            raise self.error(self.peek(), "powers of \\nabla (write the Hessian or Laplacian out)")
        if not self.can_start_factor(self.peek()):
            raise self.error(tok, "\\nabla has nothing to apply to", kind="malformed")
        body = self.parse_product()
        return ast.Gradient(body, wrt, span=(tok.start, self.last_end))

    # ---- derivatives -------------------------------------------------------------------------

    def differential_at(self, k: int, numerator: bool) -> tuple[str | None, int]:
        """('d' or 'partial', index after it) when a differential starts at token `k`."""
        tok = self.toks[min(k, self.last)]
        nxt = self.toks[min(k + 1, self.last)]
        if tok.t == "cmd" and tok.value == "\\partial":
            return "partial", k + 1
        if tok.t == "letter" and tok.value == "d":
            follower = nxt
        elif tok.t == "cmd" and tok.value in ("\\mathrm", "\\mathit") and nxt.t == "{" and \
                self.toks[min(k + 2, self.last)].value == "d" and self.toks[min(k + 3, self.last)].t == "}":
            k += 3
            follower = self.toks[min(k + 1, self.last)]
        elif tok.t == "cmd" and tok.value == "\\mathrm" and nxt.t == "letter" and nxt.value == "d":
            k += 1
            follower = self.toks[min(k + 1, self.last)]
        elif tok.t in ("text", "opname") and (tok.arg or "").strip() == "d":
            follower = nxt
        else:
            return None, k
        if follower.t == "_":
            return None, k
        if numerator:
            if follower.t in ("}", "^", "letter", "(", "{", "text", "opname") or (
                    follower.t == "cmd" and follower.value not in BINARY_OPERATORS
                    and follower.value not in RELATIONS):
                return "d", k + 1
            return None, k
        if follower.t in ("letter", "cmd", "{", "text", "opname"):
            return "d", k + 1
        return None, k

    def is_derivative_fraction(self) -> bool:
        k = self.i + 1
        if self.toks[min(k, self.last)].t != "{":
            return False
        kind, _ = self.differential_at(k + 1, numerator=True)
        if kind is None:
            return False
        close = self.matching(k)
        if self.toks[min(close + 1, self.last)].t != "{":
            return False
        den_kind, _ = self.differential_at(close + 2, numerator=False)
        return den_kind == kind

    def parse_derivative(self) -> ast.Expr:
        frac = self.advance()
        self.advance()  # "{"
        kind, k = self.differential_at(self.i, numerator=True)
        self.skip_to(k)
        order, explicit = 1, False
        if self.peek().t == "^":
            self.advance()
            order, explicit = self.parse_order(), True
        body: ast.Expr | None = None
        if self.peek().t != "}":
            body = self.parse_expr()
        self.expect("}", "} to end the numerator")
        self.expect("{", "the denominator")
        variables: list[ast.Expr] = []
        orders: list[int] = []
        while self.peek().t != "}":
            den_kind, k = self.differential_at(self.i, numerator=False)
            if den_kind != kind:
                symbol = "\\partial" if kind == "partial" else "d"
                raise self.error(self.peek(), f"expected {symbol}<variable> in the denominator")
            self.skip_to(k)
            variables.append(self.parse_differentiation_variable())
            n = 1
            if self.peek().t == "^":
                self.advance()
                n = self.parse_order()
            orders.append(n)
        self.advance()  # "}"
        if sum(orders) != order and (explicit or sum(orders) != 1):
            raise MathSyntaxError(frac.start, frac.value, "the derivative's orders do not match: "
                                  f"{order} above, {sum(orders)} below", kind="malformed")
        if body is None:
            if not self.can_start_factor(self.peek()):
                raise self.error(frac, "this derivative operator has nothing to differentiate",
                                 kind="malformed")
            body = self.parse_product()
        return ast.Derivative(body, tuple(variables), tuple(orders), kind == "partial",
                              span=(frac.start, self.last_end))

    def parse_order(self) -> int:
        tok = self.peek()
        if tok.t == "num" and tok.value.isdigit():
            return int(self.split_first_digit().value)
        if tok.t == "{" and self.peek(1).t == "num" and self.peek(1).value.isdigit() and \
                self.peek(2).t == "}":
            self.advance()
            value = int(self.advance().value)
            self.advance()
            return value
        raise self.error(tok, "a derivative's order must be a whole number")

    def parse_differentiation_variable(self) -> ast.Expr:
        start = self.peek().start
        var = self.parse_primary(postfix=False)
        if self.peek().t == "_":
            self.advance()
            var = ast.Subscript(var, self.parse_script(), span=(start, self.last_end))
        if self.peek().t == "^" and self.peek(1).t == "{" and self.peek(2).t in ("(", "["):
            self.advance()
            kind, value, bracket = self.parse_superscript(var)
            if kind != "index" or value is None:
                raise self.error(self.peek(), "cannot read this differentiation variable")
            var = ast.SuperIndex(var, value, bracket, span=(start, self.last_end))
        base = var.base if isinstance(var, ast.Subscript | ast.SuperIndex) else var
        if isinstance(base, ast.Subscript):
            base = base.base
        if not isinstance(base, ast.Symbol):
            raise MathSyntaxError(start, "a differentiation variable",
                                  "the variable of a derivative must be a name", kind="unsupported")
        return var

    # ---- primaries ---------------------------------------------------------------------------

    def parse_primary(self, postfix: bool = True) -> ast.Expr:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise self.error(self.peek(), "the formula is nested too deeply")
            node = self.parse_atom()
            return self.parse_postfix(node) if postfix else node
        finally:
            self.depth -= 1

    def parse_atom(self) -> ast.Expr:
        tok = self.peek()
        t = tok.t
        start = tok.start
        if t == "letter":
            self.advance()
            return ast.Symbol(tok.value, span=(start, tok.end))
        if t == "num":
            return self.split_number()
        if t == "(" or t == "[":
            self.advance()
            return self.parse_bracketed(t, left=False, open_tok=tok)
        if t == "{":
            self.advance()
            if self.peek().t == "}":
                raise self.error(tok, "an empty group where a value is expected", kind="malformed")
            node = self.parse_group_content()
            self.expect("}", "}")
            return node
        if t == "|":
            return self.parse_abs(left=False, open_tok=self.advance())
        if t == "text" or t == "opname":
            return self.parse_word(tok)
        if t == "begin":
            return self.parse_environment()
        if t == "cmd":
            return self.parse_command()
        if t == "eof":
            raise self.error(tok, "the formula ends where a value is expected", kind="malformed")
        if t in ("}", ")", "]", "rowsep", "&", "end"):
            raise self.error(tok, "a value is missing before this", kind="malformed")
        if t == ":":
            raise self.error(tok, "':' (a slice or a colon) is not in the subset")
        if t == "param":
            raise self.error(tok, "'#' outside a macro definition", kind="malformed")
        if ord(tok.value[:1] or " ") > 127:
            raise self.error(tok, "text outside \\text{...}")
        raise self.error(tok, "unexpected here", kind="malformed")

    def parse_word(self, tok: Token) -> ast.Expr:
        keyword = keyword_of(tok)
        if keyword is not None:
            raise self.error(tok, "a condition keyword where a value is expected")
        word = _word_of(tok.arg or "", opname=tok.t == "opname")
        if word is None:
            if "#" in (tok.arg or ""):
                raise self.error(tok, "'#' outside a macro definition", kind="malformed")
            raise self.error(tok, "text where a value is expected")
        self.advance()
        font = "op" if tok.t == "opname" else "text"
        if word[0].isdigit():
            return ast.Styled(font, ast.Number(word, span=(tok.start, tok.end)),
                              span=(tok.start, tok.end))
        return ast.Symbol(word, font, span=(tok.start, tok.end))

    def split_number(self) -> ast.Number:
        """A whole number (`10000`, `0.5`)."""
        tok = self.advance()
        return ast.Number(tok.value, span=(tok.start, tok.end))

    def split_first_digit(self) -> ast.Number:
        """The first digit of a number: in a script or a one-token argument TeX takes only that
        (`x^23` is x squared times 3); the rest stays as the next token."""
        tok = self.peek()
        if len(tok.value) == 1:
            return self.split_number()
        if tok.value[0] == ".":
            raise self.error(tok, "a script that starts with '.'", kind="malformed")
        self.toks[self.i] = Token("num", tok.value[1:], tok.start + 1, tok.end)
        self.last_end = tok.start + 1
        return ast.Number(tok.value[0], span=(tok.start, tok.start + 1))

    def parse_command(self) -> ast.Expr:
        tok = self.peek()
        v = tok.value
        start = tok.start
        if v in GREEK or v in LETTERLIKE:
            self.advance()
            return ast.Symbol(v, span=(start, tok.end))
        if v in BLACKBOARD_SHORTHANDS:
            self.advance()
            return ast.Symbol(BLACKBOARD_SHORTHANDS[v], "bb", span=(start, tok.end))
        if v in FONTS:
            return self.parse_font()
        if v in ACCENTS:
            self.advance()
            body = self.parse_argument(tok)
            return _with_accent(ACCENTS[v], body, (start, self.last_end))
        if v in FRACTIONS:
            self.advance()
            num = self.parse_argument(tok)
            den = self.parse_argument(tok)
            return ast.Frac(num, den, span=(start, self.last_end))
        if v == "\\sqrt":
            self.advance()
            index = None
            if self.peek().t == "[":
                self.advance()
                index = self.parse_expr()
                self.expect("]", "] after the root's index")
            radicand = self.parse_argument(tok)
            return ast.Sqrt(radicand, index, span=(start, self.last_end))
        if v == "\\left":
            self.advance()
            return self.parse_left_right(tok)
        if v in SIZING:
            self.advance()
            return self.parse_sized(tok)
        if v in ("\\{", "\\lbrace"):
            return self.parse_set(left=False, open_tok=self.advance())
        if v in ("\\|", "\\Vert", "\\lVert"):
            return self.parse_norm(left=False, open_tok=self.advance())
        if v in ("\\vert", "\\lvert"):
            return self.parse_abs(left=False, open_tok=self.advance())
        if v in ("\\lfloor", "\\lceil"):
            return self.parse_floor_ceil(left=False, open_tok=self.advance())
        if v in DOTS:
            self.advance()
            return ast.Dots(span=(start, tok.end))
        if v == "\\cdot":
            nxt = self.peek(1)
            if nxt.t in (")", ",", "|") or (nxt.t == "cmd" and (
                    nxt.value in ("\\right", "\\|", "\\rVert", "\\Vert", "\\rvert") or nxt.value in SIZING)):
                self.advance()
                return ast.Placeholder(span=(start, tok.end))
            raise self.error(tok, "\\cdot with nothing on its left", kind="malformed")
        if v in FUNCTION_COMMANDS or v in BIG_OPERATORS or v == "\\nabla" or v == "\\arg":
            raise self.error(tok, f"{v} where a single value is expected (use braces)")
        if v in UNSUPPORTED:
            raise self.error(tok, f"outside veritex's math subset ({UNSUPPORTED[v]})")
        if v in RELATIONS or v in BINARY_OPERATORS:
            raise self.error(tok, "an operator where a value is expected", kind="malformed")
        raise self.error(tok, "unknown command (not a TeX command veritex reads, nor a macro "
                              "defined in the formula or the front matter)")

    def parse_argument(self, context: Token) -> ast.Expr:
        """The argument of `\\frac`, `\\sqrt`, an accent or a font: a braced group or one token."""
        tok = self.peek()
        if tok.t == "{":
            self.advance()
            if self.peek().t == "}":
                raise self.error(tok, f"an empty argument of {context.value}", kind="malformed")
            node = self.parse_group_content()
            self.expect("}", "}")
            return node
        if tok.t == "num":
            return self.split_first_digit()
        if tok.t in ("letter", "cmd", "text", "opname"):
            return self.parse_primary(postfix=False)
        raise self.error(context, f"{context.value} is missing an argument", kind="malformed")

    def parse_group_content(self) -> ast.Expr:
        start = self.peek().start
        first = self.parse_expr()
        if self.peek().t != ",":
            return first
        items = [first]
        while self.peek().t == ",":
            self.advance()
            items.append(self.parse_expr())
        return ast.Tuple(tuple(items), span=(start, self.last_end))

    def parse_font(self) -> ast.Expr:
        tok = self.advance()
        font = FONTS[tok.value]
        start = tok.start
        nxt = self.peek()
        if nxt.t == "{":
            j = self.i + 1
            while self.toks[j].t in ("letter", "num"):
                j += 1
            if self.toks[j].t == "}" and j > self.i + 1:
                pieces = self.toks[self.i + 1 : j]
                self.skip_to(j + 1)
                span = (start, self.last_end)
                node = self.letters_in_font(pieces, font, span)
                if isinstance(node, ast.Symbol) and node.font == "bb" and node.name == "E":
                    return self.parse_expectation(tok, node)
                if isinstance(node, ast.Symbol) and node.is_word and \
                        node.name.lower() in BIG_OPERATOR_WORDS and font in WORD_FONTS:
                    return self.parse_big_operator(BIG_OPERATOR_WORDS[node.name.lower()], tok)
                return node
        body = self.parse_argument(tok)
        if font is None:
            return body
        node = _with_font(font, body, (start, self.last_end))
        if isinstance(node, ast.Symbol) and node.font == "bb" and node.name == "E":
            return self.parse_expectation(tok, node)
        return node

    def letters_in_font(self, pieces: list[Token], font: str | None, span: ast.Span) -> ast.Expr:
        if font in WORD_FONTS or len(pieces) == 1:
            word = "".join(p.value for p in pieces)
            if word[0].isdigit():
                number = ast.Number(word, span=span)
                return number if font is None else ast.Styled(font, number, span=span)
            return ast.Symbol(word, font, span=span)
        factors: list[ast.Expr] = []
        for p in pieces:
            if p.t == "letter":
                factors.append(ast.Symbol(p.value, font, span=(p.start, p.end)))
            else:
                number = ast.Number(p.value, span=(p.start, p.end))
                factors.append(number if font is None else ast.Styled(font, number,
                                                                       span=(p.start, p.end)))
        return ast.Juxt(tuple(factors), span=span)

    def parse_expectation(self, tok: Token, symbol: ast.Symbol) -> ast.Expr:
        under: ast.Statement | None = None
        if self.peek().t == "_":
            self.advance()
            if self.peek().t == "{":
                self.advance()
                item = self.parse_statement(condition=False)
                if isinstance(item, ast.ShapeDecl):
                    raise self.error(self.peek(), "a shape declaration under \\mathbb{E}")
                under = item.build()
                self.expect("}", "} after the expectation's subscript")
            else:
                var = self.parse_primary(postfix=False)
                under = ast.Statement((var,), span=var.span)
        nxt = self.peek()
        opener = nxt
        if nxt.t == "cmd" and (nxt.value == "\\left" or nxt.value in SIZING):
            opener = self.peek(1)
        if opener.t not in ("[", "("):
            raise self.error(tok, "\\mathbb{E} without [ ... ] after it")
        body = self.parse_atom()
        return ast.Expectation(body, under, span=(symbol.span[0], self.last_end))

    # ---- scripts -----------------------------------------------------------------------------

    def parse_script(self) -> ast.Expr:
        """A subscript or a superscript read as a value."""
        tok = self.peek()
        if tok.t == "{":
            self.advance()
            if self.peek().t == "}":
                raise self.error(tok, "an empty script", kind="malformed")
            node = self.parse_group_content()
            self.expect("}", "}")
            return node
        if tok.t == "num":
            return self.split_first_digit()
        if tok.t in ("letter", "cmd", "text", "opname"):
            return self.parse_primary(postfix=False)
        if tok.t == "-":
            raise self.error(tok, "a script that starts with '-'", kind="malformed",
                             hint="put the script in braces, as in x^{-1}")
        raise self.error(tok, "a script is missing here", kind="malformed")

    def parse_superscript(self, base: ast.Expr) -> tuple[str, ast.Expr | None, str]:
        """What a superscript means: ("T", None) for a transpose, ("prime", Number) for primes,
        ("star", None), ("index", index) for `^{(i)}` / `^{[l]}` / `W^Q`, else ("power", exp);
        the third item is the index's bracket ("(", "[" or "")."""
        tok = self.peek()
        if (tok.t == "cmd" and tok.value in _TRANSPOSE_COMMANDS) or (
                tok.t == "letter" and tok.value == "T"):
            self.advance()
            return "T", None, ""
        if self.is_cmd(tok, "\\prime"):
            self.advance()
            return "prime", ast.Number("1"), ""
        if tok.t == "*" or (tok.t == "cmd" and tok.value in _STAR_COMMANDS):
            self.advance()
            return "star", None, ""
        if tok.t == "{":
            inner = self.peek(1)
            closes = self.peek(2).t == "}"
            if closes and ((inner.t == "cmd" and inner.value in _TRANSPOSE_COMMANDS)
                           or (inner.t == "letter" and inner.value == "T")):
                self.skip_to(self.i + 3)
                return "T", None, ""
            if closes and (inner.t == "*" or (inner.t == "cmd" and inner.value in _STAR_COMMANDS)):
                self.skip_to(self.i + 3)
                return "star", None, ""
            if self.is_cmd(inner, "\\prime"):
                self.advance()
                count = 0
                while self.is_cmd(self.peek(), "\\prime"):
                    self.advance()
                    count += 1
                self.expect("}", "} after the primes")
                return "prime", ast.Number(str(count)), ""
            if inner.t in ("(", "["):
                close = self.matching(self.i + 1)
                if self.toks[min(close + 1, self.last)].t == "}":
                    self.advance()
                    bracket = self.advance()
                    if self.peek().t in (")", "]"):
                        raise self.error(bracket, "empty brackets", kind="malformed")
                    index = self.parse_group_content()
                    self.expect(")" if bracket.t == "(" else "]", "the closing bracket")
                    self.expect("}", "}")
                    return "index", index, bracket.t
        value = self.parse_script()
        if isinstance(value, ast.Symbol) and value.name == "T" and value.font in ("sf", "rm", "text"):
            return "T", None, ""
        if isinstance(value, ast.Symbol) and value.font is None and not value.accents and \
                len(value.name) == 1 and value.name.isupper() and value.name.isascii() and \
                _is_capital_name(base):
            return "index", value, ""
        return "power", value, ""

    def parse_postfix(self, node: ast.Expr) -> ast.Expr:
        start = node.span[0]
        sub: ast.Expr | None = None
        sup_kind: str | None = None
        sup: ast.Expr | None = None
        bracket = ""
        primes = 0
        while True:
            tok = self.peek()
            if tok.t == "_":
                if sub is not None:
                    raise self.error(tok, "a double subscript", kind="malformed",
                                     hint="use braces: x_{ij}")
                self.advance()
                sub = self.parse_script()
            elif tok.t == "^":
                if sup_kind is not None:
                    raise self.error(tok, "a double superscript", kind="malformed",
                                     hint="use braces: x^{ab}")
                self.advance()
                sup_kind, sup, bracket = self.parse_superscript(
                    node if sub is None else ast.Subscript(node, sub))
            elif tok.t == "'" and sup_kind is None:
                self.advance()
                primes += 1
            else:
                break
        if primes:
            node = ast.Prime(node, primes, span=(start, self.last_end))
        if sub is not None:
            if isinstance(node, ast.Norm) and node.order is None:
                node = ast.Norm(node.body, sub, span=(start, self.last_end))
            else:
                node = ast.Subscript(node, sub, span=(start, self.last_end))
        if sup_kind is not None:
            span = (start, self.last_end)
            if sup_kind == "T":
                node = ast.Transpose(node, span=span)
            elif sup_kind == "prime":
                assert isinstance(sup, ast.Number)
                count = int(sup.value)
                if isinstance(node, ast.Prime):
                    node = ast.Prime(node.operand, node.order + count, span=span)
                else:
                    node = ast.Prime(node, count, span=span)
            elif sup_kind == "star":
                starred = _with_accent("star", node, span)
                if isinstance(starred, ast.Accent):
                    raise MathSyntaxError(start, "^*", "a star on something that is not a name")
                node = starred
            elif sup_kind == "index":
                assert sup is not None
                node = ast.SuperIndex(node, sup, bracket, span=span)
            else:
                assert sup is not None
                node = ast.Power(node, sup, span=span)
        while True:
            if self.peek().t == "!":  # TeX has no `!=`: `n! = ...` is a factorial
                self.advance()
                node = ast.Factorial(node, span=(start, self.last_end))
            elif self.is_cmd(self.peek(), "\\%"):
                self.advance()
                node = ast.Percent(node, span=(start, self.last_end))
            else:
                return node


# ---- helpers -----------------------------------------------------------------------------------


def _word_of(text: str, *, opname: bool) -> str | None:
    """The identifier in a `\\text{...}` / `\\operatorname{...}` argument, or None."""
    if opname:
        for space in ("\\,", "\\!", "\\;", "\\:", "\\ "):
            text = text.replace(space, "")
        text = text.replace(" ", "")
    text = text.strip()
    if text and text.replace(" ", "").isascii() and text.replace(" ", "").isalnum() and \
            text[0].isalpha() and (" " not in text or text in BIG_OPERATOR_WORDS):
        return text
    if text and text.isdigit():
        return text
    return None


def _callable_head(node: ast.Expr) -> ast.Symbol | None:
    """The name a call would apply: `f`, `f_\\theta`, `f'`, `\\hat{f}`."""
    if isinstance(node, ast.Prime):
        node = node.operand
    if isinstance(node, ast.Subscript):
        node = node.base
    return node if isinstance(node, ast.Symbol) else None


def _is_capital_name(node: ast.Expr) -> bool:
    if isinstance(node, ast.Subscript):
        node = node.base
    return isinstance(node, ast.Symbol) and len(node.name) == 1 and node.name.isupper() and \
        node.name.isascii()


def _with_accent(kind: str, node: ast.Expr, span: ast.Span) -> ast.Expr:
    """Fold an accent into the name it sits on (`\\hat{y}`, `\\hat{x_i}`, `\\hat{y}^{(i)}`)."""
    if isinstance(node, ast.Symbol):
        return ast.Symbol(node.name, node.font, (*node.accents, kind), span=span)
    if isinstance(node, ast.Subscript | ast.SuperIndex):
        base = _with_accent(kind, node.base, node.base.span)
        if isinstance(base, ast.Symbol):
            if isinstance(node, ast.Subscript):
                return ast.Subscript(base, node.index, span=span)
            return ast.SuperIndex(base, node.index, node.bracket, span=span)
    return ast.Accent(kind, node, span=span)


def _with_font(font: str, node: ast.Expr, span: ast.Span) -> ast.Expr:
    """Fold a font into every name it covers; fonts are typography, not structure."""
    if isinstance(node, ast.Symbol):
        if node.font is not None:
            return node
        return ast.Symbol(node.name, font, node.accents, span=span)
    if isinstance(node, ast.Subscript):
        return ast.Subscript(_with_font(font, node.base, node.base.span), node.index, span=span)
    if isinstance(node, ast.SuperIndex):
        return ast.SuperIndex(_with_font(font, node.base, node.base.span), node.index,
                              node.bracket, span=span)
    if isinstance(node, ast.Power):
        return ast.Power(_with_font(font, node.base, node.base.span), node.exponent, span=span)
    if isinstance(node, ast.Transpose):
        return ast.Transpose(_with_font(font, node.operand, node.operand.span), span=span)
    if isinstance(node, ast.Juxt):
        return ast.Juxt(tuple(_with_font(font, f, f.span) for f in node.factors), span=span)
    if isinstance(node, ast.BinOp):
        return ast.BinOp(node.op, _with_font(font, node.left, node.left.span),
                         _with_font(font, node.right, node.right.span), span=span)
    if isinstance(node, ast.Neg):
        return ast.Neg(_with_font(font, node.operand, node.operand.span), span=span)
    return ast.Styled(font, node, span=span)
