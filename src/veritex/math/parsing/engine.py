"""The parser's core: the token cursor, the tables every construct family fills, and the
precedence-climbing loop that reads an expression.

Binding powers, loosest first: relations (statement level, see statements.py) < SUM (`+ - \\pm
\\mp`) < PRODUCT (`\\cdot \\times \\odot \\otimes * /`) < juxtaposition (`2x`, `QK^\\top`) < prefix
operators (`\\sum`, `\\frac{d}{dx}`, `\\nabla`, `\\log` without parentheses, which take what
follows) < scripts < `!` and `\\%`.

The engine knows no construct. A family module registers its handlers in the tables below, keyed by
token type or command (`\\frac`, `_`, `begin`...), and grammar.py imports every family. Handlers are
plain functions of the parser; the engine never imports a family, so the families may import the
engine and each other from the bottom up without a cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from veritex.math import ast
from veritex.math.commands import (
    BINARY_OPERATORS,
    CLOSE_DELIMITERS,
    OPEN_DELIMITERS,
    RELATIONS,
    SIZING,
)
from veritex.math.conditions import keyword_of
from veritex.math.errors import ErrorKind, MathSyntaxError
from veritex.math.lexer import Token

MAX_DEPTH = 60
"""Deepest nesting of groups accepted; deeper input is refused rather than risking the stack."""

SUM = 10
PRODUCT = 20
"""Binding powers of the infix operators; juxtaposition binds tighter than both."""

_LOOKAHEAD = 4
R = TypeVar("R")

_NOT_FACTOR_COMMANDS = frozenset(
    {"\\right", "\\middle", "\\mid", "\\parallel", "\\}", "\\rbrace", "\\rfloor", "\\rceil",
     "\\rangle", "\\rvert", "\\rVert", "\\stackrel", "\\overset", "\\not"}
)
_OPENERS = frozenset({"(", "[", "{"})
_CLOSERS = frozenset({")", "]", "}"})
_LEFT_RIGHT = {"\\left": 1, "\\right": -1}
_BAR_COMMANDS = frozenset({"\\vert", "\\lvert", "\\rvert"})
_DOUBLE_BAR_COMMANDS = frozenset({"\\|", "\\Vert", "\\lVert", "\\rVert"})


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


# ---- the tables ----------------------------------------------------------------------------------

Atom = Callable[["Parser", Token], ast.Expr]
"""Reads a primary starting at the token (not yet consumed)."""

Operator = Callable[["Parser", Token], "ast.Expr | None"]
"""Reads a prefix operator and what it takes, or returns None (consuming nothing) when the token
is not an operator here, so that it is read as a primary."""

FactorRule = Callable[["Parser", ast.Expr], ast.Expr]


@dataclass(frozen=True)
class Prefix:
    """A sign before the first operand of a sum: `-x`, `+x`."""

    read: Callable[[Parser, Token], ast.Expr]


@dataclass(frozen=True)
class Infix:
    """A binary operator: its name in `BinOp.op`, its binding power and how its right operand is read."""

    op: str
    power: int
    operand: Callable[[Parser], ast.Expr]


@dataclass(frozen=True)
class Postfix:
    """An operator after its operand. Stages order them (scripts, then `!` and `\\%`): a rule of a
    lower stage than the last one applied ends the operand; a rule that does not repeat, too."""

    read: Callable[[Parser, ast.Expr], ast.Expr]
    stage: int
    repeats: bool


ATOMS: dict[str, Atom] = {}
"""Primaries by token type (`letter`, `(`, `begin`, `text`...)."""
COMMANDS: dict[str, Atom] = {}
"""Primaries by command (`\\frac`, `\\alpha`, `\\left`...)."""
OPERATORS: dict[str, Operator] = {}
"""Prefix operators at the start of a factor, by command (`\\sum`, `\\log`, `\\nabla`)."""
WORD_OPERATORS: list[Operator] = []
"""Prefix operators written as a word in `\\text{...}` / `\\operatorname{...}`."""
FACTOR_RULES: list[FactorRule] = []
"""Applied, in order, to a factor's primary (`f` before `(x)` becomes an application)."""
PREFIXES: dict[str, Prefix] = {}
"""Signs before a sum's first operand, by token key (see key_of)."""
INFIXES: dict[str, Infix] = {}
"""Binary operators by token key, with their binding powers."""
POSTFIXES: dict[str, Postfix] = {}
"""Operators after an operand (`_`, `^`, `'`, `!`, `\\%`) by token key."""


def is_bracket(tok: Token) -> bool:
    """Whether the token opens or closes a group: `( [ {`, `) ] }`, `\\left`, `\\right`."""
    return tok.t in _OPENERS or tok.t in _CLOSERS or (tok.t == "cmd" and tok.value in _LEFT_RIGHT)


def key_of(tok: Token) -> str:
    """The table key of a token: a command's name, else the token's type."""
    return tok.value if tok.t == "cmd" else tok.t


class Parser:
    """The state of one parse and the moves over its tokens; the grammar lives in the tables."""

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
        self.stops: set[int] = set()  # token indices where a factor may not start (an integral's `dx`)

    # ---- cursor ------------------------------------------------------------------------------

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

    def rule_at(self, table: Mapping[str, R]) -> R | None:
        """The table's rule for the current token (see key_of)."""
        tok = self.toks[self.i]
        return table.get(tok.value if tok.t == "cmd" else tok.t)

    def skip_to(self, k: int) -> None:
        while self.i < k:
            self.advance()

    # ---- expressions: precedence climbing ----------------------------------------------------

    def parse_expr(self) -> ast.Expr:
        return self.parse_binary(SUM, None)

    def parse_additive(self, left: ast.Expr | None) -> ast.Expr:
        """A sum; `left`, when given, is its first operand, already read."""
        return self.parse_binary(SUM, left)

    def parse_term(self) -> ast.Expr:
        return self.parse_binary(PRODUCT, None)

    def parse_binary(self, min_power: int, left: ast.Expr | None) -> ast.Expr:
        """Operands joined by infix operators of at least `min_power`, left-associative; every
        node's span starts where the whole chain starts."""
        if left is None:
            tok = self.peek()
            start = tok.start
            prefix = PREFIXES.get(key_of(tok)) if min_power <= SUM else None
            left = prefix.read(self, tok) if prefix is not None else self.parse_product()
        else:
            start = left.span[0]
        while True:
            rule = self.rule_at(INFIXES)
            if rule is None or rule.power < min_power:
                return left
            self.advance()  # the operator
            right = rule.operand(self)
            left = ast.BinOp(rule.op, left, right, span=(start, self.last_end))

    def parse_product(self) -> ast.Expr:
        """Juxtaposition: factors side by side (`2 x`, `Q K^\\top`)."""
        start = self.peek().start
        first = self.parse_factor()
        if not self.can_start_factor(self.peek()):
            return first
        factors = [first]
        while self.can_start_factor(self.peek()):
            factors.append(self.parse_factor())
        return ast.Juxt(tuple(factors), span=(start, self.last_end))

    def can_start_factor(self, tok: Token) -> bool:
        if self.i in self.stops and tok is self.toks[self.i]:
            return False
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
        for tok, depth in self.tokens_ahead(self.i + skip + 1):
            t = tok.t
            if is_bracket(tok):
                if depth < 0:
                    return False
            elif t in ("rowsep", "&", "end", "quad"):
                return False
            elif depth == 0:
                if kind == "|" and (t == "|" or (t == "cmd" and tok.value in _BAR_COMMANDS)):
                    return True
                if kind == "||" and t == "cmd" and tok.value in _DOUBLE_BAR_COMMANDS:
                    return True
        return False

    def tokens_ahead(self, j: int) -> Iterator[tuple[Token, int]]:
        """The tokens from index `j` on, each with the bracket depth after it (relative to
        `j`); `\\left` and `\\right` count as brackets and their delimiter is skipped."""
        toks, last = self.toks, self.last
        depth = 0
        while j < last:
            tok = toks[j]
            t = tok.t
            if t in _OPENERS:
                depth += 1
            elif t in _CLOSERS:
                depth -= 1
            elif t == "cmd" and tok.value in _LEFT_RIGHT:
                depth += _LEFT_RIGHT[tok.value]
                j += 1
            yield tok, depth
            j += 1

    def parse_factor(self) -> ast.Expr:
        """A prefix operator with what it takes, or a primary (which a factor rule may extend)."""
        tok = self.peek()
        rule: Operator | None = None
        if tok.t == "cmd":
            rule = OPERATORS.get(tok.value)
            node = rule(self, tok) if rule is not None else None
            if node is not None:
                return node
        elif tok.t in ("opname", "text"):
            for rule in WORD_OPERATORS:
                node = rule(self, tok)
                if node is not None:
                    return node
        node = self.parse_primary()
        if isinstance(node, ast.BigOp):  # `\operatorname*{argmax}_w ...` read through its font
            return node
        for extend in FACTOR_RULES:
            node = extend(self, node)
        return node

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
        if tok.t == "cmd":
            atom = COMMANDS.get(tok.value)
            if atom is None:
                raise self.error(tok, "unknown command (not a TeX command veritex reads, nor a macro "
                                      "defined in the formula or the front matter)")
            return atom(self, tok)
        atom = ATOMS.get(tok.t)
        if atom is not None:
            return atom(self, tok)
        if ord(tok.value[:1] or " ") > 127:
            raise self.error(tok, "text outside \\text{...}")
        raise self.error(tok, "unexpected here", kind="malformed")

    def parse_postfix(self, node: ast.Expr) -> ast.Expr:
        stage = 0
        while True:
            rule = self.rule_at(POSTFIXES)
            if rule is None or rule.stage < stage:
                return node
            node = rule.read(self, node)
            stage = rule.stage if rule.repeats else rule.stage + 1

    # ---- groups and arguments ----------------------------------------------------------------

    def parse_braced(self, empty: str) -> ast.Expr:
        """The content of the `{...}` at the current token; `empty` is the message for `{}`."""
        tok = self.advance()
        if self.peek().t == "}":
            raise self.error(tok, empty, kind="malformed")
        node = self.parse_group_content()
        self.expect("}", "}")
        return node

    def parse_unit(self, empty: str) -> ast.Expr | None:
        """What TeX takes as one argument: a braced group or one token (one digit of a number);
        None when neither starts here."""
        t = self.peek().t
        if t == "{":
            return self.parse_braced(empty)
        if t == "num":
            return self.split_first_digit()
        if t in ("letter", "cmd", "text", "opname"):
            return self.parse_primary(postfix=False)
        return None

    def parse_argument(self, context: Token) -> ast.Expr:
        """The argument of `\\frac`, `\\sqrt`, an accent or a font."""
        node = self.parse_unit(f"an empty argument of {context.value}")
        if node is None:
            raise self.error(context, f"{context.value} is missing an argument", kind="malformed")
        return node

    def parse_group_content(self) -> ast.Expr:
        """An expression, or a comma list of them as a tuple (`{i,j}`, `(p, 2i)`)."""
        start = self.peek().start
        first = self.parse_expr()
        if self.peek().t != ",":
            return first
        items = [first]
        while self.peek().t == ",":
            self.advance()
            items.append(self.parse_expr())
        return ast.Tuple(tuple(items), span=(start, self.last_end))

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
