"""Turn a formula's TeX into tokens, each with its offsets into the TeX.

Token types (`Token.t`):
- "letter" (one ASCII letter), "num" (digits with an optional decimal part), "cmd" (a control
  word or symbol, `value` spelled with its backslash), "param" (`#1` in a macro body);
- a punctuation character stands for itself: "(", ")", "[", "]", "{", "}", "^", "_", "&", "=",
  "+", "-", "<", ">", ",", ";", ":", ".", "!", "'", "|", "/", "*", "?" and any other character;
- "text", "opname", "label", "tag", "begin", "end", "ref": a command whose braced argument is raw
  text (`\\text{where}`), with the command in `value` and the argument in `arg`;
- "quad" (`\\quad`, `\\qquad`), "rowsep" (`\\\\`), "eof" (one, at the end).
Spacing commands, comments and style switches are dropped here. Braces are checked for balance
here too, so that an unclosed brace is reported where it opens.
"""

from __future__ import annotations

import re

from veritex.math.commands import (
    DROPPED_WITH_ARGUMENT,
    IGNORED,
    QUADS,
    RAW_ARGUMENT_COMMANDS,
    ROW_SEPARATORS,
    SPACING,
    UNICODE_CHARACTERS,
    UNICODE_COMMANDS,
)
from veritex.math.errors import MathSyntaxError


class Token:
    __slots__ = ("t", "value", "start", "end", "arg")

    def __init__(self, t: str, value: str, start: int, end: int, arg: str | None = None) -> None:
        self.t = t
        self.value = value
        self.start = start
        self.end = end
        self.arg = arg

    def source(self) -> str:
        """The TeX this token stands for (used to rebuild macro arguments inside raw text)."""
        if self.arg is not None:
            return f"{self.value}{{{self.arg}}}"
        if self.t == "param":
            return "#" + self.value
        if self.t == "eof":
            return ""
        return self.value

    def at(self, start: int, end: int) -> Token:
        return Token(self.t, self.value, start, end, self.arg)

    def __repr__(self) -> str:
        extra = f" {{{self.arg}}}" if self.arg is not None else ""
        return f"<{self.t} {self.value!r}{extra} @{self.start}>"


_TOKEN = re.compile(
    r"(?P<cmd>\\(?:[A-Za-z]+|.))"
    r"|(?P<letter>[A-Za-z])"
    r"|(?P<num>\d+(?:\.\d+)?|\.\d+)"
    r"|(?P<ws>\s+)"
    r"|(?P<comment>%[^\n]*)"
    r"|(?P<param>\#\d)"
    r"|(?P<other>.)",
    re.S,
)
_DIMENSION = re.compile(r"\s*\[\s*-?[\d.]+\s*[a-z]{2}\s*\]")


def tokenize(tex: str) -> list[Token]:
    """Tokens of `tex`, ending with one "eof" token. Raises MathSyntaxError for unbalanced braces
    and a raw-text command without its braced argument."""
    out: list[Token] = []
    append = out.append
    open_braces: list[int] = []
    pos = 0
    n = len(tex)
    match = _TOKEN.match
    while pos < n:
        m = match(tex, pos)
        assert m is not None  # `.` with re.S matches any character
        kind = m.lastgroup
        end = m.end()
        text = m.group()
        if kind == "letter":
            append(Token("letter", text, pos, end))
        elif kind == "num":
            append(Token("num", text, pos, end))
        elif kind == "cmd":
            if text in SPACING or text in IGNORED:
                pass
            elif text in QUADS:
                append(Token("quad", text, pos, end))
            elif text in ROW_SEPARATORS:
                append(Token("rowsep", text, pos, end))
                dim = _DIMENSION.match(tex, end)  # `\\[4pt]` spacing after a row
                if dim is not None:
                    end = dim.end()
            elif text in RAW_ARGUMENT_COMMANDS or text in DROPPED_WITH_ARGUMENT:
                end = _raw_argument(tex, text, pos, end, out)
            else:
                append(Token("cmd", text, pos, end))
        elif kind == "other":
            if text == "{":
                open_braces.append(pos)
                append(Token("{", "{", pos, end))
            elif text == "}":
                if not open_braces:
                    raise MathSyntaxError(pos, "}", "this brace closes nothing", kind="malformed")
                open_braces.pop()
                append(Token("}", "}", pos, end))
            elif text == "~":
                pass  # a non-breaking space
            elif text in UNICODE_COMMANDS:
                append(Token("cmd", UNICODE_COMMANDS[text], pos, end))
            elif text in UNICODE_CHARACTERS:
                mapped = UNICODE_CHARACTERS[text]
                append(Token(mapped, mapped, pos, end))
            else:
                append(Token(text, text, pos, end))
        elif kind == "param":
            append(Token("param", text[1], pos, end))
        pos = end
    if open_braces:
        where = open_braces[-1]
        raise MathSyntaxError(where, "{", "this brace is never closed", kind="malformed",
                              hint="add the missing }")
    out.append(Token("eof", "", n, n))
    return out


def matching_brace(text: str, index: int) -> int:
    """Index of the `}` that closes the `{` at `text[index]`, or -1 when it is never closed. A
    backslash escapes the character after it (`\\{` and `\\}` are not braces)."""
    depth = 0
    k = index
    n = len(text)
    while k < n:
        c = text[k]
        if c == "\\":
            k += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return k
        k += 1
    return -1


def _raw_argument(tex: str, command: str, start: int, end: int, out: list[Token]) -> int:
    """Read the braced argument of a raw-text command; append its token (unless the command is
    dropped) and return the offset after it."""
    pos = end
    star = False
    while pos < len(tex) and tex[pos].isspace():
        pos += 1
    if pos < len(tex) and tex[pos] == "*" and command in ("\\operatorname", "\\tag"):
        star = True
        pos += 1
        while pos < len(tex) and tex[pos].isspace():
            pos += 1
    if command in ("\\kern", "\\mkern") and (pos >= len(tex) or tex[pos] != "{"):
        return end  # `\kern2mu`: the dimension is read as ordinary tokens and rejected later
    if pos >= len(tex) or tex[pos] != "{":
        raise MathSyntaxError(start, command, f"{command} needs a braced argument", kind="malformed")
    k = matching_brace(tex, pos)
    if k < 0:
        raise MathSyntaxError(pos, "{", f"the argument of {command} is never closed",
                              kind="malformed", hint="add the missing }")
    content = tex[pos + 1 : k]
    if command not in DROPPED_WITH_ARGUMENT:
        value = command + ("*" if star else "")
        out.append(Token(RAW_ARGUMENT_COMMANDS[command], value, start, k + 1, content))
    return k + 1
