"""Why a formula could not be read or translated, and where in its TeX that happened.

Both exceptions carry an `offset` into the formula's TeX and a `construct` (the piece of TeX, or a
short name for it) so that a checker can report "unchecked: cannot interpret <construct> at line:col".
Neither imports SymPy: the parser must stay importable without it.
"""

from __future__ import annotations

from typing import Literal

from veritex.model import Position
from veritex.places import position_at

ErrorKind = Literal["malformed", "unsupported"]

__all__ = ["ErrorKind", "MathSyntaxError", "Uninterpretable", "position_at"]


def _where(offset: int, tex: str | None, start: Position | None) -> str:
    """line:col when the formula's TeX and starting position are known, the offset otherwise."""
    if tex is None or start is None:
        return f"offset {offset}"
    pos = position_at(tex, offset, start)
    return f"{pos.line}:{pos.column}"


class MathSyntaxError(Exception):
    """The TeX is broken (`kind="malformed"`: an unclosed brace, a missing argument) or uses a
    construct outside veritex's math subset (`kind="unsupported"`: `\\int`, `\\text{...}` as an
    operand, an unknown command). `hint` says what to write instead, when there is a likely fix."""

    def __init__(
        self,
        offset: int,
        construct: str,
        message: str,
        *,
        kind: ErrorKind = "unsupported",
        hint: str | None = None,
    ) -> None:
        self.offset = offset
        self.construct = construct
        self.message = message
        self.kind: ErrorKind = kind
        self.hint = hint
        super().__init__(self.describe())

    def describe(self, tex: str | None = None, start: Position | None = None) -> str:
        """'cannot interpret <construct> at <where>: <message>'; `where` is line:col when the
        formula's TeX and starting position are given, the offset otherwise."""
        text = f"cannot interpret {self.construct} at {_where(self.offset, tex, start)}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def position(self, tex: str, start: Position) -> Position:
        return position_at(tex, self.offset, start)


class Uninterpretable(Exception):
    """A well-formed formula part that has no faithful SymPy meaning (an expectation, a set, a
    norm's subscript that is not an order...). The checker reports it as unchecked."""

    def __init__(self, construct: str, offset: int, reason: str = "") -> None:
        self.construct = construct
        self.offset = offset
        self.reason = reason
        super().__init__(self.describe())

    def describe(self, tex: str | None = None, start: Position | None = None) -> str:
        text = f"cannot interpret {self.construct} at {_where(self.offset, tex, start)}"
        return f"{text}: {self.reason}" if self.reason else text
