"""Macro expansion on tokens: `\\newcommand`, `\\renewcommand`, `\\def`, `\\DeclareMathOperator`
inside the formula, plus the document's own macros (front matter `macros:`).

Expansion works on the token list rather than the TeX string so that offsets survive: tokens of a
macro's body take the span of the macro's use, and the arguments keep their own spans, so an error
inside `\\norm{x_{:}}` still points at the `:`. A limit on expansions stops `\\def\\a{\\a\\a}`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from veritex.math.commands import MACRO_DEFINERS
from veritex.math.errors import MathSyntaxError
from veritex.math.lexer import Token, tokenize

MAX_EXPANSIONS = 500
MAX_TOKENS = 20_000
_PARAM = re.compile(r"#(\d)")


@dataclass
class Macro:
    name: str
    nargs: int
    body: list[Token]  # without the final "eof"
    default: list[Token] | None = None  # the optional first argument's default


def _from_source(name: str, body: str, offset: int) -> Macro:
    try:
        tokens = tokenize(body)[:-1]
    except MathSyntaxError as err:
        raise MathSyntaxError(offset, name, f"the definition of {name} is broken: {err.message}",
                              kind="malformed") from None
    nargs = max((int(t.value) for t in tokens if t.t == "param"), default=0)
    for t in tokens:
        if t.arg is not None:
            nargs = max([nargs, *(int(d) for d in _PARAM.findall(t.arg))])
    return Macro(name, nargs, tokens)


def expand(tokens: list[Token], macros: Mapping[str, str] | None = None) -> list[Token]:
    """`tokens` with every macro use replaced by its expansion and definitions removed."""
    user = {(k if k.startswith("\\") else "\\" + k): v for k, v in (macros or {}).items()}
    if not any(t.t == "cmd" and (t.value in MACRO_DEFINERS or t.value in user) for t in tokens):
        return tokens  # the common case: nothing to do
    return _Expander(tokens, user).run()


class _Expander:
    def __init__(self, tokens: list[Token], user: dict[str, str]) -> None:
        self.stack = tokens[::-1]  # the next token is at the end
        self.user_sources = user
        self.defined: dict[str, Macro] = {}
        self.expansions = 0

    def pop(self, context: Token) -> Token:
        if not self.stack or self.stack[-1].t == "eof":
            raise MathSyntaxError(context.start, context.value,
                                  f"{context.value} is missing an argument", kind="malformed")
        return self.stack.pop()

    def run(self) -> list[Token]:
        out: list[Token] = []
        while self.stack:
            tok = self.stack.pop()
            if tok.t == "cmd" and tok.value in MACRO_DEFINERS:
                self.define(tok)
            elif tok.t == "cmd" and (macro := self.lookup(tok)) is not None:
                self.use(tok, macro)
            else:
                out.append(tok)
        return out

    def lookup(self, tok: Token) -> Macro | None:
        macro = self.defined.get(tok.value)
        if macro is None and tok.value in self.user_sources:
            macro = _from_source(tok.value, self.user_sources[tok.value], tok.start)
            self.defined[tok.value] = macro
        return macro

    # ---- definitions -------------------------------------------------------------------------

    def define(self, definer: Token) -> None:
        if definer.value == "\\def":
            name = self.pop(definer)
            nargs = 0
            while self.stack and self.stack[-1].t == "param":
                nargs += 1
                if int(self.stack.pop().value) != nargs:
                    raise MathSyntaxError(name.start, name.value,
                                          "\\def parameters must be #1, #2, ... in order",
                                          kind="malformed")
            self.check_name(definer, name)
            body = self.group(definer)
            self.defined[name.value] = Macro(name.value, nargs, body)
            return
        name_group = self.group(definer) if self.stack and self.stack[-1].t == "{" else [
            self.pop(definer)]
        if len(name_group) != 1:
            raise MathSyntaxError(definer.start, definer.value,
                                  f"{definer.value} needs one command name", kind="malformed")
        name = name_group[0]
        self.check_name(definer, name)
        if definer.value == "\\DeclareMathOperator":
            text = "".join(t.source() for t in self.group(definer))
            op = Token("opname", "\\operatorname", definer.start, definer.end, text)
            self.defined[name.value] = Macro(name.value, 0, [op])
            return
        nargs = 0
        default: list[Token] | None = None
        if self.stack and self.stack[-1].t == "[":
            digits = self.bracketed(definer)
            if len(digits) != 1 or digits[0].t != "num" or not digits[0].value.isdigit():
                raise MathSyntaxError(definer.start, definer.value,
                                      "the number of arguments must be a digit", kind="malformed")
            nargs = int(digits[0].value)
            if self.stack and self.stack[-1].t == "[":
                default = self.bracketed(definer)
        body = self.group(definer)
        exists = name.value in self.defined or name.value in self.user_sources
        if definer.value == "\\providecommand" and exists:
            return
        self.defined[name.value] = Macro(name.value, nargs, body, default)

    @staticmethod
    def check_name(definer: Token, name: Token) -> None:
        if name.t != "cmd":
            raise MathSyntaxError(name.start, name.source() or definer.value,
                                  f"{definer.value} defines a command, such as \\norm",
                                  kind="malformed")

    def group(self, context: Token) -> list[Token]:
        """A braced group's tokens (without the braces), or one token."""
        first = self.pop(context)
        if first.t != "{":
            return [first]
        body: list[Token] = []
        depth = 1
        while True:
            tok = self.pop(context)
            if tok.t == "{":
                depth += 1
            elif tok.t == "}":
                depth -= 1
                if depth == 0:
                    return body
            body.append(tok)

    def bracketed(self, context: Token) -> list[Token]:
        self.pop(context)  # "["
        body: list[Token] = []
        depth = 0
        while True:
            tok = self.pop(context)
            if tok.t == "]" and depth == 0:
                return body
            depth += tok.t == "{"
            depth -= tok.t == "}"
            body.append(tok)

    # ---- uses --------------------------------------------------------------------------------

    def use(self, tok: Token, macro: Macro) -> None:
        self.expansions += 1
        if self.expansions > MAX_EXPANSIONS or len(self.stack) > MAX_TOKENS:
            raise MathSyntaxError(tok.start, tok.value,
                                  f"{tok.value} keeps expanding (a macro that calls itself?)",
                                  kind="malformed")
        args: list[list[Token]] = []
        first = 0
        if macro.default is not None:
            if self.stack and self.stack[-1].t == "[":
                args.append(self.bracketed(tok))
            else:
                args.append(macro.default)
            first = 1
        for _ in range(first, macro.nargs):
            args.append(self.group(tok))
        end = max([tok.end, *(t.end for arg in args for t in arg)])
        expansion: list[Token] = []
        for body_tok in macro.body:
            if body_tok.t == "param":
                k = int(body_tok.value)
                if not 1 <= k <= len(args):
                    raise MathSyntaxError(tok.start, tok.value,
                                          f"{tok.value} uses #{k} but takes {len(args)} arguments",
                                          kind="malformed")
                expansion.extend(args[k - 1])
            elif body_tok.arg is not None and "#" in body_tok.arg:
                text = _PARAM.sub(lambda m: _source_of(args, int(m.group(1)), tok), body_tok.arg)
                expansion.append(Token(body_tok.t, body_tok.value, tok.start, end, text))
            else:
                expansion.append(body_tok.at(tok.start, end))
        self.stack.extend(reversed(expansion))


def _source_of(args: list[list[Token]], k: int, use: Token) -> str:
    if not 1 <= k <= len(args):
        raise MathSyntaxError(use.start, use.value, f"{use.value} has no argument #{k}",
                              kind="malformed")
    out = ""
    for t in args[k - 1]:
        piece = t.source()
        if out and out[-1].isalpha() and piece[:1].isalpha() and out.rsplit("\\", 1)[-1].isalpha():
            out += " "  # keep `\alpha x` from becoming `\alphax`
        out += piece
    return out
